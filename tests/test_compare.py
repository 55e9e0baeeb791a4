"""The check helpers (widgets/compare.py): every verdict and every explained mistake."""

import numpy as np
import pytest
import torch
from IPython.lib.pretty import pretty

from widgets.compare import Comparison, check_exercise, compare
from widgets.reference import lstm_step, rnn_step

EXPECTED = np.array([0.1, -0.2, 0.3, 0.4])


def test_match_reports_the_largest_difference():
    result = compare(EXPECTED + np.array([0.0, 0.0, 3e-12, 0.0]), EXPECTED)
    assert result.ok and result.verdict == "match" and bool(result)
    assert result.max_abs_diff == pytest.approx(3e-12, rel=1e-3)
    assert result.message == "✓ match: h_t equals the reference (max |difference| = 3e-12)"
    assert str(result) == result.message


def test_mismatch_counts_entries_and_gives_the_first_index():
    actual = EXPECTED + np.array([0.0, 0.25, 0.41, -0.1])
    result = compare(actual, EXPECTED, name="c_t")
    assert not result.ok and not result and result.verdict == "mismatch"
    assert result.max_abs_diff == pytest.approx(0.41)
    first, expected, yours = result.message.splitlines()
    assert first == ("✗ mismatch: c_t differs from the reference at 3 of 4 entries "
                     "(max |difference| = 0.41, first at index (1,))")
    assert expected.split()[0] == "expected:" and yours.split()[0] == "yours:"


def test_tolerances():
    assert compare(EXPECTED + 1e-9, EXPECTED).ok
    assert not compare(EXPECTED + 1e-7, EXPECTED).ok
    assert compare(EXPECTED + 1e-7, EXPECTED, atol=1e-6).ok
    assert compare(EXPECTED * (1 + 1e-6), EXPECTED, atol=0, rtol=2e-6).ok
    assert not compare(EXPECTED * (1 + 1e-6), EXPECTED, atol=0, rtol=5e-7).ok


@pytest.mark.parametrize("shape_names, written", [
    (None, "expected (4,)"),
    (("hidden_size",), "expected (hidden_size,) = (4,)"),
    ("(hidden_size,)", "expected (hidden_size,) = (4,)"),
])
def test_wrong_shape(shape_names, written):
    result = compare(EXPECTED.reshape(4, 1), EXPECTED, shape_names=shape_names)
    assert not result.ok and result.max_abs_diff is None
    assert result.message.startswith(f"✗ mismatch: h_t has shape (4, 1), {written}; ")
    assert "an extra axis of length 1" in result.message


def test_unrelated_shape_has_no_hint():
    result = compare(np.zeros(3), EXPECTED)
    assert result.message == "✗ mismatch: h_t has shape (3,), expected (4,)"


def test_transposed_matrix_of_another_shape():
    weight = np.arange(6.0).reshape(2, 3)
    result = compare(weight.T, weight, name="weight_ih",
                     shape_names=("hidden_size", "input_size"))
    assert result.message == ("✗ mismatch: weight_ih has shape (3, 2), expected "
                              "(hidden_size, input_size) = (2, 3); it looks transposed "
                              "(try weight_ih.T)")


def test_transposed_square_matrix():
    weight = np.arange(9.0).reshape(3, 3)
    result = compare(weight.T, weight, name="weight_hh")
    assert not result.ok
    assert result.message == ("✗ mismatch: weight_hh looks transposed: weight_hh.T equals the "
                              "reference")


def test_none_means_a_missing_return():
    result = compare(None, EXPECTED)
    assert not result.ok and result.max_abs_diff is None
    assert "h_t is None: did your function forget to `return` it?" in result.message


def test_torch_tensors_are_accepted_even_with_grad():
    actual = torch.tensor(EXPECTED, requires_grad=True) * 1.0
    assert compare(actual, EXPECTED).ok
    assert compare(EXPECTED, torch.tensor(EXPECTED)).ok
    assert not compare(actual + 1.0, EXPECTED).ok


@pytest.mark.parametrize("value, word, cause", [
    (np.nan, "NaN", "inf - inf"), (np.inf, "inf", "exp() that overflowed"),
    (-np.inf, "inf", "exp() that overflowed"),
])
def test_nan_and_inf_are_explained(value, word, cause):
    actual = EXPECTED.copy()
    actual[2] = value
    result = compare(actual, EXPECTED)
    assert not result.ok and result.max_abs_diff is None
    assert result.message.startswith(
        f"✗ mismatch: h_t contains {word} at 1 of 4 entries, first at index (2,); ")
    assert cause in result.message


def test_nan_where_the_reference_has_nan_matches():
    expected = np.array([1.0, np.nan])
    assert compare(np.array([1.0, np.nan]), expected).ok


def test_float32_is_mentioned_only_when_it_matters():
    values = np.array([0.1, 0.7, 1 / 3])
    assert compare(values.astype(np.float32), values, atol=1e-6).ok
    result = compare(values.astype(np.float32), values)
    assert not result.ok and "h_t is float32, the reference float64" in result.message
    far_off = compare((values + 1).astype(np.float32), values)
    assert not far_off.ok and "float32" not in far_off.message


def test_integers_are_mentioned_only_when_they_change_the_values():
    assert compare(np.array([1, 2]), np.array([1.0, 2.0])).ok
    result = compare(np.array([0, 0]), np.array([0.4, 0.2]))
    assert "holds integers (dtype int64): compute in floats" in result.message


@pytest.mark.parametrize("actual, text", [
    ((EXPECTED, EXPECTED), "h_t is a tuple of 2 values, expected one array of shape (4,): "
                           "return only h_t"),
    ("abcd", "h_t is a str, not an array of numbers"),
    ({"h_t": EXPECTED}, "h_t is a dict, not an array of numbers"),
    (EXPECTED * 1j, "h_t has complex numbers (dtype complex128); the reference is real"),
])
def test_other_wrong_types(actual, text):
    result = compare(actual, EXPECTED)
    assert not result.ok and result.message == f"✗ mismatch: {text}"


def test_scalars_compare():
    assert compare(2.0, np.float64(2.0)).ok
    assert compare(2.5, 2.0).message.splitlines() == [
        "✗ mismatch: h_t differs from the reference at 1 of 1 entries (max |difference| = 0.5)",
        "    expected: 2.0000", "    yours:    2.5000"]


def test_bad_arguments_of_the_check_itself_raise():
    with pytest.raises(ValueError, match="`atol` and `rtol` must be >= 0"):
        compare(EXPECTED, EXPECTED, atol=-1)
    with pytest.raises(ValueError, match="`shape_names` must name the 1 dimension"):
        compare(EXPECTED, EXPECTED, shape_names=("T", "hidden_size"))
    with pytest.raises(TypeError, match="`expected` must be an array of numbers"):
        compare(EXPECTED, ["a", "b"])


def test_assert_ok_and_printing(capsys):
    good, bad = compare(EXPECTED, EXPECTED), compare(EXPECTED + 1, EXPECTED)
    assert good.assert_ok() is good
    with pytest.raises(AssertionError) as error:
        bad.assert_ok()
    assert str(error.value) == bad.message
    print(bad)
    assert capsys.readouterr().out == bad.message + "\n"
    assert pretty(bad) == bad.message


# -------------------------------------------------------------------------- check_exercise

def make_cases(count=3, input_size=3, hidden_size=4, gates=1):
    generator = np.random.default_rng(0)
    rows = gates * hidden_size
    return [{"x_t": generator.standard_normal(input_size),
             "h_prev": generator.standard_normal(hidden_size),
             "weight_ih": generator.standard_normal((rows, input_size)),
             "weight_hh": generator.standard_normal((rows, hidden_size)),
             "bias_ih": generator.standard_normal(rows),
             "bias_hh": generator.standard_normal(rows)} for _ in range(count)]


def learner_correct(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    return np.tanh(weight_ih @ x_t + weight_hh @ h_prev + bias_ih + bias_hh)


def learner_one_bias(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    return np.tanh(weight_ih @ x_t + weight_hh @ h_prev + bias_ih)


def learner_todo(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    raise NotImplementedError


def learner_crashing(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh):
    return weight_ih @ h_prev  # (4, 3) @ (4,): the shapes do not fit


def test_check_exercise_correct():
    result = check_exercise(learner_correct, rnn_step, make_cases(), name="h_t")
    assert result.ok and result.verdict == "match" and result.max_abs_diff < 1e-12
    assert result.message.startswith("✓ match: learner_correct equals the reference on all 3 "
                                     "cases (max |difference| = ")


def test_check_exercise_wrong():
    result = check_exercise(learner_one_bias, rnn_step, make_cases())
    assert not result.ok and result.verdict == "mismatch" and result.max_abs_diff > 0.01
    assert result.message.startswith("✗ mismatch: h_t differs from the reference at ")
    assert result.message.endswith("(case 1 of 3)")


def test_check_exercise_not_attempted():
    result = check_exercise(learner_todo, rnn_step, make_cases())
    assert not result.ok and result.verdict == "not attempted" and result.max_abs_diff is None
    assert result.message.startswith("… not attempted yet: learner_todo still raises "
                                     "NotImplementedError")


def test_check_exercise_crashing():
    result = check_exercise(learner_crashing, rnn_step, make_cases(2))
    assert not result.ok and result.verdict == "error"
    assert result.message.startswith("✗ error: learner_crashing raised ValueError: ")
    line = learner_crashing.__code__.co_firstlineno + 1
    assert result.message.endswith(f"(case 1 of 2); at line {line} of your code: `return "
                                   "weight_ih @ h_prev  # (4, 3) @ (4,): the shapes do not fit`")
    assert "\n" not in result.message


def test_check_exercise_reports_the_failing_case():
    cases = make_cases(3)
    for case in cases[:2]:
        case["bias_hh"] = np.zeros(4)  # learner_one_bias is right exactly when b_hh is zero
    result = check_exercise(learner_one_bias, rnn_step, cases)
    assert result.message.endswith("(case 3 of 3)")


def test_check_exercise_with_tuple_outputs():
    cases = [case | {"c_prev": np.ones(4)} for case in make_cases(2, gates=4)]

    def learner_swapped(**kwargs):
        h_t, c_t = lstm_step(**kwargs)
        return c_t, h_t

    assert check_exercise(lstm_step, lstm_step, cases, name=("h_t", "c_t")).ok
    swapped = check_exercise(learner_swapped, lstm_step, cases, name=("h_t", "c_t"))
    assert swapped.message.startswith("✗ mismatch: learner_swapped returned the right values "
                                      "in the wrong order: return (h_t, c_t) in that order")
    only_h = check_exercise(lambda **kw: lstm_step(**kw)[0], lstm_step, cases,
                            name=("h_t", "c_t"))
    assert only_h.message.startswith("✗ mismatch: <lambda> should return 2 values (h_t, c_t), "
                                     "got ndarray")
    with pytest.raises(ValueError, match="`name` must give 2 names"):
        check_exercise(lstm_step, lstm_step, cases, name=("h_t",))


def test_check_exercise_catches_a_mistake_in_a_later_output_only():
    """(h_t, c_t) with h_t right and only c_t wrong (by a little) is a mismatch naming c_t."""
    cases = [case | {"c_prev": np.ones(4)} for case in make_cases(2, gates=4)]

    def learner_c_off(**kwargs):
        h_t, c_t = lstm_step(**kwargs)
        return h_t, c_t + 1e-3

    result = check_exercise(learner_c_off, lstm_step, cases, name=("h_t", "c_t"))
    assert not result.ok and result.verdict == "mismatch"
    assert result.message.startswith("✗ mismatch: c_t differs from the reference at 4 of 4 ")
    assert result.max_abs_diff == pytest.approx(1e-3)
    unnamed = check_exercise(learner_c_off, lstm_step, cases)
    assert not unnamed.ok and unnamed.message.startswith("✗ mismatch: h_t[1] differs")


def test_check_exercise_passes_the_tolerances_on():
    cases = make_cases(2)

    def learner_float32(**kwargs):
        return rnn_step(**kwargs).astype(np.float32)

    assert not check_exercise(learner_float32, rnn_step, cases).ok
    assert check_exercise(learner_float32, rnn_step, cases, atol=1e-6).ok


def test_learner_changing_its_inputs_does_not_change_the_reference():
    def learner_in_place(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh):
        weight_ih *= 0.0
        return learner_correct(x_t, h_prev, weight_ih, weight_hh, bias_ih, bias_hh)

    cases = make_cases(1)
    original = cases[0]["weight_ih"].copy()
    result = check_exercise(learner_in_place, rnn_step, cases)
    assert not result.ok
    np.testing.assert_array_equal(cases[0]["weight_ih"], original)


def test_check_exercise_bad_arguments():
    with pytest.raises(TypeError, match="`cases` must be a non-empty list"):
        check_exercise(learner_correct, rnn_step, [])
    with pytest.raises(TypeError, match="`learner_fn` and `reference_fn` must be functions"):
        check_exercise(None, rnn_step, make_cases())


def test_comparison_is_frozen():
    result = Comparison(False, None, "✗ mismatch: something", "mismatch")
    with pytest.raises(AttributeError):
        result.ok = True


def test_small_arrays_are_printed_side_by_side():
    result = compare(np.array([0.5, -0.25, 1.0]), np.array([0.5, 0.25, 1.0]), name="h_t")
    lines = result.message.splitlines()
    assert lines[1].replace("[", " ").split() == ["expected:", "0.5000", "0.2500", "1.0000]"]
    assert lines[2].replace("[", " ").split() == ["yours:", "0.5000", "-0.2500", "1.0000]"]
    big = compare(np.zeros(9), np.ones(9))
    assert "\n" not in big.message                       # only small arrays are printed


def test_a_tuple_in_the_wrong_order_is_named_only_when_it_is_one():
    cases = [case | {"c_prev": np.ones(4)} for case in make_cases(1, gates=4)]
    twice_h = check_exercise(lambda **k: (lstm_step(**k)[0],) * 2, lstm_step, cases,
                             name=("h_t", "c_t"))
    assert not twice_h.ok and "wrong order" not in twice_h.message
    assert "c_t differs from the reference" in twice_h.message


def test_an_exception_shows_the_learners_line_that_raised():
    def my_rnn_step(**case):
        total = case["weight_ih"] @ case["x_t"]
        return total + undefined_name  # noqa: F821

    result = check_exercise(my_rnn_step, rnn_step, make_cases(1), name="h_t")
    assert result.verdict == "error" and "NameError" in result.message
    assert "of your code: `return total + undefined_name  # noqa: F821`" in result.message
