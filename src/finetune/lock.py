"""One run per output folder: an exclusive ``flock`` on ``<output_dir>/.lock``, released when the process ends.

The lock file records who holds it (pid, host, command, start time) so that a refused run can say which process
to wait for. ``flock`` locks belong to the open file, so a process killed with ``kill -9`` releases its lock at
once; a stale lock file left behind does not block anyone.
"""
from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path

from .config import FinetuneError

LOCK_NAME = ".lock"


class LockedError(FinetuneError):
    """Another process is using the output folder."""


class OutputLock:
    def __init__(self, out_dir: str | Path, command: str = ""):
        self.path = Path(out_dir) / LOCK_NAME
        self.command = command or " ".join(sys.argv)
        self._fd: int | None = None

    def acquire(self) -> "OutputLock":
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            try:
                holder = json.loads(os.pread(fd, 4096, 0).decode() or "{}")
            except (OSError, ValueError):
                holder = {}
            os.close(fd)
            who = (f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}, `{holder.get('command', '?')}`, "
                   f"since {holder.get('started', '?')}") if holder else "another process"
            raise LockedError(
                f"{self.path.parent} is in use by {who}. Only one finetune run may use an output folder at a "
                "time: wait for that run to finish, stop it, or give this run another output_dir=..."
            ) from None
        info = {"pid": os.getpid(), "host": socket.gethostname(), "command": self.command,
                "started": time.strftime("%Y-%m-%d %H:%M:%S")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            import fcntl

            try:
                os.ftruncate(self._fd, 0)
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            finally:
                os.close(self._fd)
                self._fd = None

    def __enter__(self) -> "OutputLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()


_HELD: dict[str, OutputLock] = {}


def hold(out_dir: str | Path, command: str = "") -> OutputLock:
    """Take the lock of ``out_dir`` for the rest of this process (again in the same process: a no-op)."""
    key = str(Path(out_dir).resolve())
    if key not in _HELD:
        _HELD[key] = OutputLock(out_dir, command).acquire()
    return _HELD[key]


def release_all() -> None:
    while _HELD:
        _, lock = _HELD.popitem()
        lock.release()
