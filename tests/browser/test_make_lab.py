"""`make lab` opens the course, not a folder: the server is started by `make lab` itself (the learner's
command line, with only LAB_ARGS added for a headless test), its root is the repository, lesson 00 is the
page it opens first, and a lesson's link to its quiz opens the quiz."""
from __future__ import annotations

import os
import re
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO, SERVER_START_TIMEOUT_S, _free_port

pytestmark = pytest.mark.browser
TOKEN = "hpo-course-make-lab"


@pytest.fixture(scope="module")
def make_lab(tmp_path_factory):
    base = tmp_path_factory.mktemp("make-lab")
    port = _free_port()
    lab_args = (f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.port_retries=0 "
                f"--IdentityProvider.token={TOKEN} --LabApp.expose_app_in_browser=True")
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(base / "runtime"), JUPYTER_CONFIG_DIR=str(base / "config"),
               IPYTHONDIR=str(base / "ipython"))
    log_path = base / "make-lab.log"
    with open(log_path, "wb") as log:
        # start_new_session: the test stops make and the server it started as one process group.
        process = subprocess.Popen(["make", "-C", str(REPO), "lab", f"LAB_ARGS={lab_args}"], env=env,
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"make lab exited with {process.returncode}:\n{log_path.read_text()[-3000:]}")
            try:
                api(url, "")
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.monotonic() > deadline:
                    pytest.fail(f"make lab did not answer on {url} within {SERVER_START_TIMEOUT_S} s:\n"
                                f"{log_path.read_text()[-3000:]}")
                time.sleep(0.25)
        yield url, base / "runtime"
    finally:
        os.killpg(process.pid, 15)  # jupyter_server stops its kernels on SIGTERM
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait()


def api(url, path):
    request = urllib.request.Request(f"{url}/api/{path}", headers={"Authorization": f"token {TOKEN}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.read()


def opened_first(runtime: Path) -> str:
    """The page `make lab` opens in the learner's browser, from the redirect file the server writes."""
    deadline = time.monotonic() + 10
    while not (files := sorted(runtime.glob("jpserver-file-to-run-*-open.html"))):
        assert time.monotonic() < deadline, f"no file-to-run page in {runtime}: make lab opens no notebook"
        time.sleep(0.2)
    match = re.search(r'href="([^"]+)"', files[-1].read_text())
    assert match, files[-1].read_text()
    return match.group(1)


def test_the_server_root_is_the_course(make_lab):
    url, _ = make_lab
    for folder in ("lessons", "quizzes", "solutions"):
        api(url, f"contents/{folder}")  # raises HTTPError 404 when the folder is outside the root
    api(url, "contents/lessons/00_start_here.ipynb")


def test_lesson_00_opens_first_and_a_quiz_link_opens_the_quiz(make_lab, browser):
    url, runtime = make_lab
    first = opened_first(runtime)
    assert first.split("?")[0].endswith("/lab/tree/lessons/00_start_here.ipynb"), first
    page = browser.new_page()
    try:
        page.goto(f"{url}/lab/workspaces/make-lab/tree/lessons/03_grid_and_random.ipynb?token={TOKEN}")
        current = "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget; " \
                  "return w && w.context ? w.context.path : null; }"
        page.wait_for_function(f"({current})() === 'lessons/03_grid_and_random.ipynb'", timeout=60_000)
        link = page.locator('.jp-RenderedMarkdown a[href*="03_grid_and_random_quiz.ipynb"]').first
        link.scroll_into_view_if_needed(timeout=30_000)
        link.click()
        page.wait_for_function(f"({current})() === 'quizzes/03_grid_and_random_quiz.ipynb'", timeout=60_000)
    finally:
        page.close()
