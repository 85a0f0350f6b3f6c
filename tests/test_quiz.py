"""`autodiff quiz`: every answer's demonstration, recomputed here independently."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from autodiff.extras import quiz
from autodiff.extras.published import RECIPES
from autodiff_cli.main import cli


def run(*args):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture(scope="module")
def everything():
    r = run("quiz", "--format", "json")
    assert r.exit_code == 0, r.output
    return {q["number"]: q for q in json.loads(r.stdout)["questions"]}


def test_the_eight_questions_of_the_lecture_in_order(everything):
    assert sorted(everything) == list(range(1, 9))
    words = ["gradient", "cross entropy", "optimizer", "momentum", "Attention Is All You Need",
             "forward-mode", "batch and layer normalization", "zero_grad"]
    for n, word in enumerate(words, 1):
        assert word in everything[n]["question"]
        assert everything[n]["checks"] and all(everything[n]["checks"].values())


def test_gradients_are_checked_by_the_manual_checker(everything):
    rows = everything[1]["table"]["rows"]
    assert [r[3] for r in rows] == ["agrees at 6 points"] * 4
    w1, w2 = 0.3, -0.2
    sig = 1 / (1 + np.exp(-(w1 + 2 * w2)))
    assert float(rows[2][2]) == pytest.approx((sig - 1) + 1 / (1 + np.exp(-(w1 - w2))),
                                              rel=1e-5)


def test_momentum_step_tends_to_eta_over_one_minus_mu(everything):
    rows = everything[4]["table"]["rows"]
    t, step = int(rows[-1][0]), float(rows[-1][1])
    assert step == pytest.approx(0.1 * (1 - 0.9 ** t) / (1 - 0.9), rel=1e-5)
    assert step == pytest.approx(1.0, rel=3e-3)


def test_published_schedules(everything):
    rows = {(r[0], int(r[1])): float(r[2]) for r in everything[5]["table"]["rows"]}
    assert rows["transformer", 3999] == pytest.approx(512 ** -0.5 * 4000 ** -0.5, rel=1e-3)
    assert rows["transformer", 15999] == pytest.approx(512 ** -0.5 * 16000 ** -0.5, rel=1e-3)
    assert rows["llama", 2000] == pytest.approx(3e-4) and rows["llama", 250000] == 3e-5
    assert rows["llama", 126000] == pytest.approx(0.55 * 3e-4, rel=1e-3)  # cosine half-way
    assert rows["gpt3", 81250] == pytest.approx(6e-6)


@pytest.mark.parametrize("name, betas, eps, wd", [("transformer", (0.9, 0.98), 1e-9, 0),
                                                  ("llama", (0.9, 0.95), 1e-5, 0.1),
                                                  ("gpt3", (0.9, 0.95), 1e-8, 0.1)])
def test_published_optimizers_as_in_the_papers(name, betas, eps, wd):
    opt, _ = RECIPES[name].build()
    group = opt.param_groups[0]
    assert (group["betas"], group["eps"], group["weight_decay"]) == (betas, eps, wd)


def test_forward_mode_needs_one_sweep_per_input(everything):
    for n, fwd, _, rev, _ in everything[6]["table"]["rows"]:
        assert int(fwd) == int(n) and int(rev) == 1


def test_batch_norm_normalizes_columns_and_layer_norm_rows(everything):
    rows = everything[7]["table"]["rows"]
    a = np.array([[float(v) for v in cell.split()] for cell in rows[0][1:]])
    bn = np.array([[float(v) for v in cell.split()] for cell in rows[1][1:]])
    ln = np.array([[float(v) for v in cell.split()] for cell in rows[2][1:]])
    want_bn = (a - a.mean(0)) / np.sqrt(a.var(0) + 1e-5)
    want_ln = (a - a.mean(1, keepdims=True)) / np.sqrt(a.var(1, keepdims=True) + 1e-5)
    np.testing.assert_allclose(bn, want_bn, atol=0.006)
    np.testing.assert_allclose(ln, want_ln, atol=0.006)


def test_zero_grad_demonstration(everything):
    x = np.array([1.0, 2.0, 3.0, 4.0])
    g = np.mean(2 * (0.5 * x - 1) * x)
    got = [r[1] for r in everything[8]["table"]["rows"]]
    assert [float(got[0]), float(got[1]), got[2], float(got[3])] == [g, 2 * g, "None", g]


def test_one_question_as_markdown():
    r = run("quiz", "4", "--format", "markdown")
    assert r.exit_code == 0
    assert r.output.startswith("### 4. For SGD with momentum")
    assert "| step t |" in r.output


@pytest.mark.parametrize("n", ["0", "9"])
def test_no_such_question(n):
    r = run("quiz", n)
    assert r.exit_code == 2 and "no question" in r.output


def test_a_fact_that_does_not_hold_fails_the_command(monkeypatch):
    def wrong():
        return quiz.Answer(1, "?", "!", ["a"], [["1"]], {"1 = 2": False})
    monkeypatch.setattr(quiz, "QUESTIONS", [wrong])
    r = run("quiz")
    assert r.exit_code == 1 and "✗ 1 = 2" in r.output


def test_every_command_the_quiz_suggests_runs():
    import shlex
    commands = [c for a in quiz.answers() for c in a.commands]
    assert commands
    for command in commands:
        args = shlex.split(command)
        assert args[0] == "autodiff"
        r = run(*args[1:])
        assert r.exit_code == 0, (command, r.output)
