"""Gate heatmaps, their static form and summary, on real traces of small nn.LSTM / nn.GRU."""

import dataclasses
import re
from functools import partial

import numpy as np
import plotly.colors as pcolors
import pytest
import torch
from torch import nn

from widgets.figures.gates import (
    PANELS,
    gate_heatmaps,
    gate_shapes,
    gates_figure_static,
    gates_summary,
)
from widgets.tracing.record import trace

from support import torch_trace

SCRIPT = "<script>alert(1)</script>"
TOKENS = ["alice", "and", SCRIPT, "tom", "are", "."]
GATE_KEYS = {"lstm": ["input", "forget", "candidate", "output"], "gru": ["reset", "update", "new"]}


make_trace = partial(torch_trace, tokens=TOKENS)


def panel_arrays(tr, layer, direction):
    """(T, H) arrays in panel order, built here from the Trace's fields."""
    arrays = [tr.gates[k][layer, direction] for k in GATE_KEYS[tr.kind]]
    if tr.kind == "lstm":
        arrays.append(tr.cell[layer, direction])
    return arrays + [tr.hidden[layer, direction]]


@pytest.mark.parametrize(("cls", "symbols"), [
    (nn.LSTM, ["i_t", "f_t", "g_t", "o_t", "c_t", "h_t"]),
    (nn.GRU, ["r_t", "z_t", "n_t", "h_t"])])
def test_one_panel_per_gate_and_state_with_colour_blind_safe_scales(cls, symbols):
    tr = make_trace(cls)
    fig = gate_heatmaps(tr, 2)
    assert [heatmap.name for heatmap in fig.data] == symbols
    sigmoid = {"i_t", "f_t", "o_t", "r_t", "z_t"}
    for heatmap in fig.data:
        assert heatmap.coloraxis == ("coloraxis" if heatmap.name in sigmoid else "coloraxis2")
        assert f"{heatmap.name} = %{{z:+.4f}}" in heatmap.hovertemplate
    sequential, diverging = fig.layout.coloraxis, fig.layout.coloraxis2
    assert (sequential.cmin, sequential.cmax) == (0, 1)
    assert (diverging.cmin, diverging.cmid, diverging.cmax) == (-1, 0, 1)
    for axis, name in ((sequential, "Cividis"), (diverging, "RdBu")):
        expected = pcolors.get_colorscale(name)
        assert [colour for _, colour in axis.colorscale] == [c for _, c in expected]
        assert [p for p, _ in axis.colorscale] == pytest.approx([p for p, _ in expected])


@pytest.mark.parametrize("cls", [nn.LSTM, nn.GRU])
@pytest.mark.parametrize("step", [0, 3, 5])
def test_every_value_is_drawn_and_a_cover_hides_the_tokens_after_the_step(cls, step):
    tr = make_trace(cls)
    fig = gate_heatmaps(tr, step, unit=1)
    for heatmap, states in zip(fig.data, panel_arrays(tr, 0, 0), strict=True):
        assert np.asarray(heatmap.z).shape == (4, len(TOKENS))
        np.testing.assert_allclose(np.asarray(heatmap.z, dtype=float), states.T, atol=1e-4)
    cover = fig.layout.shapes[0]
    assert (cover.x0, cover.yref, cover.y0, cover.y1, cover.layer) == (
        step + 0.5 if step < len(TOKENS) - 1 else -0.5, "paper", 0, 1, "above")
    assert cover.fillcolor == fig.layout.plot_bgcolor      # blank, like an empty cell


def test_current_token_is_boxed_over_every_panel_and_unit_row_outlined_in_each():
    tr = make_trace(nn.LSTM)
    shapes = gate_heatmaps(tr, 3, unit=2).layout.shapes
    assert len(shapes) == 2 + 6
    box = shapes[1]
    assert (box.x0, box.x1, box.xref, box.yref) == (2.5, 3.5, "x", "paper")
    for k, row in enumerate(shapes[2:], start=1):
        axes = "" if k == 1 else str(k)
        assert (row.y0, row.y1, row.line.dash, row.yref) == (1.5, 2.5, "dot", "y" + axes)


def test_a_step_changes_only_the_cover_and_the_box():
    tr = make_trace(nn.GRU)
    before, after = gate_shapes(tr, 1, unit=3), gate_shapes(tr, 2, unit=3)
    changed = {(i, key) for i, (a, b) in enumerate(zip(before, after, strict=True))
               for key in b if a[key] != b[key]}
    assert changed == {(0, "x0"), (1, "x0"), (1, "x1")}


def test_backward_direction_of_a_stacked_bidirectional_gru():
    tr = make_trace(nn.GRU, layers=2, bidirectional=True)
    shapes = gate_shapes(tr, 1, layer=0, direction=1, unit=3)
    length = len(TOKENS)
    assert (shapes[0]["x0"], shapes[0]["x1"]) == (-0.5, length - 2 - 0.5)  # left covered
    assert shapes[1]["x0"] == length - 2 - 0.5
    fig = gate_heatmaps(tr, 1, layer=0, direction=1)
    assert "layer 0" in fig.layout.title.text and "backward" in fig.layout.title.text
    np.testing.assert_allclose(np.asarray(fig.data[1].z, dtype=float),
                               tr.gates["update"][0, 1].T, atol=1e-4)
    top = gate_heatmaps(tr, 1)                           # default: top layer, forward
    np.testing.assert_allclose(np.asarray(top.data[1].z, dtype=float),
                               tr.gates["update"][1, 0].T, atol=1e-4)


def test_tokens_are_escaped_in_ticks_and_hover():
    tr = make_trace(nn.LSTM)
    fig = gate_heatmaps(tr, 2)
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert list(fig.layout.xaxis6.ticktext)[2] == "&lt;script&gt;aler"   # cut, escaped
    assert fig.data[0].customdata[0][2] == f"t = 3 · '{escaped}'"
    assert "<script" not in fig.to_json()


def test_long_inputs_thin_the_tick_labels():
    torch.manual_seed(0)
    tr = trace(nn.GRU(2, 3), torch.randn(200, 2))
    fig = gate_heatmaps(tr, 199)
    ticks = list(fig.layout.xaxis4.tickvals)
    assert 10 <= len(ticks) <= 40 and ticks[0] == 0
    assert fig.data[0].z.shape == (3, 200)


@pytest.mark.parametrize("cls", [nn.LSTM, nn.GRU])
def test_static_form_has_full_data_a_slider_and_a_frame_per_step(cls):
    tr = make_trace(cls)
    fig = gates_figure_static(tr, unit=1)
    panels = len(PANELS[tr.kind])
    for heatmap, states in zip(fig.data, panel_arrays(tr, 0, 0), strict=True):
        np.testing.assert_allclose(np.asarray(heatmap.z, dtype=float), states.T, atol=1e-4)
    assert [frame.name for frame in fig.frames] == [str(s) for s in range(len(TOKENS))]
    slider = fig.layout.sliders[0]
    assert len(slider.steps) == len(TOKENS) and slider.active == len(TOKENS) - 1
    assert slider.steps[2].label == "3 · &lt;script&gt;aler"   # t from 1, cut, escaped
    shapes = fig.frames[2].layout.shapes
    assert len(shapes) == 2 + panels
    assert (shapes[0].x0, shapes[0].x1, shapes[0].layer) == (2.5, len(TOKENS) - 0.5, "above")
    assert shapes[1].x0 == 1.5                            # the box around token 2


def test_static_form_of_a_backward_direction_covers_the_left():
    tr = make_trace(nn.LSTM, bidirectional=True)
    fig = gates_figure_static(tr, direction=1)
    cover = fig.frames[1].layout.shapes[0]
    assert (cover.x0, cover.x1) == (-0.5, len(TOKENS) - 2 - 0.5)


def test_summary_reports_each_panel_with_its_statistics():
    tr = make_trace(nn.LSTM, layers=2)
    text = gates_summary(tr, layer=0)
    lines = text.splitlines()
    assert lines[0].startswith("LSTM · layer 0") and "6 tokens" in lines[0]
    forget = tr.gates["forget"][0, 0]
    line = next(line for line in lines if line.startswith("f_t (forget gate)"))
    numbers = re.fullmatch(r"f_t \(forget gate\): mean (\S+), range \[(\S+), (\S+)\], "
                           r"open \(> 0\.5\) in (\d+)% of unit-steps", line)
    mean, low, high, share = map(float, numbers.groups())
    assert mean == pytest.approx(forget.mean(), abs=0.006)
    assert (low, high) == pytest.approx((forget.min(), forget.max()), abs=0.006)
    assert share == pytest.approx(100 * (forget > 0.5).mean(), abs=0.6)
    assert sum(line.startswith(("c_t", "h_t")) for line in lines) == 2
    assert "open" not in lines[-1]                       # h_t is not a gate


def test_a_plain_rnn_is_refused_with_a_pointer_to_state_stepper():
    torch.manual_seed(0)
    tr = trace(nn.RNN(3, 4), torch.randn(4, 3))
    for function in (gate_heatmaps, gate_shapes):
        with pytest.raises(ValueError, match="LSTM or GRU.*StateStepper"):
            function(tr, 0)
    with pytest.raises(ValueError, match="StateStepper"):
        gates_summary(tr)


@pytest.mark.parametrize(("kwargs", "error", "words"), [
    ({"step": 6}, ValueError, "`step` must be in [0, 5], got 6"),
    ({"step": 1.5}, TypeError, "`step` must be an integer"),
    ({"step": 0, "unit": 4}, ValueError, "`unit` must be in [0, 3], got 4"),
    ({"step": 0, "layer": 1}, ValueError, "`layer` must be in [-1, 0], got 1"),
    ({"step": 0, "direction": 1}, ValueError, "`direction` must be 0"),
])
def test_bad_arguments_name_themselves(kwargs, error, words):
    with pytest.raises(error) as info:
        gate_heatmaps(make_trace(nn.LSTM), **kwargs)
    assert words in str(info.value)


def test_not_a_trace_is_refused():
    with pytest.raises(TypeError, match="`trace` must be a widgets.Trace"):
        gate_heatmaps("not a trace", 0)


def test_a_trace_without_gate_terms_is_refused():
    tr = make_trace(nn.GRU)
    partial = dataclasses.replace(tr, input_terms={})
    with pytest.raises(ValueError, match="`trace.input_terms` must hold"):
        gate_heatmaps(partial, 0)
