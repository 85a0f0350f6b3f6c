"""What a submission may import: read from its source (never run) before it is graded.

Each exercise lists the modules a submission may import (:attr:`Exercise.imports`, numpy and
math for all five today; their submodules too). The grading process parses the file and
refuses one that imports anything else, or that reaches for imports without an ``import``
statement (``__import__``, ``importlib``, ``exec``, ``eval``, ``compile``, ``__builtins__``),
with a message naming the line and the reason: an Adam step that imports ``autodiff.optim``
has not written Adam. Standard-library helpers that compute nothing (``typing``,
``dataclasses``, ``__future__``…) are always allowed.
"""

from __future__ import annotations

import ast

from .catalog import Exercise

ALWAYS = ("__future__", "typing", "dataclasses", "collections", "itertools", "functools",
          "abc", "enum", "numbers")
DYNAMIC = {"__import__", "importlib", "exec", "eval", "compile", "__builtins__", "__loader__",
           "__spec__", "globals", "breakpoint"}


def refusal(source: str, exercise: Exercise, filename: str = "your file") -> str | None:
    """Why the submission ``source`` may not be graded (its imports), or None.

    A file that does not parse is left to the grading, which reports the syntax error."""
    try:
        tree = ast.parse(source, filename)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    allowed = exercise.imports + ALWAYS
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = ["." * node.level + (node.module or "")]
        elif isinstance(node, ast.Name) and node.id in DYNAMIC:
            return (f"{filename}, line {node.lineno}: `{node.id}` is not allowed in a "
                    f"submission for {exercise.name} (import modules with an import "
                    f"statement; it may import {', '.join(exercise.imports)})")
        elif isinstance(node, ast.Attribute) and node.attr in DYNAMIC:
            return (f"{filename}, line {node.lineno}: `.{node.attr}` is not allowed in a "
                    f"submission for {exercise.name}")
        for name in names:
            top = name.split(".")[0]
            if name.startswith(".") or top not in allowed:
                return (f"{filename}, line {node.lineno}: a submission for {exercise.name} "
                        f"may import only {', '.join(exercise.imports)}; it imports {name} "
                        f"({exercise.why})")
    return None
