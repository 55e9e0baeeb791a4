"""The long-range tasks: shapes, dtypes, targets recomputed from the inputs, determinism."""

from __future__ import annotations

import pytest
import torch

from widgets.data.tasks import ADDING_BASELINE_MSE, adding_problem, latching, recall_first

TASKS = [adding_problem, latching, recall_first]


def test_adding_problem_targets_are_the_sum_of_the_marked_values():
    inputs, target = adding_problem(20, 64, 0)
    assert inputs.shape == (64, 20, 2) and target.shape == (64, 1)
    assert inputs.dtype == target.dtype == torch.float32
    values, markers = inputs[..., 0], inputs[..., 1]
    assert ((values >= 0) & (values < 1)).all()
    assert (markers.sum(1) == 2).all() and set(markers.unique().tolist()) == {0.0, 1.0}
    assert (markers[:, :10].sum(1) == 1).all() and (markers[:, 10:].sum(1) == 1).all()
    torch.testing.assert_close(target[:, 0], (values * markers).sum(1))


def test_adding_problem_baseline_of_predicting_one():
    _, target = adding_problem(10, 20_000, 1)
    mse = ((target - 1.0) ** 2).mean().item()
    assert ADDING_BASELINE_MSE == pytest.approx(2 / 12)
    assert mse == pytest.approx(ADDING_BASELINE_MSE, abs=0.01)


def test_latching_holds_one_bit_at_step_zero():
    inputs, target = latching(30, 200, 2)
    assert inputs.shape == (200, 30, 1) and target.shape == (200, 1)
    assert inputs.dtype == target.dtype == torch.float32
    assert (inputs[:, 1:] == 0).all()
    torch.testing.assert_close(target[:, 0], (inputs[:, 0, 0] > 0).float())
    assert set(inputs[:, 0, 0].tolist()) == {-1.0, 1.0}
    assert 0.3 < target.mean().item() < 0.7


def test_recall_first_targets_are_the_first_symbol():
    inputs, target = recall_first(15, 300, 3, num_symbols=5)
    assert inputs.shape == (300, 15, 5) and target.shape == (300,)
    assert inputs.dtype == torch.float32 and target.dtype == torch.int64
    assert (inputs.sum(2) == 1).all()
    assert torch.equal(inputs[:, 0].argmax(1), target)
    assert set(target.tolist()) == set(range(5))
    assert not torch.equal(inputs[:, 1:].argmax(2), target[:, None].expand(-1, 14))


@pytest.mark.parametrize("task", TASKS)
def test_tasks_are_deterministic_per_seed_and_generator(task):
    first, again = task(12, 8, 5), task(12, 8, 5)
    assert all(torch.equal(a, b) for a, b in zip(first, again, strict=True))
    assert not torch.equal(task(12, 8, 6)[0], first[0])
    g1, g2 = torch.Generator().manual_seed(9), torch.Generator().manual_seed(9)
    batch1, batch2 = task(12, 8, g1), task(12, 8, g2)
    assert all(torch.equal(a, b) for a, b in zip(batch1, batch2, strict=True))
    assert not torch.equal(task(12, 8, g1)[0], batch1[0])  # the generator moved on


@pytest.mark.parametrize("task", TASKS)
def test_tasks_reject_bad_arguments(task):
    with pytest.raises(ValueError, match=r"`seq_len` must be in \[\d, ...\], got 0"):
        task(0, 4, 0)
    with pytest.raises(TypeError, match="`batch_size` must be an integer, got float"):
        task(5, 4.0, 0)
    with pytest.raises(ValueError, match=r"`batch_size` must be in \[1, ...\], got 0"):
        task(5, 0, 0)
    with pytest.raises(TypeError, match="`generator` must be a torch.Generator or an int seed"):
        task(5, 4, None)
    with pytest.raises(ValueError, match="`generator` as a seed must be >= 0, got -1"):
        task(5, 4, -1)


def test_task_specific_bounds():
    with pytest.raises(ValueError, match=r"`seq_len` must be in \[2, ...\], got 1"):
        adding_problem(1, 4, 0)
    with pytest.raises(ValueError, match=r"`num_symbols` must be in \[2, ...\], got 1"):
        recall_first(5, 4, 0, num_symbols=1)
