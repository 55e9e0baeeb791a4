"""Suite-wide set-up and guards.

- Kernels started by the tests (nbval, nbclient, JupyterLab) run this interpreter: a private
  kernelspec is put first on JUPYTER_PATH, so a user-level "python3" kernel cannot replace it.
- Per-learner state (quiz progress) goes to a temporary folder, never the real one.
- No test may open a network connection to another host.
"""

import json
import os
import socket
import sys
import tempfile
from pathlib import Path

import pytest

from network_guard import NetworkGuard


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


@pytest.fixture(autouse=True)
def network_guard(monkeypatch, request):
    guard = NetworkGuard()
    monkeypatch.setattr(socket.socket, "connect", lambda s, a: guard.connect(s, a))
    monkeypatch.setattr(socket.socket, "connect_ex", lambda s, a: guard.connect_ex(s, a))
    yield guard
    if guard.blocked and "allow_blocked_connection" not in request.keywords:
        pytest.fail(f"the test tried to reach {guard.blocked}: only loopback is allowed")


@pytest.fixture(autouse=True)
def private_data_dir(monkeypatch, tmp_path_factory):
    """Each test gets its own empty folder for quiz progress and other per-learner state."""
    monkeypatch.setenv("RNN_COURSE_DATA_DIR", str(tmp_path_factory.mktemp("learner-data")))
