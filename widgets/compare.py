"""Check cells for every lesson: compare a learner's array with the reference and say, in one
line, exactly what differs (lessons 02-08, first shown in lesson 02).

    compare(h_t, expected_h_t, name="h_t", shape_names=("hidden_size",))
    check_exercise(my_rnn_step, rnn_step, cases, name="h_t")

Neither raises when the learner's answer is wrong, so a notebook still runs top to bottom;
``result.assert_ok()`` raises AssertionError with the message, for assert cells.

Lessons: 02, 03, 04, 05, 06, 07, 08.
"""

from __future__ import annotations

import copy
import itertools
import traceback
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .arguments import expect_number, shape_str, type_name

SIDE_BY_SIDE = 8
"""Arrays of at most this many values are printed in full, expected above the learner's."""


@dataclass(frozen=True)
class Comparison:
    """A verdict: ``ok``; ``max_abs_diff`` (None when the values cannot be compared);
    ``verdict``: "match", "mismatch", "not attempted" or "error"; ``message``: one line (for a
small array, followed by the expected and the learner's values).

    ``print(result)`` prints the message; so does ending a notebook cell with ``result``.
    ``bool(result)`` is ``result.ok``, so ``assert compare(...)`` fails when it should.
    """

    ok: bool
    max_abs_diff: float | None
    message: str
    verdict: str = "match"

    def __str__(self) -> str:
        return self.message

    def __bool__(self) -> bool:
        return self.ok

    def _repr_pretty_(self, printer, cycle) -> None:  # how IPython and Jupyter show it
        printer.text(self.message)

    def assert_ok(self) -> Comparison:
        """Raise AssertionError(message) unless ok; return self so it can end a cell."""
        if not self.ok:
            raise AssertionError(self.message)
        return self


def compare(actual, expected, name="h_t", shape_names=None, atol=1e-8, rtol=0.0) -> Comparison:
    """Compare a learner's ``actual`` array with the reference ``expected``.

    Entries match when |actual - expected| <= atol + rtol * |expected|. ``shape_names`` names
    the dimensions of ``expected`` for the messages, e.g. ("hidden_size",) or "(T, hidden_size)".
    ``actual`` may be a numpy array, a list or a torch tensor; the message explains the usual
    mistakes: None (no ``return``), a wrong shape, a transposed matrix, NaN or inf, an integer or
    float32 array where it changes the values.
    """
    expected = _to_numpy(expected)
    if not np.issubdtype(expected.dtype, np.number):
        raise TypeError(f"`expected` must be an array of numbers, got dtype {expected.dtype}")
    _names_str(shape_names, expected.ndim)  # checks them early
    _tolerances(atol, rtol)
    problem = _type_problem(actual, name, expected)
    if problem is not None:
        return _fail(problem)
    actual = _to_numpy(actual)
    if actual.shape != expected.shape:
        return _fail(_shape_problem(actual, expected, name, shape_names))
    diff = np.abs(actual - expected)
    bad = ~(diff <= atol + rtol * np.abs(expected)) & ~(np.isnan(actual) & np.isnan(expected))
    if not bad.any():
        largest = float(np.nanmax(diff, initial=0.0))
        return Comparison(True, largest, f"✓ match: {name} equals the reference "
                                         f"(max |difference| = {largest:.2g})")
    return _fail(*_value_problem(actual, expected, name, diff, bad, atol))


def check_exercise(learner_fn, reference_fn, cases, name="h_t", atol=1e-8, rtol=0.0
                   ) -> Comparison:
    """Run the learner's function and the reference on each case and compare.

    ``cases`` is a list of keyword-argument dicts; each function gets its own copy of them.
    ``name`` names the output, or each output when the functions return a tuple, e.g.
    ("h_t", "c_t"). A learner function that raises NotImplementedError gives the verdict
    "not attempted"; any other exception the verdict "error". Nothing raises. ``atol`` and
    ``rtol`` as in `compare`.
    """
    if not callable(learner_fn) or not callable(reference_fn):
        raise TypeError("`learner_fn` and `reference_fn` must be functions")
    if not isinstance(cases, Sequence) or not cases or not all(isinstance(c, dict) for c in cases):
        raise TypeError("`cases` must be a non-empty list of keyword-argument dicts")
    _tolerances(atol, rtol)
    fn_name = getattr(learner_fn, "__name__", "your function")
    largest = 0.0
    for number, case in enumerate(cases, start=1):
        expected = _reference_output(reference_fn, case, number)
        try:
            actual = learner_fn(**copy.deepcopy(case))
        except NotImplementedError:
            return Comparison(False, None, f"… not attempted yet: {fn_name} still raises "
                              "NotImplementedError; replace that line with your code and run "
                              "this cell again", "not attempted")
        except Exception as error:  # reported, not raised: the notebook keeps running
            text = "".join(str(error).splitlines()[:1]) or "(no message)"
            return Comparison(False, None, f"✗ error: {fn_name} raised {type_name(error)}: "
                              f"{text} (case {number} of {len(cases)})"
                              + _raising_line(learner_fn, error), "error")
        result = _compare_outputs(actual, expected, name, fn_name, atol, rtol)
        if not result.ok:
            return Comparison(False, result.max_abs_diff,
                              f"{result.message} (case {number} of {len(cases)})", "mismatch")
        largest = max(largest, result.max_abs_diff)
    return Comparison(True, largest, f"✓ match: {fn_name} equals the reference on all "
                                     f"{len(cases)} cases (max |difference| = {largest:.2g})")


def _tolerances(atol, rtol) -> None:
    """``atol`` and ``rtol`` must be finite numbers >= 0 (NaN would fail every entry)."""
    expect_number("atol", atol)
    expect_number("rtol", rtol)
    if min(atol, rtol) < 0:
        raise ValueError(f"`atol` and `rtol` must be >= 0, got atol={atol}, rtol={rtol}")


def _reference_output(reference_fn, case, number):
    """The reference's output on one case; a case it cannot run is the notebook's mistake,
    reported as a ValueError naming the case (not blamed on the learner)."""
    try:
        return reference_fn(**copy.deepcopy(case))
    except Exception as error:
        raise ValueError(f"`cases[{number - 1}]` must be valid keyword arguments of "
                         f"`reference_fn`, but it raised {type_name(error)}: {error}") from error


def _compare_outputs(actual, expected, name, fn_name, atol, rtol) -> Comparison:
    """Compare one output, or each output of a tuple with its own name."""
    if not isinstance(expected, tuple):
        name = name if isinstance(name, str) else name[0]
        return compare(actual, expected, name=name, atol=atol, rtol=rtol)
    names = [f"{name}[{i}]" for i in range(len(expected))] if isinstance(name, str) else name
    if len(names) != len(expected):
        raise ValueError(f"`name` must give {len(expected)} names, one per output of "
                         f"`reference_fn`, got {name!r}")
    if not isinstance(actual, tuple | list) or len(actual) != len(expected):
        got = f"{len(actual)} values" if isinstance(actual, tuple | list) else type_name(actual)
        return _fail(f"{fn_name} should return {len(expected)} values "
                     f"({', '.join(names)}), got {got}")
    results = [compare(a, e, n, atol=atol, rtol=rtol)
               for a, e, n in zip(actual, expected, names, strict=True)]
    failed = [r for r in results if not r.ok]
    if failed and _in_another_order(actual, expected, atol, rtol):
        return _fail(f"{fn_name} returned the right values in the wrong order: return "
                     f"({', '.join(names)}) in that order")
    return failed[0] if failed else Comparison(True, max(r.max_abs_diff for r in results), "")


def _in_another_order(actual, expected, atol, rtol) -> bool:
    """Whether ``actual`` is ``expected`` (a tuple of outputs) permuted, not in order."""
    for order in itertools.permutations(range(len(expected))):
        if list(order) == list(range(len(expected))):
            continue
        if all(compare(actual[i], expected[j], atol=atol, rtol=rtol).ok
               for j, i in enumerate(order)):
            return True
    return False


def _raising_line(learner_fn, error: Exception) -> str:
    """", at line N of your code: `...`" for the last frame of the learner's own file (the
    cell that defined ``learner_fn``), or "" when the traceback does not pass through it."""
    code = getattr(learner_fn, "__code__", None)
    if code is None:
        return ""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if frame.filename == code.co_filename]
    if not frames:
        return ""
    frame = frames[-1]
    line = (frame.line or "").strip()
    return f"; at line {frame.lineno} of your code: `{line}`" if line else \
        f"; at line {frame.lineno} of your code"


def _to_numpy(value) -> np.ndarray:
    """numpy arrays, lists, numbers and torch tensors (any device, with or without grad)."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def _fail(problem, max_abs_diff=None) -> Comparison:
    return Comparison(False, max_abs_diff, f"✗ mismatch: {problem}", "mismatch")


def _type_problem(actual, name, expected) -> str | None:
    if actual is None:
        return f"{name} is None: did your function forget to `return` it?"
    if isinstance(actual, tuple) and expected.shape != (len(actual),):
        return (f"{name} is a tuple of {len(actual)} values, expected one array of shape "
                f"{shape_str(expected.shape)}: return only {name}")
    try:
        array = _to_numpy(actual)
    except (TypeError, ValueError, RuntimeError):
        array = None
    if array is None or not (np.issubdtype(array.dtype, np.number) or array.dtype == bool):
        return f"{name} is a {type_name(actual)}, not an array of numbers"
    if np.iscomplexobj(array) and not np.iscomplexobj(expected):
        return f"{name} has complex numbers (dtype {array.dtype}); the reference is real"
    return None


def _shape_problem(actual, expected, name, shape_names) -> str:
    wanted = shape_str(expected.shape)
    if shape_names is not None:
        wanted = f"{_names_str(shape_names, expected.ndim)} = {wanted}"
    problem = f"{name} has shape {shape_str(actual.shape)}, expected {wanted}"
    if actual.ndim == 2 and actual.shape[::-1] == expected.shape:
        return problem + f"; it looks transposed (try {name}.T)"
    if actual.squeeze().shape == expected.squeeze().shape:
        return problem + f"; an extra axis of length 1? (try .reshape({shape_str(expected.shape)}))"
    return problem


def _value_problem(actual, expected, name, diff, bad, atol):
    """(one-line problem, max |difference| or None) for same-shape arrays that differ."""
    where = f"at {int(bad.sum())} of {bad.size} entries"
    first = "" if bad.ndim == 0 else f", first at index {tuple(map(int, np.argwhere(bad)[0]))}"
    for check, what, cause in ((np.isnan, "NaN", "from e.g. inf - inf, 0 * inf or 0 / 0"),
                               (np.isinf, "inf", "e.g. from an exp() that overflowed")):
        if (check(actual) & bad).any():
            return f"{name} contains {what} {where}{first}; {what} comes {cause}", None
    largest = float(diff.max())
    problem = f"{name} differs from the reference {where} (max |difference| = {largest:.2g}{first})"
    if expected.size <= SIDE_BY_SIDE:
        problem += (f"\n    expected: {_numbers(expected)}\n    yours:    {_numbers(actual)}")
    if actual.ndim == 2 and actual.shape[0] == actual.shape[1] and np.allclose(actual.T, expected):
        problem = f"{name} looks transposed: {name}.T equals the reference"
    elif np.issubdtype(actual.dtype, np.integer) or actual.dtype == bool:
        problem += f"; {name} holds integers (dtype {actual.dtype}): compute in floats"
    elif actual.dtype == np.float32 and largest < 1e-4 * max(1.0, float(np.abs(expected).max())):
        problem += (f"; {name} is float32, the reference float64: use float64 (.double() "
                    f"in torch) to match to {atol:.0e}")
    return problem, largest


def _numbers(array: np.ndarray) -> str:
    """A small array's values, rounded to 4 decimals, on one line."""
    return np.array2string(np.asarray(array, dtype=float), precision=4, suppress_small=True,
                           floatmode="fixed", max_line_width=10_000)


def _names_str(shape_names, ndim) -> str | None:
    """("hidden_size",) -> "(hidden_size,)"; a string is used as it is."""
    if shape_names is None or isinstance(shape_names, str):
        return shape_names
    names = tuple(shape_names)
    if len(names) != ndim or not all(isinstance(n, str) for n in names):
        raise ValueError(f"`shape_names` must name the {ndim} dimension(s) of `expected`, "
                         f"got {shape_names!r}")
    return "(" + ", ".join(names) + ("," if len(names) == 1 else "") + ")"
