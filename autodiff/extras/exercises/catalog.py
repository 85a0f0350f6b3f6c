"""The exercises of the lecture's coding assignment: what each asks and where its stub lives.

An exercise is a stub the student fills in (``stubs/NAME.py``, shown by ``autodiff exercise
stub NAME``), the modules a submission may import, and the property checks that grade a file
(:mod:`.rules_properties`, :mod:`.training_properties`, :mod:`.loop_properties`). The reference
solutions are not part of the package (they live with the tests): the checks derive every
expected value from the library's own implementations, in the grading process.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from ...errors import InputError


@dataclass(frozen=True)
class Exercise:
    """One exercise: ``name`` (for the CLI), ``title``, the lecture section it follows, and the
    names the student's file must define."""

    name: str
    title: str
    section: str
    defines: tuple[str, ...]
    imports: tuple[str, ...] = ("numpy", "math")
    why: str = "the exercise is to write this yourself, not to call autodiff's own"

    def stub(self) -> str:
        """The stub's source text: the task in its docstrings, bodies to fill in."""
        return _read("stubs", self.name)

    def task(self) -> str:
        """The stub's module docstring: the statement of the exercise."""
        text = self.stub()
        start = text.index('"""') + 3
        return text[start:text.index('"""', start)].strip()


def _read(folder: str, name: str) -> str:
    return (resources.files(__package__) / folder / f"{name}.py").read_text(encoding="utf-8")


EXERCISES: dict[str, Exercise] = {e.name: e for e in [
    Exercise("tangent_adjoint", "A primitive's tangent and adjoint rule (x/y and the sigmoid)",
             "Forward and reverse AD", ("div_tangent", "div_adjoint", "sigmoid_tangent",
                                        "sigmoid_adjoint")),
    Exercise("bce_gradient", "The gradient of logistic regression's binary cross entropy",
             "Loss functions", ("bce_gradient",)),
    Exercise("adam_step", "One step of Adam, as torch.optim.Adam takes it",
             "Optimizers", ("adam_step",),
             why="the exercise is to write Adam's step yourself, not to call "
                 "autodiff.optim.Adam"),
    Exercise("dataloader", "A mini-batch loader for mini-batch SGD",
             "Gradient descent", ("MiniBatchLoader",)),
    Exercise("training_loop", "The lecture's training loop, written out",
             "Training loop", ("train",)),
]}


def exercise(name: str) -> Exercise:
    """The exercise called ``name``, or an :class:`InputError` listing the ones there are."""
    try:
        return EXERCISES[name]
    except KeyError:
        raise InputError(f"no exercise called {name!r}; the exercises are: "
                         f"{', '.join(EXERCISES)}") from None
