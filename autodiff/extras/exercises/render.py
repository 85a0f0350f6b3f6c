"""A grade as the student reads it: text (terminal), Markdown, or JSON (the contract)."""

from __future__ import annotations

import json

from .grader import Grade

_MARK = {"pass": "PASS", "fail": "FAIL", "error": "ERROR", "timeout": "TIMEOUT",
         "not run": "NOT RUN"}


def render(grade: Grade, fmt: str = "table") -> str:
    """``fmt`` is ``table`` (plain text), ``markdown``, ``json`` or ``results-json``
    (:func:`results_json`)."""
    if fmt == "json":
        return json.dumps(grade.to_json(), indent=2, ensure_ascii=False)
    if fmt == "results-json":
        return json.dumps(results_json(grade), indent=2, ensure_ascii=False)
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


def results_json(grade: Grade) -> dict:
    """The grade in the ``results.json`` format of common course autograders (Gradescope's):
    ``score``, ``max_score`` and one test per check with its ``name``, ``score``,
    ``max_score``, ``status`` and ``output`` (the message and the hint)."""
    passed, total = grade.score
    tests = [{"name": c.title, "score": int(c.status == "pass"), "max_score": 1,
              "status": "passed" if c.status == "pass" else "failed",
              "output": "\n".join(filter(None, [c.status.upper() if c.status != "pass" else "",
                                                c.message, c.hint and c.status != "pass"
                                                and f"hint: {c.hint}"]))}
             for c in grade.checks]
    output = f"autodiff exercise check {grade.exercise}: {passed} of {total} checks passed"
    if grade.load_error:
        output += f"\n\nYour file could not be loaded, so no check ran:\n{grade.load_error}"
    return {"score": passed, "max_score": total, "output": output, "tests": tests}


GRADE_COLUMNS = ("file", "score", "max_score", "seconds", "first_failure")


def grades_csv(rows: list) -> str:
    """grades.csv: one row per submission file with :data:`GRADE_COLUMNS`."""
    import csv
    import io

    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(GRADE_COLUMNS)
    for r in rows:
        writer.writerow([r.file, r.score, r.max_score, f"{r.seconds:.2f}", r.first_failure])
    return buf.getvalue()


def grades_results_json(name: str, rows: list) -> dict:
    """A folder's grades as one ``results.json``: one test per submission file."""
    tests = [{"name": r.file, "score": r.score, "max_score": r.max_score,
              "status": "passed" if r.score == r.max_score else "failed",
              "output": r.first_failure} for r in rows]
    return {"score": sum(r.score for r in rows), "max_score": sum(r.max_score for r in rows),
            "output": f"autodiff exercise grade {name}: {len(rows)} files, "
                      f"{sum(r.score == r.max_score for r in rows)} with full marks",
            "tests": tests}
