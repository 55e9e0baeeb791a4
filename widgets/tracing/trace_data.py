"""The `Trace`: every step of a recurrent network on one sequence, as numpy arrays.

A `Trace` is the one data contract of the course: `widgets.trace` (lesson 02) computes it, the
figure functions and widgets (lessons 02-07) only read it. Steps are always in input order, for
both directions: ``hidden[l, 1, t]`` is the backward direction's state after it has read tokens
``T-1, ..., t``, exactly the slice torch puts in ``output[t, hidden_size:]``.

Lessons: 02, 03, 04, 05, 06, 07.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import InitVar, dataclass, field

import numpy as np

from ..arguments import expect_choice, expect_finite, expect_type, shape_str, type_name

GATE_NAMES = {
    "rnn": (),
    "lstm": ("input", "forget", "candidate", "output"),
    "gru": ("reset", "update", "new"),
}
"""Gate names per kind. LSTM in torch's row order i, f, g, o (g_t is "candidate"; "cell" is
never a gate name, since `Trace.cell` is c_t); GRU in torch's row order r, z, n. Every gate
mapping of the package (`Trace.gates`, `UnitStep.gates`, figures, widgets) uses these names."""


@dataclass(frozen=True, eq=False)
class Trace:
    """Every layer, direction and step of an RNN, LSTM or GRU on one sequence.

    Shapes use L = num_layers, D = num_directions (1 or 2), T = len(tokens), H = hidden_size.

    Attributes:
        kind: "rnn", "lstm" or "gru".
        tokens: list of T strings.
        hidden: h_t, shape (L, D, T, H).
        cell: c_t, shape (L, D, T, H) for an LSTM, else None.
        gates: gate name -> activations (L, D, T, H). LSTM: "input" i_t, "forget" f_t,
            "candidate" g_t, "output" o_t. GRU: "reset" r_t, "update" z_t,
            "new" n_t. RNN: empty.
        output: the module's output for this sequence, shape (T, D * H).
        inputs: the sequence given to the first layer, shape (T, input_size).
        h0: initial hidden state per layer and direction, shape (L, D, H).
        c0: initial cell state (L, D, H) for an LSTM, else None.
        input_terms: name -> W_i·x_t + b_i for each gate (RNN: "h"), shape (L, D, T, H),
            where x_t is the layer's input (the previous layer's output above layer 0).
        hidden_terms: name -> W_h·h_{t-1} + b_h for each gate (RNN: "h"), shape (L, D, T, H).
            For the GRU's "new" gate this is the term that r_t multiplies.
        nonlinearity: "tanh" or "relu" for an RNN, else None.

    Constructing a Trace checks every field's type and shape and that every array holds
    finite numbers; ``check_numbers=False`` skips only the last check, for arrays the caller
    has already proven finite (as `widgets.trace` does from the module's parameters).
    """

    kind: str
    tokens: list[str]
    hidden: np.ndarray
    cell: np.ndarray | None
    gates: dict[str, np.ndarray]
    output: np.ndarray
    inputs: np.ndarray
    h0: np.ndarray
    c0: np.ndarray | None = None
    input_terms: dict[str, np.ndarray] = field(default_factory=dict)
    hidden_terms: dict[str, np.ndarray] = field(default_factory=dict)
    nonlinearity: str | None = None
    check_numbers: InitVar[bool] = True

    def __post_init__(self, check_numbers: bool) -> None:
        check_fields(self, numbers=check_numbers)

    @property
    def num_layers(self) -> int:
        return self.hidden.shape[0]

    @property
    def num_directions(self) -> int:
        return self.hidden.shape[1]

    @property
    def hidden_size(self) -> int:
        return self.hidden.shape[3]

    @property
    def input_size(self) -> int:
        return self.inputs.shape[1]

    def __len__(self) -> int:
        return len(self.tokens)

    @property
    def h_n(self) -> np.ndarray:
        """Final hidden states in torch's layout, shape (L * D, H): row ``l * D + d``.

        The forward direction ends at the last token, the backward direction at the first."""
        return _final_states(self.hidden)

    @property
    def c_n(self) -> np.ndarray | None:
        """Final cell states (L * D, H) in torch's layout for an LSTM, else None."""
        return None if self.cell is None else _final_states(self.cell)

    def __repr__(self) -> str:
        return (
            f"Trace(kind={self.kind!r}, T={len(self)}, num_layers={self.num_layers}, "
            f"num_directions={self.num_directions}, hidden_size={self.hidden_size}, "
            f"gates={list(self.gates)})"
        )


def check_fields(trace: Trace, prefix: str = "", numbers: bool = True) -> None:
    """Raise a clear error unless ``trace``'s fields have the documented types and shapes and
    (unless ``numbers`` is False) hold finite numbers. ``prefix`` names the argument in
    messages ("trace." in widgets)."""
    expect_choice(prefix + "kind", trace.kind, GATE_NAMES)
    steps = _check_tokens(trace.tokens, prefix)
    hidden = _array(prefix + "hidden", trace.hidden)
    if hidden.ndim != 4 or hidden.shape[1] not in (1, 2) or hidden.shape[2] != steps \
            or 0 in hidden.shape:
        raise ValueError(f"`{prefix}hidden` must have shape (num_layers, num_directions (1 or "
                         f"2), T = {steps}, hidden_size), got {shape_str(hidden.shape)}")
    for name, (value, shape) in _expected_shapes(trace, prefix).items():
        if value is None and name in ("cell", "c0"):
            continue
        if _array(prefix + name, value).shape != shape:
            raise ValueError(f"`{prefix}{name}` must have shape {shape_str(shape)}, got "
                             f"{shape_str(value.shape)}")
        if numbers:
            expect_finite(prefix + name, value)
    inputs = _array(prefix + "inputs", trace.inputs)
    if inputs.ndim != 2 or len(inputs) != steps:
        raise ValueError(f"`{prefix}inputs` must have shape (T = {steps}, input_size), got "
                         f"{shape_str(inputs.shape)}")
    if trace.nonlinearity is not None:
        expect_choice(prefix + "nonlinearity", trace.nonlinearity, ("tanh", "relu"))


def _check_tokens(tokens, prefix: str) -> int:
    """T = len(tokens), or a clear error unless ``tokens`` is a non-empty list of str."""
    if isinstance(tokens, str) or not isinstance(tokens, Sequence):
        raise TypeError(f"`{prefix}tokens` must be a list of str, got {type_name(tokens)}")
    for token in tokens:
        expect_type(prefix + "tokens[...]", token, str, "a str")
    if not tokens:
        raise ValueError(f"`{prefix}tokens` must hold at least one token, got none")
    return len(tokens)


def _expected_shapes(trace: Trace, prefix: str) -> dict[str, tuple]:
    """name -> (array, the shape it must have) for every array of ``trace`` but ``inputs``;
    also refuses gate names that ``trace.kind`` does not have."""
    layers, directions, steps, size = trace.hidden.shape
    unknown = set(_dict(prefix + "gates", trace.gates)) - set(GATE_NAMES[trace.kind])
    if unknown:
        raise ValueError(f"`{prefix}gates` must be named among {list(GATE_NAMES[trace.kind])} "
                         f"for kind {trace.kind!r}, got unknown {sorted(map(str, unknown))}")
    states = {"hidden": trace.hidden, "cell": trace.cell}
    states.update({f"gates[{name!r}]": values for name, values in trace.gates.items()})
    for field_name in ("input_terms", "hidden_terms"):
        terms = _dict(prefix + field_name, getattr(trace, field_name))
        states.update({f"{field_name}[{name!r}]": values for name, values in terms.items()})
    shapes = {name: (value, trace.hidden.shape) for name, value in states.items()}
    return shapes | {"output": (trace.output, (steps, directions * size)),
                     "h0": (trace.h0, (layers, directions, size)),
                     "c0": (trace.c0, (layers, directions, size))}


def _array(name: str, value) -> np.ndarray:
    expect_type(name, value, np.ndarray, "a numpy array")
    return value


def _dict(name: str, value) -> dict:
    expect_type(name, value, dict, "a dict of name -> numpy array")
    return value


def _final_states(states: np.ndarray) -> np.ndarray:
    """(L, D, T, H) per-step states -> (L * D, H) final states in torch's h_n order."""
    num_layers, num_directions, _, hidden_size = states.shape
    last = [states[:, 0, -1]]
    if num_directions == 2:
        last.append(states[:, 1, 0])
    return np.stack(last, axis=1).reshape(num_layers * num_directions, hidden_size)
