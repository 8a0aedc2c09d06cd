"""Correlate two indicators across regions: the joined table, the statistics and the regions far off.

``correlate`` joins two indicators per region (desa or kecamatan) for one year, each
region's values obtained by the aggregation rules (``graph.insight.observations``), and
gives Pearson and Spearman coefficients with n and p-values, the least-squares line and
the regions far from it (``graph.insight.statistics``), the regions left out and why, and
the caveat (``graph.insight.wording``). A refused parameter is a ``ParameterError`` naming
what is allowed (``graph.insight.refusals``); see ``docs/insight.md``.

Each indicator's values come from one dataset (the authoritative one, or one asked for with
``sumber``); what the other datasets publishing it say for the same regions is given beside
each row (``x_other_sources``), never mixed into the values. Whether each indicator's figures
are real or synthetic is that dataset's ``oc:syntheticData``; a real indicator against a
synthetic one is said in the caveat, naming both (``data_note``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from graph.answer.authoritative import SourceUse
from graph.answer.runners import Runner, run_here
from graph.errors import ParameterError
from graph.insight.catalogue import InsightCatalogue, indicator_json, read_catalogue
from graph.insight.observations import (
    NO_OBSERVATION,
    IndicatorValues,
    InsightInputs,
    ObservationSource,
    indicator_values,
    insight_inputs,
    other_sources,
    store_source,
)
from graph.insight.refusals import (
    categorical_problem,
    level_problems,
    period_problem,
    problem,
    unknown_indicator,
)
from graph.insight.statistics import (
    DEFAULT_MIN_N,
    OUTLIER_THRESHOLD,
    Stats,
    correlation_stats,
    finite,
    outlier_p_value,
    studentized_residuals,
)
from graph.insight.wording import caveat, data_note, outlier_rule
from graph.rdf.iris import Iris
from graph.reference.indicators import Indicator
from graph.spreadsheet import CsvDialect, cell_text, csv_bytes, verbatim
from graph.store.interface import Store
from graph.text import Text

__all__ = ["Correlation", "correlate", "figure_cell"]


@dataclass(frozen=True)
class Correlation:
    """Two indicators joined per region for one year, with statistics and outliers."""

    level: str
    period: str
    x: Indicator
    y: Indicator
    x_rule: Text
    y_rule: Text
    # code, region, label, kecamatan, x, y, x_sources, y_sources, studentized_residual, outlier
    table: pd.DataFrame
    excluded: list[dict[str, Any]]
    stats: Stats | None
    min_n: int
    outlier_threshold: float
    sources: dict[str, SourceUse] = field(default_factory=dict)  # "x", "y" -> the dataset used
    # "x", "y" -> other dataset slug -> its values by region code (shown beside, never mixed in)
    others: dict[str, dict[str, pd.Series]] = field(default_factory=dict)

    def other_values(self, name: str, code: str) -> dict[str, float | None]:
        """What the other datasets publishing ``x`` or ``y`` say for one region (slug -> value)."""
        return {
            slug: finite(series[code])
            for slug, series in self.others.get(name, {}).items()
            if code in series.index
        }

    @property
    def small_n(self) -> bool:
        return len(self.table) < self.min_n

    @property
    def synthetic(self) -> bool:
        """Whether some of the figures are synthetic."""
        return self.x.synthetic or self.y.synthetic

    @property
    def mixed_data(self) -> bool:
        """Whether one indicator's figures are real and the other's synthetic."""
        return self.x.synthetic != self.y.synthetic

    @property
    def data_note(self) -> Text | None:
        """Which figures are real and which synthetic, when it matters (``wording.data_note``)."""
        return data_note([self.x, self.y])

    @property
    def caveat(self) -> Text:
        return caveat(self.data_note, self.small_n, self.min_n)

    def records(self) -> list[dict[str, Any]]:
        out = []
        for row in self.table.itertuples(index=False):
            record: dict[str, Any] = {
                "region": row.region,
                "code": row.code,
                "label": row.label,
                "x": finite(row.x),
                "y": finite(row.y),
                "studentized_residual": finite(row.studentized_residual),
                "outlier": bool(row.outlier),
                "x_observations": row.x_sources,
                "y_observations": row.y_sources,
                "x_other_sources": self.other_values("x", str(row.code)),
                "y_other_sources": self.other_values("y", str(row.code)),
            }
            if self.level == "desa":
                record["kecamatan"] = row.kecamatan
            record["impossible"] = self.impossible(record)
            out.append(record)
        return out

    def outliers(self) -> list[dict[str, Any]]:
        """The regions far from the line, farthest first, with what the line predicts for them."""
        rows = self.table[self.table["outlier"]]
        rows = rows.reindex(rows["studentized_residual"].abs().sort_values(ascending=False).index)
        if self.stats is None:  # no line, no outliers
            return []
        out = []
        for row in rows.to_dict("records"):
            predicted = self.stats.predicted(row["x"])
            t = float(row["studentized_residual"])
            p = outlier_p_value(t, self.stats.n)
            out.append(
                {
                    "region": row["region"],
                    "code": row["code"],
                    "label": row["label"],
                    "x": finite(row["x"]),
                    "y": finite(row["y"]),
                    "predicted_y": finite(predicted),
                    "residual": finite(row["y"] - predicted),
                    "studentized_residual": finite(t),
                    "p_value": finite(p),
                    "p_bonferroni": finite(min(1.0, p * self.stats.n)),
                    "direction": "above" if t > 0 else "below",
                }
            )
        return out

    def impossible(self, row: dict[str, Any]) -> list[str]:
        """``x``/``y`` where a region's value lies outside its indicator's declared bounds (oc:minValue,
        oc:maxValue, as the coherence checks read them): a recording error to report to the
        agency, not a finding."""
        return [name for name, info in (("x", self.x), ("y", self.y)) if info.impossible(row[name])]

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "period": self.period,
            "x": {**indicator_json(self.x), "aggregation": self.x_rule, **self._source("x")},
            "y": {**indicator_json(self.y), "aggregation": self.y_rule, **self._source("y")},
            "n": len(self.table),
            "small_n": self.small_n,
            "min_n": self.min_n,
            "stats": None if self.stats is None else self.stats.as_dict(),
            "outlier_rule": outlier_rule(self.outlier_threshold),
            "outliers": self.outliers(),
            "rows": self.records(),
            "excluded": self.excluded,
            "synthetic": self.synthetic,
            "mixed_data": self.mixed_data,
            "data_note": self.data_note,
            "caveat": self.caveat,
        }

    def _source(self, name: str) -> dict[str, Any]:
        use = self.sources.get(name)
        return {} if use is None else {"source": use.as_dict()}

    def to_csv(self, dialect: CsvDialect = "excel") -> bytes:
        """The joined table as CSV (``excel``: BOM, ';', decimal comma, Indonesian headers;
        ``standard``: RFC 4180, English headers)."""
        desa = self.level == "desa"
        if dialect == "excel":
            header = ["kode", "wilayah"] + (["kecamatan"] if desa else [])
            header += [self.x.slug, self.y.slug, "residu_terstudentkan", "pencilan"]
        else:
            header = ["code", "label"] + (["kecamatan"] if desa else [])
            header += [self.x.slug, self.y.slug, "studentized_residual", "outlier"]
        rows = [
            [r.code, r.label]
            + ([r.kecamatan] if desa else [])
            + [figure_cell(v, dialect) for v in (r.x, r.y, r.studentized_residual)]
            + [bool(r.outlier)]
            for r in self.table.itertuples(index=False)
        ]
        return csv_bytes(header, rows, dialect)


def figure_cell(value: Any, dialect: CsvDialect) -> str:
    """A figure as insight's CSV writes it: whole numbers without ".0", others in full; empty for
    none, NaN or infinity.

    >>> figure_cell(148.0, "excel"), figure_cell(0.25, "excel"), figure_cell(None, "standard")
    ('148', '0,25', '')
    """
    number = None if value is None else finite(value)
    if number is None:
        return verbatim("")
    text = repr(number) if number != int(number) or abs(number) >= 1e15 else str(int(number))
    return verbatim(cell_text(text, dialect == "excel", number=True))


def correlate(
    store: Store,
    iris: Iris,
    x: str,
    y: str,
    level: str,
    period: str | None,
    *,
    home_region: str,
    min_n: int = DEFAULT_MIN_N,
    outlier_threshold: float = OUTLIER_THRESHOLD,
    catalogue: InsightCatalogue | None = None,
    run: Runner | None = None,
    sources: Sequence[str] = (),
    observations: ObservationSource | None = None,
) -> Correlation:
    """Join indicators ``x`` and ``y`` per region of ``level`` for year ``period`` and correlate them.

    ``period`` None: the latest year both have values at the level. ``run`` runs the
    store work (in the query workers, within the time limit); ``catalogue`` is
    ``read_catalogue``'s answer when the caller keeps one. ``sources``: dataset slugs
    (``sumber``) to take an indicator's figures from where they publish it, instead of its
    authoritative dataset.

    Raises:
        ParameterError: an unknown or categorical indicator, level or dataset, x equal to y, a
            dataset publishing neither indicator, or a period that is not a year or in which an
            indicator has no values at the level.
        QueryError, StoreError: the store failed or ran past the time limit.
    """
    runner = run or run_here(store)
    read = observations or store_source(runner, iris)
    cat = (catalogue or runner(read_catalogue, iris, home_region)).choose(sources)
    known = [s for s in (x, y) if s in cat.indicators]
    problems = cat.asked_problems(sources, known) if sources and known else []
    problems = problems or _problems(cat, x, y, level)
    if problems:
        raise ParameterError(problems)
    period = _period(cat, x, y, level, period)
    needed = cat.needed(x, level, period) + [s for s in cat.needed(y, level, period) if s != x]
    frame = read(period, tuple(dict.fromkeys(needed)))
    inputs = insight_inputs(cat, period, frame)
    xv, yv = (_values(inputs, cat, name, slug, level) for name, slug in (("x", x), ("y", y)))
    found = _join(inputs, level, cat.used(x), cat.used(y), xv, yv, min_n, outlier_threshold)
    others = {
        name: {d: v.values for d, v in other_sources(inputs, cat, slug, level).items()}
        for name, slug in (("x", x), ("y", y))
    }
    return replace(found, sources={"x": cat.source(x), "y": cat.source(y)}, others=others)


def _problems(cat: InsightCatalogue, x: str, y: str, level: str) -> list[dict[str, Any]]:
    """What is wrong with the level and the two indicators, in the order a person would fix it."""
    asked = (("x", x), ("y", y))
    problems = level_problems(level)
    problems += [
        unknown_indicator(name, slug, cat, level) for name, slug in asked if slug not in cat.indicators
    ]
    problems += [
        categorical_problem(name, slug, cat, level) for name, slug in asked if cat.is_categorical(slug)
    ]
    if problems:
        return problems
    if x == y:
        others = [s for s in cat.with_data(level) if s != x]
        return [problem("y", y, "parameter 'y': harus berbeda dari x / must differ from x", others)]
    allowed = cat.with_data(level)
    return [
        problem(
            name,
            slug,
            f"parameter {name!r}: {slug!r} tidak punya nilai tingkat {level} / has no values at "
            f"{level} level; indicators with {level} values: {', '.join(allowed)}",
            allowed,
        )
        for name, slug in asked
        if not cat.years(slug, level)
    ]


def _period(cat: InsightCatalogue, x: str, y: str, level: str, period: str | None) -> str:
    """The year asked for, when both have values in it; left out, the latest well-covered one."""
    common = sorted(set(cat.years(x, level)) & set(cat.years(y, level)))
    if period is None:
        if not common:
            raise ParameterError([period_problem(None, [], f"both {x} and {y}", level)])
        broad = sorted(set(common) & cat.well_covered(x, level) & cat.well_covered(y, level))
        return (broad or common)[-1]
    if period not in common:
        raise ParameterError([period_problem(period, common, f"both {x} and {y}", level)])
    return period


def _values(
    inputs: InsightInputs, cat: InsightCatalogue, name: str, slug: str, level: str
) -> IndicatorValues:
    found = indicator_values(inputs, cat.indicators, slug, level)
    if not isinstance(found, IndicatorValues):  # the catalogue said otherwise: the data changed
        raise ParameterError([problem(name, slug, f"parameter {name!r}: {found.id} / {found.en}")])
    return found


def _join(
    inputs: InsightInputs,
    level: str,
    x: Indicator,
    y: Indicator,
    xv: IndicatorValues,
    yv: IndicatorValues,
    min_n: int,
    threshold: float,
) -> Correlation:
    regions = inputs.regions[inputs.regions["level"] == level]
    codes = regions.index.intersection(xv.values.index).intersection(yv.values.index)
    table = pd.DataFrame(
        {
            "code": codes,
            "region": regions.loc[codes, "iri"].to_numpy(),
            "label": regions.loc[codes, "label"].to_numpy(),
            "kecamatan": inputs.regions["label"].reindex(regions.loc[codes, "parent"]).fillna("").to_numpy(),
            "x": xv.values[codes].to_numpy(dtype=float),
            "y": yv.values[codes].to_numpy(dtype=float),
            "x_sources": xv.sources[codes].to_numpy(),
            "y_sources": yv.sources[codes].to_numpy(),
        }
    )
    result = correlation_stats(table["x"], table["y"])
    residuals = np.full(len(table), np.nan)
    if result is not None and len(table) >= 4:
        residuals = studentized_residuals(table["x"], table["y"])
    table["studentized_residual"] = residuals
    table["outlier"] = np.abs(np.nan_to_num(residuals)) > threshold
    excluded = _excluded(regions, codes, xv, yv)
    return Correlation(
        level, inputs.period, x, y, xv.rule, yv.rule, table, excluded, result, min_n, threshold
    )


def _excluded(
    regions: pd.DataFrame, joined: pd.Index, xv: IndicatorValues, yv: IndicatorValues
) -> list[dict[str, Any]]:
    """The regions of the level left out of the join, and for each indicator why."""
    excluded = []
    for code in regions.index.difference(joined):
        reasons = [
            {"indicator": name, "reason": values.missing.get(code, NO_OBSERVATION)}
            for name, values in (("x", xv), ("y", yv))
            if code not in values.values.index
        ]
        excluded.append(
            {
                "region": regions.at[code, "iri"],
                "code": code,
                "label": regions.at[code, "label"],
                "missing": reasons,
            }
        )
    return excluded
