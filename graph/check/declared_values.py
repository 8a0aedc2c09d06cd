"""The declared rules that judge a figure against its own indicator: bounds, the plausible
range of its region level, its own series and its peers, answered on the figures table.

As in ``graph.check.declared_relations``: each function translates one rule of
shapes/deklarasi.ttl, over every figure of the judged graphs, on floats.
"""

from __future__ import annotations

import pandas as pd
import pyoxigraph as ox

from graph.check.constraints import Constraint
from graph.check.declared_findings import cell_number, emit, labelled, number_cell, sparql_round
from graph.check.figures import Figures
from graph.check.findings import Finding

__all__ = ["peers", "plausible_for_level", "series", "within_bounds"]

_ELLIPSIS = '"…"'


def within_bounds(c: Constraint, figures: Figures) -> list[Finding]:
    """NilaiDalamBatas: the indicator's oc:minValue/oc:maxValue, else its unit's."""
    rows: list[tuple[str, str | None, str | None]] = []
    for indicator in sorted(figures.measures):
        units = figures.objects(indicator, "unit")

        def bound(prop: str, indicator: str = indicator, units: list[str] = units) -> list[str | None]:
            own: list[str | None] = list(figures.objects(indicator, prop))
            return own or [v for u in units for v in figures.objects(u, prop)] or [None]

        for low in bound("minValue"):
            for high in bound("maxValue"):
                if low is not None or high is not None:
                    rows.append((indicator, low, high))
    limits = pd.DataFrame(sorted(set(rows), key=str), columns=["indicator", "lower", "upper"])
    limits["low"] = (
        limits["lower"].map(lambda x: cell_number(x) if isinstance(x, str) else None).astype(float)
    )
    limits["high"] = (
        limits["upper"].map(lambda x: cell_number(x) if isinstance(x, str) else None).astype(float)
    )
    hits = figures.frame.merge(limits, on="indicator")
    below = hits["low"].notna() & (hits["value"] < hits["low"])
    above = hits["high"].notna() & (hits["value"] > hits["high"])
    hits = hits[below | above]
    hits = hits.assign(lower=hits["lower"].fillna(_ELLIPSIS), upper=hits["upper"].fillna(_ELLIPSIS))
    return emit(c, figures, labelled(hits, figures, "indicator", "pathLabel", "pathLabelEn"))


def plausible_for_level(c: Constraint, figures: Figures) -> list[Finding]:
    """NilaiWajarUntukTingkatWilayah: oc:plausibleRange per region level."""
    ranges = pd.DataFrame(figures.ranges, columns=["indicator", "level", "min", "max"])
    levels = pd.DataFrame(
        [(region, level) for region, found in figures.levels.items() for level in found],
        columns=["area", "level"],
    )
    hits = figures.frame.merge(ranges, on="indicator").merge(levels, on=["area", "level"])
    low, high = hits["min"].map(cell_number).astype(float), hits["max"].map(cell_number).astype(float)
    hits = hits[(hits["value"] < low) | (hits["value"] > high)]
    names = pd.DataFrame(
        [
            (level, str(ox.Literal(i, language="id")), str(ox.Literal(e, language="en")))
            for level, found in figures.level_labels.items()
            for i, e in found
        ],
        columns=["level", "levelLabel", "levelLabelEn"],
    )
    hits = hits.merge(names, on="level")
    return emit(c, figures, labelled(hits, figures, "indicator", "pathLabel", "pathLabelEn"))


def series(c: Constraint, figures: Figures) -> list[Finding]:
    """NilaiSesuaiDeretWaktu: far from the mean of the year before and after, which agree."""
    changes = (
        pd.DataFrame(
            [(s, cell_number(o)) for s, o in figures.pairs("maxYearlyChange")],
            columns=["indicator", "change"],
        )
        .dropna()
        .drop_duplicates()
    )
    years = pd.DataFrame(
        [(p, y, t) for p, found in figures.years.items() for y, t in found],
        columns=["period", "year", "type"],
    )
    frame = figures.frame[figures.frame["indicator"].isin(changes["indicator"])].merge(years, on="period")
    keys = ["indicator", "dataset", "area", "type"]
    mine = frame.merge(changes, on="indicator")
    before = frame[keys + ["year", "value", "breakdown"]].rename(
        columns={"year": "b_year", "value": "b_value", "breakdown": "b_breakdown"}
    )
    after = before.rename(columns={"b_year": "a_year", "b_value": "a_value", "b_breakdown": "a_breakdown"})
    hits = mine.assign(b_year=mine["year"] - 1, a_year=mine["year"] + 1)
    hits = hits.merge(before, on=[*keys, "b_year"]).merge(after, on=[*keys, "a_year"])
    mean = (hits["b_value"] + hits["a_value"]) / 2
    limit = hits["change"] * mean
    hits = hits[((hits["value"] - mean).abs() > limit) & ((hits["b_value"] - hits["a_value"]).abs() <= limit)]
    own = hits["breakdown"].map(lambda k: set(k.split()))
    keep = [
        a <= set(b.split()) and a <= set(f.split())
        for a, b, f in zip(own, hits["b_breakdown"], hits["a_breakdown"], strict=True)
    ]
    hits = hits[pd.Series(keep, index=hits.index, dtype=bool)]
    hits = hits.assign(
        mean=[number_cell((b + a) / 2, False) for b, a in zip(hits["b_value"], hits["a_value"], strict=True)],
        percent=[number_cell(100 * x, False) for x in hits["change"]],
    )
    return emit(c, figures, labelled(hits, figures, "indicator", "pathLabel", "pathLabelEn"))


def peers(c: Constraint, figures: Figures) -> list[Finding]:
    """NilaiSesuaiWilayahSebaya: far from the mean of the other regions under its parent."""
    ratios = pd.DataFrame(
        figures.pairs("maxPeerRatio"), columns=["indicator", "ratio_cell"]
    ).drop_duplicates()
    ratios["ratio_value"] = ratios["ratio_cell"].map(cell_number)
    parents = pd.DataFrame(
        [(child, parent) for child, found in figures.broader.items() for parent in found],
        columns=["area", "parent"],
    )
    frame = figures.frame
    plain = frame[(frame["breakdown"] == "") & frame["indicator"].isin(ratios["indicator"])].merge(
        parents, on="area"
    )
    groups = (
        plain.groupby(["indicator", "dataset", "parent", "period"], sort=False)
        .agg(total=("value", "sum"), count=("value", "size"))
        .reset_index()
    )
    hits = plain.merge(ratios, on="indicator").merge(groups, on=["indicator", "dataset", "parent", "period"])
    hits = hits[hits["count"] >= 4]
    mean = (hits["total"] - hits["value"]) / (hits["count"] - 1)
    ratio = hits["ratio_value"].astype(float)
    hits = hits[(mean > 0) & ((hits["value"] > ratio * mean) | (hits["value"] * ratio < mean))]
    mean = mean[hits.index]
    hits = hits.assign(
        peerMeanShown=[number_cell(sparql_round(m * 10) / 10, False) for m in mean],
        peers=[number_cell(n - 1, True) for n in hits["count"]],
        ratio=hits["ratio_cell"],
    )
    return emit(c, figures, labelled(hits, figures, "indicator", "pathLabel", "pathLabelEn"))
