"""Fixtures for browser tests: JupyterLab (and Jupyter Notebook 7) on loopback + Debian's
headless Chromium.

One JupyterLab server per session, and one Jupyter Notebook 7 server when a test asks for
it through the `front_end` fixture (each started with tests/support.py: free loopback port,
random token, isolated HOME / Jupyter dirs / settings, root_dir a temp folder,
RNN_COURSE_DATA_DIR a temp folder), and one Chromium context whose network is limited to
loopback and files on disk (the built course site). Per test, the `lab`
fixture gives a fresh page with helpers (write and open a notebook, run all cells, wait until
idle, collect error texts); a failing test leaves a screenshot in test-artifacts/.

Mark browser tests with ``@pytest.mark.browser``. Without Chromium they skip, or fail when the
environment variable CI is set.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from support import isolated_jupyter_env, log_tail, running_lab

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
# Beyond the route guard (which sees the page's HTTP requests): host names other than localhost
# do not resolve, and any other connection (a WebSocket to an address, Chromium's own traffic)
# goes to a proxy port where nothing listens; loopback is always direct.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
                 "--proxy-server=127.0.0.1:9"]
ERROR_TEXTS = ("Traceback", "Error displaying widget", "Loading widget")
LAB_SETTINGS = {
    "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none",
                                               "autoStartDefaultKernel": True},
    "@jupyterlab/apputils-extension/notification": {"fetchNews": "false",
                                                    "checkForUpdates": False},
}
START_TIMEOUT_S = 60
UI_TIMEOUT_MS = 90_000


@dataclass
class LabServer:
    """A running JupyterLab or Jupyter Notebook 7 (``app``: "lab" or "notebook"): its base
    URL, token, root folder, log file and process."""

    url: str
    token: str
    root: Path
    data_dir: Path
    log: Path
    process: subprocess.Popen = field(repr=False)
    app: str = "lab"

    def notebook_url(self, path: str) -> str:
        """The URL that opens the notebook ``path`` (relative to the root) in this front end;
        JupyterLab with a fresh workspace."""
        if self.app == "notebook":
            return f"{self.url}/notebooks/{path}?token={self.token}"
        return f"{self.url}/lab/tree/{path}?reset&token={self.token}"


@dataclass
class NetworkGuard:
    """A Playwright route handler that lets only loopback requests (and files on disk)
    through and records the others (the course must work offline)."""

    blocked: list[str] = field(default_factory=list)

    def __call__(self, route) -> None:
        url = route.request.url
        if urlsplit(url).hostname in LOOPBACK_HOSTS or urlsplit(url).scheme == "file":
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the item, so fixtures can see whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium (`playwright install` cannot download a browser here)."""
    path = shutil.which("chromium")
    if path is None:
        reason = "Chromium is not on PATH (Debian: apt-get install chromium); browser tests need it"
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return path


FRONT_END_OPTIONS = {
    "lab": ["--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.news_url=None", "--LabApp.extension_manager=readonly"],
    "notebook": [],     # Jupyter Notebook 7: no news or update checks of its own
}


def _serve(tmp_path_factory, app: str):
    """Run ``jupyter {app}`` on 127.0.0.1 with a random token, isolated home and root; yield
    the `LabServer`, then stop it (with its kernels)."""
    base = tmp_path_factory.mktemp(f"jupyter{app}")
    root, data_dir = base / "root", base / "course-data"
    for folder in (root, data_dir):
        folder.mkdir()
    env = isolated_jupyter_env(base / "home", RNN_COURSE_DATA_DIR=str(data_dir))
    _write_lab_settings(Path(env["JUPYTERLAB_SETTINGS_DIR"]))
    port, token = _free_port(), secrets.token_hex(16)
    log = base / f"jupyter{app}.log"
    arguments = ["--no-browser", "--allow-root", "--ServerApp.ip=127.0.0.1",
                 f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
                 f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
                 *FRONT_END_OPTIONS[app]]
    with running_lab(arguments, cwd=root, env=env, log=log, app=app) as process:
        server = LabServer(f"http://127.0.0.1:{port}", token, root, data_dir, log, process, app)
        _wait_until_ready(server)
        yield server


@pytest.fixture(scope="session")
def jupyter_lab(tmp_path_factory, chromium_path) -> LabServer:
    """JupyterLab on 127.0.0.1 with a random token; stopped (with its kernels) at the end."""
    yield from _serve(tmp_path_factory, "lab")


@pytest.fixture(scope="session")
def jupyter_notebook(tmp_path_factory, chromium_path) -> LabServer:
    """Jupyter Notebook 7 (the `notebook` package), set up like `jupyter_lab`."""
    yield from _serve(tmp_path_factory, "notebook")


@pytest.fixture(scope="session")
def browser_session(chromium_path, tmp_path_factory):
    """One persistent Chromium context (headless) with the loopback-only route guard."""
    from playwright.sync_api import sync_playwright

    guard = NetworkGuard()
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=chromium_path,
            headless=True, args=CHROMIUM_ARGS, viewport={"width": 1280, "height": 1000})
        context.route("**/*", guard)
        try:
            yield context, guard
        finally:
            context.close()


@pytest.fixture
def lab(request, jupyter_lab, browser_session):
    """A fresh page on the session's JupyterLab, as a `Lab` helper. On failure a screenshot is
    saved to test-artifacts/; any request to a non-loopback host fails the test."""
    yield from _guarded_page(request, jupyter_lab, browser_session)


@pytest.fixture
def front_end(request, browser_session):
    """Like `lab`, on the front end named by the indirect parameter: "lab" (JupyterLab) or
    "notebook" (Jupyter Notebook 7)."""
    server = request.getfixturevalue({"lab": "jupyter_lab", "notebook": "jupyter_notebook"}[
        request.param])
    yield from _guarded_page(request, server, browser_session)


def _guarded_page(request, server: LabServer, browser_session):
    context, guard = browser_session
    already_blocked = len(guard.blocked)
    page = context.new_page()
    helper = Lab(page, server)
    yield helper
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        folder = Path(request.config.rootpath) / "test-artifacts"
        folder.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    page.close()
    blocked = guard.blocked[already_blocked:]
    if blocked:
        pytest.fail(f"the page requested non-loopback URLs (blocked): {blocked}", pytrace=False)


class Lab:
    """Helpers to drive one JupyterLab (or Notebook 7: the same notebook panel, menus and
    kernel indicator) page."""

    def __init__(self, page, server: LabServer):
        self.page, self.server = page, server

    def write_notebook(self, name: str, sources: list[str]) -> str:
        """Write a notebook of code cells into the server's root; return its relative path."""
        notebook = nbformat.v4.new_notebook()
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                           "language": "python"}
        notebook.cells = [nbformat.v4.new_code_cell(source) for source in sources]
        nbformat.write(notebook, self.server.root / name)
        return name

    def open_notebook(self, path: str) -> None:
        """Open ``path`` (relative to the root) with a fresh workspace; wait for an idle kernel."""
        self.page.goto(self.server.notebook_url(path))
        self.page.wait_for_selector(".jp-NotebookPanel .jp-Notebook", timeout=UI_TIMEOUT_MS)
        dialog = self.page.locator(".jp-Dialog .jp-mod-accept")
        if dialog.count():
            dialog.first.click()
        self.wait_idle()

    def run_all(self) -> None:
        """Run > Run All Cells, then wait until every code cell has an execution count."""
        self.page.click(".lm-MenuBar-itemLabel:text-is('Run')")
        self.page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
        self.page.wait_for_function(
            """() => {
                const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')];
                return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
            }""", timeout=UI_TIMEOUT_MS)
        self.wait_idle()

    def open_and_run(self, front_end: str, path: str) -> None:
        """Open ``path`` in ``front_end`` ("lab": JupyterLab, "notebook7": Jupyter Notebook 7,
        which the same server serves) and run all its cells."""
        if front_end == "lab":
            self.open_notebook(path)
            self.run_all()
            return
        page, server = self.page, self.server
        page.goto(f"{server.url}/notebooks/{path}?token={server.token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=UI_TIMEOUT_MS)
        page.wait_for_function(
            "() => { const s = document.querySelector('.jp-Notebook-ExecutionIndicator');"
            " return s !== null && s.dataset.status === 'idle'; }", timeout=UI_TIMEOUT_MS)
        for _ in range(4):            # a Run All sent before the kernel is ready can be lost
            page.click(".lm-MenuBar-itemLabel:text-is('Run')")
            page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
            try:
                page.wait_for_function(
                    """() => [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
                        .every(p => /\\[\\d+\\]/.test(p.textContent))""", timeout=30_000)
                return
            except PlaywrightTimeout:
                continue
        pytest.fail("Notebook 7 did not run the cells", pytrace=False)

    def wait_idle(self) -> None:
        """Wait until a kernel is attached and idle (before the kernel starts, the indicator
        already says idle next to "No Kernel")."""
        self.page.wait_for_function(
            """() => {
                const name = document.querySelector('.jp-NotebookPanel .jp-Toolbar-kernelName');
                const state = document.querySelector('.jp-Notebook-ExecutionIndicator');
                return name !== null && !/No Kernel/.test(name.textContent)
                    && state !== null && state.dataset.status === 'idle';
            }""", timeout=UI_TIMEOUT_MS)

    def error_texts(self) -> list[str]:
        """Texts of outputs that show an error or a widget that did not render."""
        outputs = self.page.locator(".jp-OutputArea-output").all_inner_texts()
        return [text for text in outputs if any(marker in text for marker in ERROR_TEXTS)]


def _write_lab_settings(settings: Path) -> None:
    """JupyterLab's settings from LAB_SETTINGS (no news, no windowing, kernel at once)."""
    for plugin, values in LAB_SETTINGS.items():
        target = settings / f"{plugin}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(values), encoding="utf-8")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


_NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _wait_until_ready(server: LabServer) -> None:
    status = f"{server.url}/api/status?token={server.token}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            with _NO_PROXY.open(status, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"JupyterLab did not start within {START_TIMEOUT_S} s "
                f"(exit code {server.process.poll()}); log tail:\n{log_tail(server.log)}",
                pytrace=False)
