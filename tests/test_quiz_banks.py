"""Every quiz bank against the JSON Schema and the course's rules; every rule's error; and the
banks' facts recomputed with torch (a number in a bank is only right if torch agrees)."""

from __future__ import annotations

import copy
import json
import math
import re

import jsonschema
import pytest
import torch
from torch import nn

from widgets.quizzes.bank import (
    LESSONS,
    QUIZ_DIR,
    BankError,
    bank_problems,
    load_bank,
    load_schema,
    questions_for,
    validate_bank,
)
from widgets.quizzes.grading import grade


def test_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(load_schema())


def test_every_lesson_has_a_bank_and_there_are_no_others():
    banks = {p.stem for p in QUIZ_DIR.glob("*.json") if p.name != "schema.json"}
    assert banks == set(LESSONS)


@pytest.mark.parametrize("lesson", LESSONS)
def test_bank_is_valid_with_a_short_pre_quiz_and_a_longer_post_quiz(lesson):
    bank = load_bank(lesson)
    assert 2 <= len(questions_for(bank, "pre")) <= 3
    assert 4 <= len(questions_for(bank, "post")) <= 6
    assert all(q["id"].startswith(lesson[:2] + "-" + (q["quiz"] + "-" if "quiz" in q
                                                      else q["section"])) for q in bank)


@pytest.mark.parametrize("lesson", LESSONS)
def test_bank_file_is_a_plain_jupyterquiz_list(lesson):
    questions = json.loads((QUIZ_DIR / f"{lesson}.json").read_text(encoding="utf-8"))
    assert isinstance(questions, list)
    for question in questions:
        assert question["type"] in {"multiple_choice", "many_choice", "numeric"}
        for answer in question["answers"]:
            assert {"value", "range", "answer", "type"} & answer.keys()


def test_question_ids_are_unique_across_the_course():
    ids = [q["id"] for lesson in LESSONS for q in load_bank(lesson)]
    assert len(ids) == len(set(ids))


SEED_QUESTIONS = {  # the seed lesson's six quiz questions: id -> words of the correct answer
    "01-pre-rnn-name": "Recurrent Neural Network",  # each in the lesson that teaches it
    "02-pre-two-matrices": "True",
    "04-pre-vanishing": "Vanishing gradients",
    "08-post-input-gate": "The input gate",
    "08-post-bidirectional": "True",
    "08-post-shared-weights": "True",
}


def _question(qid: str) -> dict:
    lesson = next(name for name in LESSONS if name.startswith(qid[:2]))
    return next(q for q in load_bank(lesson) if q["id"] == qid)


def _correct(question: dict) -> list[dict]:
    return [a for a in question["answers"] if a.get("correct")]


@pytest.mark.parametrize("qid, answer", SEED_QUESTIONS.items())
def test_the_seed_quiz_questions_are_included(qid, answer):
    assert [a["answer"] for a in _correct(_question(qid))] == [answer]


def test_the_seed_errors_are_taught_right():
    gru = _question("06-pre-name")
    assert [a["answer"] for a in _correct(gru)] == ["Gated Recurrent Unit"]
    output_gate = _question("05-post-output-gate")
    assert "tanh(c_t)" in _correct(output_gate)[0]["answer"]
    produces_c = next(a for a in output_gate["answers"] if "new cell state" in a["answer"])
    assert not produces_c["correct"]


# --- facts: torch computes each number, and the bank's grader must accept it ---------------

def n_params(*modules: nn.Module) -> int:
    return sum(p.numel() for m in modules for p in m.parameters())


def lstm_forget_bias_gate() -> float:
    """f_t of an LSTM whose weights are 0 and whose forget slices of both biases are 1."""
    lstm = nn.LSTM(1, 1)
    with torch.no_grad():
        for p in lstm.parameters():
            p.zero_()
        lstm.bias_ih_l0[1] = lstm.bias_hh_l0[1] = 1.0   # row 1 = forget gate (i, f, g, o)
        lstm.bias_ih_l0[0] = -100.0                        # input gate closed: c_1 = f·c_0
        _, (_, c_1) = lstm(torch.zeros(1, 1, 1), (torch.zeros(1, 1, 1), torch.ones(1, 1, 1)))
    return c_1.item()


def rnn_one_step() -> float:
    rnn = nn.RNN(1, 1)
    with torch.no_grad():
        rnn.weight_ih_l0.fill_(0.5), rnn.weight_hh_l0.fill_(1.0)
        rnn.bias_ih_l0.zero_(), rnn.bias_hh_l0.zero_()
        _, h_t = rnn(torch.full((1, 1, 1), 2.0), torch.full((1, 1, 1), 0.5))
    return h_t.item()


def clipped_first_component() -> float:
    weight = nn.Parameter(torch.zeros(2))
    weight.grad = torch.tensor([3.0, 4.0])
    nn.utils.clip_grad_norm_([weight], max_norm=1.0)
    return weight.grad[0].item()


NUMERIC_FACTS = {
    "02-post-params": lambda: n_params(nn.RNN(input_size=10, hidden_size=20)),
    "02-post-one-step": rnn_one_step,
    "03-post-linear-params": lambda: n_params(nn.Linear(64, 3)),
    "03-post-memory": lambda: torch.zeros(200, 32, 128).numel(),
    "04-post-product": lambda: 0.5 ** 20,
    "04-post-clip-value": clipped_first_component,
    "05-post-params": lambda: n_params(nn.LSTM(input_size=10, hidden_size=20)),
    "05-post-forget-bias": lstm_forget_bias_gate,
    "05-post-forget-decay": lambda: torch.sigmoid(torch.tensor(0.0)).item() ** 10,
    "06-post-params": lambda: n_params(nn.GRU(input_size=10, hidden_size=20)),
    "06-post-ratio": lambda: n_params(nn.GRU(7, 11)) / n_params(nn.LSTM(7, 11)),
    "07-post-params": lambda: n_params(nn.LSTM(input_size=8, hidden_size=16, num_layers=2,
                                               bidirectional=True)),
    "08-post-capstone-params": lambda: n_params(nn.Embedding(1000, 32),
                                                nn.LSTM(32, 64, bidirectional=True),
                                                nn.Linear(128, 4)),
}


@pytest.mark.parametrize("qid", NUMERIC_FACTS)
def test_numeric_answer_agrees_with_torch(qid):
    torch.manual_seed(0)
    value = NUMERIC_FACTS[qid]()
    result = grade(_question(qid), repr(value))
    assert result.correct, f"{qid}: torch gives {value}, the bank grades it {result}"


def test_numeric_wrong_answers_are_not_torchs_numbers():
    for qid, fact in NUMERIC_FACTS.items():
        value = fact()
        for answer in _question(qid)["answers"]:
            if "value" in answer and not answer["correct"]:
                assert answer["value"] != pytest.approx(value, rel=1e-6), qid


@pytest.fixture(scope="module")
def bidirectional_run():
    torch.manual_seed(0)
    lstm = nn.LSTM(input_size=8, hidden_size=16, num_layers=2, bidirectional=True)
    output, (h_n, _) = lstm(torch.randn(5, 3, 8))
    return output, h_n


def test_shape_answers_agree_with_torch(bidirectional_run):
    output, h_n = bidirectional_run
    expected = {"07-post-hn-shape": h_n.shape, "07-post-output-shape": output.shape,
                "02-post-weight-shape": nn.RNN(input_size=50, hidden_size=64).weight_ih_l0.shape}
    for qid, shape in expected.items():
        assert [a["answer"] for a in _correct(_question(qid))] == [str(tuple(shape))], qid


def test_hn_slice_answer_is_the_only_option_equal_to_h_n_last(bidirectional_run):
    output, h_n = bidirectional_run
    question = _question("07-post-hn-slice")
    for answer in question["answers"]:
        step, start, stop = re.fullmatch(r"output\[(-?\d+), :, (\d*):(\d*)\]",
                                         answer["answer"]).groups()
        piece = output[int(step), :, int(start or 0):int(stop or output.shape[2])]
        assert torch.equal(piece, h_n[-1]) == answer["correct"], answer["answer"]


def test_forget_gate_rows_answer_agrees_with_torch():
    """Opening only the gate at the answer's rows keeps c_0 exactly: that gate is f."""
    (answer,) = _correct(_question("05-post-gate-rows"))
    first, last = map(int, re.fullmatch(r"Rows (\d+) to (\d+)", answer["answer"]).groups())
    lstm = nn.LSTM(10, 20)
    with torch.no_grad():
        for p in lstm.parameters():
            p.zero_()
        lstm.bias_ih_l0[first:last + 1] = 100.0
        _, (_, c_1) = lstm(torch.zeros(1, 1, 10), (torch.zeros(1, 1, 20), torch.ones(1, 1, 20)))
    assert torch.allclose(c_1, torch.ones_like(c_1))  # f = 1, i·g = 0.5·tanh(0) = 0


def test_gru_update_gate_answer_agrees_with_torch():
    """z_t = 1 keeps h_(t-1) in torch's GRU, as the bank's correct answer says."""
    assert "keeps its state" in _correct(_question("06-post-update-one"))[0]["answer"]
    gru = nn.GRU(2, 1)
    with torch.no_grad():
        for p in gru.parameters():
            p.zero_()
        gru.bias_ih_l0[1] = 100.0  # rows r, z, n: z_t = 1
        _, h_n = gru(torch.randn(4, 1, 2), torch.full((1, 1, 1), 0.7))
    assert h_n.item() == pytest.approx(0.7, abs=1e-6)


def test_packed_batch_final_state_answer_agrees_with_torch():
    torch.manual_seed(0)
    lstm = nn.LSTM(4, 3, bidirectional=True, batch_first=True)
    inputs, lengths = torch.randn(3, 5, 4), torch.tensor([2, 5, 3])
    packed = nn.utils.rnn.pack_padded_sequence(inputs, lengths, batch_first=True,
                                               enforce_sorted=False)
    _, (h_n, _) = lstm(packed)
    for row, length in enumerate(lengths.tolist()):
        _, (alone, _) = lstm(inputs[row:row + 1, :length])
        assert torch.allclose(h_n[-2, row], alone[-2, 0], atol=1e-6)
    assert _correct(_question("08-post-packed-final"))[0]["answer"].startswith("In h_n[-2]")


# --- every rule and schema error ----------------------------------------------------------

def choice(kind="multiple_choice", **extra):
    question = {"id": "q1", "quiz": "pre", "type": kind, "question": "Which one?",
                "answers": [{"answer": "Right", "correct": True, "feedback": "Yes, this one."},
                            {"answer": "Wrong", "correct": False,
                             "feedback": "This one is wrong because of a reason."},
                            {"answer": "Other", "correct": False,
                             "feedback": "This other one is wrong for another reason."}],
                "explanation": "Because."}
    question.update(extra)
    return question


def number(**extra):
    question = {"id": "q2", "quiz": "post", "type": "numeric", "question": "How many?",
                "answers": [{"type": "value", "value": 640, "correct": True},
                            {"type": "value", "value": 620, "correct": False,
                             "feedback": "You counted only one of the two biases."},
                            {"type": "default", "feedback": "Count the weights and both biases."}],
                "explanation": "Because."}
    question.update(extra)
    return question


def test_the_valid_examples_pass():
    assert bank_problems([choice(), number()]) == []
    assert bank_problems([choice("many_choice", answers=[
        {"answer": "A", "correct": True}, {"answer": "B", "correct": True},
        {"answer": "C", "correct": False,
         "feedback": "C is not one of the letters asked for."}])]) == []


def _mutated(edit):
    bank = [choice(), number()]
    edit(bank)
    return bank


BAD_BANKS = {
    "not a list": (lambda b: None, {"q": "not a list"}, "is not of type 'array'"),
    "empty list": (lambda b: b.clear(), None, "should be non-empty"),
    "no question text": (lambda b: b[0].pop("question"), None, "'question' is a required property"),
    "blank question": (lambda b: b[0].update(question="  "), None, "does not match"),
    "unknown type": (lambda b: b[0].update(type="string"), None, "is not one of"),
    "no quiz tag": (lambda b: b[0].pop("quiz"), None, "'quiz' is a required property"),
    "bad quiz tag": (lambda b: b[0].update(quiz="during"), None, "is not one of ['pre', 'post']"),
    "quiz and section": (lambda b: b[0].update(section="predict-x"), None,
                         "should not be valid under {'required': ['quiz']"),
    "section named pre": (lambda b: (b[0].pop("quiz"), b[0].update(section="pre")), None,
                          "should not be valid under {'enum': ['pre', 'post']}"),
    "bad section": (lambda b: (b[0].pop("quiz"), b[0].update(section="Predict X")), None,
                    "does not match"),
    "no explanation": (lambda b: b[0].pop("explanation"), None, "'explanation' is a required"),
    "bad id": (lambda b: b[0].update(id="Q 1"), None, "does not match"),
    "unknown question key": (lambda b: b[0].update(hint="x"), None,
                             "Additional properties are not allowed ('hint'"),
    "misspelt answer key": (lambda b: b[0]["answers"][1].update(feedbak="x"), None,
                            "Additional properties are not allowed ('feedbak'"),
    "choice without correct": (lambda b: b[0]["answers"][1].pop("correct"), None,
                               "'correct' is a required property"),
    "one option": (lambda b: b[0].update(answers=b[0]["answers"][:1]), None, "is too short"),
    "precision on a choice": (lambda b: b[0].update(precision=2), None, "should not be valid"),
    "answer_cols on numeric": (lambda b: b[1].update(answer_cols=2), None, "should not be valid"),
    "text value": (lambda b: b[1]["answers"][0].update(value="640"), None,
                   "is not valid under any"),
    "range of three": (lambda b: b[1]["answers"][1].update(range=[1, 2, 3]) or
                       b[1]["answers"][1].pop("value"), None, "is not valid under any"),
    "zero precision": (lambda b: b[1].update(precision=0), None, "is less than the minimum of 1"),
    "duplicate ids": (lambda b: b[1].update(id="q1"), None, "'q1' is used by 2 questions"),
    "two correct single": (lambda b: b[0]["answers"][1].update(correct=True), None,
                           "needs exactly one correct answer, has 2"),
    "no correct single": (lambda b: b[0]["answers"][0].update(correct=False), None,
                          "needs exactly one correct answer, has 0"),
    "one correct many": (lambda b: b[0].update(type="many_choice"), None,
                         "needs at least two correct answers and one wrong one"),
    "all correct many": (lambda b: b[0].update(type="many_choice") or [
        a.update(correct=True) for a in b[0]["answers"]], None, "has 3 correct of 3"),
    "duplicate option": (lambda b: b[0]["answers"][2].update(answer=" wrong "), None,
                         "option 'wrong' appears 2 times"),
    "code-only option": (lambda b: b[0]["answers"][2].update(answer="", code="x = 1"), None,
                         "option 3 has no `answer` text"),
    "wrong option without feedback": (lambda b: b[0]["answers"][1].pop("feedback"), None,
                                      "wrong option 'Wrong' needs feedback explaining why"),
    "generic feedback": (lambda b: b[0]["answers"][1].update(feedback="Incorrect, try again!"),
                         None, "needs feedback explaining why it is wrong"),
    "short feedback": (lambda b: b[0]["answers"][1].update(feedback="Nope, sorry."), None,
                       "at least 4 words"),
    "shared feedback": (lambda b: b[0]["answers"][2].update(
        feedback=b[0]["answers"][1]["feedback"]), None, "wrong options share the feedback"),
    "markup in text": (lambda b: b[0].update(question="Is 1 < 2?"), None,
                       "contains '<', which jupyterquiz would read as markup"),
    "latex in feedback": (lambda b: b[0]["answers"][1].update(
        feedback="Costs $5 which is far too much"), None, "contains '$'"),
    "markdown link in option": (lambda b: b[0]["answers"][2].update(answer="See [docs](x)"), None,
                                "contains '](', which jupyterquiz would read as markup"),
    "numeric without correct": (lambda b: b[1]["answers"][0].update(correct=False,
                                feedback="Not this number, it is off by far."), None,
                                "needs a correct `value` or `range`"),
    "empty range": (lambda b: b[1]["answers"].insert(0, {"range": [2, 1], "correct": False,
                    "feedback": "Between two and one is an empty range."}), None,
                    "range [2, 1] is empty"),
    "shadowed correct value": (lambda b: b[1]["answers"].insert(0, {"range": [600, 700],
                               "correct": False, "feedback": "Somewhere in the six hundreds."}),
                               None, "answer 640 is never reached"),
    "precision merges answers": (lambda b: b[1].update(precision=1), None,
                                 "answer 620 is never reached"),
    "two defaults": (lambda b: b[1]["answers"].append({"type": "default",
                     "feedback": "A second default answer here."}), None, "at most one `default`"),
    "numeric wrong without feedback": (lambda b: b[1]["answers"][1].pop("feedback"), None,
                                       "wrong option '620' needs feedback"),
    "default without explanation": (lambda b: b[1]["answers"][2].update(feedback="Wrong."), None,
                                    "wrong option 'default' needs feedback"),
    "duplicate numeric answer": (lambda b: b[1]["answers"][1].update(value=640), None,
                                 "numeric answer 640 appears 2 times"),
}


@pytest.mark.parametrize("name", BAD_BANKS)
def test_bad_bank_is_rejected_with_a_clear_message(name):
    edit, replacement, message = BAD_BANKS[name]
    bank = replacement if replacement is not None else _mutated(edit)
    with pytest.raises(BankError, match=re.escape(message)) as info:
        validate_bank(bank, source="bad.json")
    assert str(info.value).startswith("bad.json: ")


def test_all_problems_are_reported_at_once_with_question_numbers():
    bank = [choice(), number()]
    bank[0]["answers"][1]["correct"] = True
    bank[1]["answers"][1].pop("feedback")
    problems = bank_problems(bank)
    assert len(problems) == 2
    assert problems[0].startswith("question 1 (q1): ")
    assert problems[1].startswith("question 2 (q2): ")


def test_schema_errors_name_the_question_and_the_path():
    bank = [choice(), number()]
    bank[1]["answers"][0]["value"] = "640"
    (problem,) = bank_problems(bank)
    assert problem.startswith("question 2 (q2)['answers'][0]: ")


def test_load_bank_reports_invalid_json_and_missing_files(tmp_path):
    (tmp_path / "01_x.json").write_text("[{", encoding="utf-8")
    with pytest.raises(BankError, match=r"01_x\.json: not valid JSON"):
        load_bank("01_x", quiz_dir=tmp_path)
    with pytest.raises(FileNotFoundError, match=re.escape(str(tmp_path / "02_y.json"))):
        load_bank("02_y", quiz_dir=tmp_path)
    with pytest.raises(ValueError, match="`lesson` must be one of '00_start_here'"):
        load_bank("02_rnn")


def test_load_bank_from_another_folder_validates_it(tmp_path):
    broken = copy.deepcopy([choice(), number()])
    broken[0]["answers"][0]["correct"] = False
    (tmp_path / "03_z.json").write_text(json.dumps(broken), encoding="utf-8")
    with pytest.raises(BankError, match=r"03_z\.json: 2 problem"):
        load_bank("03_z", quiz_dir=tmp_path)
    (tmp_path / "03_z.json").write_text(json.dumps([choice(), number()]), encoding="utf-8")
    assert [q["id"] for q in load_bank("03_z", quiz_dir=tmp_path)] == ["q1", "q2"]


NEAR = (1e-3, 1e-4, 1e-7)  # relative offsets: all within 0.1 % of the value


def _numeric_questions():
    return [pytest.param(q, id=q["id"]) for lesson in LESSONS for q in load_bank(lesson)
            if q["type"] == "numeric"]


def _rounded(number, precision):
    return number if precision is None else float(f"{number:.{precision}g}")


@pytest.mark.parametrize("question", _numeric_questions())
def test_numeric_tolerance_is_exactly_the_banks(question):
    """Every correct answer of every numeric question in every bank: its value (or both ends
    of its [low, high) range, from inside) is graded right; a number within 0.1 % of it but
    outside its tolerance (a value is exact up to `precision`; a range ends where it says) is
    graded wrong."""
    precision = question.get("precision")
    for answer in question["answers"]:
        if not answer.get("correct"):
            continue
        if "value" in answer:
            value = float(answer["value"])
            inside = [value]
            outside = [value * (1 + sign * rel) for rel in NEAR for sign in (1, -1)
                       if _rounded(value * (1 + sign * rel), precision)
                       != _rounded(value, precision)]
        else:
            low, high = answer["range"]
            inside = [low, math.nextafter(high, -math.inf)]
            outside = [math.nextafter(low, -math.inf), high,
                       low - 1e-3 * abs(low), high + 1e-3 * abs(high)]
        for number in inside:
            assert grade(question, repr(number)).correct, (question["id"], number)
        assert outside, question["id"]
        for number in outside:
            assert not grade(question, repr(number)).correct, (question["id"], number)
