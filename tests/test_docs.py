"""The README stays true: set-up commands match CI, every command and exit code is documented."""
from __future__ import annotations

import re

from conftest import ROOT, invoke

from cxscore.cli import app
from cxscore.errors import ExitCode

README = (ROOT / "README.md").read_text(encoding="utf-8")
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def readme_setup_commands() -> list[str]:
    block = re.search(r"## Quick start\n.*?```(?:bash|sh)?\n(.*?)```", README, re.S).group(1)
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_ci_runs_the_readme_setup_commands_verbatim():
    commands = readme_setup_commands()
    assert len(commands) == 2
    for command in commands:
        assert command.replace("pip install ", "pip install -q ") in CI


def test_every_command_is_documented_with_help():
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        assert f"cxscore {name}" in README, name
        result = invoke([name, "--help"])
        assert result.exit_code == 0 and "Examples" in result.stdout


def test_every_exit_code_is_documented():
    table = README.split("## Exit codes", 1)[1]
    for code in ExitCode:
        assert re.search(rf"^\| `?{int(code)}`? \|", table, re.M), code


def test_the_python_api_example_runs_as_written(monkeypatch, capsys):
    section = README[README.index("## Python API"):]
    block = section[section.index("```python") + len("```python"):section.index("```", section.index("```python") + 3)]
    monkeypatch.chdir(ROOT)
    exec(compile(block, "README.md (Python API)", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert printed and all(line.startswith("nps ") for line in printed)  # the last report scores NPS only


def test_the_two_stages_example_runs_as_written(monkeypatch):
    section = README[README.index("## Python API"):].split("\n## ", 1)[0]
    block = next(b for b in re.findall(r"```python\n(.*?)```", section, re.S) if "tally_inputs" in b)
    monkeypatch.chdir(ROOT)
    names: dict = {}
    exec(compile(block, "README.md (Python API, two stages)", "exec"), names)
    assert names["stricter"].analysis.confidence == 0.99 and names["stricter"].alerts and not names["report"].alerts


def test_every_module_is_in_the_architecture_table():
    table = README.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    package = ROOT / "cxscore"
    missing = [
        str(path.relative_to(package)) for path in sorted(package.rglob("*.py"))
        if path.name != "__main__.py" and not (path.name == "__init__.py" and path.parent == package)
        and f"`{path.relative_to(package)}`" not in table and (path.name == "__init__.py" or f"`{path.name}`" not in table)
    ]
    assert not missing, f"modules the README's architecture table does not name: {missing}"
