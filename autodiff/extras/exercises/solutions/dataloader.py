"""Reference solution of dataloader (hidden from students)."""

import numpy as np


class MiniBatchLoader:
    def __init__(self, X, y, batch_size, shuffle=False, seed=0):
        self.X, self.y = np.asarray(X), np.asarray(y)
        self.batch_size, self.shuffle = int(batch_size), shuffle
        self.rng = np.random.default_rng(seed)

    def __iter__(self):
        n = len(self.X)
        order = self.rng.permutation(n) if self.shuffle else np.arange(n)
        for start in range(0, n, self.batch_size):
            idx = order[start:start + self.batch_size]
            yield self.X[idx], self.y[idx]

    def __len__(self):
        return -(-len(self.X) // self.batch_size)
