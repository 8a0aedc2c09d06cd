"""Discover related pairs: every pair of indicators from different agencies, ranked, with q-values.

``discover`` correlates every pair of numeric indicators (a categorical one has no numbers and
is left out) produced by *different* agencies at one level and year, controls the
false-discovery rate with Benjamini–Hochberg and writes the *wawasan* (insight) list: the
significant pairs that are neither two producers' figures of one concept nor two sizes that
grow with the region, each said in one sentence. The
observations of the year are read once for all indicators (two queries), joined into one
region × indicator table, and each pair is two of its columns; see ``docs/insight.md``.
Each indicator's values come from one dataset (its authoritative one, or one asked for with
``sumber``); every indicator entry names it and the other datasets publishing the indicator,
and says whether its figures are synthetic. A pair of a real and a synthetic indicator is
marked (``mixed_data``) and its sentence says so, naming both: its correlation means nothing as
a statistic.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from graph.answer.runners import Runner, run_here
from graph.errors import ParameterError
from graph.insight.catalogue import SUMMABLE, InsightCatalogue, indicator_json, read_catalogue
from graph.insight.correlate import figure_cell
from graph.insight.observations import (
    IndicatorValues,
    InsightInputs,
    ObservationSource,
    indicator_values,
    insight_inputs,
    store_source,
)
from graph.insight.refusals import level_problems, period_problem
from graph.insight.statistics import DEFAULT_FDR, DEFAULT_MIN_N, Stats, adjust_p_values, correlation_stats
from graph.insight.wording import caveat, data_note, discovery_method, pair_statement
from graph.rdf.iris import Iris
from graph.reference.indicators import Indicator
from graph.spreadsheet import CsvDialect, csv_bytes
from graph.store.interface import Store
from graph.text import Text

__all__ = ["Discovery", "discover"]

_NUMBERS = ["pearson_r", "pearson_p", "q_value", "spearman_rho", "spearman_p"]
_FLAGS = ["small_n", "significant", "same_concept", "size_effect", "mixed_data"]


@dataclass(frozen=True)
class Discovery:
    """Every cross-agency pair of indicators at one level and year, ranked by |r|."""

    level: str
    period: str
    min_n: int
    fdr: float
    indicators: list[dict[str, Any]]
    skipped: list[dict[str, Any]]
    pairs: list[dict[str, Any]]
    synthetic: bool  # some of the indicators' figures are synthetic
    data_note: Text | None = None  # which are real and which synthetic (``wording.data_note``)

    @property
    def wawasan(self) -> list[dict[str, Any]]:
        """Significant pairs that are neither two measures of one concept nor two sizes."""
        return [
            {
                k: p[k]
                for k in ("x", "y", "n", "pearson_r", "spearman_rho", "q_value", "mixed_data", "statement")
            }
            for p in self.pairs
            if p["significant"] and not p["same_concept"] and not p["size_effect"]
        ]

    @property
    def caveat(self) -> Text:
        return caveat(self.data_note, False, self.min_n)

    @property
    def method(self) -> Text:
        return discovery_method(self.fdr, self.min_n)

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "period": self.period,
            "min_n": self.min_n,
            "fdr": self.fdr,
            "method": self.method,
            "indicators": self.indicators,
            "skipped": self.skipped,
            "wawasan": self.wawasan,
            "pairs": self.pairs,
            "synthetic": self.synthetic,
            "data_note": self.data_note,
            "caveat": self.caveat,
        }

    def to_csv(self, dialect: CsvDialect = "excel") -> bytes:
        """The ranked pairs as CSV (flags as ``true``/``false`` in both dialects)."""
        rows = [
            [p["x"]["indicator"], p["y"]["indicator"], p["n"]]
            + [figure_cell(p[k], dialect) for k in _NUMBERS]
            + [str(p[k]).lower() for k in _FLAGS]
            for p in self.pairs
        ]
        return csv_bytes(["x", "y", "n", *_NUMBERS, *_FLAGS], rows, dialect)


def discover(
    store: Store,
    iris: Iris,
    level: str,
    period: str | None,
    *,
    home_region: str,
    min_n: int = DEFAULT_MIN_N,
    fdr: float = DEFAULT_FDR,
    catalogue: InsightCatalogue | None = None,
    run: Runner | None = None,
    sources: Sequence[str] = (),
    observations: ObservationSource | None = None,
) -> Discovery:
    """Correlate every pair of indicators from different agencies at ``level`` in ``period``.

    ``period`` None: the latest year with values at the level. Pairs are ranked by
    |Pearson r|; Pearson p-values of all pairs with a coefficient are adjusted with
    Benjamini–Hochberg (``scipy.stats.false_discovery_control``). A pair is
    significant when q ≤ ``fdr`` and n ≥ ``min_n``; smaller pairs are marked ``small_n``.

    ``sources``: dataset slugs (``sumber``) whose figures are used for the indicators they
    publish, instead of the authoritative datasets.

    Raises:
        ParameterError: an unknown level or dataset, or a period that is not a year with values.
        QueryError, StoreError: the store failed or ran past the time limit.
    """
    runner = run or run_here(store)
    read = observations or store_source(runner, iris)
    cat = (catalogue or runner(read_catalogue, iris, home_region)).choose(sources)
    problems = level_problems(level) or cat.asked_problems(sources, sorted(cat.indicators))
    if problems:
        raise ParameterError(problems)
    period = _period(cat, level, period)
    inputs = insight_inputs(cat, period, read(period, None))
    found, skipped = _values(inputs, cat, level)
    used = {s: cat.used(s) for s in found}  # with ``synthetic`` of the figures used
    pairs = _pairs(used, found, min_n)
    _adjust(pairs, fdr, level, period)
    pairs.sort(
        key=lambda p: (
            p["pearson_r"] is None,
            -abs(p["pearson_r"] or 0.0),
            p["x"]["indicator"],
            p["y"]["indicator"],
        )
    )
    for rank, p in enumerate(pairs, start=1):
        p["rank"] = rank
    indicators = [
        {
            **indicator_json(used[s]),
            "aggregation": v.rule,
            "regions": len(v.values),
            "source": cat.source(s).as_dict(),
        }
        for s, v in found.items()
    ]
    synthetic = any(i.synthetic for i in used.values())
    note = data_note(list(used.values()))
    return Discovery(level, period, min_n, fdr, indicators, skipped, pairs, synthetic, note)


def _period(cat: InsightCatalogue, level: str, period: str | None) -> str:
    """The year asked for, when it has values; left out, the latest year in which indicators of
    two agencies or more are well covered (else the latest with values)."""
    numeric = [s for s in cat.indicators if not cat.is_categorical(s)]
    years = sorted({yr for s in numeric for yr in cat.years(s, level)})
    if period is None:
        agencies: dict[str, set[str]] = {}
        for slug in numeric:
            for year in cat.well_covered(slug, level):
                agencies.setdefault(year, set()).add(cat.indicators[slug].agency)
        broad = [yr for yr in years if len(agencies.get(yr, ())) >= 2]
        period = (broad or years)[-1] if years else None
    if period is None or period not in years:
        raise ParameterError([period_problem(period, years, "any indicator", level)])
    return period


def _values(
    inputs: InsightInputs, cat: InsightCatalogue, level: str
) -> tuple[dict[str, IndicatorValues], list[dict[str, Any]]]:
    """Each numeric indicator's values at the level, and those without any (and why); categorical
    ones are no numbers to correlate and are left out (the map and ``category-count`` show them)."""
    found: dict[str, IndicatorValues] = {}
    skipped = []
    for slug in sorted(s for s in cat.indicators if not cat.is_categorical(s)):
        values = indicator_values(inputs, cat.indicators, slug, level)
        if isinstance(values, IndicatorValues) and len(values.values):
            found[slug] = values
        else:
            reason = values if not isinstance(values, IndicatorValues) else Text("tanpa nilai", "no values")
            skipped.append({"indicator": slug, "reason": reason})
    return found, skipped


def _pairs(used: dict[str, Indicator], found: dict[str, IndicatorValues], min_n: int) -> list[dict[str, Any]]:
    """Every pair of indicators from two agencies, correlated over the regions both have."""
    # One table, region x indicator, joined once; each pair is two of its columns.
    wide = pd.DataFrame({s: v.values for s, v in found.items()})
    column = {s: wide[s].to_numpy(dtype=float) for s in wide.columns}
    pairs = []
    for a, b in itertools.combinations(sorted(found), 2):
        x, y = used[a], used[b]
        if x.agency == y.agency:
            continue
        both = np.isfinite(column[a]) & np.isfinite(column[b])
        result = correlation_stats(column[a][both], column[b][both])
        pairs.append(_pair(x, y, int(both.sum()), result, min_n))
    return pairs


def _adjust(pairs: list[dict[str, Any]], fdr: float, level: str, period: str) -> None:
    """Benjamini–Hochberg q-values over the pairs with a coefficient; the significant ones said."""
    notes = {id(p): p.pop("data_note") for p in pairs}
    tested = [p for p in pairs if p["pearson_p"] is not None]
    if not tested:
        return
    adjusted = adjust_p_values([p["pearson_p"] for p in tested])
    for p, q in zip(tested, adjusted, strict=True):
        p["q_value"] = float(q)
        p["significant"] = bool(q <= fdr and not p["small_n"])
        statement, note = pair_statement(p, level, period), notes[id(p)]
        if note is not None:  # a real indicator against a synthetic one: said, naming both
            statement = Text(f"{statement.id} {note.id}", f"{statement.en} {note.en}")
        p["statement"] = statement


def _pair(x: Indicator, y: Indicator, n: int, result: Stats | None, min_n: int) -> dict[str, Any]:
    return {
        "rank": 0,
        "x": _side(x),
        "y": _side(y),
        "n": n,
        "pearson_r": None if result is None else result.pearson_r,
        "pearson_p": None if result is None else result.pearson_p,
        "q_value": None,
        "spearman_rho": None if result is None else result.spearman_rho,
        "spearman_p": None if result is None else result.spearman_p,
        "small_n": n < min_n,
        "significant": False,
        # Two producers' figures of one concept (e.g. registered vs projected population):
        # their agreement is a coherence check, not an insight.
        "same_concept": x.concept is not None and x.concept == y.concept,
        # Two sizes (counts, areas) of the same regions rise together with region size.
        "size_effect": x.kind in SUMMABLE and y.kind in SUMMABLE,
        # A real indicator against a synthetic one: the correlation means nothing as a statistic.
        "mixed_data": x.synthetic != y.synthetic,
        "data_note": data_note([x, y]) if x.synthetic != y.synthetic else None,
        "statement": None,
    }


def _side(i: Indicator) -> dict[str, Any]:
    return {
        "indicator": i.slug,
        "label": i.label,
        "agency": i.agency,
        "measure_kind": i.kind,
        "synthetic": i.synthetic,
    }
