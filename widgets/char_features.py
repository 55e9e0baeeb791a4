"""What a parser knows about every character of Python source, and which cells of a
character model track it (lesson 09_generating_text, after Karpathy, Johnson & Fei-Fei 2015).

`char_features` labels each character of a module with features computed by Python's own
`tokenize` (strings, comments, brackets) and by counting (indentation, column). Every label
describes the text *after reading that character*, as h_t is the state after reading x_t.
`cell_table` correlates each feature with every unit of h_t and c_t (Pearson r).

Lessons: 09.
"""

from __future__ import annotations

import io
import tokenize
from dataclasses import dataclass

import numpy as np
import torch

from .arguments import expect_type

FEATURES = ("inside a string", "inside a comment", "bracket depth", "indentation", "column")
_STRING_TYPES = {tokenize.STRING} | {getattr(tokenize, name) for name in
                                     ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END")
                                     if hasattr(tokenize, name)}
_OPEN, _CLOSE = "([{", ")]}"


def char_features(text: str) -> dict[str, np.ndarray]:
    """Feature name -> (len(text),) float array for the Python source ``text``:
    "inside a string" / "inside a comment" (0 or 1, from `tokenize`; a string's quotes
    count as inside), "bracket depth" (brackets open after this character, strings and
    comments ignored), "indentation" (leading spaces of this line read so far) and "column"
    (0-based position in the line). ValueError naming `text` if tokenize fails."""
    expect_type("text", text, str, "a string of Python source")
    starts = np.cumsum([0] + [len(line) for line in text.splitlines(keepends=True)])
    string, comment = np.zeros(len(text)), np.zeros(len(text))
    change = np.zeros(len(text) + 1)
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError) as error:
        raise ValueError(f"`text` must be Python source that tokenize reads: {error}") from None
    for token in tokens:
        begin = starts[token.start[0] - 1] + token.start[1]
        end = starts[token.end[0] - 1] + token.end[1]
        if token.type in _STRING_TYPES:
            string[begin:end] = 1
        elif token.type == tokenize.COMMENT:
            comment[begin:end] = 1
        elif token.type == tokenize.OP and token.string in _OPEN + _CLOSE:
            change[begin] += 1 if token.string in _OPEN else -1
    column, indentation = _columns(text)
    return {"inside a string": string, "inside a comment": comment,
            "bracket depth": np.cumsum(change[:-1]), "indentation": indentation,
            "column": column}


def _columns(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Column of every character and the indentation of its line read so far."""
    column, indentation = np.zeros(len(text)), np.zeros(len(text))
    col, indent, leading = 0, 0, True
    for i, char in enumerate(text):
        if leading and char == " ":
            indent += 1
        elif char != "\n":
            leading = False
        column[i], indentation[i] = col, indent
        col += 1
        if char == "\n":
            col, indent, leading = 0, 0, True
    return column, indentation


@dataclass(frozen=True)
class CellMatch:
    """One row of `cell_table`: the unit of ``state`` ("h" or "c") whose value correlates
    best (largest |r|) with ``feature`` over the text, and that r."""

    feature: str
    state: str
    unit: int
    r: float


def pearson(states: np.ndarray, feature: np.ndarray) -> np.ndarray:
    """Pearson r of each column of ``states`` (T, H) with ``feature`` (T,): (H,); a
    constant column gets r = 0."""
    s = states - states.mean(axis=0)
    f = feature - feature.mean()
    denominator = np.sqrt((s**2).sum(axis=0) * (f**2).sum())
    return np.divide(s.T @ f, denominator, out=np.zeros(s.shape[1]),
                     where=denominator > 0)


def cell_table(features: dict[str, np.ndarray], hidden: np.ndarray,
               cell: np.ndarray) -> list[CellMatch]:
    """For each feature (T,) and each of h_t and c_t (T, H): the best unit and its r."""
    rows = []
    for name, values in features.items():
        for state, states in (("h", hidden), ("c", cell)):
            if states.shape[0] != len(values):
                raise ValueError(f"`{state}` has {states.shape[0]} steps but feature "
                                 f"{name!r} has {len(values)}")
            r = pearson(np.asarray(states, dtype=float), values)
            unit = int(np.argmax(np.abs(r)))
            rows.append(CellMatch(name, state, unit, float(r[unit])))
    return rows


def lstm_states(model, ids) -> tuple[np.ndarray, np.ndarray]:
    """h_t and c_t, each (T, H) float64, of ``model.rnn`` (a 1-layer LSTM) reading the ids
    (T,) from a zero state, for a long text (`widgets.trace` records far more and is slower
    on 20 000 characters). The gates of all steps are one matrix product with the h_t that
    torch returns; only c_t = f_t c_(t-1) + i_t g_t is a loop. Checks that
    o_t * tanh(c_t) gives torch's h_t back (ValueError if not)."""
    lstm = model.rnn
    with torch.no_grad():
        x = model.embedding(ids[None]).double()[0]
        hidden = lstm.double()(x[None])[0][0]
        lstm.float()
        previous = torch.cat([torch.zeros(1, hidden.shape[1], dtype=hidden.dtype), hidden[:-1]])
        weights = [p.detach().double() for p in (lstm.weight_ih_l0, lstm.weight_hh_l0,
                                                 lstm.bias_ih_l0, lstm.bias_hh_l0)]
        a = x @ weights[0].T + previous @ weights[1].T + weights[2] + weights[3]
    i, f, g, o = np.split(a.numpy(), 4, axis=1)  # torch's row order i, f, g, o
    i, f, o, g = 1 / (1 + np.exp(-i)), 1 / (1 + np.exp(-f)), 1 / (1 + np.exp(-o)), np.tanh(g)
    cell, c = np.empty_like(g), np.zeros(g.shape[1])
    for t in range(len(g)):
        c = f[t] * c + i[t] * g[t]
        cell[t] = c
    hidden = hidden.numpy()
    if not np.allclose(o * np.tanh(cell), hidden, atol=1e-9):
        raise ValueError("`model`'s LSTM states could not be reproduced (is it a 1-layer LSTM?)")
    return hidden, cell
