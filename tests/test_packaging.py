"""The project's own promises: README's two commands are what CI runs; every subpackage ships."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ci_runs_readmes_two_commands():
    readme = (ROOT / "README.md").read_text()
    block = re.search(r"## Set up\s+```bash\n(.*?)```", readme, re.S).group(1)
    commands = [line.strip() for line in block.splitlines() if line.strip()]
    assert len(commands) == 2
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    for command in commands:
        assert command in ci


def test_every_subpackage_is_listed_in_pyproject():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts)
             for p in (ROOT / "autodiff").rglob("__init__.py")}
    assert found | {"autodiff_cli"} == listed


def test_first_example_is_the_lecture():
    readme = (ROOT / "README.md").read_text()
    first = re.search(r"^autodiff .*$", readme, re.M).group(0)
    assert first == 'autodiff trace "x1*x2+exp(x1*x2)-sin(x2)" --at x1=1.5,x2=0.5'
