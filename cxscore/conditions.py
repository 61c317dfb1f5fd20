"""Row conditions for rate metrics, e.g. ``"Replies" <= 1 and Status in [Solved, Closed]`` (a building
block of the service KPIs, issue 15): a tokenizer and a recursive-descent parser (no ``eval``), and
an evaluation vectorised with Arrow compute and NumPy.

Grammar (keywords in any case)::

    condition  := either ("or" either)*           -- "and" binds tighter than "or"
    either     := negation ("and" negation)*
    negation   := "not" negation | "(" condition ")" | test
    test       := column ( op value | ["not"] "in" "[" value ("," value)* "]" | "is" ["not"] "blank" | "starts" "with" value | "contains" value )
    op         := = | != | < | <= | > | >=

A column is a bare word, or quoted with backticks or double quotes when it holds spaces or a
keyword (`` `First reply time` ``, ``"Replies"``). A value is a bare word or number, or quoted
(``"On hold"``, ``'On hold'``); a doubled quote stands for itself inside quotes.

Meaning. A bare number is compared numerically (``1`` equals a cell ``1.0``); ``<`` ``<=`` ``>``
``>=`` need one. A list of bare numbers is numeric; a list with any text compares as text. Text is
compared after trimming spaces and ignoring case (``solved`` matches ``Solved``): a config outlives
the capitalisation of one export (Zendesk's CSV writes ``Solved``, its API ``solved``). A blank
cell (missing or only spaces) makes a test undecided, except ``is blank``/``is not blank``; so does
a cell that is not a number in a numeric test, which is also counted as *invalid*. ``and``, ``or``
and ``not`` follow three-valued logic: ``false and undecided`` is false, ``true or undecided`` true.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from collections.abc import Iterable, Mapping

import numpy as np
import pyarrow as pa
from .lazy_import import pc

OPERATORS = ("=", "!=", "<", "<=", ">", ">=")
_ORDERING = {"<": np.less, "<=": np.less_equal, ">": np.greater, ">=": np.greater_equal}
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NUMBER_CELL = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_KEYWORDS = {"and", "or", "not", "in", "is", "starts", "contains"}
_PUNCTUATION = "()[],"
_OPERATOR_CHARS = "=!<>"
_QUOTES = "`\"'"
_TRAILING = "expected 'and', 'or' or the end of the condition"


class ConditionError(ValueError):
    """A condition that does not parse; the message starts with its 1-based character position."""

    def __init__(self, position: int, problem: str):
        super().__init__(f"at column {position}: {problem}")
        self.position = position


@dataclass(frozen=True)
class Token:
    kind: str  # "word", "quoted", "op" or one of "()[],"; "end" after the last token
    text: str  # the word, the unquoted text, the operator or the punctuation
    position: int  # 1-based
    quote: str = ""

    def show(self) -> str:
        return "the end of the condition" if self.kind == "end" else repr(self.quote + self.text + self.quote if self.quote else self.text)


def tokenize(text: str) -> list[Token]:
    tokens, i = [], 0
    while i < len(text):
        char, position = text[i], i + 1
        if char.isspace():
            i += 1
        elif char in _PUNCTUATION:
            tokens.append(Token(char, char, position))
            i += 1
        elif char in _OPERATOR_CHARS:
            j = i
            while j < len(text) and text[j] in _OPERATOR_CHARS:
                j += 1
            op = text[i:j]
            if op not in OPERATORS:
                fix = {"==": "'='", "<>": "'!='", "=<": "'<='", "=>": "'>='"}.get(op)
                raise ConditionError(position, f"{op!r} is not an operator; " + (f"write {fix}" if fix else f"use one of {' '.join(OPERATORS)}"))
            tokens.append(Token("op", op, position))
            i = j
        elif char in _QUOTES:
            parts, j = [], i + 1
            while True:
                close = text.find(char, j)
                if close < 0:
                    raise ConditionError(position, f"the quote {char} opened here is not closed")
                parts.append(text[j:close])
                if text[close + 1:close + 2] != char:
                    break
                parts.append(char)  # a doubled quote stands for itself
                j = close + 2
            tokens.append(Token("quoted", "".join(parts), position, char))
            i = close + 1
        else:
            j = i
            while j < len(text) and not text[j].isspace() and text[j] not in _PUNCTUATION + _OPERATOR_CHARS + _QUOTES:
                j += 1
            tokens.append(Token("word", text[i:j], position))
            i = j
    tokens.append(Token("end", "", len(text) + 1))
    return tokens


@dataclass(frozen=True)
class Value:
    text: str
    number: float | None  # set for a bare number


@dataclass(frozen=True)
class Compare:
    column: str
    op: str
    value: Value


@dataclass(frozen=True)
class Member:
    column: str
    values: tuple[Value, ...]
    negated: bool


@dataclass(frozen=True)
class Blank:
    column: str
    negated: bool


@dataclass(frozen=True)
class Prefix:
    """``column starts with value`` (``anywhere``: ``column contains value``): text, trimmed and ignoring case
    (Jira writes a breached SLA's time as ``-1h 5m``; its stored SLA JSON holds ``"succeeded":false``)."""

    column: str
    value: Value
    anywhere: bool = False


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class Both:
    parts: tuple[Node, ...]


@dataclass(frozen=True)
class Either:
    parts: tuple[Node, ...]


Node = Compare | Member | Blank | Prefix | Not | Both | Either


class _Parser:
    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.at = 0

    @property
    def token(self) -> Token:
        return self.tokens[self.at]

    def keyword(self, *words: str) -> bool:
        return self.token.kind == "word" and self.token.text.lower() in words

    def take(self) -> Token:
        token = self.token
        self.at += 1
        return token

    def condition(self) -> Node:
        parts = [self.either()]
        while self.keyword("or"):
            self.take()
            parts.append(self.either())
        return parts[0] if len(parts) == 1 else Either(tuple(parts))

    def either(self) -> Node:
        parts = [self.negation()]
        while self.keyword("and"):
            self.take()
            parts.append(self.negation())
        return parts[0] if len(parts) == 1 else Both(tuple(parts))

    def negation(self) -> Node:
        if self.keyword("not"):
            self.take()
            return Not(self.negation())
        if self.token.kind == "(":
            opening = self.take()
            inner = self.condition()
            if self.token.kind != ")":
                raise ConditionError(self.token.position, f"expected ')' to close the '(' at column {opening.position}, found {self.token.show()}")
            self.take()
            return inner
        return self.test()

    def test(self) -> Node:
        token = self.token
        if token.kind == "word" and token.text.lower() not in _KEYWORDS:
            column = token.text
        elif token.kind == "quoted":
            column = token.text
        elif token.kind == "word":
            raise ConditionError(token.position, f"expected a column, found the keyword {token.show()}; quote a column of that name: `{token.text}`")
        else:
            raise ConditionError(token.position, f"expected a column, found {token.show()}")
        self.take()
        if self.token.kind == "op":
            op = self.take()
            value = self.value(f"after '{op.text}'")
            if op.text in _ORDERING and value.number is None:
                raise ConditionError(op.position, f"'{op.text}' compares numbers; {value.text!r} is not a number")
            return Compare(column, op.text, value)
        if self.keyword("is"):
            self.take()
            negated = self.keyword("not")
            if negated:
                self.take()
            if not self.keyword("blank"):
                raise ConditionError(self.token.position, f"expected 'blank' after 'is{' not' if negated else ''}', found {self.token.show()}")
            self.take()
            return Blank(column, negated)
        if self.keyword("starts"):
            self.take()
            if not self.keyword("with"):
                raise ConditionError(self.token.position, f"expected 'with' after 'starts', found {self.token.show()}")
            self.take()
            return Prefix(column, self.value("after 'starts with'"))
        if self.keyword("contains"):
            self.take()
            return Prefix(column, self.value("after 'contains'"), anywhere=True)
        negated = self.keyword("not")
        if negated:
            self.take()
        if self.keyword("in"):
            self.take()
            return Member(column, self.values(), negated)
        hint = f"; quote a column name with spaces: `{column} {self.token.text} …`" if self.token.kind == "word" and token.kind == "word" else ""
        raise ConditionError(self.token.position, f"expected an operator ({' '.join(OPERATORS)}, in, not in, is blank, starts with, contains) after the column {column!r}, found {self.token.show()}{hint}")

    def value(self, where: str) -> Value:
        token = self.token
        if token.kind == "quoted":
            self.take()
            return Value(token.text, None)
        if token.kind == "word" and token.text.lower() not in _KEYWORDS:
            self.take()
            return Value(token.text, float(token.text) if _NUMBER.fullmatch(token.text) else None)
        raise ConditionError(token.position, f"expected a value {where}, found {token.show()}")

    def values(self) -> tuple[Value, ...]:
        if self.token.kind != "[":
            raise ConditionError(self.token.position, f"expected a list such as [Solved, Closed] after 'in', found {self.token.show()}")
        opening = self.take()
        if self.token.kind == "]":
            raise ConditionError(self.token.position, "the list is empty; give at least one value")
        found = [self.value("in the list")]
        while self.token.kind == ",":
            self.take()
            found.append(self.value("after ','"))
        if self.token.kind != "]":
            raise ConditionError(self.token.position, f"expected ',' or ']' to close the '[' at column {opening.position}, found {self.token.show()}")
        self.take()
        return tuple(found)


def parse_condition(text: str) -> Condition:
    """Parse a condition; :class:`ConditionError` (a ValueError) says where and what is wrong."""
    if not isinstance(text, str) or not text.strip():
        raise ConditionError(1, "the condition is empty; write one such as: Replies <= 1 and Status in [Solved, Closed]")
    parser = _Parser(text)
    tree = parser.condition()
    if parser.token.kind != "end":
        before = parser.tokens[parser.at - 1]
        hint = f'; quote a value with spaces: "{before.text} {parser.token.text}"' if parser.token.kind == "word" and before.kind in ("word", "quoted") else ""
        raise ConditionError(parser.token.position, f"{_TRAILING}, found {parser.token.show()}{hint}")
    return Condition(text, tree)


@dataclass(frozen=True)
class Outcome:
    """Per row: ``matched`` (the condition holds), ``undecided`` (neither holds nor fails: a blank cell
    in a test, or a cell that is not a number in a numeric test), and ``invalid`` (the undecided rows
    where such a non-number took part; the caller counts them as invalid answers)."""

    matched: np.ndarray
    undecided: np.ndarray
    invalid: np.ndarray
    #: The non-numbers that made rows invalid, as written (trimmed), with how many invalid rows each.
    examples: Counter = field(default_factory=Counter)


@dataclass(frozen=True)
class Condition:
    text: str
    tree: Node

    @property
    def columns(self) -> tuple[str, ...]:
        """The column names the condition reads, in order of first use."""
        found: dict[str, None] = {}

        def walk(node: Node) -> None:
            if isinstance(node, (Both, Either)):
                for part in node.parts:
                    walk(part)
            elif isinstance(node, Not):
                walk(node.operand)
            else:
                found[node.column] = None
        walk(self.tree)
        return tuple(found)

    def evaluate(self, columns: Mapping[str, Any], blanks: Iterable[str] = (), within: np.ndarray | None = None) -> Outcome:
        """Evaluate on columns (Arrow arrays, chunked arrays or NumPy arrays of one length), keyed by the
        names in :attr:`columns`. ``blanks``: cell texts that also count as blank (e.g. ``n/a``), any case.
        ``within``: the rows whose invalid texts are kept as examples (None: every row)."""
        missing = [name for name in self.columns if name not in columns]
        if missing:
            raise KeyError(f"the condition {self.text!r} reads the column {missing[0]!r}, which is not given")
        cells = {name: _Cells(columns[name], blanks) for name in self.columns}
        lengths = {len(c.blank) for c in cells.values()}
        if len(lengths) > 1:
            raise ValueError(f"the columns of {self.text!r} differ in length: {sorted(lengths)}")
        size = lengths.pop()
        bad: dict[str, np.ndarray] = {}  # per column: its non-numbers met in a numeric test
        true, false = _evaluate(self.tree, cells, bad)
        undecided = ~(true | false)
        invalid = undecided & np.logical_or.reduce([*bad.values(), np.zeros(size, bool)])
        examples: Counter = Counter()
        counted = invalid if within is None else invalid & within
        if counted.any():  # a few rows: their texts reach Python
            for name, mask in bad.items():
                rows = np.flatnonzero(counted & mask)
                examples.update(cells[name].raw.take(pa.array(rows)).to_pylist())
        return Outcome(true, undecided, invalid, examples)

    def __str__(self) -> str:
        return self.text


class _Cells:
    """One column prepared once: blank cells, trimmed lower-case text, and numbers (NaN where not one)."""

    def __init__(self, values: Any, blanks: Iterable[str]):
        array = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values if isinstance(values, pa.Array) else pa.array(np.asarray(values))
        if pa.types.is_dictionary(array.type):
            array = array.dictionary_decode()
        typed = pa.types.is_integer(array.type) or pa.types.is_floating(array.type) or pa.types.is_decimal(array.type)
        self.raw = pc.utf8_trim_whitespace(pc.cast(array, pa.string()))
        self.text = pc.utf8_lower(self.raw)
        blank = pc.equal(self.text, "")
        extra = list(blanks)
        if extra:
            blank = pc.or_(blank, pc.is_in(self.text, value_set=_lowered(extra)))
        self.blank = pc.fill_null(blank, True).to_numpy(zero_copy_only=False)
        if typed:
            self.number = pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)  # nulls → NaN
            self.blank |= np.isnan(self.number)
            self.is_number = ~self.blank
        else:
            numeric = pc.fill_null(pc.match_substring_regex(self.text, _NUMBER_CELL), False)
            self.number = pc.cast(pc.if_else(numeric, self.text, None), pa.float64()).to_numpy(zero_copy_only=False)
            self.is_number = numeric.to_numpy(zero_copy_only=False) & ~self.blank


def _lowered(texts: list[str]) -> pa.Array:
    return pc.utf8_lower(pc.utf8_trim_whitespace(pa.array(texts, pa.string())))


def _evaluate(node: Node, cells: dict[str, _Cells], bad: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(rows where ``node`` holds, rows where it fails); neither means undecided. Marks the non-numbers
    met in a numeric test in ``bad``, per column."""
    if isinstance(node, Not):
        true, false = _evaluate(node.operand, cells, bad)
        return false, true
    if isinstance(node, (Both, Either)):
        results = [_evaluate(part, cells, bad) for part in node.parts]
        trues, falses = [r[0] for r in results], [r[1] for r in results]
        if isinstance(node, Both):
            return np.logical_and.reduce(trues), np.logical_or.reduce(falses)
        return np.logical_or.reduce(trues), np.logical_and.reduce(falses)
    column = cells[node.column]
    if isinstance(node, Blank):
        return (~column.blank, column.blank) if node.negated else (column.blank, ~column.blank)
    if isinstance(node, Prefix):
        find = pc.match_substring if node.anywhere else pc.starts_with
        holds = pc.fill_null(find(column.text, node.value.text.strip().lower()), False).to_numpy(zero_copy_only=False)
        return ~column.blank & holds, ~column.blank & ~holds
    values = (node.value,) if isinstance(node, Compare) else node.values
    op = node.op if isinstance(node, Compare) else "!=" if node.negated else "="
    numbers = [v.number for v in values if v.number is not None]
    if len(numbers) == len(values):
        known = column.is_number
        bad[node.column] = bad.get(node.column, False) | (~known & ~column.blank)
        holds = _ORDERING[op](column.number, numbers[0]) if op in _ORDERING else np.isin(column.number, numbers)
    else:
        known = ~column.blank
        holds = pc.fill_null(pc.is_in(column.text, value_set=_lowered([v.text for v in values])), False).to_numpy(zero_copy_only=False)
    if op == "!=":
        holds = ~holds
    return known & holds, known & ~holds
