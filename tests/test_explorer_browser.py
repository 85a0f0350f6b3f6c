"""The explorer in a real browser (headless Chromium): the step a URL opens, what it highlights,
the rule it shows, the controls, and screenshots checked by what they show."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from autodiff import evaluate, parse
from autodiff.render.explorer import Explorer, steps

from .browser import dump_dom, screenshot, url

ROOT = Path(__file__).resolve().parent.parent
LECTURE = (ROOT / "traces" / "lecture.trace").read_text()
# a function of three inputs with a negative value, a shared product and a division
THREE = "x*y/z - log(x*y) + z^2"
THREE_AT = {"x": 2.0, "y": -0.5, "z": 4.0}


class Dom(HTMLParser):
    """The explorer's root attributes, its highlighted rows and the text of its step panel."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.root: dict[str, str] = {}
        self.current_rows: list[tuple[str, int]] = []
        self.step_text: list[str] = []
        self.svgs = 0
        self._depth = 0  # inside <section class="adx-step">
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        classes = a.get("class", "").split()
        if "adx-explorer" in classes and not self.root:
            self.root = a
        if tag == "tr" and "adx-cur" in classes:
            self.current_rows.append((a["data-k"], int(a["data-i"])))
        if tag == "svg":
            self.svgs += 1
        if self._depth or (tag == "section" and "adx-step" in classes):
            self._depth += 1

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1
            self.step_text.append("\n")

    def handle_data(self, data):
        if self._depth:
            self.step_text.append(data)

    @property
    def lines(self) -> list[str]:
        return [ln.strip() for ln in "".join(self.step_text).splitlines() if ln.strip()]


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("explorer")
    made = {}
    for name, ev, theme in [
            ("lecture", evaluate(LECTURE, {"x1": 1.5, "x2": 0.5}), "light"),
            ("dark", evaluate(LECTURE, {"x1": 1.5, "x2": 0.5}, wrt="x2"), "dark"),
            ("three", evaluate(THREE, THREE_AT, wrt="z"), "light")]:
        path = Explorer(ev, theme).save(folder / f"{name}.html")
        made[name] = (path, ev)
    return made


@pytest.mark.parametrize("name, k", [("three", 0), ("three", 9), ("three", 19), ("lecture", 6),
                                     ("dark", 11)])
def test_a_url_opens_its_step_with_its_row_and_rule(pages, name, k):
    path, ev = pages[name]
    walk = steps(ev)
    dom = Dom(dump_dom(url(path, k)))
    step = walk[k]
    assert dom.root["data-step"] == str(k)
    assert dom.root["data-current"] == step.var
    if step.kind == "forward":
        assert sorted(dom.current_rows) == [("p", step.i), ("t", step.i)]
    elif step.kind == "reverse":
        assert dom.current_rows == [("a", step.i)]
    # the panel shows the step's rules with their numbers, as the library printed them
    for rule in step.rules:
        assert rule in dom.lines


def test_the_rules_shown_are_the_tables_rules_with_numbers(pages):
    """Two steps of the three-input function, written out by hand."""
    path, ev = pages["three"]
    # v1 = x, v2 = y, v3 = z, v4 = v1·v2, v5 = v4/v3, v6 = log(v4), v7 = v5 - v6, v8 = v3^2 ...
    names = [s.var for s in ev.trace.steps]
    assert names[:4] == ["v1", "v2", "v3", "v4"] and len(names) == 9
    dom = Dom(dump_dom(url(path, 5)))  # forward: v5 = v4/v3, tangents ∂/∂z
    assert "v5 = v4/v3 = -1/4 = -0.25" in dom.lines
    assert "v̇5 = v̇4/v3 - v̇3·v4/v3^2 = 0·0.25 + 1·0.0625 = 0.0625" in dom.lines
    dom = Dom(dump_dom(url(path, 9 + 1 + 5)))  # reverse: v̄4, used by v5 and v6
    assert "v̄4 = v̄5/v3 + v̄6/v4 = 1·0.25 + (-1)·(-1) = 1.25" in dom.lines
    assert "v5 → v4: v̄5/v3 = 1·0.25 = 0.25" in dom.lines


def test_controls_keys_and_play(pages, tmp_path):
    """Keys, buttons, the slider, play and printing, driven by a script added to a copy of the
    page; it records the step after each action in an attribute that the dumped DOM carries."""
    path, ev = pages["lecture"]
    driver = """<script>
    (function () {
      var root = document.getElementById("explorer"), seen = [];
      function key(k) {
        document.dispatchEvent(new KeyboardEvent("keydown", {key: k, bubbles: true}));
      }
      function note() {
        seen.push(root.getAttribute("data-step") + ":" + root.getAttribute("data-current"));
      }
      key("ArrowRight"); note(); key("ArrowRight"); key("ArrowRight"); note();
      key("ArrowLeft"); note(); key("End"); note(); key("Home"); note();
      root.querySelector("[data-go=last]").click(); note();
      root.querySelector("[data-go=prev]").click(); note();
      var slider = root.querySelector("input[type=range]");
      slider.value = "10"; slider.dispatchEvent(new Event("input")); note();
      window.dispatchEvent(new Event("beforeprint"));
      var printed = root.querySelectorAll(".adx-cur, .adx-src, .adx-pending").length;
      window.dispatchEvent(new Event("afterprint"));
      root.setAttribute("data-print", printed + " " + root.querySelectorAll(".adx-cur").length);
      root.querySelector("[data-go=first]").click();
      root.querySelector("[data-go=play]").click();
      setTimeout(function () { note(); root.setAttribute("data-seen", seen.join(" ")); }, 2900);
    }());
    </script></body>"""
    page = tmp_path / "driven.html"
    page.write_text(path.read_text(encoding="utf-8").replace("</body>", driver), encoding="utf-8")
    dom = Dom(dump_dom(url(page)))
    seen = dom.root["data-seen"].split()
    assert seen[:8] == ["1:v1", "3:v3", "2:v2", "15:", "0:", "15:", "14:v1", "10:v5"]
    assert seen[8] == "2:v2"  # playing: a step every 1.4 s
    assert dom.root["data-step"] == "2"
    printed, after = map(int, dom.root["data-print"].split())
    assert printed == 0 and after >= 3  # on paper nothing marked; then the step's marks again


def test_a_trace_too_large_to_draw_steps_through_its_tables(tmp_path):
    program = "\n".join(["v1 = x"] + [f"v{i} = sin(v{i - 1})" for i in range(2, 520)])
    ev = evaluate(parse(program), {"x": 0.3})
    path = Explorer(ev).save(tmp_path / "big.html")
    k = len(ev.trace) + 3  # the reverse sweep's third adjoint
    dom = Dom(dump_dom(url(path, k)))
    assert dom.svgs == 0
    assert dom.root["data-step"] == str(k) and dom.root["data-current"] == "v517"
    assert dom.current_rows == [("a", 516)]
    assert "more than the 500 variables" in path.read_text(encoding="utf-8")


def _bands(image: np.ndarray, colour: tuple[int, int, int]) -> list[list[int]]:
    """For each third of the width (the three tables side by side), the pixel rows in which
    more than 65% of that third has ``colour``: where a highlighted table row lies."""
    hit = (np.abs(image - np.array(colour)).max(axis=2) <= 6)
    w = image.shape[1] // 3
    return [[y for y in range(image.shape[0]) if hit[y, c * w:(c + 1) * w].mean() > 0.65]
            for c in range(3)]


def test_screenshots_show_the_highlighted_rows_in_both_themes(pages, tmp_path):
    light = (0xFD, 0xE6, 0x8A)  # --hl of the light theme
    dark = (0x78, 0x35, 0x0F)  # --hl of the dark theme
    path, _ = pages["lecture"]
    forward = screenshot(url(path, 4), tmp_path / "forward.png")  # v4: primal and tangent rows
    primal, tangent, adjoint = _bands(forward, light)
    assert 15 <= len(primal) <= 40 and primal == tangent and adjoint == []
    reverse = screenshot(url(path, 12), tmp_path / "reverse.png")  # v̄3: an adjoint row
    primal, tangent, adjoint = _bands(reverse, light)
    assert primal == tangent == [] and 15 <= len(adjoint) <= 40
    assert adjoint[0] > primal_row_top(forward, light)  # v̄3 is the fifth adjoint, below v4's row
    path, _ = pages["dark"]
    shot = screenshot(url(path, 12), tmp_path / "dark.png")
    primal, tangent, adjoint = _bands(shot, dark)
    assert primal == tangent == [] and 15 <= len(adjoint) <= 40
    corners = np.concatenate([shot[:4, :4].reshape(-1, 3), shot[-4:, -4:].reshape(-1, 3)])
    assert corners.max() < 60  # a dark background
    assert (forward[:4, :4] > 240).all()  # the light one is white


def primal_row_top(image: np.ndarray, colour: tuple[int, int, int]) -> int:
    return _bands(image, colour)[0][0]
