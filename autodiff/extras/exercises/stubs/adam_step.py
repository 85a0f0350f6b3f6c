"""Exercise adam_step: one step of Adam, as torch.optim.Adam takes it.

The lecture's Adam ("Adam" slides), with the two slips corrected (docs/errata.md): the moment
estimates are *assigned*, not accumulated with +=, and the step counter t advances every step:

    t ← t + 1
    s ← β₁ s + (1 − β₁) g           first moment (starts at 0)
    r ← β₂ r + (1 − β₂) g²          second moment (starts at 0)
    ŝ ← s / (1 − β₁ᵗ),  r̂ ← r / (1 − β₂ᵗ)
    w ← w − η ŝ / (√r̂ + ε)

Check your file with:   autodiff exercise check adam_step THIS_FILE
"""

import numpy as np  # noqa: F401


def adam_step(w, grad, state, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
    """Return the new weights after one Adam step from w with gradient grad (numpy arrays).

    ``state`` is a dict that belongs to this one parameter: it is empty ({}) at the first step,
    and you keep s, r and t in it between calls (e.g. state["s"]).
    """
    raise NotImplementedError("adam_step: keep s, r and t in state, update them, and return "
                              "w − η ŝ / (√r̂ + ε)")
