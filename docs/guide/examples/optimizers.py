"""One step of each update rule, written out, against autodiff.optim (= torch.optim)."""
import numpy as np

from autodiff import optim
from autodiff.autograd import Tensor
from autodiff.optim import lr_scheduler

g = np.array([0.5, -2.0])  # the gradient of every step below


def run(make, steps=3):
    w = Tensor([1.0, 1.0], requires_grad=True)
    opt = make([w])
    for _ in range(steps):
        w.grad = Tensor(g.copy())
        opt.step()
    return w.data


lr, mu, alpha, b1, b2, eps = 0.1, 0.9, 0.99, 0.9, 0.999, 1e-8
w, v = np.ones(2), np.zeros(2)                         # momentum (PyTorch's form)
for _ in range(3):
    v = mu * v + g
    w = w - lr * v
print("momentum ", np.round(w, 6), np.round(run(lambda p: optim.SGD(p, lr, momentum=mu)), 6))
w, r = np.ones(2), np.zeros(2)                         # Adagrad: r accumulates g²
for _ in range(3):
    r = r + g * g
    w = w - lr * g / (np.sqrt(r) + 1e-10)
print("adagrad  ", np.round(w, 6), np.round(run(lambda p: optim.Adagrad(p, lr)), 6))
w, r = np.ones(2), np.zeros(2)                         # RMSProp: r is assigned, not +=
for _ in range(3):
    r = alpha * r + (1 - alpha) * g * g
    w = w - lr * g / (np.sqrt(r) + eps)
print("rmsprop  ", np.round(w, 6), np.round(run(lambda p: optim.RMSprop(p, lr)), 6))
w, s, r = np.ones(2), np.zeros(2), np.zeros(2)         # Adam: t advances every step
for t in range(1, 4):
    s, r = b1 * s + (1 - b1) * g, b2 * r + (1 - b2) * g * g
    w = w - lr * (s / (1 - b1**t)) / (np.sqrt(r / (1 - b2**t)) + eps)
print("adam     ", np.round(w, 6), np.round(run(lambda p: optim.Adam(p, lr)), 6))
w, s, r = np.ones(2), np.zeros(2), np.zeros(2)         # AdamW: w ← w − ηλw first
for t in range(1, 4):
    w = w - lr * 0.01 * w
    s, r = b1 * s + (1 - b1) * g, b2 * r + (1 - b2) * g * g
    w = w - lr * (s / (1 - b1**t)) / (np.sqrt(r / (1 - b2**t)) + eps)
print("adamw    ", np.round(w, 6), np.round(run(lambda p: optim.AdamW(p, lr)), 6))

print("\nlearning rate schedules, η₀ = 0.1, per epoch t:")
schedules = {
    "ExponentialLR(γ=0.9)": lambda o: lr_scheduler.ExponentialLR(o, gamma=0.9),
    "PowerLR(s=2, c=-1)": lambda o: lr_scheduler.PowerLR(o, s=2, c=-1),
    "LinearLR(1 → 0.1, K=5)": lambda o: lr_scheduler.LinearLR(o, 1.0, 0.1, total_iters=5),
    "CosineAnnealingLR(T=5)": lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=5),
}
for name, make in schedules.items():
    opt = optim.SGD([Tensor([0.0], requires_grad=True)], lr=0.1)
    sched, lrs = make(opt), []
    for _ in range(6):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    print(f"  {name:24}", " ".join(f"{x:.4f}" for x in lrs))
