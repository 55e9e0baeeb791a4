"""The suite's network guard refuses non-loopback connections (and only those), in this process,
in Python subprocesses and in kernels; a test that tries fails even if it swallows the error;
and in CI the suite runs where the operating system itself offers only loopback."""

import errno
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

import network_guard
import offline

TEST_NET = ("192.0.2.1", 9)  # reserved for documentation: the guard refuses before any packet
LOG = network_guard.LOG_VARIABLE


@pytest.mark.parametrize("address, loopback", [
    (("127.0.0.1", 80), True), (("127.8.9.1", 80), True), (("::1", 80, 0, 0), True),
    (("localhost", 8888), True), ("/tmp/socket", True),
    (("192.0.2.1", 80), False), (("10.1.2.3", 443), False), (("example.org", 443), False),
])
def test_is_loopback(address, loopback):
    assert network_guard.is_loopback(address) is loopback


@pytest.mark.parametrize("host, local", [
    (None, True), ("localhost", True), ("127.0.0.1", True), (socket.gethostname(), True),
    ("example.org", False), ("8.8.8.8", False), (b"pypi-mirror.invalid", False),
])
def test_is_local_host(host, local):
    assert network_guard.is_local_host(host) is local


def attempts_during(action) -> list[dict]:
    _, offset = network_guard.blocked_since(os.environ[LOG], 0)
    action()
    return network_guard.blocked_since(os.environ[LOG], offset)[0]


@pytest.mark.allow_blocked_connection
def test_guard_refuses_and_records_a_connection_in_this_process():
    def connect():
        with socket.socket() as sock, pytest.raises(ConnectionRefusedError, match="network guard"):
            sock.connect(TEST_NET)

    attempts = attempts_during(connect)
    assert [a["target"] for a in attempts] == [repr(TEST_NET)]
    assert attempts[0]["pid"] == os.getpid()


@pytest.mark.allow_blocked_connection
def test_guard_refuses_name_lookups_of_other_hosts():
    def lookup():
        with pytest.raises(ConnectionRefusedError, match="network guard"):
            socket.getaddrinfo("example.org", 443)

    assert [a["event"] for a in attempts_during(lookup)] == ["socket.getaddrinfo"]


@pytest.mark.allow_blocked_connection
def test_guard_runs_in_python_subprocesses():
    code = f"import socket\ntry:\n    socket.create_connection({TEST_NET!r}, timeout=1)\n" \
           "except ConnectionRefusedError as error:\n    print(error)"
    result = []
    attempts = attempts_during(lambda: result.append(subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True)))
    assert "network guard" in result[0].stdout
    assert len(attempts) == 1 and attempts[0]["pid"] != os.getpid()


@pytest.mark.allow_blocked_connection
def test_guard_runs_in_kernels():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import urllib.request\nurllib.request.urlopen('http://192.0.2.1:9/', timeout=1)")])
    client = NotebookClient(notebook, timeout=60, kernel_name="python3")

    def run():
        with pytest.raises(CellExecutionError, match="network guard"):
            client.execute()

    attempts = attempts_during(run)
    assert any("ipykernel_launcher" in " ".join(a["argv"]) for a in attempts), attempts


def test_a_test_that_tries_fails_even_if_it_swallows_the_error(pytester, monkeypatch):
    """An inner pytest run with this suite's conftest: its test swallows the refusal, and is
    still reported as an error naming the target."""
    monkeypatch.delenv(LOG)
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).parent))
    pytester.makeconftest((Path(__file__).parent / "conftest.py").read_text())
    pytester.makepyfile(test_inner=f"""
import socket

def test_swallows():
    try:
        socket.create_connection({TEST_NET!r}, timeout=1)
    except OSError:
        pass
""")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:nbval")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*tried to reach another host*192.0.2.1*"])


def test_guard_lets_loopback_through():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    accepted = threading.Thread(target=lambda: server.accept()[0].close())
    accepted.start()
    client = socket.socket()
    client.connect(server.getsockname())
    client.close()
    accepted.join(timeout=5)
    server.close()
    assert not accepted.is_alive()


def test_ci_runs_the_suite_where_only_loopback_exists():
    """Under offline.py (the README's test command) even an unguarded Python (-I ignores
    PYTHONPATH, so no guard) finds no route to another host."""
    if not os.environ.get("CI") and os.environ.get(offline.MARKER) != "1":
        pytest.skip("not run through tests/offline.py (CI always is)")
    assert os.environ.get(offline.MARKER) == "1", "CI must run the suite through offline.py"
    code = f"import socket\nprint(socket.socket().connect_ex({TEST_NET!r}))"
    result = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True,
                            check=True, timeout=30)
    assert int(result.stdout) in (errno.ENETUNREACH, errno.EHOSTUNREACH)
