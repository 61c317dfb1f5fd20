"""``--lang zh`` names what every service KPI's value is in Chinese in tile and chart titles: the call kinds,
the summary-row kinds (``service_level (% of sums)``, ``aht (average)``) were left in English."""
from __future__ import annotations

import openpyxl

from conftest import invoke
from cxscore.kinds import KINDS
from cxscore.render.excel import LABELS
from test_helpdesk_intervals import INTERVAL_REPORT


def test_every_service_kind_has_a_chinese_value_label():
    service = {kind.score_label for kind in KINDS.values() if not kind.comment_bands}
    assert {"median", "% of sums", "average", "% within T"} <= service
    assert not [label for label in sorted(service) if f"label_{label}" not in LABELS["zh"]]


def test_an_interval_report_dashboard_in_chinese(tmp_path):
    path, out = tmp_path / "export.csv", tmp_path / "report.xlsx"
    path.write_text(INTERVAL_REPORT, encoding="utf-8")
    result = invoke(["report", str(path), "-o", str(out), "--lang", "zh", "-q"])
    assert result.exit_code == 0, result.stderr
    ws = openpyxl.load_workbook(out)["看板"]
    titles = {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"service_level (合计之比)", "aht (加权平均)"} <= titles and not any("(average)" in t or "(% of sums)" in t for t in titles)
