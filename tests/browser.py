"""Headless Chromium for the explorer's tests: the DOM after the page's script ran, and screenshots.

Debian's ``chromium`` package (``.ci/run`` installs it). Without it the browser tests are skipped
locally, but fail where ``AUTODIFF_REQUIRE_BROWSER=1`` (CI), so that they never silently stop
running there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--virtual-time-budget=3000"]


def chromium() -> str:
    """The browser's path, or skip (fail under ``AUTODIFF_REQUIRE_BROWSER=1``)."""
    for name in (os.environ.get("CHROME"), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    if os.environ.get("AUTODIFF_REQUIRE_BROWSER") == "1":
        pytest.fail("no chromium on PATH, and AUTODIFF_REQUIRE_BROWSER=1: apt-get install chromium")
    pytest.skip("no chromium on PATH (apt-get install chromium)")


def url(path: Path, step: int | None = None) -> str:
    return path.resolve().as_uri() + ("" if step is None else f"#step={step}")


def _run(address: str, *extra: str) -> str:
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        p = subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}", *extra, address],
                           capture_output=True, timeout=90)
    assert p.returncode == 0, p.stderr.decode("utf-8", "replace")[-2000:]
    return p.stdout.decode("utf-8")


def dump_dom(address: str) -> str:
    """The page's DOM, serialized, once its scripts have run."""
    return _run(address, "--dump-dom")


def screenshot(address: str, png: Path, size: tuple[int, int] = (1280, 900)) -> np.ndarray:
    """A screenshot of the page as an array of RGB bytes (height × width × 3)."""
    import matplotlib.image

    _run(address, f"--screenshot={png}", f"--window-size={size[0]},{size[1]}")
    image = matplotlib.image.imread(png)
    return np.round(image[..., :3] * 255).astype(np.int16)
