"""Write docs/cli.md from the commands' own --help, so the reference never drifts.

    python scripts/gen_cli_docs.py          # rewrite docs/cli.md
    python scripts/gen_cli_docs.py --check  # exit 1 if docs/cli.md is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from typer.testing import CliRunner

from chatrecap.cli import app

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
ENV = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}


def commands() -> list[str]:
    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def help_text(*args: str) -> str:
    result = CliRunner().invoke(app, [*args, "--help"], env=ENV, prog_name="chatrecap")
    return "\n".join(line.rstrip() for line in result.output.strip().splitlines())


def render() -> str:
    parts = [
        "# Command-line reference",
        "",
        "Generated from `chatrecap --help` by `scripts/gen_cli_docs.py`; a test fails when it",
        "is out of date. Exit codes: 0 success; 2 bad input or option (the message says which",
        "file, line and fix); 1 an internal error (please report it); 130 interrupted.",
        "",
        "## chatrecap",
        "",
        "```text",
        help_text(),
        "```",
    ]
    for name in commands():
        parts += ["", f"## chatrecap {name}", "", "```text", help_text(name), "```"]
    return "\n".join(parts) + "\n"


def main() -> None:
    text = render()
    if "--check" in sys.argv:
        if not DOC.exists() or DOC.read_text() != text:
            print(f"{DOC} is out of date: run python scripts/gen_cli_docs.py", file=sys.stderr)
            sys.exit(1)
        return
    DOC.write_text(text)
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
