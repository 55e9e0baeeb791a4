"""LayerStepper and its grid figure: fill order, output[t] boxes, torch's h_n order."""

import re
from functools import partial

import numpy as np
import pytest
import torch
from torch import nn

from widgets.figures.layers import layer_grid_figure, layer_grid_static, panel_axes
from widgets.tracing.record import trace
from widgets.views.layer_stepper import (
    MAX_TOKENS,
    LayerStepper,
    h_n_order_html,
    layer_readout_html,
    layer_summary,
    step_labels,
)

from support import random_trace, shapes_on_screen

SCRIPT = "<script>alert(1)</script>"
TOKENS = ["a", SCRIPT, "b", "c", "d"]


make_trace = partial(random_trace, tokens=TOKENS, size=3, seed=1, kind="gru", input_size=2,
                     dtype=np.float64)


def panels(fig):
    """{(layer, direction): heatmap} read back from the subplot titles "layer l · ... h_n[k]"."""
    found = {}
    for note in fig.layout.annotations:
        match = re.match(r"layer (\d+) · (.*) · h_n\[(\d+)\]", note.text)
        if match:
            direction = 1 if "backward" in match.group(2) else 0
            found[int(match.group(1)), direction] = int(match.group(3))
    return found


def test_panels_are_titled_with_their_row_of_torchs_h_n():
    torch.manual_seed(0)
    module = nn.LSTM(2, 3, num_layers=2, bidirectional=True)
    inputs = torch.randn(5, 2)
    tr = trace(module, inputs)
    with torch.no_grad():
        _, (h_n, _) = module(inputs)
    fig = layer_grid_figure(tr, step=len(tr) - 1)
    titles = panels(fig)
    assert len(titles) == len(fig.data) == 4
    for (layer, direction), row in titles.items():
        heatmap = next(h for h in fig.data if h.xaxis == "x" + panel_axes(tr, layer, direction))
        end = len(tr) - 1 if direction == 0 else 0
        final = np.asarray(heatmap.z, dtype=object)[:, end].astype(float)
        np.testing.assert_allclose(final, h_n[row].numpy(), atol=1e-4)


@pytest.mark.parametrize("step", [0, 2, 4])
def test_forward_fills_left_to_right_and_backward_right_to_left(step):
    tr = make_trace()
    fig = layer_grid_figure(tr, step)
    for layer in range(2):
        for direction in range(2):
            axes = panel_axes(tr, layer, direction)
            heatmap = next(h for h in fig.data if h.xaxis == "x" + axes)
            np.testing.assert_allclose(np.asarray(heatmap.z, dtype=float),
                                       tr.hidden[layer, direction].T, atol=1e-4)
            column = "x" + panel_axes(tr, 1, direction)     # shapes span a column's panels
            read = [t for t in range(len(tr))
                    if (t <= step if direction == 0 else t >= len(tr) - 1 - step)]
            cover = next(s for s in fig.layout.shapes
                         if s.xref == column and s.fillcolor == "#f4f4f4")
            assert (cover.yref, cover.y0, cover.y1) == ("paper", 0, 1)
            assert [t for t in range(len(tr)) if not cover.x0 < t < cover.x1] == read
            box = next(s for s in fig.layout.shapes if s.xref == column and s.line.width == 3)
            now = step if direction == 0 else len(tr) - 1 - step
            assert (box.x0, box.x1) == (now - 0.5, now + 0.5)


def test_dashed_output_boxes_sit_on_the_top_layer_only():
    tr = make_trace(layers=3)
    fig = layer_grid_figure(tr, 0, output_token=3)
    dashed = [s for s in fig.layout.shapes if s.line.dash == "dash"]
    top = {"x" + panel_axes(tr, 2, d) for d in range(2)}
    assert {s.xref for s in dashed} == top and all(s.x0 == 2.5 for s in dashed)


def test_stepping_updates_every_panel_in_one_message():
    stepper = LayerStepper(make_trace())
    sent, moved = [], []
    stepper.figure.observe(lambda change: change["new"] and sent.append(change["name"]),
                           names=[n for n in stepper.figure.trait_names() if "py2js" in n])
    stepper.shape_sync.observe(lambda change: moved.append(change["new"]), names="shapes")
    stepper.controls.next_button.click()
    assert sent == [] and len(moved) == 1      # the shapes alone; no heatmap data is re-sent
    covers = [s for s in shapes_on_screen(stepper) if s.fillcolor == "#f4f4f4"]
    assert [(c.x0, c.x1) for c in covers] == [(1.5, 4.5), (-0.5, 2.5)]


def test_readout_says_when_each_half_of_output_t_is_computed():
    tr = make_trace()
    stepper = LayerStepper(tr, output_token=1)
    half = "output[1, 3:6] = backward h of layer 1 at t = 2 (read at step 4"
    assert "output[1, 0:3] = forward h of layer 1 at t = 2 (read at step 2: <b>not yet" \
        in stepper.readout.value
    stepper.controls.value = 1
    assert "(read at step 2: <b>computed" in stepper.readout.value
    assert half + ": <b>not yet" in stepper.readout.value
    stepper.controls.value = 3
    assert half + ": <b>computed" in stepper.readout.value


def test_picking_another_output_token_moves_the_dashed_boxes():
    stepper = LayerStepper(make_trace())
    stepper.output_picker.value = 4
    dashed = [s for s in shapes_on_screen(stepper) if s.line.dash == "dash"]
    assert len(dashed) == 2 and all(s.x0 == 3.5 for s in dashed)
    assert "output[4]" in stepper.readout.value


def test_h_n_table_lists_torchs_order_and_escapes_tokens():
    text = h_n_order_html(make_trace())
    rows = re.findall(r"<tr><td>h_n\[(\d)\]</td><td>layer (\d)</td><td>(\w+)</td>", text)
    assert rows == [("0", "0", "forward"), ("1", "0", "backward"),
                    ("2", "1", "forward"), ("3", "1", "backward")]
    assert "Pitfall" in text and SCRIPT not in text
    assert "Pitfall" not in h_n_order_html(make_trace(directions=1))


def test_the_pitfall_holds_on_a_real_bidirectional_gru():
    torch.manual_seed(0)
    module = nn.GRU(2, 3, bidirectional=True)
    inputs = torch.randn(6, 2)
    with torch.no_grad():
        output, h_n = module(inputs)
    assert torch.allclose(h_n[-1], output[0, 3:]) and not torch.allclose(h_n[-1], output[-1, 3:])
    assert "h_n[-1] equals output[0, H:]" in h_n_order_html(trace(module, inputs))


def test_step_labels_name_both_tokens_read_and_are_escaped_in_the_readout():
    tr = make_trace()
    assert step_labels(tr)[1] == f"→ '{SCRIPT}' · ← 'c'"
    stepper = LayerStepper(tr)
    stepper.controls.value = 1
    assert SCRIPT not in stepper.controls.readout.value
    assert SCRIPT not in layer_readout_html(tr, 3, 1)
    assert "&lt;script&gt;" in stepper.readout.value


def test_unidirectional_single_layer_works():
    tr = make_trace(layers=1, directions=1)
    stepper = LayerStepper(tr, output_token=2)
    assert len(stepper.figure.data) == 1 and step_labels(tr)[0] == "'a'"
    assert "output[2, 0:3] = forward h" in stepper.readout.value
    assert "backward" not in stepper.readout.value


def test_static_form_has_frames_with_covers_under_the_boxes():
    tr = make_trace()
    fig = layer_grid_static(tr, output_token=2)
    assert len(fig.frames) == len(tr) == len(fig.layout.sliders[0].steps)
    shapes = fig.frames[0].layout.shapes
    covers = [s for s in shapes if s.fillcolor == "#f4f4f4"]
    assert len(covers) == 2 and list(shapes[:2]) == covers      # drawn first, boxes stay visible
    forward = [s for s in covers if s.xref == "x"]         # top layer, forward, step 0
    assert (forward[0].x0, forward[0].x1) == (0.5, 4.5)


def test_long_traces_are_cut_with_a_note():
    stepper = LayerStepper(make_trace(tokens=[str(t) for t in range(12)]), max_tokens=10)
    assert len(stepper.trace) == 10 and "first 10 of 12" in stepper.message.value
    stepper = LayerStepper(make_trace(tokens=[str(t) for t in range(MAX_TOKENS + 1)]))
    assert len(stepper.figure.data[0].x) == MAX_TOKENS
    assert f"first {MAX_TOKENS} of {MAX_TOKENS + 1}" in stepper.message.value


@pytest.mark.parametrize(("args", "error", "words"), [
    (("x",), TypeError, "`trace` must be a widgets.Trace"),
    ((make_trace(), 5), ValueError, "`output_token` must be in [0, 4], got 5"),
])
def test_bad_arguments_get_clear_errors(args, error, words):
    with pytest.raises(error) as info:
        LayerStepper(*args)
    assert words in str(info.value)


def test_summary_names_outputs_and_h_n_rows():
    text = layer_summary(make_trace())
    assert "output[t] (6 numbers) = [forward h of layer 1 at t ; backward h of layer 1 at t]" \
        in text
    assert "0 = layer 0 forward, 1 = layer 0 backward, 2 = layer 1 forward" in text
    assert "h_n[-1] equals output[0, H:]" in text
    assert "h_n[-1]" not in layer_summary(make_trace(directions=1))


def test_the_unit_picker_outlines_the_unit_in_every_panel_and_reads_its_values():
    tr = make_trace()
    stepper = LayerStepper(tr, unit=0)
    stepper.controls.value = 2
    stepper.unit_picker.value = 2
    rows = [s for s in shapes_on_screen(stepper) if s.line.dash == "dot"]
    assert len(rows) == tr.num_layers * tr.num_directions
    assert all((s.y0, s.y1) == (1.5, 2.5) for s in rows)
    backward_now = len(tr) - 1 - 2
    assert f"layer 0 backward {tr.hidden[0, 1, backward_now, 2]:+.3f}" in stepper.readout.value
    assert f"layer 1 forward {tr.hidden[1, 0, 2, 2]:+.3f}" in stepper.readout.value
    assert stepper.unit_picker.max == tr.hidden_size - 1
