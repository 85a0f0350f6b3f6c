"""The explorer's page in headless Chromium: its size, how long it takes to open, and one step.

For the lecture's trace and for traces of 202 and 1,998 variables (the latter past the graph's
limit: tables only) of ``f = Σ x_i sin(x_{i+1}) + exp(x_n)``, a copy of the page gets two probes:
one before the explorer's script and one after it (the script's start-up, the step of the URL
included), and a driver that walks 80 steps forward from the start and 80 back from the end with
the arrow keys, three times, forcing a layout after each step (what the browser must do before
it paints). The baseline, in the same page and the same way, is a step that only
moves one highlighted row and rewrites the step counter (a class on one <tr>, the counter's text,
then the layout): the ratio says how much more
the explorer's step costs than the least a step can cost.
"open" is the time from the navigation's start until the explorer's script has shown the step
of the URL (the HTML parsed, the first layout done). No timing is asserted anywhere.

    python benchmarks/bench_explorer.py            # needs chromium on PATH
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autodiff import evaluate, parse
from autodiff.render.explorer import Explorer

ROOT = Path(__file__).resolve().parent.parent
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,900"]

BEFORE = "<script>window.__adxStart = performance.now();</script>"
AFTER = """<script>
(function () {
  var opened = performance.now(), ready = opened - window.__adxStart;
  var root = document.querySelector(".adx-explorer");
  var last = +root.querySelector("input[type=range]").max;
  function key(k) { document.dispatchEvent(new KeyboardEvent("keydown", {key: k})); }
  function median(xs) { xs.sort(function (a, b) { return a - b; }); return xs[xs.length >> 1]; }
  var steps = [];
  function walk(start, k, count) {
    key(start);
    for (var i = 0; i < count; i++) {
      var t = performance.now(); key(k); document.body.offsetHeight;
      steps.push(performance.now() - t);
    }
  }
  for (var round = 0; round < 3; round++) {
    walk("Home", "ArrowRight", Math.min(last, 80));  // the forward sweep's first steps
    walk("End", "ArrowLeft", Math.min(last, 80));  // back from f through the reverse sweep
  }
  var rows = root.querySelectorAll("tr[data-i]"), base = [];
  var counter = root.querySelector(".adx-counter");
  for (var r = 0; r < steps.length; r++) {
    var v = performance.now();
    rows[r % rows.length].classList.toggle("adx-cur");
    counter.textContent = "step " + r + " of " + last;
    document.body.offsetHeight;
    base.push(performance.now() - v);
  }
  root.setAttribute("data-bench", JSON.stringify({
    ready: ready, open: opened, step: median(steps), worst: Math.max.apply(null, steps),
    baseline: median(base), steps: last + 1}));
}());
</script>"""


def chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        if shutil.which(name):
            return shutil.which(name)
    sys.exit("bench_explorer: no chromium on PATH (apt-get install chromium)")


def measure(page: str, folder: Path) -> dict:
    probe = folder / "probe.html"
    head, tail = page.split("<script type=\"application/json\"", 1)
    probe.write_text(head + BEFORE + "<script type=\"application/json\"" +
                     tail.replace("</body>", AFTER + "</body>"), encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="profile-") as profile:
        start = time.perf_counter()
        dom = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", "--dump-dom",
                              probe.as_uri() + "#step=3"], capture_output=True, text=True,
                             timeout=300).stdout
        wall = time.perf_counter() - start
    bench = json.loads(_attribute(dom, "data-bench"))
    bench["wall"] = wall
    return bench


def _attribute(dom: str, name: str) -> str:
    m = re.search(name + r"=\"([^\"]*)\"", dom)
    return m.group(1).replace("&quot;", '"').replace("&amp;", "&") if m else ""


def chain(n: int) -> tuple[str, dict[str, float]]:
    """``f = Σ x_i sin(x_{i+1}) + exp(x_n)`` (the guide's sweep-count example): 4n - 2
    variables, and its point."""
    text = " + ".join(f"x{i}*sin(x{i + 1})" for i in range(1, n)) + f" + exp(x{n})"
    return text, {f"x{i}": 0.01 * i for i in range(1, n + 1)}


def main() -> None:
    cases = [("lecture", (ROOT / "traces" / "lecture.trace").read_text(),
              {"x1": 1.5, "x2": 0.5}),
             ("graph and tables", *chain(51)),
             ("tables only", *chain(500))]
    print(f"{'page':>18} {'KB':>7} {'vars':>6} {'open ms':>8} {'script ms':>9} "
          f"{'step ms':>8} {'worst':>7} {'one-row ms':>10} {'ratio':>6}")
    with tempfile.TemporaryDirectory(prefix="bench-explorer-") as folder:
        for name, source, at in cases:
            ev = evaluate(parse(source), at)
            page = Explorer(ev).html()
            r = measure(page, Path(folder))
            ratio = r["step"] / r["baseline"] if r["baseline"] else float("nan")
            print(f"{name:>18} {len(page.encode()) / 1024:>7.0f} {len(ev.trace):>6} "
                  f"{r['open']:>8.1f} {r['ready']:>9.1f} {r['step']:>8.2f} {r['worst']:>7.1f} "
                  f"{r['baseline']:>10.3f} {ratio:>6.1f}")


if __name__ == "__main__":
    main()
