"""One unit at one step of an LSTM or GRU: its numbers (`unit_step`) and each gate's equation
with those numbers filled in (`equation_lines`, `equations_html`). Lessons 05_lstm_gates and
06_gru; the GateViewer and the cell diagram (`widgets.figures.cell_diagram`) show them.

Torch's equations, per unit (W_i·x_t + b_i and W_h·h_{t-1} + b_h come from the `Trace`'s
``input_terms`` and ``hidden_terms``; σ is the logistic sigmoid):

    LSTM  i_t = σ(W_ii·x_t + b_ii + W_hi·h_{t-1} + b_hi)     f_t, o_t alike; g_t with tanh
          c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t                    h_t = o_t ⊙ tanh(c_t)
    GRU   r_t = σ(W_ir·x_t + b_ir + W_hr·h_{t-1} + b_hr)     z_t alike
          n_t = tanh(W_in·x_t + b_in + r_t ⊙ (W_hn·h_{t-1} + b_hn))
          h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{t-1}

Going backward, "t-1" is the step read before: the token to the right.

Lessons: 05, 06.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

import numpy as np

from ..arguments import expect_type
from ..tracing.trace_data import GATE_NAMES
from .gates import check_gated
from .state import check_view, current_token

SYMBOLS = {"input": "i", "forget": "f", "candidate": "g", "output": "o",
           "reset": "r", "update": "z", "new": "n"}
"""Gate name -> the letter torch's documentation uses in its equations (W_ii, W_if, W_ig ...);
only the equations' text uses letters, every mapping is keyed by the names."""


@dataclass(frozen=True)
class UnitStep:
    """The numbers of one unit at one step. ``gates``, ``input_terms`` and ``hidden_terms`` map
    a gate name of `widgets.GATE_NAMES` ("input", "forget", "candidate", "output" / "reset",
    "update", "new") to a float; ``c_prev`` and ``c`` are None for a GRU;
    ``t`` is the token read at ``step`` (T-1-step going backward)."""

    kind: str
    step: int
    t: int
    token: str
    layer: int
    direction: int
    unit: int
    gates: dict[str, float]
    input_terms: dict[str, float]
    hidden_terms: dict[str, float]
    h_prev: float
    h: float
    c_prev: float | None = None
    c: float | None = None


def unit_step(trace, step: int, layer: int = -1, direction: int = 0, unit: int = 0) -> UnitStep:
    """Collect one unit's gates, terms and states at ``step`` from ``trace`` (LSTM or GRU);
    h_{t-1} / c_{t-1} are the previous step's in reading order, or h0 / c0 at the first step."""
    check_gated(trace)
    layer, direction, unit, step = check_view(trace, layer, direction, unit, step)
    t = current_token(step, len(trace), direction)
    where = (layer, direction, t, unit)

    def pick(arrays: dict) -> dict[str, float]:
        return {name: float(values[where]) for name, values in arrays.items()}

    def previous(states: np.ndarray, initial: np.ndarray) -> float:
        if step == 0:
            return float(initial[layer, direction, unit])
        return float(states[layer, direction, t - 1 if direction == 0 else t + 1, unit])

    lstm = trace.cell is not None
    return UnitStep(
        kind=trace.kind, step=step, t=t, token=trace.tokens[t], layer=layer,
        direction=direction, unit=unit, gates=pick(trace.gates),
        input_terms=pick(trace.input_terms), hidden_terms=pick(trace.hidden_terms),
        h_prev=previous(trace.hidden, trace.h0), h=float(trace.hidden[where]),
        c_prev=previous(trace.cell, trace.c0) if lstm else None,
        c=float(trace.cell[where]) if lstm else None)


def check_values(values) -> UnitStep:
    """Return ``values`` if it is a `UnitStep`, else a TypeError saying how to make one."""
    expect_type("values", values, UnitStep, "a UnitStep: unit_step(trace, step, layer, "
                "direction, unit)")
    return values


def number(value: float, digits: int = 3) -> str:
    """0.5 -> '0.500', -0.25 -> '−0.250' (Unicode minus; never '−0.000')."""
    text = f"{value:.{digits}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text.replace("-", "−")


def operand(value: float) -> str:
    """A number inside a sum or product: negatives in parentheses, '(−0.210)'."""
    text = number(value)
    return f"({text})" if text.startswith("−") else text


def equation_lines(values: UnitStep) -> list[str]:
    """Each gate's equation for one unit with its numbers, as plain Unicode text, e.g.
    'f_t = σ(W_if·x_t + b_if + W_hf·h_{t-1} + b_hf) = σ(0.530 + (−0.210)) = σ(0.320) = 0.579'.
    LSTM: i_t, f_t, g_t, o_t, c_t, h_t; GRU: r_t, z_t, n_t, h_t."""
    v = check_values(values)
    names = GATE_NAMES["lstm"] if v.kind == "lstm" else ("reset", "update")
    lines = [_gate_line(name, v) for name in names]
    if v.kind == "lstm":
        i, f, g, o = (v.gates[name] for name in GATE_NAMES["lstm"])
        lines.append(f"c_t = f_t ⊙ c_{{t-1}} + i_t ⊙ g_t = {operand(f)} × {operand(v.c_prev)}"
                     f" + {operand(i)} × {operand(g)} = {operand(f * v.c_prev)} + "
                     f"{operand(i * g)} = {number(v.c)}")
        lines.append(f"h_t = o_t ⊙ tanh(c_t) = {operand(o)} × tanh({number(v.c)}) = "
                     f"{operand(o)} × {operand(np.tanh(v.c))} = {number(v.h)}")
        return lines
    a, b = v.input_terms["new"], v.hidden_terms["new"]
    r, z, n = (v.gates[name] for name in GATE_NAMES["gru"])
    lines.append(f"n_t = tanh(W_in·x_t + b_in + r_t ⊙ (W_hn·h_{{t-1}} + b_hn)) = tanh({number(a)}"
                 f" + {operand(r)} × {operand(b)}) = tanh({number(a)} + {operand(r * b)}) = "
                 f"tanh({number(a + r * b)}) = {number(n)}")
    lines.append(f"h_t = (1 − z_t) ⊙ n_t + z_t ⊙ h_{{t-1}} = (1 − {number(z)}) × {operand(n)} + "
                 f"{operand(z)} × {operand(v.h_prev)} = {operand((1 - z) * n)} + "
                 f"{operand(z * v.h_prev)} = {number(v.h)}")
    return lines


def equations_html(values: UnitStep) -> str:
    """`equation_lines` of ``values`` (from `unit_step`) as an HTML block (monospace, escaped),
    headed by the unit, the token and its index, with a note on what t-1 and x_t mean in a
    backward direction or an upper layer."""
    v = check_values(values)
    notes = []
    if v.direction == 1:
        notes.append("backward direction: t-1 is the step read before, the token to the right")
    if v.layer > 0:
        notes.append(f"layer {v.layer}: x_t is layer {v.layer - 1}'s output h_t "
                     "(both directions concatenated if bidirectional)")
    head = f"unit {v.unit} · t = {v.t + 1} · '{v.token}'"
    rows = [f"<b>{html.escape(head)}</b>"]
    rows += [html.escape(line) for line in equation_lines(v)]
    rows += [f"<small>{html.escape(note)}</small>" for note in notes]
    return ("<div style='font-family:monospace;white-space:pre-wrap;line-height:1.6'>"
            + "<br>".join(rows) + "</div>")


def _gate_line(name: str, v: UnitStep) -> str:
    letter = SYMBOLS[name]
    act = "tanh" if name == "candidate" else "σ"
    a, b, value = v.input_terms[name], v.hidden_terms[name], v.gates[name]
    return (f"{letter}_t = {act}(W_i{letter}·x_t + b_i{letter} + W_h{letter}·h_{{t-1}} + "
            f"b_h{letter}) = {act}({number(a)} + {operand(b)}) = {act}({number(a + b)}) = "
            f"{number(value)}")
