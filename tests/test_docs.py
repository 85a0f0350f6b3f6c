"""The user guide and the CLI reference show what the engine prints today.

docs/generate.py fills every ``<!-- run: … -->`` and ``<!-- python: … -->`` block; here each
page is regenerated (pictures written to a temporary folder and compared) and must come out
unchanged. The index links every page, cli.md has every command, and every command shown in a
code block of these pages is one that the generator runs.
"""

import importlib.util
import re
from pathlib import Path

import click
import pytest

from autodiff_cli.main import cli

DOCS = Path(__file__).resolve().parent.parent / "docs"


def load_generator():
    spec = importlib.util.spec_from_file_location("generate", DOCS / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = load_generator()


@pytest.mark.parametrize("page", GEN.PAGES)
def test_page_has_not_drifted(page):
    text = (DOCS / page).read_text(encoding="utf-8")
    assert GEN.BLOCK.search(text), f"docs/{page} has no generated block"
    assert GEN.expected(page, check=True) == text, (
        f"docs/{page} is out of date: run python docs/generate.py")


@pytest.mark.parametrize("notebook", GEN.NOTEBOOKS)
def test_notebook_is_executed_and_its_outputs_have_not_drifted(notebook):
    stored = (DOCS / notebook).read_text(encoding="utf-8")
    assert '"outputs": []' not in stored, f"docs/{notebook} has a cell without output"
    assert GEN.expected_notebook(notebook) == stored, (
        f"docs/{notebook} is out of date: run python docs/generate.py")


def test_a_changed_output_is_drift():
    text = "<!-- run: autodiff exercise list -->\nold output\n<!-- end -->\n"
    assert GEN.regenerate(text, check=True) != text
    text = ("<!-- run: autodiff graph traces/lecture.trace --at x1=1.5,x2=0.5 "
            "-o docs/guide/img/lecture-reverse.svg -->\n<!-- end -->\n")
    with pytest.raises(GEN.Drift):  # the forward graph is not the reverse picture on disk
        GEN.regenerate(text, check=True)


def test_pictures_are_compared_by_content(tmp_path):
    a, b = tmp_path / "a.svg", tmp_path / "b.svg"
    a.write_text("<svg/>")
    b.write_text("<svg/>")
    assert GEN._same_picture(a, b)
    b.write_text("<svg><g/></svg>")  # the same text, drawn otherwise: the same picture
    assert GEN._same_picture(a, b)
    b.write_text("<svg><text>v1 = x1</text></svg>")
    assert not GEN._same_picture(a, b)
    assert not GEN._same_picture(a, tmp_path / "missing.svg")


def _code_lines(text):
    """Lines inside fenced or indented code blocks, outside the generated blocks."""
    text = GEN.BLOCK.sub("", text)
    text_lines, inside, out = text.splitlines(), False, []
    for line in text_lines:
        if line.startswith("```"):
            inside = not inside
        elif inside or line.startswith("    "):
            out.append(line.strip().removeprefix("$ "))
    return out


@pytest.mark.parametrize("page", GEN.PAGES)
def test_every_command_shown_is_run_by_the_generator(page):
    text = (DOCS / page).read_text(encoding="utf-8")
    shown = [line for line in _code_lines(text) if line.startswith("autodiff ")]
    assert shown == [], f"docs/{page} shows commands the generator does not run: {shown}"


def test_no_page_shows_a_refused_command():
    for page in GEN.PAGES:
        assert "[exit status 2]" not in (DOCS / page).read_text(encoding="utf-8"), page


def test_cli_reference_has_every_command():
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    ctx = click.Context(cli)
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        assert f"<!-- run: autodiff {name} --help -->" in text, name
        for sub in getattr(command, "commands", {}):
            assert f"<!-- run: autodiff {name} {sub} --help -->" in text, (name, sub)


def test_index_links_every_page():
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    links = set(re.findall(r"\]\(([^)#]+)", index))
    pages = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")} - {"README.md"}
    assert pages - links == set(), "docs/README.md does not link: " + ", ".join(
        sorted(pages - links))
    assert all((DOCS / link).exists() for link in links if not link.startswith("http"))


def test_guide_follows_the_lecture_in_order():
    index = (DOCS / "guide" / "README.md").read_text(encoding="utf-8")
    order = ["Model and parameters", "Loss functions", "Gradient descent", "Optimizers",
             "Backpropagation", "Forward and reverse", "Normalization", "The training loop",
             "Quiz and coding exercises"]
    positions = [index.index(title) for title in order]
    assert positions == sorted(positions)


def test_the_guide_names_the_lectures_concepts():
    text = " ".join(p.read_text(encoding="utf-8").lower() for p in (DOCS / "guide").glob("*.md"))
    for word in ["evaluation trace", "adjoint", "tangent", "momentum", "adam", "batchnorm",
                 "layernorm", "learning rate", "dataloader", "symmetry breaking"]:
        assert word in text, word
