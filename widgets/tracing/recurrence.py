"""The vectorized recomputation behind `widgets.trace` (lesson 02 explains the equations).

Given every layer's h_t from torch, each gate at every step is one expression of the layer's
input x_t and of h_{t-1}; the LSTM's cell state is the only loop over time. Equations, in
torch's row order of the stacked weights (LSTM i, f, g, o; GRU r, z, n):

    RNN   h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)          (or relu)
    LSTM  i_t, f_t, o_t = sigmoid(...), g_t = tanh(...),
          c_t = f_t * c_{t-1} + i_t * g_t,  h_t = o_t * tanh(c_t)
    GRU   r_t, z_t = sigmoid(...), n_t = tanh(W_in x_t + b_in + r_t * (W_hn h_{t-1} + b_hn)),
          h_t = (1 - z_t) * n_t + z_t * h_{t-1}

All the large arrays of one recomputation (the terms, the gates, h_{t-1}, h_t, c_t) are views
of one block of memory, allocated once per trace. Besides saving a dozen allocations, this lets
glibc's malloc, which adapts its thresholds to the largest block freed, reuse the memory of one
trace for the next instead of returning it to the system and faulting it back in (about 2 ms,
a fifth of a trace, on the benchmark's 2-layer bidirectional LSTM).

Lessons: 02.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import torch

from .trace_data import GATE_NAMES

FUNCTIONAL = {"lstm": torch.lstm, "gru": torch.gru}
"""torch's own functional forms of nn.LSTM and nn.GRU (nn.RNN uses torch.rnn_tanh / rnn_relu)."""


class Layers(NamedTuple):
    """Recomputed states, shapes (L, D, T, H) unless noted."""

    hidden: np.ndarray
    cell: np.ndarray | None
    gates: dict[str, np.ndarray]
    output: np.ndarray  # (T, D * H)
    input_terms: dict[str, np.ndarray]
    hidden_terms: dict[str, np.ndarray]
    torch_hidden_pairs: list  # (name, recomputed h (T, H), torch's h (T, H)) below the top
    finite: bool  # every term is finite (one sum over the stacked arrays), see record.py


def recompute_layers(module, kind, x, h_init, c_init, torch_outputs) -> Layers:
    """Recompute every layer and direction; ``x`` (T, input_size), ``h_init`` (L * D, H),
    ``torch_outputs`` every layer's output from torch (T, D * H), see `torch_layers`."""
    num_directions = 2 if module.bidirectional else 1
    block = _Block(x, module.num_layers * num_directions, x.shape[0], module.hidden_size,
                   len(GATE_NAMES[kind] or ("h",)), *_BLOCK_PIECES[kind])
    x_term, h_term, h_prev = block.terms(), block.terms(), block.states()
    for layer in range(module.num_layers):
        layer_input = x if layer == 0 else torch_outputs[layer - 1]
        for direction in range(num_directions):
            row = layer * num_directions + direction
            h_torch = _direction_slice(torch_outputs[layer], direction, module.hidden_size)
            _previous_states(h_torch, h_init[row], direction, out=h_prev[row])
            weight_ih, weight_hh, bias_ih, bias_hh = _weights(module, layer, direction)
            _affine(layer_input, weight_ih, bias_ih, out=x_term[row])
            _affine(h_prev[row], weight_hh, bias_hh, out=h_term[row])
    return _combine(module, kind, (x_term, h_term, h_prev), c_init, torch_outputs, block)


_BLOCK_PIECES = {"rnn": (2, 2), "gru": (2, 1), "lstm": (3, 4)}
"""How many terms and states arrays each kind's recomputation takes from its `_Block`."""


class _Block:
    """One allocation holding every large array of a recomputation, handed out in pieces:
    ``terms()`` (L * D, T, G * H) and ``states()`` (L * D, T, H), as torch views of the
    dtype of ``x``; room for ``terms`` and ``states`` of them."""

    def __init__(self, x: torch.Tensor, rows: int, steps: int, hidden_size: int, gates: int,
                 terms: int, states: int):
        self._shapes = {"terms": (rows, steps, gates * hidden_size),
                        "states": (rows, steps, hidden_size)}
        self._memory = x.new_empty(rows * steps * hidden_size * (terms * gates + states))
        self._used = 0

    def terms(self) -> torch.Tensor:
        return self._take("terms")

    def states(self) -> torch.Tensor:
        return self._take("states")

    def _take(self, kind: str) -> torch.Tensor:
        shape = self._shapes[kind]
        size = shape[0] * shape[1] * shape[2]
        piece = self._memory[self._used:self._used + size].view(shape)
        self._used += size
        return piece


def _previous_states(h_torch, h_start, direction: int, out: torch.Tensor) -> None:
    """h_{t-1} for every t (T, H): the step before in reading order, h0 at the first step."""
    if direction == 0:
        out[0] = h_start
        out[1:] = h_torch[:-1]
    else:
        out[-1] = h_start
        out[:-1] = h_torch[1:]


def _affine(inputs, weight, bias, out: torch.Tensor) -> None:
    """out = inputs @ weight.T + bias, for all steps at once: (T, n) -> (T, G * H)."""
    if bias is None:
        torch.matmul(inputs, weight.T, out=out)
    else:
        torch.addmm(bias, inputs, weight.T, out=out)


def torch_layers(module, kind, x, h_init, c_init, num_layers: int):
    """torch's own loop (the functional form the module's forward calls) over the first
    ``num_layers`` layers: a list of each layer's output (T, D * H), and the final h_t (and
    c_t for an LSTM) of those layers, (num_layers * D, H) each (c: None unless LSTM)."""
    num_directions = 2 if module.bidirectional else 1
    outputs, finals, cells, layer_input = [], [], [], x
    for layer in range(num_layers):
        rows = slice(layer * num_directions, (layer + 1) * num_directions)
        hx = h_init[rows].unsqueeze(1)
        if kind == "lstm":
            hx = (hx, c_init[rows].unsqueeze(1))
        params = [p for d in range(num_directions) for p in _weights(module, layer, d)
                  if p is not None]
        run = FUNCTIONAL.get(kind) or getattr(torch, f"rnn_{module.nonlinearity}")
        result = run(layer_input.unsqueeze(1), hx, params, module.bias, 1, 0.0, False,
                     module.bidirectional, False)
        layer_input = result[0].squeeze(1)
        outputs.append(layer_input)
        finals.append(result[1].squeeze(1))
        if kind == "lstm":
            cells.append(result[2].squeeze(1))
    return outputs, torch.cat(finals) if finals else None, torch.cat(cells) if cells else None


def _weights(module, layer: int, direction: int):
    suffix = f"_l{layer}" + ("_reverse" if direction else "")
    names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
    return [getattr(module, name + suffix, None) for name in names]


def _direction_slice(layer_output: torch.Tensor, direction: int, hidden_size: int):
    return layer_output[:, direction * hidden_size:(direction + 1) * hidden_size]


def _combine(module, kind, terms, c_init, torch_outputs, block: _Block) -> Layers:
    """Activations of the stacked terms (L * D, T, G * H) -> the recomputed `Layers`."""
    num_layers = module.num_layers
    num_directions = 2 if module.bidirectional else 1
    shape = (num_layers, num_directions)
    x_term, h_term, h_prev = terms
    hidden, cell, gates, finite = _ACTIVATIONS[kind](module, x_term, h_term, h_prev, c_init,
                                                     block)
    hidden = hidden.reshape(*shape, *hidden.shape[1:])
    cell = None if cell is None else cell.reshape(hidden.shape)
    gates = {name: g.reshape(hidden.shape) for name, g in zip(GATE_NAMES[kind], gates, strict=True)}
    names = GATE_NAMES[kind] or ("h",)
    input_terms = _split(x_term.numpy(), names, shape)
    hidden_terms = _split(h_term.numpy(), names, shape)
    output = np.concatenate(list(hidden[-1]), axis=1)
    pairs = [(f"hidden state of layer {layer}, direction {d}", hidden[layer, d],
              _direction_slice(torch_outputs[layer], d, module.hidden_size))
             for layer in range(num_layers - 1) for d in range(num_directions)]
    return Layers(hidden, cell, gates, output, input_terms, hidden_terms, pairs, finite)


def _rnn(module, x_term, h_term, h_prev, c_init, block: _Block):
    """x_term, h_term, h_prev: (L * D, T, H) -> (h_t, no cell, no gates, terms finite).

    Each kind's activations say whether the terms are finite: here from one sum of
    x_term + h_term before the nonlinearity (inf or NaN in either term reaches that sum)."""
    h_t = torch.add(x_term, h_term, out=block.states())
    finite = bool(torch.isfinite(h_t.sum()))
    (h_t.tanh_() if module.nonlinearity == "tanh" else h_t.relu_())
    return h_t.numpy(), None, (), finite


def _gru(module, x_term, h_term, h_prev, c_init, block: _Block):
    """x_term, h_term: (L * D, T, 3H) in row order r, z, n; h_prev (L * D, T, H)."""
    x_r, x_z, x_n = x_term.chunk(3, -1)
    h_r, h_z, h_n = h_term.chunk(3, -1)
    r_t = torch.sigmoid(x_r + h_r)
    z_t = torch.sigmoid(x_z + h_z)
    n_t = torch.tanh(x_n + r_t * h_n)
    h_t = (1 - z_t) * n_t + z_t * h_prev
    finite = all(bool(torch.isfinite(t.sum())) for t in (x_term, h_term))
    return h_t.numpy(), None, (r_t.numpy(), z_t.numpy(), n_t.numpy()), finite


def _lstm(module, x_term, h_term, h_prev, c_init, block: _Block):
    """x_term, h_term: (L * D, T, 4H) in row order i, f, g, o -> (h_t, c_t, gates)."""
    hidden_size = module.hidden_size
    pre = torch.add(x_term, h_term, out=block.terms())
    finite = bool(torch.isfinite(pre.sum()))
    torch.sigmoid_(pre[..., :2 * hidden_size])
    torch.tanh_(pre[..., 2 * hidden_size:3 * hidden_size])
    torch.sigmoid_(pre[..., 3 * hidden_size:])
    i_t, f_t, g_t, o_t = np.split(pre.numpy(), 4, axis=-1)
    rows, steps, _ = h_prev.shape
    scratch = [block.states().numpy().reshape(steps, rows, hidden_size) for _ in range(2)]
    c_t = _cell_states(i_t, f_t, g_t, c_init.cpu().numpy(), module.bidirectional, scratch)
    h_t = np.tanh(c_t, out=block.states().numpy())
    h_t *= o_t
    return h_t, c_t, (i_t, f_t, g_t, o_t), finite


_ACTIVATIONS = {"rnn": _rnn, "gru": _gru, "lstm": _lstm}


def _cell_states(i_t, f_t, g_t, c_start, bidirectional: bool, scratch) -> np.ndarray:
    """c_t = f_t * c_{t-1} + i_t * g_t for all L * D rows (L * D, T, H), one loop over time.

    The loop runs over time-major copies (T, L * D, H), written into the two arrays of
    ``scratch``, in which the backward rows (the odd rows when bidirectional) are reversed in
    time, so that every row runs from its first step to its last; the result is put back in
    input order, (L * D, T, H)."""
    forget, cell = scratch
    np.copyto(forget, f_t.transpose(1, 0, 2))
    np.multiply(i_t.transpose(1, 0, 2), g_t.transpose(1, 0, 2), out=cell)
    if bidirectional:
        for array in (forget, cell):
            array[:, 1::2] = array[::-1, 1::2]
    kept, written = list(forget), list(cell)  # per-step views: no slicing inside the loop
    previous = c_start
    for t in range(len(written)):
        np.multiply(kept[t], previous, out=kept[t])
        written[t] += kept[t]
        previous = written[t]
    if bidirectional:
        cell[:, 1::2] = cell[::-1, 1::2]
    return cell.transpose(1, 0, 2)


def _split(terms: np.ndarray, names, shape) -> dict[str, np.ndarray]:
    """(L * D, T, G * H) stacked terms -> name -> (L, D, T, H) views, in torch's row order."""
    chunks = np.split(terms, len(names), axis=-1)
    return {name: chunk.reshape(*shape, *chunk.shape[1:])
            for name, chunk in zip(names, chunks, strict=True)}


