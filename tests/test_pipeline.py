"""The library API end to end: detection, config columns, several files, chunking, --strict."""
from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cxscore.sources.text as text_source
from cxscore import Config, score
from cxscore.pipeline import Options, analyse, tally_inputs
from cxscore.settings import resolve
from cxscore.sources import open_source
from cxscore.config import validate_config
from cxscore.errors import ColumnError, CxError, InputError, StrictError
from conftest import SAMPLE, SAMPLE_ZH, csv_text


def values(report):
    return {
        (r.metric, tuple(r.segment.items()), r.period): (r.n, r.blank, r.invalid, r.value, r.n_eff, r.ci_low, r.ci_high, tuple(sorted(r.components.items())), str(r.significance))
        for r in report.results
    }


BREAKDOWN = Options(by=["channel"], period="month", weight="w")


def weighted_copy(tmp_path):
    """The sample with a weight column (1, 2 or 3 by row), so weighted paths are exercised too."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    path = tmp_path / "weighted.csv"
    path.write_text("\n".join([lines[0] + ",w"] + [f"{line},{i % 3 + 1}" for i, line in enumerate(lines[1:])]) + "\n", encoding="utf-8")
    return path


def test_detects_english_and_chinese_samples_alike():
    english, chinese = score([str(SAMPLE)]), score([str(SAMPLE_ZH)])
    assert [m.name for m in english.metrics] == ["nps", "csat", "ces"]
    assert [m.name for m in chinese.metrics] == ["nps", "csat", "ces"]
    assert english.metrics[2].scale == [1, 7] and chinese.metrics[2].scale == [1, 5]
    # Same responses, same CSAT; the English file has two typo'd NPS answers and a "N/A".
    overall = ("csat", (), None)
    assert values(english)[overall] == values(chinese)[overall]
    assert values(english)[("nps", (), None)][2] == 2 and values(chinese)[("nps", (), None)][2] == 0


def test_detection_skips_free_text_that_mentions_satisfaction(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text(csv_text([
        ["Satisfaction", "What would improve your satisfaction?", "Recommend (0-10)", "Recommend friend (0-10)"],
        ["5", "faster replies", "9", "8"],
        ["4", "nothing", "10", ""],
    ]), encoding="utf-8")
    messages = []
    report = score([str(path)], notify=messages.append)
    assert [(m.name, m.column) for m in report.metrics] == [("csat", "Satisfaction"), ("nps", "Recommend (0-10)"), ("nps_2", "Recommend friend (0-10)")]
    assert any("skipped column 'What would improve your satisfaction?'" in m for m in messages)
    assert any(m.startswith("csat: column 'Satisfaction'") for m in messages)


def test_scale_inferred_from_values(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("CSAT,Effort score\n7,9\n6,2\n1,10\n", encoding="utf-8")
    report = score([str(path)])
    assert report.metrics[0].scale == [1, 7] and report.metrics[1].scale == [1, 10]
    assert report.metrics[1].direction == "higher_is_harder"


def test_several_metrics_of_one_type_from_config(write_csv):
    path = write_csv([["Quality", "Price", "Service"], ["5", "1", "4"], ["4", "2", "3"], ["1", "5", "5"], ["5", "2", "2"]])
    config = validate_config({"metrics": [
        {"name": "quality", "type": "csat", "column": "quality"},  # case-insensitive match
        {"name": "price", "type": "csat", "column": ["Cost", "Price"], "satisfied": 5},
        {"name": "service", "type": "csat", "column": {"match": "^serv"}},
    ]})
    got = {r.metric: r.value for r in score([str(path)], config).results}
    assert got == {"quality": 75.0, "price": 25.0, "service": 50.0}


def test_missing_column_lists_columns_and_suggests(write_csv):
    path = write_csv([["Satisfaction", "Region"], ["5", "EU"]])
    config = validate_config({"metrics": [{"type": "csat", "column": "Satisfactoin"}]})
    with pytest.raises(ColumnError) as info:
        score([str(path)], config)
    assert "column 'Satisfactoin' is not in" in info.value.message and "'Region'" in info.value.message
    assert info.value.hint == "did you mean 'Satisfaction'?"


def test_ambiguous_pattern_is_an_error(write_csv):
    path = write_csv([["Sat A", "Sat B"], ["5", "4"]])
    with pytest.raises(ColumnError, match="matches 2 columns"):
        score([str(path)], validate_config({"metrics": [{"type": "csat", "column": {"match": "sat"}}]}))


def test_strict_makes_invalid_answers_an_error(write_csv):
    path = write_csv([["Satisfaction"], ["5"], ["6"], ["great"], [""]])
    with pytest.raises(InputError, match="'Satisfaction': question mentions 'Satisf' but its values are not on a 0–1 or 1–3 or 1–5 or 1–7 or 1–10 or 0–10 scale"):
        score([str(path)])  # detection refuses a column whose values don't fit
    config = validate_config({"metrics": [{"type": "csat", "column": "Satisfaction"}]})
    report = score([str(path)], config)
    assert (report.results[0].n, report.results[0].invalid, report.results[0].blank) == (1, 2, 1)
    assert report.quality[0].invalid_examples == {"6": 1, "great": 1}
    with pytest.raises(StrictError, match=r"csat \('Satisfaction'\): 2 invalid"):
        score([str(path)], config, Options(strict=True))
    clean = write_csv([["Satisfaction"], ["5"], [""]], name="clean.csv")
    assert score([str(clean)], config, Options(strict=True)).results[0].n == 1  # blanks are not errors


@pytest.mark.parametrize("options", [Options(), BREAKDOWN], ids=["overall", "segments-periods-weights"])
def test_several_files_equal_one_concatenated_file(tmp_path, options):
    source = weighted_copy(tmp_path)
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    header, body = lines[0], lines[1:]
    parts = []
    for i, chunk in enumerate([body[:700], body[700:2100], body[2100:]]):
        part = tmp_path / f"part{i}.csv"
        part.write_text(header + "".join(chunk), encoding="utf-8")
        parts.append(str(part))
    whole, split = score([str(source)], options=options), score(parts, options=options)
    assert values(split) == values(whole)
    assert [i.rows for i in split.inputs] == [700, 1400, 900]


@given(block=st.integers(min_value=2_000, max_value=60_000))
@settings(max_examples=6, deadline=None)
def test_block_size_does_not_change_results(tmp_path_factory, block):
    source = weighted_copy(tmp_path_factory.mktemp("w"))
    whole = [values(score([str(source)], options=o)) for o in (Options(), BREAKDOWN)]
    chunked = [values(score([str(source)], options=o, block_bytes=block)) for o in (Options(), BREAKDOWN)]
    assert chunked == whole


def test_no_metric_found(write_csv):
    path = write_csv([["id", "comment"], ["1", "hello"]])
    with pytest.raises(InputError, match="no NPS, CSAT or CES column found"):
        score([str(path)])


def test_no_inputs():
    with pytest.raises(InputError, match="no input given"):
        score([], Config())


@pytest.mark.parametrize("options", [Options(), BREAKDOWN], ids=["overall", "segments-periods-weights"])
def test_parallel_parts_equal_a_serial_run(tmp_path, options):
    """Split into byte ranges at record boundaries (quoted newlines included) and run in worker processes."""
    source = weighted_copy(tmp_path)
    serial = values(score([str(source)], options=options, processes=1))
    parallel = score([str(source)], options=options, processes=4, part_bytes=20_000)
    assert values(parallel) == serial
    assert parallel.inputs[0].rows == 3000


def test_part_and_block_sizes_are_parameters(tmp_path):
    source = open_source(str(weighted_copy(tmp_path)))
    parts = source.parts(4, min_bytes=20_000, block_bytes=4_000)
    assert len(parts) == 4 and {part.block_bytes for part in parts} == {4_000}
    assert len(source.parts(4)) == 1  # 100 kB: under the default part size, one part


@pytest.mark.parametrize("window, scan", [(64 << 10, 1 << 20), (7, 5)], ids=["default", "tiny-windows"])
def test_record_boundaries_respect_quotes(tmp_path, window, scan):
    path = tmp_path / "q.csv"
    rows = ['id,comment'] + [f'{i},"line one\nline two, ""quoted""\n{i}"' for i in range(2000)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    size = path.stat().st_size
    bounds, seen = text_source.record_boundaries(path, size, 7, scan_bytes=scan, window_bytes=window)
    data = path.read_bytes()
    assert bounds[0] == 0 and bounds[-1] == size and len(bounds) == 8
    assert seen == [(True, True)] * 6 + [(False, False)]  # the last range is not scanned
    for cut in bounds[1:-1]:
        assert data[cut - 1:cut] == b"\n" and data[:cut].count(b'"') % 2 == 0
        assert data[cut:].split(b",", 1)[0].isdigit()  # each part starts on a record



@pytest.mark.parametrize("window, scan", [(64 << 10, 1 << 20), (7, 5)], ids=["default", "tiny-windows"])
def test_record_boundaries_say_which_ranges_hold_a_byte_order_mark_byte(tmp_path, window, scan):
    # what the scan saw spares the reader a pass: a range without the byte 0xEF needs no mark dropped
    path = tmp_path / "m.csv"
    rows = ["id,comment"] + [f"{i},plain" for i in range(3000)]
    rows[1500] = "1499,\ufeffjoined，full-width"  # a mark and a full-width comma (0xEF 0xBC 0x8C) in the middle range
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    data = path.read_bytes()
    bounds, seen = text_source.record_boundaries(path, len(data), 3, scan_bytes=scan, window_bytes=window)
    assert len(bounds) == 4 and [b"\xef" in data[a:b] for a, b in zip(bounds, bounds[1:])] == [False, True, False]
    assert seen == [(True, True), (True, False), (False, False)]


@pytest.mark.parametrize("processes", [1, 2])
def test_parts_read_without_the_checks_the_scan_made_count_as_before(tmp_path, processes):
    # two exports joined with cat (the second one's mark mid-file, before a row) and an unpaired quote at
    # the end, cut into parts: the parts the scan saw whole skip the quote count and, without 0xEF, the
    # mark search; the marks are still dropped (no segment "\ufeffChat") and the unpaired quote counted
    path = tmp_path / "joined.csv"
    mark = b"\xef\xbb\xbf"
    rows = "".join(f"{['Chat', 'Email', 'Phone'][i % 3]},{i % 11},\"comment {i}, with a comma\"\n" for i in range(3000)).encode()
    path.write_bytes(mark + b"Channel,How likely are you to recommend us? (0-10),Comment\n" + rows + mark + rows + b'Chat,9,"never closed\n')
    data = path.read_bytes()
    parts = open_source(str(path)).parts(8, min_bytes=30_000)
    marked = [part for part in parts if mark in data[part.start:part.end]]
    assert len(parts) > 4 and len(marked) == 2 and marked[1] is not parts[-1]
    assert [(p.paired, p.markless) for p in parts] == [(p is not parts[-1], p is not parts[-1] and p not in marked) for p in parts]
    report = score([str(path)], options=Options(by=["Channel"]), processes=processes, part_bytes=30_000)
    whole = score([str(path)], options=Options(by=["Channel"]), processes=1, part_bytes=1 << 30)
    assert values(report) == values(whole)
    assert {r.segment.get("Channel") for r in report.results} == {None, "Chat", "Email", "Phone"}
    assert report.inputs[0].rows == whole.inputs[0].rows == 6001
    assert report.inputs[0].unpaired_quotes == whole.inputs[0].unpaired_quotes == 1

def test_several_files_run_in_workers_and_match(tmp_path):
    parts = []
    lines = SAMPLE.read_text(encoding="utf-8").splitlines(keepends=True)
    for i in range(3):
        part = tmp_path / f"p{i}.csv"
        part.write_text(lines[0] + "".join(lines[1 + i * 1000 : 1 + (i + 1) * 1000]), encoding="utf-8")
        parts.append(str(part))
    serial = values(score(parts, options=Options(by=["file"]), processes=1))
    assert values(score(parts, options=Options(by=["file"]), processes=3)) == serial


@pytest.mark.parametrize("workers", ["1", "3"])
def test_progress_reports_bytes_and_rows(workers):
    calls = []
    score([str(SAMPLE)], progress=lambda done, total, rows: calls.append((done, total, rows)), processes=int(workers), part_bytes=50_000)
    assert calls[-1] == (SAMPLE.stat().st_size, SAMPLE.stat().st_size, 3000)


def test_a_worker_error_reaches_the_caller_whole(tmp_path, monkeypatch):
    path = tmp_path / "late.csv"
    path.write_bytes(("满意度\n" + "满意\n" * 200_000).encode("utf-8") + "非常满意\n".encode("gbk"))
    with pytest.raises(InputError) as info:
        score([str(path)], processes=2, part_bytes=50_000)
    assert "not valid UTF-8" in info.value.message and "--encoding" in info.value.hint


def test_a_tallied_run_is_analysed_again_without_reading(tmp_path):
    path = tmp_path / "copy.csv"
    path.write_bytes(SAMPLE.read_bytes())
    options = Options(by=["Channel"], period="month")
    settings = resolve(None, options)
    tallied = tally_inputs([str(path)], None, settings)
    path.unlink()  # from here on, nothing can be read again
    first = analyse(tallied, settings)
    assert values(first) == values(score([str(SAMPLE)], options=options))
    narrower = analyse(tallied, replace(settings, confidence=0.8, fail_under=["nps=50"]))
    assert values(narrower) == values(score([str(SAMPLE)], options=Options(by=["Channel"], period="month", confidence=0.8, fail_under=["nps=50"])))
    overall = [next(r for r in report.results if r.metric == "nps" and r.kind == "overall") for report in (first, narrower)]
    assert overall[1].ci_high - overall[1].ci_low < overall[0].ci_high - overall[0].ci_low
    assert (overall[0].target, overall[1].target, overall[1].status) == (None, 50, "missed")
    assert not first.alerts and narrower.alerts[0].startswith("nps +10.5 missed its target 50")
    assert analyse(tallied, settings).to_dict() == first.to_dict()  # the first analysis changed nothing in tallied
    assert first.inputs[0] is not narrower.inputs[0]


def test_settings_are_resolved_once_from_options_over_config():
    config = validate_config({"confidence": 0.9, "min_n": 50, "segments": ["Channel"], "period": "week", "benchmark": "retail"})
    settings = resolve(config, Options(min_n=10, period="month"))
    assert (settings.confidence, settings.min_n, settings.by, settings.period, settings.benchmark) == (0.9, 10, ["Channel"], "month", "retail")
    assert resolve().confidence == 0.95 and resolve().warn_segments == 1000
    with pytest.raises(CxError, match="'channel' is not COLUMN=VALUE"):
        resolve(None, Options(where=["channel"]))  # before any input is opened


def test_every_setting_is_its_option_or_the_configs_value():
    """resolve() walks the fields Options and Settings share: a field added to one only, or a config key
    misnamed in FROM_CONFIG, fails here instead of silently taking a default."""
    from dataclasses import fields

    from cxscore.config import Config
    from cxscore.settings import FROM_CONFIG, Settings

    assert {f.name for f in fields(Options)} == {f.name for f in fields(Settings)}
    assert {key for key in FROM_CONFIG.values()} <= {f for f in Config.__struct_fields__}
    config = validate_config({"weight": "w", "date_column": "When", "nps_interval": "wald", "benchmarks_file": "b.yaml", "dayfirst": True})
    settings = resolve(config, Options(since="02/03/2025"))
    assert (settings.weight, settings.date_column, settings.nps_interval, settings.benchmarks_file) == ("w", "When", "wald", "b.yaml")
    assert settings.since is not None and (settings.since.month, settings.since.day) == (3, 2)  # the config's day-first order reads the bound


def test_trend_from_a_configured_period_is_not_called_ignored(tmp_path):
    report = score([str(SAMPLE)], validate_config({"period": "month"}), Options(trend=3))
    assert not [w for w in report.warnings if "were ignored" in w]
    assert next(r for r in report.results if r.metric == "nps" and r.kind == "period" and r.period == "2025-06").trend is not None
    assert [w for w in score([str(SAMPLE)], options=Options(trend=3)).warnings if "--baseline and --trend compare periods and were ignored" in w]


def with_customers(tmp_path, every: int):
    """The sample with a customer column: a new customer every row (``every`` 1) or ``every`` in turn."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    path = tmp_path / f"customers_{every}.csv"
    path.write_text("\n".join([lines[0] + ",customer"] + [f"{line},C{i if every == 1 else i % every}" for i, line in enumerate(lines[1:])]) + "\n", encoding="utf-8")
    return path


def test_a_segment_per_sampled_row_is_read_by_one_worker(tmp_path, monkeypatch):
    """Nearly every sampled row a new --by value: one worker (two would each number all the keys)."""
    from cxscore import pipeline

    monkeypatch.delenv("CXSCORE_WORKERS", raising=False)
    many, few = (open_source(str(with_customers(tmp_path, every))) for every in (1, 7))
    notes: list[str] = []
    assert pipeline.one_worker_for([many], ["customer"], 2, notes.append) == 1
    assert pipeline.one_worker_for([few], ["customer"], 2, notes.append) == 2
    assert pipeline.one_worker_for([many], [], 2, notes.append) == 2
    assert pipeline.one_worker_for([few, many], ["customer"], 4, notes.append) == 1
    assert notes == []  # workers not set by the user: nothing said
    monkeypatch.setenv("CXSCORE_WORKERS", "2")
    assert pipeline.one_worker_for([many], ["customer"], 2, notes.append) == 1
    assert len(notes) == 1 and "one worker, not CXSCORE_WORKERS=2" in notes[0] and "customer" in notes[0]


def test_one_worker_for_many_segments_gives_the_two_worker_results(tmp_path, monkeypatch):
    from cxscore import pipeline

    used: list[int] = []
    real = pipeline.run_jobs
    monkeypatch.setattr(pipeline, "workers", lambda: 2)
    monkeypatch.setattr(pipeline, "run_jobs", lambda jobs, processes, *rest: used.append(processes) or real(jobs, processes, *rest))
    path = str(with_customers(tmp_path, 1))
    options = Options(by=["customer"], bottom=20)
    chosen = score([path], options=options, part_bytes=20_000)
    two = score([path], options=options, processes=2, part_bytes=20_000)
    assert used == [1, 2]
    assert values(chosen) == values(two) and len(chosen.results) > 0
