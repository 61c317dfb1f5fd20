"""The Trend sheet's line charts draw an interval only where there is one: an interval report's weighted
averages (ASA, AHT) have none, and their charts listed empty "CI low" and "CI high" lines in the legend."""
from __future__ import annotations

import re
import zipfile

from conftest import invoke
from test_helpdesk_intervals import INTERVAL_REPORT


def _most_series(path) -> dict[str, int]:
    """Each chart title → the most series a chart of that title has (the Dashboard's small charts have one)."""
    out: dict[str, int] = {}
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/charts/chart"):
                xml = z.read(name).decode()
                title = re.findall(r"<a:t>([^<]*)</a:t>", xml)[0]
                out[title] = max(out.get(title, 0), xml.count("<ser>"))
    return out


def test_trend_charts_draw_an_interval_only_where_there_is_one(tmp_path):
    path, out = tmp_path / "export.csv", tmp_path / "report.xlsx"
    path.write_text(INTERVAL_REPORT, encoding="utf-8")
    result = invoke(["report", str(path), "-o", str(out), "--period", "day", "-q"])
    assert result.exit_code == 0, result.stderr
    series = _most_series(out)
    assert series["aht (average)"] == 1 and series["speed_of_answer (average)"] == 1
    assert series["service_level (% of sums)"] == 3  # the score, CI low, CI high
