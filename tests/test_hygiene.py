"""Repository hygiene: clean notebooks, a clean `ruff check`, reasoned dependency bounds."""

import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

from notebook_tools import clean, notebook_problems
from readme_blocks import readme_block

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "lessons").glob("**/*.ipynb"))


def dirty_notebook() -> dict:
    return {
        "metadata": {"widgets": {"application/vnd.jupyter.widget-state+json": {}}},
        "nbformat": 4, "nbformat_minor": 5,
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "# Title"},
            {"cell_type": "code", "metadata": {}, "execution_count": 3, "source": "1 + 1",
             "outputs": [{"output_type": "execute_result", "data": {"text/plain": "2"},
                          "metadata": {}, "execution_count": 3}]},
        ],
    }


def test_problems_are_found_and_cleaned(tmp_path):
    assert notebook_problems(dirty_notebook()) == [
        "metadata.widgets is present (saved widget state)",
        "cell 1 has outputs", "cell 1 has an execution count"]
    path = tmp_path / "dirty.ipynb"
    path.write_text(json.dumps(dirty_notebook()))
    clean(path)
    assert notebook_problems(json.loads(path.read_text())) == []


def test_committed_notebooks_are_clean():
    problems = {path.name: notebook_problems(json.loads(path.read_text(encoding="utf-8")))
                for path in NOTEBOOKS}
    assert {name: found for name, found in problems.items() if found} == {}


def test_ruff_is_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    result = subprocess.run([ruff, "check", "--no-cache", str(ROOT)], capture_output=True,
                            text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_dependency_has_a_lower_bound_and_a_reason():
    text = (ROOT / "pyproject.toml").read_text()
    project = tomllib.loads(text)["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["test"]
    lines = {line.split('"')[1]: line for line in text.splitlines()
             if line.strip().startswith('"') and '"' in line.strip()[1:]}
    for requirement in requirements:
        assert ">=" in requirement and "==" not in requirement, requirement
        assert "#" in lines[requirement], f"{requirement} has no reason comment"


def test_ci_runs_the_readme_test_command_offline():
    command = readme_block("Test")
    assert "tests/offline.py -m pytest" in command
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert command in [line.strip() for line in ci_lines if not line.startswith("#")]
