"""End to end: the target tuning panel served by Voila and driven in headless Debian Chromium
(Playwright's sync API with the system browser; `playwright install` is never needed).

The widget logic itself is tested without a browser in tests/test_targets_panel.py; this
test only checks that the panel renders, reacts to a control and saves from a real page.
"""
from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "tests" / "browser" / "tuning_app.ipynb"

pytestmark = pytest.mark.slow

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic", "--no-first-run", "--disable-dev-shm-usage",
                 "--no-proxy-server"]
TIMEOUT_MS = 60_000


def _chromium() -> str:
    path = shutil.which("chromium")
    if path:
        return path
    pytest.skip("Debian chromium is not installed: apt-get install chromium")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = 60.0) -> None:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never via a proxy
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"voila exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            # Any HTTP answer (a 404 here) means the server listens; "/" itself would start a kernel.
            opener.open(url + "voila/static/kpi-probe", timeout=2).close()
            return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.2)
    raise AssertionError(f"voila did not answer within {timeout:.0f} s:\n{log.read_text(errors='replace')[-3000:]}")


@pytest.fixture
def voila_app(tmp_path):
    """Voila serving the tuning app on a free loopback port; yields (url, store folder)."""
    pytest.importorskip("voila", reason="voila is not installed: pip install -e '.[test]'")
    store = tmp_path / "targets"
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ)
    env.update(HOME=str(home), KPI_PANEL_STORE=str(store), PYTHONPATH=str(ROOT),
               JUPYTER_CONFIG_DIR=str(tmp_path / "jupyter-config"), JUPYTER_DATA_DIR=str(tmp_path / "jupyter-data"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "jupyter-runtime"), IPYTHONDIR=str(tmp_path / "ipython"),
               MPLCONFIGDIR=str(tmp_path / "mpl"), JUPYTER_PLATFORM_DIRS="1", PYDEVD_DISABLE_FILE_VALIDATION="1")
    env.pop("BROWSER", None)
    port = _free_port()
    log = tmp_path / "voila.log"
    cmd = [sys.executable, "-m", "voila", str(APP), "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1",
           "--Voila.open_browser=False", "--Voila.port_retries=0", "--show_tracebacks=True"]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        _wait_until_up(url, proc, log)
        yield url, store, log
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        try:  # anything Voila left behind in the session it started (a kernel, if it did not shut it down)
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass


@pytest.fixture
def page(tmp_path):
    """A headless Debian Chromium page (no network beyond loopback)."""
    executable = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install playwright")
    profile = tmp_path / "chromium-home"
    profile.mkdir()
    env = dict(os.environ, HOME=str(profile))
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, env=env, headless=True,
                                     timeout=TIMEOUT_MS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            pg = context.new_page()
            pg.set_default_timeout(TIMEOUT_MS)
            # Only the loopback Voila server: the CDN fonts/scripts Voila's page references are blocked.
            pg.route("**/*", lambda route: route.continue_() if route.request.url.startswith(
                ("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) else route.abort())
            yield pg
        finally:
            browser.close()


def test_panel_in_headless_chromium_moves_cost_and_saves(page, voila_app):  # page first: skips before Voila starts
    url, store, log = voila_app
    started = time.monotonic()
    try:
        _drive(page, url, store)
    except AssertionError as exc:
        shot = log.with_name("failure.png")
        try:
            page.screenshot(path=str(shot), full_page=True)
        except Exception:  # noqa: BLE001 - diagnostics only
            pass
        raise AssertionError(f"{exc}\n(screenshot: {shot})\nvoila log:\n"
                             f"{log.read_text(errors='replace')[-3000:]}") from exc
    print(f"browser part took {time.monotonic() - started:.1f} s")


def _drive(page, url: str, store: Path) -> None:
    from playwright.sync_api import expect

    page.goto(url, wait_until="domcontentloaded")

    # Wait for the widgets, not only the page: the cost block is rendered by the kernel.
    cost = page.locator(".kpi-cost")
    expect(cost).to_have_count(1, timeout=TIMEOUT_MS)
    expect(page.locator("table.kpi-targets").filter(has_text="工号")).to_be_visible(timeout=TIMEOUT_MS)
    before_raw = cost.get_attribute("data-cost")
    before = float(before_raw)
    assert before > 0
    assert cost.get_attribute("data-budget") == "30000.0"

    # The growth slider: type a new value into its readout and press Enter.
    growth = page.locator(".widget-slider").filter(has_text="增长率")
    expect(growth).to_have_count(1, timeout=TIMEOUT_MS)
    readout = growth.locator(".widget-readout")
    expect(readout).to_have_text(re.compile(r"^\s*0(\.0+)?\s*$"), timeout=TIMEOUT_MS)
    readout.click()
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("20")
    page.keyboard.press("Enter")
    expect(readout).to_have_text(re.compile(r"^\s*20(\.0+)?\s*$"), timeout=TIMEOUT_MS)
    # Higher targets → fewer people reach them → a lower expected bonus cost.
    expect(cost).not_to_have_attribute("data-cost", before_raw, timeout=TIMEOUT_MS)
    after = float(cost.get_attribute("data-cost"))
    assert after < before, (before, after)

    # Save with a reason.
    page.locator(".widget-text").filter(has_text="调整原因").locator("input").fill("browser test: growth 20%")
    page.get_by_role("button", name="保存目标版本").click()
    expect(page.get_by_text("已保存目标版本 v1")).to_be_visible(timeout=TIMEOUT_MS)

    from kpi_lib.targets.versions import list_versions
    versions = list_versions(store)
    assert list(versions["version"]) == [1], versions
    assert versions["reason"].iat[0] == "browser test: growth 20%"
