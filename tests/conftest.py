"""Suite-wide guards: no test may open a network connection to another host, and no test
writes the learner's real progress file."""

import socket

import pytest

from network_guard import NetworkGuard


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
    """Quiz progress and other per-learner state go to a temporary folder during tests."""
    monkeypatch.setenv("RNN_COURSE_DATA_DIR", str(tmp_path_factory.mktemp("learner-data")))
