"""`widgets.tracing.gradients` against independent computations: numpy BPTT, finite
differences through the numpy reference cells, and a per-layer torch cell loop with zero probes
on the states."""

import math

import numpy as np
import pytest
import torch
from torch import nn

from widgets.bptt import rnn_backward
from widgets.initialization import scale_recurrent_weights, set_forget_bias, spectral_radius
from widgets.reference import cell_params, gru_step, lstm_step, rnn_step
from widgets.tracing.gradients import (
    DecayCurve,
    _autograd_decay,
    _fresh_module,
    _initialise,
    _rnn_decay,
    decay_with_distance,
    gradient_flow,
)

torch.set_num_threads(1)
INPUT_SIZE, HIDDEN_SIZE, T = 3, 4, 6
CLASSES = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def make(kind, seed=0, **options):
    torch.manual_seed(seed)
    return CLASSES[kind](INPUT_SIZE, HIDDEN_SIZE, **options).double()


def sequence(seed=1, length=T):
    return torch.randn(length, INPUT_SIZE, generator=torch.Generator().manual_seed(seed),
                       dtype=torch.float64)


def probe_gradients(module, kind, x, loss_fn):
    """Independent: torch's cell functions layer by layer, a zero probe added to the top
    layer's h_k (and c_k); the gradient at a probe is the total ∂L/∂h_k."""
    cell = {"rnn": torch.rnn_tanh_cell, "lstm": torch.lstm_cell, "gru": torch.gru_cell}[kind]
    layers, size = module.num_layers, module.hidden_size
    x = x.clone().requires_grad_()
    probe_h = torch.zeros(len(x), size, dtype=x.dtype, requires_grad=True)
    probe_c = torch.zeros(len(x), size, dtype=x.dtype, requires_grad=True)
    h = [torch.zeros(1, size, dtype=x.dtype)] * layers
    c = list(h)
    outputs = []
    for t in range(len(x)):
        below = x[t: t + 1]
        for layer in range(layers):
            weights = [getattr(module, f"{n}_l{layer}")
                       for n in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")]
            if kind == "lstm":
                h[layer], c[layer] = cell(below, (h[layer], c[layer]), *weights)
            else:
                h[layer] = cell(below, h[layer], *weights)
            if layer == layers - 1:
                h[layer] = h[layer] + probe_h[t]
                c[layer] = c[layer] + probe_c[t] if kind == "lstm" else c[layer]
            below = h[layer]
        outputs.append(below[0])
    grads = torch.autograd.grad(loss_fn(torch.stack(outputs)), [x, probe_h, probe_c],
                                allow_unused=True)
    return [None if g is None else g.norm(dim=1).numpy() for g in grads]


def weighted_loss(output):
    weights = torch.linspace(-1.0, 1.0, output.numel(), dtype=output.dtype)
    return (output.reshape(-1) * weights).sum() + output[-1].pow(2).sum()


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("options", [{}, {"num_layers": 2}, {"batch_first": True}])
def test_gradients_equal_probe_gradients(kind, options):
    module, x = make(kind, **options), sequence()
    inputs = x[None] if options.get("batch_first") else x
    result = gradient_flow(module, inputs, loss=weighted_loss)
    x_grad, h_grad, c_grad = probe_gradients(module, kind, x, weighted_loss)
    np.testing.assert_allclose(result.hidden_grad, h_grad, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(result.input_grad, x_grad, rtol=1e-9, atol=1e-12)
    if kind == "lstm":
        np.testing.assert_allclose(result.cell_grad, c_grad, rtol=1e-9, atol=1e-12)
    else:
        assert result.cell_grad is None
    assert result.hidden_grad.shape == result.input_grad.shape == (T,)


def test_rnn_gradients_equal_numpy_bptt():
    module, x = make("rnn"), sequence()
    w = torch.linspace(-1.0, 2.0, HIDDEN_SIZE, dtype=torch.float64)
    result = gradient_flow(module, x, loss=lambda output: output[-1] @ w + output[2] @ w)
    grad_hs = np.zeros((T, HIDDEN_SIZE))
    grad_hs[-1] = grad_hs[2] = w.numpy()
    expected = rnn_backward(x.numpy(), np.zeros(HIDDEN_SIZE), cell_params(module), grad_hs)
    np.testing.assert_allclose(result.hidden_grad, np.linalg.norm(expected.hs, axis=1),
                               rtol=1e-10)
    np.testing.assert_allclose(result.input_grad, np.linalg.norm(expected.xs, axis=1),
                               rtol=1e-10)


def run_reference(kind, params, xs, start, k, h_k, c_k):
    """Numpy: from the state (h_k, c_k) after step k, run steps k+1 ... T-1; return h_{T-1}."""
    h, c = h_k, c_k
    for t in range(k + 1, len(xs)):
        if kind == "lstm":
            h, c = lstm_step(xs[t], h, c, **params)
        else:
            h = (rnn_step if kind == "rnn" else gru_step)(xs[t], h, **params)
    return h


def states(kind, params, xs):
    h, c, out = np.zeros(HIDDEN_SIZE), np.zeros(HIDDEN_SIZE), []
    for x_t in xs:
        if kind == "lstm":
            h, c = lstm_step(x_t, h, c, **params)
        else:
            h = (rnn_step if kind == "rnn" else gru_step)(x_t, h, **params)
        out.append((h, c))
    return out


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_last_state_is_the_jacobian_norm_by_finite_differences(kind):
    module, x = make(kind), sequence()
    result = gradient_flow(module, x)
    params, xs, eps = cell_params(module), x.numpy(), 1e-6
    path = states(kind, params, xs)
    for k in range(T):
        h_k, c_k = path[k]
        columns, cell_columns = [], []
        for i in range(HIDDEN_SIZE):
            step = np.eye(HIDDEN_SIZE)[i] * eps
            columns.append((run_reference(kind, params, xs, None, k, h_k + step, c_k)
                            - run_reference(kind, params, xs, None, k, h_k - step, c_k)) / 2 / eps)
            if kind == "lstm":
                cell_columns.append((run_reference(kind, params, xs, None, k, h_k, c_k + step)
                                     - run_reference(kind, params, xs, None, k, h_k, c_k - step))
                                    / 2 / eps)
        frobenius = np.linalg.norm(np.array(columns)) / math.sqrt(HIDDEN_SIZE)
        assert result.hidden_grad[k] == pytest.approx(frobenius, rel=1e-6)
        if kind == "lstm" and k < T - 1:
            expected = np.linalg.norm(np.array(cell_columns)) / math.sqrt(HIDDEN_SIZE)
            assert result.cell_grad[k] == pytest.approx(expected, rel=1e-6)
    assert result.hidden_grad[-1] == pytest.approx(1.0)
    if kind == "lstm":
        assert result.cell_grad[-1] == 0.0


def test_last_state_saliency_is_the_input_jacobian_norm():
    module, x = make("gru"), sequence()
    result = gradient_flow(module, x)
    jacobian = torch.autograd.functional.jacobian(lambda seq: module(seq)[0][-1], x)
    expected = jacobian.permute(1, 0, 2).reshape(T, -1).norm(dim=1) / math.sqrt(HIDDEN_SIZE)
    np.testing.assert_allclose(result.input_grad, expected.numpy(), rtol=1e-9)


def test_gradient_flow_leaves_parameters_and_tokens_alone():
    module = make("lstm")
    result = gradient_flow(module, sequence(), tokens=list("abcdef"), label="my LSTM")
    assert all(p.grad is None for p in module.parameters())
    assert (result.tokens, result.label, result.kind, result.loss) == (
        list("abcdef"), "my LSTM", "lstm", "last_state")
    named = gradient_flow(module, sequence(), loss=weighted_loss)
    assert named.loss == "weighted_loss" and named.label == "LSTM"


def test_gradient_flow_errors():
    module = make("rnn")
    with pytest.raises(ValueError, match="bidirectional"):
        gradient_flow(make("rnn", bidirectional=True), sequence())
    with pytest.raises(ValueError, match="`loss` must be one of 'last_state'"):
        gradient_flow(module, sequence(), loss="mean")
    with pytest.raises(TypeError, match="`loss` must be"):
        gradient_flow(module, sequence(), loss=3)
    with pytest.raises(ValueError, match="scalar tensor"):
        gradient_flow(module, sequence(), loss=lambda output: output[-1])
    with pytest.raises(ValueError, match="does not depend"):
        gradient_flow(module, sequence(), loss=lambda output: output.detach().sum())
    with pytest.raises(ValueError, match="`tokens` has 2 entries"):
        gradient_flow(module, sequence(), tokens=["a", "b"])
    with pytest.raises(TypeError, match="`module` must be"):
        gradient_flow(nn.Linear(3, 4), sequence())


def test_decay_is_normalised_and_deterministic_and_keeps_the_global_rng():
    state = torch.get_rng_state()
    first = decay_with_distance("rnn", hidden_size=8, T=20, recurrent_scale=0.9)
    assert torch.equal(torch.get_rng_state(), state)
    again = decay_with_distance("rnn", hidden_size=8, T=20, recurrent_scale=0.9)
    np.testing.assert_array_equal(first.relative, again.relative)
    assert first.relative.shape == (21,) and first.at(0) == pytest.approx(1.0, abs=1e-12)
    assert first.spectral_radius == pytest.approx(0.9) and first.forget_bias is None
    assert first.label == "tanh RNN (spectral radius 0.90)"
    np.testing.assert_array_equal(first.distance, np.arange(20, -1, -1))
    other_seed = decay_with_distance("rnn", hidden_size=8, T=20, recurrent_scale=0.9, seed=1)
    assert not np.array_equal(first.relative, other_seed.relative)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
@pytest.mark.parametrize("radius", [0.5, 1.0, 2.5])
def test_the_rnn_decay_written_out_equals_autograd(nonlinearity, radius):
    """decay_with_distance computes the RNN's curve from the chain rule written out; the
    LSTM's and GRU's by autograd. Both ways agree on the RNN, vanishing and exploding."""
    module, x = _fresh_module("rnn", 8, 30, nonlinearity, 3, 10, seed=2)
    _initialise(module, "rnn", radius, None)
    by_hand, by_autograd = _rnn_decay(module, "rnn", x, 30), _autograd_decay(module, "rnn", x, 30)
    np.testing.assert_allclose(by_hand, by_autograd, rtol=1e-12, atol=0)
    assert by_hand[-1] == pytest.approx(1.0)                   # k = T: the identity
    assert (by_hand[0] < 1e-3) if radius < 1 else (by_hand[0] > 1 if radius > 2 else True)


def test_decay_equals_a_finite_difference_jacobian():
    """One sequence, no warm-up: rebuild the same module and inputs from the seed (module
    first, then inputs, as documented) and compare with numpy finite differences."""
    size, length, eps = 3, 4, 1e-6
    curve = decay_with_distance("rnn", hidden_size=size, T=length, recurrent_scale=0.8,
                                num_sequences=1, warmup=0, seed=5)
    torch.manual_seed(5)
    module = nn.RNN(size, size).double()
    xs = torch.randn(length, 1, size, dtype=torch.float64)[:, 0].numpy()
    scale_recurrent_weights(module, 0.8)
    params = cell_params(module)
    path = [np.zeros(size)]
    for x_t in xs:
        path.append(rnn_step(x_t, path[-1], **params))
    for k in range(length + 1):
        columns = []
        for i in range(size):
            step = np.eye(size)[i] * eps
            ends = []
            for h in (path[k] + step, path[k] - step):
                for x_t in xs[k:]:
                    h = rnn_step(x_t, h, **params)
                ends.append(h)
            columns.append((ends[0] - ends[1]) / 2 / eps)
        expected = np.linalg.norm(np.array(columns)) / math.sqrt(size)
        assert curve.relative[k] == pytest.approx(expected, rel=1e-6)


def test_rnn_gradient_vanishes_faster_at_a_smaller_spectral_radius():
    small = decay_with_distance("rnn", T=50, recurrent_scale=0.5)
    large = decay_with_distance("rnn", T=50, recurrent_scale=1.2)
    assert small.at(50) < 1e-3 * large.at(50)
    for curve in (small, large):   # monotone-ish: every 10 steps further is smaller
        assert all(curve.at(d + 10) < curve.at(d) for d in range(0, 41, 10))


def test_relu_rnn_gradient_explodes_above_radius_one():
    curve = decay_with_distance("rnn", T=50, recurrent_scale=1.5, nonlinearity="relu")
    assert curve.at(50) > 10 * curve.at(10) > 10
    assert curve.label.startswith("relu RNN")


def test_lstm_forget_bias_keeps_the_gradient_by_orders_of_magnitude():
    curves = {b: decay_with_distance("lstm", T=50, forget_bias=b) for b in (0.0, 1.0, 3.0)}
    at_50 = {b: c.at(50) for b, c in curves.items()}
    assert at_50[0.0] < 1e-3 * at_50[1.0] and at_50[1.0] < 1e-2 * at_50[3.0]
    assert at_50[3.0] > 1e6 * at_50[0.0]
    assert curves[3.0].label == "LSTM (forget bias 3)" and curves[3.0].forget_bias == 3.0
    default = decay_with_distance("lstm", T=50)
    assert default.label == "LSTM (default init)" and default.at(50) < 1e-3 * at_50[1.0]


def test_decay_errors():
    with pytest.raises(ValueError, match="`kind` must be one of"):
        decay_with_distance("transformer")
    with pytest.raises(ValueError, match='`forget_bias` applies to kind "lstm" only'):
        decay_with_distance("rnn", forget_bias=1.0)
    with pytest.raises(ValueError, match='`recurrent_scale` applies to kind "rnn" only'):
        decay_with_distance("lstm", recurrent_scale=1.0)
    with pytest.raises(ValueError, match='`nonlinearity` applies to kind "rnn" only'):
        decay_with_distance("gru", nonlinearity="relu")
    with pytest.raises(ValueError, match="`T` must be in"):
        decay_with_distance("rnn", T=0)
    with pytest.raises(TypeError, match="`hidden_size` must be an integer"):
        decay_with_distance("rnn", hidden_size=True)
    with pytest.raises(ValueError, match="`input_scale` must be a finite number > 0"):
        decay_with_distance("rnn", input_scale=0.0)
    with pytest.raises(ValueError, match="overflowed"):
        decay_with_distance("rnn", hidden_size=8, T=300, recurrent_scale=40.0,
                            nonlinearity="relu", warmup=0)
    with pytest.raises(ValueError, match="`distance` must be in"):
        decay_with_distance("gru", hidden_size=4, T=5).at(6)
    assert isinstance(decay_with_distance("gru", hidden_size=4, T=5), DecayCurve)


@pytest.mark.parametrize("lstm", [nn.LSTM(3, 5, num_layers=2, bidirectional=True),
                                  nn.LSTMCell(3, 5)])
def test_set_forget_bias_sets_the_sum_of_both_forget_biases(lstm):
    before = {name: p.detach().clone() for name, p in lstm.named_parameters()}
    assert set_forget_bias(lstm, 2.5) is lstm
    biases = [name for name in before if name.startswith("bias_ih")]
    assert len(biases) == (4 if isinstance(lstm, nn.LSTM) else 1)
    for name in biases:
        b_ih, b_hh = getattr(lstm, name), getattr(lstm, name.replace("_ih", "_hh"))
        torch.testing.assert_close(b_ih[5:10] + b_hh[5:10], torch.full((5,), 2.5))
        for other in (slice(0, 5), slice(10, 20)):   # the i, g, o rows are untouched
            torch.testing.assert_close(b_ih[other], before[name][other])
    for name, value in before.items():
        if name.startswith("weight"):
            torch.testing.assert_close(getattr(lstm, name), value)


def test_set_forget_bias_errors():
    with pytest.raises(TypeError, match="`lstm` must be a torch.nn.LSTM"):
        set_forget_bias(nn.GRU(3, 5), 1.0)
    with pytest.raises(ValueError, match="bias=False"):
        set_forget_bias(nn.LSTM(3, 5, bias=False), 1.0)
    with pytest.raises(ValueError, match="`value` must be a finite number"):
        set_forget_bias(nn.LSTM(3, 5), float("nan"))


@pytest.mark.parametrize("target", [0.5, 1.0, 1.7])
def test_scale_recurrent_weights_gives_the_spectral_radius(target):
    torch.manual_seed(0)
    rnn = nn.RNN(3, 16, num_layers=2, bidirectional=True)
    weight_ih = rnn.weight_ih_l0.detach().clone()
    assert scale_recurrent_weights(rnn, target) is rnn
    hh = [p for name, p in rnn.named_parameters() if name.startswith("weight_hh")]
    assert len(hh) == 4
    for weight in hh:
        radius = np.abs(np.linalg.eigvals(weight.detach().double().numpy())).max()
        assert radius == pytest.approx(target, rel=1e-5)
    torch.testing.assert_close(rnn.weight_ih_l0, weight_ih)


def test_scale_recurrent_weights_errors():
    with pytest.raises(TypeError, match="gate matrices"):
        scale_recurrent_weights(nn.LSTM(3, 4), 1.0)
    with pytest.raises(ValueError, match="`spectral_radius` must be a finite number > 0"):
        scale_recurrent_weights(nn.RNN(3, 4), -1.0)
    rnn = nn.RNN(3, 4)
    with torch.no_grad():
        rnn.weight_hh_l0.zero_()
    with pytest.raises(ValueError, match="spectral radius 0"):
        scale_recurrent_weights(rnn, 1.0)
    with pytest.raises(ValueError, match="must be square"):
        spectral_radius(torch.zeros(2, 3))
    assert spectral_radius(torch.diag(torch.tensor([0.5, -2.0]))) == pytest.approx(2.0)
