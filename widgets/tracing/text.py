"""Turning a learner's text into a `Trace` through a model with a vocabulary, and cutting long
traces (the text boxes of `StateStepper` and `GateViewer`; lesson 08 types its own sentences).

Lessons: 08.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from typing import Protocol

import torch
from torch import nn

from ..arguments import expect_int, expect_type, type_name
from ..data.generators.common import split_words
from .record import trace as trace_module
from .trace_data import Trace, check_fields

MAX_TOKENS = 300
"""Widgets show at most this many tokens; longer inputs are cut with a note."""
MAX_TOKENS_LIMIT = 1000
"""The largest ``max_tokens`` a widget accepts: a heatmap and a row of token buttons longer
than this would take seconds to draw and be unreadable."""
TextToTrace = Callable[[str], "tuple[Trace, str]"]


class TextModel(Protocol):
    """What `StateStepper.from_model` needs of a model: token ids -> ``embedding`` ->
    ``rnn`` (its classifier head, if any, is not used)."""

    embedding: nn.Embedding
    rnn: nn.RNN | nn.LSTM | nn.GRU


class Vocabulary(Protocol):
    """What `StateStepper.from_model` needs of a vocabulary: tokens -> ids, with unknown
    tokens mapped to one id (``unk_index``, 1 in `widgets.data.loaders`)."""

    def encode(self, tokens: Sequence[str]) -> list[int]: ...


def cut_trace(trace: Trace, max_tokens: int = MAX_TOKENS) -> tuple[Trace, str]:
    """Keep the first ``max_tokens`` steps of ``trace`` (every array along T); return it with
    a note saying what was cut ("" if nothing). Backward states keep the values they had on
    the whole sequence."""
    expect_type("trace", trace, Trace, "a widgets.Trace (see widgets.trace)")
    check_fields(trace, "trace.")  # again: its arrays may have been changed in place since
    max_tokens = _max_tokens(max_tokens)
    if len(trace) <= max_tokens:
        return trace, ""

    def cut(states):
        return None if states is None else states[:, :, :max_tokens]

    short = dataclasses.replace(
        trace, tokens=trace.tokens[:max_tokens], hidden=cut(trace.hidden), cell=cut(trace.cell),
        gates={k: cut(v) for k, v in trace.gates.items()}, output=trace.output[:max_tokens],
        inputs=trace.inputs[:max_tokens],
        input_terms={k: cut(v) for k, v in trace.input_terms.items()},
        hidden_terms={k: cut(v) for k, v in trace.hidden_terms.items()})
    return short, (f"Showing the first {max_tokens} of {len(trace)} tokens (max_tokens="
                   f"{max_tokens}); backward states there still include the later tokens.")


def model_text_tracer(model: TextModel, vocab: Vocabulary,
                      tokenize: Callable[[str], list[str]] | None = None, unk_index: int = 1,
                      max_tokens: int = MAX_TOKENS) -> TextToTrace:
    """A function ``text -> (Trace, note)`` tracing ``model.rnn`` on ``model.embedding`` of
    ``vocab.encode(tokenize(text))``. The default tokenizer keeps case and splits off
    punctuation; a word the vocabulary lacks is looked up again in lower case (so "Alice"
    matches a vocabulary of names and "Good" one of lower-case words). Unknown words are
    labelled "word (unk)", text beyond
    ``max_tokens`` tokens is dropped, each with a note."""
    if not isinstance(getattr(model, "embedding", None), nn.Embedding):
        raise TypeError("`model` must have an `embedding` attribute that is a "
                        f"torch.nn.Embedding, got {type_name(getattr(model, 'embedding', None))}")
    if not isinstance(getattr(model, "rnn", None), nn.RNNBase):
        raise TypeError("`model` must have an `rnn` attribute that is a torch.nn.RNN, LSTM or "
                        f"GRU, got {type_name(getattr(model, 'rnn', None))}")
    if not callable(getattr(vocab, "encode", None)):
        raise TypeError(f"`vocab` must have an encode(tokens) method, got {type_name(vocab)}")
    tokenize = split_words if tokenize is None else tokenize
    if not callable(tokenize):
        raise TypeError(f"`tokenize` must be callable, got {type_name(tokenize)}")
    unk_index = expect_int("unk_index", unk_index, 0)
    max_tokens = _max_tokens(max_tokens)

    def text_to_trace(text: str) -> tuple[Trace, str]:
        expect_type("text", text, str, "a string")
        words = list(tokenize(text))
        if not words:
            raise ValueError("`text` has no tokens; type at least one word")
        notes = []
        if len(words) > max_tokens:
            notes.append(f"Cut to the first {max_tokens} of {len(words)} tokens.")
            words = words[:max_tokens]
        ids = _encode(vocab, words, unk_index)
        unknown = [w for w, i in zip(words, ids, strict=True) if i == unk_index]
        if unknown:
            notes.append("Unknown words, read as <unk>: " + ", ".join(map(repr, unknown)))
        labels = [f"{w} (unk)" if i == unk_index else w for w, i in zip(words, ids, strict=True)]
        weight = model.embedding.weight
        with torch.no_grad():
            inputs = model.embedding(torch.tensor(ids, dtype=torch.long, device=weight.device))
        return trace_module(model.rnn, inputs, labels), " ".join(notes)

    return text_to_trace


def _max_tokens(max_tokens) -> int:
    max_tokens = expect_int("max_tokens", max_tokens, 1)
    if max_tokens > MAX_TOKENS_LIMIT:
        raise ValueError(f"`max_tokens` must be at most {MAX_TOKENS_LIMIT} (a longer view is "
                         f"slow to draw and unreadable), got {max_tokens}")
    return max_tokens


def _encode(vocab: Vocabulary, words: list[str], unk_index: int) -> list[int]:
    """Ids of ``words``; a word unknown as written is tried again in lower case."""
    ids = [int(i) for i in vocab.encode(words)]
    if len(ids) != len(words):
        raise ValueError(f"vocab.encode gave {len(ids)} ids for {len(words)} tokens")
    for position, (word, index) in enumerate(zip(words, ids, strict=True)):
        if index == unk_index and word != word.lower():
            ids[position] = int(vocab.encode([word.lower()])[0])
    return ids
