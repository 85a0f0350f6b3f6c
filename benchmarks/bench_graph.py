"""The computation graph of generated traces: DOT text, and the pictures of both renderers.

    python benchmarks/bench_graph.py [N]

For a trace program of N variables (default 100,000) it prints the seconds to build the DOT
text, forward and with ``--reverse`` edge labels, as a ratio to printing the same evaluation's
tables (``ev.render("table")``) in the same process. For pictures it draws traces of 100 and
of ``MAX_NODES`` variables with each available renderer and prints seconds (the first
``wasm`` picture includes compiling the WebAssembly module).
"""

from __future__ import annotations

import shutil
import sys
import time

import autodiff
from autodiff.render import graph, renderers


def program(n: int) -> str:
    """``v_k = sin(v_{k-1})·v_{k-2}``: every step has two parents, as in a real trace."""
    lines = ["v1 = x1", "v2 = x2"] + [f"v{k} = sin(v{k - 1})*v{k - 2}" for k in range(3, n + 1)]
    return "\n".join(lines) + "\n"


def timed(f, *args, **kw):
    t = time.perf_counter()
    out = f(*args, **kw)
    return out, time.perf_counter() - t


def main(n: int = 100_000) -> None:
    ev = autodiff.evaluate(program(n // 2), at={"x1": 0.5, "x2": 0.7})
    _, t_table = timed(ev.render, "table")
    _, t_dot = timed(graph.to_dot, ev)
    _, t_rev = timed(graph.to_dot, ev, reverse=True)
    print(f"{len(ev.trace)} trace variables")
    print(f"  tables (baseline)   {t_table:6.2f} s")
    print(f"  DOT                 {t_dot:6.2f} s   {t_dot / t_table:5.1f}× the tables")
    print(f"  DOT --reverse       {t_rev:6.2f} s   {t_rev / t_table:5.1f}× the tables")
    names = ["wasm"] + (["dot"] if shutil.which("dot") else [])
    for size in (100, graph.MAX_NODES):
        small = autodiff.evaluate(program(size), at={"x1": 0.5, "x2": 0.7})
        dot = graph.to_dot(small, reverse=True)
        for name in names:
            _, t = timed(renderers.render, dot, "svg", name)
            print(f"  SVG of {size:4d} variables, {name:4s} {t:6.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
