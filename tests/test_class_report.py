"""The class report: aggregation over generated classes, bad files listed and
skipped, the HTML escaped, self-contained and byte-identical for the same input."""

from __future__ import annotations

import json
import re
import statistics

import pytest
from plotly.offline import get_plotlyjs

from widgets import class_report
from widgets.figures import class_report as crf
from widgets.quizzes import class_data as cr
from widgets.quizzes.bank import LESSONS, load_bank
from widgets.quizzes.store import record_answer

from class_fixtures import choice_questions, make_class, most_chosen_wrong
from figure_policy import figure_problems


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("class")
    truth = make_class(folder, learners=12, seed=7)
    return folder, truth


def test_scores_are_the_mean_first_try_fraction_with_the_number_of_learners(generated):
    folder, truth = generated
    rows = {r["lesson"]: r for r in cr.score_rows(cr.read_class([folder]))}
    assert list(rows)[:len(LESSONS)] == list(LESSONS)
    for (lesson, quiz), scores in truth["score"].items():
        assert rows[lesson][quiz]["n"] == len(scores)
        assert rows[lesson][quiz]["mean"] == pytest.approx(statistics.mean(scores))
        assert rows[lesson][quiz]["scores"] == sorted(scores)
    assert rows["08_capstone_text_classification"]["post"] == {"n": 0, "scores": [],
                                                               "mean": None}


def test_each_question_has_its_first_try_rate_and_most_chosen_wrong_answer(generated):
    folder, truth = generated
    rows = {(r["lesson"], r["quiz"], r["id"]): r for r in cr.question_rows(cr.read_class([folder]))}
    assert truth["first"], "the generated class answered nothing"
    for key, firsts in truth["first"].items():
        row = rows[key]
        right = sum(r for _, r, _ in firsts)
        assert (row["answered"], row["first_right"]) == (len(firsts), right)
        assert row["rate"] == pytest.approx(right / len(firsts))
        assert (row["wrong"], row["wrong_count"]) == most_chosen_wrong(firsts)
        assert row["unknown_wrong"] == 0
    bank_ids = [q["id"] for q in load_bank("01_why_order_matters") if q.get("quiz") == "pre"]
    listed = [qid for lesson, quiz, qid in rows if (lesson, quiz) == ("01_why_order_matters",
                                                                     "pre")]
    assert listed == bank_ids  # every bank question, in bank order, answered or not


def test_learners_who_have_not_started_a_lesson_are_listed(generated):
    folder, truth = generated
    data = cr.read_class([folder])
    for row in cr.not_started(data):
        expected = sorted(set(data.learners) - truth["started"][row["lesson"]])
        assert row["missing"] == expected
        assert row["started"] == len(data.learners) - len(expected)
    assert any(row["missing"] for row in cr.not_started(data)[:3])


def test_old_files_without_first_answers_count_their_wrong_tries_as_unknown(tmp_path):
    question = choice_questions("00_start_here", "pre")[0]
    old = {"version": 1, "lessons": {"00_start_here": {"pre": {"total": 4, "questions": {
        question["id"]: {"answer": ["x"], "correct": True, "first_correct": False,
                         "attempts": 2}}}}}}
    (tmp_path / "old.json").write_text(json.dumps(old))
    row = next(r for r in cr.question_rows(cr.read_class([tmp_path])) if r["id"] == question["id"])
    assert (row["answered"], row["first_right"], row["wrong"], row["unknown_wrong"]) == (
        1, 0, None, 1)


BAD_FILES = {
    "not-json.json": b"{not json",
    "truncated.json": b'{"version": 1, "lessons": {"00_start_here": {"pre": {"tot',
    "binary.json": b"\xff\xfe\x00garbage",
    "empty.json": b"",
    "foreign.json": b'{"name": "a notebook", "cells": []}',
    "a list.json": b"[1, 2, 3]",
}


def test_corrupt_partial_and_foreign_files_are_listed_and_skipped_never_a_crash(tmp_path):
    for name, content in BAD_FILES.items():
        (tmp_path / name).write_bytes(content)
    (tmp_path / "folder.json").mkdir()
    good = tmp_path / "good.json"
    record_answer("00_start_here", "pre", "00-pre-mean-order", ["a"], True, total=4, path=good)
    partial = json.loads(good.read_text())
    partial["lessons"]["01_why_order_matters"] = {"pre": {"total": "many", "questions": {}}}
    (tmp_path / "partial.json").write_text(json.dumps(partial))
    data = cr.read_class([tmp_path])
    assert sorted(data.learners) == ["good.json", "partial.json"]
    assert sorted(label for label, _ in data.skipped) == sorted([*BAD_FILES, "folder.json"])
    assert dict(data.skipped)["folder.json"] == "not a readable file"
    assert data.partial == [("partial.json", "01_why_order_matters/pre")]
    reasons = dict(data.skipped)
    assert reasons["foreign.json"].startswith("not a quiz progress file")
    assert reasons["binary.json"] == "corrupt: not UTF-8 text"
    assert reasons["truncated.json"].startswith("corrupt: not JSON")
    html = crf.report_html(data)
    for name in BAD_FILES:
        assert f"<td>{name}</td><td>skipped</td>" in html
    assert "<td>partial.json</td><td>read in part</td>" in html


def test_reading_never_changes_the_files(tmp_path):
    (tmp_path / "bad.json").write_bytes(b"{broken")
    record_answer("00_start_here", "pre", "q", ["a"], True, total=1, path=tmp_path / "ok.json")
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    class_report.write_report([tmp_path], tmp_path / "out")
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert after == before


def test_labels_are_paths_below_the_folder_or_hashes(tmp_path):
    for who in ("ann", "bob"):
        record_answer("00_start_here", "pre", "q", ["a"], True, total=1,
                      path=tmp_path / f"learner-{who}" / "quiz_progress.json")
    assert sorted(cr.read_class([tmp_path]).learners) == ["learner-ann/quiz_progress.json",
                                                          "learner-bob/quiz_progress.json"]
    hashed = sorted(cr.read_class([tmp_path], hash_names=True).learners)
    assert all(re.fullmatch(r"[0-9a-f]{10}", h) for h in hashed) and len(set(hashed)) == 2
    assert "learner-ann" not in crf.report_html(cr.read_class([tmp_path], hash_names=True))


def _hostile_class(folder):
    evil = '<img src=x onerror="alert(1)"></script><script>alert(2)</script>'
    record_answer(evil, "pre", evil, [evil], False, total=1, path=folder / "x<b>.json")
    record_answer("00_start_here", "pre", "00-pre-mean-order", [evil], False, total=4,
                  path=folder / "y.json")
    return evil


def test_everything_from_the_files_is_escaped(tmp_path):
    evil = _hostile_class(tmp_path)
    html = crf.report_html(cr.read_class([tmp_path]))
    assert evil not in html and "<img" not in html and "alert(2)</script>" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "x&lt;b&gt;.json" in html
    for block in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', html, re.S):
        assert "<" not in block and ">" not in block
        json.loads(block)


def test_the_page_is_self_contained_and_byte_identical_for_the_same_input(generated, tmp_path):
    folder, _ = generated
    first = class_report.write_report([folder], tmp_path / "one").read_bytes()
    second = class_report.write_report([folder], tmp_path / "two").read_bytes()
    assert first == second
    html = first.decode("utf-8")
    assert "<script src" not in html and "http://" not in html.split("<script>", 2)[0]
    assert html.count('class="class-figure"') == 3
    assert f"<script>{get_plotlyjs()}</script>" in html  # from the installed package


def test_figures_follow_the_colour_policy_and_print_their_numbers(generated):
    folder, _ = generated
    data = cr.read_class([folder])
    figures = [crf.scores_figure(cr.score_rows(data)), crf.questions_figure(cr.question_rows(data)),
               crf.started_figure(cr.not_started(data))]
    for figure in figures:
        assert figure_problems(figure.to_plotly_json()) == []
        for trace in figure.data:
            assert trace.text is not None and len(trace.text) == len(trace.x)
    assert any("(n=" in text for text in figures[0].data[0].text)


def test_command_line_writes_the_report_and_refuses_a_missing_path(generated, tmp_path, capsys):
    folder, _ = generated
    assert class_report.main([str(folder), "--out", str(tmp_path / "out")]) == 0
    report = tmp_path / "out" / class_report.REPORT_NAME
    assert report.stat().st_size > 1_000_000  # plotly.js inside
    assert "class_report.html" in capsys.readouterr().out
    with pytest.raises(SystemExit) as stop:
        class_report.main([str(tmp_path / "nowhere"), "--out", str(tmp_path / "out2")])
    assert stop.value.code == 2
