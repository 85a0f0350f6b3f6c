"""A student file with a syntax error."""


class MiniBatchLoader:
    def __init__(self, X, y, batch_size shuffle=False, seed=0):
        pass
