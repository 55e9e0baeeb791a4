"""Benchmark rows for a learner's first install: a new virtual environment, PyTorch's CPU build,
then the README's two install commands, each timed on the wall clock, and the environment's
size on disk.

The working tree is never touched: its files that git does not ignore are copied into a
temporary folder (what a fresh clone would hold) and the README's commands run there. Two
passes, each in its own new venv: the first with an empty pip cache (cold: every package
fetched, as on a learner's first install), the second with the cache the first one left: warm,
as for a reinstall, if pip kept anything (the row "pip cache after run 1" says; some registry
set-ups leave it empty).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG

ROOT = Path(__file__).resolve().parent.parent
# pip's arguments, exactly as in .ci/run and the README (tests/test_install_benchmark.py
# reads both files and checks that these have not drifted from them).
TORCH_INSTALL = ["install", "torch==2.13.0"]  # .ci/run: the CPU build, before the course
LEARNER_INSTALL = ["install", "-e", "."]  # README, "Start"
TEST_INSTALL = ["install", "-e", ".[test]"]  # README, "Test"
LAUNCH_CHECK = ["jupyter", "lab", "--version"]  # README, "Start", launches `jupyter lab`
IMPORT_CHECK = "import widgets, torch, plotly, ipywidgets, anywidget"
STEPS = {"torch": TORCH_INSTALL, "learner": LEARNER_INSTALL, "test": TEST_INSTALL}


@dataclass
class InstallPass:
    """What one pass measured: seconds per step ("venv" and the keys of STEPS); the venv's
    (bytes, files) after each install step (keys of STEPS) and of torch's own folders ("torch
    folders"); per install step the packages pip installed as (from a registry, from this
    machine's disk); the size of torch's wheel if it lay on this machine's disk."""

    seconds: dict[str, float] = field(default_factory=dict)
    sizes: dict[str, tuple[int, int]] = field(default_factory=dict)
    sources: dict[str, tuple[int, int]] = field(default_factory=dict)
    torch_wheel_bytes: int | None = None
    versions: str = ""


def tree_size(path: Path) -> tuple[int, int]:
    """(bytes, files) under ``path`` (a folder or one file): the apparent size of every regular
    file, symbolic links neither followed nor counted, a file with several hard links once."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"path: expected an existing file or folder, got {path}")
    if path.is_dir() and not path.is_symlink():
        paths = [Path(folder) / name for folder, _, names in os.walk(path) for name in names]
    else:
        paths = [path]
    sizes = {}
    for stat in map(os.lstat, paths):
        if S_ISREG(stat.st_mode):
            sizes[stat.st_dev, stat.st_ino] = stat.st_size
    return sum(sizes.values()), len(sizes)


def distribution_folders(site_packages: Path, name: str) -> list[Path]:
    """The top-level entries of ``site_packages`` that distribution ``name`` installed (its
    RECORD's first path components; scripts outside site-packages left out)."""
    records = sorted(Path(site_packages).glob(f"{name}-*.dist-info/RECORD"))
    if not records:
        raise FileNotFoundError(f"site_packages: no {name}-*.dist-info/RECORD in {site_packages}")
    tops = set()
    for line in records[0].read_text(encoding="utf-8").splitlines():
        top = line.split(",", 1)[0].split("/", 1)[0]
        if top and top != "..":
            tops.add(top)
    return [Path(site_packages) / top for top in sorted(tops)]


def sources(report: dict) -> tuple[int, int]:
    """(from a registry, from this machine's disk): the packages a pip ``--report`` lists as
    installed, the local project itself (a folder) left out."""
    urls = [item["download_info"]["url"] for item in report["install"]
            if "dir_info" not in item["download_info"]]
    local = sum(url.startswith("file:") for url in urls)
    return len(urls) - local, local


def pip_command(python: Path, arguments: list[str], report: Path) -> list[str]:
    """``python -m pip`` with ``arguments`` as the README writes them, plus a JSON report."""
    return [str(python), "-m", "pip", *arguments, "--report", str(report)]


def isolated_env(venv: Path, cache: Path) -> dict[str, str]:
    """This process's environment as a learner's shell inside ``venv`` would have it, with
    ``cache`` as pip's cache. pip's own configuration on this machine is kept."""
    env = {key: value for key, value in os.environ.items()
           if key not in {"PYTHONPATH", "PYTHONHOME", "PIP_NO_CACHE_DIR"}}
    env.update(VIRTUAL_ENV=str(venv), PIP_CACHE_DIR=str(cache),
               PATH=os.pathsep.join([str(venv / "bin"), env.get("PATH", "")]))
    return env


def run(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, str]:
    """Run ``command``; return its wall-clock seconds and its output, or raise with the end of
    its output, addresses (a registry's, say) replaced by <url>."""
    start = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        output = re.sub(r"[a-z][a-z0-9+.-]*://\S+", "<url>", result.stdout + result.stderr)
        raise RuntimeError(f"{' '.join(command)} failed:\n{output[-3000:]}")
    return seconds, result.stdout


def copy_course(destination: Path) -> Path:
    """The working tree's files that git tracks or would (not ignored), copied into
    ``destination``: the course as a commit of the work in progress would hold it."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, capture_output=True, check=True)
    for name in filter(None, listed.stdout.decode().split("\0")):
        source = ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination


def check_venv(venv: Path, course: Path, outside: Path, env: dict[str, str]) -> str:
    """The README's tools work in ``venv``, run from ``outside`` the course folder; returns
    their versions. Raises unless ``widgets`` is imported from the ``course`` copy."""
    python = venv / "bin" / "python"
    _, found = run([str(python), "-c", IMPORT_CHECK + "; print(widgets.__file__); print("
                    "torch.__version__, plotly.__version__, ipywidgets.__version__, "
                    "anywidget.__version__)"], outside, env)
    where, versions = found.splitlines()[-2:]
    if not Path(where).resolve().is_relative_to(course.resolve()):
        raise RuntimeError(f"the venv imports widgets from {where}, not from {course}")
    _, lab = run([str(venv / "bin" / LAUNCH_CHECK[0]), *LAUNCH_CHECK[1:]], outside, env)
    _, pytest = run([str(python), "-m", "pytest", "--version"], outside, env)
    _, pip = run([str(python), "-m", "pip", "--version"], outside, env)
    names = ("torch", "plotly", "ipywidgets", "anywidget")
    return ", ".join([*(f"{n} {v}" for n, v in zip(names, versions.split(), strict=True)),
                      f"jupyter lab {lab.strip()}", pytest.strip(), " ".join(pip.split()[:2])])


def local_wheel_bytes(report: dict, name: str) -> int | None:
    """Size of distribution ``name``'s file if a pip ``--report`` says it came from this
    machine's disk, else None."""
    urls = [item["download_info"]["url"] for item in report["install"]
            if item["metadata"]["name"].lower() == name.lower()]
    if not urls:
        raise ValueError(f"report: expected {name} among the installed packages")
    if not urls[0].startswith("file:"):
        return None
    return Path(urllib.parse.unquote(urllib.parse.urlparse(urls[0]).path)).stat().st_size


def install_pass(venv: Path, course: Path, cache: Path) -> InstallPass:
    """Make ``venv`` and run the install steps in ``course`` with pip's cache in ``cache``:
    each step timed, the venv's size after each, then the README's tools checked."""
    measured, env = InstallPass(), isolated_env(venv, cache)
    measured.seconds["venv"], _ = run([sys.executable, "-m", "venv", str(venv)], course, env)
    for step, arguments in STEPS.items():
        report_path = venv.parent / f"{venv.name}-{step}-report.json"
        command = pip_command(venv / "bin" / "python", arguments, report_path)
        measured.seconds[step], _ = run(command, course, env)
        report = json.loads(report_path.read_text(encoding="utf-8"))
        measured.sources[step] = sources(report)
        if step == "torch":
            measured.torch_wheel_bytes = local_wheel_bytes(report, "torch")
        measured.sizes[step] = tree_size(venv)
    site_packages = next((venv / "lib").glob("python*/site-packages"))
    folders = [tree_size(folder) for folder in distribution_folders(site_packages, "torch")]
    measured.sizes["torch folders"] = (sum(b for b, _ in folders), sum(n for _, n in folders))
    measured.versions = check_venv(venv, course, venv.parent, env)
    return measured


def mib(size: int) -> str:
    """Bytes as MiB: one decimal below 10 MiB, none above."""
    return f"{size / 2**20:.1f} MiB" if size < 10 * 2**20 else f"{size / 2**20:,.0f} MiB"


def size_text(size: tuple[int, int]) -> str:
    return f"{mib(size[0])}, {size[1]:,} files"


def time_rows(first: InstallPass, second: InstallPass, cached: int, row_type) -> list:
    """Rows of the install steps' seconds in both passes; ``cached``: the bytes the first pass
    left in pip's cache, which says whether the second pass found a warm cache."""
    labels = ("cold cache", "warm") if cached >= 2**20 else ("run 1", "run 2, also cold")

    def timed(*steps: str) -> str:
        seconds = [sum(measured.seconds[step] for step in steps) for measured in (first, second)]
        return f"{seconds[0]:.0f} s {labels[0]}, {seconds[1]:.0f} s {labels[1]}"

    def fetched(step: str) -> str:
        registry, local = first.sources[step]
        return f"{registry + local} packages ({registry} from a registry, {local} from disk)"

    torch_from = ("its wheel (" + mib(first.torch_wheel_bytes) + ") lies on this machine's disk"
                  if first.torch_wheel_bytes else "its wheel downloaded")
    reuse = "run 2 reused it" if cached >= 2**20 else "pip cached nothing, so run 2 was cold too"
    return [
        row_type("fresh install: torch 2.13.0 CPU", f"`pip install torch==2.13.0` in a new venv "
                 f"(its own pip, not upgraded), as .ci/run does; {fetched('torch')}; {torch_from}",
                 timed("torch"), "-", None),
        row_type("fresh install: course (learner)", "README: `pip install -e .` after torch; "
                 + fetched("learner"), timed("learner"), "-", None),
        row_type("fresh install: + test extra", "README: `pip install -e \".[test]\"` after the "
                 "learner install; " + fetched("test"), timed("test"), "-", None),
        row_type("fresh install: new venv to launch", "`python -m venv` + torch + course (run 1 "
                 "with an empty pip cache, run 2 in another new venv with the cache run 1 left)",
                 timed("venv", "torch", "learner"), "-", None),
        row_type("pip cache after run 1", f"what pip kept of its downloads; {reuse}",
                 mib(cached), "-", None),
    ]


def size_rows(measured: InstallPass, row_type) -> list:
    """Rows of the venv's size on disk and of torch's share of it, and the venv check."""
    learner, torch_alone = measured.sizes["learner"], measured.sizes["torch folders"]
    share = f" = {100 * torch_alone[0] / learner[0]:.0f} % of the learner venv"
    return [
        row_type("venv size (torch only)", "every file's apparent size, hard links once, after "
                 "python -m venv and torch", size_text(measured.sizes["torch"]), "-", None),
        row_type("venv size (learner)", "every file's apparent size, hard links once",
                 size_text(learner), "-", None),
        row_type("venv size (with test extra)", "every file's apparent size, hard links once",
                 size_text(measured.sizes["test"]), "-", None),
        row_type("torch 2.13.0 CPU alone", "its folders in site-packages (from its RECORD)",
                 size_text(torch_alone) + share, "-", None),
        row_type("fresh venv works", f"both venvs, outside the course folder: `{IMPORT_CHECK}`, "
                 "`jupyter lab --version`, `python -m pytest --version`", measured.versions,
                 "all run", True),
    ]


def install_rows(row_type) -> list:
    """Two passes, each in a new venv with a fresh copy of the course, in a temporary folder:
    run 1 with an empty pip cache, run 2 with whatever run 1 left in it."""
    with tempfile.TemporaryDirectory(prefix="rnn-course-install-") as temporary:
        work = Path(temporary)
        cache = work / "pip-cache"
        cache.mkdir()
        first = install_pass(work / "venv-1", copy_course(work / "course-1"), cache)
        cached = tree_size(cache)[0]
        second = install_pass(work / "venv-2", copy_course(work / "course-2"), cache)
    return time_rows(first, second, cached, row_type) + size_rows(first, row_type)
