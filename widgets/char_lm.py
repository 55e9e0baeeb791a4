"""A character-level language model: the vocabulary, the model, perplexity and sampling
(lesson 09_generating_text).

The model reads characters and predicts the next one at every step (many-to-many):
ids (B, T) -> ``embedding`` (B, T, E) -> ``rnn`` (an LSTM, batch_first) (B, T, H) -> ``head``
(B, T, V) logits. `perplexity` and `sample` are the public API of lesson 09; training with
truncated backpropagation through time lives in `widgets.char_training`.

Lessons: 05, 09.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from .arguments import (
    expect_at_most,
    expect_choice,
    expect_finite,
    expect_int,
    expect_type,
    type_name,
)
from .initialization import set_forget_bias
from .paths import EXPERIMENTS_DIR

MAX_LENGTH = 100_000
"""`sample` draws at most this many characters at once (one forward step each)."""
MAX_TEXT = 2_000_000
"""`perplexity` reads at most this many characters (one forward pass holds them all)."""
MODEL_FILE = EXPERIMENTS_DIR / "char_lm.pt"


class CharVocab:
    """Characters <-> ids: ``chars[i]`` has id i. No ``<unk>``: a character the
    vocabulary lacks is an error naming the argument (`encode`), never silently replaced."""

    def __init__(self, chars: Sequence[str]):
        if isinstance(chars, str) or not isinstance(chars, Sequence) or len(chars) == 0:
            raise TypeError(f"`chars` must be a non-empty list of characters, got "
                            f"{type_name(chars)}")
        if any(not isinstance(c, str) or len(c) != 1 for c in chars) or \
                len(set(chars)) != len(chars):
            raise ValueError("`chars` must hold distinct single characters")
        self.chars = list(chars)
        self.index = {c: i for i, c in enumerate(self.chars)}

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str, name: str = "text") -> torch.Tensor:
        """``text`` -> LongTensor (len(text),) of ids; ValueError naming ``name`` and listing
        the characters the vocabulary lacks."""
        expect_type(name, text, str, "a string")
        missing = sorted(set(text) - self.index.keys())
        if missing:
            raise ValueError(f"`{name}` must use only the vocabulary's {len(self)} characters "
                             f"(those of the training text); it lacks {missing!r}")
        return torch.tensor([self.index[c] for c in text], dtype=torch.long)

    def decode(self, ids) -> str:
        """ids (any iterable of ints) -> the string."""
        return "".join(self.chars[int(i)] for i in ids)


class CharLM(nn.Module):
    """Embedding -> 1-layer recurrent layer ``rnn`` -> linear ``head``.

    ``kind``: "lstm" (its forget gate's bias starts at ``forget_bias``) or "rnn"
    (a tanh RNN, for the clipping demonstration). ``forward(ids (B, T), state=None)``
    returns ``(logits (B, T, V), state)``; the state is (h_n, c_n) for an LSTM, h_n for an
    RNN, each (1, B, H)."""

    def __init__(self, vocab_size: int, embedding_dim: int = 32, hidden_size: int = 128,
                 forget_bias: float = 1.0, kind: str = "lstm"):
        super().__init__()
        self.config = dict(vocab_size=expect_int("vocab_size", vocab_size, 2),
                           embedding_dim=expect_int("embedding_dim", embedding_dim, 1),
                           hidden_size=expect_int("hidden_size", hidden_size, 1),
                           forget_bias=float(forget_bias),
                           kind=expect_choice("kind", kind, ("lstm", "rnn")))
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        layer = nn.LSTM if kind == "lstm" else nn.RNN
        self.rnn = layer(embedding_dim, hidden_size, batch_first=True)
        self.head = nn.Linear(hidden_size, vocab_size)
        if kind == "lstm":
            set_forget_bias(self.rnn, forget_bias)

    def forward(self, ids: torch.Tensor, state=None):
        outputs, state = self.rnn(self.embedding(ids), state)
        return self.head(outputs), state


def check_lm(model, vocab) -> None:
    """TypeError unless ``model`` is a `CharLM` and ``vocab`` a `CharVocab` of its size;
    ValueError if a parameter holds NaN or inf."""
    expect_type("model", model, CharLM, "a character language model (widgets.char_lm.CharLM,"
                " e.g. from widgets.load_char_model())")
    expect_type("vocab", vocab, CharVocab, "a widgets.char_lm.CharVocab")
    if len(vocab) != model.config["vocab_size"]:
        raise ValueError(f"`vocab` has {len(vocab)} characters but `model` predicts "
                         f"{model.config['vocab_size']}: they must match")
    for name, parameter in model.named_parameters():
        expect_finite(f"model.{name}", parameter)


def save_char_model(model: CharLM, vocab: CharVocab, path: str | Path, **info) -> None:
    """Save a plain dict (state_dict, config, chars, info) that loads with weights_only."""
    check_lm(model, vocab)
    torch.save(dict(state_dict=model.state_dict(), config=model.config, chars=vocab.chars,
                    info=info), path)


def load_char_model(path: str | Path | None = None) -> tuple[CharLM, CharVocab]:
    """The precomputed character model (data/experiments/char_lm.pt, made by
    ``python -m widgets.experiments char-lm``) and its vocabulary, in eval mode; the file
    is read with ``torch.load(..., weights_only=True)``. ``model.info`` holds how it was
    trained (steps, seed, held-out perplexity)."""
    if path is not None:
        expect_type("path", path, (str, Path), "a file path")
        if not str(path).strip():
            raise ValueError("`path` must be a file path, got an empty string")
    path = MODEL_FILE if path is None else Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"`path` must name a saved model file, but {path} is not a "
                                "file; rebuild it with `python -m widgets.experiments char-lm`")
    try:
        saved = torch.load(path, weights_only=True)
        config, chars = saved["config"], saved["chars"]
    except Exception as error:
        raise ValueError(f"`path` must be a model saved by save_char_model; {path} is not "
                         f"({type_name(error)})") from None
    model = CharLM(**config)
    model.load_state_dict(saved["state_dict"])
    model.info = dict(saved.get("info", {}))
    return model.eval(), CharVocab(chars)


def perplexity(model: CharLM, vocab: CharVocab, text: str) -> float:
    """Per-character perplexity of ``text`` under ``model``: exp of the mean cross-entropy
    of predicting text[t] from text[:t] for t = 1 .. len(text)-1 (teacher forcing: the model
    reads the true characters), from a zero state. ``text`` needs at least 2 characters."""
    check_lm(model, vocab)
    expect_type("text", text, str, "a string")
    expect_at_most("`text`'s length", len(text), MAX_TEXT)
    ids = vocab.encode(text, "text")
    if len(ids) < 2:
        raise ValueError(f"`text` must have at least 2 characters (one to read, one to "
                         f"predict), got {len(ids)}")
    with torch.no_grad():
        logits, _ = model(ids[None, :-1])
        loss = nn.functional.cross_entropy(logits[0].double(), ids[1:])
    return float(torch.exp(loss))


@dataclass(frozen=True)
class Generation:
    """One generation, every step recorded so a widget step is indexing.

    N = number of new characters, K = candidates kept per step.
    Attributes: ``prime`` (the text read first), ``chars`` (N drawn characters),
    ``top_chars`` (N lists of K candidates, most probable first), ``top_probs`` (N, K),
    ``drawn_probs`` (N,) the probability of the character drawn, ``temperature`` and
    ``seed``. Probabilities are those the draw used (softmax of logits / temperature); at
    temperature 0 (greedy) they are the model's own (temperature 1) and the top one is taken.
    """

    prime: str
    chars: list[str]
    top_chars: list[list[str]]
    top_probs: np.ndarray
    drawn_probs: np.ndarray
    temperature: float
    seed: int | None

    @property
    def text(self) -> str:
        """The drawn characters as one string."""
        return "".join(self.chars)


def generate(model: CharLM, vocab: CharVocab, prime: str, length: int,
             temperature: float = 1.0, generator=None, top_k: int = 5) -> Generation:
    """Read ``prime`` from a zero state, then draw ``length`` characters one at a time, each
    fed back as the next input, recording the ``top_k`` candidates of every step.

    ``generator``: None (torch's global generator), an int seed or a ``torch.Generator``;
    the same seed gives the same text."""
    check_lm(model, vocab)
    ids = vocab.encode(prime, "prime")
    if len(ids) == 0:
        raise ValueError("`prime` must hold at least one character (the model needs "
                         "something to read first), got ''")
    length = expect_int("length", length, 0, MAX_LENGTH)
    temperature = _temperature(temperature)
    top_k = expect_int("top_k", top_k, 1, len(vocab))
    seed, generator = _generator(generator)
    chars, tops, top_probs, drawn = [], [], [], []
    with torch.no_grad():
        logits, state = model(ids[None])
        for _ in range(length):
            probs = torch.from_numpy(temperature_probs(logits[0, -1].double().numpy(),
                                                       temperature or 1.0))
            if temperature == 0:
                pick = int(torch.argmax(probs))
            else:
                pick = int(torch.multinomial(probs, 1, generator=generator))
            best = torch.topk(probs, top_k)
            chars.append(vocab.chars[pick])
            tops.append([vocab.chars[int(i)] for i in best.indices])
            top_probs.append(best.values.numpy())
            drawn.append(float(probs[pick]))
            logits, state = model(torch.tensor([[pick]]), state)
    return Generation(prime, chars, tops, np.array(top_probs).reshape(length, top_k),
                      np.array(drawn), temperature, seed)


def sample(model: CharLM, vocab: CharVocab, prime: str, length: int,
           temperature: float = 1.0, generator=None) -> str:
    """``length`` new characters after ``prime`` (the prime itself not included).

    Temperature 0 is greedy (always the most probable character); 1 samples the model's own
    distribution; higher flattens it (more noise), lower sharpens it (more repetition).
    ``generator``: None, an int seed or a ``torch.Generator`` (same seed, same text)."""
    return generate(model, vocab, prime, length, temperature, generator, top_k=1).text


def temperature_probs(logits: np.ndarray, temperature: float) -> np.ndarray:
    """softmax(logits / temperature) for logits (V,), computed stably (the largest logit is
    subtracted first); temperature 0 gives all the probability to the largest logit (the
    first one if tied). Returns (V,) probabilities."""
    logits = np.asarray(logits, dtype=float)
    if logits.ndim != 1 or len(logits) == 0:
        raise ValueError(f"`logits` must be a 1-D array of at least one number, got shape "
                         f"{logits.shape}")
    if _temperature(temperature) == 0:
        return np.eye(len(logits))[int(np.argmax(logits))]
    scaled = (logits - logits.max()) / temperature
    return np.exp(scaled) / np.exp(scaled).sum()


def _temperature(value) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"`temperature` must be a number >= 0, got {type_name(value)}")
    if not value >= 0 or value == float("inf"):
        raise ValueError(f"`temperature` must be a finite number >= 0 (0 = greedy), "
                         f"got {value}")
    return float(value)


def _generator(generator) -> tuple[int | None, torch.Generator | None]:
    if generator is None or isinstance(generator, torch.Generator):
        return None, generator
    if isinstance(generator, bool) or not hasattr(generator, "__index__"):
        raise TypeError(f"`generator` must be None, an int seed or a torch.Generator, got "
                        f"{type_name(generator)}")
    seed = expect_int("generator", generator, 0, 2**63 - 1)
    return seed, torch.Generator().manual_seed(seed)
