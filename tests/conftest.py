"""Suite-wide set-up and guards.

- Kernels started by the tests (nbval, nbclient, JupyterLab) run this interpreter: a private
  kernelspec is put first on JUPYTER_PATH, so a user-level "python3" kernel cannot replace it.
- Per-learner state (quiz progress) goes to a temporary folder, never the real one.
- Executing the lessons is the suite's expensive part, so it happens once: test_lesson_runs.py
  saves each lesson's first run into the session's `executed_lessons` folder, and the course
  site (tests marked ``site``, run last) is built from those runs.
- No test may reach another host: a network guard (network_guard.py, an audit hook) runs in
  this process and, through guarded_site/sitecustomize.py on PYTHONPATH, in every Python
  process the tests start; a test fails when any of them tried while it ran. The README's test
  command also runs the suite inside offline.py, where the operating system itself offers
  only loopback.
"""

import json
import os
import sys
import tempfile
from pathlib import Path

import pytest

import network_guard

TESTS = Path(__file__).resolve().parent
pytest_plugins = ("pytester",)


def pytest_configure(config):
    private = Path(tempfile.mkdtemp(prefix="rnn-course-tests-"))
    kernel = private / "jupyter" / "kernels" / "python3"
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (rnn-course tests)", "language": "python"}))
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [str(private / "jupyter"), *filter(None, [os.environ.get("JUPYTER_PATH")])])
    os.environ.setdefault("RNN_COURSE_DATA_DIR", str(private / "learner-data"))
    os.environ[network_guard.LOG_VARIABLE] = str(private / "network-attempts.jsonl")
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(TESTS / "guarded_site"), str(TESTS), *filter(None, [os.environ.get("PYTHONPATH")])])
    network_guard.install(os.environ[network_guard.LOG_VARIABLE])


@pytest.fixture(autouse=True)
def blocked_attempts(request):
    """The attempts to reach another host made (by any process) while the test runs; the test
    fails if there are any, unless it is marked ``allow_blocked_connection``."""
    log = os.environ[network_guard.LOG_VARIABLE]
    _, offset = network_guard.blocked_since(log, 0)
    attempts = []
    yield attempts
    attempts.extend(network_guard.blocked_since(log, offset)[0])
    if attempts and "allow_blocked_connection" not in request.keywords:
        pytest.fail(f"the test tried to reach another host (only loopback is allowed): {attempts}")


@pytest.fixture(autouse=True)
def private_data_dir(monkeypatch, tmp_path_factory):
    """Each test gets its own empty folder for quiz progress and other per-learner state."""
    monkeypatch.setenv("RNN_COURSE_DATA_DIR", str(tmp_path_factory.mktemp("learner-data")))


def pytest_collection_modifyitems(items):
    """Tests marked ``site`` run last, after test_lesson_runs.py has saved the executed lessons
    they build the course site from (alone, they execute the lessons themselves)."""
    items.sort(key=lambda item: item.get_closest_marker("site") is not None)


@pytest.fixture(scope="session")
def executed_lessons(tmp_path_factory) -> Path:
    """The session's folder of executed lessons (file name = the lesson's), filled by
    test_lesson_runs.py and read by the course site's build (widgets.site --executed)."""
    return tmp_path_factory.mktemp("executed-lessons")
