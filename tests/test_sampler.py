"""The SampleStepper of lesson 09 and its figures: stepping is indexing, the controls
regenerate, learner text is escaped, the colours keep the course's policy."""

import html

import numpy as np
import pytest
import torch

import widgets
from widgets.char_lm import CharLM, CharVocab, generate
from widgets.figures.sampling import (
    bar_data,
    candidates_figure,
    static_figure,
    text_so_far_html,
    visible,
)

from figure_policy import figure_problems

CHARS = list("ab<>&'\" \n(")


@pytest.fixture
def lm():
    torch.manual_seed(0)
    return CharLM(len(CHARS), embedding_dim=4, hidden_size=8), CharVocab(CHARS)


def test_bars_show_the_top_candidates_with_the_drawn_one_marked(lm):
    record = generate(*lm, "a<", 12, temperature=1.0, generator=2, top_k=4)
    for step in range(12):
        data = bar_data(record, step)
        assert data["x"] == sorted(data["x"])  # most probable at the top of the chart
        np.testing.assert_allclose(data["x"][::-1], record.top_probs[step])
        marked = [label for label in data["y"] if label.startswith("▶ ")]
        assert len(marked) == (record.chars[step] in record.top_chars[step])
    assert visible("\n") == "⏎" and visible(" ") == "·" and visible("a") == "a"


def test_figures_keep_the_colour_policy_and_escape_labels(lm):
    record = generate(*lm, "<b>", 8, temperature=2.0, generator=0, top_k=len(CHARS))
    for figure in (candidates_figure(record, 3), static_figure(record)):
        assert figure_problems(figure.to_plotly_json()) == []
        text = figure.to_json()
        assert "<b>" not in text.replace("\\u003cb\\u003e", "")  # no raw tag from the text
    assert "&lt;" in " ".join(candidates_figure(record, 0).data[0].y)
    page = text_so_far_html(record, 5)
    assert "&lt;b&gt;" in page and "<b>" not in page


def test_stepping_indexes_and_controls_regenerate(lm):
    model, vocab = lm
    stepper = widgets.SampleStepper(model, vocab, prime="ab", length=30, temperature=1.0)
    first = stepper.generation
    stepper.controls.value = 7
    assert stepper.generation is first
    assert stepper.figure.layout.title.text.startswith("step 8 / 30")
    assert html.escape(first.text[:7]) in stepper.text_view.value
    stepper.seed.value = 5
    assert stepper.generation.text == widgets.sample(model, vocab, "ab", 30, 1.0, generator=5)
    assert stepper.controls.value == 0
    stepper.temperature.value = 0.0
    assert stepper.generation.text == widgets.sample(model, vocab, "ab", 30, temperature=0)
    stepper.prime_box.value = "(a"
    assert stepper.generation.prime == "(a"


def test_a_prime_the_vocabulary_lacks_is_explained_and_escaped(lm):
    stepper = widgets.SampleStepper(*lm, prime="ab", length=10)
    before = stepper.generation
    stepper.prime_box.value = "<script>é"
    assert stepper.generation is before
    assert "must use only" in stepper.message.value and "<script>" not in stepper.message.value
    stepper.prime_box.value = "<a>'&"
    assert stepper.generation.prime == "<a>'&"
    form = stepper.static_html()
    assert "&lt;a&gt;&#x27;&amp;" in form and "<a>" not in form
    assert 'data-widget="SampleStepper"' in form
