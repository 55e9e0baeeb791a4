"""The fresh-install benchmark (benchmarks/install_rows.py) without a real install: sizes on
disk, pip's report, the rows, the venv check, and its pip commands against the README's and
.ci/run's, so the benchmark cannot drift from what a learner types."""

import importlib.util
import os
import shlex
import shutil
import sys
from collections import namedtuple
from pathlib import Path

import pytest

from readme_blocks import readme_block

ROOT = Path(__file__).resolve().parent.parent
SPEC = importlib.util.spec_from_file_location("install_rows",
                                              ROOT / "benchmarks" / "install_rows.py")
install_rows = importlib.util.module_from_spec(SPEC)
sys.modules[SPEC.name] = install_rows  # dataclasses look their module up there
SPEC.loader.exec_module(install_rows)
Row = namedtuple("Row", "name method result target met")
MIB = 2**20


def readme_command(section: str) -> list[list[str]]:
    """The one bash block under the README's ``## section``, split at ``&&`` into argv lists."""
    return [shlex.split(part) for part in readme_block(section).split("&&")]


def test_learner_install_and_launch_are_the_readme_start_command():
    install, launch = readme_command("Start")
    assert install[:3] == ["python", "-m", "pip"]
    assert install[3:] == install_rows.LEARNER_INSTALL
    assert launch[:2] == install_rows.LAUNCH_CHECK[:2] == ["jupyter", "lab"]


def test_test_extra_is_the_readme_test_command():
    install, tests = readme_command("Test")
    assert install[:3] == ["python", "-m", "pip"]
    assert install[3:] == install_rows.TEST_INSTALL
    assert tests[0] == "python" and tests[-2:] == ["-m", "pytest"]


def test_torch_is_installed_first_as_ci_does():
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    pins = [word for line in lines if not line.lstrip().startswith("#")
            for word in shlex.split(line, comments=True) if word.startswith("torch==")]
    assert pins == [install_rows.TORCH_INSTALL[-1]]
    assert list(install_rows.STEPS.values()) == [
        install_rows.TORCH_INSTALL, install_rows.LEARNER_INSTALL, install_rows.TEST_INSTALL]


def test_pip_command_keeps_the_readme_arguments_in_order():
    command = install_rows.pip_command(Path("/v/bin/python"), install_rows.TEST_INSTALL,
                                       Path("/r/report.json"))
    assert command == ["/v/bin/python", "-m", "pip", "install", "-e", ".[test]",
                       "--report", "/r/report.json"]


def write(path: Path, size: int) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x" * size)
    return path


def test_tree_size_counts_regular_files_once(tmp_path):
    write(tmp_path / "a" / "ten", 10)
    big = write(tmp_path / "a" / "b" / "thousand", 1000)
    write(tmp_path / "empty", 0)
    os.link(big, tmp_path / "hard_link_to_thousand")
    (tmp_path / "link_to_thousand").symlink_to(big)
    (tmp_path / "link_to_a").symlink_to(tmp_path / "a", target_is_directory=True)
    assert install_rows.tree_size(tmp_path) == (1010, 3)
    assert install_rows.tree_size(tmp_path / "a" / "b") == (1000, 1)
    assert install_rows.tree_size(tmp_path / "a" / "ten") == (10, 1)
    with pytest.raises(FileNotFoundError, match="path: expected an existing"):
        install_rows.tree_size(tmp_path / "missing")


def test_distribution_folders_come_from_its_record(tmp_path):
    write(tmp_path / "torchvision-0.1.dist-info" / "RECORD", 0).write_text("torchvision/a.py,,\n")
    lines = ["torch/__init__.py,sha256=abc,12", "torch/nn/modules/rnn.py,,", "torchgen/model.py,,",
             "functorch/__init__.py,,", "../../../bin/torchrun,,",
             "torch-2.13.0+cpu.dist-info/METADATA,,"]
    write(tmp_path / "torch-2.13.0+cpu.dist-info" / "RECORD", 0).write_text("\n".join(lines))
    assert install_rows.distribution_folders(tmp_path, "torch") == [
        tmp_path / name for name in ("functorch", "torch", "torch-2.13.0+cpu.dist-info",
                                     "torchgen")]
    with pytest.raises(FileNotFoundError, match="site_packages: no plotly-"):
        install_rows.distribution_folders(tmp_path, "plotly")


def report(*items: tuple[str, str]) -> dict:
    return {"install": [{"metadata": {"name": name}, "download_info": {"url": url}}
                        for name, url in items]}


def test_sources_and_the_local_wheel_size(tmp_path):
    wheel = write(tmp_path / "torch-2.13.0+cpu-cp311-none.whl", 123)
    installed = report(("torch", wheel.as_uri()), ("sympy", "https://index.invalid/sympy.whl"),
                       ("numpy", "https://index.invalid/numpy.whl"))
    installed["install"].append({"metadata": {"name": "rnn-course"},
                                 "download_info": {"url": tmp_path.as_uri(), "dir_info": {}}})
    assert install_rows.sources(installed) == (2, 1)
    assert install_rows.local_wheel_bytes(installed, "Torch") == 123
    assert install_rows.local_wheel_bytes(installed, "numpy") is None
    with pytest.raises(ValueError, match="report: expected plotly"):
        install_rows.local_wheel_bytes(installed, "plotly")


def test_isolated_env_points_into_the_venv(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "/elsewhere")
    monkeypatch.setenv("PIP_NO_CACHE_DIR", "1")
    env = install_rows.isolated_env(tmp_path / "venv", tmp_path / "cache")
    assert "PYTHONPATH" not in env and "PIP_NO_CACHE_DIR" not in env
    assert env["PATH"].split(os.pathsep)[0] == str(tmp_path / "venv" / "bin")
    assert env["VIRTUAL_ENV"] == str(tmp_path / "venv")
    assert env["PIP_CACHE_DIR"] == str(tmp_path / "cache")


def test_run_times_a_command_and_reports_its_failure(tmp_path):
    seconds, output = install_rows.run([sys.executable, "-c", "print('hello')"], tmp_path,
                                       dict(os.environ))
    assert output == "hello\n" and seconds > 0
    failing = "raise SystemExit('no such thing at https://index.invalid/simple/x/ here')"
    with pytest.raises(RuntimeError, match="failed:\n.*no such thing at <url> here") as error:
        install_rows.run([sys.executable, "-c", failing], tmp_path, dict(os.environ))
    assert "index.invalid" not in str(error.value).replace(failing, "")


def test_copy_course_copies_what_git_does_not_ignore(tmp_path):
    course = install_rows.copy_course(tmp_path / "course")
    for name in ("pyproject.toml", "README.md", "widgets/__init__.py", ".ci/run",
                 "tests/test_install_benchmark.py"):
        assert (course / name).read_bytes() == (ROOT / name).read_bytes()
    assert not (course / ".git").exists()
    assert not list(course.glob("*.egg-info")) and not list(course.rglob("__pycache__"))


def fake_venv(tmp_path: Path) -> Path:
    """A folder laid out like a venv whose tools run this interpreter's (scripts, not symbolic
    links: a link to a venv's python outside its venv would start the base Python instead)."""
    bin_dir = tmp_path / "venv" / "bin"
    bin_dir.mkdir(parents=True)
    for name, target in (("python", sys.executable), ("jupyter", shutil.which("jupyter"))):
        (bin_dir / name).write_text(f'#!/bin/sh\nexec "{target}" "$@"\n')
        (bin_dir / name).chmod(0o755)
    return tmp_path / "venv"


def test_check_venv_names_the_versions_and_where_widgets_comes_from(tmp_path):
    venv, env = fake_venv(tmp_path), dict(os.environ)
    versions = install_rows.check_venv(venv, ROOT, tmp_path, env)
    import torch
    assert versions.startswith(f"torch {torch.__version__}, plotly ")
    assert ", jupyter lab 4." in versions and "pytest" in versions
    with pytest.raises(RuntimeError, match="imports widgets from .*, not from"):
        install_rows.check_venv(venv, tmp_path, tmp_path, env)


def measured(seconds: list[float], versions: str, wheel: int | None) -> object:
    steps = ("venv", "torch", "learner", "test")
    return install_rows.InstallPass(
        seconds=dict(zip(steps, seconds, strict=True)),
        sizes={"torch": (900 * MIB, 20_000), "learner": (1536 * MIB, 40_000),
               "test": (1600 * MIB, 45_500), "torch folders": (768 * MIB, 15_000)},
        sources={"torch": (5, 1), "learner": (80, 20), "test": (12, 0)},
        torch_wheel_bytes=wheel, versions=versions)


def test_time_rows_with_a_warm_second_run():
    first = measured([4.0, 30.0, 61.0, 20.4], "", 183 * MIB)
    second = measured([3.0, 20.0, 7.0, 5.0], "", None)
    rows = {row.name: row for row in install_rows.time_rows(first, second, 55 * MIB, Row)}
    torch_row = rows["fresh install: torch 2.13.0 CPU"]
    assert torch_row.result == "30 s cold cache, 20 s warm"
    assert "6 packages (5 from a registry, 1 from disk)" in torch_row.method
    assert "its wheel (183 MiB) lies on this machine's disk" in torch_row.method
    assert "100 packages (80 from a registry, 20 from disk)" in rows[
        "fresh install: course (learner)"].method
    assert rows["fresh install: + test extra"].result == "20 s cold cache, 5 s warm"
    assert rows["fresh install: new venv to launch"].result == "95 s cold cache, 30 s warm"
    assert rows["pip cache after run 1"].result == "55 MiB"
    assert "run 2 reused it" in rows["pip cache after run 1"].method
    assert_table_cells(rows.values())


def test_time_rows_when_pip_cached_nothing():
    first = measured([1.0, 2.0, 3.0, 4.0], "", None)
    second = measured([1.0, 2.5, 3.5, 4.0], "", None)
    rows = install_rows.time_rows(first, second, int(0.5 * MIB), Row)
    assert "its wheel downloaded" in rows[0].method
    assert rows[0].result == "2 s run 1, 2 s run 2, also cold"
    assert rows[-1].result == "0.5 MiB"
    assert "pip cached nothing, so run 2 was cold too" in rows[-1].method
    assert_table_cells(rows)


def test_size_rows_read_as_intended():
    rows = install_rows.size_rows(measured([1.0] * 4, "torch 2.13.0+cpu, jupyter lab 4.6.0",
                                           None), Row)
    rows = {row.name: row for row in rows}
    assert rows["venv size (torch only)"].result == "900 MiB, 20,000 files"
    assert rows["venv size (learner)"].result == "1,536 MiB, 40,000 files"
    assert rows["venv size (with test extra)"].result == "1,600 MiB, 45,500 files"
    assert rows["torch 2.13.0 CPU alone"].result == (
        "768 MiB, 15,000 files = 50 % of the learner venv")
    assert rows["fresh venv works"].result == "torch 2.13.0+cpu, jupyter lab 4.6.0"
    assert (rows["fresh venv works"].target, rows["fresh venv works"].met) == ("all run", True)
    assert_table_cells(row for row in rows.values() if row.name != "fresh venv works")


def assert_table_cells(rows) -> None:
    """No target, no verdict, and nothing that breaks a Markdown table or names a host."""
    for row in rows:
        assert (row.target, row.met) == ("-", None), row
        assert not any("|" in cell or "://" in cell for cell in row[:3]), row
