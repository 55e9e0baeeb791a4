"""A guard that refuses and records every attempt to reach a non-loopback host.

It is a Python audit hook (``sys.addaudithook``): it sees ``socket.connect``, ``socket.sendto``
and ``socket.getaddrinfo`` in the process that installs it, raises before any packet leaves,
and appends one line per refused attempt to a log file shared by all processes of a test run.
conftest.py installs it in the pytest process and, through ``guarded_site/sitecustomize.py`` on
PYTHONPATH, in every Python subprocess (kernels, JupyterLab, scripts); a test fails when the
log grows while it runs. Audit hooks cannot be removed, which is what a guard wants.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
import sys
from pathlib import Path

LOG_VARIABLE = "RNN_COURSE_NETWORK_LOG"
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback",
                socket.gethostname()}


def is_loopback(address) -> bool:
    """True for a Unix socket path or a loopback host ('localhost', 127.0.0.0/8, ::1)."""
    if not isinstance(address, tuple):
        return True
    return is_local_host(address[0])


def is_local_host(host) -> bool:
    """True for a host name or address that cannot leave this machine: None/'' (a wildcard),
    'localhost', loopback addresses and this machine's own name."""
    if isinstance(host, bytes):
        host = host.decode(errors="replace")
    if host in (None, "") or host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def refused_target(event: str, args: tuple):
    """The non-loopback target of an audited socket event, or None if it stays local."""
    if event in ("socket.connect", "socket.sendto"):
        address = args[1]
        return None if is_loopback(address) else address
    if event == "socket.getaddrinfo":
        return None if is_local_host(args[0]) else args[0]
    return None


def install(log_path: str | os.PathLike) -> None:
    """Install the audit hook in this process; refused attempts are appended to ``log_path``."""
    log = Path(log_path)

    def hook(event: str, args: tuple) -> None:
        target = refused_target(event, args) if event.startswith("socket.") else None
        if target is None:
            return
        line = json.dumps({"pid": os.getpid(), "argv": sys.argv[:3], "event": event,
                           "target": repr(target)})
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
        raise ConnectionRefusedError(f"test network guard: {event} to {target!r} refused "
                                     "(the course must work offline)")

    sys.addaudithook(hook)


def blocked_since(log_path: str | os.PathLike, offset: int) -> tuple[list[dict], int]:
    """The attempts logged after byte ``offset`` of the log, and the log's new size."""
    log = Path(log_path)
    if not log.exists():
        return [], offset
    data = log.read_bytes()
    lines = data[offset:].decode("utf-8", errors="replace").splitlines()
    return [json.loads(line) for line in lines if line.strip()], len(data)
