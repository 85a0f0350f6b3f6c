"""The cost of forward mode: one sweep per input, against one reverse sweep for the gradient."""
from autodiff import parse
from autodiff.methods.jacobian import jacobian

print(f"{'n inputs':>8} {'forward sweeps':>15} {'forward ops':>12} {'reverse sweeps':>15}"
      f" {'reverse ops':>12}")
for n in (1, 2, 4, 8, 16, 32, 64):
    f = parse(" + ".join(f"x{i}*sin(x{i + 1})" for i in range(1, n)) + f" + exp(x{n})")
    jac = jacobian(f, {f"x{i}": 0.1 * i for i in range(1, n + 1)})
    print(f"{n:>8} {jac.forward.sweeps:>15} {jac.forward.operations:>12} "
          f"{jac.reverse.sweeps:>15} {jac.reverse.operations:>12}")
