"""Paired bootstrap: intervals checked against a small case computed by hand."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.evaluation import bootstrap, metrics


def test_mean_interval_matches_a_hand_computed_case():
    values = [1.0, 0.0, 0.5]
    indices = np.array([[0, 0, 0], [1, 1, 2], [0, 1, 2], [2, 2, 2], [0, 1, 1]])
    # resampled means by hand: 1, 1/6, 1/2, 1/2, 1/3 -> sorted 1/6, 1/3, 1/2, 1/2, 1
    means = [1 / 6, 1 / 3, 1 / 2, 1 / 2, 1.0]
    interval = bootstrap.mean_interval(values, indices)
    assert interval.value == pytest.approx(0.5)
    assert interval.items == 3
    assert (interval.low, interval.high) == pytest.approx((metrics.percentile(means, 2.5), metrics.percentile(means, 97.5)))
    # linear interpolation between closest ranks: position 0.1 and 3.9 of the sorted means
    assert interval.low == pytest.approx(1 / 6 + 0.1 * (1 / 3 - 1 / 6))
    assert interval.high == pytest.approx(0.5 + 0.9 * 0.5)


def test_a_paired_difference_resamples_items_not_configurations():
    first = [0.0, 1.0, None, 1.0]
    second = [1.0, 1.0, 0.5, 0.0]
    indices = np.array([[0, 0, 1, 2], [3, 3, 3, 3], [1, 2, 2, 2]])
    # per-item differences: +1, 0, undefined, −1; resampled means: (1+1+0)/3, −1, 0/1 -> sorted −1, 0, 2/3
    interval = bootstrap.difference_interval(first, second, indices)
    assert interval.value == pytest.approx(0.0)
    assert (interval.items, interval.differing) == (3, 2)
    assert interval.low == pytest.approx(-1 + 0.05 * 1)
    assert interval.high == pytest.approx(0 + 0.95 * 2 / 3)
    assert not interval.significant


def test_a_constant_improvement_is_significant_and_the_seed_fixes_the_draw():
    interval = bootstrap.difference_interval([0.0] * 20, [0.25] * 20, bootstrap.resample_indices(20, 200, 0))
    assert (interval.value, interval.low, interval.high, interval.differing) == (0.25, 0.25, 0.25, 20)
    assert interval.significant
    assert (bootstrap.resample_indices(5, 3, 7) == bootstrap.resample_indices(5, 3, 7)).all()
    assert bootstrap.mean_interval([None, None], bootstrap.resample_indices(2, 10)) is None


def test_one_unanswerable_item_in_few_moves_refusal_accuracy_widely():
    # 21 unanswerable items, 19 refused: the interval spans several items' worth (1/21 = 4.8 points each)
    refused = [1.0] * 19 + [0.0] * 2
    interval = bootstrap.mean_interval(refused, bootstrap.resample_indices(21, 1000, 0))
    assert interval.value == pytest.approx(19 / 21)
    assert interval.high - interval.low > 2 / 21


def test_average_precision_and_precision_at_k():
    assert metrics.average_precision((2, None, 4)) == pytest.approx((1 / 2 + 2 / 4) / 3)
    assert metrics.average_precision((1, 1)) == pytest.approx(1 / 2)  # one unit covering two groups counts once
    assert metrics.average_precision(()) == 0.0
    assert metrics.precision_at((True, False, True), 2) == 0.5
    assert metrics.precision_at((True,), 5) == 0.2


def test_a_bound_at_zero_up_to_rounding_is_not_significant():
    # 0.1 + 0.2 − 0.3 is 5.6e-17, not 0: the interval [~0, 0.5] contains 0
    assert not bootstrap.Interval(0.2, 0.1 + 0.2 - 0.3, 0.5, 10).significant
    assert not bootstrap.Interval(-0.2, -0.5, 0.3 - 0.2 - 0.1, 10).significant
    assert bootstrap.Interval(0.2, 0.01, 0.5, 10).significant
