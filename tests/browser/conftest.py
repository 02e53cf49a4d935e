"""JupyterLab in headless Chromium: one server and one browser for the whole session.

Fixtures
    lab_server  `jupyter lab` from this venv, serving a temporary copy of lessons/ (and quizzes/),
                with a fixed token on a free local port; stopped at the end of the session.
    browser     Debian's Chromium (/usr/bin/chromium) driven by Playwright, headless.
    lab         a `LabPage` on a fresh browser page: open a notebook, run all cells, list error
                outputs, move a slider and watch its figure, save a screenshot.

A missing browser FAILS the tests (it never skips them): CI must not pass without having looked.
See /work/shared/recipes/jupyterlab-in-a-real-browser.md for why each flag is here.
"""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import itertools
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
TOKEN = "hpo-course-browser-tests"
SERVER_START_TIMEOUT_S = 60
NOTEBOOK_OPEN_TIMEOUT_S = 60
RUN_ALL_TIMEOUT_S = 240  # a hang detector, not a speed test: a lesson takes < 60 s on a fresh kernel
REDRAW_TIMEOUT_S = 20
# Settings the page starts with: no news / update toasts over the screenshots, and every cell
# attached to the DOM (JupyterLab 4 may otherwise leave off-screen cells out of the page).
LAB_OVERRIDES = {
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"},
}
# An exception shown in an output: IPython's traceback header, or "SomeError: message".
ERROR_TEXT_JS = r"/Traceback|\b\w*(Error|Exception):/"

pytestmark = pytest.mark.browser
_workspace_ids = itertools.count()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LabServer:
    url: str
    token: str
    root_dir: Path

    def api(self, path: str, method: str = "GET"):
        request = urllib.request.Request(
            f"{self.url}/api/{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Stop every session's kernel, so notebooks do not pile up kernels on a small machine."""
        for session in self.api("sessions"):
            self.api(f"sessions/{session['id']}", method="DELETE")


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory) -> LabServer:
    base = tmp_path_factory.mktemp("lab")
    root = base / "root"
    root.mkdir()
    for folder in ("lessons", "quizzes", "benchmarks/results"):  # lessons quote measured tables
        if (REPO / folder).is_dir():
            shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    settings = base / "app-settings"
    settings.mkdir()
    (settings / "overrides.json").write_text(json.dumps(LAB_OVERRIDES))

    port = _free_port()
    bin_dir = Path(sys.executable).parent  # this venv's bin: the server (and its kernel) are ours
    command = [
        str(bin_dir / "jupyter-lab"),
        "--no-browser",
        "--ip", "127.0.0.1",
        "--port", str(port),
        f"--IdentityProvider.token={TOKEN}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.app_settings_dir={settings}",
        f"--LabApp.user_settings_dir={base / 'user-settings'}",
        f"--LabApp.workspaces_dir={base / 'workspaces'}",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")
    env = dict(
        os.environ,
        JUPYTER_PREFER_ENV_PATH="1",
        JUPYTER_CONFIG_DIR=str(base / "config"),  # ignore the user's own server config
        JUPYTER_RUNTIME_DIR=str(base / "runtime"),
        IPYTHONDIR=str(base / "ipython"),  # and their IPython startup files
        PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    log_path = base / "jupyter-lab.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = LabServer(url=f"http://127.0.0.1:{port}", token=TOKEN, root_dir=root)
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"jupyter lab exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                server.api("")
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"jupyter lab did not answer on {server.url}/api within {SERVER_START_TIMEOUT_S} s:\n"
                        f"{log_path.read_text()[-3000:]}"
                    )
                time.sleep(0.25)
        yield server
    finally:
        process.terminate()  # jupyter_server stops its kernels on SIGTERM
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium. "
            "Install it with `apt-get install -y chromium` (never `playwright install`)."
        )
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


class LabPage:
    """One browser page on the lab server, with the few actions the tests need."""

    def __init__(self, page, server: LabServer):
        self.page = page
        self.server = server
        self.path = None
        self.page_errors: list[str] = []
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))

    # -- opening and running -----------------------------------------------------------------
    def open(self, path: str) -> None:
        """Open `path` (relative to the server root) and wait until its kernel is idle."""
        self.path = path
        # A workspace of its own: otherwise JupyterLab reopens the previous test's notebooks (and kernels).
        workspace = f"test-{next(_workspace_ids)}"
        self.page.goto(f"{self.server.url}/lab/workspaces/{workspace}/tree/{quote(path)}?token={self.server.token}")
        try:
            self.page.wait_for_function(
                """(path) => {
                    const app = window.jupyterapp;
                    const nb = app && app.shell.currentWidget;
                    if (!nb || !nb.context || nb.context.path !== path || !nb.sessionContext) return false;
                    if (document.querySelector('.jp-Dialog')) return true;  // reported below
                    const kernel = nb.sessionContext.session && nb.sessionContext.session.kernel;
                    return nb.content.widgets.length > 0 && kernel && kernel.status === 'idle';
                }""",
                arg=path,
                timeout=NOTEBOOK_OPEN_TIMEOUT_S * 1000,
                polling=500,
            )
        except Exception as exc:
            self.screenshot(f"{Path(path).stem}-open-failed")
            raise AssertionError(f"{path}: notebook or kernel not ready in {NOTEBOOK_OPEN_TIMEOUT_S} s") from exc
        dialog = self.page.query_selector(".jp-Dialog")
        if dialog is not None:
            raise AssertionError(
                f"{path}: a dialog blocks the notebook ({dialog.inner_text()[:200]!r}); "
                "is metadata.kernelspec missing?"
            )

    def run_all(self, timeout_s: float = RUN_ALL_TIMEOUT_S) -> float:
        """Run all cells; wait for the kernel to be idle with no `[*]` prompt. Returns seconds taken."""
        start = time.monotonic()
        self.page.evaluate(
            """() => {
                window.__runAll = undefined;
                Promise.resolve(window.jupyterapp.commands.execute('notebook:run-all-cells')).then(
                    (ok) => { window.__runAll = {ok: ok}; },
                    (error) => { window.__runAll = {error: String(error)}; });
            }"""
        )
        try:
            self.page.wait_for_function(
                """() => {
                    if (window.__runAll === undefined) return false;
                    const nb = window.jupyterapp.shell.currentWidget;
                    const kernel = nb.sessionContext.session && nb.sessionContext.session.kernel;
                    if (!kernel || kernel.status !== 'idle') return false;
                    return ![...nb.node.querySelectorAll('.jp-InputPrompt')]
                        .some((p) => p.textContent.includes('[*]'));
                }""",
                timeout=timeout_s * 1000,
                polling=500,
            )
        except Exception as exc:
            self.screenshot(f"{Path(self.path).stem}-timeout")
            raise AssertionError(f"{self.path}: Run All did not finish within {timeout_s} s") from exc
        return time.monotonic() - start

    # -- what the page shows -------------------------------------------------------------------
    def error_outputs(self) -> list[str]:
        """Every error the run left: error outputs in the notebook model, and outputs on the page that
        show a traceback or a widget that failed to display. Harmless stderr (warnings, progress bars)
        is not an error."""
        return self.page.evaluate(
            """(errorText) => {
                const errorRe = new RegExp(errorText.slice(1, -1));
                const nb = window.jupyterapp.shell.currentWidget;
                const found = [];
                nb.content.widgets.forEach((cell, i) => {
                    if (cell.model.type !== 'code') return;
                    for (const out of cell.model.outputs.toJSON()) {
                        if (out.output_type === 'error') found.push(`cell ${i}: ${out.ename}: ${out.evalue}`);
                    }
                });
                const stderr = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]';
                for (const el of nb.node.querySelectorAll(stderr)) {
                    if (errorRe.test(el.textContent)) found.push(`stderr on page: ${el.textContent.slice(0, 300)}`);
                }
                for (const el of nb.node.querySelectorAll('.jp-OutputArea-output')) {
                    if (el.textContent.includes('Error displaying widget'))
                        found.push(`widget on page: ${el.textContent.slice(0, 300)}`);
                }
                return found;
            }""",
            ERROR_TEXT_JS,
        )

    def run_all_status(self):
        return self.page.evaluate("() => window.__runAll")

    def assert_ran_cleanly(self) -> None:
        errors = self.error_outputs()
        status = self.run_all_status()
        problems = list(errors)
        if status != {"ok": True}:
            problems.append(f"Run All reported {status}")
        if problems:
            if self.page_errors:  # context only: JupyterLab's own JavaScript errors, if any
                problems.append("JavaScript errors on the page: " + "; ".join(self.page_errors[:5]))
            raise AssertionError(f"{self.path}: " + "\n".join(problems))

    def slider_widgets(self, wait_s: float = 0):
        """Top-level widget outputs that hold a slider and an <img> (a figure the widget draws).
        With `wait_s`, wait that long for at least one (widget views render after the kernel is idle)."""
        outputs = self.page.locator(".jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output")
        deadline = time.monotonic() + wait_s
        while True:
            found = [w for w in outputs.all() if w.locator(".widget-slider").count() and w.locator("img").count()]
            if found or time.monotonic() >= deadline:
                return found
            self.page.wait_for_timeout(250)

    def check_slider_redraws(self, widget, presses: int = 3, timeout_s: float = REDRAW_TIMEOUT_S) -> dict:
        """Focus the widget's first slider handle, press ArrowRight (ArrowLeft if the slider is at its
        end), and wait until the widget's <img> sources change. Returns what moved; raises
        AssertionError naming what did not."""
        slider = widget.locator(".widget-slider").first
        readout = slider.locator(".widget-readout")

        def state():
            value = readout.first.inner_text() if readout.count() else None
            return value, widget.locator("img").evaluate_all("(imgs) => imgs.map((i) => i.src)")

        value_before, images_before = state()
        moved = False
        for key in ("ArrowRight", "ArrowLeft"):
            slider.locator(".noUi-handle").first.focus()
            for _ in range(presses):
                self.page.keyboard.press(key)
            self.page.wait_for_timeout(300)
            if readout.count() == 0 or state()[0] != value_before:
                moved = True
                break
        value_after = state()[0]
        if not moved:
            raise AssertionError(f"{self.path}: slider readout stayed at {value_before!r} after arrow keys")
        deadline = time.monotonic() + timeout_s
        while True:
            images = state()[1]
            if images and images != images_before:
                return {"value_before": value_before, "value_after": value_after}
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"{self.path}: slider moved {value_before!r} -> {value_after!r}, "
                    f"but its figure did not change within {timeout_s} s"
                )
            self.page.wait_for_timeout(250)

    @staticmethod
    def artifact(name: str) -> Path:
        """Where a screenshot called `name` goes: test-artifacts/<name>.png at the repository root."""
        ARTIFACTS.mkdir(exist_ok=True)
        return ARTIFACTS / f"{name}.png"

    def screenshot(self, name: str) -> Path:
        """Save the whole notebook (the page is stretched to its height, up to 16000 px)."""
        target = self.artifact(name)
        height = self.page.evaluate(
            """() => {
                const page = document.documentElement.clientHeight;
                const nb = window.jupyterapp && window.jupyterapp.shell.currentWidget;
                const scroller = nb && nb.node.querySelector('.jp-WindowedPanel-outer');
                if (!scroller) return page;
                scroller.scrollTop = 0;  // Run All leaves it at the last cell
                return page + scroller.scrollHeight - scroller.clientHeight;
            }"""
        )
        viewport = self.page.viewport_size
        self.page.set_viewport_size({"width": viewport["width"], "height": min(int(height), 16000)})
        self.page.wait_for_timeout(300)
        self.page.screenshot(path=str(target))
        self.page.set_viewport_size(viewport)
        return target


@pytest.fixture
def lab(browser, lab_server):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        yield LabPage(page, lab_server)
    finally:
        context.close()
        lab_server.shutdown_kernels()
