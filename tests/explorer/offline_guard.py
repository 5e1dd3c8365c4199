"""Refuse and record every network connection or name lookup to another host, in-process.

The browser test starts the explorer's server with this installed first, so that a request
the server itself would make (a CDN fallback for a missing asset, telemetry, a version check)
fails and is written to a log file the test reads — the browser's own requests are checked by
routing them in playwright. Loopback addresses, ``localhost`` and Unix sockets are allowed.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from pathlib import Path

LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", ""}


def is_local(host: object) -> bool:
    """True for loopback or unspecified addresses and the local host's names."""
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    name = str(host).strip("[]").split("%", 1)[0].lower()
    if name in LOCAL_NAMES:
        return True
    try:
        ip = ipaddress.ip_address(name)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified


def install(log: str | Path) -> None:
    """Patch `socket` so that connections and lookups to other hosts fail and are logged."""
    log = Path(log)
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex
    getaddrinfo, gethostbyname = socket.getaddrinfo, socket.gethostbyname

    def record(what: str) -> None:
        with log.open("a", encoding="utf-8") as f:
            f.write(what + "\n")

    def outside(sock: socket.socket, address: object) -> bool:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return False
        host = address[0] if isinstance(address, tuple) else address
        return not is_local(host)

    def guarded_connect(self, address):
        if outside(self, address):
            record(f"connect {address!r}")
            raise OSError(errno.ENETUNREACH, f"offline guard: no connection to {address!r}")
        return connect(self, address)

    def guarded_connect_ex(self, address):
        if outside(self, address):
            record(f"connect {address!r}")
            return errno.ENETUNREACH
        return connect_ex(self, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if not is_local(host):
            record(f"lookup {host!r}")
            raise socket.gaierror(socket.EAI_NONAME, f"offline guard: no lookup of {host!r}")
        return getaddrinfo(host, *args, **kwargs)

    def guarded_gethostbyname(host):
        if not is_local(host):
            record(f"lookup {host!r}")
            raise socket.gaierror(socket.EAI_NONAME, f"offline guard: no lookup of {host!r}")
        return gethostbyname(host)

    socket.socket.connect = guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = guarded_connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = guarded_getaddrinfo
    socket.gethostbyname = guarded_gethostbyname
