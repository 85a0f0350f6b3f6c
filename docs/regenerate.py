"""Regenerate everything generated from the engine's output, or check it, in one command.

    python docs/regenerate.py            # golden files, then the docs pages and pictures
    python docs/regenerate.py --check    # change nothing; exit 1 and name what drifted

The three steps it runs, each also runnable alone: the golden files under ``tests/golden/``
(``pytest tests/test_cli.py tests/test_graph.py --update-golden``; with ``--check`` the same
tests without the flag), the user guide and CLI reference (``python docs/generate.py``), and
the extra pages (``python docs/generate_extras.py``). Review the diff before committing it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOLDEN_TESTS = ["tests/test_cli.py", "tests/test_graph.py"]  # the tests that own tests/golden


def steps(check: bool) -> list[tuple[str, list[str]]]:
    golden = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *GOLDEN_TESTS]
    flag = ["--check"] if check else []
    return [("golden files", golden + ([] if check else ["--update-golden"])),
            ("docs pages", [sys.executable, "docs/generate.py", *flag]),
            ("extra docs pages", [sys.executable, "docs/generate_extras.py", *flag])]


def main(argv: list[str]) -> int:
    check = "--check" in argv
    failed = []
    for what, command in steps(check):
        print(f"== {what}: {' '.join(command[1:])}", flush=True)
        if subprocess.run(command, cwd=ROOT).returncode != 0:
            failed.append(what)
    if failed:
        print(("drifted: " if check else "failed: ") + ", ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
