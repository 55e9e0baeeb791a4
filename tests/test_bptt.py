"""Hand-written BPTT (widgets/bptt.py) equals torch's autograd and finite differences."""

import numpy as np
import pytest
import torch
from torch import nn

from widgets.bptt import RNNGradients, rnn_backward
from widgets.reference import cell_params, rnn_forward

TOL = 1e-8
INPUT_SIZE, HIDDEN_SIZE, STEPS = 3, 5, 8


def upstream(where, generator):
    """dL/dh_t read directly by the loss: only at the last step, or at every step."""
    grad_hs = generator.standard_normal((STEPS, HIDDEN_SIZE))
    if where == "last":
        grad_hs[:-1] = 0.0
    return grad_hs


def autograd_gradients(module, xs, h0, grad_hs):
    """Run the module one step at a time so that every h_t keeps its own .grad, then backprop
    L = sum_t grad_hs[t] · h_t."""
    xs = torch.tensor(xs, requires_grad=True)
    h0 = torch.tensor(h0[None], requires_grad=True)
    h_t, states = h0, []
    for t in range(len(xs)):
        _, h_t = module(xs[t:t + 1], h_t)
        h_t.retain_grad()
        states.append(h_t)
    loss = sum((torch.from_numpy(g) * h[0]).sum() for g, h in zip(grad_hs, states, strict=True))
    loss.backward()
    total_hs = np.stack([h.grad[0].numpy() for h in states])
    return xs.grad.numpy(), h0.grad[0].numpy(), total_hs


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
@pytest.mark.parametrize("where", ["last", "every"])
def test_bptt_equals_autograd(nonlinearity, where):
    torch.manual_seed(0)
    module = nn.RNN(INPUT_SIZE, HIDDEN_SIZE, nonlinearity=nonlinearity).double()
    generator = np.random.default_rng(1)
    xs = generator.standard_normal((STEPS, INPUT_SIZE))
    h0 = generator.standard_normal(HIDDEN_SIZE)
    grad_hs = upstream(where, generator)
    grad_xs, grad_h0, total_hs = autograd_gradients(module, xs, h0, grad_hs)

    result = rnn_backward(xs, h0, cell_params(module), grad_hs, nonlinearity=nonlinearity)
    assert isinstance(result, RNNGradients)
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        expected = getattr(module, f"{name}_l0").grad.numpy()
        assert np.abs(expected).max() > 1e-3  # the comparison is not between two zeros
        np.testing.assert_allclose(getattr(result, name), expected, rtol=0, atol=TOL)
    np.testing.assert_allclose(result.xs, grad_xs, rtol=0, atol=TOL)
    np.testing.assert_allclose(result.h0, grad_h0, rtol=0, atol=TOL)
    np.testing.assert_allclose(result.hs, total_hs, rtol=0, atol=TOL)


def test_total_gradient_of_early_states_comes_from_later_steps():
    """With a loss on the final state only, every earlier h_t still gets a gradient."""
    torch.manual_seed(2)
    generator = np.random.default_rng(3)
    grad_hs = upstream("last", generator)
    result = rnn_backward(generator.standard_normal((STEPS, INPUT_SIZE)), np.zeros(HIDDEN_SIZE),
                          cell_params(nn.RNN(INPUT_SIZE, HIDDEN_SIZE)), grad_hs)
    np.testing.assert_array_equal(result.hs[-1], grad_hs[-1])
    assert np.all(np.abs(result.hs[:-1]).sum(axis=1) > 0)
    assert result.xs.shape == (STEPS, INPUT_SIZE) and result.h0.shape == (HIDDEN_SIZE,)


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_bptt_matches_finite_differences_on_one_weight(nonlinearity):
    torch.manual_seed(4)
    params = cell_params(nn.RNN(INPUT_SIZE, HIDDEN_SIZE))
    generator = np.random.default_rng(5)
    xs = generator.standard_normal((STEPS, INPUT_SIZE))
    h0 = generator.standard_normal(HIDDEN_SIZE)
    grad_hs = upstream("every", generator)

    def loss(weight):
        changed = params | {"weight_hh": weight}
        return np.sum(grad_hs * rnn_forward(xs, h0, **changed, nonlinearity=nonlinearity))

    row, col, eps = 1, 2, 1e-6
    plus, minus = params["weight_hh"].copy(), params["weight_hh"].copy()
    plus[row, col] += eps
    minus[row, col] -= eps
    numeric = (loss(plus) - loss(minus)) / (2 * eps)
    analytic = rnn_backward(xs, h0, params, grad_hs, nonlinearity).weight_hh[row, col]
    assert abs(numeric) > 1e-3
    assert abs(analytic - numeric) < 1e-7 * max(1.0, abs(numeric))


def test_bptt_errors_name_the_argument():
    params = cell_params(nn.RNN(INPUT_SIZE, HIDDEN_SIZE))
    xs, h0 = np.zeros((STEPS, INPUT_SIZE)), np.zeros(HIDDEN_SIZE)
    with pytest.raises(ValueError, match=r"`grad_hs` has the wrong shape: expected "
                                         r"\(T, hidden_size\) = \(8, 5\), got \(5,\)"):
        rnn_backward(xs, h0, params, np.zeros(HIDDEN_SIZE))
    with pytest.raises(ValueError, match="`nonlinearity` must be one of 'tanh', 'relu'"):
        rnn_backward(xs, h0, params, np.zeros((STEPS, HIDDEN_SIZE)), nonlinearity="sigmoid")
    with pytest.raises(ValueError, match="`h0` has the wrong shape"):
        rnn_backward(xs, np.zeros(2), params, np.zeros((STEPS, HIDDEN_SIZE)))
