"""One unit at one step: its numbers equal the trace's, and the equations' numbers add up."""

import re
from functools import partial

import numpy as np
import pytest
import torch
from torch import nn

import widgets
from widgets.figures.equations import (
    equation_lines,
    equations_html,
    number,
    operand,
    unit_step,
)
from widgets.tracing.record import trace

from support import torch_trace

SCRIPT = "<script>alert(1)</script>"
TOKENS = ["alice", "and", SCRIPT, "tom", "are"]
NUMBER = re.compile(r"−?\d+\.\d+")


make_trace = partial(torch_trace, tokens=TOKENS, weight_scale=3, random_h0=True)


def numbers(line):
    """The decimal numbers after the symbolic part of an equation line (its second ' = ')."""
    return [float(n.replace("−", "-")) for n in NUMBER.findall(line.split(" = ", 2)[2])]


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


CASES = [(nn.LSTM, 1, False, 0, 0), (nn.LSTM, 2, True, 1, 1), (nn.LSTM, 2, True, 0, 1),
         (nn.GRU, 1, False, 0, 0), (nn.GRU, 2, True, 1, 1)]


@pytest.mark.parametrize(("cls", "layers", "bidirectional", "layer", "direction"), CASES)
@pytest.mark.parametrize("step", [0, 2, 4])
def test_unit_step_reads_the_trace_and_the_previous_step(cls, layers, bidirectional, layer,
                                                         direction, step):
    tr = make_trace(cls, layers, bidirectional)
    v = unit_step(tr, step, layer, direction, unit=2)
    t = step if direction == 0 else len(TOKENS) - 1 - step
    assert (v.t, v.token, v.layer, v.direction, v.unit) == (t, TOKENS[t], layer, direction, 2)
    where = (layer, direction, t, 2)
    assert set(v.gates) == set(tr.gates) == set(widgets.GATE_NAMES[tr.kind])
    for name, values in tr.gates.items():
        assert v.gates[name] == pytest.approx(values[where], abs=1e-6)
        assert v.input_terms[name] == pytest.approx(tr.input_terms[name][where])
        assert v.hidden_terms[name] == pytest.approx(tr.hidden_terms[name][where])
    before = t - 1 if direction == 0 else t + 1
    expected_h = tr.h0[layer, direction, 2] if step == 0 else tr.hidden[layer, direction, before, 2]
    assert v.h_prev == pytest.approx(expected_h) and v.h == pytest.approx(tr.hidden[where])
    if cls is nn.LSTM:
        expected_c = tr.c0[layer, direction, 2] if step == 0 else tr.cell[layer, direction,
                                                                          before, 2]
        assert v.c_prev == pytest.approx(expected_c) and v.c == pytest.approx(tr.cell[where])
    else:
        assert v.c_prev is None and v.c is None


@pytest.mark.parametrize(("cls", "layers", "bidirectional", "layer", "direction"), CASES)
@pytest.mark.parametrize("step", [0, 3])
def test_equation_numbers_add_up(cls, layers, bidirectional, layer, direction, step):
    tr = make_trace(cls, layers, bidirectional)
    for unit in range(4):
        v = unit_step(tr, step, layer, direction, unit)
        lines = equation_lines(v)
        gates = ("input", "forget", "candidate", "output") if cls is nn.LSTM else ("reset",
                                                                                     "update")
        for name, line in zip(gates, lines, strict=False):
            letter = name[0] if name != "update" else "z"
            letter = "g" if name == "candidate" else letter
            act = np.tanh if letter == "g" else sigmoid
            assert line.startswith(f"{letter}_t = {'tanh' if letter == 'g' else 'σ'}(W_i{letter}")
            a, b, total, value = numbers(line)
            assert a == pytest.approx(v.input_terms[name], abs=5e-4)
            assert b == pytest.approx(v.hidden_terms[name], abs=5e-4)
            assert total == pytest.approx(a + b, abs=1.5e-3)
            assert value == pytest.approx(act(total), abs=1.5e-3)
            assert value == pytest.approx(v.gates[name], abs=5e-4)
        if cls is nn.LSTM:
            f, c_prev, i, g, fc, ig, c = numbers(lines[4])
            assert lines[4].startswith("c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t")
            assert (fc, ig, c) == pytest.approx((f * c_prev, i * g, fc + ig), abs=3e-3)
            assert c == pytest.approx(tr.cell[layer, direction, v.t, unit], abs=5e-4)
            o, c_again, o_again, tanh_c, h = numbers(lines[5])
            assert lines[5].startswith("h_t = o_t ⊙ tanh(c_t)")
            assert (o_again, c_again) == (o, c)
            assert (tanh_c, h) == pytest.approx((np.tanh(c), o * tanh_c), abs=2e-3)
            assert o == pytest.approx(v.gates["output"], abs=5e-4)
        else:
            a, r, b, a_again, rb, total, n = numbers(lines[2])
            assert lines[2].startswith("n_t = tanh(W_in·x_t + b_in + r_t ⊙ (W_hn·h_{t-1} + b_hn))")
            assert (a_again, rb, total) == pytest.approx((a, r * b, a + rb), abs=2e-3)
            assert n == pytest.approx(np.tanh(total), abs=2e-3)
            assert (r, b) == pytest.approx((v.gates["reset"], v.hidden_terms["new"]), abs=5e-4)
            z, n_again, z_again, h_prev, left, right, h = numbers(lines[3])
            assert lines[3].startswith("h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}")
            assert (left, right) == pytest.approx(((1 - z) * n, z * h_prev), abs=2e-3)
            assert h == pytest.approx(left + right, abs=1.5e-3)
            assert h == pytest.approx(tr.hidden[layer, direction, v.t, unit], abs=5e-4)


def test_html_escapes_the_token_and_explains_backward_and_upper_layers():
    tr = make_trace(nn.GRU, 2, True)
    text = equations_html(unit_step(tr, 2, layer=1, direction=1, unit=0))
    assert "<script" not in text and "&lt;script&gt;" in text
    assert "backward direction" in text and "layer 1: x_t is layer 0" in text
    plain = equations_html(unit_step(tr, 2, layer=0, direction=0, unit=0))
    assert "backward" not in plain and "x_t is layer" not in plain
    assert plain.count("<br>") == 4                   # head + r, z, n, h


def test_numbers_use_a_true_minus_and_negatives_are_bracketed_in_sums():
    assert number(0.5) == "0.500" and number(-0.25) == "−0.250"
    assert number(-0.0001) == "0.000" and number(1.23456, digits=2) == "1.23"
    assert operand(-0.21) == "(−0.210)" and operand(0.21) == "0.210"


def test_bad_arguments_are_named():
    with pytest.raises(TypeError, match="`values` must be a UnitStep"):
        equation_lines({"f": 0.5})
    with pytest.raises(TypeError, match="`values` must be a UnitStep"):
        equations_html(make_trace())
    with pytest.raises(ValueError, match="`unit` must be in \\[0, 3\\], got 7"):
        unit_step(make_trace(), 0, unit=7)
    torch.manual_seed(0)
    with pytest.raises(ValueError, match="StateStepper"):
        unit_step(trace(nn.RNN(3, 4), torch.randn(2, 3)), 0)
