"""A generated trace program of 100,000 assignments: parse, evaluate, differentiate both ways.

    python benchmarks/bench_trace_scale.py [N]

Prints the seconds of each phase and, as a ratio, the sweeps against the same chain written
by hand in plain Python (value and derivative in one loop) in the same process.
"""

from __future__ import annotations

import sys
import time

import autodiff


def program(n: int) -> str:
    lines = ["y1 = x*1.00001 + 0.5"]
    lines += [f"y{i} = y{i - 1}*1.00001 {'+' if i % 2 else '-'} 0.5" for i in range(2, n + 1)]
    return "\n".join(lines) + "\n"


def by_hand(n: int, x: float) -> tuple[float, float]:
    y, dy = x, 1.0
    for i in range(1, n + 1):
        y = y * 1.00001 + (0.5 if i % 2 else -0.5)
        dy = dy * 1.00001
    return y, dy


def timed(f, *args):
    t = time.perf_counter()
    out = f(*args)
    return out, time.perf_counter() - t


def main(n: int = 100_000) -> None:
    source = program(n)
    trace, t_parse = timed(autodiff.parse, source)
    at = {"x": 0.25}
    primals, t_primal = timed(autodiff.primal_sweep, trace, at)
    fwd, t_fwd = timed(autodiff.forward_sweep, trace, at, "x", primals)
    rev, t_rev = timed(autodiff.reverse_sweep, trace, at, None, primals)
    ev = autodiff.evaluate(trace, at)
    _, t_rows = timed(lambda: ev.rows)
    text, t_json = timed(ev.render, "json")
    (y, dy), t_hand = timed(by_hand, n, 0.25)
    assert abs(rev.gradient["x"] - dy) <= 1e-9 * dy and abs(fwd.derivative - dy) <= 1e-9 * dy
    print(f"{n} assignments, {len(trace)} trace variables")
    print(f"  parse            {t_parse:6.2f} s")
    print(f"  primal sweep     {t_primal:6.2f} s")
    print(f"  forward sweep    {t_fwd:6.2f} s  (tangents, given the primals)")
    print(f"  reverse sweep    {t_rev:6.2f} s  (adjoints, given the primals)")
    print(f"  rule printing    {t_rows:6.2f} s  (three equations per variable)")
    print(f"  JSON             {t_json:6.2f} s  ({len(text) / 1e6:.1f} MB)")
    total = t_parse + t_primal + t_fwd + t_rev
    print(f"  parse + both modes: {total:.2f} s")
    print(f"  sweeps vs the chain by hand in Python: "
          f"{(t_primal + t_fwd + t_rev) / t_hand:.0f}x ({t_hand * 1e3:.0f} ms by hand)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
