"""Safe defaults: the README's launch command keeps JupyterLab on localhost behind its
token (read from the README, then actually started), user text is escaped before it reaches
HTML or plotly's labels, and no code evals learner input or unpickles a file.

The browser side of the escaping (payloads typed into every widget in headless Chromium) is
tests/browser/test_xss_browser.py.
"""

from __future__ import annotations

import ast
import contextlib
import errno
import html
import ipaddress
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import ipywidgets as ipw
import plotly.graph_objects as go
import pytest
import torch
from IPython.core.inputtransformer2 import TransformerManager

import widgets
from widgets.quizzes.bank import BankError
from widgets.quizzes.widget import Quiz

import offline
from support import isolated_jupyter_env, log_tail, running_lab

ROOT = Path(__file__).resolve().parents[1]
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
START_TIMEOUT_S = 60
SPARE_ADDRESS = "198.51.100.7"  # TEST-NET-2: reserved for documentation

# ---------------------------------------------------------------- the README's launch command

# Options that would weaken what protects the learner (matched on the option's name, lower
# case, without dashes; "ServerApp.ip" and "NotebookApp.ip" both end in "ip").
UNSAFE_OPTION = re.compile(
    r"(^|\.)(ip|token|password|allow[_-]root|allow[_-]origin(_pat)?|allow[_-]remote[_-]access|"
    r"disable[_-]check[_-]xsrf|allow[_-]unauthenticated[_-]access|trust[_-]xheaders|"
    r"tornado[_-]settings|config([_-]file)?|identity[_-]provider[_-]class|authorizer[_-]class)$"
    r"|^(identityprovider|passwordidentityprovider|notebookapp)\.")
# Options known to leave the defaults alone; anything else must be reviewed and added here.
# root_dir only chooses the folder the file browser shows (the README's: the course folder).
SAFE_OPTIONS = {"no-browser", "port", "port-retries", "serverapp.port", "serverapp.port_retries",
                "serverapp.open_browser", "serverapp.root_dir"}
CONFIG_NAME = re.compile(r"^jupyter(_\w+)?_config(\.d)?(\.(py|json|ya?ml|toml))?$")
CONFIG_DIRS = {".jupyter", "jupyter_config.d"}
SKIP_DIRS = {".git", ".venv", "venv", "__pycache__", "node_modules", ".pytest_cache",
             ".ruff_cache", ".benchmarks", ".ipynb_checkpoints", "test-artifacts"}


def readme_launch_commands(readme: str) -> list[list[str]]:
    """Every command in the README's fenced code blocks that runs ``jupyter lab``, as words
    (environment assignments before ``jupyter`` included); commands are split at && ; ||."""
    commands = []
    for block in re.findall(r"^```[^\n]*\n(.*?)^```", readme, re.S | re.M):
        block = block.replace("\\\n", " ")  # a line continued with a backslash
        for part in re.split(r"&&|\|\||;|\n", block):
            words = shlex.split(part, comments=True)
            for i in range(len(words) - 1):
                if words[i] == "jupyter" and words[i + 1] == "lab":
                    commands.append(words)
    return commands


def launch_problems(words: list[str]) -> list[str]:
    """Why a ``[VAR=value ...] jupyter lab ARGS`` command might weaken JupyterLab's defaults
    (localhost only, token required, no root); [] when it keeps them."""
    start = words.index("jupyter")
    problems = [f"sets {w!r} in the environment" for w in words[:start]]
    for arg in words[start + 2:]:
        if not arg.startswith("-"):
            if not (ROOT / arg).exists():
                problems.append(f"argument {arg!r} is not a path in the repository")
            continue
        name = arg.lstrip("-").split("=", 1)[0].lower()
        if UNSAFE_OPTION.search(name):
            problems.append(f"option {arg!r} changes the address, the token/password, root or "
                            "the origin checks")
        elif name not in SAFE_OPTIONS:
            problems.append(f"option {arg!r} is not known to keep the defaults (review it, "
                            "then add it to SAFE_OPTIONS)")
    return problems


def shipped_jupyter_config(root: Path) -> list[str]:
    """Jupyter config files or folders in the repository, and packaging or conda settings
    that would install config or set JUPYTER_* variables (relative paths, with the reason)."""
    found = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = [d for d in dirs if d not in SKIP_DIRS and not d.endswith(".egg-info")
                   and not (here / d / "pyvenv.cfg").exists()]
        for name in dirs + files:
            path = (here / name).relative_to(root)
            if CONFIG_NAME.match(name) or name in CONFIG_DIRS or path.as_posix().endswith(
                    "etc/jupyter"):
                found.append(f"{path}: Jupyter config")
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    if re.search(r"data[-_]files|etc/jupyter", pyproject):
        found.append("pyproject.toml: installs data files (Jupyter config?)")
    conda = root / "environment.yml"
    if conda.exists() and "JUPYTER" in conda.read_text(encoding="utf-8").upper():
        found.append("environment.yml: mentions JUPYTER (a config variable?)")
    return found


def test_readme_launch_command_keeps_jupyterlabs_defaults():
    commands = readme_launch_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(commands) == 1, f"expected one `jupyter lab` command in the README: {commands}"
    assert launch_problems(commands[0]) == []
    assert shipped_jupyter_config(ROOT) == []


@pytest.mark.parametrize("command", [
    "jupyter lab --ip=0.0.0.0", "jupyter lab --ServerApp.ip='*'", "jupyter lab --allow-root",
    "jupyter lab --IdentityProvider.token=", "jupyter lab --ServerApp.token=''",
    "jupyter lab --NotebookApp.password=", "jupyter lab --ServerApp.allow_origin=*",
    "jupyter lab --ServerApp.allow_remote_access=True", "jupyter lab --config=x.py",
    "jupyter lab --ServerApp.disable_check_xsrf=True", "JUPYTER_TOKEN= jupyter lab",
    "jupyter lab --collaborative", "jupyter lab no_such_notebook.ipynb",
])
def test_launch_check_flags_what_weakens_the_defaults(command):
    readme = f"# x\n\n```bash\npython -m pip install -e . && {command}\n```\n"
    (words,) = readme_launch_commands(readme)
    assert launch_problems(words), command


def test_config_check_finds_shipped_config(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    (tmp_path / "jupyter_server_config.py").write_text("c.ServerApp.ip = '*'\n")
    (tmp_path / "etc" / "jupyter").mkdir(parents=True)
    (tmp_path / ".venv").mkdir()
    (tmp_path / ".venv" / "jupyter_server_config.json").write_text("{}")  # skipped: a venv
    assert sorted(shipped_jupyter_config(tmp_path)) == [
        "etc/jupyter: Jupyter config", "jupyter_server_config.py: Jupyter config"]


# ------------------------------------------------------------ JupyterLab started as the README

@dataclass
class RunningLab:
    process: subprocess.Popen
    urls: list[str]
    token: str
    port: int
    how: str


def _unprivileged_prefix() -> tuple[list[str], str]:
    """How to start JupyterLab as a normal user, as a learner does. When the tests run as
    root, ``unshare --user --map-user=1000`` runs it in a new user namespace where its uid is
    1000 (JupyterLab refuses to run as root without --allow-root, which must not be added);
    the network namespace stays the same, so what it binds is what it binds for a learner."""
    if os.geteuid() != 0:
        return [], "as this (non-root) user"
    unshare = [shutil.which("unshare") or "unshare", "--user", "--map-user=1000",
               "--map-group=1000"]
    try:
        subprocess.run([*unshare, "true"], check=True, capture_output=True, timeout=10)
    except (OSError, subprocess.SubprocessError) as error:
        pytest.fail(f"running as root and cannot start JupyterLab as a normal user with "
                    f"`unshare --user` ({error}); run the tests as a normal user", pytrace=False)
    return unshare, "as uid 1000 in a user namespace (the tests run as root)"


@pytest.fixture(scope="module")
def readme_lab(tmp_path_factory):
    """JupyterLab started with exactly the README's arguments, from the repository root,
    shut down through its API at the end (and required to exit cleanly). Nothing is added to
    its arguments (no --port: it finds a free port itself, read back from the URL it prints);
    around it, none touching the address or the token: a normal uid (`_unprivileged_prefix`),
    BROWSER set to a no-op and empty temporary Jupyter folders
    (`support.isolated_jupyter_env`)."""
    (words,) = readme_launch_commands((ROOT / "README.md").read_text(encoding="utf-8"))
    prefix, how = _unprivileged_prefix()
    base = tmp_path_factory.mktemp("readme-lab")
    log = base / "jupyterlab.log"
    with running_lab(words[words.index("lab") + 1:], cwd=ROOT, env=isolated_jupyter_env(base),
                     log=log, prefix=prefix) as process:
        urls = _printed_urls(process, log)
        lab = RunningLab(process, urls, _query_token(urls[0]) if urls else "",
                         urlsplit(urls[0]).port if urls else 0, how)
        yield lab
        assert lab.token, "JupyterLab runs without a token"
        _http("POST", lab, "/api/shutdown", token=lab.token)
        assert process.wait(timeout=30) == 0, log_tail(log, 2000)


def _printed_urls(process: subprocess.Popen, log: Path) -> list[str]:
    """The http(s) URLs JupyterLab prints once it listens (before "Use Control-C")."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        text = log.read_text(encoding="utf-8", errors="replace")
        if "Use Control-C to stop this server" in text:
            time.sleep(0.5)  # with a token, a block of URLs to copy follows
            text = log.read_text(encoding="utf-8", errors="replace")
            return re.findall(r"https?://[^\s/]+:\d+/[^\s\]]*", text)  # the server's own
        time.sleep(0.3)
    pytest.fail(f"JupyterLab printed no URL within {START_TIMEOUT_S} s (exit code "
                f"{process.poll()}):\n{log_tail(log)}", pytrace=False)


def _query_token(url: str) -> str:
    """The ``token`` query parameter of ``url`` ("" if it has none)."""
    match = re.search(r"[?&]token=(\w+)", url)
    return match.group(1) if match else ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def _http(method: str, lab: RunningLab, path: str, token: str | None = None,
          query_token: str | None = None) -> tuple[int, str]:
    """(status, Location header) of one request to 127.0.0.1, token in a header or query."""
    url = f"http://127.0.0.1:{lab.port}{path}"
    if query_token is not None:
        url += f"?token={query_token}"
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    if token is not None:
        request.add_header("Authorization", f"token {token}")
    try:
        with _OPENER.open(request, timeout=10) as response:
            return response.status, response.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")


def test_readme_lab_prints_localhost_urls_with_a_long_token(readme_lab):
    assert readme_lab.urls, "no URL printed"
    for url in readme_lab.urls:
        parts = urlsplit(url)
        assert parts.hostname in LOOPBACK_NAMES, f"{url} ({readme_lab.how})"
        assert parts.port == readme_lab.port and _query_token(url) == readme_lab.token
        assert urlsplit(url).path.startswith("/lab")
    assert len(readme_lab.token) >= 32  # JupyterLab's random default token: 48 hex digits


def test_readme_lab_listens_on_loopback_only(readme_lab):
    addresses = _listening_addresses(readme_lab.process.pid)
    assert addresses, "found no listening socket of the JupyterLab process"
    assert {port for _, port in addresses} == {readme_lab.port}
    assert all(ipaddress.ip_address(host).is_loopback for host, _ in addresses), addresses


def test_readme_lab_is_not_reachable_on_other_interfaces(readme_lab):
    """On each of this machine's own non-loopback addresses, JupyterLab's port is free: a
    socket can still bind it there, so nothing answers a connection to it (the kernel refuses
    it). No connection is made, so the suite's network guard has nothing to refuse. Control:
    a listener on the wildcard address, what --ip=0.0.0.0 would create, is detected."""
    with _other_addresses() as addresses:
        for address in addresses:
            wildcard = "::" if ":" in address else "0.0.0.0"
            with _listener(wildcard) as port:
                assert not _port_free_on(address, port), f"the check misses a listener on {port}"
            assert _port_free_on(address, readme_lab.port), \
                f"JupyterLab's port {readme_lab.port} is in use on {address}"


@contextlib.contextmanager
def _other_addresses():
    """This machine's own non-loopback addresses. In CI, tests/offline.py's network namespace
    has only loopback: there the test gives lo an extra address, 198.51.100.7 (TEST-NET-2,
    never routed), while it runs; a listener JupyterLab had opened on a wildcard address would
    cover it. With neither, the test cannot run: it fails when CI is set, else skips."""
    addresses = _own_addresses()
    if addresses:
        yield addresses
    elif os.environ.get(offline.MARKER) == "1":
        with offline.loopback_alias(SPARE_ADDRESS):
            assert _own_addresses() == [SPARE_ADDRESS]
            yield [SPARE_ADDRESS]
    else:
        reason = ("only loopback here and not in tests/offline.py's namespace: no other "
                  "address to probe")
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


def test_readme_lab_requires_its_token(readme_lab):
    lab = readme_lab
    assert _http("GET", lab, "/api/status")[0] == 403
    assert _http("GET", lab, "/api/contents")[0] == 403
    assert _http("GET", lab, "/api/status", token="0" * len(lab.token))[0] == 403
    status, location = _http("GET", lab, "/lab")
    assert status == 302 and "/login" in location
    assert _http("GET", lab, "/api/status", token=lab.token)[0] == 200
    assert _http("GET", lab, "/api/status", query_token=lab.token)[0] == 200


def _listening_addresses(pid: int) -> list[tuple[str, int]]:
    """(address, port) of every listening TCP socket of ``pid`` and its children (Linux)."""
    pids = {pid} | {int(p.parent.name) for p in Path("/proc").glob("[0-9]*/stat")
                    if _parent_pid(p) == pid}
    inodes = set()
    for process in pids:
        for fd in Path(f"/proc/{process}/fd").iterdir():
            match = re.fullmatch(r"socket:\[(\d+)\]", _readlink(fd))
            inodes.update([match.group(1)] if match else [])
    found = []
    for table, size in (("tcp", 4), ("tcp6", 16)):
        for line in Path(f"/proc/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                host, port = fields[1].split(":")
                raw = bytes.fromhex(host)
                raw = b"".join(raw[i:i + 4][::-1] for i in range(0, size, 4))
                found.append((str(ipaddress.ip_address(raw)), int(port, 16)))
    return found


def _parent_pid(stat: Path) -> int | None:
    try:
        return int(stat.read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _readlink(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return ""


def _own_addresses() -> list[str]:
    """This machine's own non-loopback, non-link-local IP addresses (IPv4 via the routing
    table of local addresses, IPv6 from /proc/net/if_inet6)."""
    found = set()
    trie = Path("/proc/net/fib_trie")
    if trie.exists():
        found.update(re.findall(r"\|-- ([\d.]+)\n\s+/32 host LOCAL", trie.read_text()))
    inet6 = Path("/proc/net/if_inet6")
    if inet6.exists():
        found.update(str(ipaddress.ip_address(bytes.fromhex(line.split()[0])))
                     for line in inet6.read_text().splitlines() if line.strip())
    addresses = [ipaddress.ip_address(a) for a in found]
    return sorted(str(a) for a in addresses if not (a.is_loopback or a.is_link_local))


def _port_free_on(address: str, port: int) -> bool:
    """True if a new socket can bind ``address``:``port`` (no socket listens there or on a
    wildcard address covering it)."""
    with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET) as sock:
        try:
            sock.bind((address, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return False
            raise
    return True


@contextlib.contextmanager
def _listener(address: str):
    """A listening socket on ``address``; yields its port (chosen by the system)."""
    with socket.socket(socket.AF_INET6 if ":" in address else socket.AF_INET) as sock:
        sock.bind((address, 0))
        sock.listen(1)
        yield sock.getsockname()[1]


# --------------------------------------------------- no eval/exec, no pickle, safe torch.load

EVAL_NAMES = {"eval", "exec", "builtins.eval", "builtins.exec", "__builtins__.eval",
              "__builtins__.exec"}
UNPICKLERS = {"pickle.load", "pickle.loads", "pickle.Unpickler", "_pickle.load",
              "_pickle.loads", "dill.load", "dill.loads", "cloudpickle.load", "cloudpickle.loads",
              "joblib.load", "marshal.load", "marshal.loads", "shelve.open", "pandas.read_pickle"}
MAGICS = {"run_line_magic", "run_cell_magic"}


@dataclass
class ScanResult:
    problems: list[str]
    saves: list[str]
    safe_loads: list[str]


def scan_source(source: str, where: str, result: ScanResult) -> None:
    """Add to ``result`` every eval/exec, unpickling call and torch.load without
    ``weights_only=True`` in ``source``; code inside IPython magics is scanned too."""
    tree = ast.parse(source)
    aliases = _import_aliases(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in {"eval", "exec"}:
            result.problems.append(f"{where}:{node.lineno}: uses {node.id}")
        if not isinstance(node, ast.Call):
            continue
        name = _dotted(node.func, aliases)
        keywords = {k.arg: k.value for k in node.keywords}
        line = f"{where}:{node.lineno}"
        if name in EVAL_NAMES - {"eval", "exec"} or name in UNPICKLERS:
            result.problems.append(f"{line}: calls {name}")
        elif name == "numpy.load" and not _is_constant(keywords.get("allow_pickle"), False):
            result.problems.append(f"{line}: numpy.load may unpickle (allow_pickle)")
        elif name == "torch.load":
            if _is_constant(keywords.get("weights_only"), True):
                result.safe_loads.append(line)
            else:
                result.problems.append(f"{line}: torch.load without weights_only=True")
        elif name == "torch.save":
            result.saves.append(line)
        elif isinstance(node.func, ast.Attribute) and node.func.attr in MAGICS:
            for arg in node.args:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    try:
                        scan_source(arg.value, f"{line} (magic)", result)
                    except SyntaxError:
                        pass  # a magic's argument that is not Python (e.g. a file name)


def _import_aliases(tree: ast.AST) -> dict[str, str]:
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                aliases[alias.asname or alias.name.split(".")[0]] = \
                    alias.name if alias.asname else alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    return aliases


def _dotted(node: ast.AST, aliases: dict[str, str]) -> str:
    if isinstance(node, ast.Name):
        return aliases.get(node.id, node.id)
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value, aliases)}.{node.attr}"
    return "?"


def _is_constant(node: ast.AST | None, value: bool) -> bool:
    if node is None:
        return value is False  # an absent allow_pickle is False; an absent weights_only is not
    return isinstance(node, ast.Constant) and node.value is value


def course_sources() -> list[tuple[str, str]]:
    """(where, Python source) of widgets/, benchmarks/, lessons/solutions/ and every code cell
    of lessons/*.ipynb (IPython syntax turned into Python)."""
    files = [*sorted((ROOT / "widgets").rglob("*.py")), *sorted((ROOT / "benchmarks").rglob(
        "*.py")), *sorted((ROOT / "lessons" / "solutions").rglob("*.py"))]
    sources = [(str(p.relative_to(ROOT)), p.read_text(encoding="utf-8")) for p in files]
    transform = TransformerManager().transform_cell
    notebooks = [*sorted((ROOT / "lessons").glob("*.ipynb")),
                 *sorted((ROOT / "lessons" / "solutions").rglob("*.ipynb"))]
    for notebook in notebooks:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for number, cell in enumerate(cells):
            if cell["cell_type"] == "code":
                where = f"{notebook.relative_to(ROOT)} cell {number}"
                sources.append((where, transform("".join(cell["source"]))))
    return sources


def scan(sources: list[tuple[str, str]]) -> ScanResult:
    result = ScanResult([], [], [])
    for where, source in sources:
        scan_source(source, where, result)
    return result


def test_no_eval_exec_unpickling_or_unsafe_torch_load_in_the_course():
    sources = course_sources()
    kinds = {where.split("/")[0] for where, _ in sources}
    assert {"widgets", "benchmarks", "lessons"} <= kinds
    assert sum(" cell " in where for where, _ in sources) > 50  # the lessons' code cells
    result = scan(sources)
    assert result.problems == []
    # Lesson 09 saves a checkpoint (widgets.char_lm.save_char_model); whatever is saved must
    # be loaded back with weights_only=True.
    assert not result.saves or result.safe_loads, f"torch.save without a safe load: {result}"


@pytest.mark.parametrize("source, found", [
    ("eval(text)", "uses eval"), ("exec(code)", "uses exec"),
    ("values = list(map(eval, texts))", "uses eval"),
    ("import builtins\nbuiltins.eval(s)", "calls builtins.eval"),
    ("import pickle\npickle.load(f)", "calls pickle.load"),
    ("import pickle as pk\npk.loads(b)", "calls pickle.loads"),
    ("from pickle import load\nload(f)", "calls pickle.load"),
    ("import joblib\njoblib.load(p)", "calls joblib.load"),
    ("import numpy as np\nnp.load(p, allow_pickle=True)", "numpy.load may unpickle"),
    ("import torch\ntorch.load(p)", "torch.load without weights_only=True"),
    ("import torch as th\nth.load(p, weights_only=False)", "torch.load without weights_only"),
    ("from torch import load\nload(p, weights_only=flag)", "torch.load without weights_only"),
    (TransformerManager().transform_cell("%timeit eval('1')"), "uses eval"),
    (TransformerManager().transform_cell("%%time\nimport torch\ntorch.load(p)"), "torch.load"),
])
def test_scan_finds_each_unsafe_pattern(source, found):
    result = scan([("example.py", source)])
    assert len(result.problems) == 1 and found in result.problems[0], result.problems


def test_scan_accepts_safe_look_alikes():
    source = ("import ast, re\nimport numpy as np\nimport torch\nmodel.eval()\nre.compile('x')\n"
              "ast.literal_eval('1')\nnp.load(p)\ntorch.save(model.state_dict(), p)\n"
              "torch.load(p, weights_only=True)\n")
    result = scan([("example.py", source)])
    assert result.problems == [] and len(result.saves) == len(result.safe_loads) == 1


# ------------------------------------------------------------ escaping, without a browser

PAYLOADS = ["<img src=x onerror=alert(1)>", "<script>alert(2)</script>",
            '"><svg onload=alert(3)>', '<a href="javascript:alert(4)">x</a>', "<b>bold</b>"]


def test_quiz_refuses_a_bank_with_markup():
    question = {"id": "xss", "quiz": "post", "type": "multiple_choice", "question": PAYLOADS[0],
                "explanation": "Because.", "answers": [
                    {"answer": "yes", "correct": True},
                    {"answer": "no", "correct": False, "feedback": "It is not no at all."}]}
    with pytest.raises(BankError, match="markup"):
        Quiz([question], lesson="x", which="post")


def _shown_strings(root) -> list[str]:
    """Every string a widget tree hands to an HTML or plotly renderer: HTML widget values
    and every string in each FigureWidget's JSON (labels, names, titles, hover texts)."""
    found, stack = [], [root]
    while stack:
        item = stack.pop()
        if isinstance(item, go.FigureWidget):
            # legendgroup only pairs traces (never shown), so it may keep the raw label
            item = item.to_plotly_json()
            for data in item["data"]:
                data.pop("legendgroup", None)
            stack.append(item)
        elif isinstance(item, ipw.HTML):
            found.append(item.value)
        elif isinstance(item, ipw.Box):
            stack.extend(item.children)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, str):
            found.append(item)
    return found


def test_widgets_escape_tokens_and_labels_for_html_and_plotly():
    """Payload tokens (and GradientFlow model labels) never reach HTML or plotly raw, and
    do reach them escaped; each stepping widget is stepped through every token."""
    torch.manual_seed(0)
    inputs = torch.randn(len(PAYLOADS), 3)
    lstm = torch.nn.LSTM(3, 2, num_layers=2, bidirectional=True)
    trace = widgets.trace(lstm, inputs, tokens=PAYLOADS)
    views = [widgets.StateStepper(trace), widgets.GateViewer(trace), widgets.LayerStepper(trace)]
    shown = []
    for view in views:
        for step in range(len(PAYLOADS)):
            view.controls.value = step
            shown += _shown_strings(view)
    flows = [widgets.gradient_flow(torch.nn.RNN(3, 2), inputs, PAYLOADS, label=f"RNN {p}")
             for p in PAYLOADS[:2]]
    shown += _shown_strings(widgets.GradientFlow(*flows))
    for payload in PAYLOADS:
        assert not [s for s in shown if payload in s], f"{payload!r} reached HTML raw"
        escaped = {html.escape(payload), html.escape(payload, quote=False)}
        assert any(e in s for s in shown for e in escaped), f"{payload!r} is not shown at all"
