"""Errors raised for bad user input.

Everything a user types (an expression, a trace program, a point, a data file) is untrusted
text. The library reports what is wrong with it by raising an :class:`InputError`; the CLI
turns every one of them into a single message on stderr and exit status 2.
"""

from __future__ import annotations


class InputError(ValueError):
    """User input that cannot be used: the message says what and where."""


class ParseError(InputError):
    """Text that does not parse, with the line and column where it goes wrong.

    ``str()`` shows the offending line with a caret under the column::

        line 1, column 2: implicit multiplication: write 2*x
          2x
           ^
    """

    def __init__(
        self, message: str, source: str = "", line: int = 1, column: int = 1, hint: str = ""
    ) -> None:
        self.message = message
        self.source = source
        self.line = line
        self.column = column
        self.hint = hint
        super().__init__(self._render())

    def _render(self) -> str:
        lines = self.source.split("\n")  # lines as the tokenizer counts them: \f is no break
        text = lines[self.line - 1].rstrip("\r") if 0 < self.line <= len(lines) else ""
        # one column per character: a form feed or a tab in the excerpt would move the caret
        text = "".join(c if c.isprintable() else " " for c in text)
        where = f"line {self.line}, column {self.column}"
        out = f"{where}: {self.message}"
        if self.hint:
            out += f" ({self.hint})"
        if len(text) > 120:  # show a window around the column, not a whole long line
            start = max(0, self.column - 60)
            shown = text[start : start + 120]
            caret = self.column - 1 - start
            text = ("…" if start else "") + shown
            caret += 1 if start else 0
        else:
            caret = self.column - 1
        return f"{out}\n  {text}\n  {' ' * caret}^"


def readable(message: str, longest: int = 80) -> str:
    """``message`` with every word longer than ``longest`` characters in its first line cut
    to its start and its length (a 1 MB variable name is named, not repeated)."""
    first, nl, rest = message.partition("\n")
    words = first.split(" ")
    cut = [w if len(w) <= longest else f"{w[:longest - 20]}…({len(w):,} characters)"
           for w in words]
    return " ".join(cut) + nl + rest
