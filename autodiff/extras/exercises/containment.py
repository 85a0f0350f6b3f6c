"""Keeping the student's processes inside the grading: they all end when the grading ends.

A new session is not enough: a student's file can ``setsid`` (or double-fork) out of the
session and its process group, and outlive the grading. Linux offers a *child subreaper*
(``prctl(PR_SET_CHILD_SUBREAPER)``): an orphan anywhere below the grading process is adopted
by it instead of by init, so every process the student's file starts stays a descendant of
the grading process, whatever it does with sessions. When grading ends,
:func:`kill_descendants` freezes (``SIGSTOP``) and then kills (``SIGKILL``) every descendant,
found by walking the parent links in ``/proc``, round after round until none is left (a
process forking meanwhile is caught in the next round), and reaps them.

The grading process also makes itself non-dumpable (``PR_SET_DUMPABLE`` 0), so that a process
of the same user cannot open its file descriptors or memory through ``/proc`` (where it writes
its verdict), and the student's process gets ``PR_SET_PDEATHSIG`` so that it dies if the
grading process is killed.

Limits: this holds on Linux only (elsewhere the session is killed, as before). A student's
process that asks another service to run something (cron, ``at``, systemd, a container
runtime, a remote host) starts a process that is not a descendant and is not killed. A file
graded as root, or by a user with ``CAP_SYS_PTRACE``, can reach the grading process itself:
grade as an unprivileged user (and in a container or VM for a class's untrusted files).
"""

from __future__ import annotations

import os
import signal
import time

from ...processes import PR_SET_CHILD_SUBREAPER, PR_SET_DUMPABLE, die_with_parent, prctl

__all__ = ["become_subreaper", "descendants", "die_with_parent", "kill_descendants"]


def become_subreaper() -> bool:
    """Make this process adopt every orphan below it, and hide its /proc entries from
    processes of the same user; False where the platform has no subreaper."""
    prctl(PR_SET_DUMPABLE, 0)
    return prctl(PR_SET_CHILD_SUBREAPER, 1)


def _parents() -> dict[int, tuple[int, str]]:
    """pid → (parent pid, state) of every process, from /proc."""
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read().decode("ascii", "replace")
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 1:
            out[int(entry)] = (int(fields[1]), fields[0])
    return out


def descendants(pid: int | None = None) -> list[int]:
    """The live (not zombie) processes below ``pid`` (default: this process)."""
    root = os.getpid() if pid is None else pid
    table = _parents()
    children: dict[int, list[int]] = {}
    for p, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(p)
    found, stack = [], list(children.get(root, []))
    while stack:
        p = stack.pop()
        found.append(p)
        stack.extend(children.get(p, []))
    return [p for p in found if table.get(p, (0, "Z"))[1] != "Z"]


def kill_descendants(rounds: int = 100) -> int:
    """Stop, kill and reap every process below this one; the number killed."""
    killed: set[int] = set()
    if not os.path.isdir("/proc"):
        return 0
    for _ in range(rounds):
        alive = descendants()
        if not alive:
            break
        for sig in (signal.SIGSTOP, signal.SIGKILL):
            for p in alive:
                try:
                    os.kill(p, sig)
                except (ProcessLookupError, PermissionError):
                    pass
        killed.update(alive)
        _reap()
        time.sleep(0.01)
    _reap()
    return len(killed)


def _reap() -> None:
    """Collect the exit status of our dead children (adopted orphans included)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
