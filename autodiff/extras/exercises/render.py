"""A grade as the student reads it: text (terminal), Markdown, or JSON (the contract)."""

from __future__ import annotations

import json

from .grader import Grade

_MARK = {"pass": "PASS", "fail": "FAIL", "error": "ERROR", "timeout": "TIMEOUT",
         "not run": "NOT RUN"}


def render(grade: Grade, fmt: str = "table") -> str:
    """``fmt`` is ``table`` (plain text), ``markdown`` or ``json``."""
    if fmt == "json":
        return json.dumps(grade.to_json(), indent=2, ensure_ascii=False)
    md = fmt == "markdown"
    passed, total = grade.score
    lines = [f"## exercise {grade.exercise}: {grade.file}" if md
             else f"exercise {grade.exercise}: {grade.file}", ""]
    if grade.load_error:
        lines += ["Your file could not be loaded, so no check ran:", ""]
        lines += ["```", grade.load_error, "```"] if md else [
            "    " + line for line in grade.load_error.splitlines()]
    for c in grade.checks:
        mark = _MARK[c.status]
        lines.append(f"- **{mark}** {c.title}" if md else f"{mark:<8} {c.title}")
        indent = "  " if md else " " * 9
        if c.message:
            lines += [indent + line for line in c.message.splitlines()]
        if c.hint and c.status != "pass":
            lines.append(f"{indent}hint: {c.hint}")
    if grade.output.strip():
        lines += ["", "Your program printed (last lines):"]
        lines += ["```", grade.output, "```"] if md else [
            "    " + line for line in grade.output.splitlines()]
    lines += ["", f"{passed} of {total} checks passed." + (
        " Well done!" if grade.passed else "")]
    return "\n".join(lines)
