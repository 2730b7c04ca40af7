"""The documentation keeps up with the code: every command and option is documented."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import typer

from chatrecap.cli import app
from chatrecap.sources import all_sources

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_cli_reference_is_generated_from_the_current_help():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_cli_docs.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_command_and_option_is_in_the_readme_or_the_reference():
    reference = (ROOT / "docs" / "cli.md").read_text()
    group = typer.main.get_command(app)
    for name, command in group.commands.items():
        assert f"chatrecap {name}" in README, f"`chatrecap {name}` is not in the README"
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--"):
                    assert opt in reference, f"{name} {opt} is undocumented"


def test_every_source_is_in_the_readme_formats_table():
    for source in all_sources():
        assert re.search(rf"\| `{re.escape(source.id)}` \|", README), \
            f"format {source.id} is missing from the README"


def test_every_dependency_has_a_reason_in_the_readme():
    pyproject = (ROOT / "pyproject.toml").read_text()
    names = re.findall(r'^\s+"([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?[<>=!~]', pyproject, re.M)
    assert names
    for name in names:
        assert re.search(rf"\| *\[?{re.escape(name)}\]?", README, re.I), \
            f"{name} has no row in the README's dependency table"


def test_the_readme_python_example_runs(tmp_path, data, monkeypatch, capsys):
    block = re.search(r"```python\n(.*?)```", README, re.S).group(1)
    (tmp_path / "archive.jsonl").write_bytes((data / "twarc2" / "two_tweets.jsonl").read_bytes())
    monkeypatch.chdir(tmp_path)
    exec(compile(block, "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert printed[0] == "1 0 {}"
    assert "'#B2Bchat': {'posts': 1" in printed[1]


def test_no_help_text_is_lost_to_rich_markup():
    """Rich reads "[...]" in a help text as a style and drops it ("'chatrecap[embeddings]'"
    showed as "'chatrecap'"): every bracketed part of an option's help is shown."""
    from typer.testing import CliRunner

    def walk(group, path):
        for name, command in group.commands.items():
            yield [*path, name], command
            if hasattr(command, "commands"):
                yield from walk(command, [*path, name])

    for path, command in walk(typer.main.get_command(app), []):
        shown = None
        for param in command.params:
            for part in re.findall(r"\[[^\]]*\]", getattr(param, "help", None) or ""):
                if shown is None:
                    result = CliRunner().invoke(app, [*path, "--help"], env={"COLUMNS": "1000"})
                    shown = " ".join(result.output.split())
                assert part.lstrip("\\") in shown, f"{' '.join(path)} {param.opts[0]}: {part} not shown"
