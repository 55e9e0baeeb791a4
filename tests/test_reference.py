"""The numpy reference cells (widgets/reference.py) equal torch's float64 modules."""

import warnings

import numpy as np
import pytest
import torch
from torch import nn

from widgets.reference import (
    cell_params,
    gru_forward,
    gru_gates,
    gru_step,
    lstm_forward,
    lstm_gates,
    lstm_step,
    rnn_forward,
    rnn_step,
    sigmoid,
)

TOL = 1e-10
KINDS = ["rnn_tanh", "rnn_relu", "lstm", "gru"]
SIZES = [(3, 4, 5), (1, 1, 1), (6, 2, 9)]  # (input_size, hidden_size, T)


def make_module(kind, input_size, hidden_size, **options):
    if kind.startswith("rnn"):
        module = nn.RNN(input_size, hidden_size, nonlinearity=kind[4:], **options)
    else:
        module = {"lstm": nn.LSTM, "gru": nn.GRU}[kind](input_size, hidden_size, **options)
    return module.double()


def run_reference(kind, xs, params, h0, c0, reverse=False):
    """hs (T, hidden_size) of one layer and direction, computed by the reference runners."""
    if kind == "lstm":
        return lstm_forward(xs, h0, c0, **params, reverse=reverse)[0]
    if kind == "gru":
        return gru_forward(xs, h0, **params, reverse=reverse)
    return rnn_forward(xs, h0, **params, nonlinearity=kind[4:], reverse=reverse)


def run_torch(module, kind, xs, h0, c0):
    """The module's output (T, D * hidden_size) on one unbatched sequence."""
    state = (h0, c0) if kind == "lstm" else h0
    with torch.no_grad():
        output, _ = module(torch.from_numpy(xs), state)
    return output.numpy()


def random_states(module, generator):
    shape = (module.num_layers * (2 if module.bidirectional else 1), module.hidden_size)
    return generator.standard_normal(shape), generator.standard_normal(shape)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("sizes", SIZES)
@pytest.mark.parametrize("bias", [True, False])
def test_runner_equals_torch(kind, sizes, bias):
    torch.manual_seed(0)
    input_size, hidden_size, steps = sizes
    module = make_module(kind, input_size, hidden_size, bias=bias)
    generator = np.random.default_rng(1)
    xs = generator.standard_normal((steps, input_size))
    h0, c0 = random_states(module, generator)
    expected = run_torch(module, kind, xs, torch.from_numpy(h0), torch.from_numpy(c0))
    actual = run_reference(kind, xs, cell_params(module), h0[0], c0[0])
    assert actual.shape == (steps, hidden_size)
    np.testing.assert_allclose(actual, expected, rtol=0, atol=TOL)


@pytest.mark.parametrize("kind", KINDS)
def test_two_layer_bidirectional_equals_torch(kind):
    """Both directions of layer 0, then layer 1 fed with layer 0's concatenated outputs."""
    torch.manual_seed(2)
    module = make_module(kind, 3, 4, num_layers=2, bidirectional=True)
    generator = np.random.default_rng(3)
    xs = generator.standard_normal((6, 3))
    h0, c0 = random_states(module, generator)
    expected = run_torch(module, kind, xs, torch.from_numpy(h0), torch.from_numpy(c0))
    layer_input = xs
    for layer in range(2):
        directions = [run_reference(kind, layer_input, cell_params(module, layer, d),
                                    h0[2 * layer + d], c0[2 * layer + d], reverse=d == 1)
                      for d in range(2)]
        layer_input = np.concatenate(directions, axis=1)
    np.testing.assert_allclose(layer_input, expected, rtol=0, atol=TOL)


@pytest.mark.parametrize("kind", KINDS)
def test_reverse_returns_states_in_input_order(kind):
    torch.manual_seed(4)
    module = make_module(kind, 2, 3, bidirectional=True)
    xs = np.random.default_rng(5).standard_normal((7, 2))
    zeros = np.zeros((2, 3))
    expected = run_torch(module, kind, xs, torch.from_numpy(zeros), torch.from_numpy(zeros))
    backward = run_reference(kind, xs, cell_params(module, 0, 1), zeros[1], zeros[1], True)
    np.testing.assert_allclose(backward, expected[:, 3:], rtol=0, atol=TOL)
    # The backward direction's last computed state is the one at token 0: it has read them all.
    from_right = run_reference(kind, xs[::-1], cell_params(module, 0, 1), zeros[1], zeros[1])
    np.testing.assert_allclose(backward[0], from_right[-1], rtol=0, atol=TOL)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_rnn_step_equals_one_torch_step(nonlinearity):
    torch.manual_seed(6)
    module = nn.RNN(3, 5, nonlinearity=nonlinearity).double()
    generator = np.random.default_rng(7)
    x_t, h_prev = generator.standard_normal(3), generator.standard_normal(5)
    expected = run_torch(module, "rnn", x_t[None], torch.from_numpy(h_prev[None]), None)[0]
    actual = rnn_step(x_t, h_prev, **cell_params(module), nonlinearity=nonlinearity)
    np.testing.assert_allclose(actual, expected, rtol=0, atol=TOL)


def test_lstm_step_and_gates_equal_torch():
    torch.manual_seed(8)
    module = nn.LSTM(3, 4).double()
    generator = np.random.default_rng(9)
    x_t, h_prev, c_prev = (generator.standard_normal(n) for n in (3, 4, 4))
    params = cell_params(module)
    with torch.no_grad():
        _, (h_n, c_n) = module(torch.from_numpy(x_t[None]),
                               (torch.from_numpy(h_prev[None]), torch.from_numpy(c_prev[None])))
        blocks = (module.weight_ih_l0 @ torch.from_numpy(x_t) + module.bias_ih_l0
                  + module.weight_hh_l0 @ torch.from_numpy(h_prev) + module.bias_hh_l0)
    a_i, a_f, a_g, a_o = blocks.chunk(4)  # torch's row order i, f, g, o
    expected_gates = [torch.sigmoid(a_i), torch.sigmoid(a_f), torch.tanh(a_g), torch.sigmoid(a_o)]
    for actual, expected in zip(lstm_gates(x_t, h_prev, **params), expected_gates, strict=True):
        np.testing.assert_allclose(actual, expected.numpy(), rtol=0, atol=TOL)
    h_t, c_t = lstm_step(x_t, h_prev, c_prev, **params)
    np.testing.assert_allclose(h_t, h_n[0].numpy(), rtol=0, atol=TOL)
    np.testing.assert_allclose(c_t, c_n[0].numpy(), rtol=0, atol=TOL)


def test_gru_step_and_gates_equal_torch():
    torch.manual_seed(10)
    module = nn.GRU(3, 4).double()
    generator = np.random.default_rng(11)
    x_t, h_prev = generator.standard_normal(3), generator.standard_normal(4)
    params = cell_params(module)
    with torch.no_grad():
        _, h_n = module(torch.from_numpy(x_t[None]), torch.from_numpy(h_prev[None]))
        in_r, in_z, in_n = (module.weight_ih_l0 @ torch.from_numpy(x_t)
                            + module.bias_ih_l0).chunk(3)
        hid_r, hid_z, hid_n = (module.weight_hh_l0 @ torch.from_numpy(h_prev)
                               + module.bias_hh_l0).chunk(3)
    r_t = torch.sigmoid(in_r + hid_r)
    expected_gates = [r_t, torch.sigmoid(in_z + hid_z), torch.tanh(in_n + r_t * hid_n)]
    for actual, expected in zip(gru_gates(x_t, h_prev, **params), expected_gates, strict=True):
        np.testing.assert_allclose(actual, expected.numpy(), rtol=0, atol=TOL)
    np.testing.assert_allclose(gru_step(x_t, h_prev, **params), h_n[0].numpy(), rtol=0, atol=TOL)


def test_gru_reset_gate_also_gates_b_hn():
    """With the reset gate shut (r_t ≈ 0), b_hn no longer reaches n_t: it is inside r_t ⊙ (...)."""
    params = {"weight_ih": np.zeros((3, 1)), "weight_hh": np.zeros((3, 1)),
              "bias_ih": np.array([-50.0, 0.0, 0.0]), "bias_hh": np.array([0.0, 0.0, 2.0])}
    r_t, _, n_t = gru_gates(np.zeros(1), np.zeros(1), **params)
    assert r_t[0] < 1e-20
    assert abs(n_t[0]) < 1e-20  # tanh(b_in + r_t * b_hn) = tanh(0 + 0 * 2)


def test_lstm_row_blocks_are_i_f_g_o():
    """A large bias in one block of rows drives exactly that gate."""
    bias = np.array([0.0, 50.0, 0.0, -50.0])  # f_t ≈ 1, o_t ≈ 0
    i_t, f_t, g_t, o_t = lstm_gates(np.zeros(1), np.zeros(1), np.zeros((4, 1)), np.zeros((4, 1)),
                                    bias, np.zeros(4))
    np.testing.assert_allclose([i_t[0], f_t[0], g_t[0], o_t[0]], [0.5, 1.0, 0.0, 0.0], atol=1e-15)


def test_inputs_may_be_lists_and_results_are_float64():
    h_t = rnn_step([1, 2], [0], [[0.5, 0.25]], [[0]], [0], [0])
    assert h_t.dtype == np.float64
    np.testing.assert_allclose(h_t, [np.tanh(1.0)], rtol=0, atol=1e-15)


def test_cell_params_are_float64_copies_with_zero_biases_without_bias():
    torch.manual_seed(12)
    module = nn.GRU(3, 2, bias=False)  # float32
    params = cell_params(module)
    assert set(params) == {"weight_ih", "weight_hh", "bias_ih", "bias_hh"}
    assert all(p.dtype == np.float64 for p in params.values())
    assert params["weight_ih"].shape == (6, 3) and params["bias_hh"].shape == (6,)
    np.testing.assert_array_equal(params["bias_ih"], np.zeros(6))
    params["weight_hh"][0, 0] = 123.0
    assert module.weight_hh_l0[0, 0].item() != 123.0


def test_sigmoid_of_large_negative_numbers_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = sigmoid(np.array([-1000.0, 0.0, 1000.0]))
    np.testing.assert_array_equal(values, [0.0, 0.5, 1.0])


# ------------------------------------------------------------------------------------- errors

def rnn_args(input_size=3, hidden_size=4, gates=1):
    rows = gates * hidden_size
    return {"x_t": np.zeros(input_size), "h_prev": np.zeros(hidden_size),
            "weight_ih": np.zeros((rows, input_size)), "weight_hh": np.zeros((rows, hidden_size)),
            "bias_ih": np.zeros(rows), "bias_hh": np.zeros(rows)}


@pytest.mark.parametrize("step, gates", [(rnn_step, 1), (gru_step, 3), (lstm_gates, 4)])
@pytest.mark.parametrize("argument, bad, expected", [
    ("h_prev", np.zeros((4, 1)), "`h_prev` has the wrong shape: expected (hidden_size,) = (4,), "
                                 "got (4, 1)"),
    ("x_t", np.zeros(5), "`x_t` has the wrong shape: expected (input_size,) = (3,), got (5,)"),
])
def test_step_names_the_argument_with_a_wrong_shape(step, gates, argument, bad, expected):
    args = rnn_args(gates=gates) | {argument: bad}
    with pytest.raises(ValueError) as error:
        step(**args)
    assert str(error.value) == expected


@pytest.mark.parametrize("argument, bad, expected", [
    ("weight_hh", np.zeros((4, 4)), "`weight_hh` has the wrong shape: expected "
                                    "(4*hidden_size, hidden_size), got (4, 4)"),
    ("weight_ih", np.zeros((3, 16)), "`weight_ih` has the wrong shape: expected "
                                     "(4*hidden_size, input_size) = (16, input_size), got (3, 16) "
                                     "(it looks transposed)"),
    ("bias_ih", np.zeros(4), "`bias_ih` has the wrong shape: expected (4*hidden_size,) = (16,), "
                             "got (4,)"),
    ("bias_hh", np.zeros((16, 1)), "`bias_hh` has the wrong shape: expected (4*hidden_size,) = "
                                   "(16,), got (16, 1)"),
])
def test_lstm_step_names_a_parameter_with_a_wrong_shape(argument, bad, expected):
    args = rnn_args(gates=4) | {"c_prev": np.zeros(4), argument: bad}
    with pytest.raises(ValueError) as error:
        lstm_step(**args)
    assert str(error.value) == expected


def test_lstm_step_checks_c_prev():
    with pytest.raises(ValueError, match=r"`c_prev` .* expected \(hidden_size,\) = \(4,\), got"):
        lstm_step(**rnn_args(gates=4), c_prev=np.zeros(3))


def test_step_rejects_non_numbers_and_an_unknown_nonlinearity():
    with pytest.raises(TypeError, match="`x_t` must be an array of numbers, got str"):
        rnn_step(**rnn_args() | {"x_t": "abc"})
    with pytest.raises(ValueError, match="`nonlinearity` must be one of 'tanh', 'relu'"):
        rnn_step(**rnn_args(), nonlinearity="sigmoid")


def runner_params(gates=1):
    args = rnn_args(gates=gates)
    return {name: args[name] for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")}


@pytest.mark.parametrize("call, message", [
    (lambda: rnn_forward(np.zeros(3), np.zeros(4), **runner_params()),
     r"`xs` has the wrong shape: expected \(T, input_size\) = \(T, 3\) with T >= 1, got \(3,\)"),
    (lambda: gru_forward(np.zeros((5, 2)), np.zeros(4), **runner_params(3)),
     r"`xs` .* got \(5, 2\)"),
    (lambda: rnn_forward(np.zeros((0, 3)), np.zeros(4), **runner_params()),
     r"T >= 1, got \(0, 3\)"),
    (lambda: rnn_forward(np.zeros((2, 3)), np.zeros(3), **runner_params()),
     r"`h0` has the wrong shape: expected \(hidden_size,\) = \(4,\), got \(3,\)"),
    (lambda: lstm_forward(np.zeros((2, 3)), np.zeros(4), np.zeros(5), **runner_params(4)),
     r"`c0` has the wrong shape"),
    (lambda: lstm_forward(np.zeros((2, 3)), np.zeros(4), np.zeros(4), **runner_params(1)),
     r"`weight_hh` has the wrong shape: expected \(4\*hidden_size, hidden_size\)"),
])
def test_runners_name_the_bad_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_runners_take_the_weights_as_the_steps_do():
    params = runner_params()
    xs, h0 = np.ones((3, 3)), np.zeros(4)
    hs = rnn_forward(xs, h0, **params)
    h_t = h0
    for t in range(3):
        h_t = rnn_step(xs[t], h_t, **params)
        assert np.array_equal(hs[t], h_t)
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'bias_hh'"):
        rnn_forward(xs, h0, params["weight_ih"], params["weight_hh"], params["bias_ih"])


@pytest.mark.parametrize("module, kwargs, error, message", [
    (nn.Linear(2, 3), {}, TypeError, "`module` must be a torch.nn.RNN, torch.nn.LSTM or "
                                     "torch.nn.GRU, got Linear"),
    (nn.LSTM(2, 4, proj_size=2), {}, ValueError, "`module` is an LSTM with proj_size=2"),
    (nn.RNN(2, 3, num_layers=2), {"layer": 2}, ValueError,
     r"`layer` must be in \[0, 1\] for a module with num_layers=2, got 2"),
    (nn.RNN(2, 3), {"layer": -1}, ValueError, r"`layer` must be in \[0, 0\]"),
    (nn.RNN(2, 3), {"layer": 0.0}, TypeError, "`layer` must be an integer, got float"),
    (nn.GRU(2, 3), {"direction": 1}, ValueError,
     r"`direction` must be in \[0, 0\] for a module with bidirectional=False, got 1"),
    (nn.GRU(2, 3, bidirectional=True), {"direction": 2}, ValueError,
     r"`direction` must be in \[0, 1\] for a module with bidirectional=True, got 2"),
])
def test_cell_params_errors(module, kwargs, error, message):
    with pytest.raises(error, match=message):
        cell_params(module, **kwargs)
