"""Random small exports scored by cxscore and by an independent pure-Python oracle must agree.

The oracle knows nothing of cxscore's code: it counts, per metric, answered / blank / invalid and the
answers at each scale point, overall, per segment and per month, and the blank and unreadable dates,
straight from the rows it wrote. Exports are CSV (UTF-8 or GB18030, comma or semicolon; two files
scored together, each in its own encoding and delimiter) and .xlsx
(numbers as numbers, Excel error cells); values include blanks, text that is no answer, numbers off
the scale and impossible dates — each a case whose fix is on main.

Generators to widen later: labels (“Very satisfied”, 非常满意) and decimals like 4.0; two-digit years
and --dayfirst; more than two files, workbooks among them; weights; Qualtrics/SurveyMonkey header rows; quoted line breaks and
unbalanced quotes (an error now, so they need their own expectation).
"""
from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cxscore import Options, score
from cxscore.config import validate_config
from cxscore.errors import InputError

METRICS = {  # name: (column, lowest point, highest point)
    "nps": ("How likely are you to recommend us?", 0, 10),
    "csat": ("Overall, how satisfied were you?", 1, 5),
    "ces": ("It was easy to get help", 1, 7),
}
HEADER = ["id", "date", "channel", *(column for column, _, _ in METRICS.values())]
CONFIG = validate_config({
    "metrics": [{"name": name, "type": name, "column": column, "scale": [lo, hi]} for name, (column, lo, hi) in METRICS.items()],
    "date_column": "date",
})
NOT_ANSWERS = ["abc", "??", "99", "-3", "x7", "很好"]
EXCEL_ERRORS = ["#N/A", "#DIV/0!", "#VALUE!"]
CHANNELS = ["Chat", "Email", "Phone", "微信", ""]
NOT_DATES = ["soon", "2025-02-30", "2025-13-01"]


def answer(lo: int, hi: int):
    return st.one_of(st.integers(lo, hi).map(str), st.just(""), st.sampled_from(NOT_ANSWERS))


when = st.one_of(st.dates(date(2024, 1, 1), date(2025, 12, 31)).map(date.isoformat), st.just(""), st.sampled_from(NOT_DATES))
row = st.tuples(when, st.sampled_from(CHANNELS), *(answer(lo, hi) for _, lo, hi in METRICS.values()))
rows = st.lists(row, min_size=1, max_size=40)


def oracle(data: list[tuple]) -> dict:
    """What a careful person counting by hand would find."""
    out: dict = {"date_blank": 0, "date_invalid": 0, "metrics": {}}
    months = []
    for when_text, *_ in data:
        if not when_text:
            out["date_blank"] += 1
            months.append(None)
        elif when_text in NOT_DATES:
            out["date_invalid"] += 1
            months.append(None)
        else:
            months.append(when_text[:7])
    for k, (name, (_, lo, hi)) in enumerate(METRICS.items()):
        counts, blank, invalid = Counter(), 0, 0
        by_channel, by_month = Counter(), Counter()
        for (_when, channel, *answers), month in zip(data, months):
            text = answers[k]
            if text == "":
                blank += 1
            elif text.isdigit() and lo <= int(text) <= hi:
                counts[int(text)] += 1
                by_channel[channel or "(blank)"] += 1
                if month:
                    by_month[month] += 1
            else:
                invalid += 1
        n = sum(counts.values())
        out["metrics"][name] = {
            "n": n, "blank": blank, "invalid": invalid, "counts": [counts[p] for p in range(lo, hi + 1)],
            "by_channel": dict(by_channel), "by_month": dict(by_month),
        }
    return out


def write_csv(path, data: list[tuple], encoding: str, delimiter: str, first_id: int = 0) -> None:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(HEADER)
    writer.writerows([str(first_id + i), *r] for i, r in enumerate(data))
    path.write_bytes(out.getvalue().encode(encoding))


def write_xlsx(path, data: list[tuple]) -> None:
    """Whole numbers as number cells; a text that is no answer sometimes as an Excel error cell."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for i, r in enumerate(data, start=2):
        ws.cell(i, 1, i - 2)
        for j, value in enumerate(r, start=2):
            if value == "":
                continue
            if j > 3 and value.isdigit():
                ws.cell(i, j, int(value))
            elif j > 3 and value in NOT_ANSWERS[:3]:
                ws.cell(i, j, EXCEL_ERRORS[NOT_ANSWERS.index(value)]).data_type = "e"
            else:
                ws.cell(i, j, value)
    wb.save(path)


def check(path, data: list[tuple], more: tuple = ()) -> None:
    """Score ``path`` (and ``more``: further (path, data) inputs, scored together) and compare."""
    inputs = [(path, data), *more]
    expected = oracle([r for _, d in inputs for r in d])
    options = Options(by=["channel"], period="month", distribution=True)
    if all(m["n"] == 0 for m in expected["metrics"].values()):
        with pytest.raises(InputError, match="nothing to score"):
            score([str(p) for p, _ in inputs], CONFIG, options)
        return
    doc = score([str(p) for p, _ in inputs], CONFIG, options).to_dict()
    for info, (_, part) in zip(doc["inputs"], inputs, strict=True):
        alone = oracle(part)
        assert (info["rows"], info["malformed_rows"]) == (len(part), 0)
        assert (info["date_blank"], info["date_invalid"]) == (alone["date_blank"], alone["date_invalid"])
    results = defaultdict(dict)
    for r in doc["results"]:
        results[r["metric"]][(tuple(r["segment"].values()), r["period"])] = r
    for name, want in expected["metrics"].items():
        overall = results[name][((), None)]
        assert (overall["n"], overall["blank"], overall["invalid"]) == (want["n"], want["blank"], want["invalid"]), name
        if want["n"]:
            assert [d["count"] for d in overall["distribution"]] == want["counts"], name
            assert [d["pct"] for d in overall["distribution"]] == pytest.approx([100 * c / want["n"] for c in want["counts"]]), name
        segments = {key[0][0]: r["n"] for key, r in results[name].items() if key[0] and key[1] is None and r["n"]}
        assert segments == want["by_channel"], name
        periods = {key[1]: r["n"] for key, r in results[name].items() if not key[0] and key[1] is not None and r["n"]}
        assert periods == want["by_month"], name
    quality = {q["metric"]: q for q in doc["quality"]}
    for name, want in expected["metrics"].items():
        assert (quality[name]["answered"], quality[name]["blank"], quality[name]["invalid"]) == (want["n"], want["blank"], want["invalid"])


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(data=rows, encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]), delimiter=st.sampled_from([",", ";"]))
def test_csv_agrees_with_the_oracle(tmp_path_factory, data, encoding, delimiter):
    path = tmp_path_factory.mktemp("oracle") / "export.csv"
    write_csv(path, data, encoding, delimiter)
    check(path, data)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=rows, second=rows)
def test_two_files_in_different_encodings_agree_with_the_oracle(tmp_path_factory, first, second):
    """Each file keeps its own encoding and delimiter; the tallies add up to the oracle's of all rows."""
    folder = tmp_path_factory.mktemp("oracle")
    write_csv(folder / "a.csv", first, "utf-8", ",")
    write_csv(folder / "b.csv", second, "gb18030", ";", first_id=10_000)
    check(folder / "a.csv", first, ((folder / "b.csv", second),))


@settings(max_examples=25, deadline=None)
@given(data=rows)
def test_xlsx_agrees_with_the_oracle(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("oracle") / "export.xlsx"
    write_xlsx(path, data)
    check(path, data)
