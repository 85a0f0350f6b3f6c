"""The example trace programs shipped inside the package, opened by name from any folder.

``autodiff trace lecture`` is the lecture's seven-variable program and ``autodiff trace
baydin2018`` the survey's example (Baydin et al. 2018), whatever the current folder: a
pip-installed user has no ``traces/`` folder of the repository. In the repository,
``traces/NAME.trace`` points at the same files.
"""

from __future__ import annotations

from importlib import resources


def names() -> list[str]:
    """The names of the shipped example traces."""
    folder = resources.files(__package__) / "traces"
    return sorted(p.name[:-len(".trace")] for p in folder.iterdir() if p.name.endswith(".trace"))


def example(name: str) -> str | None:
    """The program of the example ``name`` (``lecture`` or ``lecture.trace``), or None."""
    stem = name[:-len(".trace")] if name.endswith(".trace") else name
    if stem not in names():
        return None
    return (resources.files(__package__) / "traces" / f"{stem}.trace").read_text(encoding="utf-8")
