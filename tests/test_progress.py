"""The progress store: where it lives, atomic writes, corruption recovery, the summary."""

from __future__ import annotations

import json
import os
import re
import warnings
from pathlib import Path

import platformdirs
import pytest

from widgets.paths import REPO_ROOT
from widgets.quizzes import store as progress
from widgets.quizzes.bank import LESSONS
from widgets.quizzes.progress import progress_widget, summary_html
from widgets.quizzes.store import (
    ENV_VAR,
    FILE_NAME,
    ProgressWarning,
    load_progress,
    progress_path,
    progress_summary,
    quiz_score,
    record_answer,
)
from widgets.quizzes.widget import Quiz


@pytest.fixture
def path(tmp_path):
    return tmp_path / "data" / FILE_NAME


def record(path, lesson="02_rnn_cell_anatomy", quiz="post", qid="q1", correct=True, total=5):
    return record_answer(lesson, quiz, qid, ["an answer"], correct, total=total, path=path)


def two_lessons(path):
    record(path, lesson="01_why_order_matters", quiz="pre", qid="a", correct=False, total=2)
    record(path, lesson="02_rnn_cell_anatomy", quiz="post", qid="b", correct=True, total=5)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- location -----------------------------------------------------------------------------

def test_default_is_the_users_data_directory_outside_the_repository(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    expected = Path(platformdirs.user_data_dir("rnn-course")).resolve() / FILE_NAME
    assert progress_path() == expected
    assert not expected.is_relative_to(REPO_ROOT)


def test_environment_variable_redirects_and_the_argument_wins(monkeypatch, tmp_path):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "classroom"))
    assert progress_path() == (tmp_path / "classroom" / FILE_NAME).resolve()
    assert progress_path(tmp_path / "mine.json") == (tmp_path / "mine.json").resolve()


def test_a_place_inside_the_repository_is_refused(monkeypatch):
    with pytest.raises(ValueError, match="`path` must be outside the course repository"):
        progress_path(REPO_ROOT / "lessons" / FILE_NAME)
    monkeypatch.setenv(ENV_VAR, str(REPO_ROOT))
    with pytest.raises(ValueError, match=re.escape(f"`${ENV_VAR}` must be outside")):
        progress_path()


def test_path_must_be_a_path():
    with pytest.raises(TypeError, match="`path` must be a file path, got int"):
        progress_path(3)


# --- records ------------------------------------------------------------------------------

def test_first_check_fixes_first_correct_and_later_checks_update(path):
    record(path, qid="q1", correct=False)
    rec = record(path, qid="q1", correct=True)
    assert rec["questions"]["q1"] == {"answer": ["an answer"], "correct": True,
                                      "first_correct": False, "first_answer": ["an answer"],
                                      "attempts": 2}
    assert rec["total"] == 5 and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}",
                                              rec["updated"])
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["version"] == 1 and saved["lessons"]["02_rnn_cell_anatomy"]["post"] == rec
    assert quiz_score(rec) == {"first_try": 0, "correct": 1, "answered": 1, "total": 5}


def test_writers_in_turn_keep_each_others_lessons(path):
    two_lessons(path)
    record(path, lesson="01_why_order_matters", quiz="post", qid="c", total=4)
    lessons = load_progress(path)["lessons"]
    assert set(lessons) == {"01_why_order_matters", "02_rnn_cell_anatomy"}
    assert set(lessons["01_why_order_matters"]) == {"pre", "post"}


def test_two_open_quiz_widgets_do_not_overwrite_each_other(path):
    def bank(qid):
        return [{"id": qid, "quiz": "pre", "type": "numeric", "question": "One?",
                 "answers": [{"value": 1, "correct": True}], "explanation": "One."}]

    first = Quiz(bank("x"), lesson="01_why_order_matters", which="pre", progress_path=path)
    second = Quiz(bank("y"), lesson="05_lstm_gates", which="pre", progress_path=path)
    first.views[0].control.value = second.views[0].control.value = "1"
    first.check(0)
    second.check(0)
    first.check(0)
    lessons = load_progress(path)["lessons"]
    assert lessons["01_why_order_matters"]["pre"]["questions"]["x"]["attempts"] == 2
    assert lessons["05_lstm_gates"]["pre"]["questions"]["y"]["attempts"] == 1


@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"quiz": "mid"}, ValueError, "`quiz` must be one of 'pre', 'post'"),
    ({"correct": 1}, TypeError, "`correct` must be True or False"),
    ({"total": 0}, ValueError, "`total` must be in [1, ...]"),
    ({"qid": 7}, TypeError, "`question_id` must be a string"),
])
def test_record_names_a_bad_argument(path, kwargs, error, pattern):
    with pytest.raises(error, match=re.escape(pattern)):
        record(path, **kwargs)
    assert not path.exists()


# --- atomic writes ------------------------------------------------------------------------

def test_a_crash_between_write_and_rename_leaves_the_old_file_intact(path, monkeypatch):
    two_lessons(path)
    before = path.read_bytes()

    def crash(src, dst):
        raise OSError("simulated power cut before the rename")

    monkeypatch.setattr(progress.os, "replace", crash)
    with pytest.raises(OSError, match="simulated power cut"):
        record(path, lesson="05_lstm_gates")
    assert path.read_bytes() == before
    assert leftovers(path.parent) == []


def test_a_failure_while_writing_leaves_the_old_file_intact(path, monkeypatch):
    two_lessons(path)
    before = path.read_bytes()

    def half_written(data, handle, **kwargs):
        handle.write('{"lessons": {')
        raise OSError("disk full")

    monkeypatch.setattr(progress.json, "dump", half_written)
    with pytest.raises(OSError, match="disk full"):
        record(path, lesson="05_lstm_gates")
    assert path.read_bytes() == before
    assert leftovers(path.parent) == []


def test_the_new_content_is_flushed_to_disk_before_the_rename(path, monkeypatch):
    calls = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(progress.os, "fsync", lambda fd: calls.append("fsync") or real_fsync(fd))
    monkeypatch.setattr(progress.os, "replace",
                        lambda a, b: calls.append(("replace", Path(b).name)) or real_replace(a, b))
    record(path)
    assert calls[:2] == ["fsync", ("replace", FILE_NAME)]


def test_the_temporary_file_is_made_beside_the_target(path, monkeypatch):
    """Beside the target, so os.replace is a rename within one file system (atomic)."""
    replaced, real_replace = [], os.replace
    monkeypatch.setattr(progress.os, "replace",
                        lambda a, b: replaced.append((Path(a), Path(b))) or real_replace(a, b))
    progress.write_json_atomic(path, {"a": 1})
    ((source, destination),) = replaced
    assert destination == path and source.parent == path.parent and source != path
    assert source.name.startswith(f".{FILE_NAME}.") and source.name.endswith(".tmp")
    assert json.loads(path.read_text(encoding="utf-8")) == {"a": 1}
    assert leftovers(path.parent) == []


def test_the_folder_is_synced_after_the_rename(path, monkeypatch):
    """The rename is durable only once the folder's entry is on disk: the folder is opened
    and fsync'ed after os.replace, then closed."""
    calls, folders = [], {}
    real_open, real_fsync, real_replace, real_close = os.open, os.fsync, os.replace, os.close

    def record_open(file, flags, *args, **kwargs):
        fd = real_open(file, flags, *args, **kwargs)
        if Path(file) == path.parent:
            folders[fd] = flags
        return fd

    monkeypatch.setattr(progress.os, "open", record_open)
    monkeypatch.setattr(progress.os, "fsync",
                        lambda fd: calls.append(("fsync", fd in folders)) or real_fsync(fd))
    monkeypatch.setattr(progress.os, "close",
                        lambda fd: calls.append(("close", fd in folders)) or real_close(fd))
    monkeypatch.setattr(progress.os, "replace",
                        lambda a, b: calls.append(("replace", Path(b))) or real_replace(a, b))
    progress.write_json_atomic(path, {"a": 1})
    assert calls.index(("replace", path)) < calls.index(("fsync", True)) < calls.index(
        ("close", True))
    assert all(flags & os.O_DIRECTORY for flags in folders.values())


# --- corruption ---------------------------------------------------------------------------

def corrupt_copies(path):
    return sorted(path.parent.glob(f"{FILE_NAME}.corrupt-*"))


@pytest.mark.parametrize("damage", [
    lambda b: b[: len(b) // 2],            # truncated
    lambda b: b"\x00\xff garbage \x80",    # not UTF-8
    lambda b: b"[1, 2, 3]",                 # valid JSON, wrong layout
    lambda b: b"",                          # empty file
])
def test_a_corrupt_file_is_moved_aside_and_lessons_come_back_from_the_backup(path, damage):
    two_lessons(path)
    broken = damage(path.read_bytes())
    path.write_bytes(broken)
    with pytest.warns(ProgressWarning, match="was corrupt"):
        lessons = load_progress(path)["lessons"]
    assert set(lessons) == {"01_why_order_matters", "02_rnn_cell_anatomy"}
    (aside,) = corrupt_copies(path)
    assert aside.read_bytes() == broken
    assert re.fullmatch(re.escape(FILE_NAME) + r"\.corrupt-\d{8}T\d{6}-\d{9}", aside.name)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ProgressWarning)
        assert set(load_progress(path)["lessons"]) == set(lessons)  # repaired on disk


def test_without_a_backup_a_corrupt_file_gives_an_empty_start_not_a_crash(path):
    two_lessons(path)
    path.with_name(FILE_NAME + ".bak").unlink()
    path.write_text('{"version": 1, "lessons": {"01_why', encoding="utf-8")
    with pytest.warns(ProgressWarning, match="kept: nothing"):
        assert load_progress(path)["lessons"] == {}
    assert len(corrupt_copies(path)) == 1
    record(path, lesson="03_training_and_bptt")
    assert set(load_progress(path)["lessons"]) == {"03_training_and_bptt"}


def test_one_bad_lesson_is_dropped_and_the_others_are_kept(path):
    two_lessons(path)
    path.with_name(FILE_NAME + ".bak").unlink()
    data = json.loads(path.read_text(encoding="utf-8"))
    data["lessons"]["02_rnn_cell_anatomy"]["post"]["questions"]["b"]["attempts"] = "two"
    data["lessons"]["07_bidirectional_and_multilayer"] = ["not", "a", "record"]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.warns(ProgressWarning, match="02_rnn_cell_anatomy/post") as caught:
        lessons = load_progress(path)["lessons"]
    assert "07_bidirectional_and_multilayer/?" in str(caught[0].message)
    assert set(lessons) == {"01_why_order_matters"}
    assert len(corrupt_copies(path)) == 1


def test_a_bad_lesson_is_restored_from_the_backup_when_it_can_be(path):
    two_lessons(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    data["lessons"]["02_rnn_cell_anatomy"]["post"]["total"] = -1
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.warns(ProgressWarning, match="kept: 01_why_order_matters, 02_rnn_cell_anatomy"):
        lessons = load_progress(path)["lessons"]
    assert lessons["02_rnn_cell_anatomy"]["post"]["total"] == 5


def test_recording_after_corruption_keeps_the_recovered_lessons(path):
    two_lessons(path)
    path.write_bytes(path.read_bytes()[:20])
    with pytest.warns(ProgressWarning):
        record(path, lesson="06_gru")
    assert set(load_progress(path)["lessons"]) == {"01_why_order_matters",
                                                   "02_rnn_cell_anatomy", "06_gru"}


def test_a_quiz_opens_and_saves_despite_a_corrupt_file(path):
    path.parent.mkdir(parents=True)
    path.write_text("{{{ not json", encoding="utf-8")
    bank = [{"id": "z", "quiz": "pre", "type": "numeric", "question": "Two?",
             "answers": [{"value": 2, "correct": True}], "explanation": "Two."}]
    with pytest.warns(ProgressWarning, match="was corrupt"):
        widget = Quiz(bank, lesson="04_vanishing_gradients", which="pre", progress_path=path)
    widget.views[0].control.value = "2"
    assert widget.check(0).correct
    assert load_progress(path)["lessons"]["04_vanishing_gradients"]["pre"]["total"] == 1


def test_an_unreadable_file_warns_on_load_and_refuses_to_overwrite(path):
    path.mkdir(parents=True)  # a folder where the file should be
    with pytest.warns(ProgressWarning, match="could not read quiz progress"):
        assert load_progress(path) == {"version": 1, "lessons": {}}
    with pytest.raises(OSError):
        record(path)


# --- summary ------------------------------------------------------------------------------

def test_summary_has_every_lesson_in_order_then_other_recorded_ones(path):
    two_lessons(path)
    record(path, lesson="zz_extra", quiz="pre", qid="e", total=1)
    rows = progress_summary(path)
    assert [r["lesson"] for r in rows] == [*LESSONS, "zz_extra"]
    by_name = {r["lesson"]: r for r in rows}
    assert by_name["01_why_order_matters"]["pre"] == {"first_try": 0, "correct": 0,
                                                      "answered": 1, "total": 2}
    assert by_name["01_why_order_matters"]["post"] is None
    assert by_name["02_rnn_cell_anatomy"]["post"]["first_try"] == 1


def test_summary_html_shows_first_try_scores_and_escapes_names(path):
    record(path, lesson="<b>x</b>", quiz="post", qid="q", correct=True, total=4)
    html = summary_html(progress_summary(path))
    assert "&lt;b&gt;x&lt;/b&gt;" in html and "<b>x</b>" not in html
    assert "<td>1/4</td>" in html and "&mdash;" in html


def test_summary_widget_refreshes_from_the_file(path):
    widget = progress_widget(path)
    table = widget.children[1]
    assert "1/5" not in table.value
    record(path)
    widget.children[2].click()
    assert "<td>&mdash;</td><td>1/5</td>" in table.value


def test_the_first_answer_is_kept_when_later_checks_change_the_answer(path):
    record_answer("00_start_here", "pre", "q1", ["wrong"], False, total=2, path=path)
    saved = record_answer("00_start_here", "pre", "q1", ["right"], True, total=2, path=path)
    question = saved["questions"]["q1"]
    assert question["first_answer"] == ["wrong"] and question["answer"] == ["right"]
    assert question["first_correct"] is False and question["attempts"] == 2
    assert load_progress(path)["lessons"]["00_start_here"]["pre"]["questions"]["q1"] == question


def test_an_old_file_without_first_answers_loads_and_gets_none_invented(path):
    old = {"version": 1, "lessons": {"00_start_here": {"pre": {"total": 2, "questions": {
        "q1": {"answer": ["a"], "correct": True, "first_correct": False, "attempts": 2}}}}}}
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(old))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_progress(path) == old
    saved = record_answer("00_start_here", "pre", "q1", ["b"], True, total=2, path=path)
    assert "first_answer" not in saved["questions"]["q1"]
    assert saved["questions"]["q1"]["attempts"] == 3


def test_a_first_answer_of_the_wrong_type_drops_the_record(path):
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"version": 1, "lessons": {"00_start_here": {"pre": {
        "total": 1, "questions": {"q1": {"answer": "a", "correct": True, "first_correct": True,
                                         "attempts": 1, "first_answer": 3}}}}}}))
    with pytest.warns(ProgressWarning, match="00_start_here/pre"):
        assert load_progress(path)["lessons"] == {}
