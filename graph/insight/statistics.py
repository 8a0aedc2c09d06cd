"""The statistics of insight: correlation coefficients, the least-squares line, outliers, q-values.

Everything here is a pure function of numbers (``scipy.stats`` underneath), so that it can
be checked on constructed cases without a graph: Pearson and Spearman with their p-values
and the regression line of y on x (``correlation_stats``), externally studentized residuals
to name the regions far from the line (``studentized_residuals``), and Benjamini–Hochberg
q-values over many tested pairs (``adjust_p_values``). The thresholds the analyses use by
default live here too; see ``docs/insight.md``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy import stats

__all__ = [
    "DEFAULT_FDR",
    "DEFAULT_MIN_N",
    "OUTLIER_THRESHOLD",
    "Stats",
    "adjust_p_values",
    "correlation_stats",
    "finite",
    "outlier_p_value",
    "studentized_residuals",
]

DEFAULT_MIN_N = 8  # fewer joined regions than this: marked small_n, never called significant
DEFAULT_FDR = 0.05  # Benjamini–Hochberg false-discovery rate
OUTLIER_THRESHOLD = 2.5  # |externally studentized residual| above this: an outlier


@dataclass(frozen=True)
class Stats:
    """Correlation and least-squares line of y on x (scipy.stats)."""

    n: int
    pearson_r: float
    pearson_p: float
    spearman_rho: float
    spearman_p: float
    slope: float
    intercept: float
    r_squared: float
    slope_stderr: float
    intercept_stderr: float

    def predicted(self, x: float) -> float:
        """The line's y at ``x``."""
        return self.intercept + self.slope * x

    def as_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "pearson": {"r": self.pearson_r, "p_value": self.pearson_p},
            "spearman": {"rho": self.spearman_rho, "p_value": self.spearman_p},
            "regression": {
                "slope": self.slope,
                "intercept": self.intercept,
                "r_squared": self.r_squared,
                "slope_stderr": self.slope_stderr,
                "intercept_stderr": self.intercept_stderr,
            },
        }


def correlation_stats(x: Iterable[float], y: Iterable[float]) -> Stats | None:
    """Pearson, Spearman and the regression of y on x; None below 3 points or for a constant series.

    >>> s = correlation_stats([1, 2, 3, 4], [2, 4, 6, 8.5])
    >>> round(s.pearson_r, 3), s.spearman_rho, s.n
    (0.998, 1.0, 4)
    """
    xs, ys = np.asarray(list(x), dtype=float), np.asarray(list(y), dtype=float)
    if len(xs) < 3 or np.ptp(xs) == 0 or np.ptp(ys) == 0:
        return None
    pearson = stats.pearsonr(xs, ys)
    spearman = stats.spearmanr(xs, ys)
    line = stats.linregress(xs, ys)
    return Stats(
        n=len(xs),
        pearson_r=float(pearson.statistic),
        pearson_p=float(pearson.pvalue),
        spearman_rho=float(spearman.statistic),
        spearman_p=float(spearman.pvalue),
        slope=float(line.slope),
        intercept=float(line.intercept),
        r_squared=float(line.rvalue) ** 2,
        slope_stderr=float(line.stderr),
        intercept_stderr=float(line.intercept_stderr),
    )


def adjust_p_values(p_values: Iterable[float]) -> np.ndarray:
    """Benjamini–Hochberg q-values (``scipy.stats.false_discovery_control``), in the given order.

    >>> adjust_p_values([0.01, 0.04, 0.03, 0.005]).round(3).tolist()
    [0.02, 0.04, 0.04, 0.02]
    """
    ps = np.asarray(list(p_values), dtype=float)
    return ps.copy() if len(ps) == 0 else np.asarray(stats.false_discovery_control(ps, method="bh"))


def studentized_residuals(x: Iterable[float], y: Iterable[float]) -> np.ndarray:
    """Externally studentized residuals of the least-squares line of y on x.

    Each point's residual divided by the line's error estimated *without* that point:
    e_i / (s_(i) √(1 − h_i)), with leverage h_i = 1/n + (x_i − x̄)² / Σ(x − x̄)² and
    s_(i)² = (SSE − e_i² / (1 − h_i)) / (n − 3). Equal to the prediction t-statistic of
    point i from the line fitted to the others; the line is scipy's ``linregress``.
    Needs n ≥ 4 and a non-constant x.
    """
    xs, ys = np.asarray(list(x), dtype=float), np.asarray(list(y), dtype=float)
    n = len(xs)
    if n < 4 or np.ptp(xs) == 0:
        raise ValueError("studentized residuals need n >= 4 points and a non-constant x")
    line = stats.linregress(xs, ys)
    residuals = ys - (line.intercept + line.slope * xs)
    leverage = 1 / n + (xs - xs.mean()) ** 2 / ((xs - xs.mean()) ** 2).sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        s2 = ((residuals**2).sum() - residuals**2 / (1 - leverage)) / (n - 3)
        t = residuals / np.sqrt(np.clip(s2, 0, None) * (1 - leverage))
    return np.where(np.isnan(t), 0.0, t)


def outlier_p_value(t: float, n: int) -> float:
    """The two-sided p-value of an externally studentized residual ``t`` among ``n`` points.

    >>> round(outlier_p_value(3.0, 20), 4)
    0.0081
    """
    return float(2 * stats.t.sf(abs(t), n - 3))


def finite(value: Any) -> float | None:
    """The number, or None for NaN and infinities (JSON has no place for them).

    >>> finite(2), finite(float("nan"))
    (2.0, None)
    """
    number = float(value)
    return number if math.isfinite(number) else None
