"""Cost of a gradient by each method, as a ratio to one reverse sweep, for growing n.

    python benchmarks/bench_methods.py

Prints, for f = Σ_k sin(x_k)·x_{k+1} with n inputs, the time of forward mode (n sweeps),
central differences (2n evaluations) and the complex step (n evaluations) divided by the
time of reverse mode (one sweep), measured in this process.
"""

from __future__ import annotations

import timeit

from autodiff import forward_sweep, parse, reverse_sweep
from autodiff.methods import numeric as num


def main() -> None:
    print(f"{'n':>4}  {'forward/reverse':>15}  {'central/reverse':>15}  {'complex/reverse':>15}")
    for n in (2, 8, 32, 128):
        t = parse(" + ".join(f"sin(x{k})*x{k + 1}" for k in range(1, n)))
        at = {f"x{k}": 0.01 * k for k in range(1, n + 1)}

        def reverse(t=t, at=at):
            return reverse_sweep(t, at).gradient

        def forward(t=t, at=at):
            return [forward_sweep(t, at, name).derivative for name in t.inputs]

        def central(t=t, at=at):
            return num.gradient(t, at, "central_difference")

        def complex_(t=t, at=at):
            return num.gradient(t, at, "complex_step")

        base = min(timeit.repeat(reverse, number=3, repeat=3))
        ratios = [min(timeit.repeat(f, number=3, repeat=3)) / base
                  for f in (forward, central, complex_)]
        print(f"{n:>4}  " + "  ".join(f"{r:>15.1f}" for r in ratios))


if __name__ == "__main__":
    main()
