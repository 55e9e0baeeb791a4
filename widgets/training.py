"""Seeding and a small training loop shared by every lesson (lesson 03 explains the loop).

`set_seed` is the course's one seeding helper. `fit` is the loop of lesson 03 written once:
forward, loss, backward, optional gradient clipping (lesson 04), optimizer step; it shows a
progress bar in a notebook and returns the history of the loss. A loss that becomes NaN or inf
stops it with `TrainingDiverged`, which carries the history so far (lesson 04 catches it to plot
a run that diverges on purpose).

Lessons: 03, 04, 05.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import torch

from .arguments import expect_int, expect_number, expect_type, type_name

MAX_SEED = 2**32 - 1
"""numpy's seeds stop here."""
MAX_THREADS = 256
"""More torch threads than this is a typo, not a machine (each thread costs memory)."""


def set_seed(seed: int = 0, threads: int | None = 1) -> None:
    """Seed Python's, numpy's and torch's generators, so every run prints the same numbers.

    ``threads``: torch's thread count (one thread is as fast as two for the course's small
    models, and results do not depend on how work was split); None leaves it unchanged.
    """
    seed = expect_int("seed", seed, low=0, high=MAX_SEED)
    if threads is not None:
        threads = expect_int("threads", threads, low=1, high=MAX_THREADS)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    if threads is not None:
        torch.set_num_threads(threads)


@dataclass
class History:
    """What `fit` returns: the loss of every step, the mean loss of every epoch (or of every
    ``len(loss) // 10`` steps when training by steps), what ``evaluate`` returned, and the
    wall-clock seconds (not printed by lessons: timings differ between runs)."""

    loss: list[float] = field(default_factory=list)
    epoch_loss: list[float] = field(default_factory=list)
    evaluations: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def final_loss(self) -> float:
        """Mean loss over the last epoch (or the last tenth of the steps)."""
        return self.epoch_loss[-1] if self.epoch_loss else float("nan")


class TrainingDiverged(FloatingPointError):
    """`fit` stopped: the loss became NaN or inf at ``step`` (1-based), so training on would
    only spread NaN through the weights. ``history`` holds the losses up to and including the
    non-finite one; ``last_finite`` is the last finite loss (None if the first one was not).
    The weights are those that produced the non-finite loss (no update was made from it)."""

    def __init__(self, step: int, loss: float, history: History):
        self.step, self.loss, self.history = step, loss, history
        finite = [value for value in history.loss if np.isfinite(value)]
        self.last_finite = finite[-1] if finite else None
        last = "none" if self.last_finite is None else f"{self.last_finite:.4g}"
        super().__init__(
            f"training diverged: the loss became {loss} at step {step} (last finite loss: "
            f"{last}). Usual cures: a lower learning rate, gradient clipping (`clip=1.0`, lesson "
            f"04), or inputs and initial weights on a smaller scale. The history so far is in "
            f"this exception's `.history`.")


def fit(model: torch.nn.Module, batches, loss_fn: Callable, optimizer: torch.optim.Optimizer,
        *, epochs: int | None = None, steps: int | None = None, clip: float | None = None,
        evaluate: Callable[[], object] | None = None, progress: bool = True,
        description: str = "training") -> History:
    """Train ``model`` and return its `History`.

    Args:
        batches: for ``epochs``, an iterable of ``(inputs, targets)`` read once per epoch;
            for ``steps``, a callable ``step -> (inputs, targets)`` making fresh batches
            (the long-range tasks). ``inputs`` may be a tuple, passed to the
            model as separate arguments (e.g. padded token ids and their lengths).
        loss_fn: ``loss_fn(model_output, targets) -> scalar tensor``.
        epochs / steps: exactly one of them.
        clip: if given, gradients are rescaled so their total norm is at most ``clip``.
        evaluate: called after every epoch (or tenth of the steps); its results are kept.
        progress: show a progress bar in a notebook.

    Raises `TrainingDiverged` (a FloatingPointError) at the first NaN or inf loss, before any
    update is made from it; the exception's ``history`` holds the losses so far.
    """
    _check_parts(model, loss_fn, optimizer, clip)
    schedule = _schedule(batches, epochs, steps)
    bar = _ProgressBar(len(schedule), description) if progress else None
    history, start = History(), time.perf_counter()
    model.train()
    for chunk in schedule.chunks:
        losses = []
        for batch in chunk():
            losses.append(_step(model, batch, loss_fn, optimizer, clip))
            if not np.isfinite(losses[-1]):
                history.loss.extend(losses)
                history.seconds = time.perf_counter() - start
                model.eval()
                if bar is not None:
                    bar.fail(len(history.loss), losses[-1])
                raise TrainingDiverged(len(history.loss), losses[-1], history)
        history.loss.extend(losses)
        history.epoch_loss.append(float(np.mean(losses)) if losses else float("nan"))
        if evaluate is not None:
            model.eval()
            with torch.no_grad():
                history.evaluations.append(evaluate())
            model.train()
        if bar is not None:
            bar.update(len(history.loss), history.epoch_loss[-1])
    model.eval()
    history.seconds = time.perf_counter() - start
    if bar is not None:
        bar.close(history.seconds)
    return history


def _check_parts(model, loss_fn, optimizer, clip) -> None:
    expect_type("model", model, torch.nn.Module, "a torch.nn.Module")
    if not callable(loss_fn):
        raise TypeError("`loss_fn` must be callable, loss_fn(model_output, targets) -> scalar, "
                        f"got {type_name(loss_fn)}")
    if not all(callable(getattr(optimizer, name, None)) for name in ("zero_grad", "step")):
        raise TypeError("`optimizer` must be a torch.optim.Optimizer (with zero_grad() and "
                        f"step()), got {type_name(optimizer)}")
    if clip is not None:
        expect_number("clip", clip, low=0.0)


def _step(model, batch, loss_fn, optimizer, clip) -> float:
    if not (isinstance(batch, tuple | list) and len(batch) == 2):
        size = f" of {len(batch)}" if isinstance(batch, tuple | list) else ""
        raise TypeError("each batch of `batches` must be a pair (inputs, targets), got "
                        f"{type_name(batch)}{size}")
    inputs, targets = batch
    optimizer.zero_grad()
    output = model(*inputs) if isinstance(inputs, tuple) else model(inputs)
    loss = loss_fn(output, targets)
    if not torch.isfinite(loss.detach()).all():
        return float(loss.detach())  # no update from it: fit stops here
    loss.backward()
    if clip is not None:
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
    optimizer.step()
    return float(loss.detach())


@dataclass
class _Schedule:
    chunks: list[Callable[[], Iterable]]
    total: int

    def __len__(self) -> int:
        return self.total


def _schedule(batches, epochs, steps) -> _Schedule:
    """Epochs over an iterable, or steps of a batch-making callable, as ten-ish chunks."""
    if (epochs is None) == (steps is None):
        raise ValueError("give exactly one of `epochs` (with an iterable of batches) or "
                         "`steps` (with a callable step -> batch)")
    if epochs is not None:
        epochs = expect_int("epochs", epochs, low=1)
        if callable(batches) or not isinstance(batches, Iterable):
            raise TypeError("with `epochs`, `batches` must be an iterable of (inputs, "
                            f"targets) pairs, got {type_name(batches)}")
        if epochs > 1 and iter(batches) is batches:
            raise TypeError("with `epochs` > 1, `batches` must be re-iterable (a list or a "
                            "DataLoader), not a one-shot iterator or generator")
        total = epochs * _length(batches)
        if hasattr(batches, "__len__") and len(batches) == 0:
            raise ValueError("`batches` is empty: it must hold at least one (inputs, targets) "
                             "batch")
        return _Schedule([lambda: iter(batches)] * epochs, total)
    steps = expect_int("steps", steps, low=1)
    if not callable(batches):
        raise TypeError("with `steps`, `batches` must be a callable step -> (inputs, targets)"
                        f", got {type_name(batches)}")
    size = max(1, steps // 10)
    starts = range(0, steps, size)
    return _Schedule([_chunk(batches, s, min(s + size, steps)) for s in starts], steps)


def _chunk(make_batch, start, stop):
    return lambda: (make_batch(step) for step in range(start, stop))


def _length(batches) -> int:
    try:
        return len(batches)
    except TypeError:
        return 0


class _ProgressBar:
    """tqdm's notebook bar (steps done, rate, time left, the latest loss) when a notebook kernel
    runs; silent elsewhere (scripts, tests). At the end the bar's output is shown again, so a
    page exported without a kernel keeps the finished bar, not the empty one."""

    def __init__(self, total: int, description: str):
        self.bar = None
        if not _in_notebook():
            return
        from IPython.display import display
        from tqdm.notebook import tqdm

        self.bar = tqdm(total=max(total, 1), desc=description, unit="step", display=False)
        self.handle = display(self.bar.container, display_id=True)

    def update(self, done: int, loss: float) -> None:
        if self.bar is not None:
            self.bar.set_postfix(loss=f"{loss:.4f}", refresh=False)
            self.bar.update(min(done, self.bar.total) - self.bar.n)

    def fail(self, done: int, loss: float) -> None:
        if self.bar is not None:
            self.bar.set_postfix(loss=str(loss), refresh=False)
            self.bar.update(min(done, self.bar.total) - self.bar.n)
            self.bar.set_description(f"{self.bar.desc} stopped")
            self.bar.close()  # tqdm marks an unfinished bar as failed (red)
            self.handle.update(self.bar.container)

    def close(self, seconds: float) -> None:
        if self.bar is not None:
            self.bar.update(self.bar.total - self.bar.n)
            self.bar.close()
            self.handle.update(self.bar.container)


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")
