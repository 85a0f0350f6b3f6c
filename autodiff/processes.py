"""Child processes that end with their parent (Linux ``prctl``), for sympy workers and graders.

A forked worker (the symbolic budget's) or a grading process must not outlive the command
that started it: ``kill -TERM`` of ``autodiff symbolic`` would otherwise leave its sympy
worker running under init. :func:`die_with_parent` asks the kernel to send the calling
process ``SIGKILL`` when its parent dies (``PR_SET_PDEATHSIG``); elsewhere than on Linux it
does nothing.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_CHILD_SUBREAPER = 1, 4, 36


def prctl(option: int, value: int) -> bool:
    """``prctl(option, value)``; False where it is not available or fails."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def die_with_parent(parent: int | None = None) -> None:
    """In a child: be killed when the parent dies; exit now if ``parent`` (its pid, read
    before the fork) has already died."""
    prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if parent is not None and os.getppid() != parent:
        os._exit(1)
