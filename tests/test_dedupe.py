"""--dedupe: each respondent's latest answer (dedupe.py), end to end and piece by piece."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cxscore import score
from cxscore.dedupe import Latest, check_inputs, latest_answers
from cxscore.errors import InputError
from cxscore.pipeline import Options
from conftest import by_metric, csv_text


def test_dedupe_keeps_each_respondents_latest_answer(write_csv):
    rows = [["Respondent", "Submitted", "Satisfaction"],
            ["a", "2025-03-05", "1"], ["b", "2025-03-01", "5"], ["a", "2025-03-01", "5"],  # a's latest (03-05) comes first in the file
            ["c", "2025-03-02", "2"], ["c", "2025-03-02", "4"], ["b", "", "3"]]  # a tie goes to the later row; b's undated row loses
    report = score([str(write_csv(rows))], options=Options(dedupe="Respondent"))
    csat = by_metric(report)["csat"]
    assert (csat.n, csat.components["mean"]) == (3, pytest.approx((1 + 5 + 4) / 3))
    assert report.inputs[0].duplicates_dropped == 3 and report.analysis.dedupe == "Respondent"
    undated = write_csv([["Respondent", "Satisfaction"], ["a", "1"], ["a", "5"], ["b", "2"]], name="u.csv")
    row = by_metric(score([str(undated)], options=Options(dedupe="Respondent")))["csat"]
    assert (row.n, row.components["mean"]) == (2, pytest.approx(3.5))  # file order: a's last answer (5) and b


def test_dedupe_across_files_and_parallel_parts(tmp_path):
    lines = ["Respondent,Submitted,Satisfaction"] + [f"r{i % 500},2025-01-{1 + i // 500:02d},{1 + i % 5}" for i in range(5000)]
    path = tmp_path / "many.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    serial = by_metric(score([str(path)], options=Options(dedupe="Respondent")))["csat"]
    parallel = score([str(path)], options=Options(dedupe="Respondent"), processes=3, part_bytes=10_000)
    row = by_metric(parallel)["csat"]
    assert (row.n, row.value, row.components) == (serial.n, serial.value, serial.components)
    assert row.n == 500 and parallel.inputs[0].duplicates_dropped == 4500


def test_dedupe_refuses_standard_input_up_front():
    import io

    with pytest.raises(InputError, match="^dedupe reads the input twice") as info:
        score(["-"], options=Options(dedupe="id"), stdin=io.BytesIO(b"id,Satisfaction\na,5\n"))
    assert "save the export to a file" in info.value.hint


def test_dedupe_keeps_every_row_without_a_respondent(write_csv):
    rows = [["Respondent", "Submitted", "Satisfaction"], ["", "2025-03-01", "1"], ["  ", "2025-03-02", "2"], ["a", "2025-03-01", "3"], ["a ", "2025-03-04", "5"], ["", "2025-03-03", "4"]]
    report = score([str(write_csv(rows))], options=Options(dedupe="Respondent"))
    csat = by_metric(report)["csat"]
    assert (csat.n, csat.components["mean"]) == (4, pytest.approx((1 + 2 + 5 + 4) / 4))  # blank ids identify no one; "a " is "a"
    assert report.inputs[0].duplicates_dropped == 1


@given(answers=st.lists(st.tuples(st.sampled_from(["a", "b", "c", "", "d"]), st.one_of(st.none(), st.integers(1, 5)), st.integers(1, 5)), min_size=1, max_size=40))
@settings(max_examples=60, deadline=None)
def test_dedupe_matches_a_plain_reading_of_latest_answer(tmp_path_factory, answers):
    """Latest by date (undated loses to dated), the later row on a tie; blank ids are all kept."""
    rows = [["Respondent", "Submitted", "Satisfaction"]] + [[who, f"2025-03-{day:02d}" if day else "", str(score_)] for who, day, score_ in answers]
    path = tmp_path_factory.mktemp("d") / "d.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    best: dict = {}
    kept = []
    for position, (who, day, score_) in enumerate(answers):
        if not who:
            kept.append(score_)
        elif who not in best or (day or 0, position) >= (best[who][0] or 0, best[who][1]):
            best[who] = (day, position, score_)
    kept += [entry[2] for entry in best.values()]
    report = score([str(path)], options=Options(dedupe="Respondent", date_column="Submitted"))
    csat = by_metric(report)["csat"]
    assert csat.n == len(kept) and csat.components["mean"] == pytest.approx(sum(kept) / len(kept))
    assert report.inputs[0].duplicates_dropped == len(answers) - len(kept)


def test_check_inputs_refuses_standard_input_only_with_dedupe():
    check_inputs(None, ["-"])
    check_inputs("id", ["a.csv", "b.csv"])
    with pytest.raises(InputError, match="standard input can be read once"):
        check_inputs("id", ["a.csv", "-"])


def test_latest_answers_picks_per_part_row_numbers_across_parts():
    """Part 0 rows 0–2 and part 1 rows 0–1 (order = slot << 40 | row): a's latest is dated, b's ties go to the later part."""
    def part(slot, respondents, times):
        return pa.table({"respondent": respondents, "time": pa.array(times, pa.int64()), "order": pa.array([(slot << 40) + i for i in range(len(respondents))], pa.int64())})

    keep, dropped = latest_answers([part(0, ["a", "b", ""], [5, 1, None]), part(1, ["a", "b"], [None, 1])], 2)
    assert [rows.tolist() for rows in keep] == [[0, 2], [1]] and dropped == 2


def test_latest_marks_the_kept_rows_of_each_block():
    latest = Latest(np.array([0, 3, 4, 9]))
    assert latest.mask(0, 5).tolist() == [True, False, False, True, True]
    assert latest.mask(5, 5).tolist() == [False, False, False, False, True]
    assert latest.mask(10, 3).tolist() == [False, False, False]
