"""Run Python with the network cut off: only loopback exists (the README's test command).

    python tests/offline.py -m pytest [pytest arguments]

On Linux the command runs in a new network namespace (``unshare --net``, part of util-linux;
with ``--map-root-user`` when not run as root) in which the loopback interface is brought up
and no other interface exists, so pytest, the kernels, JupyterLab and Chromium it starts can
reach nothing but this machine. The suite's own guard (network_guard.py) still names any test
that tries.

Where namespaces are not available (macOS, Windows, some containers) the command runs
unchanged with a warning, relying on the suite's guard alone; with the environment variable CI
set that is an error instead, so CI cannot pass without proving the course works offline.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import socket
import struct
import subprocess
import sys

MARKER = "RNN_COURSE_OFFLINE"
SIOCGIFFLAGS, SIOCSIFFLAGS, SIOCSIFADDR, IFF_UP = 0x8913, 0x8914, 0x8916, 0x1
UNREACHABLE = ("192.0.2.1", 9)  # TEST-NET-1: reserved for documentation, never routed


def loopback_up() -> None:
    """Bring up the ``lo`` interface of the current (new) network namespace."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        request = fcntl.ioctl(sock, SIOCGIFFLAGS, struct.pack("16sH14x", b"lo", 0))
        flags = struct.unpack("16sH14x", request)[1]
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH14x", b"lo", flags | IFF_UP))


@contextlib.contextmanager
def loopback_alias(address: str, label: str = "lo:course"):
    """Give ``lo`` an extra IPv4 ``address`` (a host route, nothing else) while the block runs,
    inside this script's namespace only (it needs the namespace's CAP_NET_ADMIN): the tests
    then have a non-loopback address of "this machine" to probe. Removed at the end."""
    if os.environ.get(MARKER) != "1":
        raise RuntimeError("loopback_alias changes interfaces: only inside offline.py's namespace")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        fcntl.ioctl(sock, SIOCSIFADDR, struct.pack("16sHH4s8x", label.encode(), socket.AF_INET,
                                                   0, socket.inet_aton(address)))
        try:
            yield address
        finally:  # an alias without IFF_UP is deleted
            fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sH14x", label.encode(), 0))


def network_is_cut() -> bool:
    """True when a connection to a non-loopback address fails at once (no route)."""
    with socket.socket() as sock:
        sock.settimeout(5)
        return sock.connect_ex(UNREACHABLE) in (errno.ENETUNREACH, errno.EHOSTUNREACH)


def namespace_command(arguments: list[str]) -> list[str] | None:
    """The command that re-runs this script inside a new network namespace, or None."""
    unshare = shutil.which("unshare")
    if unshare is None or not sys.platform.startswith("linux"):
        return None
    # Real root keeps real root in the namespace: a user namespace that maps only root cannot
    # make users or switch to them, which the JupyterHub test (tests/test_hub.py) needs.
    flags = ["--net"] if os.geteuid() == 0 else ["--net", "--map-root-user"]
    probe = subprocess.run([unshare, *flags, "true"], capture_output=True)
    if probe.returncode != 0:
        return None
    return [unshare, *flags, sys.executable, __file__, *arguments]


def main(arguments: list[str]) -> int:
    if os.environ.get(MARKER) == "1":
        loopback_up()
        if not network_is_cut():
            sys.exit("offline.py: a non-loopback address is still reachable in the namespace")
        os.execv(sys.executable, [sys.executable, *arguments])
    command = namespace_command(arguments)
    if command is None:
        message = ("offline.py: network namespaces are not available here (Linux `unshare "
                   "--net --map-root-user` failed or is missing)")
        if os.environ.get("CI"):
            sys.exit(message + "; CI must prove the course works offline")
        print(message + "; running with the test suite's own network guard only",
              file=sys.stderr)
        os.execv(sys.executable, [sys.executable, *arguments])
    return subprocess.run(command, env={**os.environ, MARKER: "1"}).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
