"""The outputs shown in docs/selfcheck.md, docs/accumulation.md, … are the commands' real
outputs: regenerating them with docs/generate_extras.py changes nothing."""

import importlib.util
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs"


def load_generator():
    spec = importlib.util.spec_from_file_location("generate_extras", DOCS / "generate_extras.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_page_has_generated_blocks():
    gen = load_generator()
    for name in gen.PAGES:
        text = (DOCS / name).read_text(encoding="utf-8")
        assert gen.BLOCK.search(text), f"{name} has no <!-- run: … --> block"


def test_docs_outputs_have_not_drifted():
    gen = load_generator()
    for name in gen.PAGES:
        text = (DOCS / name).read_text(encoding="utf-8")
        assert gen.regenerate(text) == text, (
            f"docs/{name} is out of date: run python docs/generate_extras.py")


def test_a_changed_output_is_drift():
    gen = load_generator()
    text = "<!-- run: autodiff selfcheck --format markdown -->\nold output\n<!-- end -->\n"
    assert gen.regenerate(text) != text
