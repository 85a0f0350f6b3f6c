"""Regenerate every output shown in the user guide and the CLI reference, or check for drift.

A page marks each block to fill with a comment, and this script writes the block from what the
engine prints today:

    <!-- run: autodiff trace traces/lecture.trace --at x1=1.5,x2=0.5 -->
    …a ```console block: the command line and its output…
    <!-- end -->

    <!-- python: docs/guide/examples/training_loop.py -->
    …a ```python block with the file, then a ```text block with what it prints…
    <!-- end -->

The notebooks in ``NOTEBOOKS`` are executed cell by cell (docs/notebook.py) and their stored
outputs replaced.

Commands run in-process (click's runner) from the repository's root; examples run as
``python FILE`` from the root. A file a command writes (``-o``, ``--plot``: SVG/PNG pictures
under docs/guide/img/) is rewritten too; with ``--check`` it is written to a temporary folder
and compared with the one in the docs instead (SVG as text, PNG pixel by pixel, an HTML page
as text with its graph's labels). Markdown
output (``--format markdown``) is inserted as is. Everything is seeded and no timing is
captured, so a second run changes nothing.

    python docs/generate.py            # rewrite the blocks and pictures
    python docs/generate.py --check    # exit 1 and name what drifted, changing nothing
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["guide/README.md", "guide/01-model-and-parameters.md", "guide/02-loss-functions.md",
         "guide/03-gradient-descent.md", "guide/04-optimizers.md",
         "guide/05-backpropagation.md", "guide/06-forward-and-reverse-ad.md",
         "guide/07-normalization.md", "guide/08-training-loop.md",
         "guide/09-quiz-and-exercises.md", "guide/10-multi-class.md", "cli.md", "codegen.md"]
# Pictures are drawn by Graphviz compiled to WebAssembly, which every install has, so that the
# pages come out the same on every machine (the system `dot` lays graphs out differently).
DOCS_ENV = {"AUTODIFF_RENDERER": "wasm", "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg",
            "PYTHONIOENCODING": "utf-8"}
NOTEBOOKS = ["guide/notebooks/lecture.ipynb"]
BLOCK = re.compile(r"(<!-- (?P<kind>run|python): (?P<arg>.+?) -->\n)(?P<body>.*?)(<!-- end -->)",
                   re.S)
OUTPUTS = ("-o", "--output", "--plot", "--schedules")
TIME = re.compile(r"\b\d+(\.\d+)? ?(ms|s)\b")


class Drift(Exception):
    """A generated picture differs from the one in docs/."""


def _same_picture(new: Path, old: Path) -> bool:
    """Whether a regenerated picture shows what the checked-in one shows.

    Pictures are compared by what they say, not byte for byte, so that the check holds on
    every machine: an SVG by the text it writes (the node labels and values, in order; the
    layout differs between the system Graphviz and its WebAssembly build), a PNG by its size
    and pixels within a tolerance (font rasterization differs between matplotlib versions).
    """
    if not old.exists():
        return False
    if new.suffix == ".png":
        import matplotlib.image as mpimg
        import numpy as np
        a, b = mpimg.imread(new), mpimg.imread(old)
        return a.shape == b.shape and float(np.abs(a - b).mean()) < 0.01
    if new.suffix == ".svg":
        return _svg_text(new) == _svg_text(old)
    if new.suffix == ".html":
        return _html_text(new) == _html_text(old)
    return new.read_bytes() == old.read_bytes()


def _svg_text(path: Path) -> list[str]:
    import xml.etree.ElementTree as ET
    root = ET.parse(path).getroot()
    return [" ".join("".join(t.itertext()).split()) for t in root.iter()
            if t.tag.endswith("}text") or t.tag == "text"]


def _html_text(path: Path) -> str:
    """A page of ``autodiff explore`` with its inline SVG graph reduced to the graph's text."""
    text = path.read_text(encoding="utf-8")
    for svg in re.findall(r"<svg.*?</svg>", text, re.S):
        words = " ".join(re.sub(r"<[^>]+>", " ", t) for t in re.findall(r"<text.*?</text>", svg))
        text = text.replace(svg, " ".join(words.split()))
    return text


def run_command(command: str, check: bool) -> str:
    """``autodiff ARGS`` from the repository's root; its output as a console block."""
    args = shlex.split(command)
    if args[0] != "autodiff":
        raise SystemExit(f"generate: only `autodiff …` commands run here: {command}")
    args = args[1:]
    with tempfile.TemporaryDirectory(prefix="autodiff-docs-") as scratch:
        return _run_in(command, args, check, scratch)


def _run_in(command: str, args: list[str], check: bool, scratch: str) -> str:
    """``run_command`` with the pictures of a check drawn into ``scratch``."""
    from click.testing import CliRunner

    from autodiff_cli.main import cli

    moved: list[tuple[Path, Path]] = []
    renamed: dict[str, str] = {}
    for k, a in enumerate(args[:-1]):
        if a in OUTPUTS:
            target = ROOT / args[k + 1]
            if check:
                tmp = Path(scratch) / target.name
                moved.append((tmp, target))
                renamed[str(tmp)] = args[k + 1]
                args[k + 1] = str(tmp)
            elif target.exists():
                target.unlink()  # the command refuses to overwrite some files
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(cli, args, env=DOCS_ENV, prog_name="autodiff")
    finally:
        os.chdir(cwd)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    for tmp, target in moved:
        if not _same_picture(tmp, target):
            raise Drift(f"{target.relative_to(ROOT)} differs from what `{command}` draws")
    out = TIME.sub("… s", result.stdout + (result.stderr or ""))
    out = out.replace(f"{ROOT}{os.sep}", "")  # paths as the reader's checkout has them
    for tmp, original in renamed.items():
        out = out.replace(tmp, original)
    if "--format markdown" in command:
        return out.rstrip("\n") + "\n"
    code = "" if result.exit_code == 0 else f"\n[exit status {result.exit_code}]"
    return f"```console\n$ {command}\n{out.rstrip()}{code}\n```\n"


def run_example(path: str) -> str:
    """``python PATH`` from the repository's root: the source, then what it prints."""
    source = (ROOT / path).read_text(encoding="utf-8")
    env = dict(os.environ, **DOCS_ENV)
    p = subprocess.run([sys.executable, path], cwd=ROOT, capture_output=True, text=True,
                       env=env, timeout=300)
    if p.returncode != 0:
        raise SystemExit(f"generate: {path} failed:\n{p.stderr}")
    out = p.stdout.replace(f"{ROOT}{os.sep}", "")
    return f"```python\n{source.rstrip()}\n```\n\nOutput:\n\n```text\n{out.rstrip()}\n```\n"


def regenerate(text: str, check: bool = False) -> str:
    """The page ``text`` with every marked block filled afresh."""
    def fill(m: re.Match) -> str:
        body = (run_command(m.group("arg"), check) if m.group("kind") == "run"
                else run_example(m.group("arg")))
        return m.group(1) + body + m.group(5)

    return BLOCK.sub(fill, text)


CLI_HEADER = """# CLI reference

Every `autodiff` command with its `--help`, generated by `python docs/generate.py` from the
commands themselves (`tests/test_docs.py` fails when a command is missing here or its help
changed). Bad input always ends with one message on stderr and exit status 2; the JSON
outputs (`--format json`) are described in [json.md](json.md). The user guide shows the
commands at work: [guide/README.md](guide/README.md).
"""


def cli_skeleton() -> str:
    """cli.md before its blocks are filled: one ``--help`` block per command and subcommand."""
    import click

    from autodiff_cli.main import cli

    ctx = click.Context(cli)
    parts = [CLI_HEADER, "<!-- run: autodiff --help -->\n<!-- end -->\n"]
    for name in cli.list_commands(ctx):
        parts.append(f"## autodiff {name}\n\n<!-- run: autodiff {name} --help -->\n"
                     "<!-- end -->\n")
        for sub in getattr(cli.get_command(ctx, name), "commands", {}):
            parts.append(f"### autodiff {name} {sub}\n\n"
                         f"<!-- run: autodiff {name} {sub} --help -->\n<!-- end -->\n")
    return "\n".join(parts)


def expected(name: str, check: bool = False) -> str:
    """What docs/``name`` should hold: its blocks (cli.md: its whole text) generated afresh."""
    text = (cli_skeleton() if name == "cli.md"
            else (ROOT / "docs" / name).read_text(encoding="utf-8"))
    return regenerate(text, check)


def expected_notebook(name: str) -> str:
    """docs/``name`` with its outputs from a fresh run (docs/notebook.py, its own process)."""
    env = dict(os.environ, **DOCS_ENV)
    p = subprocess.run([sys.executable, "docs/notebook.py", f"docs/{name}"], cwd=ROOT,
                       capture_output=True, text=True, encoding="utf-8", env=env, timeout=300)
    if p.returncode != 0:
        raise SystemExit(f"generate: {name}: {p.stderr.strip()}")
    return p.stdout


def main(argv: list[str]) -> int:
    check = "--check" in argv
    drifted = []
    for name in NOTEBOOKS:
        path = ROOT / "docs" / name
        new = expected_notebook(name)
        if new != path.read_text(encoding="utf-8"):
            drifted.append(name)
            if not check:
                path.write_text(new, encoding="utf-8")
    for name in PAGES:
        path = ROOT / "docs" / name
        old = path.read_text(encoding="utf-8") if path.exists() else ""
        try:
            new = expected(name, check)
        except Drift as exc:
            drifted.append(f"{name} ({exc})")
            continue
        if new != old:
            drifted.append(name)
            if not check:
                path.write_text(new, encoding="utf-8")
    if check and drifted:
        print("docs out of date (run python docs/generate.py): " + "; ".join(drifted))
        return 1
    print(("rewrote: " + ", ".join(drifted)) if drifted else "docs up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
