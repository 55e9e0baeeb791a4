"""Training a character language model with truncated backpropagation through time
(lesson 09_generating_text; `python -m widgets.experiments char-lm` uses the same loop).

The training text is one long stream of ids. `stream_chunks` cuts it into ``batch_size``
parallel streams (rows) and walks along them ``seq_len`` characters at a time: chunk k of
row b continues exactly where chunk k-1 of row b stopped. So the state h_T, c_T after a chunk
is the right h_0, c_0 for the next one: it is *carried* (the model keeps its context across
chunk borders) and *detached* (gradients stop at the border, so each backward pass covers
``seq_len`` steps instead of the whole stream read so far).

Lessons: 09.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import nn

from .arguments import expect_choice, expect_int, expect_number, expect_type
from .char_lm import CharLM


@dataclass
class TrainLog:
    """What `train_char_lm` returns: per step the mean loss per character (nats) and the
    gradients' total norm before clipping; ``characters`` read in all."""

    loss: list[float] = field(default_factory=list)
    grad_norm: list[float] = field(default_factory=list)
    characters: int = 0


def stream_chunks(ids: torch.Tensor, batch_size: int, seq_len: int):
    """Cut ``ids`` (N,) into ``batch_size`` rows; return (inputs, targets), each
    (batch_size, n_chunks, seq_len): chunk k of every row, targets shifted by one character
    (teacher forcing: the model reads the true text and predicts each next character)."""
    expect_type("ids", ids, torch.Tensor, "a 1-D LongTensor of character ids")
    batch_size = expect_int("batch_size", batch_size, 1)
    seq_len = expect_int("seq_len", seq_len, 1)
    per_row = (len(ids) - 1) // batch_size
    chunks = per_row // seq_len
    if chunks < 1:
        raise ValueError(f"`ids` has {len(ids)} characters: too few for `batch_size` x "
                         f"`seq_len` = {batch_size} x {seq_len}")
    used = chunks * seq_len
    rows = torch.stack([ids[b * per_row: b * per_row + used + 1] for b in range(batch_size)])
    inputs = rows[:, :-1].reshape(batch_size, chunks, seq_len)
    targets = rows[:, 1:].reshape(batch_size, chunks, seq_len)
    return inputs, targets


def detach_state(state):
    """A copy of the state (an LSTM's (h, c), or h of an RNN) cut from the graph that made
    it: the next backward pass stops here (truncated BPTT). None stays None."""
    if state is None or isinstance(state, torch.Tensor):
        return None if state is None else state.detach()
    return tuple(s.detach() for s in state)


def train_char_lm(model: CharLM, ids: torch.Tensor, *, steps: int, batch_size: int = 32,
                  seq_len: int = 100, lr: float = 3e-3, clip: float | None = 1.0,
                  carry: bool = True, optimizer: str = "adam",
                  on_step: Callable[[int, float], None] | None = None) -> TrainLog:
    """Train ``model`` for ``steps`` Adam steps on the stream ``ids``, one chunk of every row
    per step, with truncated BPTT: the state is carried between chunks (``carry``) and
    detached; at the end of the stream the rows start over from a zero state.
    ``clip``: the gradients' total norm is cut to this (None: not clipped).
    ``optimizer``: "adam" or "sgd" (plain SGD: a step is lr x the gradient, so one huge
    gradient makes one huge step; the clipping demonstration)."""
    expect_type("model", model, CharLM, "a widgets.char_lm.CharLM")
    steps = expect_int("steps", steps, 1)
    if clip is not None:
        clip = expect_number("clip", clip, low=0)
    inputs, targets = stream_chunks(ids, batch_size, seq_len)
    kind = expect_choice("optimizer", optimizer, ("adam", "sgd"))
    optimizer = (torch.optim.Adam if kind == "adam" else torch.optim.SGD)(
        model.parameters(), lr=expect_number("lr", lr, low=0))
    log, state = TrainLog(), None
    model.train()
    for step in range(steps):
        k = step % inputs.shape[1]
        if k == 0 or not carry:
            state = None
        logits, state = model(inputs[:, k], detach_state(state))
        loss = nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]),
                                           targets[:, k].reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        norm = nn.utils.clip_grad_norm_(model.parameters(), math.inf if clip is None else clip)
        optimizer.step()
        log.loss.append(float(loss.detach()))
        log.grad_norm.append(float(norm))
        log.characters += inputs[:, k].numel()
        if on_step is not None:
            on_step(step, log.loss[-1])
    model.eval()
    return log


def chunked_loss(model: CharLM, ids: torch.Tensor, seq_len: int, carry: bool) -> float:
    """Mean loss per character (nats) of ``ids`` read in chunks of ``seq_len`` from a zero
    state, the state carried across chunks (``carry``) or reset before each one."""
    expect_type("model", model, CharLM, "a widgets.char_lm.CharLM")
    seq_len = expect_int("seq_len", seq_len, 1)
    total, count, state = 0.0, 0, None
    with torch.no_grad():
        for start in range(0, len(ids) - 1, seq_len):
            x = ids[start:start + seq_len][None]
            y = ids[start + 1:start + seq_len + 1]
            logits, new_state = model(x[:, :len(y)], state if carry else None)
            total += float(nn.functional.cross_entropy(logits[0], y, reduction="sum"))
            count += len(y)
            state = new_state
    return total / count


PRECOMPUTED = dict(steps=2000, seed=0, batch_size=32, seq_len=100, lr=3e-3, clip=1.0,
                   embedding_dim=32, hidden_size=128, forget_bias=1.0)
"""The settings of the committed model (data/experiments/char_lm.pt), lesson 09."""
HELD_OUT_PERPLEXITY = 5.8807
"""What that model measured on the held-out file when it was trained (data/README.md)."""


def train_precomputed(steps: int = PRECOMPUTED["steps"], seed: int = PRECOMPUTED["seed"],
                      out=None) -> dict:
    """Train thecorpus` (one thread,
    fixed seed and steps, so the run is deterministic), save it to ``out`` if given, and
    return its info: the settings, characters read and held-out perplexity."""
    from .char_lm import CharVocab, perplexity, save_char_model
    from .data.corpus import load_corpus
    from .training import set_seed

    set_seed(seed, threads=1)
    corpus = load_corpus()
    vocab = CharVocab(corpus.chars)
    settings = dict(PRECOMPUTED, steps=expect_int("steps", steps, 1), seed=seed)
    model = CharLM(len(vocab), settings["embedding_dim"], settings["hidden_size"],
                   settings["forget_bias"])
    log = train_char_lm(model, vocab.encode(corpus.train), steps=settings["steps"],
                        batch_size=settings["batch_size"], seq_len=settings["seq_len"],
                        lr=settings["lr"], clip=settings["clip"], on_step=_report)
    info = dict(settings, characters=log.characters, final_loss=round(log.loss[-1], 4),
                held_out_perplexity=round(perplexity(model, vocab, corpus.held_out), 4))
    if out is not None:
        save_char_model(model, vocab, out, **info)
    return info


def _report(step: int, loss: float) -> None:
    if (step + 1) % 500 == 0:
        print(f"step {step + 1}: loss {loss:.3f}", file=sys.stderr, flush=True)
