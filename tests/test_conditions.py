"""Row conditions: the parser (operators, precedence, quoting, errors with positions) and the vectorised
evaluation against a row-by-row pure-Python evaluation of randomly generated conditions."""
from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxscore.conditions import Blank, Both, Compare, ConditionError, Either, Member, Not, Value, parse_condition

REPLIES = ["0", "1", " 2 ", "1.0", "n/a", "", None, "x"]
STATUS = ["Solved", " solved", "Closed", "Open", "On hold", None, "", "Solved"]


def outcome(text: str, blanks=(), **columns):
    result = parse_condition(text).evaluate({k.replace("_", " "): v for k, v in columns.items()}, blanks)
    return result.matched.tolist(), result.undecided.tolist(), result.invalid.tolist()


@pytest.mark.parametrize(("text", "matched", "undecided"), [
    ("Replies = 1", [0, 1, 0, 1, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1]),
    ("Replies != 1", [1, 0, 1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1]),
    ("Replies < 1", [1, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1]),
    ("Replies <= 1", [1, 1, 0, 1, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1]),
    ("Replies > 1", [0, 0, 1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1]),
    ("Replies >= 1", [0, 1, 1, 1, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1]),
    ("Replies in [0, 2]", [1, 0, 1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1]),
    ("Replies not in [0, 2]", [0, 1, 0, 1, 0, 0, 0, 0], [0, 0, 0, 0, 1, 1, 1, 1]),
    ("Replies = '1'", [0, 1, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 1, 1, 0]),  # quoted: text, so 1.0 is not '1'
    ("Replies in [1, x]", [0, 1, 0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 0, 1, 1, 0]),  # a list with text compares as text
    ("Replies is blank", [0, 0, 0, 0, 0, 1, 1, 0], [0] * 8),
    ("Replies is not blank", [1, 1, 1, 1, 1, 0, 0, 1], [0] * 8),
])
def test_each_operator_on_numbers(text, matched, undecided):
    got_matched, got_undecided, invalid = outcome(text, Replies=pa.array(REPLIES))
    assert got_matched == [bool(v) for v in matched] and got_undecided == [bool(v) for v in undecided]
    numeric = parse_condition(text).tree
    numeric = isinstance(numeric, Compare) and numeric.value.number is not None or isinstance(numeric, Member) and all(v.number is not None for v in numeric.values)
    assert invalid == ([False, False, False, False, True, False, False, True] if numeric else [False] * 8)  # n/a and x are not numbers


@pytest.mark.parametrize(("text", "matched"), [
    ("Status = solved", [1, 1, 0, 0, 0, 0, 0, 1]),  # trimmed, any case
    ("Status != Solved", [0, 0, 1, 1, 1, 0, 0, 0]),
    ('Status = "On hold"', [0, 0, 0, 0, 1, 0, 0, 0]),
    ("Status in [Solved, Closed]", [1, 1, 1, 0, 0, 0, 0, 1]),
    ("Status not in [Solved, closed]", [0, 0, 0, 1, 1, 0, 0, 0]),
    ("Status is blank", [0, 0, 0, 0, 0, 1, 1, 0]),
])
def test_each_operator_on_text(text, matched):
    got_matched, undecided, invalid = outcome(text, Status=pa.array(STATUS))
    assert got_matched == [bool(v) for v in matched]
    assert undecided == ([False] * 8 if "blank" in text else [False] * 5 + [True, True, False])
    assert invalid == [False] * 8


def test_precedence_and_binds_tighter_than_or_and_not_tighter_than_and():
    assert parse_condition("a = 1 or b = 1 and c = 1").tree == Either((Compare("a", "=", Value("1", 1.0)), Both((Compare("b", "=", Value("1", 1.0)), Compare("c", "=", Value("1", 1.0))))))
    assert parse_condition("not a = 1 and b = 1").tree == Both((Not(Compare("a", "=", Value("1", 1.0))), Compare("b", "=", Value("1", 1.0))))
    assert parse_condition("(a = 1 or b = 1) and c = 1").tree == Both((Either((Compare("a", "=", Value("1", 1.0)), Compare("b", "=", Value("1", 1.0)))), Compare("c", "=", Value("1", 1.0))))
    a, b, c = pa.array(["1", "0", "0", "1"]), pa.array(["0", "1", "1", "0"]), pa.array(["0", "0", "1", "0"])
    assert outcome("a = 1 or b = 1 and c = 1", a=a, b=b, c=c)[0] == [True, False, True, True]
    assert outcome("(a = 1 or b = 1) and c = 1", a=a, b=b, c=c)[0] == [False, False, True, False]
    assert outcome("NOT (a = 1 OR b = 1)", a=a, b=b)[0] == [False, False, False, False]


def test_quoting_keywords_and_doubled_quotes():
    tree = parse_condition("`First reply time` <= 60 AND \"in\" Is Not Blank and Tag = 'it''s' or \"Group\" = \"say \"\"hi\"\"\"").tree
    assert tree == Either((
        Both((Compare("First reply time", "<=", Value("60", 60.0)), Blank("in", True), Compare("Tag", "=", Value("it's", None)))),
        Compare("Group", "=", Value('say "hi"', None)),
    ))
    assert parse_condition("状态 in [已解决, 已关闭]").tree == Member("状态", (Value("已解决", None), Value("已关闭", None)), False)
    assert parse_condition("x>=-1.5e1").tree == Compare("x", ">=", Value("-1.5e1", -15.0))
    assert parse_condition("a = 1 or b = 2").columns == ("a", "b") and parse_condition("a = 1 or a = 2").columns == ("a",)


def test_three_valued_logic():
    """A blank or a non-number leaves a test undecided; 'false and ?' is false, 'true or ?' true, 'not ?' still ?."""
    r, s = pa.array(["x", "x", "", "1"]), pa.array(["Open", "Solved", "Solved", "Open"])
    assert outcome("Replies <= 1 and Status = Solved", Replies=r, Status=s) == ([False, False, False, False], [False, True, True, False], [False, True, False, False])
    assert outcome("Replies <= 1 or Status = Solved", Replies=r, Status=s) == ([False, True, True, True], [True, False, False, False], [True, False, False, False])
    assert outcome("not Replies <= 1", Replies=r) == ([False, False, False, False], [True, True, True, False], [True, True, False, False])


def test_column_kinds_numbers_dictionaries_chunks_numpy_and_extra_blanks():
    ints = pa.array([1, None, 3])
    floats = np.array([1.0, np.nan, 3.5])
    assert outcome("n >= 2", n=ints) == ([False, False, True], [False, True, False], [False, False, False])
    assert outcome("n in [1, 3.5]", n=floats)[:2] == ([True, False, True], [False, True, False])
    assert outcome("n = '1'", n=ints)[0] == [True, False, False]  # numbers as text
    codes = pa.array(["Solved", "Open", "Solved"]).dictionary_encode()
    assert outcome("Status = Solved", Status=codes)[0] == [True, False, True]
    chunked = pa.chunked_array([["1", "2"], ["3"]])
    assert outcome("n > 1", n=chunked)[0] == [False, True, True]
    assert outcome("n > 1", n=np.array(["1", "5", "N/A"], dtype=object), blanks=["n/a"]) == ([False, True, False], [False, False, True], [False, False, False])
    assert outcome("Status is blank", Status=pa.array(["-", "x", "  "]), blanks=["-"])[0] == [True, False, True]


def test_evaluation_needs_its_columns_of_one_length():
    condition = parse_condition("a = 1 and b = 2")
    with pytest.raises(KeyError, match="reads the column 'b'"):
        condition.evaluate({"a": pa.array(["1"])})
    with pytest.raises(ValueError, match=r"differ in length: \[1, 2\]"):
        condition.evaluate({"a": pa.array(["1"]), "b": pa.array(["1", "2"])})


@pytest.mark.parametrize(("text", "message"), [
    ("Replies <= ", "at column 12: expected a value after '<=', found the end of the condition"),
    ('"Replies" <= and x = 1', "at column 14: expected a value after '<=', found 'and'"),
    ("First reply time <= 60", "at column 7: expected an operator (= != < <= > >=, in, not in, is blank, starts with, contains) after the column 'First', found 'reply'; quote a column name with spaces: `First reply …`"),
    ("Status = On hold", 'at column 13: expected \'and\', \'or\' or the end of the condition, found \'hold\'; quote a value with spaces: "On hold"'),
    ("a == 1", "at column 3: '==' is not an operator; write '='"),
    ("a <> 1", "at column 3: '<>' is not an operator; write '!='"),
    ("a => 1", "at column 3: '=>' is not an operator; write '>='"),
    ("a !! 1", "at column 3: '!!' is not an operator; use one of = != < <= > >="),
    ("(a = 1 or b = 2", "at column 16: expected ')' to close the '(' at column 1, found the end of the condition"),
    ("a = 1)", "at column 6: expected 'and', 'or' or the end of the condition, found ')'"),
    ("a in []", "at column 7: the list is empty; give at least one value"),
    ("a in [1, 2", "at column 11: expected ',' or ']' to close the '[' at column 6, found the end of the condition"),
    ("a in [1,]", "at column 9: expected a value after ',', found ']'"),
    ("a in Solved", "at column 6: expected a list such as [Solved, Closed] after 'in', found 'Solved'"),
    ("a not = 1", "at column 7: expected an operator (= != < <= > >=, in, not in, is blank, starts with, contains) after the column 'a', found '='"),
    ("Status < High", "at column 8: '<' compares numbers; 'High' is not a number"),
    ("Replies >= '2'", "at column 9: '>=' compares numbers; '2' is not a number"),
    ("or = 1", "at column 1: expected a column, found the keyword 'or'; quote a column of that name: `or`"),
    ("a is empty", "at column 6: expected 'blank' after 'is', found 'empty'"),
    ("a is not", "at column 9: expected 'blank' after 'is not', found the end of the condition"),
    ('a = "Solved', 'at column 5: the quote " opened here is not closed'),
    ("a = 1 and", "at column 10: expected a column, found the end of the condition"),
    ("[a] = 1", "at column 1: expected a column, found '['"),
    ("  ", "at column 1: the condition is empty"),
])
def test_errors_say_where_and_what(text, message):
    with pytest.raises(ConditionError) as error:
        parse_condition(text)
    assert str(error.value).startswith(message)
    assert error.value.position == int(re.match(r"at column (\d+)", message)[1])


# --- random conditions against a row-by-row evaluation -----------------------------------------

COLUMNS = ["a", "Status", "First reply", "in"]
CELLS = ["0", "1", " 2 ", "2.5", "-1", "1e1", "1.", "abc", "Solved", " solved ", "ON HOLD", "On hold", "", "  ", None, "n/a", "已解决", "it's", "1 2"]
NUMBERS = st.sampled_from(["0", "1", "2", "2.5", "-1", "10", ".5"]).map(lambda t: Value(t, float(t)))
TEXTS = st.sampled_from(["Solved", "abc", "on hold", "已解决", "it's", "1", "2.5", "n/a", "and"]).map(lambda t: Value(t, None))
NUMBER_CELL = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")

tests = st.one_of(
    st.builds(Compare, st.sampled_from(COLUMNS), st.sampled_from(["=", "!="]), st.one_of(NUMBERS, TEXTS)),
    st.builds(Compare, st.sampled_from(COLUMNS), st.sampled_from(["<", "<=", ">", ">="]), NUMBERS),
    st.builds(Member, st.sampled_from(COLUMNS), st.one_of(st.lists(NUMBERS, min_size=1, max_size=3), st.lists(st.one_of(NUMBERS, TEXTS), min_size=1, max_size=3)).map(tuple), st.booleans()),
    st.builds(Blank, st.sampled_from(COLUMNS), st.booleans()),
)
trees = st.recursive(tests, lambda inner: st.one_of(
    st.builds(Not, inner),
    st.lists(inner, min_size=2, max_size=3).map(lambda parts: Both(tuple(parts))),
    st.lists(inner, min_size=2, max_size=3).map(lambda parts: Either(tuple(parts))),
), max_leaves=6)


def render(node, quote: str) -> str:
    """Condition text with only the parentheses precedence needs (so the parser's precedence is tested)."""
    def column(name):
        return name if re.fullmatch(r"\w+", name) and name.lower() not in ("and", "or", "not", "in", "is") else f"`{name}`" if quote == "'" else f'"{name}"'

    def value(v):
        if v.number is not None or (re.fullmatch(r"[A-Za-z\u4e00-\u9fff]+", v.text) and v.text.lower() not in ("and", "or", "not", "in", "is")):
            return v.text
        return quote + v.text.replace(quote, quote * 2) + quote

    def grouped(child, parent):
        text = render(child, quote)
        needs = isinstance(parent, Not) and isinstance(child, (Both, Either)) or isinstance(parent, Both) and isinstance(child, Either)
        return f"({text})" if needs else text

    if isinstance(node, Compare):
        return f"{column(node.column)} {node.op} {value(node.value)}"
    if isinstance(node, Member):
        return f"{column(node.column)} {'not in' if node.negated else 'in'} [{', '.join(map(value, node.values))}]"
    if isinstance(node, Blank):
        return f"{column(node.column)} is {'not ' if node.negated else ''}blank"
    if isinstance(node, Not):
        return f"not {grouped(node.operand, node)}"
    return f" {'and' if isinstance(node, Both) else 'or'} ".join(grouped(part, node) for part in node.parts)


def slow(node, row: dict, blanks: set[str]):
    """True, False or None (undecided) for one row, straight from the documented meaning."""
    if isinstance(node, Not):
        inner = slow(node.operand, row, blanks)
        return None if inner is None else not inner
    if isinstance(node, (Both, Either)):
        values = [slow(part, row, blanks) for part in node.parts]
        decisive = isinstance(node, Either)  # True decides an 'or', False an 'and'
        return decisive if decisive in values else None if None in values else not decisive
    cell = row[node.column]
    blank = cell is None or cell.strip() == "" or cell.strip().lower() in blanks
    if isinstance(node, Blank):
        return blank != node.negated
    if blank:
        return None
    values = [node.value] if isinstance(node, Compare) else list(node.values)
    op = node.op if isinstance(node, Compare) else "!=" if node.negated else "="
    if all(v.number is not None for v in values):
        if not NUMBER_CELL.fullmatch(cell.strip()):
            return None
        x = float(cell.strip())
        holds = {"<": x < values[0].number, "<=": x <= values[0].number, ">": x > values[0].number, ">=": x >= values[0].number}.get(op, any(x == v.number for v in values))
    else:
        holds = any(cell.strip().lower() == v.text.lower() for v in values)
    return not holds if op == "!=" else holds


def leaves(node):
    if isinstance(node, (Both, Either)):
        return [leaf for part in node.parts for leaf in leaves(part)]
    return leaves(node.operand) if isinstance(node, Not) else [node]


def slow_invalid(tree, row, blanks) -> bool:
    """A non-number (not blank) met by some numeric test of the condition."""
    for leaf in leaves(tree):
        numeric = isinstance(leaf, Compare) and leaf.value.number is not None or isinstance(leaf, Member) and all(v.number is not None for v in leaf.values)
        cell = row[leaf.column]
        if numeric and cell is not None and cell.strip() and cell.strip().lower() not in blanks and not NUMBER_CELL.fullmatch(cell.strip()):
            return True
    return False


@settings(max_examples=150, deadline=None)
@given(trees, st.sampled_from(["'", '"']), st.lists(st.fixed_dictionaries({c: st.sampled_from(CELLS) for c in COLUMNS}), min_size=1, max_size=25), st.sampled_from([(), ("n/a",)]))
def test_vectorised_evaluation_matches_row_by_row(tree, quote, rows, blanks):
    condition = parse_condition(render(tree, quote))
    got = condition.evaluate({c: pa.array([row[c] for row in rows], pa.string()) for c in COLUMNS}, blanks)
    expected = [slow(tree, row, set(blanks)) for row in rows]
    assert got.matched.tolist() == [e is True for e in expected]
    assert got.undecided.tolist() == [e is None for e in expected]
    assert got.invalid.tolist() == [e is None and slow_invalid(tree, row, set(blanks)) for e, row in zip(expected, rows)]
