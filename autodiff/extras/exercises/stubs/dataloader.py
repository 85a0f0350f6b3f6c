"""Exercise dataloader: mini-batches for mini-batch stochastic gradient descent.

The lecture's loop ("Mini-batch Stochastic Gradient Descent"):

    for epoch in range(n_epochs):
        for mini_batch in get_batches(data, batch_size):
            ...

Write the object that gives those mini-batches, as torch.utils.data.DataLoader does: each
epoch (each ``for`` over the loader) visits every example exactly once, in batches of
``batch_size`` rows (the last one may be smaller); with ``shuffle=True`` each epoch uses a new
random order drawn from a generator seeded with ``seed`` (np.random.default_rng(seed)), so that
two loaders made with the same seed give the same batches.

Check your file with:   autodiff exercise check dataloader THIS_FILE
"""

import numpy as np  # noqa: F401


class MiniBatchLoader:
    """``for X_batch, y_batch in MiniBatchLoader(X, y, batch_size=32, shuffle=True): ...``

    X has shape (N, d), y shape (N,); the batches are numpy arrays of B rows.
    """

    def __init__(self, X, y, batch_size, shuffle=False, seed=0):
        raise NotImplementedError("MiniBatchLoader.__init__: keep X, y, batch_size and shuffle, "
                                  "and make a generator np.random.default_rng(seed)")

    def __iter__(self):
        raise NotImplementedError("MiniBatchLoader.__iter__: yield (X[idx], y[idx]) for each "
                                  "batch of indices idx of one epoch")

    def __len__(self):
        raise NotImplementedError("MiniBatchLoader.__len__: the number of batches in an epoch")
