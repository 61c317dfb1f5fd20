"""filters.py: each filter on its own — which rows it keeps and how it counts the ones it leaves out."""
from __future__ import annotations

from datetime import datetime

import numpy as np
import pyarrow as pa
import pytest

from cxscore.errors import ColumnError, CxError
from cxscore.filters import Condition, RowFilter, date_range
from cxscore.grouping import Grouping
from cxscore.model import InputInfo
from cxscore.sources.layouts import ResponseFilter

COLUMNS = ["channel", "Status", "w", "when"]


def block() -> pa.RecordBatch:
    return pa.record_batch({
        "channel": [" Chat", "Email", "Chat", None, "Chat", "Phone"],
        "Status": ["0", "1", "0", "0", "IP Address", "0"],
        "w": ["1", "2", "x", "1.5", "-1", ""],
        "when": pa.array([datetime(2025, 1, d) for d in (1, 2, 3, 4, 5, 6)], pa.timestamp("s")),
    })


def row_filter(**asked) -> tuple[RowFilter, InputInfo]:
    info = InputInfo(path="x.csv", format="csv")
    preview = ResponseFilter("Status", ("0", "IP Address", ""), "previews")
    return RowFilter(Grouping(**asked), COLUMNS, info, [preview, ResponseFilter("Finished", ("1",), "unfinished")]), info


def test_response_filters_then_where_count_apart():
    rows, info = row_filter(where=[Condition("channel", "Chat", False)])
    keep = rows.responses(block())
    # Status 1 is a preview; of the rest, channel (trimmed) is Chat in rows 0, 2 and 4.
    assert keep.tolist() == [True, False, True, False, True, False]
    assert info.excluded == {"previews": 1} and info.filtered_out == 2
    assert rows.exclusions == [rows.exclusions[0]]  # Finished is not a column here: that rule does not apply
    assert rows.condition_columns() == ["channel", "Status"]


def test_conditions_on_one_column_are_alternatives_and_negations_exclude():
    rows, info = row_filter(where=[Condition("channel", "Chat", False), Condition("channel", "Phone", False), Condition("channel", "", True)])
    assert rows.responses(block()).tolist() == [True, False, True, False, True, True]
    assert info.filtered_out == 1  # the blank channel; Email is a preview, counted as such


def test_date_range_is_inclusive_and_counts_only_kept_rows():
    since, until = date_range("2025-01-02", "2025-01-04", None)
    assert (since, until) == (datetime(2025, 1, 2), datetime(2025, 1, 4, 23, 59, 59, 999999))
    rows, info = row_filter(since=since, until=until)
    keep = np.array([True, True, True, True, False, True])
    assert rows.in_range(block().column("when"), keep).tolist() == [False, True, True, True, False, False]
    assert info.outside_dates == 2  # rows 0 and 5; row 4 was already left out


def test_a_bad_bound_names_the_options():
    with pytest.raises(CxError, match="^since/until: "):
        date_range("yesterday-ish", None, None)


def test_weights_leave_out_blank_text_and_non_positive():
    rows, info = row_filter(weight="w")
    weights, keep = rows.weights(block(), np.ones(6, dtype=bool))
    assert keep.tolist() == [True, True, False, True, False, False]
    assert weights[keep].tolist() == [1.0, 2.0, 1.5]
    assert info.weight_invalid == 3


def test_an_unknown_filter_column_fails_when_resolved():
    with pytest.raises(ColumnError, match="^weight: column 'nope'"):
        row_filter(weight="nope")
    with pytest.raises(ColumnError, match="^where: column 'nope'"):
        row_filter(where=[Condition("nope", "1", False)])
