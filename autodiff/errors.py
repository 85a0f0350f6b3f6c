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
        lines = self.source.splitlines() or [""]
        text = lines[self.line - 1] if 0 < self.line <= len(lines) else ""
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
