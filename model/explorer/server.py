"""Serve the explorer page: Solara's Starlette app under uvicorn, offline.

Offline means every request the page makes is answered by this server: Solara's front end
(the Vuetify app, require.js, fonts) comes from the `solara-assets` package, whose version
must equal Solara's (`solara==1.58.2`, the newest with matching assets); the CDN Solara would
fall back to for a missing file is pointed at a closed local port, so a miss fails here
instead of reaching the internet; Solara's usage reports (Mixpanel) are switched off. The
charts are PNG ``data:`` URLs inside the page.

`serve` binds the socket itself, so that a port in use is a clear error before anything
starts (`InputError`, exit code 2 on the command line), and prints the address to open.
"""

from __future__ import annotations

import errno
import importlib.metadata
import importlib.util
import os
import signal
import socket
import sys
import threading
import warnings
from pathlib import Path

from westdev.errors import InputError

APP = "westdev.explorer.app"
LANG_ENV = "WESTDEV_EXPLORER_LANG"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
SOLARA_VERSION = "1.58.2"
INSTALL_HINT = "pip install 'westdev[explore]' (solara==1.58.2 with solara-assets==1.58.2)"
DEAD_CDN = "http://127.0.0.1:9/solara-cdn-disabled/"  # a miss fails locally, never online


def check_dependencies() -> Path:
    """The folder of Solara's front-end files, or `InputError` saying what to install."""
    missing = [m for m in ("solara", "solara_assets", "uvicorn")
               if importlib.util.find_spec(m) is None]
    if missing:
        raise InputError(f"the explorer needs {', '.join(missing)}, which is not installed",
                         field="westdev explore", allowed=INSTALL_HINT)
    versions = {d: importlib.metadata.version(d) for d in ("solara", "solara-assets")}
    if len(set(versions.values())) != 1:
        shown = ", ".join(f"{d} {v}" for d, v in versions.items())
        raise InputError(f"{shown}: the page's front end would be missing (Solara fetches it "
                         "from the internet when the assets package does not match)",
                         field="westdev explore", allowed=INSTALL_HINT)
    cdn = assets_dir()
    if cdn is None:
        raise InputError("solara-assets is installed but its files (share/solara/cdn) are "
                         "not found", field="westdev explore", allowed=INSTALL_HINT)
    return cdn


def assets_dir() -> Path | None:
    """Where `solara-assets` put Solara's front-end files (``<prefix>/share/solara/cdn``)."""
    try:
        files = importlib.metadata.files("solara-assets") or []
    except importlib.metadata.PackageNotFoundError:
        return None
    marker = "share/solara/cdn/"
    for f in files:
        path = str(f).replace("\\", "/")
        if marker in path:
            located = Path(str(f.locate())).resolve()
            parts = located.as_posix().split("/" + marker, 1)[0]
            return Path(parts) / marker
    return None


def configure(lang: str = "en", cdn_dir: Path | None = None) -> None:
    """Environment for Solara, set before it is imported: the app, the page's language,
    telemetry off, front-end files from `cdn_dir`, no CDN on the internet."""
    os.environ["SOLARA_APP"] = APP
    os.environ[LANG_ENV] = lang
    os.environ["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] = "False"
    os.environ["SOLARA_TELEMETRY_SERVER_USER_ID"] = "westdev-explorer"  # no id file in $HOME
    os.environ["SOLARA_ASSETS_PROXY"] = "True"
    os.environ["SOLARA_ASSETS_CDN"] = DEAD_CDN
    if cdn_dir is not None:
        os.environ["SOLARA_ASSETS_PROXY_CACHE_DIR"] = str(cdn_dir)


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on (host, port); `InputError` when the port is taken or the
    address is not on this machine. Port 0 picks a free port."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                   flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        raise InputError(f"cannot resolve host {host!r}: {exc.strerror}", field="--host",
                         allowed="an address of this machine, e.g. 127.0.0.1 (default) or "
                         "0.0.0.0 (every interface)") from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise InputError(f"port {port} on {host} is already in use", field="--port",
                             allowed="a free port: another --port, or --port 0 for any "
                             "free one") from None
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror}", field="--host",
                         allowed="an address of this machine and a port you may use "
                         "(above 1023 without root)") from None
    sock.set_inheritable(True)
    return sock


def url_of(host: str, port: int) -> str:
    """The address to open for a server on (host, port)."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else "::1" if host == "::" else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"http://{shown}:{port}/"


def warm_up() -> None:
    """Load the data and run the first view (the baseline) before anyone asks for it, so the
    first page shows results at once (in a background thread)."""
    from westdev.explorer import core

    core.run_request(core.Request())


def serve(host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, lang: str = "en", *,
          warm: bool = True) -> int:
    """Serve the explorer until interrupted (Ctrl-C); prints the address to open."""
    if lang not in ("en", "zh"):
        raise InputError(f"unknown language {lang!r}", field="--lang", allowed="en | zh")
    cdn = check_dependencies()
    sock = bind(host, port)
    port = sock.getsockname()[1]
    configure(lang, cdn)
    os.environ["SERVER_NAME"] = host
    os.environ["SERVER_PORT"] = str(port)
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")
    import uvicorn

    config = uvicorn.Config("solara.server.starlette:app", host=host, port=port,
                            log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    if warm:
        threading.Thread(target=warm_up, name="westdev-explorer-warm-up", daemon=True).start()
    print(f"westdev explorer: open {url_of(host, port)} in a browser (Ctrl-C stops it)",
          flush=True)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: listening on {host}: anyone who can reach this machine on port "
              f"{port} can use the page and run the model; there is no login. Prefer the "
              "default 127.0.0.1 behind an SSH tunnel or an authenticating proxy.",
              file=sys.stderr, flush=True)
    # uvicorn shuts down gracefully on Ctrl-C or SIGTERM, then raises the signal again: as an
    # exception here, so that the explorer's temporary folder is removed (atexit) either way
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        server.run(sockets=[sock])
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    print("westdev explorer: stopped", flush=True)
    return 0


def _stop(signum: int, frame: object) -> None:
    raise SystemExit(0)
