"""The Summary sheet's Type column names a service KPI in words (en and zh): it showed the kind's id
upper-cased, ``SERVICE_LEVEL``, ``ABANDONMENT``, ``WEIGHTED_AVERAGE``."""
from __future__ import annotations

import openpyxl
import pytest

from conftest import ROOT, invoke
from cxscore.kinds import KINDS
from cxscore.render.excel import LABELS

CALLS = ROOT / "sample_data" / "calls.csv"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_kind_has_type_words_in_each_language(lang):
    words = {kind: LABELS[lang].get(f"type_{kind}") for kind in KINDS}
    assert None not in words.values()
    assert not [w for kind, w in words.items() if kind not in ("nps", "csat", "ces") and (w == kind.upper() or "_" in w)]


@pytest.mark.parametrize(("lang", "sheet", "expected"), [("en", "Summary", {"Service level", "Abandonment rate"}), ("zh", "概览", {"服务水平", "放弃率"})])
def test_the_calls_summary_sheet_names_its_kinds_in_words(tmp_path, lang, sheet, expected):
    out = tmp_path / "calls.xlsx"
    result = invoke(["report", str(CALLS), "-o", str(out), "--lang", lang, "-q"])
    assert result.exit_code == 0, result.stderr
    ws = openpyxl.load_workbook(out)[sheet]
    types = {row[1].value for row in ws.iter_rows(min_row=2)}
    assert expected <= types
    assert not [t for t in types if isinstance(t, str) and "_" in t]
