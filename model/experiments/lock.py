"""One writer per results store: an exclusive lock held for the life of a batch.

Two batches writing one store would mix their runs or delete each other's part files, so a
writer takes ``DIR/.westdev.lock`` before it reads or changes anything, and keeps it until the
store is consolidated. The lock is an advisory ``flock`` on that file, which the kernel
releases when its holder exits, however it exits (``kill -9`` included): a lock left by a dead
process is stale by construction and the next writer simply takes it. The file records the
holder (PID, host, start time, command) so that a refused writer can say who holds the store.
Where ``fcntl`` is missing the file is created exclusively instead, and a lock whose PID no
longer runs on this host is taken over as stale.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import socket
import sys
from pathlib import Path
from typing import Any

from westdev.errors import InputError

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX
    fcntl = None  # type: ignore[assignment]

LOCK = ".westdev.lock"


class StoreLock:
    """The exclusive lock of one store directory (`acquire`, then `release`)."""

    def __init__(self, directory: str | Path) -> None:
        self.path = Path(directory) / LOCK
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> StoreLock:
        """Take the lock or raise `InputError` naming its holder (never waits)."""
        if self._fd is not None:
            return self
        for _ in range(20):  # a holder releasing between our open and our check: try again
            fd = self._try_once()
            if fd is not None:
                self._fd = fd
                self._write_holder()
                return self
        raise InputError("could not take the store's lock", file=str(self.path.parent),
                         allowed="one writer at a time")

    def release(self) -> None:
        """Give the lock up and remove its file (idempotent)."""
        fd, self._fd = self._fd, None
        if fd is None:
            return
        try:
            self.path.unlink(missing_ok=True)  # while still holding it: see _try_once
        except OSError:
            pass
        os.close(fd)

    def __enter__(self) -> StoreLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()

    # ------------------------------------------------------------------ internals
    def _try_once(self) -> int | None:
        """The descriptor of the lock file, locked by us; None to retry; `InputError` when a
        live writer holds it."""
        if fcntl is None:  # pragma: no cover - not POSIX
            return self._try_exclusive()
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise InputError(f"cannot create the store's lock: {exc.strerror or exc}",
                             file=str(self.path), allowed="a directory you can write to") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = _read_holder(fd)
            os.close(fd)
            raise _held(self.path, holder) from None
        # the file we locked must still be the one at the path: a releasing holder unlinks it
        # while holding its lock, and a third writer may have made a new one since
        try:
            same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if not same:
            os.close(fd)
            return None
        return fd

    def _try_exclusive(self) -> int | None:  # pragma: no cover - not POSIX
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            try:
                holder = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                holder = {}
            if holder.get("host") == socket.gethostname() and not _alive(holder.get("pid")):
                self.path.unlink(missing_ok=True)  # stale: its writer is gone
                return None
            raise _held(self.path, holder) from None

    def _write_holder(self) -> None:
        info = {"pid": os.getpid(), "host": socket.gethostname(),
                "since": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
                "command": " ".join(sys.argv)[:300]}
        data = (json.dumps(info) + "\n").encode("utf-8")
        os.ftruncate(self._fd, 0)
        os.pwrite(self._fd, data, 0)


def _read_holder(fd: int) -> dict[str, Any]:
    try:
        text = os.pread(fd, 4096, 0).decode("utf-8", "replace")
        data = json.loads(text)
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _held(path: Path, holder: dict[str, Any]) -> InputError:
    who = f"process {holder.get('pid', '?')} on {holder.get('host', '?')}"
    if holder.get("since"):
        who += f" since {holder['since']}"
    if holder.get("command"):
        who += f" ({str(holder['command'])[:120]})"
    return InputError(f"another westdev batch is writing this store: {who}", file=str(path.parent),
                      allowed="wait for it to finish, stop it, or choose another --out")


def _alive(pid: Any) -> bool:  # pragma: no cover - not POSIX
    try:
        os.kill(int(pid), 0)
    except (TypeError, ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True
