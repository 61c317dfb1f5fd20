"""What customers said: comment columns found, contacts masked, non-answers left out, the most recent
N per metric and band, merged across blocks, parts and workers; CSV, JSON and the workbook's sheet."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta

import numpy as np
import openpyxl
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings, strategies as st

from cxscore import comments as said
from cxscore.comments import CommentBook, CommentPlan, find_comment_column, mask, no_comment_column, said_something
from cxscore.config import DEFAULT_BLANK_VALUES, MetricSpec, validate_config
from cxscore.errors import ConfigError, InputError
from cxscore.pipeline import Options, score
from conftest import SAMPLE, SAMPLE_ZH, invoke, run_process


# --- detection ---------------------------------------------------------------------------------

@pytest.mark.parametrize("header, word", [
    ("Comment", "comment"), ("Any other comments?", "comment"), ("Your feedback", "feedback"),
    ("Reason for your score", "reason"), ("Why did you give this score?", "why"), ("Verbatim", "verbatim"),
    ("How could careers support at Makers be improved?", "improve"), ("What could we improve?", "improve"),  # a HubSpot NPS form
    ("意见和建议", "意见"), ("您的评论", "评论"), ("您有什么建议？", "建议"), ("不满意的原因", "原因"), ("您为什么给出这个分数？", "原因"), ("用户反馈", "反馈"),
])
def test_comment_columns_are_found_by_their_header(header, word):
    columns = ["Response ID", "NPS", header, "Channel"]
    sample = [["1", "9", "good service", "Chat"], ["2", "3", "slow", "Email"]]
    assert find_comment_column(columns, sample, {}, {"NPS"}) == (header, f"header mentions {word!r}")


def test_comment_detection_prefers_comment_and_skips_ids_codes_taken_columns_and_other_words():
    sample = [["1", "4", "2", "fine", "ok", "x"]]
    columns = ["Comment ID", "Reason code", "Why (score)", "Reason", "Comments", "Anyhow"]
    # "Comments" wins over an earlier "Reason": the hints are tried most telling first.
    assert find_comment_column(columns, sample, {}, set())[0] == "Comments"
    # a numeric "reason code" is no free text; a taken column has another role; "Anyhow" is no "why".
    assert find_comment_column(columns[:3] + ["Anyhow"], [["1", "4", "2", "x"]], {}, {"Why (score)"}) is None
    assert find_comment_column(["Channel", "Score"], [["Chat", "9"]], {}, set()) is None


def test_a_reason_column_of_a_few_labels_is_a_category_not_the_comment_column():
    # A call-centre export (Real World Fake Data 'Call Center.csv'): 'reason' holds 'Billing Question',
    # 'Service Outage' and 'Payments'; it was taken for the comments, and the report's Comments sheet
    # filled 14 printed pages with those three labels.
    labels = ["Billing Question"] * 40 + ["Service Outage"] * 12 + ["Payments"] * 8
    columns = ["id", "csat_score", "reason", "channel"]
    sample = [[str(i), str(i % 10 + 1), label, "Chat"] for i, label in enumerate(labels)]
    assert find_comment_column(columns, sample, {}, {"csat_score"}) is None
    assert no_comment_column(columns, sample, {}, {"csat_score"}) == "'reason' holds a handful of labels ('Billing Question', 'Service Outage', 'Payments'), not free text"
    # A few repeated sentences (the bundled sample's synthetic comments) stay comments, and so do 49 labels.
    sentences = [[str(i), "5", ("Quick and friendly.", "Had to repeat my issue twice.")[i % 2], "Chat"] for i in range(60)]
    assert find_comment_column(columns, sentences, {}, {"csat_score"}) == ("reason", "header mentions 'reason'")
    assert find_comment_column(columns, sample[:49], {}, {"csat_score"}) == ("reason", "header mentions 'reason'")
    chinese = [[str(i), "5", ("很快", "退款没到账")[i % 2], "Chat"] for i in range(60)]  # words are not spaced: never labels
    assert find_comment_column(columns, chinese, {}, {"csat_score"}) == ("reason", "header mentions 'reason'")
    assert no_comment_column(["Channel", "Score"], [["Chat", "9"]], {}, set()) == "no header mentions comment, feedback, reason, why, 意见, 建议, 原因, 评论, …"


def test_inspect_says_why_a_labelled_reason_column_holds_no_comments(tmp_path):
    path = tmp_path / "calls.csv"
    path.write_text("id,csat_score,reason,channel\n" + "".join(f"{i},{i % 10 + 1},{('Billing Question', 'Payments')[i % 2]},Chat\n" for i in range(80)), encoding="utf-8")
    plan = json.loads(invoke(["inspect", str(path), "-f", "json"]).stdout)["plan"]
    assert plan["comment_column"] is None
    assert plan["comment_why"] == "'reason' holds a handful of labels ('Billing Question', 'Payments'), not free text"
    report = invoke(["report", str(path), "-o", str(tmp_path / "calls.xlsx")])  # the report says why it has no comments
    assert report.exit_code == 0 and ("comments: no comment column found ('reason' holds a handful of labels ('Billing Question', 'Payments'), not free text), "
                                      "so the report has no comments") in " ".join(report.stderr.split())


def test_an_agreement_question_that_says_evaluate_is_not_the_comment_column():
    """A real 问卷星 download (Yaqi7-tech/workplace, 1,044 rows): '9、请评价你对以下陈述的同意程度：—…' ("please
    evaluate how much you agree") holds 同意/一般/不同意 and was taken as the comment column for its 评价."""
    agree = ["完全同意", "同意", "一般", "不同意", "完全不同意"]
    columns = ["序号", "9、请评价你对以下陈述的同意程度：—我信任AI能帮我处理高风险社交对话", "10、您还有什么建议？"]
    sample = [[str(i), agree[i % 5], "无" if i % 3 else f"希望多一些案例 {i}"] for i in range(60)]
    assert find_comment_column(columns, sample, {}, set()) == (columns[2], "header mentions '建议'")
    assert find_comment_column(columns[:2], sample, {}, set()) is None
    # the matrix's later rows are written 'N、行' after its 'N、题干—行'; one that says 评价 is no comment either
    rows = columns[:2] + ["9、用户回复的打分与评价"]
    assert find_comment_column(rows, [[*r[:2], r[1]] for r in sample], {}, set()) is None
    # a real comment column of few answers, most of them non-answers, is still found
    few = [[str(i), agree[i % 5], "无" if i % 4 else "送货太慢"] for i in range(60)]
    assert find_comment_column(columns, few, {}, set())[0] == columns[2]


def test_comment_detection_reads_the_question_text_of_coded_headers():
    assert find_comment_column(["Q1", "Q2"], [["9", "too slow"]], {"Q2": "Why did you give this score?"}, set()) == ("Q2", "header mentions 'why'")


# --- masking -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, masked", [
    ("mail me at john.doe+cx@example.co.uk please", "mail me at [email] please"),
    ("邮箱：zhang_san@qq.com，谢谢", "邮箱：[email]，谢谢"),
    ("全角 li.si＠163.com", "全角 [email]"),
    ("call +1 (555) 123-4567 now", "call [phone] now"),
    ("555-123-4567", "[phone]"),
    ("(555) 123-4567", "[phone]"),
    ("555.123.4567", "[phone]"),
    ("ring +44 20 7946 0958.", "ring [phone]."),
    ("07700 900123", "[phone]"),
    ("+86 138 1234 5678", "[phone]"),
    ("+86-138-1234-5678", "[phone]"),
    ("(+86)13812345678", "[phone]"),
    ("0086 13812345678", "[phone]"),
    ("电话13812345678谢谢", "电话[phone]谢谢"),
    ("手机：１３８１２３４５６７８", "手机：[phone]"),
    ("座机 010-12345678", "座机 [phone]"),
    ("card 4111 1111 1111 1111", "card [number]"),
    ("on 2025-03-01 13812345678 again", "on 2025-03-01 [phone] again"),
    ("a@b.io or 13912345678", "[email] or [phone]"),
])
def test_contacts_are_masked(text, masked):
    assert mask(text) == masked


@pytest.mark.parametrize("text", [
    "on 2025-03-01 10:30 I called", "03/01/2025", "paid $1299.00", "1,299.00 yuan", "rated it 10/10",
    "called 3 times in 12 days", "ticket 12345", "version 2.5.1", "等了3天", "R2D2 and C3PO", "ABC1234567",
])
def test_dates_amounts_and_short_numbers_stay(text):
    assert mask(text) == text


# --- non-answers -------------------------------------------------------------------------------

def test_non_answers_and_whitespace_are_left_out():
    values = ["n/a", "N/A.", "na", "none", "Nothing!", "-", "—", "...", "No comment", "无", "没有。", "暂无", "（无）",
              " ", "\u3000", "", None, "(跳过)",
              "Great", "无聊", "No problem at all", "na na na", "没有人接电话"]
    real = said_something(pa.array(values, pa.string()), DEFAULT_BLANK_VALUES)
    assert [v for v, keep in zip(values, real) if keep] == ["Great", "无聊", "No problem at all", "na na na", "没有人接电话"]


@pytest.mark.parametrize("rows", [1, 3, 1 << 16])
def test_non_answers_are_found_slice_by_slice_in_plain_and_chunked_columns(rows, monkeypatch):
    """said_something trims and lower-cases a slice of rows at a time (memory reused, not two copies of the
    column): any slice size, any chunking, gives the cells' own test (trim, lower case, compare)."""
    from cxscore import comments

    values = (["n/a", "Great", None, " Nothing! ", "No problem", "无", "", "-", "na na"] * 7)[:61]
    expected = [v is not None and comments._key(v) not in comments.NON_ANSWERS | {""} for v in values]
    monkeypatch.setattr(comments, "_SLICE_ROWS", rows)
    assert said_something(pa.array(values, pa.string()), []).tolist() == expected
    assert said_something(pa.chunked_array([values[:5], values[5:7], values[7:]], pa.string()), []).tolist() == expected
    assert said_something(pa.array(values, pa.string())[4:], []).tolist() == expected[4:]


_PADDING = [" ", "\t", "\u3000", "...", "。", "（", "）", "!", "—", "\u00a0"]
_CELLS = st.one_of(
    st.none(),
    st.sampled_from(sorted(said.NON_ANSWERS) + ["N/A", "No Comment", "NO FEEDBAC\u212a", "no feedbac\u212a", "ＮＯＮＥ", "nothing \u212a"]),
    st.text(alphabet="abKz \u212a无没有.!-\u3000", max_size=12),
    st.text(alphabet="abcdefghij klmnop", min_size=30, max_size=80),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_CELLS, st.lists(st.sampled_from(_PADDING), max_size=30), st.lists(st.sampled_from(_PADDING), max_size=3)), max_size=40),
       st.integers(0, 5), st.lists(st.sampled_from(["Skip", "not answered", "x"]), max_size=2))
def test_non_answers_are_the_cells_own_trim_lower_compare(rows, cut, blank_values):
    """Judging the rows from their lengths and first and last bytes gives what trimming, lower-casing
    and comparing every cell gives: padded non-answers far longer than any (``...  n/a  ...``), the
    Kelvin sign whose lower case is one byte (``no feedbacK`` is ``no feedback``), nulls, slices, chunks."""
    values = [None if cell is None else "".join(left) + cell + "".join(right) for cell, left, right in rows]
    column = pa.array(values, pa.string())
    empty = pa.array(sorted(said.NON_ANSWERS | {said._key(v) for v in blank_values} | {""}), pa.string())
    expected = pc.invert(pc.is_in(pc.fill_null(pc.utf8_lower(pc.utf8_trim(column, characters=said._TRIM)), ""), value_set=empty)).to_pylist()
    assert said_something(column, blank_values).tolist() == expected
    assert said_something(column[cut:], blank_values).tolist() == expected[cut:]
    assert said_something(pa.chunked_array([values[:cut], values[cut:]], pa.string()), blank_values).tolist() == expected


def test_long_comments_are_judged_without_trimming_or_lower_casing_them(monkeypatch):
    """Only the rows that could be a non-answer (short, or starting or ending with a trimmable or non-ASCII
    byte) are trimmed and lower-cased: a column of ordinary comments is not copied twice to find none."""
    values = ["The delivery was late and the driver was rude."] * 1000 + ["n/a", "  ... " * 10 + "Nothing" + " !" * 20, "Fine", "Good service. "]
    trimmed: list[int] = []
    trim = pc.utf8_trim
    monkeypatch.setattr(pc, "utf8_trim", lambda cells, **kw: trimmed.append(len(cells)) or trim(cells, **kw))
    assert said_something(pa.array(values, pa.string()), []).tolist() == [True] * 1000 + [False, False, True, True]
    assert sum(trimmed) == 4


# --- the most recent N per band ----------------------------------------------------------------

def _rows(n: int, dated: bool = True):
    """n rows: NPS cycling 0..10 (detractors 0-6, promoters 9-10), dates out of file order, a comment naming the row."""
    header = ["id", "Date", "Channel", "How likely are you to recommend us?", "Comment"] if dated else ["id", "Channel", "How likely are you to recommend us?", "Comment"]
    rows = [header]
    for i in range(n):
        day = (i * 7) % n  # a permutation of 0..n-1 when gcd(7, n) = 1
        when = (datetime(2024, 1, 1) + timedelta(hours=day)).isoformat(sep=" ")
        row = [str(i), when, "Chat" if i % 2 else "Email", str(i % 11), f"row {i} day {day}"]
        rows.append(row if dated else [row[0], *row[2:]])
    return rows


def test_the_most_recent_comments_by_date_per_band_with_score_date_and_segment(write_csv):
    path = write_csv(_rows(50))
    report = score([str(path)], options=Options(comments=3, by=["Channel"]))
    assert report.analysis.comment_column == "Comment"
    by_band = {}
    for c in report.comments:
        by_band.setdefault((c.metric, c.band), []).append(c)
    assert set(by_band) == {("nps", "detractors"), ("nps", "promoters")}  # passives (7-8) are not collected
    # Expected by hand: the three latest days among each band's rows.
    rows = _rows(50)[1:]
    for band, points in (("detractors", range(0, 7)), ("promoters", (9, 10))):
        candidates = sorted((int(r[4].split()[-1]), r) for r in rows if int(r[3]) in points)
        expected = [r for _, r in reversed(candidates[-3:])]
        got = by_band[("nps", band)]
        assert [c.comment for c in got] == [r[4] for r in expected]
        assert [c.score for c in got] == [int(r[3]) for r in expected]
        assert [c.date for c in got] == [r[1].removesuffix(" 00:00:00") for r in expected]  # midnight: the date alone
        assert [c.segment for c in got] == [{"Channel": r[2]} for r in expected]


def test_a_late_date_the_typed_reader_cannot_read_gives_the_same_comments(write_csv):
    """Without --period the comments' ISO date column is read typed; a later US date re-reads it as text."""
    rows = _rows(2501)
    rows[-1][1] = "2024-04-14 23:00:00"  # the newest of all, a detractor (2500 % 11 = 3)
    iso = score([str(write_csv(rows, "iso.csv"))], options=Options(comments=3)).comments
    rows[-1][1] = "04/14/2024 23:00"
    us = score([str(write_csv(rows, "us.csv"))], options=Options(comments=3)).comments
    assert us == iso and iso[0].comment == rows[-1][4] and iso[0].date == "2024-04-14 23:00:00"


def test_day_first_dates_order_the_comments_without_a_period(write_csv):
    path = write_csv([["Date", "How likely are you to recommend us?", "Comment"],
                      ["02/03/2025", "1", "2 March"], ["13/02/2025", "2", "13 February"], ["25/02/2025", "3", "25 February"]])
    assert [(c.comment, c.date) for c in score([str(path)], options=Options(comments=5)).comments] == [
        ("2 March", "2025-03-02"), ("25 February", "2025-02-25"), ("13 February", "2025-02-13")]


def test_undated_comments_are_the_last_rows_in_file_order(write_csv):
    path = write_csv(_rows(40, dated=False))
    report = score([str(path)], options=Options(comments=2))
    detractors = [c.comment for c in report.comments if c.band == "detractors"]
    promoters = [c.comment for c in report.comments if c.band == "promoters"]
    # NPS = i % 11: the last detractors are rows 39 (6) and 38 (5); the last promoters rows 32 (10) and 31 (9).
    assert [d.split()[1] for d in detractors] == ["39", "38"] and [p.split()[1] for p in promoters] == ["32", "31"]
    assert all(c.date is None for c in report.comments)


def test_rows_with_bad_dates_count_as_oldest_and_non_answers_never_appear(write_csv):
    path = write_csv([["When", "How likely are you to recommend us?", "Comment"],
                      ["2025-03-02", "1", "newest"], ["not a date", "2", "undated"], ["2025-03-01", "3", "older"],
                      ["2025-03-03", "4", "n/a"], ["2025-03-04", "5", "   "], ["2025-03-05", "6", "mail x@y.com"]])
    report = score([str(path)], options=Options(comments=10, date_column="When"))
    assert [(c.comment, c.date) for c in report.comments] == [("mail [email]", "2025-03-05"), ("newest", "2025-03-02"), ("older", "2025-03-01"), ("undated", None)]


def test_csat_and_ces_bands(write_csv):
    path = write_csv([["Overall satisfaction (1-5)", "It was easy to handle my issue (1-7)", "Feedback"],
                      ["1", "7", "a"], ["5", "1", "b"], ["3", "4", "c"], ["2", "6", "d"], ["4", "2", "e"]])
    report = score([str(path)], options=Options(comments=5))
    got = {(c.metric, c.band): [x.comment for x in report.comments if (x.metric, x.band) == (c.metric, c.band)] for c in report.comments}
    assert got == {("csat", "dissatisfied"): ["d", "a"], ("csat", "satisfied"): ["e", "b"],
                   ("ces", "high_effort"): ["e", "b"], ("ces", "low_effort"): ["d", "a"]}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 10), st.one_of(st.none(), st.integers(0, 20)), st.booleans()), min_size=1, max_size=60),
       st.lists(st.integers(1, 59), max_size=4), st.integers(1, 5))
def test_merging_blocks_equals_one_shot(rows, cuts, keep):
    """Blocks (file parts, workers) merged in any grouping keep exactly the one-shot N most recent."""
    spec = MetricSpec(type="nps", column="x")
    plan = CommentPlan("comment", keep, None, False, [], [], "f")
    codes = np.array([r[0] for r in rows])
    times = np.array([said._UNDATED if r[1] is None else r[1] for r in rows], dtype=np.int64)
    real = np.array([r[2] for r in rows])
    orders = np.arange(len(rows), dtype=np.int64)
    batch = pa.record_batch({"comment": pa.array([f"c{i}" for i in range(len(rows))])})

    def collect(pieces):
        book = CommentBook(keep)
        for start, end in pieces:
            part = CommentBook(keep)
            part.add_block(spec, codes[start:end], real[start:end], times[start:end], orders[start:end], batch.slice(start, end - start), plan)
            book.merge(part)
        return book.comments([spec], [])

    bounds = sorted({0, len(rows), *[c for c in cuts if c < len(rows)]})
    assert collect(list(zip(bounds, bounds[1:]))) == collect([(0, len(rows))])
    assert collect(list(zip(bounds, bounds[1:]))[::-1]) == collect([(0, len(rows))])  # order-free


@pytest.mark.parametrize("dated, period", [(True, "month"), (True, None), (False, None)])
def test_file_parts_in_workers_equal_a_serial_run(tmp_path, write_csv, monkeypatch, dated, period):
    rows = _rows(3001, dated)
    rows[1:] = [r[:-1] + [r[-1] + " " + "x" * 30] for r in rows[1:]]  # about 100 kB
    path = write_csv(rows)
    options = Options(comments=7, by=["Channel"], period=period)
    serial = score([str(path)], options=options, processes=1).comments
    assert score([str(path)], options=options, processes=4, part_bytes=20_000, block_bytes=4_000).comments == serial
    assert len(serial) == 14


def test_the_default_run_reads_no_comments(monkeypatch):
    monkeypatch.setattr(said, "said_something", lambda *a: pytest.fail("comments collected without being asked"))
    monkeypatch.setattr("cxscore.scan.said_something", lambda *a: pytest.fail("comments collected without being asked"))
    report = score([str(SAMPLE)])
    assert report.comments is None and report.to_dict()["comments"] is None and report.analysis.comment_column is None


# --- configured column -------------------------------------------------------------------------

def test_a_configured_comment_column_and_its_validation(write_csv):
    path = write_csv([["How likely are you to recommend us?", "Notes", "Comment"], ["0", "from the config", "detected"]])
    config = validate_config({"comment_column": "Notes"})
    assert [c.comment for c in score([str(path)], config, Options(comments=1)).comments] == ["from the config"]
    with pytest.raises(ConfigError, match=r"comment_column: 5 is not a column"):
        validate_config({"comment_column": 5})
    with pytest.raises(InputError, match="comment_column is in none of the inputs"):
        score([str(path)], validate_config({"comment_column": "Remarks"}), Options(comments=1))


# --- command line ------------------------------------------------------------------------------

def test_score_comments_as_csv(write_csv):
    path = write_csv([["Date", "Channel", "How likely are you to recommend us?", "Comment"],
                      ["2025-03-01", "Chat", "2", "=HYPERLINK(\"http://x\")"], ["2025-03-02", "Email", "10", "call me 13812345678"],
                      ["2025-03-03", "Chat", "8", "a passive"], ["2025-03-04", "Chat", "9", "n/a"]])
    result = invoke(["score", str(path), "--comments", "5", "-f", "csv", "--by", "Channel"])
    assert result.exit_code == 0, result.stderr
    assert list(csv.reader(io.StringIO(result.stdout))) == [
        ["metric", "band", "score", "date", "Channel", "comment"],
        ["nps", "detractors", "2", "2025-03-01", "Chat", "'=HYPERLINK(\"http://x\")"],
        ["nps", "promoters", "10", "2025-03-02", "Email", "call me [phone]"],
    ]
    assert "comments: column 'Comment'" in result.stderr and "most recent by 'Date'" in result.stderr


def test_score_comments_in_json_and_table(write_csv):
    path = write_csv([["How likely are you to recommend us?", "意见"], *[[str(i % 11), f"第{i}条"] for i in range(30)]])
    doc = json.loads(invoke(["score", str(path), "--comments", "2", "-f", "json"]).stdout)
    assert doc["analysis"]["comment_column"] == "意见"
    assert doc["comments"] == [
        {"metric": "nps", "band": "detractors", "score": 6, "date": None, "segment": {}, "comment": "第28条"},
        {"metric": "nps", "band": "detractors", "score": 5, "date": None, "segment": {}, "comment": "第27条"},
        {"metric": "nps", "band": "promoters", "score": 10, "date": None, "segment": {}, "comment": "第21条"},
        {"metric": "nps", "band": "promoters", "score": 9, "date": None, "segment": {}, "comment": "第20条"},
    ]
    assert json.loads(invoke(["score", str(path), "-f", "json"]).stdout)["comments"] is None
    table = invoke(["score", str(path), "--comments", "9"], env={"COLUMNS": "120"}).stdout
    shown = table.split("What customers said")[1]
    assert "第28条" in shown and "第24条" in shown and "第23条" not in shown  # 5 per band: detractors 28, 27, 26, 25, 24
    assert "第9条" in shown and "第8条" not in shown  # promoters 21, 20, 10, 9 (only 4)


def test_a_long_comment_is_cut_in_the_table_and_kept_whole_in_csv(write_csv):
    path = write_csv([["How likely are you to recommend us?", "Comment"], ["3", "slow " * 2000]])
    table = invoke(["score", str(path), "--comments", "1", "-f", "markdown"]).stdout
    row = next(line for line in table.splitlines() if line.startswith("| nps | detractors"))
    assert row.endswith("slow… |") and len(row) < 400
    assert list(csv.reader(io.StringIO(invoke(["score", str(path), "--comments", "1", "-f", "csv"]).stdout)))[1][-1] == ("slow " * 2000).strip()


def test_comments_without_a_comment_column_is_exit_2(write_csv):
    path = write_csv([["How likely are you to recommend us?", "Channel"], ["9", "Chat"]])
    result = run_process(["score", str(path), "--comments", "5", "-f", "csv"])
    assert result.returncode == 2 and result.stdout == b""
    assert b"no comment column found" in result.stderr and b"comment_column:" in result.stderr and b"Traceback" not in result.stderr
    report = run_process(["report", str(path), "-o", str(path.with_suffix(".xlsx"))])  # a report without comments is fine
    assert report.returncode == 0 and "Comments" not in openpyxl.load_workbook(path.with_suffix(".xlsx")).sheetnames


# --- the workbook ------------------------------------------------------------------------------

def test_the_comments_sheet_is_a_filterable_table_of_text(tmp_path, write_csv):
    path = write_csv([["Date", "Region", "How likely are you to recommend us?", "Comment"],
                      ["2025-03-01", "=cmd|' /C calc'!A0", "1", "=1+1"], ["2025-03-02", "EU", "10", "+44 20 7946 0958 @home"],
                      ["2025-03-03", "EU", "3", "-2 stars"], ["2025-03-04", "EU", "9", "bad\x1b[31m"]])
    out = tmp_path / "r.xlsx"
    result = invoke(["report", str(path), "-o", str(out), "--by", "Region", "-q"])
    assert result.exit_code == 0, result.stderr
    ws = openpyxl.load_workbook(out)["Comments"]
    (name, ref), = ws.tables.items()
    assert ref == "A1:F5" and ws.auto_filter.ref is None  # the table carries the filter
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1 and ws.print_title_rows == "$1:$1"
    assert ws["F2"].alignment.wrap_text  # long comments wrap instead of running off the page
    cells = [cell for row in ws.iter_rows() for cell in row]
    assert all(cell.data_type in ("s", "n") for cell in cells)  # no formula anywhere
    texts = {cell.value for cell in cells if cell.column == 6}
    assert texts == {"Comment", "=1+1", "[phone] @home", "-2 stars", "bad\\x1b[31m"}
    hostile = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 6).value == "=1+1")
    assert ws.cell(hostile, 5).value == "=cmd|' /C calc'!A0" and ws.cell(hostile, 5).quotePrefix and ws.cell(hostile, 6).quotePrefix


def test_comments_sheet_rows_are_as_tall_as_their_wrapped_text(tmp_path, write_csv):
    """A real HubSpot NPS form's comments (up to ~500 characters) wrapped in a 15-point row: LibreOffice drew
    each over the rows under it, and the --by question 'How did you get this job?' and values such as
    'Personal contact/referral' were cut at their 16-character column."""
    long = "I think the careers support is pretty good. Maybe more events would be helpful. " * 3  # 240 characters
    path = write_csv([["How likely are you to recommend us?", "How did you get this job?", "What could we improve?"],
                      ["10", "Personal contact/referral", long], ["2", "Job Board", "More mock interviews"]])
    out = tmp_path / "r.xlsx"
    assert invoke(["report", str(path), "-o", str(out), "--by", "How did you get this job?", "-q"]).exit_code == 0
    ws = openpyxl.load_workbook(out)["Comments"]
    rows = {ws.cell(r, 6).value: r for r in range(2, ws.max_row + 1)}
    tall, short = rows[long.strip()], rows["More mock interviews"]
    assert ws.row_dimensions[tall].height == 15 * 4  # 240 characters in a 70-wide column: four lines
    assert ws.row_dimensions[short].height is None  # one line keeps the default
    assert ws.cell(tall, 5).alignment.wrap_text and ws.cell(tall, 5).value == "Personal contact/referral"
    assert ws.cell(1, 5).alignment.wrap_text and ws.row_dimensions[1].height == 30  # the question on two lines


def test_the_comments_sheet_in_chinese_and_switched_off(tmp_path):
    out = tmp_path / "zh.xlsx"
    assert invoke(["report", str(SAMPLE_ZH), "-o", str(out), "--lang", "zh", "--comments", "4", "-q"]).exit_code == 0
    ws = openpyxl.load_workbook(out)["评论"]
    assert [c.value for c in ws[1]] == ["指标", "类别", "得分", "日期", "评论"]
    assert {ws.cell(r, 2).value for r in range(2, ws.max_row + 1)} == {"贬损者", "推荐者", "不满意", "满意", "费力", "省力"}
    assert ws.max_row == 1 + 3 * 2 * 4
    english = tmp_path / "en.xlsx"
    assert invoke(["report", str(SAMPLE), "-o", str(english), "--comments", "2", "-q"]).exit_code == 0
    ws = openpyxl.load_workbook(english)["Comments"]
    assert {ws.cell(r, 2).value for r in range(2, ws.max_row + 1)} == {"Detractors", "Promoters", "Dissatisfied", "Satisfied", "High effort", "Low effort"}
    off = tmp_path / "off.xlsx"
    assert invoke(["report", str(SAMPLE), "-o", str(off), "--comments", "0", "-q"]).exit_code == 0
    assert "Comments" not in openpyxl.load_workbook(off).sheetnames


def test_inspect_shows_the_comment_column():
    doc = json.loads(invoke(["inspect", str(SAMPLE_ZH), "-f", "json"]).stdout)
    roles = {c["column"]: c["role"] for c in doc["columns"]}
    assert roles["意见和建议"] == "comments" and doc["plan"]["comment_column"] == "意见和建议"
    assert "comments: 'Comment' (header mentions 'comment')" in invoke(["inspect", str(SAMPLE)]).stdout
