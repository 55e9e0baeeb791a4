"""A guard that refuses and records connections to non-loopback hosts (used by conftest.py)."""

import ipaddress
import socket

_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex


def is_loopback(address) -> bool:
    """True for a Unix socket path or a loopback host ('localhost', 127.0.0.0/8, ::1)."""
    if not isinstance(address, tuple):
        return True
    host = address[0]
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


class NetworkGuard:
    """Refuses and records every connection to a non-loopback address."""

    def __init__(self):
        self.blocked = []

    def check(self, address):
        if not is_loopback(address):
            self.blocked.append(address)
            raise ConnectionRefusedError(f"test network guard: connection to {address!r} "
                                         "refused (the course must work offline)")

    def connect(self, sock, address):
        self.check(address)
        return _connect(sock, address)

    def connect_ex(self, sock, address):
        self.check(address)
        return _connect_ex(sock, address)
