"""`set_seed` and `fit`: deterministic, really training, clipping, schedules, errors."""

import numpy as np
import pytest
import torch
from torch import nn

from widgets import training
from widgets.training import History, fit, set_seed


def regression_batches(seed=0, count=8):
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(count * 16, 3, generator=generator)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.3
    return [(x[i:i + 16], y[i:i + 16]) for i in range(0, len(x), 16)]


def train_once(**kwargs):
    set_seed(0)
    model = nn.Linear(3, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    return model, fit(model, regression_batches(), nn.functional.mse_loss, opt, **kwargs)


def test_fit_learns_and_reports_history():
    _, history = train_once(epochs=20)
    assert isinstance(history, History)
    assert len(history.loss) == 20 * 8 and len(history.epoch_loss) == 20
    assert history.epoch_loss[-1] < 0.01 * history.epoch_loss[0]
    assert history.final_loss == history.epoch_loss[-1]
    assert history.seconds > 0


def test_fit_is_deterministic_with_set_seed():
    assert train_once(epochs=3)[1].loss == train_once(epochs=3)[1].loss


def test_set_seed_seeds_numpy_and_torch():
    set_seed(5)
    a = (np.random.rand(3), torch.rand(3))
    set_seed(5)
    b = (np.random.rand(3), torch.rand(3))
    np.testing.assert_array_equal(a[0], b[0])
    assert torch.equal(a[1], b[1])
    assert torch.get_num_threads() == 1


def test_steps_with_a_batch_making_callable_and_evaluate():
    set_seed(0)
    model = nn.Linear(3, 1)
    opt = torch.optim.Adam(model.parameters(), lr=0.05)
    data = regression_batches(count=1)[0]
    calls = []
    history = fit(model, lambda step: data, nn.functional.mse_loss, opt, steps=25,
                  evaluate=lambda: calls.append(model.training) or len(calls))
    assert len(history.loss) == 25
    assert len(history.epoch_loss) == len(history.evaluations) == 13  # chunks of 2 steps
    assert calls and not any(calls)  # evaluate runs in eval mode
    assert not model.training


def test_tuple_inputs_are_unpacked():
    class Two(nn.Module):
        def __init__(self):
            super().__init__()
            self.linear = nn.Linear(3, 1)

        def forward(self, x, scale):
            return self.linear(x) * scale

    model = Two()
    x, y = regression_batches(count=1)[0]
    history = fit(model, [((x, 2.0), y)], nn.functional.mse_loss,
                  torch.optim.SGD(model.parameters(), lr=0.01), epochs=2)
    assert len(history.loss) == 2


def test_clip_bounds_the_update():
    model = nn.Linear(3, 1)
    before = torch.cat([p.detach().flatten() for p in model.parameters()])
    x = torch.full((4, 3), 1000.0)
    y = torch.zeros(4, 1)
    fit(model, [(x, y)], nn.functional.mse_loss, torch.optim.SGD(model.parameters(), lr=1.0),
        epochs=1, clip=0.5)
    after = torch.cat([p.detach().flatten() for p in model.parameters()])
    assert torch.linalg.vector_norm(after - before) <= 0.5 + 1e-6


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(), ValueError, "exactly one of `epochs`"),
    (dict(epochs=1, steps=1), ValueError, "exactly one of `epochs`"),
    (dict(epochs=0), ValueError, r"`epochs` must be in \[1"),
    (dict(epochs=1.5), TypeError, "`epochs` must be an integer"),
    (dict(steps=3), TypeError, "`batches` must be a callable"),
])
def test_schedule_errors(kwargs, error, message):
    model = nn.Linear(3, 1)
    with pytest.raises(error, match=message):
        fit(model, regression_batches(), nn.functional.mse_loss,
            torch.optim.SGD(model.parameters(), lr=0.1), **kwargs)


def test_generator_is_refused_for_several_epochs():
    model = nn.Linear(3, 1)
    with pytest.raises(TypeError, match="re-iterable"):
        fit(model, iter(regression_batches()), nn.functional.mse_loss,
            torch.optim.SGD(model.parameters(), lr=0.1), epochs=2)
    with pytest.raises(TypeError, match="must be an iterable"):
        fit(model, lambda s: None, nn.functional.mse_loss,
            torch.optim.SGD(model.parameters(), lr=0.1), epochs=2)


def test_set_seed_errors():
    with pytest.raises(ValueError, match="`seed`"):
        set_seed(-1)
    with pytest.raises(TypeError, match="`seed` must be an integer"):
        set_seed("0")


class FakeDisplay:
    """Stands in for IPython's display: records what is shown, then each update of it."""

    def __init__(self):
        self.shown, self.updates = [], []

    def __call__(self, obj, display_id=False):
        self.shown.append(obj)
        return self if display_id else None

    def update(self, obj):
        self.updates.append(obj)


def test_progress_bar_in_a_notebook(monkeypatch):
    fake = FakeDisplay()
    monkeypatch.setattr(training, "_in_notebook", lambda: True)
    monkeypatch.setattr("IPython.display.display", fake)
    train_once(epochs=2)
    (box,) = fake.shown
    title, bar, stats = box.children
    assert "training" in title.value
    assert bar.value == bar.max == 16 and bar.bar_style == "success"
    assert "16/16" in stats.value and "loss=" in stats.value  # steps done and the last loss
    assert "step/s" in stats.value or "s/step" in stats.value  # tqdm's rate
    assert fake.updates == [box]  # the output is re-sent at the end (static form)


def test_progress_bar_of_a_run_that_diverges(monkeypatch):
    fake = FakeDisplay()
    monkeypatch.setattr(training, "_in_notebook", lambda: True)
    monkeypatch.setattr("IPython.display.display", fake)
    with pytest.raises(training.TrainingDiverged):
        exploding_run(steps=40, progress=True)
    (box,) = fake.shown
    title, bar, stats = box.children
    assert "stopped" in title.value and bar.bar_style == "danger"
    assert bar.value < 40 and "loss=" in stats.value
    assert fake.updates == [box]  # the stopped bar is what a static page shows


def exploding_run(clip=None, lr=10.0, steps=40, progress=False):
    """A linear regression with a far too large learning rate: the loss overflows to inf."""
    set_seed(0)
    model = nn.Linear(3, 1)
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    data = regression_batches()
    return model, fit(model, lambda step: data[step % len(data)], nn.functional.mse_loss, opt,
                      steps=steps, clip=clip, progress=progress)


def test_fit_stops_at_the_first_non_finite_loss_and_says_what_to_do():
    with pytest.raises(training.TrainingDiverged) as info:
        exploding_run()
    error = info.value
    assert isinstance(error, FloatingPointError)
    assert error.step == len(error.history.loss) < 40
    assert not np.isfinite(error.loss) and not np.isfinite(error.history.loss[-1])
    assert np.isfinite(error.history.loss[:-1]).all()
    assert error.last_finite == error.history.loss[-2]
    message = str(error)
    for words in (f"at step {error.step}", f"last finite loss: {error.last_finite:.4g}",
                  "lower learning rate", "clipping"):
        assert words in message
    assert error.history.seconds > 0


def test_fit_makes_no_update_from_a_non_finite_loss():
    set_seed(0)
    model = nn.Linear(3, 1)
    before = [p.detach().clone() for p in model.parameters()]
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x = torch.ones(4, 3)
    with pytest.raises(training.TrainingDiverged, match="at step 1 .*last finite loss: none"):
        fit(model, [(x, torch.full((4, 1), float("nan")))], nn.functional.mse_loss, opt,
            epochs=1, progress=False)
    assert all(torch.equal(a, b) for a, b in zip(before, model.parameters(), strict=True))
    assert not model.training


def test_a_run_that_diverges_trains_to_the_end_with_clipping():
    with pytest.raises(training.TrainingDiverged):
        exploding_run(lr=2.0, steps=60)
    _, history = exploding_run(clip=1.0, lr=2.0, steps=60)
    assert len(history.loss) == 60 and np.isfinite(history.loss).all()
    assert history.loss[-1] < 0.5 * history.loss[0]
