"""A real JupyterHub on loopback for the class tests and the load benchmark.

The set-up a teacher makes, in miniature: one read-only copy of the course, owned by root and
installed (a .pth line, as an editable install writes) into a Python environment every learner
can read; JupyterHub with its usual proxy (configurable-http-proxy, an npm package), a password
authenticator for tests (DummyAuthenticator) and LocalProcessSpawner, which starts each
learner's server as their own system user. Learners are system users made with useradd and
removed with userdel at the end.

Why the environment is copied: this machine's Python lives under /root (mode 0700), which no
learner may enter, as on any machine where the interpreter is private to root. A hub serves
learners from an environment they can read (The Littlest JupyterHub: /opt/tljh/user), so the
test makes one: the interpreter's prefix (and the virtual environment, if one runs the tests)
hard-linked into a world-readable folder (no extra disk, seconds), the course's own editable
install replaced by a line pointing at the read-only copy. Files are only ever added or
unlinked in the copy, never written through a hard link.

Needs real root (useradd, setuid): `tests/offline.py` keeps the suite real root in its network
namespace for that reason. Used by tests/test_hub.py and benchmarks/hub_load.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import socket
import stat
import subprocess
import sys
import sysconfig
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
PASSWORD = "class-test-" + secrets.token_hex(8)
LEARNER_PREFIX = "rnnl"
SINGLEUSER_ARGS = ["--ServerApp.ip=127.0.0.1",
                   "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
                   "--LabApp.news_url=None", "--LabApp.extension_manager=readonly"]


def missing_requirements() -> list[str]:
    """What this machine lacks to run the hub (empty when everything is there)."""
    problems = []
    try:
        import jupyterhub  # noqa: F401
    except ImportError:
        problems.append("the Python package jupyterhub (in the test extra)")
    if shutil.which("configurable-http-proxy") is None:
        problems.append("configurable-http-proxy on PATH (npm install -g configurable-http-proxy)")
    for tool in ("useradd", "userdel", "runuser"):
        if shutil.which(tool) is None:
            problems.append(f"the system tool {tool}")
    if not sys.platform.startswith("linux") or os.geteuid() != 0:
        problems.append("real root on Linux (to make learner users and spawn as them)")
    elif not _can_switch_user():
        problems.append("switching to another uid (a user namespace that maps only root, as "
                        "`unshare --map-root-user` makes, cannot; offline.py avoids it as root)")
    return problems


def _can_switch_user() -> bool:
    probe = subprocess.run([sys.executable, "-c", "import os; os.setgid(65534); os.setuid(65534)"],
                           capture_output=True)
    return probe.returncode == 0


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------- the learners' environment

@dataclass
class LearnerEnv:
    """The world-readable environment the learners' servers run in."""

    root: Path          # everything below is in here (mode 0755)
    python: Path        # the learners' interpreter
    course: Path        # the read-only course checkout
    environment: dict[str, str]  # what the spawner sets for every learner's server
    network_log: Path   # the guard's log for learner processes (mode 0666)


def make_learner_env(root: Path) -> LearnerEnv:
    """Build the learners' environment in ``root`` (a new folder): Python, read-only course,
    the test network guard. Returns the `LearnerEnv`."""
    root.mkdir(mode=0o755)
    os.chmod(root, 0o755)
    in_venv = sys.prefix != sys.base_prefix
    unused = _site_rel() if in_venv and not _venv_sees_system_site() else None
    base = _link_tree(Path(sys.base_prefix), root / "python", skip=unused)
    site, python = base / _site_rel(), base / "bin" / Path(sys.executable).name
    if in_venv:  # a virtual environment runs the tests: relocate it too
        venv = _link_tree(Path(sys.prefix), root / "venv")
        _replace(venv / "pyvenv.cfg", _venv_cfg(venv / "pyvenv.cfg", base / "bin"))
        python, site = _relink_venv_python(venv, base), venv / _site_rel()
    course = copy_course(REPO, root / "course")
    for old in list(site.glob("__editable__*rnn_course*")):
        old.unlink()  # the test run's own editable install points into the checkout
    (site / "rnn_course.pth").write_text(f"{course}\n")
    guard = root / "guard"
    guard.mkdir(mode=0o755)
    shutil.copy(TESTS / "network_guard.py", guard / "network_guard.py")
    shutil.copy(TESTS / "guarded_site" / "sitecustomize.py", guard / "sitecustomize.py")
    log = root / "learner-network-attempts.jsonl"
    log.touch()
    os.chmod(log, 0o666)
    make_read_only(course)
    env = {"PATH": f"{python.parent}:/usr/local/bin:/usr/bin:/bin", "PYTHONPATH": str(guard),
           "LD_LIBRARY_PATH": str(base / "lib"), "RNN_COURSE_NETWORK_LOG": str(log),
           "OMP_NUM_THREADS": "1", "JUPYTER_PLATFORM_DIRS": "1"}
    return LearnerEnv(root, python, course, env, log)


def _site_rel() -> Path:
    purelib = Path(sysconfig.get_paths()["purelib"])
    return purelib.relative_to(sys.prefix)


def _venv_sees_system_site() -> bool:
    cfg = (Path(sys.prefix) / "pyvenv.cfg").read_text().replace(" ", "").lower()
    return "include-system-site-packages=true" in cfg


def _link_tree(source: Path, target: Path, skip: Path | None = None) -> Path:
    """Hard-link every file of ``source`` into ``target`` (folders made anew), leaving the
    folder ``skip`` (relative) empty; a plain copy when the two are on different file systems.
    Fewer links make the teardown faster (unlinking is slow on a busy disk)."""
    for mode in (["-al"], ["-a"]):
        if skip is None:
            done = subprocess.run(["cp", *mode, str(source), str(target)], capture_output=True)
        else:
            done = _link_parts(source, target, skip, mode)
        if done.returncode == 0:
            return target
        shutil.rmtree(target, ignore_errors=True)
    raise OSError(f"could not copy {source}: {done.stderr[-500:]}")


def _link_parts(source: Path, target: Path, skip: Path, mode: list[str]):
    """`cp` every entry along the way to ``skip`` except ``skip`` itself."""
    here, there = source, target
    there.mkdir(mode=0o755)
    for part in skip.parts:
        for entry in sorted(here.iterdir()):
            if entry.name != part:
                done = subprocess.run(["cp", *mode, str(entry), str(there / entry.name)],
                                      capture_output=True)
                if done.returncode != 0:
                    return done
        here, there = here / part, there / part
        there.mkdir(mode=0o755)
    return subprocess.CompletedProcess([], 0, b"", b"")


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to a new inode at ``path`` (never through a hard link)."""
    path.unlink(missing_ok=True)
    path.write_text(text)


def _venv_cfg(cfg: Path, home: Path) -> str:
    lines = [f"home = {home}" if line.startswith("home") else line
             for line in cfg.read_text().splitlines()]
    return "\n".join(lines) + "\n"


def _relink_venv_python(venv: Path, base: Path) -> Path:
    """Point the copied venv's python links at the copied interpreter; returns its python."""
    target = base / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
    for link in (venv / "bin").glob("python*"):
        if link.is_symlink():
            link.unlink()
            link.symlink_to(target)
    return venv / "bin" / "python"


def copy_course(source: Path, target: Path) -> Path:
    """Copy the course's files (what git tracks plus new files it does not ignore) to
    ``target``; returns ``target``."""
    listing = subprocess.run(["git", "-C", str(source), "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], check=True, capture_output=True).stdout
    for name in sorted(set(filter(None, listing.decode().split("\0")))):
        src = source / name
        if src.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target / name)
    return target


def make_read_only(folder: Path) -> None:
    """Owner root, nobody may write: files 0444 (0555 if executable), folders 0555."""
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, 0, 0, follow_symlinks=False)
        if path.is_symlink():
            continue
        executable = path.is_dir() or path.stat().st_mode & stat.S_IXUSR
        os.chmod(path, 0o555 if executable else 0o444)


def remove_later(folder: Path) -> threading.Thread:
    """Remove ``folder`` (made by this module) in a background thread, so the test's own time
    does not include unlinking tens of thousands of links. The thread is not a daemon: Python
    waits for it before exiting, so nothing is left behind. Returns the started thread."""
    def remove() -> None:
        if (folder / "env" / "course").exists():
            make_writable(folder / "env" / "course")
        shutil.rmtree(folder, ignore_errors=True)

    thread = threading.Thread(target=remove, name=f"remove {folder}")
    thread.start()
    return thread


def make_writable(folder: Path) -> None:
    """Undo `make_read_only` so the folder can be removed."""
    for path in [folder, *folder.rglob("*")]:
        if not path.is_symlink():
            os.chmod(path, 0o755 if path.is_dir() else 0o644)


# ---------------------------------------------------------------- learners as system users

def create_learners(count: int) -> list[str]:
    """Make ``count`` system users with homes (unique names); returns their names."""
    tag = secrets.token_hex(3)
    names = [f"{LEARNER_PREFIX}{tag}{i}" for i in range(count)]
    made = []
    try:
        for name in names:
            subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", name], check=True,
                           capture_output=True)
            made.append(name)
    except subprocess.CalledProcessError:
        remove_learners(made)
        raise
    return names


def kill_learner_processes(names: list[str]) -> None:
    """End every process running as these users at once (SIGKILL): a fast teardown, where
    the hub would give each server seconds to stop."""
    for name in names:
        subprocess.run(["pkill", "-KILL", "-u", name], capture_output=True)


def remove_learners(names: list[str]) -> None:
    """Delete the users and their homes (and any process still running as them)."""
    kill_learner_processes(names)
    for name in names:
        subprocess.run(["userdel", "--remove", name], capture_output=True)


def run_as(name: str, command: list[str]) -> subprocess.CompletedProcess:
    """Run ``command`` as the system user ``name`` (runuser); returns the finished process."""
    return subprocess.run(["runuser", "-u", name, "--", *command], capture_output=True,
                          text=True, timeout=60)


# ---------------------------------------------------------------- the hub


@dataclass
class Hub:
    """A running JupyterHub: its public URL, admin service token, folder and process."""

    url: str
    admin_token: str
    folder: Path
    log: Path
    process: subprocess.Popen = field(repr=False)

    def api(self, method: str, path: str, token: str | None = None, **kwargs):
        """Call the hub's REST API (``path`` after /hub/api) with a token; returns the
        response (raises for an HTTP error)."""
        import requests

        response = requests.request(method, f"{self.url}/hub/api{path}", timeout=60,
                                    headers={"Authorization": f"token {token or self.admin_token}"},
                                    **kwargs)
        response.raise_for_status()
        return response

    def start_server(self, name: str, timeout: float = 120) -> None:
        """Start ``name``'s server and wait until the hub reports it ready."""
        try:
            self.api("POST", f"/users/{name}/server")
        except Exception as error:  # requests.HTTPError (requests is imported lazily)
            raise RuntimeError(f"the hub could not start {name}'s server ({error}); hub log:\n"
                               f"{self.log.read_text()[-4000:]}") from None
        self._wait(name, ready=True, timeout=timeout)

    def stop_server(self, name: str, timeout: float = 60) -> None:
        """Stop ``name``'s server and wait until it is gone."""
        self.api("DELETE", f"/users/{name}/server")
        self._wait(name, ready=False, timeout=timeout)

    def _wait(self, name: str, ready: bool, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            server = self.api("GET", f"/users/{name}").json()["servers"].get("")
            if (server is not None and server.get("ready")) == ready and (
                    ready or server is None):
                return
            time.sleep(0.3)
        raise TimeoutError(f"{name}'s server not {'ready' if ready else 'stopped'} after "
                           f"{timeout} s; hub log:\n{self.log.read_text()[-4000:]}")

    def stop(self) -> None:
        """Stop the hub (it stops the learners' servers and its proxy)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def hub_config(env: LearnerEnv, folder: Path, port: int, admin_token: str) -> str:
    """jupyterhub_config.py text: loopback ports, dummy passwords, one process per learner
    as their own user, running the workspace sync and then the single-user server."""
    python = str(env.python)
    # The workspace module run as a file: it needs only the standard library, so the start
    # does not import the whole course package (torch, plotly) once more.
    workspace = env.course / "widgets" / "workspace.py"
    start = (f'{python} {workspace} "$HOME/rnn-course" --quiet && '
             f'exec {python} -m jupyterhub.singleuser "$@"')
    config = {
        "JupyterHub.ip": "127.0.0.1", "JupyterHub.port": port,
        "JupyterHub.hub_ip": "127.0.0.1", "JupyterHub.hub_port": free_port(),
        "ConfigurableHTTPProxy.api_url": f"http://127.0.0.1:{free_port()}",
        "ConfigurableHTTPProxy.command": [shutil.which("configurable-http-proxy")],
        "ConfigurableHTTPProxy.should_start": True,
        "JupyterHub.db_url": f"sqlite:///{folder / 'jupyterhub.sqlite'}",
        "JupyterHub.cookie_secret_file": str(folder / "cookie_secret"),
        "JupyterHub.pid_file": str(folder / "jupyterhub.pid"),
        "JupyterHub.authenticator_class": "dummy", "DummyAuthenticator.password": PASSWORD,
        "Authenticator.allow_all": True,
        "JupyterHub.spawner_class": "localprocess",
        "Spawner.cmd": ["/bin/sh", "-c", start, "singleuser"],
        "Spawner.args": SINGLEUSER_ARGS, "Spawner.notebook_dir": "~",
        "Spawner.environment": env.environment, "Spawner.start_timeout": 120,
        "Spawner.http_timeout": 120,
        "JupyterHub.services": [{"name": "class-test", "api_token": admin_token}],
        "JupyterHub.load_roles": [{"name": "admin", "services": ["class-test"]}],
        "JupyterHub.concurrent_spawn_limit": 0, "JupyterHub.active_server_limit": 0,
    }
    return "".join(f"c.{key} = {value!r}\n" for key, value in config.items())


def start_hub(env: LearnerEnv, folder: Path, timeout: float = 60) -> Hub:
    """Start JupyterHub (and its proxy) on 127.0.0.1 and wait until it answers."""
    folder.mkdir(parents=True, exist_ok=True)
    port, token = free_port(), secrets.token_hex(24)
    config = folder / "jupyterhub_config.py"
    config.write_text(hub_config(env, folder, port, token))
    log = folder / "jupyterhub.log"
    with open(log, "wb") as handle:
        process = subprocess.Popen([sys.executable, "-m", "jupyterhub", "-f", str(config)],
                                   cwd=folder, stdout=handle, stderr=subprocess.STDOUT)
    hub = Hub(f"http://127.0.0.1:{port}", token, folder, log, process)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterHub exited:\n{log.read_text()[-4000:]}")
        try:
            hub.api("GET", "/")
            return hub
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.3)
    hub.stop()
    raise TimeoutError(f"JupyterHub did not answer in {timeout} s:\n{log.read_text()[-4000:]}")


def login(hub: Hub, name: str, password: str = PASSWORD):
    """Log ``name`` in through the hub's login form; returns the requests session with the
    hub's cookies (raises if the hub refused)."""
    import requests

    session = requests.Session()
    session.get(f"{hub.url}/hub/login", timeout=30).raise_for_status()
    xsrf = session.cookies.get("_xsrf", "")
    reply = session.post(f"{hub.url}/hub/login?next=", data={
        "username": name, "password": password, "_xsrf": xsrf}, allow_redirects=False,
        timeout=30)
    if reply.status_code != 302:
        raise PermissionError(f"login of {name} refused: HTTP {reply.status_code}")
    return session


def user_token(hub: Hub, session, name: str) -> str:
    """A token of ``name`` made with their logged-in session (the hub's token page does this)."""
    xsrf = session.cookies.get("_xsrf", "")
    reply = session.post(f"{hub.url}/hub/api/users/{name}/tokens", json={"note": "class test"},
                         headers={"X-XSRFToken": xsrf, "Referer": f"{hub.url}/hub/token"},
                         timeout=30)
    reply.raise_for_status()
    return reply.json()["token"]


# ---------------------------------------------------------------- kernels through the hub

def run_cells(hub: Hub, name: str, token: str, cells: list[str],
              timeout: float = 300) -> list[dict]:
    """Start a kernel on ``name``'s server through the hub (/user/NAME/api/kernels), run
    ``cells`` in order over its websocket, shut it down. Returns one dict per cell:
    {"status", "stdout", "error"}; stops at the first error.

    The event loop runs in a thread of its own: a caller's thread may already run one (the
    browser tests' session-wide Playwright keeps a loop running in pytest's main thread)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(asyncio.wait_for(
            _run_cells(hub, name, token, cells), timeout))).result()


async def _run_cells(hub: Hub, name: str, token: str, cells: list[str]) -> list[dict]:
    from tornado.httpclient import AsyncHTTPClient, HTTPRequest
    from tornado.websocket import websocket_connect

    headers = {"Authorization": f"token {token}"}
    client = AsyncHTTPClient()
    base = f"{hub.url}/user/{name}/api/kernels"
    made = await client.fetch(base, method="POST", headers=headers, body="{}")
    kernel = json.loads(made.body)["id"]
    url = base.replace("http", "ws", 1) + f"/{kernel}/channels"
    socket_ = await websocket_connect(HTTPRequest(url, headers=headers))
    results = []
    try:
        for code in cells:
            results.append(await _execute(socket_, code))
            if results[-1]["status"] != "ok":
                break
    finally:
        socket_.close()
        await client.fetch(f"{base}/{kernel}", method="DELETE", headers=headers)
    return results


async def _execute(socket_, code: str) -> dict:
    """Send one execute_request and collect its reply, stdout and error text."""
    msg_id = uuid.uuid4().hex
    socket_.write_message(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "",
                   "session": uuid.uuid4().hex, "version": "5.3"},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": False,
                    "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
    result, idle, replied = {"status": None, "stdout": "", "error": ""}, False, False
    while not (idle and replied):
        raw = await socket_.read_message()
        if raw is None:
            raise ConnectionError("the kernel's websocket closed")
        message = json.loads(raw)
        if message.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = message["msg_type"], message["content"]
        if kind == "stream" and content.get("name") == "stdout":
            result["stdout"] += content["text"]
        elif kind == "error":
            result["error"] = "\n".join(content.get("traceback", []))
        elif kind == "execute_reply":
            result["status"], replied = content["status"], True
        elif kind == "status" and content["execution_state"] == "idle":
            idle = True
    return result


def lesson_code_cells(path: Path) -> list[str]:
    """The code cells of a committed lesson notebook, in order."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return ["".join(cell["source"]) for cell in notebook["cells"] if cell["cell_type"] == "code"]


def tear_down(names: list[str], hub: Hub | None, folder: Path) -> None:
    """End a class: the learners' processes, the hub, the learners' users, then (in the
    background) the folder holding the hub and the learners' environment."""
    kill_learner_processes(names)
    if hub is not None:
        hub.stop()
    remove_learners(names)
    remove_later(folder)
