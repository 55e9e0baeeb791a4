"""StateStepper and its pure figures: drive every control, assert on figure data and readouts."""

import html
import re
from functools import partial

import numpy as np
import plotly.colors as pcolors
import pytest
import torch
from torch import nn

from widgets.figures.state import (
    heatmap_z,
    sentence_html,
    state_figure_static,
    state_heatmap,
    state_summary,
    token_cells,
)
from widgets.tracing.record import trace
from widgets.views.stepper import StateStepper, cut_trace

from support import random_trace, shapes_on_screen

SCRIPT = "<script>alert(1)</script>"
TOKENS = ["the", "film", SCRIPT, "not", "good", "."]


make_trace = partial(random_trace, tokens=TOKENS)


def torch_trace(cls, bidirectional=True, length=7, seed=0):
    torch.manual_seed(seed)
    module = cls(3, 4, num_layers=2, bidirectional=bidirectional)
    inputs = torch.randn(length, 3)
    return module, inputs, trace(module, inputs, [f"w{t}" for t in range(length)])


def payloads(figure):
    """Record the messages the FigureWidget sends: [(trait name, payload), ...]."""
    sent = []
    names = [name for name in figure.trait_names() if name.startswith("_py2js_")]
    figure.observe(lambda change: change["new"] and sent.append((change["name"], change["new"])),
                   names=names)
    return sent


# ---- pure figures -------------------------------------------------------------------------

@pytest.mark.parametrize(("direction", "step", "read"), [
    (0, 0, [0]), (0, 3, [0, 1, 2, 3]), (1, 0, [5]), (1, 2, [3, 4, 5]), (1, 5, range(6))])
def test_heatmap_draws_every_value_and_covers_the_tokens_not_read(direction, step, read):
    tr = make_trace()
    fig = state_heatmap(tr, step, layer=1, direction=direction)
    z = np.asarray(fig.data[0].z, dtype=float)
    np.testing.assert_allclose(z, tr.hidden[1, direction].T, atol=1e-4)
    cover = fig.layout.shapes[0]
    covered = [t for t in range(len(tr)) if cover.x0 < t < cover.x1]
    assert covered == [t for t in range(len(tr)) if t not in read]
    assert cover.layer == "above" and cover.fillcolor == fig.layout.plot_bgcolor


def test_heatmap_boxes_the_current_token_and_outlines_the_unit():
    tr = make_trace()
    fig = state_heatmap(tr, 2, layer=0, direction=1, unit=3)
    _, box, row = fig.layout.shapes
    assert (box.x0, box.x1) == (len(tr) - 1 - 2 - 0.5, len(tr) - 1 - 2 + 0.5)
    assert (box.y0, box.y1) == (-0.5, tr.hidden_size - 0.5)
    assert (row.y0, row.y1) == (2.5, 3.5) and row.line.dash == "dot"


def test_heatmap_colour_range_and_hover():
    fig = state_heatmap(make_trace(), 0)
    heat = fig.data[0]
    assert (heat.zmin, heat.zmax, heat.zmid) == (-1, 1, 0)
    expected = pcolors.get_colorscale("RdBu")
    assert [colour for _, colour in heat.colorscale] == [colour for _, colour in expected]
    np.testing.assert_allclose([at for at, _ in heat.colorscale], [at for at, _ in expected])
    assert "%{z:+.4f}" in heat.hovertemplate and "%{customdata}" in heat.hovertemplate
    assert heat.hoverongaps is False


def test_heatmap_escapes_tokens_in_labels_and_hover_names_t_from_one():
    fig = state_heatmap(make_trace(), 0)
    escaped = html.escape(SCRIPT, quote=False)
    assert list(fig.layout.xaxis.ticktext)[2] == html.escape(SCRIPT[:12], quote=False)
    assert list(fig.data[0].customdata[0]) == [f"t = {t} · '{token}'" for t, token in
                                               enumerate(["the", "film", escaped, "not",
                                                          "good", "."], start=1)]
    assert SCRIPT not in fig.to_json()


def test_long_inputs_thin_the_tick_labels():
    tr = make_trace(tokens=[f"w{t}" for t in range(200)], layers=1, directions=1)
    ticks = state_heatmap(tr, 0).layout.xaxis
    assert 10 <= len(ticks.tickvals) <= 40
    assert list(ticks.ticktext) == [f"w{t}" for t in ticks.tickvals]


def test_heatmap_z_uses_none_not_nan():
    z = heatmap_z(np.full((4, 2), 0.5), 1, 0)
    assert z[0, 2] is None and z[0, 1] == 0.5


def test_sentence_html_gives_colour_value_and_escaped_text():
    tr = make_trace()
    text = sentence_html(tr, unit=2, layer=0, direction=0, step=3)
    assert "<script>" not in text and "&lt;script&gt;" in text
    spans = re.findall(r"<span .*?</span>", text)
    assert len(spans) == len(tr)
    value = tr.hidden[0, 0, 1, 2]
    assert f"<sub>{value:+.2f}</sub>" in spans[1] and f"h = {value:+.2f}" in spans[1]
    assert "<sub>…</sub>" in spans[4]                     # not read yet at step 3
    assert "2px solid black" in spans[3]                   # the current token is boxed
    assert sentence_html(tr, unit=2).count("<sub>…</sub>") == 0   # no step: every value


@pytest.mark.parametrize(("direction", "step", "now"), [(0, 2, 2), (1, 1, 4)])
def test_a_stepped_sentence_is_drawn_at_its_step_and_carries_every_read_look(direction, step,
                                                                            now):
    tr = make_trace()
    text = sentence_html(tr, unit=1, layer=1, direction=direction, step=step, stepped=True)
    assert f'class="rnn-static-sentence" data-direction="{direction}"' in text
    spans = re.findall(r"<span .*?</span>", text)
    assert len(spans) == len(tr) and "2px solid black" in spans[now]
    read = token_cells(tr, unit=1, layer=1, direction=direction)           # every token read
    at_step = token_cells(tr, unit=1, layer=1, direction=direction, step=step)
    for span, cell, shown in zip(spans, read, at_step, strict=True):
        assert f'data-value="{cell.value:+.2f}"' in span                   # even if not read yet
        assert f'data-colour="{cell.colour}" data-ink="{cell.text_colour}"' in span
        assert f"background:{shown.colour};" in span
        assert ("<sub>…</sub>" in span) == (shown.value is None)


def test_the_steppers_static_form_draws_its_sentence_once_not_once_per_step():
    tr = random_trace(tokens=[f"w{t}" for t in range(40)])
    stepper = StateStepper(tr, layer=0, direction=0, unit=1)
    stepper.controls.value = 7
    page = stepper.static_html()
    assert page.count('class="rnn-static-sentence"') == 1
    assert page.count("<sub>") == len(tr)                    # one span per token, T not T²
    assert page.count("<sub>…</sub>") == len(tr) - 8         # opened at step 8 of 40
    assert page.count('class="rnn-static-frame"') == len(tr)  # a readout per step


def test_token_cells_colour_by_value():
    tr = make_trace()
    tr.hidden[0, 0, :, 0] = [-1.0, 0.0, 1.0, 0.2, -0.9, 0.9]
    cells = token_cells(tr, unit=0, layer=0)
    low, mid, high = pcolors.sample_colorscale("RdBu", [0.0, 0.5, 1.0])
    assert [c.colour for c in cells[:3]] == [low, mid, high]
    assert [c.text_colour for c in cells] == ["white", "black", "white", "black", "white", "white"]


def test_static_form_has_a_frame_per_step_and_covers_unread_tokens():
    tr = make_trace()
    fig = state_figure_static(tr, layer=0, direction=1)
    assert len(fig.frames) == len(fig.layout.sliders[0].steps) == len(tr)
    z = np.asarray(fig.data[0].z).astype(float)
    np.testing.assert_allclose(z, tr.hidden[0, 1].T, atol=1e-4)
    cover, box, _ = fig.frames[1].layout.shapes          # backward step 1 reads token 4
    assert (box.x0, box.x1) == (3.5, 4.5) and (cover.x0, cover.x1) == (-0.5, 3.5)
    opening = [(shape.x0, shape.x1) for shape in fig.layout.shapes]
    assert opening == [(shape.x0, shape.x1) for shape in fig.frames[-1].layout.shapes]


def test_summary_reports_the_largest_one_step_change():
    tr = make_trace()
    text = state_summary(tr, layer=1, direction=0)
    seen = np.vstack([tr.h0[1, 0][None], tr.hidden[1, 0]])
    jumps = np.abs(np.diff(seen, axis=0))
    t, unit = np.unravel_index(np.argmax(jumps), jumps.shape)
    assert f"unit {unit} at '{TOKENS[t]}' (t = {t + 1})" in text
    assert f"{seen[t + 1, unit]:+.3f}" in text and "LSTM" in text


# ---- the widget ---------------------------------------------------------------------------

def test_next_moves_the_cover_and_the_box_and_sends_nothing_else():
    stepper = StateStepper(make_trace(), layer=0, direction=0)
    sent = payloads(stepper.figure)
    moved = []
    stepper.shape_sync.observe(lambda change: moved.append(change["new"]), names="shapes")
    stepper.controls.next_button.click()
    assert sent == []                                    # the FigureWidget redraws nothing
    assert len(moved) == 1 and len(moved[0]) == 3        # one message: the three shapes
    cover, box, _ = shapes_on_screen(stepper)
    assert (cover.x0, box.x0, box.x1) == (1.5, 0.5, 1.5)
    assert stepper.figure.has_trait("_dom_classes") and \
        stepper.shape_sync.target in stepper.figure._dom_classes   # how the browser finds it


def test_without_plotly_in_the_page_the_shapes_go_through_the_figure():
    stepper = StateStepper(make_trace(), layer=0, direction=0)
    sync = stepper.shape_sync
    stepper.controls.value = 2
    assert stepper.figure.layout.shapes[1].x0 == -0.5       # moved in the browser only
    sync._on_front_end(sync, {"event": "no-plotly"}, [])     # what the front end sends then
    assert stepper.figure.layout.shapes[1].x0 == 1.5        # caught up at once
    stepper.controls.value = 4
    assert stepper.figure.layout.shapes[1].x0 == 3.5 == shapes_on_screen(stepper)[1].x0


def test_readout_gives_exact_values_of_the_current_step():
    tr = make_trace()
    stepper = StateStepper(tr, layer=1, direction=1, unit=2)
    stepper.controls.value = 1                           # backward: reads token 4
    h = tr.hidden[1, 1, 4]
    assert f"h = {h[2]:+.4f}" in stepper.readout.value
    assert f"c = {tr.cell[1, 1, 4, 2]:+.4f}" in stepper.readout.value
    assert f"[{h[2]:+.3f}]" in stepper.readout.value
    assert all(f"{v:+.3f}" in stepper.readout.value for v in h)


def test_clicking_a_token_button_jumps_there():
    for direction in (0, 1):
        stepper = StateStepper(make_trace(), direction=direction)
        stepper.sentence.children[4].click()
        assert stepper.current_token == 4
        assert stepper.sentence.children[4].layout.border.startswith("3px solid black")
        assert shapes_on_screen(stepper)[1].x0 == 3.5


def test_only_the_current_token_button_is_marked_for_the_browser_to_scroll_to():
    stepper = StateStepper(make_trace())
    assert "rnn-sentence" in stepper.sentence._dom_classes
    for step in (0, 3, 1):
        stepper.controls.value = step
        marked = [t for t, button in enumerate(stepper.sentence.children)
                  if "rnn-current-token" in button._dom_classes]
        assert marked == [stepper.current_token]


def test_sentence_buttons_show_values_read_so_far():
    tr = make_trace()
    stepper = StateStepper(tr, layer=0, unit=1)
    stepper.controls.value = 2
    labels = [button.description for button in stepper.sentence.children]
    assert labels[1] == f"film {tr.hidden[0, 0, 1, 1]:+.2f}"
    assert labels[3] == "not" and "not read yet" in stepper.sentence.children[3].tooltip
    stepper.unit_picker.value = 4
    assert stepper.sentence.children[1].description == f"film {tr.hidden[0, 0, 1, 4]:+.2f}"
    assert (shapes_on_screen(stepper)[2].y0, shapes_on_screen(stepper)[2].y1) == (3.5, 4.5)


def test_a_click_on_the_heatmap_picks_unit_and_token():
    stepper = StateStepper(make_trace())
    stepper.controls.value = 5
    stepper.figure._js2py_pointsCallback = {
        "event_type": "plotly_click", "device_state": None, "selector": None,
        "points": {"xs": [2], "ys": [3], "point_indexes": [[3, 2]], "trace_indexes": [0]}}
    assert (stepper.step, stepper.unit) == (2, 3)


def test_readout_and_buttons_escape_tokens():
    stepper = StateStepper(make_trace())
    stepper.jump_to_token(2)
    assert SCRIPT not in stepper.readout.value and "&lt;script&gt;" in stepper.readout.value
    assert SCRIPT not in stepper.controls.readout.value


def test_long_traces_are_cut_with_a_note():
    tr = make_trace(tokens=[f"w{t}" for t in range(320)], layers=1, directions=1)
    stepper = StateStepper(tr)
    assert len(stepper.trace) == 300 and len(stepper.sentence.children) == 300
    assert "first 300 of 320 tokens" in stepper.message.value
    short, note = cut_trace(tr, 10)
    assert short.hidden.shape == (1, 1, 10, 5) and short.output.shape == (10, 5)
    assert "first 10 of 320" in note and cut_trace(tr, 320) == (tr, "")


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"trace": "text"}, TypeError, "`trace` must be a widgets.Trace"),
    ({"layer": 2}, ValueError, "`layer` must be in [-2, 1], got 2"),
    ({"unit": 5}, ValueError, "`unit` must be in [0, 4], got 5"),
    ({"direction": 2}, ValueError, "`direction` must be in [0, 1], got 2"),
    ({"max_tokens": 0}, ValueError, "`max_tokens`"),
])
def test_bad_arguments_get_clear_errors(kwargs, error, words):
    tr = kwargs.pop("trace", make_trace())
    with pytest.raises(error) as info:
        StateStepper(tr, **kwargs)
    assert words in str(info.value)


def test_backward_direction_of_a_unidirectional_trace_is_refused():
    with pytest.raises(ValueError, match="`direction` must be 0: this network is unidirectional"):
        StateStepper(make_trace(directions=1), direction=1)


@pytest.mark.parametrize("cls", [nn.RNN, nn.LSTM, nn.GRU])
def test_real_traces_show_torch_outputs(cls):
    module, inputs, tr = torch_trace(cls)
    with torch.no_grad():
        output, _ = module(inputs)
    for direction in (0, 1):
        stepper = StateStepper(tr, layer=-1, direction=direction, unit=3)
        stepper.controls.value = 4
        t = stepper.current_token
        expected = float(output[t, direction * 4 + 3])
        assert f"h = {expected:+.4f}" in stepper.readout.value
        z = np.asarray(stepper.figure.data[0].z, dtype=object)
        assert z[3, t] == pytest.approx(expected, abs=1e-4)


# ---- a model with a vocabulary: the text box -----------------------------------------------

WORDS = ["the", "film", "was", "not", "good", ".", "<", ">", "script"]


class TinyModel(nn.Module):
    def __init__(self, cls=nn.GRU):
        super().__init__()
        torch.manual_seed(0)
        self.embedding = nn.Embedding(len(WORDS) + 2, 3)
        self.rnn = cls(3, 4, batch_first=True, bidirectional=True)


class TinyVocab:
    """The protocol only: encode(tokens) -> ids, unknown words -> 1."""

    def encode(self, tokens):
        return [WORDS.index(t) + 2 if t in WORDS else 1 for t in tokens]


def torch_output(model, tokens):
    ids = torch.tensor([TinyVocab().encode(tokens)])
    with torch.no_grad():
        return model.rnn(model.embedding(ids))[0][0].numpy()


@pytest.mark.parametrize("cls", [nn.RNN, nn.LSTM, nn.GRU])
def test_from_model_traces_the_text_through_embedding_and_rnn(cls):
    model = TinyModel(cls)
    stepper = StateStepper.from_model(model, "The film was good.", TinyVocab())
    assert stepper.trace.tokens == ["The", "film", "was", "good", "."]  # case kept, as typed
    assert stepper.text_box.value == "The film was good."
    expected = torch_output(model, ["the", "film", "was", "good", "."])  # "The" read as "the"
    np.testing.assert_allclose(stepper.trace.output, expected, atol=1e-5)


def test_submitting_text_retraces_and_restarts():
    model = TinyModel()
    stepper = StateStepper.from_model(model, "the film was good", TinyVocab(), unit=1)
    stepper.controls.value = 3
    stepper.text_box.value = "not good"                # what Enter sends (continuous_update off)
    assert stepper.trace.tokens == ["not", "good"] and stepper.step == 0
    assert list(stepper.figure.data[0].x) == [0, 1]
    assert list(stepper.figure.layout.xaxis.ticktext) == ["not", "good"]
    assert [b.description.split()[0] for b in stepper.sentence.children] == ["not", "good"]
    assert stepper.controls.tokens == ["not", "good"] and stepper.controls.slider.max == 1
    stepper.controls.next_button.click()
    expected = torch_output(model, ["not", "good"])[1, 1]
    assert f"h = {expected:+.4f}" in stepper.readout.value
    colours = [cell.colour for cell in token_cells(stepper.trace, unit=1)]   # the new trace's
    assert [b.style.button_color for b in stepper.sentence.children] == colours


def test_typing_does_not_retrace_before_submit():
    stepper = StateStepper.from_model(TinyModel(), "the film", TinyVocab())
    assert stepper.text_box.continuous_update is False
    before = stepper.trace
    stepper.run_button.click()                           # same text: nothing to do
    assert stepper.trace is before


def test_unknown_words_are_marked_and_named():
    stepper = StateStepper.from_model(TinyModel(), "the blorp was zzz", TinyVocab())
    assert stepper.trace.tokens == ["the", "blorp (unk)", "was", "zzz (unk)"]
    assert "&#x27;blorp&#x27;, &#x27;zzz&#x27;" in stepper.message.value
    assert "&lt;unk&gt;" in stepper.message.value


def test_typed_html_is_escaped_everywhere():
    stepper = StateStepper.from_model(TinyModel(), "good", TinyVocab(), tokenize=str.split)
    stepper.text_box.value = "<img src=x onerror=alert(1)> <script>"
    assert stepper.trace.tokens[-1] == "<script> (unk)"
    shown = [stepper.message.value, stepper.readout.value, stepper.controls.readout.value]
    assert not any("<img" in text or "<script" in text for text in shown)
    assert "&lt;" in stepper.message.value


def test_empty_text_shows_an_error_and_keeps_the_trace():
    stepper = StateStepper.from_model(TinyModel(), "the film", TinyVocab())
    before = stepper.trace
    stepper.text_box.value = "   "
    assert stepper.trace is before
    assert "Not traced" in stepper.message.value and "no tokens" in stepper.message.value


def test_long_text_is_cut_with_a_note():
    stepper = StateStepper.from_model(TinyModel(), "good " * 5, TinyVocab(), max_tokens=4)
    assert len(stepper.trace) == 4 and "first 4 of 5 tokens" in stepper.message.value


@pytest.mark.parametrize(("model", "vocab", "words"), [
    (nn.GRU(3, 4), TinyVocab(), "`model` must have an `embedding`"),
    (nn.Sequential(), TinyVocab(), "`model` must have an `embedding`"),
    (TinyModel(), object(), "`vocab` must have an encode(tokens) method"),
])
def test_from_model_refuses_bad_arguments(model, vocab, words):
    with pytest.raises(TypeError) as info:
        StateStepper.from_model(model, "good", vocab)
    assert words in str(info.value)


def test_from_model_refuses_a_model_without_rnn_and_empty_text():
    model = TinyModel()
    model.rnn = nn.Linear(3, 4)
    with pytest.raises(TypeError, match="`model` must have an `rnn` attribute"):
        StateStepper.from_model(model, "good", TinyVocab())
    with pytest.raises(ValueError, match="`text` has no tokens"):
        StateStepper.from_model(TinyModel(), "", TinyVocab())
    with pytest.raises(TypeError, match="`text` must be a string"):
        StateStepper.from_model(TinyModel(), ["good"], TinyVocab())
