"""GateViewer: drive every control and assert on the figure data, diagram, equations, readout."""

import types
from functools import partial

import numpy as np
import pytest
import torch
from torch import nn

from widgets.figures.cell_diagram import cell_svg
from widgets.figures.equations import equations_html, unit_step
from widgets.tracing.record import trace
from widgets.views.gate_viewer import GateViewer

from support import shapes_on_screen, torch_trace

SCRIPT = "<script>alert(1)</script>"
TOKENS = ["alice", "and", SCRIPT, "tom", "are", "."]


make_trace = partial(torch_trace, tokens=TOKENS)


def read_columns(viewer):
    """Token indices the cover shape (drawn over every panel) leaves visible; every heatmap
    holds all its numbers."""
    z = np.asarray(viewer.figure.data[0].z, dtype=object)
    assert all(v is not None for v in z.ravel())
    cover = shapes_on_screen(viewer)[0]
    assert (cover.yref, cover.y0, cover.y1) == ("paper", 0, 1)
    return [t for t in range(z.shape[1]) if not cover.x0 < t < cover.x1]


def shown(value):
    return f"{value:.3f}".replace("-", "−")


@pytest.mark.parametrize("cls", [nn.LSTM, nn.GRU])
def test_next_prev_and_slider_step_through_the_precomputed_trace(cls):
    tr = make_trace(cls)
    viewer = GateViewer(tr, unit=1)
    assert viewer.step == 0 and read_columns(viewer) == [0]
    viewer.controls.next_button.click()
    viewer.controls.next_button.click()
    assert viewer.step == 2 and read_columns(viewer) == [0, 1, 2]
    first_gate = next(iter(tr.gates.values()))[0, 0]
    np.testing.assert_allclose(np.asarray(viewer.figure.data[0].z[:, :3], dtype=float),
                               first_gate[:3].T, atol=1e-4)
    assert shapes_on_screen(viewer)[1].x0 == 1.5
    viewer.controls.slider.value = 5                  # what the slider and Play do
    assert read_columns(viewer) == list(range(6))
    assert shapes_on_screen(viewer)[1].x0 == 4.5
    viewer.controls.prev_button.click()
    assert viewer.step == 4 and read_columns(viewer) == [0, 1, 2, 3, 4]
    values = unit_step(tr, 4, unit=1)
    assert viewer.diagram.value == cell_svg(values)
    assert viewer.equations.value == equations_html(values)
    assert f"h_t = {shown(tr.hidden[0, 0, 4, 1])}" in viewer.readout.value


def test_each_step_sends_the_shapes_once_and_the_figure_nothing():
    viewer = GateViewer(make_trace())
    moved, redrawn = [], []
    viewer.shape_sync.observe(lambda change: moved.append(change["new"]), names="shapes")
    viewer.figure.observe(lambda change: change["new"] and redrawn.append(change["name"]),
                          names=[n for n in viewer.figure.trait_names() if "py2js" in n])
    for step in (1, 2, 5, 3):
        viewer.controls.value = step
    assert len(moved) == 4 and redrawn == []


def test_readout_lists_every_panel_value_of_the_unit():
    tr = make_trace(nn.LSTM)
    viewer = GateViewer(tr, unit=3)
    viewer.controls.value = 3
    where = (0, 0, 3, 3)
    expected = [("i_t", tr.gates["input"]), ("f_t", tr.gates["forget"]),
                ("g_t", tr.gates["candidate"]), ("o_t", tr.gates["output"]), ("c_t", tr.cell),
                ("h_t", tr.hidden)]
    for symbol, values in expected:
        assert f"{symbol} = {shown(values[where])}" in viewer.readout.value
    assert "t = 4 · &#x27;tom&#x27; · unit 3" in viewer.readout.value


def test_unit_picker_redraws_diagram_equations_and_row_outline():
    tr = make_trace(nn.GRU)
    viewer = GateViewer(tr)
    viewer.controls.value = 2
    viewer.unit_picker.value = 3
    assert viewer.unit == 3 and viewer.step == 2
    assert viewer.diagram.value == cell_svg(unit_step(tr, 2, unit=3))
    assert "unit 3 · t = 3" in viewer.equations.value
    assert [shape.y0 for shape in shapes_on_screen(viewer)[2:]] == [2.5] * 4
    assert viewer.unit_picker.max == 3


def test_clicking_a_heatmap_cell_selects_its_unit_and_token():
    viewer = GateViewer(make_trace(nn.LSTM))
    points = types.SimpleNamespace(point_inds=[(2, 4)], xs=[4], ys=[2])
    viewer._on_heatmap_click(viewer.figure.data[3], points, None)
    assert (viewer.unit, viewer.step, viewer.current_token) == (2, 4, 4)
    viewer._on_heatmap_click(viewer.figure.data[3], types.SimpleNamespace(point_inds=[]), None)
    assert (viewer.unit, viewer.step) == (2, 4)


def test_pickers_exist_only_when_there_is_a_choice():
    single = GateViewer(make_trace())
    assert list(single.children[2].children) == [single.unit_picker]
    stacked = GateViewer(make_trace(layers=2, bidirectional=True))
    assert list(stacked.children[2].children) == [
        stacked.unit_picker, stacked.layer_picker, stacked.direction_picker]
    assert [value for _, value in stacked.layer_picker.options] == [0, 1]
    assert stacked.layer_picker.value == 1            # layer=-1 is the top one


def test_direction_picker_keeps_the_token_and_fills_from_the_right():
    tr = make_trace(nn.GRU, layers=2, bidirectional=True)
    viewer = GateViewer(tr, unit=2)
    viewer.controls.value = 1                         # forward, token 1
    viewer.direction_picker.value = 1
    assert viewer.current_token == 1 and viewer.step == len(TOKENS) - 2
    assert read_columns(viewer) == [1, 2, 3, 4, 5]
    assert viewer.controls.tokens == TOKENS[::-1]
    np.testing.assert_allclose(np.asarray(viewer.figure.data[0].z[:, 1:], dtype=float),
                               tr.gates["reset"][1, 1, 1:].T, atol=1e-4)
    assert "backward direction" in viewer.equations.value
    viewer.direction_picker.value = 0
    assert viewer.current_token == 1 and viewer.step == 1


def test_layer_picker_shows_that_layers_gates():
    tr = make_trace(nn.LSTM, layers=2)
    viewer = GateViewer(tr)
    viewer.controls.value = 3
    viewer.layer_picker.value = 0
    assert viewer.step == 3 and "layer 0" in viewer.figure.layout.title.text
    np.testing.assert_allclose(np.asarray(viewer.figure.data[1].z[:, :4], dtype=float),
                               tr.gates["forget"][0, 0, :4].T, atol=1e-4)
    assert viewer.diagram.value == cell_svg(unit_step(tr, 3, layer=0))


def test_user_text_is_escaped_everywhere():
    viewer = GateViewer(make_trace())
    viewer.controls.value = 2
    for html_text in (viewer.readout.value, viewer.equations.value, viewer.diagram.value,
                      viewer.controls.readout.value, viewer.figure.to_json()):
        assert "<script" not in html_text
    assert "&lt;script&gt;" in viewer.readout.value


def test_long_traces_are_cut_with_a_note():
    tokens = [f"w{t}" for t in range(12)]
    viewer = GateViewer(make_trace(tokens=tokens), max_tokens=5)
    assert len(viewer.trace) == 5 and viewer.controls.slider.max == 4
    assert "first 5 of 12 tokens" in viewer.message.value
    assert np.asarray(viewer.figure.data[0].z).shape == (4, 5)


def test_a_plain_rnn_trace_points_to_the_state_stepper():
    torch.manual_seed(0)
    with pytest.raises(ValueError, match="LSTM or GRU.*StateStepper"):
        GateViewer(trace(nn.RNN(3, 4), torch.randn(3, 3)))


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"layer": 2}, ValueError, "`layer` must be in [-2, 1], got 2"),
    ({"direction": 1}, ValueError, "`direction` must be 0"),
    ({"unit": 4}, ValueError, "`unit` must be in [0, 3], got 4"),
    ({"unit": "0"}, TypeError, "`unit` must be an integer"),
    ({"max_tokens": 0}, ValueError, "`max_tokens` must be in [1, ...], got 0"),
])
def test_bad_arguments_are_named(kwargs, error, words):
    with pytest.raises(error) as info:
        GateViewer(make_trace(layers=2), **kwargs)
    assert words in str(info.value)


def test_not_a_trace_is_refused():
    with pytest.raises(TypeError, match="`trace` must be a widgets.Trace"):
        GateViewer(np.zeros((3, 4)))


# ---- a model with a vocabulary: the text box -----------------------------------------------

WORDS = ["alice", "and", "tom", "are", "is", "."]


class TinyModel(nn.Module):
    def __init__(self, cls=nn.LSTM):
        super().__init__()
        torch.manual_seed(0)
        self.embedding = nn.Embedding(len(WORDS) + 2, 3)
        self.rnn = cls(3, 4, batch_first=True)


class TinyVocab:
    def encode(self, tokens):
        return [WORDS.index(t) + 2 if t in WORDS else 1 for t in tokens]


@pytest.mark.parametrize("cls", [nn.LSTM, nn.GRU])
def test_from_model_traces_text_and_the_text_box_retraces(cls):
    model = TinyModel(cls)
    viewer = GateViewer.from_model(model, "Alice and Tom are", TinyVocab(), unit=2)
    assert viewer.trace.tokens == ["Alice", "and", "Tom", "are"] and viewer.unit == 2
    ids = torch.tensor([TinyVocab().encode(["alice", "and", "tom", "are"])])
    with torch.no_grad():
        expected = model.rnn(model.embedding(ids))[0][0].numpy()
    np.testing.assert_allclose(viewer.trace.output, expected, atol=1e-5)
    viewer.controls.value = 3
    viewer.text_box.value = "tom is <b>"              # what Enter sends
    assert viewer.trace.tokens[:2] == ["tom", "is"] and viewer.step == 0
    assert viewer.controls.slider.max == len(viewer.trace) - 1
    assert list(viewer.figure.data[0].x) == list(range(len(viewer.trace)))
    assert read_columns(viewer) == [0]
    assert "<b>" not in viewer.message.value and "&lt;" in viewer.message.value


def test_from_model_with_a_plain_rnn_is_refused_and_bad_text_keeps_the_trace():
    with pytest.raises(ValueError, match="StateStepper"):
        GateViewer.from_model(TinyModel(nn.RNN), "alice and tom", TinyVocab())
    viewer = GateViewer.from_model(TinyModel(), "alice and tom", TinyVocab())
    before = viewer.trace
    viewer.text_box.value = "   "
    assert viewer.trace is before and "Not traced" in viewer.message.value
