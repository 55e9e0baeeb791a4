"""Argument checks shared by the whole package: every bad argument gets an error that names it
and says what was expected (house rule 11).

Lessons: none.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np


def type_name(value: Any) -> str:
    """A short name for the type of ``value`` (``ndarray``, ``list``, ``NoneType`` ...)."""
    return type(value).__name__


def expect_type(name: str, value: Any, types: type | tuple[type, ...], what: str) -> None:
    """Raise TypeError("`name` must be what, got T") unless ``value`` is one of ``types``."""
    if not isinstance(value, types) or isinstance(value, bool) and bool not in _as_tuple(types):
        raise TypeError(f"`{name}` must be {what}, got {type_name(value)}")


def expect_int(name: str, value: Any, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` as int if it is a whole number in [low, high]; else a clear error."""
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise TypeError(f"`{name}` must be an integer, got {type_name(value)}")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValueError(f"`{name}` must be in [{_fmt(low)}, {_fmt(high)}], got {value}")
    return value


def expect_number(name: str, value, low: float | None = None) -> float:
    """Return ``value`` as a finite float (> ``low`` if given); else a clear error."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating | np.integer):
        raise TypeError(f"`{name}` must be a number, got {type_name(value)}")
    if not math.isfinite(value) or (low is not None and value <= low):
        raise ValueError(f"`{name}` must be a finite number" +
                         ("" if low is None else f" > {low:g}") + f", got {value}")
    return float(value)


def expect_choice(name: str, value: Any, choices: Iterable[Any]) -> Any:
    """Return ``value`` if it is one of ``choices``; else ValueError listing them."""
    choices = tuple(choices)
    if value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"`{name}` must be one of {listed}, got {value!r}")
    return value


def expect_finite(name: str, values: Any) -> None:
    """Raise ValueError("`name` must hold finite numbers ...") if a numpy array or torch
    tensor ``values`` holds NaN or inf (they would poison every figure and check after it).

    A finite sum proves every entry finite (NaN and inf survive a sum), in one pass without a
    boolean copy; only a non-finite sum (or an overflowing one) pays for the entry-wise check."""
    if finite_sum(values):
        return
    if hasattr(values, "detach"):
        finite = values.detach().isfinite().cpu().numpy()
    else:
        finite = np.isfinite(values)
    if not np.all(finite):
        where = np.argwhere(~np.asarray(finite))
        first = "" if where.size == 0 else f", first at index {tuple(int(i) for i in where[0])}"
        bad = int(np.size(finite) - np.count_nonzero(finite))
        raise ValueError(f"`{name}` must hold finite numbers, got NaN or inf in {bad} of "
                         f"{np.size(finite)} entries{first}")


def finite_sum(values: Any) -> bool:
    """True if the sum of a numpy array or torch tensor is finite, which proves every entry
    finite; False can also mean an overflowing sum (then check entry by entry)."""
    if hasattr(values, "detach"):
        total = values.detach().sum()
        return bool(total.isfinite()) if total.is_floating_point() else True
    total = np.sum(values)
    return not np.issubdtype(np.asarray(total).dtype, np.inexact) or bool(np.isfinite(total))


def expect_at_most(what: str, count: int, limit: int) -> None:
    """Raise ValueError unless ``count`` (the numbers that ``what``, e.g. "`batch_size` ×
    `seq_len`", asks for) is at most ``limit``: a clear error instead of running out of memory."""
    if count > limit:
        raise ValueError(f"{what} = {count:,} is too large: it must be at most {limit:,}, so "
                         "the arrays fit in a laptop's memory")


def shape_str(shape: Iterable[int]) -> str:
    """(4,) -> '(4,)', (2, 3) -> '(2, 3)': shapes written as Python prints tuples."""
    return str(tuple(int(s) for s in shape))


def _fmt(bound: int | None) -> str:
    return "..." if bound is None else str(bound)


def _as_tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)
