"""Parquet and Arrow IPC (Feather) input: the same results as the CSV of the same data, streamed, hostile files refused in one line."""
from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.feather as feather
import pyarrow.parquet as pq
import pytest

from conftest import SAMPLE, SAMPLE_ZH, invoke, run_process

from cxscore import Options, score
from cxscore.errors import InputError
from cxscore.model import InputInfo
from cxscore.sources import open_source
from cxscore.sources.columnar import BATCH_ROWS

RUN = ["-f", "json", "-q", "--by", "Channel", "--period", "month"]
OPTIONS = Options(by=["Channel"], period="month")


def _results(*args: str, env: dict | None = None) -> list:
    result = invoke(["score", *args, *RUN], env=env)
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["results"]


@pytest.fixture(scope="module")
def sample_files(tmp_path_factory):
    """The sample CSV read by pyarrow (typed: timestamps, int64 CES, text NPS with '10+') and written as
    Parquet in 3 row groups and as Feather in 5 record batches."""
    folder = tmp_path_factory.mktemp("columnar")
    table = pacsv.read_csv(SAMPLE)
    assert pa.types.is_timestamp(table.schema.field("Submitted At").type) and pa.types.is_integer(table.schema[7].type)
    pq.write_table(table, folder / "sample.parquet", row_group_size=1000)
    feather.write_feather(table, folder / "sample.feather", chunksize=700)
    with pa.ipc.new_stream(folder / "sample.arrows", table.schema) as writer:
        writer.write_table(table, max_chunksize=900)
    return folder


@pytest.mark.parametrize("name", ["sample.parquet", "sample.feather", "sample.arrows"])
def test_the_sample_as_parquet_or_feather_scores_exactly_as_the_csv(sample_files, name):
    assert _results(str(sample_files / name)) == _results(str(SAMPLE))


@pytest.mark.parametrize("name", ["sample.parquet", "sample.feather"])
def test_row_groups_read_in_worker_processes_give_the_one_process_result(sample_files, name):
    source = open_source(str(sample_files / name))
    parts = source.parts(2)
    assert len(parts) == 2 and all(part.portable for part in parts)
    assert source.parts(2, min_bytes=1 << 20) == [source]  # a small file is not worth a worker
    path = str(sample_files / name)
    apart, whole = score([path], options=OPTIONS, processes=2, part_bytes=1), score([path], options=OPTIONS, processes=1)
    assert apart.to_dict()["results"] == whole.to_dict()["results"] == _results(str(SAMPLE))


def test_only_the_needed_columns_are_read_and_rows_are_counted(sample_files):
    source = open_source(str(sample_files / "sample.parquet"))
    info = InputInfo(path="x", format="parquet")
    batches = list(source.batches(["Channel"], info))
    assert {tuple(b.schema.names) for b in batches} == {("Channel",)} and info.rows == 3000
    assert all(b.num_rows <= BATCH_ROWS for b in batches)


def test_the_chinese_sample_as_parquet_scores_as_the_file(tmp_path):
    table = pacsv.read_csv(SAMPLE_ZH, read_options=pacsv.ReadOptions(encoding="gb18030"))
    pq.write_table(table, tmp_path / "zh.parquet")
    result = invoke(["score", str(tmp_path / "zh.parquet"), "-f", "json", "-q"])
    assert json.loads(result.stdout)["results"] == json.loads(invoke(["score", str(SAMPLE_ZH), "-f", "json", "-q"]).stdout)["results"]


def test_typed_columns_read_as_the_text_a_csv_export_holds(tmp_path, write_csv):
    """int scores with nulls, timestamp dates, dictionary-encoded segments, float CSAT: as the same CSV."""
    days = [dt.datetime(2025, 1, 5, 9, 30), dt.datetime(2025, 2, 7, 17, 5, 11), None, dt.datetime(2025, 2, 28, 23, 59, 59)] * 25
    nps = [10, 9, None, 3] * 25
    csat = [5.0, None, 4.0, 1.0] * 25
    channel = ["Chat", "Email", None, "Chat"] * 25
    table = pa.table({
        "Submitted": pa.array(days, pa.timestamp("ms")),
        "Channel": pa.array(channel).dictionary_encode(),
        "How likely are you to recommend us?": pa.array(nps, pa.int8()),
        "How satisfied were you?": pa.array(csat, pa.float64()),
    })
    pq.write_table(table, tmp_path / "typed.parquet")
    text = [[d.strftime("%Y-%m-%d %H:%M:%S") if d else "", c or "", "" if n is None else str(n), "" if s is None else str(int(s))] for d, c, n, s in zip(days, channel, nps, csat)]
    path = write_csv([table.column_names, *text])
    got, want = _results(str(tmp_path / "typed.parquet")), _results(str(path))
    assert got == want
    overall = {row["metric"]: row for row in got if not row["segment"] and row["period"] is None}
    assert overall["nps"]["blank"] == 25 and overall["nps"]["n"] == 75  # nulls are blanks, not invalid answers


def test_a_folder_of_parquet_files_is_scored_as_its_files(sample_files, tmp_path):
    table = pq.read_table(sample_files / "sample.parquet")
    folder = tmp_path / "exports"
    folder.mkdir()
    pq.write_table(table.slice(0, 1200), folder / "a.parquet")
    pq.write_table(table.slice(1200), folder / "b.parquet")
    (folder / "notes.md").write_text("not an export")
    assert _results(str(folder)) == _results(str(folder / "a.parquet"), str(folder / "b.parquet"))
    result = invoke(["score", str(folder), "-f", "json", "-q"])
    assert [i["path"] for i in json.loads(result.stdout)["inputs"]] == [str(folder / "a.parquet"), str(folder / "b.parquet")]


def test_parquet_on_standard_input_is_read_from_memory(sample_files):
    done = run_process(["score", "-", *RUN], input=(sample_files / "sample.parquet").read_bytes())
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"] == _results(str(SAMPLE))


def test_a_truncated_parquet_file_is_one_line_and_exit_2(sample_files, tmp_path):
    data = (sample_files / "sample.parquet").read_bytes()
    for name, cut in (("cut.parquet", data[: len(data) // 2]), ("garbled.parquet", data[:4] + b"\0" * (len(data) - 8) + data[-4:])):
        (tmp_path / name).write_bytes(cut)
        done = run_process(["score", str(tmp_path / name)])
        assert done.returncode == 2, done.stderr
        err = done.stderr.decode()
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1
        assert f"{tmp_path / name} is not a readable Parquet file" in err and "export it again" in err


def test_a_damaged_row_group_found_while_reading_is_one_line(sample_files, tmp_path):
    """Footer intact, data pages zeroed: the error comes from the scan (in a worker too), not the opening."""
    data = bytearray((sample_files / "sample.parquet").read_bytes())
    meta = pq.ParquetFile(sample_files / "sample.parquet").metadata
    start = meta.row_group(1).column(4).data_page_offset
    data[start : start + 200] = b"\xff" * 200
    (tmp_path / "pages.parquet").write_bytes(bytes(data))
    done = run_process(["score", str(tmp_path / "pages.parquet")])
    assert done.returncode == 2 and "Traceback" not in done.stderr.decode()
    assert "pages.parquet is not a readable Parquet file" in done.stderr.decode()
    with pytest.raises(InputError, match="pages.parquet is not a readable Parquet file"):
        score([str(tmp_path / "pages.parquet")], processes=2, part_bytes=1)  # found by a worker process


def test_a_suffix_that_disagrees_with_the_magic_bytes_is_said(sample_files, tmp_path):
    (tmp_path / "export.parquet").write_text(SAMPLE.read_text())
    done = invoke(["score", str(tmp_path / "export.parquet")])
    assert done.exit_code == 2
    assert "does not start with the .parquet format's magic bytes (PAR1); it starts like text (a CSV file?)" in done.stderr
    (tmp_path / "renamed.csv").write_bytes((sample_files / "sample.parquet").read_bytes())
    (tmp_path / "renamed.feather").write_bytes((sample_files / "sample.parquet").read_bytes())
    for name in ("renamed.csv", "renamed.feather"):
        result = invoke(["score", str(tmp_path / name), "-f", "json"])
        assert result.exit_code == 0, result.stderr
        said = f"{tmp_path / name}: its first bytes say it is a Parquet file, not what its name {tmp_path.joinpath(name).suffix} says; it was read as a Parquet file"
        assert said in result.stderr and said in json.loads(result.stdout)["warnings"]
        assert json.loads(result.stdout)["results"] == json.loads(invoke(["score", str(SAMPLE), "-f", "json", "-q"]).stdout)["results"]


def test_an_old_feather_v1_file_is_named(tmp_path):
    path = tmp_path / "old.feather"
    path.write_bytes(b"FEA1" + bytes(60) + b"FEA1")  # the v1 magic at both ends (pyarrow deprecates writing v1)
    done = invoke(["score", str(path)])
    assert done.exit_code == 2 and "Feather version 1" in done.stderr and "Traceback" not in done.stderr


def test_a_qualtrics_export_saved_as_parquet_keeps_its_layout(tmp_path, write_csv):
    rows = [
        ["ResponseId", "Q1", "Q2"],
        ["Response ID", "How likely are you to recommend us to a friend?", "Channel"],
        ['{"ImportId":"_recordId"}', '{"ImportId":"QID1"}', '{"ImportId":"QID2"}'],
        *[[f"R_{i}", str(i % 11), "Chat" if i % 2 else "Email"] for i in range(60)],
    ]
    path = write_csv(rows)
    table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in rows[0]}))
    pq.write_table(table, tmp_path / "q.parquet", row_group_size=25)
    result = invoke(["score", str(tmp_path / "q.parquet"), "-f", "json", "-q"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["inputs"][0]["layout"] == "qualtrics"
    assert json.loads(result.stdout)["results"] == json.loads(invoke(["score", str(path), "-f", "json", "-q"]).stdout)["results"]
