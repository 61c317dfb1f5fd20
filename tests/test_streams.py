"""Standard streams that are closed, full or pipes: one line and a documented exit code, never a traceback."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from conftest import ROOT, SAMPLE, invoke

PYTHON = f"'{sys.executable}' -m cxscore"
FORMATS = ["table", "json", "jsonl", "csv", "markdown"]


def bash(command: str, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(command, shell=True, executable="/bin/bash", capture_output=True, input=stdin, env=env, timeout=120)


def exit_code_in(result: subprocess.CompletedProcess) -> int:
    """The status cxscore left in ``$PIPESTATUS[0]``, echoed last on stdout."""
    return int(result.stdout.split()[-1])


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_reader_that_leaves_early_is_success_in_every_format(fmt):
    # `true` exits before cxscore writes: every write meets a closed pipe (Rich's own handler exited 1).
    result = bash(f"{PYTHON} score '{SAMPLE}' --by channel -f {fmt} | true; echo ${{PIPESTATUS[0]}}")
    assert exit_code_in(result) == 0
    assert b"Traceback" not in result.stderr and b"error" not in result.stderr


def test_head_on_a_table_exits_0_and_gets_its_line():
    result = bash(f"{PYTHON} score '{SAMPLE}' --by channel -q | head -1; echo ${{PIPESTATUS[0]}}")
    first, status = result.stdout.decode().splitlines()
    assert first.startswith("cxscore · 3,000 rows") and status == "0"
    assert result.stderr == b""


def test_a_closed_pipe_keeps_the_alert_exit_code():
    result = bash(f"{PYTHON} score '{SAMPLE}' -q --fail-under nps=90 | true; echo ${{PIPESTATUS[0]}}")
    assert exit_code_in(result) == 3
    assert b"alert: " in result.stderr


@pytest.mark.parametrize("command", ["benchmarks", f"inspect '{SAMPLE}'", "plan -m nps --margin 5"])
def test_other_commands_accept_a_closed_pipe(command):
    result = bash(f"{PYTHON} {command} | true; echo ${{PIPESTATUS[0]}}")
    assert exit_code_in(result) == 0 and b"Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["--help", "score -h", ""])
def test_help_to_a_reader_that_leaves_early_is_success(command):
    # Typer prints help with a Rich console of its own, whose closed-pipe handler exited 1.
    result = bash(f"{PYTHON} {command} | head -1; echo ${{PIPESTATUS[0]}}")
    assert exit_code_in(result) == 0 and result.stderr == b""


@pytest.mark.parametrize("command", [f"score '{SAMPLE}'", "plan -m nps --margin 5"])
def test_closed_stdout_is_said_and_exits_0(command):
    result = bash(f"{PYTHON} {command} >&-")
    assert result.returncode == 0
    assert b"standard output is closed, so the output is written nowhere" in result.stderr and b"Traceback" not in result.stderr


def test_report_with_closed_stdout_writes_its_workbook(tmp_path):
    out = tmp_path / "r.xlsx"
    result = bash(f"{PYTHON} report '{SAMPLE}' -o '{out}' -q >&-")
    assert result.returncode == 0 and out.stat().st_size > 0


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv"])
def test_a_full_disk_on_stdout_is_one_line_and_exit_2(fmt):
    result = bash(f"{PYTHON} score '{SAMPLE}' -q -f {fmt} > /dev/full")
    assert result.returncode == 2
    assert result.stderr.decode().strip() == "error: cannot write to standard output: No space left on device — check the free space where the output goes, or redirect it elsewhere"


def test_help_on_a_full_disk_is_not_success():
    result = bash(f"{PYTHON} --help > /dev/full")
    assert result.returncode == 2 and b"No space left" in result.stderr and b"Traceback" not in result.stderr


def test_closed_stdin_is_an_input_error():
    result = bash(f"{PYTHON} score - <&-")
    assert result.returncode == 2
    assert result.stderr.decode().startswith("error: standard input is closed")


def test_stdin_given_twice_says_so():
    result = invoke(["score", "-", "-"], input=SAMPLE.read_bytes())
    assert result.exit_code == 2
    assert "standard input (-) is given more than once" in result.stderr and result.stdout == ""


@pytest.mark.parametrize("how", ["<(cat '{path}')", "/dev/stdin"])
def test_pipes_given_as_paths_are_read(how):
    """A pipe's size reads 0: it was refused as "input file is empty"."""
    if how == "/dev/stdin":
        command = f"cat '{SAMPLE}' | {PYTHON} score /dev/stdin -f csv -m nps -q"
    else:
        command = f"{PYTHON} score {how.format(path=SAMPLE)} -f csv -m nps -q"
    piped = bash(command)
    direct = bash(f"{PYTHON} score '{SAMPLE}' -f csv -m nps -q")
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == direct.stdout and b",2909," in piped.stdout


def test_a_named_pipe_is_read(tmp_path):
    fifo = tmp_path / "in.fifo"
    os.mkfifo(fifo)
    process = subprocess.Popen([sys.executable, "-m", "cxscore", "score", str(fifo), "-f", "csv", "-m", "nps", "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while True:  # open without blocking: a cxscore that never opens the pipe must fail the test, not hang it
        try:
            writer = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                out, err = process.communicate()
                pytest.fail(f"cxscore did not read the named pipe: {err.decode()}")
            time.sleep(0.05)
    os.set_blocking(writer, True)
    with os.fdopen(writer, "wb") as pipe:
        pipe.write(SAMPLE.read_bytes())
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert b",2909," in out


@pytest.mark.parametrize("value", ["0.9999999999999999", "1", "0.5", "nan", "0.3"])
def test_confidence_outside_the_range_is_refused(value):
    result = invoke(["score", str(SAMPLE), "--confidence", value])
    assert result.exit_code == 2
    assert "is outside the allowed range: above 0.5 and at most 0.9999" in result.stderr and result.stdout == ""


def test_confidence_at_the_top_of_the_range_scores():
    result = invoke(["score", str(SAMPLE), "--confidence", "0.9999", "-f", "json", "-q"])
    assert result.exit_code == 0 and '"confidence":0.9999' in result.stdout.replace(" ", "")


def test_confidence_in_a_config_or_for_plan_is_checked_too(tmp_path):
    config = tmp_path / "c.yaml"
    config.write_text("confidence: 0.9999999999999999\n")
    result = invoke(["score", str(SAMPLE), "-c", str(config)])
    assert result.exit_code == 2 and "confidence: expected `float` <= 0.9999" in result.stderr
    plan = invoke(["plan", "-m", "nps", "--margin", "5", "--confidence", "0.99999"])
    assert plan.exit_code == 2 and "outside the allowed range" in plan.stderr


def test_ctrl_c_while_reading_exits_130_without_a_traceback():
    """Ctrl-C reaches the job in the terminal's foreground, whose SIGINT is never ignored. A test run
    started in the background (`pytest … &` in a script) has SIGINT ignored, and cxscore, inheriting
    that, rightly went on and exited 0 (the flake 'assert 0 == 130'): it starts here as a foreground job
    would (a handler, unlike an ignored signal, is reset to the default by exec)."""
    import signal

    inherited = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        process = subprocess.Popen([sys.executable, "-m", "cxscore", "score", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    finally:
        signal.signal(signal.SIGINT, inherited)
    try:
        # A write that returns means cxscore has read all but a pipe buffer of it: it is running, not importing.
        process.stdin.write(("How likely are you to recommend us?\n" + "7\n" * 1_000_000).encode())
        process.stdin.flush()
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130, err.decode(errors="replace")[-2000:]
    assert b"Traceback" not in err and b"Exception ignored" not in err  # not swallowed in a finaliser either


@pytest.mark.parametrize("command", ["comments", "drivers", "volume"])
def test_every_command_refuses_standard_input_twice_and_says_a_guessed_encoding(command, tmp_path):
    """The commands next to score open their inputs as score does (pipeline.open_sources): '- -' was a
    misleading 'standard input is empty' from the second read, and a detected non-UTF-8 encoding went unsaid."""
    result = invoke([command, "-", "-"], input=SAMPLE.read_bytes())
    assert result.exit_code == 2
    assert "standard input (-) is given more than once" in result.stderr and result.stdout == ""
    latin = tmp_path / "latin.csv"
    latin.write_bytes(SAMPLE.read_text(encoding="utf-8").replace("Comment", "Commentaire é").encode("cp1252", errors="replace"))
    said = invoke([command, str(latin)])
    assert f"{latin}: text encoding " in said.stderr and "--encoding overrides" in said.stderr


def test_ctrl_c_while_the_command_line_loads_exits_130_without_a_traceback():
    """Ctrl-C in the few tenths of a second that NumPy, pyarrow and typer take to import used to end in a
    Python traceback. The interrupt is raised here exactly where a real one lands: inside the import of
    cxscore.cli, reached the way `python -m cxscore` and the console script reach it (cxscore.entry)."""
    interrupt = (
        "import sys, runpy\n"
        "class Interrupt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'cxscore.cli':\n"
        "            raise KeyboardInterrupt\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        "sys.argv = ['cxscore', 'score', '--help']\n"
        "runpy.run_module('cxscore', run_name='__main__', alter_sys=True)\n"
    )
    done = subprocess.run([sys.executable, "-c", interrupt], capture_output=True, timeout=60)
    assert done.returncode == 130, done.stderr[-2000:]
    assert b"Traceback" not in done.stderr and done.stdout == b""


def test_the_console_script_starts_at_the_entry_that_catches_an_early_ctrl_c():
    scripts = (ROOT / "pyproject.toml").read_text(encoding="utf-8").split("[project.scripts]")[1].split("[")[0]
    assert scripts.strip() == 'cxscore = "cxscore.entry:main"'


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_a_stdout_encoding_that_cannot_hold_the_text_is_one_line_and_exit_2(fmt):
    # A Windows console or PYTHONIOENCODING=cp1252 and a Chinese export: not an "internal error".
    zh = SAMPLE.parent / "survey_export_zh.csv"
    result = bash(f"PYTHONIOENCODING=cp1252 {PYTHON} score '{zh}' -q -f {fmt} > /dev/null")
    assert result.returncode == 2
    lines = result.stderr.decode("cp1252", "replace").strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in lines[0]
    assert lines[0].startswith("error: standard output's text encoding (cp1252) cannot hold")
    assert "PYTHONIOENCODING=utf-8" in lines[0]
