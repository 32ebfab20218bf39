"""Fixtures for real-browser tests: a JupyterLab server and the system Chromium via Playwright.

Both skip with a reason when their piece is missing (no ``playwright`` package, no
``/usr/bin/chromium``); CI installs them (see ``.ci/run``). The browser is launched from the
system binary: ``playwright install`` needs downloads we do not rely on.

The server and the browser each start once per test session (once per pytest-xdist worker; a
browser launched for each test cost one to two seconds a test). Each test still starts from nothing of the last
one's: its own browser context (no cookies, storage or cache), JupyterLab's settings back to the
ones written here (a test that switches the theme leaves it switched on the server otherwise), its
own notebook and so its own kernel; the kernels a test started are shut down after it.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("DBMODEL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"


@dataclass(frozen=True)
class Lab:
    """A running JupyterLab: its base URL, token and notebook folder."""

    url: str
    token: str
    root: Path

    def open_url(self, path: str) -> str:
        return f"{self.url}/lab/tree/{path}?reset&token={self.token}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def chromium_path() -> str:
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install playwright)")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install -y chromium, or set DBMODEL_CHROMIUM)")
    return CHROMIUM


#: JupyterLab's user settings the fixtures write (path under the settings folder, content); a test's
#: own changes to the settings (the theme, say) are removed before the next test.
SETTINGS = {
    # every cell in the DOM (no virtual scrolling), so "the last cell" is the notebook's last cell
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": '{"windowingMode": "none"}',
    # no "get notified about Jupyter news?" prompt over the page (it would hide controls and screenshots)
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings":
        '{"fetchNews": "false", "checkForUpdates": false}',
}


def _reset_settings(folder: Path) -> None:
    """The settings folder holding exactly :data:`SETTINGS` (the server reads it on each request)."""
    for path in folder.rglob("*"):
        if path.is_file() and path.relative_to(folder).as_posix() not in SETTINGS:
            path.unlink()
    for name, text in SETTINGS.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


def _api(lab: Lab, method: str, path: str) -> object:
    request = urllib.request.Request(f"{lab.url}/api/{path}", method=method,
                                     headers={"Authorization": f"token {lab.token}"})
    with urllib.request.urlopen(request, timeout=30) as r:
        body = r.read()
    return json.loads(body) if body else None


@pytest.fixture(scope="session")
def _lab_server(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[tuple[Lab, Path]]:
    """JupyterLab on a free local port with a random token, serving a temporary folder; and its
    settings folder."""
    root = tmp_path_factory.mktemp("lab")
    state = tmp_path_factory.mktemp("jupyter-state")
    port, token = _free_port(), secrets.token_hex(16)
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(state / "config"), "JUPYTER_RUNTIME_DIR": str(state / "runtime"),
           "JUPYTERLAB_WORKSPACES_DIR": str(state / "workspaces"), "JUPYTERLAB_SETTINGS_DIR": str(state / "settings")}
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ServerApp.ip=127.0.0.1",
           f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
           "--ServerApp.port_retries=0", "--LabApp.news_url=", "--LabApp.check_for_updates_class="
           "jupyterlab.NeverCheckForUpdate", "--ServerApp.terminals_enabled=False"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root
        cmd.append("--allow-root")
    _reset_settings(state / "settings")
    log = (state / "lab.log").open("w")
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"JupyterLab exited with {proc.returncode}:\n{(state / 'lab.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("JupyterLab did not answer within 60 s")
            time.sleep(0.3)
        yield Lab(url, token, root), state / "settings"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        if (state / "lab.log").exists():
            ARTIFACTS.mkdir(exist_ok=True)
            shutil.copy(state / "lab.log", ARTIFACTS / "jupyterlab.log")


@pytest.fixture
def lab(_lab_server: tuple[Lab, Path]) -> Iterator[Lab]:
    """The session's JupyterLab, its settings as written at its start; the kernels the test started
    are shut down after it (each test opens its own notebook, so it gets its own kernel)."""
    server, settings = _lab_server
    _reset_settings(settings)
    before = {k["id"] for k in _api(server, "GET", "kernels")}  # type: ignore[union-attr]
    yield server
    for kernel in _api(server, "GET", "kernels"):  # type: ignore[union-attr]
        if kernel["id"] not in before:  # (the server shuts it down while the next test runs)
            threading.Thread(target=_shut_down, args=(server, kernel["id"]), daemon=True).start()


def _shut_down(lab: Lab, kernel_id: str) -> None:
    with contextlib.suppress(OSError):  # (gone already, or the server stopped first)
        _api(lab, "DELETE", f"kernels/{kernel_id}")


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Any]:
    """The system Chromium, launched once for the session; each test gets its own context."""
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        browser = pw.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()
    finally:
        pw.stop()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page in a new browser context; on failure a screenshot goes to ``test-artifacts/<test>.png``."""
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    page = context.new_page()
    messages: list[str] = []
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
    try:
        yield page
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is None or report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            name = request.node.name.replace("/", "_")
            try:
                page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            except Exception as e:  # the screenshot must not hide the real failure
                messages.append(f"screenshot failed: {e!r}")
            (ARTIFACTS / f"{name}.console.txt").write_text("\n".join(messages), encoding="utf-8")
        context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the test item, so the page fixture knows whether the test failed."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
