"""The explorer in a real browser: Debian's chromium driven by playwright, against
``westdev explore`` started as a subprocess (once for this module).

Offline is checked on both sides: every request of the page is routed and any to a host
other than 127.0.0.1/localhost fails the test (and is aborted); the server runs with
`offline_guard`, which refuses and records any connection or name lookup it would make to
another host. Skipped, with the reason, where chromium or the explorer's packages are missing
(a fresh machine with only Python: `.ci/run` installs chromium with apt-get).
"""

from __future__ import annotations

import queue
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import pytest

from westdev.api import ResultsStore
from westdev.cli import main
from westdev.explorer import core

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"no browser at {CHROMIUM}: install Debian's chromium (apt-get install -y "
                "chromium; .ci/run does) to run the explorer's browser test",
                allow_module_level=True)
pytest.importorskip("playwright.sync_api", reason="playwright is not installed "
                    "(pip install -e '.[test]')")
pytest.importorskip("solara", reason="the explorer's extra is not installed "
                    "(pip install -e '.[test]')")
from playwright.sync_api import sync_playwright  # noqa: E402

HERE = Path(__file__).resolve().parent
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
CIT = "fiscal.cit_rate_encouraged_west"
FIELD = ".wd-lever-fiscal-cit_rate_encouraged_west"
WAIT_MS = 90_000  # generous: CI machines are shared
REPS = core.DEFAULT_REPLICATES  # the page's default: the baseline's runs are the warm-up's


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`westdev explore --port 0` in a subprocess with the offline guard; yields (url, guard
    log); stops it with Ctrl-C (SIGINT) and checks that it exits cleanly."""
    tmp = tmp_path_factory.mktemp("explore-server")
    guard_log = tmp / "outside.log"
    code = (f"import sys; sys.path.insert(0, {str(HERE)!r}); import offline_guard; "
            f"offline_guard.install({str(guard_log)!r}); from westdev.cli import main; "
            "sys.exit(main(['explore', '--port', '0']))")
    stderr = (tmp / "server.err").open("w")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=tmp, stdout=subprocess.PIPE,
                            stderr=stderr, text=True)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(ln) for ln in proc.stdout], daemon=True).start()
    try:
        first = lines.get(timeout=120)
    except queue.Empty:
        proc.kill()
        pytest.fail("westdev explore printed no address in 120 s: "
                    + (tmp / "server.err").read_text())
    match = re.search(r"http://127\.0\.0\.1:\d+/", first)
    assert match, f"no address in {first!r}"
    yield match.group(0), guard_log
    proc.send_signal(signal.SIGINT)
    try:
        code = proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("westdev explore did not stop on Ctrl-C within 30 s")
    stderr.close()
    assert code == 0, (tmp / "server.err").read_text()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


class Watch:
    """A page whose every request is routed: other hosts are aborted and recorded, as are
    local responses that failed and errors in the page's scripts."""

    def __init__(self, browser, downloads: bool = True) -> None:
        self.outside: list[str] = []
        self.bad: list[str] = []
        self.errors: list[str] = []
        self.context = browser.new_context(accept_downloads=downloads,
                                           viewport={"width": 1500, "height": 1000})
        self.page = page = self.context.new_page()
        page.route("**/*", self._route)
        page.on("websocket", self._websocket)
        page.on("response", lambda r: self.bad.append(f"{r.status} {r.url}")
                if r.status >= 400 else None)
        page.on("requestfailed", lambda r: self.bad.append(f"failed {r.url}")
                if _host(r.url) in LOCAL_HOSTS else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or _host(url) in LOCAL_HOSTS:
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def _websocket(self, ws) -> None:
        if _host(ws.url) not in LOCAL_HOSTS:
            self.outside.append(ws.url)

    def check(self, guard_log: Path) -> None:
        assert self.outside == [], f"requests to other hosts: {self.outside}"
        assert self.bad == [], f"failed requests: {self.bad}"
        assert self.errors == [], f"errors in the page: {self.errors}"
        outside = guard_log.read_text() if guard_log.exists() else ""
        assert outside == "", f"the server reached for other hosts: {outside}"

    def close(self) -> None:
        self.context.close()


def _host(url: str) -> str | None:
    return urlparse(url).hostname


def first_view(page, url: str) -> None:
    page.goto(url)
    page.locator('[data-status="done"][data-run="1"]').wait_for(timeout=WAIT_MS)


def goal_chart(page) -> str:
    return page.locator('img[data-chart="goals"]').get_attribute("src")


def shown(page, key: str, col: str) -> str:
    return page.locator(f'td[data-key="{key}"][data-col="{col}"]').inner_text().strip()


def download(page, label: str, folder: Path) -> Path:
    with page.expect_download(timeout=WAIT_MS) as info:
        page.get_by_text(label, exact=True).click()
    target = folder / info.value.suggested_filename
    info.value.save_as(target)
    return target


def test_the_page_offline_bad_input_a_lever_change_and_the_cli(server, browser, tmp_path):
    """One visit, as the issue describes it (one test, so one server per test run)."""
    url, guard_log = server
    watch = Watch(browser)
    page = watch.page
    first_view(page, url)
    before = goal_chart(page)
    assert before.startswith("data:image/png;base64,")
    assert shown(page, "west_east_ratio_income", "baseline")  # numbers of the first view

    # bad input: a clear message under the field, and Run runs nothing
    n_fiscal = len(core.levers_by_area()["fiscal"])  # the panel's title counts its levers
    page.get_by_text(f"Fiscal and tax ({n_fiscal})").click()
    field = page.locator(f"{FIELD} .wd-field input")
    field.fill("abc")
    field.press("Enter")
    page.locator(FIELD).get_by_text("“abc” is not a number.").wait_for(timeout=WAIT_MS)
    page.locator(".wd-run").click()
    blocked = page.locator('[data-status="blocked"]')
    blocked.wait_for(timeout=WAIT_MS)
    assert "Not run: 1 field(s)" in blocked.inner_text()
    assert "Fiscal and tax: Corporate income tax rate" in blocked.inner_text()
    field.fill("0.3")
    field.press("Enter")
    page.locator(FIELD).get_by_text("0.3 is outside the allowed range 0–0.25 rate.").wait_for(
        timeout=WAIT_MS)
    reps = page.locator(".wd-replicates input")
    reps.fill("two")
    reps.press("Enter")
    page.get_by_text("“two” is not a whole number.").wait_for(timeout=WAIT_MS)
    page.locator(".wd-run").click()
    page.get_by_text("Not run: 2 field(s)").wait_for(timeout=WAIT_MS)
    page.wait_for_timeout(1000)
    assert page.locator('[data-run="2"]').count() == 0, "a run started despite bad fields"
    assert page.locator('[data-status="done"][data-run="1"]').count() == 1

    # a lever change: Run, the chart changes, within seconds
    reps.fill(str(REPS))
    reps.press("Enter")
    field.fill("0.1")
    field.press("Enter")
    page.get_by_text("1 lever(s) changed from the preset").first.wait_for(timeout=WAIT_MS)
    assert blocked.count() == 1  # the message stays until the next press of Run
    start = time.perf_counter()
    page.locator(".wd-run").click()
    cell = page.locator('td[data-key="west_east_ratio_income"][data-col="scenario"]')
    cell.wait_for(timeout=WAIT_MS)
    to_numbers = time.perf_counter() - start
    page.locator('[data-status="done"][data-run="2"]').wait_for(timeout=WAIT_MS)
    to_all = time.perf_counter() - start
    print(f"\nRun → numbers and goal chart {to_numbers:.1f} s, → every chart {to_all:.1f} s; "
          + page.locator('[data-status="done"]').inner_text())
    assert blocked.count() == 0
    assert goal_chart(page) != before, "the goal chart did not change"
    assert page.locator('img[data-chart="tiles"]').count() == 1
    assert page.locator('img[data-chart="ce"]').count() == 1
    numbers = {ind: shown(page, ind, "scenario") for ind in core.GOAL_ROWS}
    page.screenshot(path=tmp_path / "explorer.png", full_page=True)

    # the downloads, and the command line on the downloaded scenario
    toml = download(page, "Scenario (TOML)", tmp_path)
    assert toml.name == "baseline_edited.toml"
    parquet = pd.read_parquet(download(page, "Results (Parquet)", tmp_path))
    assert set(parquet["scenario"]) == {"baseline", "baseline_edited"}
    assert parquet["replicate"].nunique() == REPS
    assert page.get_by_text("Results (CSV)", exact=True).count() == 1
    # the command line (its main(), as the console script calls it) on the downloaded file
    assert main(["validate", str(toml)]) == 0
    out = tmp_path / "cli"
    assert main(["run", str(toml), "--replicates", str(REPS), "--root-seed", "20200517",
                 "--resolution", "small", "--out", str(out), "--backend", "serial",
                 "--quiet"]) == 0
    results = ResultsStore(out).results
    at = results[(results["year"] == 2035) & (results["area"] == "West")]
    for ind, text in numbers.items():
        assert text == f"{at.loc[at['indicator'] == ind, 'value'].mean():.4f}", ind
    page_rows = parquet[parquet["scenario"] == "baseline_edited"]
    key = ["run_id", "year", "area", "indicator"]
    merged = page_rows.merge(results, on=key, suffixes=("_page", "_cli"), validate="1:1")
    assert len(merged) == len(results) == len(page_rows)
    assert (merged["value_page"] == merged["value_cli"]).all()

    # the same page in Chinese
    page.locator(".wd-lang-zh").click()
    page.get_by_text("运行", exact=True).wait_for(timeout=WAIT_MS)
    page.get_by_text("2035 年目标比值").wait_for(timeout=WAIT_MS)
    assert shown(page, "west_east_ratio_income", "scenario") == numbers["west_east_ratio_income"]
    watch.check(guard_log)
    watch.close()
