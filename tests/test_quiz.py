"""Grading of every question type and the quiz widget, driven headless (set values, click)."""

from __future__ import annotations

import json
import re
import warnings

import pytest

from widgets.quizzes.bank import load_bank, questions_for
from widgets.quizzes.grading import grade, parse_number
from widgets.quizzes.store import ProgressWarning
from widgets.quizzes.widget import Quiz, quiz, quiz_html


def single(qid="q-single"):
    return {"id": qid, "quiz": "post", "type": "multiple_choice", "question": "Pick B.",
            "answers": [{"answer": "A", "correct": False,
                         "feedback": "A is the first letter, not B."},
                        {"answer": "B", "correct": True, "feedback": "Yes, B it is."},
                        {"answer": "C", "correct": False, "feedback": "C comes after B, so no."}],
            "explanation": "The question asked for B."}


def select_all():
    return {"id": "q-many", "quiz": "post", "type": "many_choice", "question": "Pick the vowels.",
            "answers": [{"answer": "a", "correct": True, "feedback": "a is a vowel."},
                        {"answer": "b", "correct": False,
                         "feedback": "b is a consonant, not a vowel."},
                        {"answer": "e", "correct": True, "feedback": "e is a vowel."},
                        {"answer": "k", "correct": False, "feedback": "k is a consonant as well."}],
            "explanation": "The vowels here are a and e."}


def numeric(**extra):
    question = {"id": "q-num", "quiz": "post", "type": "numeric", "question": "Half of one?",
                "answers": [{"type": "value", "value": 0.5, "correct": True, "feedback": "Yes."},
                            {"type": "range", "range": [0.49, 0.51], "correct": True,
                             "feedback": "Close enough."},
                            {"type": "value", "value": 2, "correct": False,
                             "feedback": "2 is one divided by a half, the other way round."},
                            {"type": "default", "feedback": "Divide one by two and try again."}],
                "explanation": "1/2 = 0.5."}
    question.update(extra)
    return question


@pytest.fixture
def bank():
    return [single(), select_all(), numeric()]


@pytest.fixture
def progress_file(tmp_path):
    return tmp_path / "data" / "quiz_progress.json"


# --- parsing and grading ------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("42", 42.0), (" 42 ", 42.0), ("1/4", 0.25), (" 1 / 4 ", 0.25), ("-2.5e-3", -0.0025),
    ("1 024", 1024.0), ("\u22121/2", -0.5), (".5", 0.5), ("+3", 3.0), ("3/-4", -0.75),
    ("\t7\n", 7.0), (0.5, 0.5), (3, 3.0),
])
def test_parse_number_reads_decimals_fractions_and_spaces(text, expected):
    assert parse_number(text) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("text", ["", "   ", "abc", "1/0", "1/2/3", "nan", "inf", "1e400",
                                  "1,5", "--1", "1e", "/2", "2/", None, True, [1], float("nan")])
def test_parse_number_rejects_empty_and_unreadable_input(text):
    assert parse_number(text) is None


def test_single_choice_grades_the_chosen_option_with_its_feedback():
    wrong, right = grade(single(), 0), grade(single(), 1)
    assert (wrong.answered, wrong.correct, right.correct) == (True, False, True)
    assert [d.feedback for d in wrong.details] == ["A is the first letter, not B."]
    assert [d.text for d in right.details] == ["B"]


def test_single_choice_without_a_choice_is_not_an_attempt():
    result = grade(single(), None)
    assert (result.answered, result.correct, result.details) == (False, False, ())
    assert "Choose" in result.message


@pytest.mark.parametrize("response, error", [(3, ValueError), (-1, ValueError), ("1", TypeError),
                                             (True, TypeError)])
def test_single_choice_rejects_a_bad_index_naming_the_argument(response, error):
    with pytest.raises(error, match="`response`"):
        grade(single(), response)


def test_select_all_needs_exactly_the_correct_set():
    assert grade(select_all(), [0, 2]).correct
    assert grade(select_all(), (2, 0)).correct
    partial = grade(select_all(), [0])
    assert not partial.correct and "1 of the 2 correct options and 0 wrong" in partial.message
    extra = grade(select_all(), [0, 1, 2])
    assert not extra.correct and "2 of the 2 correct options and 1 wrong" in extra.message
    assert [d.feedback for d in extra.details][1] == "b is a consonant, not a vowel."


def test_select_all_with_nothing_chosen_is_not_an_attempt():
    assert not grade(select_all(), []).answered


def test_select_all_rejects_a_single_index_or_text():
    with pytest.raises(TypeError, match="collection of option indices"):
        grade(select_all(), 1)
    with pytest.raises(TypeError, match="collection"):
        grade(select_all(), "02")


@pytest.mark.parametrize("typed", ["0.5", " 0.5 ", "1/2", " 1 / 2 ", "2/4", "5e-1", 0.5])
def test_numeric_accepts_the_value_as_decimal_fraction_or_with_spaces(typed):
    result = grade(numeric(), typed)
    assert result.correct and result.details[0].feedback == "Yes."


def test_numeric_range_is_low_inclusive_high_exclusive_like_jupyterquiz():
    assert grade(numeric(), "0.49").correct
    assert grade(numeric(), "0.505").details[0].feedback == "Close enough."
    assert not grade(numeric(), "0.51").correct


def test_numeric_wrong_answers_get_their_own_or_the_default_feedback():
    assert grade(numeric(), "2").details[0].feedback.startswith("2 is one divided")
    other = grade(numeric(), "7")
    assert (other.answered, other.correct) == (True, False)
    assert other.details[0].feedback == "Divide one by two and try again."


def test_numeric_first_matching_answer_decides():
    question = numeric()
    question["answers"].insert(0, {"type": "range", "range": [0, 1], "correct": False,
                                   "feedback": "Caught by the earlier, wider range first."})
    assert not grade(question, "0.5").correct


def test_numeric_precision_rounds_to_significant_digits():
    question = numeric(precision=3)
    question["answers"][0]["value"] = 0.333
    assert grade(question, "1/3").correct
    assert grade(question, "0.3333").correct
    assert not grade(question, "0.34").correct


@pytest.mark.parametrize("typed, fragment", [("", "Type a number first"),
                                             ("   ", "Type a number first"),
                                             (None, "Type a number first"),
                                             ("half", "Could not read 'half'"),
                                             ("1/0", "Could not read '1/0'")])
def test_numeric_empty_or_unreadable_answer_is_not_an_attempt(typed, fragment):
    result = grade(numeric(), typed)
    assert not result.answered and fragment in result.message


# --- the widget ---------------------------------------------------------------------------

def test_check_shows_option_feedback_then_explanation_and_saves(bank, progress_file):
    widget = Quiz(bank, lesson="99_test", which="post", progress_path=progress_file)
    view = widget.views[0]
    assert view.explanation.value == "" and view.feedback.value == ""
    view.control.value = 0
    view.check_button.click()
    assert "A is the first letter, not B." in view.feedback.value
    assert "Not quite" in view.feedback.value
    assert "The question asked for B." in view.explanation.value
    view.control.value = 1
    view.check_button.click()
    assert "Yes, B it is." in view.feedback.value
    assert "A is the first letter" not in view.feedback.value
    assert widget.score == {"correct": 1, "first_try": 0, "total": 3}
    saved = json.loads(progress_file.read_text(encoding="utf-8"))
    record = saved["lessons"]["99_test"]["post"]["questions"]["q-single"]
    assert record == {"answer": ["B"], "correct": True, "first_correct": False,
                      "first_answer": ["A"], "attempts": 2}
    assert "1/3" in widget.score_line.value


def test_every_question_type_through_its_own_control(bank, progress_file):
    widget = Quiz(bank, lesson="99_test", which="post", progress_path=progress_file)
    widget.views[0].control.value = 1
    for box, index in widget.views[1]._boxes:
        box.value = index in (0, 2)
    widget.views[2].control.value = " 1 / 2 "
    results = [widget.check(k) for k in range(3)]
    assert [r.correct for r in results] == [True, True, True]
    assert widget.score == {"correct": 3, "first_try": 3, "total": 3}


def test_an_empty_answer_is_neither_scored_nor_saved(bank, progress_file):
    widget = Quiz(bank, lesson="99_test", which="post", progress_path=progress_file)
    widget.views[2].check_button.click()
    assert "Type a number first" in widget.views[2].feedback.value
    assert widget.views[2].explanation.value == ""
    assert widget.score["first_try"] == 0 and not progress_file.exists()


def test_retry_clears_answers_but_keeps_first_try_results(bank, progress_file):
    widget = Quiz(bank, lesson="99_test", which="post", progress_path=progress_file)
    widget.views[0].control.value = 1
    widget.views[1]._boxes[0][0].value = True
    widget.views[2].control.value = "0.5"
    for k in range(3):
        widget.check(k)
    widget.retry_button.click()
    assert widget.views[0].control.value is None
    assert not any(box.value for box, _ in widget.views[1]._boxes)
    assert widget.views[2].control.value == ""
    assert all(v.feedback.value == "" and v.explanation.value == "" for v in widget.views)
    assert widget.score == {"correct": 0, "first_try": 2, "total": 3}


def test_first_try_results_are_restored_from_the_progress_file(bank, progress_file):
    first = Quiz(bank, lesson="99_test", which="post", progress_path=progress_file)
    first.views[0].control.value = 1
    first.check(0)
    again = Quiz(bank, lesson="99_test", which="post", progress_path=progress_file)
    assert again.score == {"correct": 0, "first_try": 1, "total": 3}


def test_typed_text_is_escaped_in_the_feedback(bank, progress_file):
    widget = Quiz(bank, lesson="99_test", which="post", progress_path=progress_file)
    widget.views[2].control.value = "<img src=x onerror=alert(1)>"
    widget.check(2)
    assert "<img" not in widget.views[2].feedback.value
    assert "&lt;img src=x onerror=alert(1)&gt;" in widget.views[2].feedback.value


def test_bank_text_is_escaped_in_prompt_feedback_and_explanation(progress_file):
    question = single()
    question.update(question='Is "B" > "A"?', explanation="B > A, isn't it?")
    question["answers"][0]["answer"] = "A > B"
    question["answers"][0]["feedback"] = "A > B is backwards, isn't it?"
    widget = Quiz([question], lesson="99_test", which="post", progress_path=progress_file)
    widget.views[0].control.value = 0
    widget.check(0)
    feedback = widget.views[0].feedback.value
    assert "<b>A &gt; B</b>: A &gt; B is backwards, isn&#x27;t it?" in feedback
    assert "B &gt; A, isn&#x27;t it?" in widget.views[0].explanation.value
    assert "Is &quot;B&quot; &gt; &quot;A&quot;?" in widget.views[0].children[0].value


def test_seeded_shuffle_is_reproducible_and_grades_by_bank_index(progress_file):
    questions = [dict(single(), id=f"q{k}") for k in range(6)]

    def orders(seed):
        widget = Quiz(questions, lesson="99_test", which="post", shuffle=True, seed=seed,
                      progress_path=progress_file)
        return widget, [[value for _, value in v.control.options] for v in widget.views]

    widget, first = orders(3)
    assert orders(3)[1] == first
    assert any(order != [0, 1, 2] for order in first)
    assert all(sorted(order) == [0, 1, 2] for order in first)
    widget.views[0].control.value = 1  # the bank's correct option, wherever it is shown
    assert widget.check(0).correct
    unshuffled = Quiz(questions, lesson="99_test", which="post", progress_path=progress_file)
    assert all([value for _, value in v.control.options] == [0, 1, 2] for v in unshuffled.views)


def test_controls_are_native_keyboard_reachable_widgets(bank, progress_file):
    widget = Quiz(bank, lesson="99_test", which="post", progress_path=progress_file)
    controls = [widget.views[0].control, *widget.views[1].control.children,
                widget.views[2].control, widget.retry_button,
                *(v.check_button for v in widget.views)]
    names = {type(c).__name__ for c in controls}
    assert names == {"RadioButtons", "Checkbox", "Text", "Button", "CheckButton"}
    assert all(c.tabbable is not False and not c.disabled for c in controls)


def test_static_form_lists_questions_and_hides_answers_in_details(bank, progress_file):
    widget = Quiz(bank, lesson="99_test", which="post", progress_path=progress_file)
    html = widget._repr_mimebundle_()["text/html"]
    before, _, after = html.partition("<details>")
    for question in bank:
        assert question["question"] in before
        assert question["explanation"] in after and question["explanation"] not in before
    assert "<li>A</li>" in before and "<li>e</li>" in before
    assert "Answer: B" in after and "Answer: a; e" in after and "Answer: 0.5 or from 0.49" in after
    assert "application/vnd.jupyter.widget-view+json" in widget._repr_mimebundle_()


def test_static_form_escapes_all_bank_text():
    question = single()
    question.update(question="Is 1 < 2 & 3 > 2?", explanation="<script>x</script>")
    question["answers"][1]["answer"] = "<b>B</b>"
    html = quiz_html([question], title="<i>t</i>")
    assert "<script>" not in html and "<b>B</b>" not in html and "<i>t</i>" not in html
    assert "Is 1 &lt; 2 &amp; 3 &gt; 2?" in html and "&lt;b&gt;B&lt;/b&gt;" in html


def test_a_failed_save_is_reported_in_the_widget_not_raised(bank, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be", encoding="utf-8")
    widget = Quiz(bank, lesson="99_test", which="post", progress_path=blocker / "p.json")
    widget.views[0].control.value = 1
    with pytest.warns(ProgressWarning, match="not saved"):
        result = widget.check(0)
    assert result.correct and "not saved" in widget.status.value
    assert widget.score["correct"] == 1


def test_quiz_entry_point_reads_the_lesson_bank(progress_file):
    bank = load_bank("02_rnn_cell_anatomy")
    for which in ("pre", "post"):
        widget = quiz("02_rnn_cell_anatomy", which, progress_path=progress_file)
        assert [v.question["id"] for v in widget.views] == [
            q["id"] for q in questions_for(bank, which)]
        assert widget.title.startswith("Before" if which == "pre" else "After")


@pytest.mark.parametrize("args, error, pattern", [
    (("02_rnn_anatomy", "pre"), ValueError, "`lesson` must be one of"),
    (("02_rnn_cell_anatomy", "middle"), ValueError, "`which` must be one of 'pre', 'post'"),
])
def test_quiz_entry_point_names_a_bad_argument(args, error, pattern, progress_file):
    with pytest.raises(error, match=re.escape(pattern)):
        quiz(*args, progress_path=progress_file)


@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"shuffle": 1}, TypeError, "`shuffle` must be True or False"),
    ({"seed": 1.5}, TypeError, "`seed` must be an integer"),
    ({"which": "later"}, ValueError, "`which` must be one of 'pre', 'post'"),
    ({"lesson": 2}, TypeError, "`lesson` must be a lesson name"),
])
def test_widget_names_a_bad_option(bank, progress_file, kwargs, error, pattern):
    arguments = {"lesson": "99_test", "which": "post", "progress_path": progress_file, **kwargs}
    with pytest.raises(error, match=re.escape(pattern)):
        Quiz(bank, **arguments)


def test_widget_refuses_an_invalid_bank(progress_file):
    broken = single()
    broken["answers"][0]["correct"] = True
    with pytest.raises(ValueError, match="exactly one correct answer"):
        Quiz([broken], lesson="99_test", which="post", progress_path=progress_file)


def test_building_a_quiz_writes_nothing(bank, progress_file):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Quiz(bank, lesson="99_test", which="post", progress_path=progress_file)
    assert not progress_file.parent.exists()


def test_default_titles_name_the_lesson_readably():
    assert quiz("02_rnn_cell_anatomy", "pre").title == "Before the lesson: 02 · rnn cell anatomy"
    assert quiz("08_capstone_text_classification", "post").title == (
        "After the lesson: 08 · capstone text classification")


# --- Check grades what the page shows (widgets.quizzes.check) -----------------------------------

def _page_click(view, radio=None, boxes=(), text=None, token="t1"):
    """What the Check button's JavaScript sends: the page's choice and the click, one message."""
    view.check_button._from_page(view.check_button, {"event": "check", "token": token,
                                                     "radio": radio, "boxes": list(boxes),
                                                     "text": text}, [])


def test_a_page_click_grades_the_choice_it_carries_not_the_kernel_value(bank, progress_file):
    widget = Quiz(bank, lesson="99_test", which="post", progress_path=progress_file)
    single_view, many_view, number_view = widget.views
    single_view.control.value = 0          # a stale kernel value (the page's change not yet in)
    _page_click(single_view, radio=1, token="a")
    assert "Yes, B it is." in single_view.feedback.value
    assert single_view.check_button.answered == "a"  # the page stops showing "checking…"
    assert single_view.response == 0      # after the click the kernel's own value counts again
    _page_click(many_view, boxes=[0, 2])
    _page_click(number_view, text=" 1 / 2 ")
    assert widget.score == {"correct": 3, "first_try": 3, "total": 3}
    _page_click(single_view, radio=-1, token="b")  # nothing selected in the page
    assert "Choose" in single_view.feedback.value and single_view.check_button.answered == "b"


def test_a_page_click_maps_shown_positions_to_bank_indices_when_shuffled(progress_file):
    questions = [dict(single(), id=f"q{k}") for k in range(6)]
    widget = Quiz(questions, lesson="99_test", which="post", shuffle=True, seed=3,
                  progress_path=progress_file)
    for view in widget.views:
        position = [value for _, value in view.control.options].index(1)  # where B is shown
        _page_click(view, radio=position)
        assert "Yes, B it is." in view.feedback.value
    assert widget.score["correct"] == 6


def test_a_page_click_ignores_other_messages_and_bad_positions(bank, progress_file):
    widget = Quiz(bank, lesson="99_test", which="post", progress_path=progress_file)
    view = widget.views[0]
    view.check_button._from_page(view.check_button, {"event": "hover"}, [])
    assert view.feedback.value == ""
    _page_click(view, radio=7)
    assert "Choose" in view.feedback.value and widget.score["first_try"] == 0


def test_in_lesson_sections_are_separate_from_pre_and_post(progress_file, tmp_path):
    predict = dict(single("05-predict-demo"), section="predict-demo")
    del predict["quiz"]
    bank = [dict(single("05-post-a")), predict]
    assert [q["id"] for q in questions_for(bank, "post")] == ["05-post-a"]
    assert [q["id"] for q in questions_for(bank, "predict-demo")] == ["05-predict-demo"]
    widget = Quiz(questions_for(bank, "predict-demo"), lesson="99_test", which="predict-demo",
                  progress_path=progress_file)
    assert widget.title.startswith("Predict")
    widget.views[0].control.value = 1
    assert widget.check(0).correct and not progress_file.exists()  # graded, not saved


def test_every_lesson_section_opens_and_is_outside_pre_and_post(progress_file):
    from widgets.quizzes.bank import LESSONS, sections
    found = 0
    for lesson in LESSONS:
        bank = load_bank(lesson)
        inside = {q["id"] for which in ("pre", "post") for q in questions_for(bank, which)}
        for section in sections(bank):
            widget = quiz(lesson, section, progress_path=progress_file)
            ids = {v.question["id"] for v in widget.views}
            assert ids and not ids & inside
            found += 1
    assert found >= 2  # lessons 05-08 ask the learner to predict in at least two places


def test_an_unknown_section_names_the_argument(progress_file):
    with pytest.raises(ValueError, match="`which` must be one of 'pre', 'post'"):
        quiz("05_lstm_gates", "predict-nothing-here", progress_path=progress_file)


def test_the_widget_saves_the_first_answer_of_each_question_type(bank, progress_file):
    widget = Quiz(bank, lesson="99_test", which="post", progress_path=progress_file)
    widget.views[0].control.value = 2
    widget.views[1]._boxes[1][0].value = True
    widget.views[2].control.value = " 2 "
    for k in range(3):
        widget.check(k)
    widget.views[0].control.value = 1
    widget.check(0)
    saved = json.loads(progress_file.read_text())["lessons"]["99_test"]["post"]["questions"]
    assert saved["q-single"]["first_answer"] == ["C"] and saved["q-single"]["answer"] == ["B"]
    assert saved["q-many"]["first_answer"] == ["b"]
    assert saved["q-num"]["first_answer"] == "2"
