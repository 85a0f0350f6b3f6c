"""Every worked example in traces/ reproduces the values its header promises."""

import math
import re
from pathlib import Path

import pytest

from autodiff import evaluate, parse_point

TRACES = sorted((Path(__file__).resolve().parent.parent / "traces").glob("*.trace"))


def header(text):
    meta = {}
    for line in text.splitlines():
        m = re.match(r"#\s*(\w+):\s*(.*)", line)
        if m:
            meta[m.group(1)] = m.group(2)
    return meta


@pytest.mark.parametrize("path", TRACES, ids=lambda p: p.stem)
def test_trace_file_reproduces_its_expected_values(path):
    text = path.read_text()
    meta = header(text)
    assert {"source", "at", "expect"} <= set(meta), f"{path.name}: header incomplete"
    ev = evaluate(text, at=parse_point(meta["at"].replace(" ", "")))
    expect = dict(item.split("=") for item in meta["expect"].replace(" ", "").split(","))
    for name, want in ((k, float(v)) for k, v in expect.items()):
        got = ev.value if name == "f" else ev.gradient[name.removeprefix("df/d")]
        assert math.isclose(got, want, rel_tol=1e-12), (path.name, name, got, want)
