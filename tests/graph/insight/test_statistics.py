"""The statistics on constructed cases, checked against their definitions written out."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from graph.insight.statistics import adjust_p_values, correlation_stats, studentized_residuals


def test_studentized_residuals_equal_leave_one_out_prediction_t_statistics() -> None:
    x = np.arange(20, dtype=float)
    y = 2 * x + 5 + np.sin(x)  # a line with small, deterministic wiggles
    y[13] += 30  # one region far above the line
    found = studentized_residuals(x, y)
    for i in range(len(x)):
        rest = np.arange(len(x)) != i
        line = stats.linregress(x[rest], y[rest])
        residuals = y[rest] - (line.intercept + line.slope * x[rest])
        s = math.sqrt((residuals**2).sum() / (rest.sum() - 2))
        xs = x[rest]
        se = s * math.sqrt(1 + 1 / len(xs) + (x[i] - xs.mean()) ** 2 / ((xs - xs.mean()) ** 2).sum())
        assert found[i] == pytest.approx((y[i] - (line.intercept + line.slope * x[i])) / se, rel=1e-9)
    assert np.flatnonzero(np.abs(found) > 2.5).tolist() == [13]


def test_statistics_need_three_points_and_varying_values() -> None:
    assert correlation_stats([1, 2], [3, 4]) is None
    assert correlation_stats([1, 2, 3, 4], [5, 5, 5, 5]) is None
    found = correlation_stats([1, 2, 3, 4], [1, 3, 2, 4])
    assert found is not None and found.n == 4 and found.pearson_r == pytest.approx(0.8)
    with pytest.raises(ValueError):
        studentized_residuals([1, 2, 3], [1, 2, 4])


def test_benjamini_hochberg_on_a_known_example() -> None:
    # By hand: sorted p 0.005, 0.01, 0.03, 0.04 (m = 4) -> p·m/rank 0.02, 0.02, 0.04, 0.04,
    # then the running minimum from the largest rank down.
    assert adjust_p_values([0.01, 0.04, 0.03, 0.005]).tolist() == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert adjust_p_values([0.01, 0.02, 0.03, 0.04, 0.05]).tolist() == pytest.approx([0.05] * 5)
    assert adjust_p_values([0.5, 0.001]).tolist() == pytest.approx([0.5, 0.002])
    assert adjust_p_values([]).tolist() == []
