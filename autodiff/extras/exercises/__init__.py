"""The lecture's coding assignment: exercises with stubs, hidden solutions and an autograder.

``autodiff exercise list`` names them, ``autodiff exercise stub NAME -o FILE`` writes the stub
to fill in, and ``autodiff exercise check NAME FILE`` grades the file in a separate process with
a time limit (:func:`grade`): each property check passes or fails with a message and a hint.
"""

from .catalog import EXERCISES, Exercise, exercise
from .grader import Grade, grade
from .properties import CHECKS
from .render import render

__all__ = ["CHECKS", "EXERCISES", "Exercise", "Grade", "exercise", "grade", "render"]
