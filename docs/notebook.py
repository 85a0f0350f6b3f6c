"""Execute a Jupyter notebook's code cells in order and record their outputs, without Jupyter.

The guide's notebooks are plain ``.ipynb`` JSON (format 4). ``python docs/notebook.py
NOTEBOOK`` runs every code cell in one namespace, as a kernel would, and prints the notebook
with fresh outputs on stdout: what a cell prints (a ``stream`` output) and the value of its last
expression (an ``execute_result`` with ``text/plain`` and, as Jupyter shows them, the object's
``_repr_markdown_``, ``_repr_html_`` and ``_repr_svg_``). docs/generate.py runs it in a
separate process per notebook and writes the result back; tests/test_docs.py fails when a
notebook's stored outputs differ from a fresh run. A cell that raises stops the run with the
cell's number and the error.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
import re
import sys
from typing import Any

REPRS = (("text/markdown", "_repr_markdown_"), ("text/html", "_repr_html_"),
         ("image/svg+xml", "_repr_svg_"))


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def run_cell(source: str, namespace: dict[str, Any]) -> tuple[str, Any]:
    """Run one cell; return what it printed and the value of its last expression (or None)."""
    tree = ast.parse(source)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(tree, "<cell>", "exec"), namespace)  # noqa: S102 (our own notebook)
        value = (eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)  # noqa: S307
                 if last is not None else None)
    return out.getvalue(), value


def result_data(value: Any) -> dict[str, list[str]]:
    """The value as Jupyter stores it. Where the object has a rich form (which Jupyter shows),
    the plain-text fallback is ``<TypeName>``: reprs can hold addresses and timings."""
    data = {"text/plain": _lines(re.sub(r" at 0x[0-9a-fA-F]+", "", repr(value)))}
    for mime, method in REPRS:
        rendered = getattr(value, method, None)
        rendered = rendered() if callable(rendered) else None
        if rendered:
            data[mime] = _lines(rendered)
    if len(data) > 1:
        data["text/plain"] = [f"<{type(value).__name__}>"]
    return data


def execute(notebook: dict[str, Any]) -> dict[str, Any]:
    """The notebook with every code cell run afresh and its outputs replaced."""
    namespace: dict[str, Any] = {"__name__": "__main__"}
    count = 0
    for k, cell in enumerate(notebook["cells"], 1):
        if cell["cell_type"] != "code":
            continue
        count += 1
        try:
            printed, value = run_cell("".join(cell["source"]), namespace)
        except Exception as exc:  # noqa: BLE001
            raise SystemExit(f"cell {k} failed: {type(exc).__name__}: {exc}") from None
        outputs: list[dict[str, Any]] = []
        if printed:
            outputs.append({"output_type": "stream", "name": "stdout", "text": _lines(printed)})
        if value is not None:
            outputs.append({"output_type": "execute_result", "execution_count": count,
                            "data": result_data(value), "metadata": {}})
        cell.update(execution_count=count, outputs=outputs)
    return notebook


def dumps(notebook: dict[str, Any]) -> str:
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as fh:
        sys.stdout.write(dumps(execute(json.load(fh))))
