"""The Jacobian products of lesson 04 equal torch's autograd; the latching table and figure
show exactly the committed records."""

import numpy as np
import pytest
import torch
from torch import nn

import widgets
from widgets.experiments import accuracy_table, load_results, mean_accuracy
from widgets.figures.latching import latching_figure
from widgets.jacobians import jacobian_norms, jacobian_product, step_jacobian


def small_rnn(nonlinearity="tanh", hidden_size=6, steps=13, seed=0):
    """A float64 nn.RNN, its inputs (steps, 3) and its states hs (steps, hidden_size)."""
    torch.manual_seed(seed)
    rnn = nn.RNN(3, hidden_size, nonlinearity=nonlinearity).double()
    with torch.no_grad():
        rnn.weight_hh_l0.mul_(2.0)  # larger weights: relu units switch on and off
    xs = torch.randn(steps, 3, dtype=torch.float64)
    with torch.no_grad():
        hs = rnn(xs.unsqueeze(1))[0][:, 0].numpy()
    return rnn, xs, hs


def autograd_jacobian(rnn, xs, hs, k):
    """∂h_T/∂h_k by torch: run the module from h_k over the inputs after step k."""
    def last_state(h_k):
        return rnn(xs[k + 1:].unsqueeze(1), h_k.view(1, 1, -1))[1].view(-1)
    h_k = torch.tensor(hs[k])
    if k == len(hs) - 1:
        return np.eye(len(h_k))
    return torch.autograd.functional.jacobian(last_state, h_k).numpy()


@pytest.mark.parametrize("nonlinearity", ["tanh", "relu"])
def test_jacobian_product_equals_autograd(nonlinearity):
    rnn, xs, hs = small_rnn(nonlinearity)
    weight_hh = rnn.weight_hh_l0.detach().numpy()
    for k in (0, 1, 6, len(hs) - 2, len(hs) - 1):
        expected = autograd_jacobian(rnn, xs, hs, k)
        actual = jacobian_product(hs, weight_hh, k, nonlinearity=nonlinearity)
        np.testing.assert_allclose(actual, expected, rtol=1e-9, atol=1e-12)
    if nonlinearity == "relu":  # the relu mask did switch some units off
        assert (hs == 0).any() and (hs > 0).any()


def test_step_jacobian_is_one_factor_of_the_product():
    rnn, xs, hs = small_rnn()
    weight_hh = rnn.weight_hh_l0.detach().numpy()
    T = len(hs) - 1
    np.testing.assert_allclose(step_jacobian(hs[T], weight_hh), jacobian_product(hs, weight_hh,
                               T - 1), rtol=1e-12)
    np.testing.assert_allclose(step_jacobian(hs[T], weight_hh),
                               autograd_jacobian(rnn, xs, hs, T - 1), rtol=1e-9, atol=1e-12)
    # the slope scales the rows: row i is (1 - h_T[i]²) times row i of weight_hh
    np.testing.assert_allclose(step_jacobian(hs[T], weight_hh)[2],
                               (1 - hs[T, 2] ** 2) * weight_hh[2])
    np.testing.assert_array_equal(jacobian_product(hs, weight_hh, T), np.eye(weight_hh.shape[0]))


def test_jacobian_norms_match_the_products_and_their_bound():
    rnn, _, hs = small_rnn(hidden_size=5, steps=20)
    weight_hh = rnn.weight_hh_l0.detach().numpy()
    norms = jacobian_norms(hs, weight_hh)
    assert norms.shape == (len(hs),) and norms[-1] == pytest.approx(1.0)
    for k in range(len(hs)):
        assert norms[k] == pytest.approx(np.linalg.norm(jacobian_product(hs, weight_hh, k), 2),
                                         rel=1e-10)
    largest_singular_value = np.linalg.norm(weight_hh, 2)
    distance = np.arange(len(hs) - 1, -1, -1)
    assert (norms <= largest_singular_value ** distance * (1 + 1e-12)).all()


def test_bad_arguments_are_named():
    rnn, _, hs = small_rnn()
    weight_hh = rnn.weight_hh_l0.detach().numpy()
    with pytest.raises(ValueError, match="`k` must be in"):
        jacobian_product(hs, weight_hh, len(hs))
    with pytest.raises(ValueError, match="`hs` must have shape"):
        jacobian_product(hs.T, weight_hh, 0)
    with pytest.raises(ValueError, match="`weight_hh` must have shape"):
        jacobian_norms(hs, weight_hh[:, :3])
    with pytest.raises(ValueError, match="`h_t` must have shape"):
        step_jacobian(hs[0, :3], weight_hh)
    with pytest.raises(ValueError, match="`nonlinearity` must be one of"):
        step_jacobian(hs[0], weight_hh, nonlinearity="sigmoid")
    with pytest.raises(TypeError, match="`hs` must be an array of numbers"):
        jacobian_norms("states", weight_hh)


def test_accuracy_table_holds_the_committed_records():
    results = load_results()
    distances, seeds, table = accuracy_table(results, "rnn")
    assert table.shape == (len(distances), len(seeds)) and len(seeds) >= 3
    assert distances == sorted(distances)
    for i, distance in enumerate(distances):
        assert table[i].mean() == pytest.approx(mean_accuracy(results, "rnn", distance))
    with pytest.raises(ValueError, match="`model` must be one of"):
        accuracy_table(results, "transformer")
    holey = {"results": [r for r in results["results"]
                         if not (r["model"] == "rnn" and r["distance"] == 30 and r["seed"] == 1)]}
    with pytest.raises(ValueError, match="distance=30, seed=1"):
        accuracy_table(holey, "rnn")
    with pytest.raises(TypeError, match="`results` must be the dict"):
        accuracy_table([], "rnn")


def test_latching_figure_shows_every_seed_and_the_mean():
    results = load_results()
    fig = latching_figure(results, models=["rnn", "lstm, forget bias 1"])
    for model in ("rnn", "lstm, forget bias 1"):
        distances, seeds, table = accuracy_table(results, model)
        traces = [t for t in fig.data if t.legendgroup == model]
        assert len(traces) == len(seeds) + 1
        np.testing.assert_allclose([t.y for t in traces[:-1]], table.T)
        np.testing.assert_allclose(traces[-1].y, table.mean(axis=1))
        assert list(traces[-1].x) == distances
    symbols = {t.marker.symbol for t in fig.data if t.mode == "lines+markers"}
    assert len(symbols) == 2  # the two models differ by more than colour
    with pytest.raises(ValueError, match="`models` must be a non-empty list"):
        latching_figure(results, models="rnn")


def test_states_from_the_numpy_reference_give_the_same_product():
    torch.manual_seed(1)
    rnn = nn.RNN(2, 4).double()
    xs = np.random.default_rng(0).normal(size=(8, 2))
    hs = widgets.rnn_forward(xs, np.zeros(4), **widgets.cell_params(rnn))
    expected = autograd_jacobian(rnn, torch.tensor(xs), hs, 2)
    np.testing.assert_allclose(jacobian_product(hs, widgets.cell_params(rnn)["weight_hh"], 2),
                               expected, rtol=1e-9, atol=1e-12)
