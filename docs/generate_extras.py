"""Regenerate the real outputs shown in the docs pages of issue 10, or check them for drift.

Each page marks a block to fill with a comment naming the command that produces it::

    <!-- run: autodiff selfcheck --format markdown -->
    …the command's output, written by this script…
    <!-- end -->

A block may instead name one of the ``example`` functions below (``<!-- run: example
where_trap -->``), which make library calls and return their text.

The command runs in-process (click's test runner, from the repository's root). Markdown
output is inserted as is; every other format goes into a fenced ``console`` block that starts
with the command line. A line of output that holds a time (``(0.1 s)``) shows ``(… s)``
instead, so that the pages do not change from run to run.

    python docs/generate_extras.py           # rewrite the blocks (and the pictures)
    python docs/generate_extras.py --check   # exit 1 and name the pages whose blocks drifted
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["selfcheck.md", "accumulation.md", "explain.md", "stability.md", "optimizer-state.md",
         "normalization.md"]
# pictures the pages show, rewritten only without --check (their bytes depend on matplotlib)
PICTURES = {"stability.png": "stability_plot"}
BLOCK = re.compile(r"(<!-- run: (?P<cmd>.+?) -->\n)(?P<body>.*?)(<!-- end -->)", re.S)
TIME = re.compile(r"\(\d+(\.\d+)? s\)")


def where_trap() -> str:
    """docs/explain.md: ``where(x > 0, log(x), 0)`` at x = 0, explained on the tensor tape."""
    import numpy as np

    from autodiff import Tensor
    from autodiff.autograd import where
    from autodiff.extras.explain import explain_loss

    x = Tensor(np.array([0.0, 2.0]), requires_grad=True)
    with np.errstate(all="ignore"):
        y = where(x.data > 0, x.log(), 0.0).sum()
    return str(explain_loss(y, {"x": x}))


def training_loss() -> str:
    """docs/explain.md: a saturated logistic regression whose BCE, written with log(p), is nan."""
    import numpy as np

    from autodiff import Tensor, nn
    from autodiff.extras.explain import explain_loss

    model = nn.Linear(2, 1)
    model.weight.data[...] = [[30.0, -40.0]]
    model.bias.data[...] = 0.0
    X = Tensor(np.array([[1.0, -1.0], [2.0, 0.5]]))
    y = Tensor(np.array([[0.0], [1.0]]))
    with np.errstate(all="ignore"):
        p = model(X).sigmoid()
        loss = -(y * p.log() + (1 - y) * (1 - p).log()).mean()
    return str(explain_loss(loss, {"X": X, "y": y, "W": model.weight, "b": model.bias}))


def stability_plot(path: Path) -> None:
    """docs/stability.png: every pair, 201 points each."""
    from autodiff.extras import stability

    stability.plot(stability.compare_all(), str(path), overwrite=True)


EXAMPLES = {"where_trap": where_trap, "training_loss": training_loss}


def run(command: str) -> str:
    """The output (stdout, then stderr) of ``autodiff ARGS`` run from the repository's root,
    or the text an ``example NAME`` function of this script returns (library calls)."""
    from click.testing import CliRunner

    from autodiff_cli.main import cli

    args = shlex.split(command)
    if args[0] == "example" and len(args) == 2 and args[1] in EXAMPLES:
        return f"```text\n{EXAMPLES[args[1]]().rstrip()}\n```\n"
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
    if not check:
        for name, make in PICTURES.items():
            globals()[make](ROOT / "docs" / name)
    if check and drifted:
        print(f"docs out of date: {', '.join(drifted)} (run python docs/generate_extras.py)")
        return 1
    print("rewrote " + ", ".join(drifted) if drifted else "docs up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
