"""The example trace programs shipped inside the package, opened by name from any folder.

``autodiff trace lecture`` is the lecture's seven-variable program and ``autodiff trace
baydin2018`` the survey's example (Baydin et al. 2018), whatever the current folder: a
pip-installed user has no ``traces/`` folder of the repository. In the repository,
``traces/NAME.trace`` points at the same files.
"""

from __future__ import annotations

import os

#: The folder of the shipped programs (package data, installed as files beside this module;
#: read with ``os`` rather than ``importlib.resources``, which costs ``autodiff trace`` 7 ms).
FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "traces")


def names() -> list[str]:
    """The names of the shipped example traces."""
    return sorted(n[:-len(".trace")] for n in os.listdir(FOLDER) if n.endswith(".trace"))


def example(name: str) -> str | None:
    """The program of the example ``name`` (``lecture`` or ``lecture.trace``), or None."""
    stem = name[:-len(".trace")] if name.endswith(".trace") else name
    if stem not in names():
        return None
    with open(os.path.join(FOLDER, f"{stem}.trace"), encoding="utf-8") as fh:
        return fh.read()
