"""The suite's network guard really refuses non-loopback connections (and only those)."""

import socket
import threading

import pytest

from network_guard import is_loopback


@pytest.mark.parametrize("address, loopback", [
    (("127.0.0.1", 80), True), (("127.8.9.1", 80), True), (("::1", 80, 0, 0), True),
    (("localhost", 8888), True), ("/tmp/socket", True),
    (("192.0.2.1", 80), False), (("10.1.2.3", 443), False), (("example.org", 443), False),
])
def test_is_loopback(address, loopback):
    assert is_loopback(address) is loopback


@pytest.mark.allow_blocked_connection
def test_guard_refuses_and_records_a_non_loopback_connection(network_guard):
    sock = socket.socket()
    try:
        # 192.0.2.0/24 is reserved for documentation; the guard refuses before any packet.
        with pytest.raises(ConnectionRefusedError, match="network guard"):
            sock.connect(("192.0.2.1", 9))
    finally:
        sock.close()
    assert network_guard.blocked == [("192.0.2.1", 9)]


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
