"""`autodiff exercise`: the lecture's coding assignment with its autograder."""

from __future__ import annotations

import json
import os

import click

from autodiff.errors import InputError
from autodiff.extras.exercises import EXERCISES, grade, render
from autodiff.extras.exercises import exercise as find
from autodiff.extras.exercises.grader import TIMEOUT, grade_folder
from autodiff.extras.exercises.render import grades_csv, grades_results_json
from autodiff.outputfile import GRADES_CSV, RESULTS_JSON, write_atomic

from .options import check_output_files, overwrite_option

FORMATS = click.Choice(["table", "markdown", "json", "results-json"])


@click.group()
def exercise() -> None:
    """Coding exercises: write the stub, fill it in, have it graded.

    \b
        autodiff exercise list
        autodiff exercise stub adam_step -o adam.py
        autodiff exercise check adam_step adam.py
        autodiff exercise grade adam_step submissions/ -o grades.csv -j 4
    """


@exercise.command("list")
def list_() -> None:
    """Name each exercise, with the lecture section it follows."""
    width = max(map(len, EXERCISES))
    for e in EXERCISES.values():
        click.echo(f"{e.name:<{width}}  {e.title}  [{e.section}]")


@exercise.command()
@click.argument("name")
def show(name: str) -> None:
    """The statement of exercise NAME and the names your file must define."""
    e = find(name)
    click.echo(f"{e.name}: {e.title}  [{e.section}]\n\n{e.task()}\n\n"
               f"Your file must define: {', '.join(e.defines)}\n"
               f"Your file may import: {', '.join(e.imports)} ({e.why})")


@exercise.command()
@click.argument("name")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write the stub to this file (never over an existing one).")
def stub(name: str, output: str | None) -> None:
    """Print the stub of exercise NAME (or write it to -o FILE) to fill in."""
    text = find(name).stub()
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        with open(output, "x", encoding="utf-8") as fh:
            fh.write(text)
    except FileExistsError:
        raise InputError(f"{output} exists already; it is not overwritten (choose another "
                         "name, or delete it yourself)") from None
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror}") from None
    click.echo(f"wrote {output}; fill it in, then: autodiff exercise check {name} "
               f"{os.path.basename(output)}", err=True)


@exercise.command()
@click.argument("name")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--timeout", type=click.FloatRange(min=0.5, max=600), default=TIMEOUT,
              show_default=True, help="Wall-clock limit of the grading, in seconds.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True,
              help="Output format.")
def check(name: str, file: str, timeout: float, fmt: str) -> None:
    """Grade FILE against the hidden property tests of exercise NAME.

    FILE runs in a separate Python process with a time limit; the report says which checks
    passed, which failed and why, with a hint. Exit status 0 only when every check passes.
    """
    result = grade(name, file, timeout=timeout)
    click.echo(render(result, fmt))
    raise SystemExit(0 if result.passed else 1)


@exercise.command("grade")
@click.argument("name")
@click.argument("folder", metavar="SUBMISSIONS_DIR")
@click.option("-o", "--output", required=True, metavar="FILE",
              help="grades.csv (one row per file: file, score, max_score, seconds, "
                   "first_failure) or results.json (--format results-json).")
@click.option("-j", "--jobs", type=click.IntRange(min=1, max=64), default=1, show_default=True,
              help="Files graded at the same time.")
@click.option("--timeout", type=click.FloatRange(min=0.5, max=600), default=TIMEOUT,
              show_default=True, help="Wall-clock limit of each file's grading, in seconds.")
@click.option("--format", "fmt", type=click.Choice(["csv", "results-json"]), default=None,
              help="The format of -o (default: by its suffix, .csv or .json).")
@overwrite_option
def grade_(name: str, folder: str, output: str, jobs: int, timeout: float, fmt: str | None,
           overwrite: bool) -> None:
    """Grade every .py file of SUBMISSIONS_DIR for exercise NAME, JOBS at a time.

    Each file is graded as `autodiff exercise check` grades it, in its own processes; a file
    that does not load, loops or crashes gets its row and the others go on. score is the
    number of checks passed, max_score the number of checks.

    \b
        autodiff exercise grade adam_step submissions/ -o grades.csv -j 4
        autodiff exercise grade adam_step submissions/ -o results.json
    """
    find(name)
    fmt = fmt or ("results-json" if output.lower().endswith(".json") else "csv")
    check_output_files({"-o": (output, {".csv": GRADES_CSV} if fmt == "csv"
                                else {".json": RESULTS_JSON})}, overwrite)
    rows = grade_folder(name, folder, jobs, timeout)
    if fmt == "csv":
        write_atomic(output, grades_csv(rows))
    else:
        write_atomic(output, json.dumps(grades_results_json(name, rows), indent=2,
                                        ensure_ascii=False) + "\n")
    full = sum(r.score == r.max_score for r in rows)
    click.echo(f"graded {len(rows)} files: {full} with full marks; wrote {output}", err=True)
