"""Regenerate the real outputs shown in the docs pages of issue 10, or check them for drift.

Each page marks a block to fill with a comment naming the command that produces it::

    <!-- run: autodiff selfcheck --format markdown -->
    …the command's output, written by this script…
    <!-- end -->

The command runs in-process (click's test runner, from the repository's root). Markdown
output is inserted as is; every other format goes into a fenced ``console`` block that starts
with the command line. A line of output that holds a time (``(0.1 s)``) shows ``(… s)``
instead, so that the pages do not change from run to run.

    python docs/generate_extras.py           # rewrite the blocks
    python docs/generate_extras.py --check   # exit 1 and name the pages whose blocks drifted
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["selfcheck.md", "accumulation.md"]
BLOCK = re.compile(r"(<!-- run: (?P<cmd>.+?) -->\n)(?P<body>.*?)(<!-- end -->)", re.S)
TIME = re.compile(r"\(\d+(\.\d+)? s\)")


def run(command: str) -> str:
    """The output (stdout, then stderr) of ``autodiff ARGS`` run from the repository's root."""
    from click.testing import CliRunner

    from autodiff_cli.main import cli

    args = shlex.split(command)
    if args[0] != "autodiff":
        raise SystemExit(f"generate_extras: only `autodiff …` commands can run: {command}")
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(cli, args[1:])
    finally:
        os.chdir(cwd)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    out = TIME.sub("(… s)", result.stdout)
    if result.stderr:
        out += TIME.sub("(… s)", result.stderr)
    markdown = "--format markdown" in command
    if markdown:
        return out.rstrip("\n") + "\n"
    return f"```console\n$ {command}\n{out.rstrip()}\n```\n"


def regenerate(text: str) -> str:
    def fill(m: re.Match) -> str:
        return m.group(1) + run(m.group("cmd")) + m.group(4)

    return BLOCK.sub(fill, text)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    drifted = []
    for name in PAGES:
        path = ROOT / "docs" / name
        if not path.exists():
            continue
        old = path.read_text(encoding="utf-8")
        new = regenerate(old)
        if new != old:
            drifted.append(name)
            if not check:
                path.write_text(new, encoding="utf-8")
    if check and drifted:
        print(f"docs out of date: {', '.join(drifted)} (run python docs/generate_extras.py)")
        return 1
    print("rewrote " + ", ".join(drifted) if drifted else "docs up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
