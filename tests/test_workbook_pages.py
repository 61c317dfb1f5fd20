"""Printed pages of the workbook: no chart cut at a page break on a long sheet, and a Trend table of many
metrics printed a block of whole metrics a page instead of shrunk to a third (session 7's user pass)."""
from __future__ import annotations

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from conftest import ROOT, invoke

ZENDESK = ROOT / "sample_data" / "tickets_zendesk.csv"
PAGE_HEIGHT = 595.28 - 2 * 72  # points: A4 landscape less the top and bottom inch
PAGE_WIDTH = 841.89 - 2 * 0.4 * 72


def _excel_points(ws, column: int) -> float:
    """A column's width in points as Excel draws Calibri 11: 7 pixels a character, 0.75 points a pixel."""
    dimension = ws.column_dimensions.get(get_column_letter(column))
    return (dimension.width if dimension is not None and dimension.customWidth else 8.43) * 7 * 0.75


def _pages(ws, scale: float) -> list[tuple[float, float]]:
    """Each printed page's span (top, bottom) in sheet points: manual breaks, else as much as fits."""
    heights = [(ws.row_dimensions[r].height or 15.0) for r in range(1, ws.max_row + 80)]
    tops = [sum(heights[:r]) for r in range(len(heights) + 1)]
    manual = sorted(b.id for b in ws.row_breaks.brk)  # a break after row id
    room = PAGE_HEIGHT / scale - heights[0]  # under the repeated header row
    pages, top = [], 0.0
    while top < tops[-1]:
        bottom = min([tops[b] for b in manual if tops[b] > top] + [top + room])
        pages.append((top, bottom))
        top = bottom
    return pages


def _charts(ws) -> list[tuple[int, int, float]]:
    """(row, column, height in points) of each chart, from the drawing's anchor (1-based row and column)."""
    return [(c.anchor._from.row + 1, c.anchor._from.col + 1, c.anchor.ext.height / 12700) for c in ws._charts]


def test_no_chart_is_cut_at_a_page_break_on_a_long_segments_sheet(write_csv, tmp_path):
    """105 segment rows: the third chart started near a page's end and printed in two halves."""
    rows = [["Store", "Recommend", "Satisfied", "Ease"]]
    rows += [[f"S{i:02d}", (i + k) % 11, 1 + (i * k) % 5, 1 + (i + 2 * k) % 7] for i in range(35) for k in range(12)]
    config, out = tmp_path / "c.yaml", tmp_path / "r.xlsx"
    config.write_text("metrics:\n  - {name: nps, type: nps, column: Recommend}\n"
                      "  - {name: csat, type: csat, column: Satisfied, scale: [1, 5]}\n"
                      "  - {name: ces, type: ces, column: Ease, scale: [1, 7]}\n", encoding="utf-8")
    result = invoke(["report", str(write_csv(rows)), "-c", str(config), "-o", str(out), "--by", "Store", "--min-n", "5"])
    assert result.exit_code == 0, result.stderr
    ws = openpyxl.load_workbook(out)["Segments"]
    assert ws.page_setup.fitToHeight == 0 and ws.max_row > 100  # as many pages as it takes, one wide
    width = max(sum(_excel_points(ws, c) for c in range(1, col)) + 16 / 2.54 * 72 for _, col, _ in _charts(ws))
    pages = _pages(ws, min(1.0, PAGE_WIDTH / width))
    assert ws.row_breaks.brk, "no page break kept a chart whole"
    for row, _, height in _charts(ws):
        top = (row - 1) * 15.0
        assert any(a <= top and top + height <= b for a, b in pages), (row, pages)
    assert ws["A1"].value == "Metric" and _charts(ws)[0][0] == 2  # under the header row, which every page repeats


@pytest.fixture(scope="module")
def trend(tmp_path_factory):
    out = tmp_path_factory.mktemp("trend") / "r.xlsx"
    assert invoke(["report", str(ZENDESK), "-o", str(out), "--period", "month", "--comments", "0"]).exit_code == 0
    return openpyxl.load_workbook(out)["Trend"]


def test_a_wide_trend_prints_a_block_of_whole_metrics_a_page(trend):
    """Six metrics side by side printed one page wide came out at about a third of their size."""
    ws = trend
    headers = [c.value for c in ws[1]]
    assert len(headers) > 30
    assert not ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.scale >= 60  # readable, not 31 %
    assert ws.print_title_cols == "$A:$A"  # the periods on every page
    breaks = sorted(b.id for b in ws.col_breaks.brk)
    assert breaks and all(headers[b].endswith(" Score") for b in breaks)  # each page starts with a metric's Score
    edges = [1, *breaks, len(headers)]
    for first, last in zip(edges, edges[1:]):  # each block fits across a page at that scale (Excel's widths)
        assert sum(_excel_points(ws, c) for c in [1, *range(first + 1, last + 1)]) * ws.page_setup.scale / 100 <= PAGE_WIDTH


def test_each_trend_chart_stands_under_its_own_metrics_block(trend):
    ws = trend
    headers = [c.value for c in ws[1]]
    edges = [1, *sorted(b.id for b in ws.col_breaks.brk), len(headers)]
    table_end = max(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value is not None)
    block_of = {c: i for i, (a, b) in enumerate(zip(edges, edges[1:])) for c in range(a + 1, b + 1)}
    for chart, (row, column, _) in zip(ws._charts, _charts(ws)):
        metric = chart.series[0].val.numRef.f.split("!")[1].split("$")[1]  # the first series: the metric's Score column
        score = openpyxl.utils.column_index_from_string(metric)
        assert block_of[column] == block_of[score], (headers[score - 1], column)
        assert row > table_end  # under the table
