"""A class on a real JupyterHub: three learners, each their own system user,
one read-only course. Each logs in with a password, starts a server, runs lesson 00_start_here
through the hub (kernels over /user/NAME/api/kernels and their websocket) and answers a quiz
question with the quiz widget. Then: each learner's progress is in their own home; no learner
can read another's progress or write into the course; a stopped and restarted server still
has the progress; the learner got their own copy of the lessons. See tests/hub_tools.py.

Fails (never skips) in CI when JupyterHub, its proxy or the rights it needs are missing.
"""

from __future__ import annotations

import json
import os
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import hub_tools

pytestmark = pytest.mark.slow
LESSON = "00_start_here"
QUIZ_CELL = """
import json, widgets
from widgets.quizzes import store as progress
q = widgets.quiz("00_start_here", "pre")
q.views[0].control.value = {choice}
q.check(0)
print(json.dumps({{"path": str(progress.progress_path()),
                   "first": progress.load_progress()["lessons"]["00_start_here"]["pre"]}}))
"""
TRY_COURSE_WRITE = """
from pathlib import Path
import widgets.workspace as ws
lesson = ws.COURSE_ROOT / "lessons" / "00_start_here.ipynb"
try:
    lesson.open("a").close()
    print("WROTE")
except PermissionError:
    print("REFUSED")
"""
READ_PROGRESS = """
import json
from widgets.quizzes import store as progress
print(json.dumps(progress.load_progress()["lessons"]))
"""


@pytest.fixture(scope="module")
def hub_class():
    """Three learner users, the learners' environment and a running hub; all removed after."""
    problems = hub_tools.missing_requirements()
    if problems:
        message = "cannot run JupyterHub here: missing " + "; ".join(problems)
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    folder = Path(tempfile.mkdtemp(prefix="rnn-hub-", dir="/tmp"))
    os.chmod(folder, 0o755)
    names, hub = [], None
    try:
        env = hub_tools.make_learner_env(folder / "env")
        names = hub_tools.create_learners(3)
        hub = hub_tools.start_hub(env, folder / "hub")
        yield hub, env, names
    finally:
        hub_tools.tear_down(names, hub, folder)


def _learner_session(hub, env, name: str, choice: int) -> dict:
    """Log in, start the server, run lesson 00 and one quiz answer; returns what came out."""
    session = hub_tools.login(hub, name)
    token = hub_tools.user_token(hub, session, name)
    hub.start_server(name)
    cells = hub_tools.lesson_code_cells(env.course / "lessons" / f"{LESSON}.ipynb")
    lesson = hub_tools.run_cells(hub, name, token, cells)
    quiz = hub_tools.run_cells(hub, name, token, [QUIZ_CELL.format(choice=choice),
                                                  TRY_COURSE_WRITE])
    return {"token": token, "lesson": lesson, "quiz": quiz}


def test_three_learners_on_one_read_only_course(hub_class):
    hub, env, names = hub_class
    with ThreadPoolExecutor(len(names)) as pool:
        runs = list(pool.map(lambda a: _learner_session(hub, env, *a),
                             [(name, i % 2) for i, name in enumerate(names)]))
    for name, run in zip(names, runs, strict=True):
        failed = [r for r in run["lesson"] + run["quiz"] if r["status"] != "ok"]
        assert not failed, f"{name}: {failed[0]['error'][-3000:]}"
        assert len(run["lesson"]) == len(hub_tools.lesson_code_cells(
            env.course / "lessons" / f"{LESSON}.ipynb"))
        saved = json.loads(run["quiz"][0]["stdout"])
        home = Path(os.path.expanduser(f"~{name}"))
        assert Path(saved["path"]) == home / ".local/share/rnn-course/quiz_progress.json"
        assert saved["first"]["questions"]["00-pre-mean-order"]["attempts"] == 1
        assert run["quiz"][1]["stdout"].strip() == "REFUSED"
        assert Path(saved["path"]).stat().st_uid == int(hub_tools.run_as(name, ["id", "-u"])
                                                          .stdout)
    _check_isolation(env, names)
    _check_restart(hub, names[0], runs[0]["token"])
    _check_own_copy(env, names)
    assert env.network_log.read_text() == "", "a learner process tried to reach another host"


def _check_isolation(env, names: list[str]) -> None:
    """No learner can read another's progress file or write into the course."""
    for reader in names:
        for owner in names:
            target = f"{os.path.expanduser('~' + owner)}/.local/share/rnn-course/quiz_progress.json"
            result = hub_tools.run_as(reader, ["cat", target])
            assert (result.returncode == 0) == (reader == owner), (reader, owner, result.stderr)
        for path in ("lessons/new.ipynb", "lessons/00_start_here.ipynb", "widgets/x.py"):
            attempt = hub_tools.run_as(reader, ["sh", "-c", f"echo x >> {env.course / path}"])
            assert attempt.returncode != 0, f"{reader} could write {path} in the course"


def _check_restart(hub, name: str, token: str) -> None:
    """Stopping and starting the learner's server keeps their progress."""
    hub.stop_server(name)
    hub.start_server(name)
    result = hub_tools.run_cells(hub, name, token, [READ_PROGRESS])[0]
    assert result["status"] == "ok", result["error"]
    lessons = json.loads(result["stdout"])
    assert lessons[LESSON]["pre"]["questions"]["00-pre-mean-order"]["first_correct"] is True


def _check_own_copy(env, names: list[str]) -> None:
    """Each learner's server started with their own writable copy of the lessons."""
    for name in names:
        copy = Path(os.path.expanduser(f"~{name}")) / "rnn-course" / "lessons" / f"{LESSON}.ipynb"
        assert copy.read_bytes() == (env.course / "lessons" / f"{LESSON}.ipynb").read_bytes()
        assert hub_tools.run_as(name, ["sh", "-c", f"echo >> {copy}"]).returncode == 0
