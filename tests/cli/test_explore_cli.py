"""``westdev explore``: options, exit code 2 with a clear message when the extra is missing or
the port is taken, and a real start (prints the address, serves the page, stops on Ctrl-C)."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import urllib.request

import pytest

from westdev.cli import main
from westdev.explorer import server


def test_help_names_the_options_and_the_default_address(capsys):
    assert main(["explore", "--help"]) == 0
    out = capsys.readouterr().out
    for part in ("--port", "--host", "--lang", "127.0.0.1", "westdev[explore]"):
        assert part in out
    assert main(["explore", "--lang", "fr"]) == 2
    assert "invalid choice: 'fr'" in capsys.readouterr().err
    assert main(["explore", "--port", "70000"]) == 2
    assert "must be in [0, 65535]" in capsys.readouterr().err


def test_a_taken_port_is_exit_2_with_a_clear_message(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["explore", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"port {port} on 127.0.0.1 is already in use" in err
    assert "--port 0" in err and "Traceback" not in err


def test_a_missing_extra_is_exit_2_saying_what_to_install(monkeypatch, capsys):
    real = importlib.util.find_spec
    monkeypatch.setattr(server.importlib.util, "find_spec",
                        lambda name, *a: None if name == "solara_assets" else real(name, *a))
    assert main(["explore"]) == 2
    err = capsys.readouterr().err
    assert "solara_assets, which is not installed" in err
    assert "pip install 'westdev[explore]'" in err


def test_mismatched_solara_assets_are_refused(monkeypatch, capsys):
    real = importlib.metadata.version
    monkeypatch.setattr(server.importlib.metadata, "version",
                        lambda d: "1.64.1" if d == "solara" else real(d))
    assert main(["explore"]) == 2
    err = capsys.readouterr().err
    assert "solara 1.64.1, solara-assets 1.58.2" in err and "solara==1.58.2" in err


def test_addresses_and_bind():
    assert server.url_of("127.0.0.1", 8765) == "http://127.0.0.1:8765/"
    assert server.url_of("0.0.0.0", 80) == "http://127.0.0.1:80/"
    assert server.url_of("::1", 8765) == "http://[::1]:8765/"
    sock = server.bind("127.0.0.1", 0)
    try:
        assert sock.getsockname()[1] > 0
    finally:
        sock.close()
    with pytest.raises(server.InputError, match="cannot resolve host"):
        server.bind("no-such-host.invalid", 0)


@pytest.mark.skipif(importlib.util.find_spec("solara") is None,
                    reason="the explorer's extra is not installed")
def test_it_starts_prints_the_address_serves_the_page_and_stops_on_ctrl_c(tmp_path):
    proc = subprocess.Popen([sys.executable, "-m", "westdev", "explore", "--port", "0"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(ln) for ln in proc.stdout], daemon=True).start()
    try:
        first = lines.get(timeout=120)
        match = re.search(r"open (http://127\.0\.0\.1:\d+/) in a browser", first)
        assert match, first
        with urllib.request.urlopen(match.group(1), timeout=60) as page:
            body = page.read().decode("utf-8")
        assert page.status == 200 and "solara" in body.lower()
        assert "cdn.jsdelivr.net" not in body  # the page's own assets are served locally
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert code == 0, proc.stderr.read()
    assert lines.get(timeout=5).startswith("westdev explorer: stopped")
