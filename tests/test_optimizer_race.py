"""`autodiff optimizers`: the race of the six optimizers on 2-D test functions, and its pictures."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from autodiff.train import race as race_module
from autodiff.train.race import FUNCTIONS, race, run
from autodiff_cli.main import cli

OPTIMIZERS = ["sgd", "momentum", "adagrad", "rmsprop", "adam", "adamw"]


def invoke(*args):
    return CliRunner().invoke(cli, list(args))


def test_json_reports_every_optimizer_on_the_required_functions():
    r = invoke("optimizers", "--function", "bowl", "--function", "rosenbrock", "--steps", "60",
               "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.output)
    assert set(doc["functions"]) == {"bowl", "rosenbrock"}
    for fn, entry in doc["functions"].items():
        paths = {t["optimizer"]: t for t in entry["trajectories"]}
        assert list(paths) == OPTIMIZERS
        start_loss = float(FUNCTIONS[fn](np.array(entry["start"][0]), np.array(entry["start"][1])))
        for t in paths.values():
            assert t["steps"] == 60 and t["diverged_at"] is None
            assert t["final_loss"] < start_loss, (fn, t)
    # the lecture's point: on the ill-conditioned bowl, momentum beats SGD at the same η
    bowl = {t["optimizer"]: t for t in doc["functions"]["bowl"]["trajectories"]}
    assert bowl["momentum"]["lr"] == bowl["sgd"]["lr"]
    assert bowl["momentum"]["final_loss"] < bowl["sgd"]["final_loss"] / 10


def test_trajectory_is_the_optimizer_step_by_step():
    """SGD on the bowl f = ½(x² + 20y²): w ← w − η (x, 20y), checked by hand."""
    t = run("bowl", "sgd", lr=0.01, steps=3)
    x, y = FUNCTIONS["bowl"].start
    for k in range(4):
        assert t.points[k] == pytest.approx((x, y), rel=1e-12)
        x, y = x - 0.01 * x, y - 0.01 * 20 * y


def test_a_diverging_optimizer_stops_with_its_step():
    t = run("bowl", "sgd", lr=5.0, steps=2000)
    assert t.diverged_at is not None and len(t.points) == t.diverged_at + 1
    r = invoke("optimizers", "--function", "bowl", "--optimizer", "sgd", "--lr", "sgd=5",
               "--steps", "2000", "--format", "json")
    assert r.exit_code == 0
    (path,) = json.loads(r.output)["functions"]["bowl"]["trajectories"]
    assert path["diverged_at"] == t.diverged_at and path["final_loss"] is None


def test_pictures_are_valid_images(tmp_path):
    png, gif, svg = tmp_path / "race.png", tmp_path / "race.gif", tmp_path / "sched.svg"
    r = invoke("optimizers", "--function", "bowl", "--steps", "20", "--plot", str(png),
               "--gif", str(gif), "--schedules", str(svg), "--schedule-steps", "30")
    assert r.exit_code == 0, r.output
    from PIL import Image
    with Image.open(png) as image:
        assert image.format == "PNG"
        image.verify()
    with Image.open(gif) as image:
        assert image.format == "GIF" and image.n_frames > 10     # 21 positions, animated
    import xml.etree.ElementTree as ET
    assert ET.parse(svg).getroot().tag.endswith("svg")
    assert "wrote plot" in r.output


def test_schedules_in_json_follow_their_formulas():
    r = invoke("optimizers", "--function", "bowl", "--steps", "1", "--schedule-steps", "10",
               "--format", "json")
    curves = json.loads(r.output)["schedules"]["curves"]
    assert curves["none"] == [0.1] * 10
    assert curves["exponential"] == pytest.approx([0.1 * 0.9 ** t for t in range(10)])
    assert curves["power"] == pytest.approx([0.1 * (1 + t) ** -0.5 for t in range(10)])
    assert curves["warmup"][0] == pytest.approx(0.01) and max(curves["warmup"]) == \
        pytest.approx(0.1)


@pytest.mark.parametrize("args, message", [
    (["--lr", "adam"], "OPTIMIZER=VALUE"),
    (["--lr", "adam=fast"], "not a number"),
    (["--lr", "adam=-1"], "positive"),
    (["--plot", "race.jpg"], ".png or .svg"),
    (["--gif", "race.png"], ".gif"),
    (["--steps", "0"], "at least 1"),
])
def test_bad_options_exit_2(args, message):
    r = invoke("optimizers", "--function", "bowl", *args)
    assert r.exit_code == 2 and message in r.output and "Traceback" not in r.output


def test_race_uses_the_library_optimizers(monkeypatch):
    calls = []
    real = race_module.make_optimizer

    def spy(name, params, lr, momentum=0.9):
        calls.append(name)
        return real(name, params, lr, momentum)

    monkeypatch.setattr(race_module, "make_optimizer", spy)
    race("saddle", ("adam", "rmsprop"), steps=2)
    assert calls == ["adam", "rmsprop"]
