"""The import rule of docs/design.md: a module imports only from its own layer or lower ones.

Every ``import`` of an ``autodiff`` module is checked, at module level and inside functions
(except under ``if TYPE_CHECKING:``, which never runs). The few lazy display hooks, where a
core object shows itself through a higher layer, are listed in ``HOOKS`` and must stay lazy.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "autodiff"

# Lowest first. The core is a chain of its own: each module imports only those before it.
LAYERS: list[tuple[str, list[str]]] = [
    ("core", ["errors"]),
    ("core", ["processes", "outputfile", "modelfile", "examples"]),  # beside errors, no math
    ("core", ["primitives"]),
    ("core", ["identities"]),
    ("core", ["term"]),
    ("core", ["trace"]),
    ("core", ["parse"]),
    ("core", ["broadcast"]),
    ("core", ["forward"]),
    ("core", ["reverse"]),
    ("core", ["rules"]),
    ("core", ["nonfinite"]),
    ("core", ["evaluation"]),
    ("tensor engine", ["autograd", "testing"]),
    ("output formats", ["render"]),  # render.reports and render.plots: with the methods
    ("methods", ["methods", "render.reports", "render.plots"]),
    ("training library", ["nn", "optim", "data"]),
    ("generated code", ["codegen"]),
    ("training runs", ["datasets", "train", "expression"]),
    ("extras", ["extras"]),
    ("the package", ["", "selfcheck"]),
]

# (importer, imported): a core object displaying itself, imported inside the method only.
HOOKS = {
    ("trace", "render.graph"),        # Trace._repr_svg_
    ("evaluation", "render"),         # Evaluation.render
    ("evaluation", "render.tables"),  # Evaluation.to_json, .render
    ("evaluation", "render.graph"),   # Evaluation._repr_svg_
    ("evaluation", "render.explorer"),  # Evaluation._repr_html_
    ("evaluation", "extras.explain"),  # Evaluation.explanation (warnings use nonfinite)
}


def layer_of(module: str) -> int:
    """The index in LAYERS of ``module`` (dotted, without the ``autodiff.`` prefix)."""
    best, found = -1, None
    for index, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".") or p == "" and module == "") \
                    and len(p) > best:
                best, found = len(p), index
    if found is None:
        raise AssertionError(f"autodiff.{module} is in no layer: add it to LAYERS and design.md")
    return found


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out.append((".".join(parts), path))
    return out


def _imports(module: str, path: Path) -> list[tuple[str, int, bool]]:
    """(imported autodiff module, line, at module level) for every import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    skipped = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
               and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
    top = {id(n) for n in tree.body}
    out = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[:len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module == "autodiff" or (node.module or "").startswith("autodiff."):
                target = node.module.removeprefix("autodiff").lstrip(".")
            else:
                continue
            names = [target] if node.module else [f"{target}.{a.name}".lstrip(".")
                                                   for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name.removeprefix("autodiff").lstrip(".") for a in node.names
                     if a.name == "autodiff" or a.name.startswith("autodiff.")]
        else:
            continue
        for name in names:
            if not (PACKAGE / name.replace(".", "/")).is_dir() and \
                    not (PACKAGE / (name.replace(".", "/") + ".py")).exists():
                name = name.rpartition(".")[0]  # `from .x import name`: the module is x
            out.append((name, node.lineno, id(node) in top))
    return out


MODULES = _modules()


@pytest.mark.parametrize(("module", "path"), MODULES, ids=[m or "autodiff" for m, _ in MODULES])
def test_no_module_imports_a_higher_layer(module: str, path: Path) -> None:
    mine = layer_of(module)
    for imported, line, at_top in _imports(module, path):
        if (module, imported) in HOOKS:
            assert not at_top, f"{path.name}:{line}: the display hook {imported} must stay lazy"
            continue
        theirs = layer_of(imported)
        assert theirs <= mine, (
            f"autodiff/{path.relative_to(PACKAGE)}:{line} imports autodiff.{imported} "
            f"({LAYERS[theirs][0]}) from the lower layer {LAYERS[mine][0]}")


def test_the_library_never_imports_the_cli() -> None:
    for module, path in MODULES:
        text = path.read_text(encoding="utf-8")
        assert "autodiff_cli" not in text and "import click" not in text, module


def test_the_rule_catches_an_upward_import(tmp_path: Path) -> None:
    """The checker itself: a core module importing the training stack is found."""
    bad = tmp_path / "forward.py"
    bad.write_text("def f():\n    from .train import fit\n")
    [(imported, line, at_top)] = _imports("forward", bad)
    assert (imported, line, at_top) == ("train", 2, False)
    assert layer_of(imported) > layer_of("forward")


def test_every_hook_exists() -> None:
    """A hook that is no longer there is removed from the list, not left as a loophole."""
    found = {(m, i) for m, p in MODULES for i, _, _ in _imports(m, p)}
    assert HOOKS <= found, HOOKS - found
