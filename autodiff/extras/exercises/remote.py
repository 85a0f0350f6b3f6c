"""The student's module as the grading process sees it: calls that run in the student's process.

:class:`Student` stands where the checks expect the student's module: ``student.adam_step``
is a :class:`RemoteFunction`, and calling it sends the inputs the check chose to the student's
process (:mod:`.runner`) and returns what the student's code returned there. Arguments the
student's code changes in place (Adam's ``state`` dict) are updated here from the values sent
back. The checks therefore run unchanged, in the grading process, with its own numpy and its
own references: nothing the student's code does in its process reaches a verdict except the
values it returns.
"""

from __future__ import annotations

import os
import select
import time
from typing import Any

import numpy as np

from . import wire


class StudentRaised(Exception):
    """The student's code raised: ``message`` names the exception and the student's line."""

    def __init__(self, message: str, not_implemented: bool = False) -> None:
        super().__init__(message)
        self.message, self.not_implemented = message, not_implemented


class StudentGone(Exception):
    """The student's process ended (or broke the channel) before answering."""


class OutOfTime(Exception):
    """The grading's wall-clock limit passed while the student's code ran."""


class Channel:
    """The two pipes to the student's process, read with the grading's deadline."""

    def __init__(self, rfd: int, wfd: int, deadline: float) -> None:
        self.rfd, self.wfd, self.deadline = rfd, wfd, deadline
        self.buffer = b""

    def send(self, message: dict) -> None:
        data = wire.dumps(message)
        try:
            while data:
                data = data[os.write(self.wfd, data):]
        except (BrokenPipeError, OSError):
            raise StudentGone("the student's process ended") from None

    def receive(self) -> dict:
        while b"\n" not in self.buffer:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise OutOfTime()
            ready, _, _ = select.select([self.rfd], [], [], left)
            if not ready:
                raise OutOfTime()
            chunk = os.read(self.rfd, 1 << 20)
            if not chunk:
                raise StudentGone("the student's process ended")
            self.buffer += chunk
            if len(self.buffer) > wire.MAX_MESSAGE:
                raise StudentGone(f"the student's process sent more than "
                                  f"{wire.MAX_MESSAGE >> 20} MB at once")
        line, self.buffer = self.buffer.split(b"\n", 1)
        return wire.loads(line)

    def request(self, message: dict) -> Any:
        self.send(message)
        reply = self.receive()
        if "raised" in reply:
            raise StudentRaised(str(reply["raised"])[:2000], reply.get("not_implemented") is True)
        if "ok" not in reply:
            raise wire.WireError("a reply without a value")
        return reply


class Student:
    """The student's module: its public names, each a :class:`RemoteFunction` if callable."""

    def __init__(self, channel: Channel, exercise: str, names: dict[str, str]) -> None:
        self.__name__ = exercise
        self._channel, self._names = channel, names

    def __getattr__(self, name: str) -> Any:
        kind = self.__dict__.get("_names", {}).get(name)
        if kind is None:
            raise AttributeError(name)
        if kind == "function":
            return RemoteFunction(self._channel, name)
        return wire.Other(f"a {kind}")

    def run_training(self, task: str, seed: int, epochs: int) -> dict:
        """The student's ``train`` run in its process on the set-up ``(task, seed)``."""
        reply = self._channel.request({"op": "train", "task": task, "seed": seed,
                                       "epochs": epochs})
        return _value(self._channel, wire.decode(reply["ok"]))


class RemoteFunction:
    """A callable of the student's process (a function, a class, a loader's method)."""

    def __init__(self, channel: Channel, fn: str | int) -> None:
        self._channel, self._fn = channel, fn

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        fn = self._fn if isinstance(self._fn, str) else {"ref": self._fn}
        reply = self._channel.request({
            "op": "call", "fn": fn, "args": [wire.encode(a) for a in args],
            "kwargs": {k: wire.encode(v) for k, v in kwargs.items()}})
        after = reply.get("args")
        if isinstance(after, list) and len(after) == len(args):
            for before, new in zip(args, after, strict=True):
                _update(before, wire.decode(new))
        return _value(self._channel, wire.decode(reply["ok"]))


class RemoteObject(RemoteFunction):
    """An object that stays in the student's process (a loader): len, iteration, calls."""

    def __len__(self) -> int:
        n = self._channel.request({"op": "len", "ref": self._fn})["ok"]
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise wire.WireError("len() that is not a whole number")
        return n

    def __iter__(self):
        items = wire.decode(self._channel.request({"op": "iter", "ref": self._fn})["ok"])
        return iter(_value(self._channel, items))


def _value(channel: Channel, v: Any) -> Any:
    """Replace references by remote objects, recursively."""
    if isinstance(v, wire.Ref):
        return RemoteObject(channel, v.id)
    if isinstance(v, (list, tuple)):
        return type(v)(_value(channel, x) for x in v)
    if isinstance(v, dict):
        return {k: _value(channel, x) for k, x in v.items()}
    return v


def _update(before: Any, after: Any) -> None:
    """Change ``before`` in place into ``after`` (a dict or a list the student changed)."""
    if isinstance(before, dict) and isinstance(after, dict):
        before.clear()
        before.update(after)
    elif isinstance(before, list) and isinstance(after, list):
        before[:] = after
    elif isinstance(before, np.ndarray) and isinstance(after, np.ndarray) \
            and before.shape == after.shape and before.flags.writeable:
        before[...] = after
