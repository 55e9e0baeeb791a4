"""Quiz numbers never drift.

Every number written in a quiz bank's feedback or explanation is one of:

- a number the question itself gives (it appears in the question text or its code), or 0 and 1;
- a FACT: arithmetic on the question's givens, recomputed here from its expression (or, for a
  number that is not a result, such as an operand or a setting, a whitelisted reason, "# ...");
- a RUN number, which a run produced: recomputed here from the package at the lesson's settings
  (`Package`) or read from the output of the lesson's own run (`LessonOutput`, slow: it executes
  the lesson).

`test_every_number_in_a_bank_is_accounted_for` scans all banks and fails on a number that is in
none of these tables; the other tests recompute the table's numbers and fail when the bank and the
run disagree. A written number matches a value when they differ by at most one unit of the
written number's last digit ("about 3.5e-2" accepts 3.4e-2 to 3.6e-2), unless the entry says
otherwise.
"""

from __future__ import annotations

import ast
import json
import math
import operator
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import nbformat
import pytest

import widgets
from widgets.experiments import load_results
from widgets.paths import QUIZ_DIR
from widgets.quizzes.bank import LESSONS

from lesson_runner import run

ROOT = Path(__file__).resolve().parent.parent
NUMBER = re.compile(
    r"(?<![\w.\[−,-])[−-]?\d{1,3}(?:[  ]\d{3})+(?![\d.])"         # 819 200, 32 000
    r"|(?<![\w.\[−,-])[−-]?\d+(?:\.\d+)?(?:e[−-]?\d+)?")            # 3, 0.905, 2.6e6, −0.1
NOT_QUANTITIES = [re.compile(pattern, re.IGNORECASE) for pattern in (
    r"\blessons? 0\d(?:(?:, | and | or |-)0\d)*",  # lesson 04, lessons 03 and 05
    r"\((?:19|20)\d\d\)|\b(?:19|20)\d\d\b",          # years of papers
    r"\w+_\(?[\w+−-]*\)?",                           # subscripts: x_1, h_(t−1), weight_hh_l0
    r"\[[^\]]*\]",                                   # indexing: output[-1], h_n[0]
    r"\^\(?[\wT−+-]+\)?",                            # exponents: 0.9^(T−k), 0.5^20
)]
ALWAYS = {"0", "1"}
"""0 and 1 in prose are constants (a gate between 0 and 1, 1 − h_t²), never a run's result."""


def numbers(text: str) -> list[str]:
    """The numbers written in ``text`` (as written), leaving out lesson numbers, years,
    subscripts, indices and exponents."""
    for pattern in NOT_QUANTITIES:
        text = pattern.sub(" ", text)
    return NUMBER.findall(text)


def value_of(written: str) -> float:
    return float(written.replace("−", "-").replace(" ", "").replace(" ", ""))


def last_digit_unit(written: str) -> float:
    """One unit of the last written digit: 3.5e-2 -> 1e-3, 0.905 -> 1e-3, 3300 -> 100 (the
    trailing zeros of a whole number are rounding), 11 -> 1."""
    plain = written.replace("−", "-").replace(" ", "").replace(" ", "")
    mantissa, _, exponent = plain.partition("e")
    whole, _, fraction = mantissa.partition(".")
    places = -len(fraction) if fraction else len(whole) - len(whole.rstrip("0"))
    return 10.0 ** (places + (int(exponent) if exponent else 0))


def matches(written: str, value: float, tolerance: float | None = None) -> bool:
    allowed = last_digit_unit(written) if tolerance is None else tolerance
    return abs(value_of(written) - value) <= allowed * (1 + 1e-9)


def bank(lesson: str) -> list[dict]:
    return json.loads((QUIZ_DIR / f"{lesson}.json").read_text(encoding="utf-8"))


def written_numbers() -> list[tuple[str, str, set[str]]]:
    """(question id, number, the numbers the question gives) for every number in a feedback or
    an explanation of every bank."""
    found = []
    for lesson in LESSONS:
        for question in bank(lesson):
            given = set(numbers(question["question"] + " " + question.get("code", "")))
            texts = [a.get("feedback", "") for a in question["answers"]]
            for text in [*texts, question["explanation"]]:
                found += [(question["id"], n, given) for n in numbers(text)]
    return found


# --- facts: arithmetic on what the question gives ----------------------------------------

def sigmoid(a: float) -> float:
    return 1 / (1 + math.exp(-a))


FACTS: dict[str, dict[str, str]] = {
    "00-pre-matvec-shape": {"64": "# the rows of W, given as its shape (64, 50)"},
    "00-pre-sigmoid-range": {"−1": "# tanh's lower bound, named for contrast"},
    "01-predict-pairs": {"4": "# section 4 of lesson 01, a section number"},
    "01-post-cap-pairs": {"94": "100 * (1000 - 60) / 1000", "0.94": "(1000 - 60) / 1000",
                          "940": "1000 - 60", "120": "2 * 60",
                          "88": "100 * (1000 - 2 * 60) / 1000"},
    "01-post-below-cap": {"4": "# the length of 'the plot was good', in tokens",
                          "5": "# the length of 'the plot was not good', in tokens"},
    "02-pre-embedding": {"5000": "# the vocabulary size of a wrong option"},
    "02-post-params": {"200": "20 * 10", "400": "20 * 20", "640": "20 * 10 + 20 * 20 + 20 + 20"},
    "02-post-one-step": {"0.905": "math.tanh(0.5 * 2 + 1.0 * 0.5)", "1.5": "0.5 * 2 + 1.0 * 0.5",
                         "0.762": "math.tanh(1.0)", "−1": "# tanh's lower bound"},
    "03-post-linear-params": {"195": "64 * 3 + 3"},
    "03-post-memory": {"819 200": "200 * 32 * 128", "3.3": "200 * 32 * 128 * 4 / 1e6"},
    "03-post-flip-unit": {"32": "# lesson 03's hidden_size (its settings, not a result)"},
    "04-pre-power": {"0.0052": "0.9 ** 50", "0.45": "# a wrong option's value",
                     "10": "100 * (1 - 0.9)"},
    "04-predict-radius": {"2": "# a radius the learner is asked to set"},
    "04-post-product": {"9.5e-7": "0.5 ** 20", "10": "0.5 * 20", "1.5": "# a second weight, "
                        "for contrast", "3300": "1.5 ** 20"},
    "04-post-clip-value": {"5": "math.hypot(3, 4)", "0.8": "4 / math.hypot(3, 4)",
                           "0.6": "3 / math.hypot(3, 4)",
                           "1e-6": "# torch's eps in clip_grad_norm_"},
    "04-post-tanh-radius": {"2": "# a radius named for contrast", "3": "# a radius named for "
                            "contrast"},
    "05-post-params": {"4": "# the LSTM's four blocks", "2560": "4 * (20 * 10 + 20 * 20 + 40)",
                       "640": "20 * 10 + 20 * 20 + 40", "80": "4 * 20", "800": "80 * 10",
                       "1600": "80 * 20", "160": "2 * 80"},
    "05-post-gate-rows": {"19": "20 - 1", "40": "2 * 20", "59": "3 * 20 - 1", "60": "3 * 20",
                          "79": "4 * 20 - 1", "2": "# a block index k", "3": "# a block index k"},
    "05-post-forget-bias": {"2": "1 + 1", "0.88": "sigmoid(2)", "0.73": "sigmoid(1)",
                            "0.5": "sigmoid(0)", "0.881": "sigmoid(2)"},
    "05-post-forget-decay": {"1024": "2 ** 10", "0.001": "0.5 ** 10", "0.0436": "sigmoid(1) ** 10",
                             "0.00098": "0.5 ** 10", "0.044": "sigmoid(1) ** 10",
                             "3": "# a forget bias named for contrast",
                             "0.62": "sigmoid(3) ** 10"},
    "05-predict-distance-50": {"500": "# the training budget, given in the question",
                               "32": "# the hidden size, given in the question",
                               "50": "# the distance, given in the question",
                               "0.5": "sigmoid(0)", "1": "# the forget-gate bias",
                               "0.73": "sigmoid(1)",
                               "40": "# a distance shown in lesson 04's committed results"},
    "09-pre-uniform": {"1": "# perplexity's lower bound", "0.01": "1 / 100"},
    "09-post-perplexity": {"4.48": "math.exp(1.5)", "2.83": "2 ** 1.5",
                           "2.16": "1.5 / math.log(2)", "2": "# the base of bits"},
    "09-post-bits": {"3": "math.log2(8)", "2.08": "math.log(8)", "2": "# the base of bits"},
    "09-post-temperature": {"1": "# the temperature the model was trained at"},
    "09-post-cells": {"1": "# a perfect correlation"},
    "05-post-measured": {"0.5": "sigmoid(0)", "0.73": "sigmoid(1)",
                         "50": "# the latching distance (a setting)"},
    "06-post-params": {"3": "# the GRU's three blocks", "2560": "4 * (20 * 10 + 20 * 20 + 40)",
                       "640": "20 * 10 + 20 * 20 + 40", "60": "3 * 20", "600": "60 * 10",
                       "1200": "60 * 20", "120": "2 * 60"},
    "06-post-ratio": {"4": "# the LSTM's four blocks"},
    "06-post-update-one": {"0.5": "# the value of a wrong option's z_t"},
    "06-post-step-value": {"0.75": "1 - 0.25", "0.6": "0.75 * 0.8", "0.1": "0.25 * 0.4",
                           "0.5": "0.75 * 0.8 + 0.25 * -0.4", "−0.1": "0.25 * -0.4",
                           "0.2": "(0.8 - 0.4) / 2"},
    "06-post-vs-lstm": {"50": "# the latching distance (a setting)", "−1": "# tanh's range"},
    "07-pre-two-states": {"2": "# two directions"},
    "07-post-hn-shape": {"4": "2 * 2"},
    "07-post-output-shape": {"32": "16 + 16"},
    "07-post-params": {"4": "# the LSTM's four blocks", "32": "2 * 16",
                       "3328": "2 * 4 * (16 * 8 + 16 * 16 + 32)",
                       "6400": "2 * 4 * (16 * 32 + 16 * 16 + 32)",
                       "6656": "2 * 3328", "4864": "(3328 + 6400) / 2",
                       "9728": "3328 + 6400"},
    "08-post-capstone-params": {"32 000": "1000 * 32",
                                "50 176": "2 * 4 * (64 * 32 + 64 * 64 + 128)",
                                "516": "128 * 4 + 4",
                                "57 604": "32000 + 4 * (64 * 32 + 64 * 64 + 128) + 516",
                                "50 000": "# a larger vocabulary, for contrast",
                                "50 692": "50176 + 516", "1000": "# the vocabulary size, given",
                                "2": "# two directions", "128": "2 * 64"},
}
"""Per question: number as written -> a Python expression that recomputes it, or "# reason"
for a number that is not a result (an operand, a setting, a count of blocks)."""


FUNCTIONS = {"sigmoid": sigmoid, "hypot": math.hypot, "tanh": math.tanh, "exp": math.exp,
             "log": math.log, "log2": math.log2}
OPERATORS = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
             ast.Div: operator.truediv, ast.Pow: operator.pow, ast.USub: operator.neg}


def arithmetic(expression: str) -> float:
    """The value of an arithmetic FACT: numbers, + - * / **, and the FUNCTIONS (math.x is x);
    anything else is refused (no eval)."""
    def value(node):
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.BinOp | ast.UnaryOp) and type(node.op) in OPERATORS:
            operands = [node.left, node.right] if isinstance(node, ast.BinOp) else [node.operand]
            return OPERATORS[type(node.op)](*map(value, operands))
        if isinstance(node, ast.Call) and not node.keywords:
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            if name in FUNCTIONS:
                return FUNCTIONS[name](*map(value, node.args))
        raise ValueError(f"not arithmetic: {ast.unparse(node)}")
    return value(ast.parse(expression, mode="eval").body)


def test_every_fact_is_arithmetic_that_holds():
    wrong = []
    for qid, facts in FACTS.items():
        for written, expression in facts.items():
            if not expression.startswith("#"):
                value = arithmetic(expression)
                if not matches(written, value):
                    wrong.append(f"{qid}: {written} but {expression} = {value:.6g}")
    assert wrong == []


# --- run numbers ------------------------------------------------------------------------

@dataclass(frozen=True)
class Package:
    """A number recomputed from the package at the lesson's settings."""

    compute: object  # a zero-argument callable
    tolerance: float | None = None

    def value(self) -> float:
        return self.compute()


@dataclass(frozen=True)
class LessonOutput:
    """A number read from the printed output of the lesson's own run: ``pattern``'s group
    ``group`` (a regular expression over every text output of the executed lesson)."""

    lesson: str
    pattern: str
    group: int = 1
    scale: float = 1.0
    tolerance: float | None = None

    def value(self) -> float:
        return value_of(self.found().group(self.group)) * self.scale

    def found(self) -> re.Match:
        found = re.search(self.pattern, lesson_output(self.lesson))
        assert found, f"lesson {self.lesson} no longer prints {self.pattern!r}"
        return found


@cache
def decay(kind: str, radius: float, nonlinearity: str = "tanh") -> float:
    """Lesson 04's demo setting: hidden 32, 4 sequences, seed 0, at distance 50."""
    return widgets.decay_with_distance(kind, hidden_size=32, T=50, recurrent_scale=radius,
                                       nonlinearity=nonlinearity).at(50)


def latching_min(model: str, distance: int) -> float:
    """The worst seed's accuracy in the committed latching results, in percent."""
    results = load_results()["results"]
    return 100 * min(r["accuracy"] for r in results
                     if r["model"] == model and r["distance"] == distance)


RADIUS_NUMBERS = {"3.5e-2": Package(lambda: decay("rnn", 1.5)),
                  "1e2": Package(lambda: decay("rnn", 2.0), tolerance=50),
                  "2.6e6": Package(lambda: decay("rnn", 3.0))}
RUN: dict[tuple[str, str], Package | LessonOutput] = {
    **{("04-predict-radius", n): source for n, source in RADIUS_NUMBERS.items()},
    **{("04-post-tanh-radius", n): source for n, source in RADIUS_NUMBERS.items()},
    ("04-post-tanh-radius", "3.5e2"): Package(lambda: decay("rnn", 1.5, "relu")),
    ("05-post-measured", "100"): Package(lambda: latching_min("lstm, forget bias 1", 50)),
    ("03-post-flip-unit", "11"): LessonOutput(
        "03_training_and_bptt", r"(\d+) of 32 units change by more than 1 on average at 'not'",
        tolerance=0),
    ("03-post-flip-unit", "−1"): LessonOutput(
        "03_training_and_bptt", r"goes from \*\*([+−-]\d\.\d\d)\*\* at \*was\*"),
    ("03-post-flip-unit", "+0.9"): LessonOutput(
        "03_training_and_bptt", r"at \*was\* to \*\*\+?([+−-]?\d\.\d\d)\*\* at \*not\*",
        tolerance=0.1),
    ("05-post-measured", "1.8e-11"): LessonOutput("05_lstm_gates", r"tanh RNN\s+(\S+e-\d+)"),
    ("05-post-measured", "1e-11"): LessonOutput("05_lstm_gates", r"tanh RNN\s+(\S+e-\d+)"),
    ("05-post-measured", "3.7e-11"): LessonOutput("05_lstm_gates",
                                                  r"LSTM, default init\s+(\S+e-\d+)"),
    ("05-post-measured", "4e-11"): LessonOutput("05_lstm_gates",
                                                r"LSTM, default init\s+(\S+e-\d+)"),
    ("05-post-measured", "1e-4"): LessonOutput("05_lstm_gates",
                                               r"LSTM, forget bias 1\s+(\S+e-\d+)"),
    ("07-post-seen-future", "50"): LessonOutput(
        "07_bidirectional_and_multilayer", r"without\*\* a cue it scores \*\*(\d+\.\d)%",
        tolerance=10),
}
"""(question id, number as written) -> where the run that produced it is recomputed. A number
may also stand in the question text (03-post-flip-unit's "from about −1 to about +0.9")."""


def test_every_number_in_a_bank_is_accounted_for():
    unknown = sorted({f"{qid}: {n}" for qid, n, given in written_numbers()
                      if n not in given | ALWAYS and n not in FACTS.get(qid, {})
                      and (qid, n) not in RUN})
    assert unknown == [], ("numbers in quiz feedback that no table recomputes: add each to "
                           "RUN (a run produced it) or FACTS (arithmetic, or # why it is no "
                           "result)")


def test_the_tables_name_only_numbers_that_are_written():
    everything = {}
    for lesson in LESSONS:
        for question in bank(lesson):
            texts = [question["question"], question["explanation"],
                     *(a.get("feedback", "") for a in question["answers"])]
            everything[question["id"]] = {n.lstrip("+") for t in texts for n in numbers(t)}
    stale = [f"{qid}: {n}" for qid, facts in FACTS.items() for n in facts
             if n not in everything.get(qid, set())]
    stale += [f"{qid}: {n}" for qid, n in RUN if n.lstrip("+") not in everything.get(qid, set())]
    assert stale == [], "table entries whose number no longer stands in the bank"


def test_the_scan_finds_run_numbers_and_skips_what_is_not_a_quantity():
    text = ("In lesson 04, 11 of the 32 units of h_(t−1) moved (Pascanu 2013), "
            "output[-1] is 0.5^20 ≈ 9.5e-7, about 819 200 numbers, −0.1 and 2.6e6.")
    assert numbers(text) == ["11", "32", "0.5", "9.5e-7", "819 200", "−0.1", "2.6e6"]
    assert matches("3.5e-2", 0.0354) and not matches("3.5e-2", 0.037)
    assert matches("11", 11.0, tolerance=0) and not matches("11", 12.0, tolerance=0)
    assert matches("3300", 3325.3) and not matches("3300", 3450)
    assert last_digit_unit("0.905") == 1e-3
    assert arithmetic("math.tanh(0.5 * 2) + 2 ** 3 - -1") == math.tanh(1.0) + 9
    with pytest.raises(ValueError, match="not arithmetic"):
        arithmetic("__import__('os').getcwd()")


@pytest.mark.parametrize("key", [k for k, v in RUN.items() if isinstance(v, Package)],
                         ids=lambda k: f"{k[0]}:{k[1]}")
def test_run_numbers_recomputed_from_the_package(key):
    source = RUN[key]
    value = source.value()
    assert matches(key[1], value, source.tolerance), f"{key}: the package now gives {value:.3g}"


@cache
def lesson_output(lesson: str) -> str:
    """Every text output of the lesson, executed once on a fresh kernel."""
    path = ROOT / "lessons" / f"{lesson}.ipynb"
    executed = run(nbformat.read(path, as_version=4), path.parent, timeout=600)
    parts = []
    for cell in executed.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            parts += [output.get("text", ""), data.get("text/markdown", ""),
                      data.get("text/plain", "")]
    return "\n".join(parts)


@pytest.mark.slow
@pytest.mark.parametrize("key", [k for k, v in RUN.items() if isinstance(v, LessonOutput)],
                         ids=lambda k: f"{k[0]}:{k[1]}")
def test_run_numbers_read_from_the_lessons_own_run(key):
    source = RUN[key]
    value = source.value()
    assert matches(key[1].lstrip("+"), value, source.tolerance), (
        f"{key}: lesson {source.lesson} now gives {value:.3g} ({source.found().group(0)!r})")
