"""Exercise training_loop: the lecture's training loop, written out.

The lecture's last slides ("Training loop"): for each epoch, for each mini-batch of the
DataLoader, predict, compute the loss, compute the gradient, take a step of gradient descent and
prevent the accumulation of gradients; after each epoch, adjust the learning rate.

Your function receives the pieces already built (autodiff's names are PyTorch's):

    model      e.g. autodiff.nn.LogisticRegression(num_features=d)
    loader     an autodiff.data.DataLoader yielding (input, target) tensors
    loss_fn    e.g. autodiff.nn.BCELoss()
    optimizer  e.g. autodiff.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    scheduler  e.g. autodiff.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.9)

Check your file with:   autodiff exercise check training_loop THIS_FILE
"""


def train(model, loader, loss_fn, optimizer, scheduler, n_epochs):
    """Train for n_epochs epochs; return the list of each epoch's mean mini-batch loss (floats)."""
    raise NotImplementedError("train: for each epoch, for each (input, target) of the loader: "
                              "output, loss, backward, step, zero_grad; then scheduler.step()")
