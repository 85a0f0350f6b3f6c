"""Fuzzing the untrusted inputs: expressions, trace programs, model files and CSV files.

Whatever the text, the library either gives a result or raises :class:`InputError` (which the
CLI turns into one message and exit status 2); any other exception is a bug. Each reader is
fuzzed twice: a fast run in the default suite, and a long one (thousands of examples) marked
slow: ``pytest -m slow tests/test_fuzz.py``.
"""

from __future__ import annotations

import json
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autodiff.datasets import read_csv, read_matrix
from autodiff.errors import InputError
from autodiff.evaluation import evaluate
from autodiff.methods.recorded import gradient_trace, tangent_trace
from autodiff.parse import parse
from autodiff.primitives import REGISTRY

FAST, LONG = 60, 5000


def fuzz(n: int):
    return settings(max_examples=n, deadline=None, derandomize=n == FAST,
                    suppress_health_check=list(HealthCheck))


# --- text: expressions and programs ---------------------------------------------------------------

PIECES = ["x1", "x2", "y", "v1", "v2", "a_b", "pi", "return", "=", "\n", ";", "#", ",", "(",
          ")", "+", "-", "*", "/", "^", "**", "·", "×", " ", "\t", "\f", "\r", "\ufeff",
          "0", "1", "2.5", "1e308", "1e-400", "1e999", ".5", "3.", "0*", "²", "³", "ü", "ⅸ",
          "$", "'", '"', "\\", "\x00", "٣", "_", "__import__", "lambda", "x1.y", "1_0"]
PIECES += [f"{name}(" for name in REGISTRY] + ["sinn(", "exp(", "max(", "pow("]


def texts() -> st.SearchStrategy[str]:
    grammar = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)
    noise = st.text(max_size=60)
    return st.one_of(grammar, grammar, noise)


def check_text(text: str) -> None:
    """parse → evaluate at a point → every rendering → the recorded sweeps: results or
    InputError, nothing else."""
    try:
        trace = parse(text)
    except InputError:
        return
    at = {name: 0.7 for name in trace.inputs}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ev = evaluate(trace, at)
        except InputError:
            return
        for fmt in ("table", "markdown", "latex", "json"):
            ev.render(fmt)
        evaluate(trace).render("table")
        gradient_trace(trace)
        tangent_trace(trace, next(iter(trace.inputs)))


@fuzz(FAST)
@given(texts())
def test_text_fast(text):
    check_text(text)


@pytest.mark.slow
@fuzz(LONG)
@given(texts())
def test_text_long(text):
    check_text(text)


LINES = ["v1 = x1", "v2 = sin(v1)", "v3 = v1*v2", "v4 = (v1)", "v5 = +x2", "return v3",
         "return v2, v3", "v2 = v2", "x1 = v3", "# note", "v6 = 0*v1", "v7 = log(v6)",
         "v8 = v7/v6", "", "v9 = pow(v1, 1e308)", "v10 = -(-(v3))", "return", "v11 = v11*x1",
         "t1 = x1", "v12 = sigmoid(v10)^2", "\ufeffv1 = x1", "v13 = exp(v3)*exp(v3)"]


def programs() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(LINES), min_size=1, max_size=12).map("\n".join)


@fuzz(FAST)
@given(programs())
def test_programs_fast(text):
    check_text(text)


@pytest.mark.slow
@fuzz(LONG)
@given(programs())
def test_programs_long(text):
    check_text(text)


# --- model files -------------------------------------------------------------------------------

def _train_model() -> dict:
    from autodiff.datasets import Standardizer
    from autodiff.train.model import ModelSpec

    spec = ModelSpec("mlp", 2, (3,), "tanh", "bce")
    model = spec.build(seed=1)
    state = {k: np.asarray(v).tolist() for k, v in model.state_dict().items()}
    return {"format": "autodiff-model", "version": 1, "architecture": spec.to_json(),
            "features": ["x1", "x2"], "target": "y", "task": "classification",
            "standardization": Standardizer(np.zeros(2), np.ones(2)).to_json(),
            "target_standardization": None, "state_dict": state, "training": {}}


FIT_MODEL = {"format": "autodiff-expression-model", "version": 1,
             "formula": "sigmoid(w1*x1 + w2*x2 + b)", "params": {"w1": 0.5, "w2": -1.0, "b": 0.1},
             "loss": "bce", "target_name": "y", "columns": {"x1": "x1", "x2": "x2"},
             "target": "y", "task": "classification", "training": {}}

JSON_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**7, 10**7),
              st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=12),
              st.sampled_from([0, -1, 1e308, 10**6, "x1", "mlp", "relu", "bce", "sin(x1)"])),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8),
                                                                      children, max_size=4),
    max_leaves=12)


def _paths(doc, prefix=()):
    yield prefix
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _paths(v, (*prefix, i))


@st.composite
def tampered(draw):
    doc = json.loads(json.dumps(draw(st.sampled_from([FIT_MODEL, _train_model()]))))
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        path = draw(st.sampled_from(paths))
        parent = doc
        for k in path[:-1]:
            parent = parent[k]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(JSON_VALUES)
    return doc


def check_model(tmp_path, doc) -> None:
    from autodiff_cli.predict import _load

    f = tmp_path / "model.json"
    f.write_text(json.dumps(doc))
    try:
        saved = _load(str(f))
    except InputError:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for X in (np.linspace(-2, 2, 2 * len(saved.features)).reshape(2, -1),
                  np.array([[0.5, 1.0], [-1.0, 2.0]])):
            try:
                saved.predict(X)
            except InputError:
                pass


@fuzz(FAST)
@given(tampered())
def test_model_files_fast(tmp_path, doc):
    check_model(tmp_path, doc)


@pytest.mark.slow
@fuzz(LONG)
@given(tampered())
def test_model_files_long(tmp_path, doc):
    check_model(tmp_path, doc)


# --- CSV files ---------------------------------------------------------------------------------

CELLS = ["x1", "x2", "y", "1", "0", "-2.5", "1e308", "-1e308", "nan", "inf", "", " ", '"',
         '"a,b"', "\ufeff", "abc", "1,5", "0x10", "1_000", "٣", "\x00", "\r", "y,y"]


def csv_texts() -> st.SearchStrategy[str]:
    row = st.lists(st.sampled_from(CELLS), min_size=0, max_size=4).map(",".join)
    return st.one_of(st.lists(row, max_size=8).map("\n".join), st.text(max_size=80))


def check_csv(tmp_path, text: str) -> None:
    f = tmp_path / "data.csv"
    f.write_text(text, encoding="utf-8")
    for read in (lambda: read_matrix(f), lambda: read_csv(f, "y"),
                 lambda: read_csv(f, "y", "classification"),
                 lambda: read_csv(f, "y", "regression")):
        try:
            read()
        except InputError:
            pass


@fuzz(FAST)
@given(csv_texts())
def test_csv_fast(tmp_path, text):
    check_csv(tmp_path, text)


@pytest.mark.slow
@fuzz(LONG)
@given(csv_texts())
def test_csv_long(tmp_path, text):
    check_csv(tmp_path, text)
