"""Reference solution of training_loop (hidden from students)."""


def train(model, loader, loss_fn, optimizer, scheduler, n_epochs):
    history = []
    for _ in range(n_epochs):
        losses = []
        for input, target in loader:
            output = model(input)
            loss = loss_fn(output, target)
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            losses.append(loss.item())
        scheduler.step()
        history.append(sum(losses) / len(losses))
    return history
