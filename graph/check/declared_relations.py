"""The declared rules that relate two indicators, answered on the figures table.

Each function is the hand translation of one rule of shapes/deklarasi.ttl (named after it),
over every figure of the judged graphs (``Figures``).
Comparisons are made on floats, where the store compares decimals exactly: a figure equal to
its bound to the fifteenth digit could be judged apart. ``tests/graph/check/test_declared_columns.py``
holds each equal to its query, finding for finding.
"""

from __future__ import annotations

from itertools import product
from typing import cast

import numpy as np
import pandas as pd

from graph.check.constraints import Constraint
from graph.check.declared_findings import cell_number, emit, labelled, number_cell, subset_of, value_cell
from graph.check.figures import Figures
from graph.check.findings import Finding
from graph.rdf.namespaces import XSD

__all__ = [
    "part_within_breakdown_sum",
    "part_within_sum_below",
    "part_within_whole",
    "ratio_as_fraction",
    "ratio_recomputed",
    "same_quantity_between_sources",
    "same_quantity_sum_below",
    "whole_above_sum_below",
]

_INTEGER = XSD + "integer"


def _pairs(figures: Figures, *props: str) -> pd.DataFrame:
    return pd.DataFrame(figures.pairs(*props), columns=["a", "b"]).drop_duplicates()


def _side(frame: pd.DataFrame, indicators: object, prefix: str) -> pd.DataFrame:
    """The figures of ``indicators``, their columns prefixed (the other side of a join)."""
    side = frame[frame["indicator"].isin(list(indicators))]  # type: ignore[call-overload]
    return side.add_prefix(prefix)


def _other_cells(hits: pd.DataFrame, value: str, datatype: str) -> pd.Series:
    return pd.Series(
        [value_cell(t, d) for t, d in zip(hits[value], hits[datatype], strict=True)],
        index=hits.index,
        dtype=object,
    )


def _labels(hits: pd.DataFrame, figures: Figures, other: str) -> pd.DataFrame:
    hits = labelled(hits, figures, "indicator", "pathLabel", "pathLabelEn")
    return labelled(hits, figures, other, "otherLabel", "otherLabelEn")


def part_within_whole(c: Constraint, figures: Figures) -> list[Finding]:
    """BagianTidakMelebihiKeseluruhan: a part above its whole, cell by cell."""
    pairs = _pairs(figures, "atMost", "partOf")
    frame = figures.frame
    parts = frame.merge(pairs, left_on="indicator", right_on="a").drop(columns="a")
    wholes = _side(frame, pairs["b"].unique(), "w_")
    hits = parts.merge(
        wholes, left_on=["b", "area", "period"], right_on=["w_indicator", "w_area", "w_period"]
    )
    hits = hits[hits["value"] > hits["w_value"]]
    hits = hits[subset_of(hits["w_breakdown"], hits["breakdown"])]
    hits = hits.assign(other=_other_cells(hits, "w_text", "w_datatype"), other_dataset=hits["w_dataset"])
    return emit(c, figures, _labels(hits, figures, "b"))


def _sums(figures: Figures, indicators: object, by_parent: bool, breakdown: str | None) -> pd.DataFrame:
    """Sums over one dataset of the figures of ``indicators`` by (indicator, dataset, region,
    period): the region their own, or (``by_parent``) each parent of theirs, with the number of
    distinct regions summed. ``breakdown``: "with" keeps only figures with a breakdown."""
    side = figures.frame[figures.frame["indicator"].isin(list(indicators))]  # type: ignore[call-overload]
    if breakdown == "with":
        side = side[side["breakdown"] != ""]
    if by_parent:
        parents = pd.DataFrame(
            [(child, parent) for child, ps in figures.broader.items() for parent in ps],
            columns=["area", "region"],
        )
        side = side.merge(parents, on="area")
    else:
        side = side.assign(region=side["area"])
    side = side.assign(decimal=side["datatype"] != _INTEGER)
    grouped = side.groupby(["indicator", "dataset", "region", "period"], sort=False, observed=True)
    sums = grouped.agg(
        other=("value", "sum"),
        decimal=("decimal", "any"),
        covered=("area", "nunique"),
    ).reset_index()
    sums["other_cell"] = [number_cell(v, not d) for v, d in zip(sums["other"], sums["decimal"], strict=True)]
    return sums.add_prefix("s_")


def part_within_breakdown_sum(c: Constraint, figures: Figures) -> list[Finding]:
    """BagianTidakMelebihiJumlahRincian: a part without breakdown above its whole summed over
    the whole's breakdown, within one dataset."""
    pairs = _pairs(figures, "atMost", "partOf")
    return _part_above_sum(c, figures, pairs, _sums(figures, pairs["b"].unique(), False, "with"))


def part_within_sum_below(c: Constraint, figures: Figures) -> list[Finding]:
    """BagianTidakMelebihiJumlahKeseluruhanWilayahBawah: a part above its summed whole's
    figures of every region below."""
    summed = figures.summed()
    pairs = _pairs(figures, "atMost", "partOf")
    pairs = pairs[pairs["b"].isin(summed)]
    sums = _sums(figures, pairs["b"].unique(), True, None)
    return _part_above_sum(
        c, figures, pairs, sums[sums["s_covered"] == sums["s_region"].map(figures.children)]
    )


def _part_above_sum(
    c: Constraint, figures: Figures, pairs: pd.DataFrame, sums: pd.DataFrame
) -> list[Finding]:
    """A part's figures without breakdown above its whole's ``sums`` (pairs: a part of b)."""
    frame = figures.frame
    parts = frame[frame["breakdown"] == ""].merge(pairs, left_on="indicator", right_on="a")
    hits = parts.merge(
        sums, left_on=["b", "area", "period"], right_on=["s_indicator", "s_region", "s_period"]
    )
    hits = hits[hits["value"] > hits["s_other"]]
    hits = hits.assign(other=hits["s_other_cell"], other_dataset=hits["s_dataset"])
    return emit(c, figures, _labels(hits, figures, "b"))


def whole_above_sum_below(c: Constraint, figures: Figures) -> list[Finding]:
    """KeseluruhanTidakKurangDariJumlahBagianWilayahBawah: a whole below its summed part's
    figures over the regions below."""
    summed = figures.summed()
    pairs = _pairs(figures, "atMost", "partOf")
    pairs = pairs[pairs["a"].isin(summed)]  # (part, whole), the part summed
    frame = figures.frame
    wholes = frame[frame["breakdown"] == ""].merge(pairs, left_on="indicator", right_on="b")
    sums = _sums(figures, pairs["a"].unique(), True, None)
    hits = wholes.merge(
        sums, left_on=["a", "area", "period"], right_on=["s_indicator", "s_region", "s_period"]
    )
    hits = hits[hits["value"] < hits["s_other"]]
    hits = hits.assign(other=hits["s_other_cell"], other_dataset=hits["s_dataset"])
    return emit(c, figures, _labels(hits, figures, "a"))


def _tolerated(hits: pd.DataFrame, figures: Figures, own: str, other: str, scale: str) -> pd.Series:
    """|value - ?other| beyond the tolerance COALESCE(own's, other's, 0), relative to
    |``scale``| or absolute, whichever is larger (each declared value tried, as the
    query's OPTIONALs give them), decided per distinct pair of indicators on whole columns."""

    def declared(indicator: str, prop: str) -> list[float | None]:
        return [cell_number(cell) for cell in figures.objects(indicator, prop)] or [None]

    beyond = pd.Series(False, index=hits.index)
    gap = (hits["value"] - hits["o_value"]).abs()
    for key, rows in hits.groupby([own, other], sort=False).groups.items():
        a, b = cast(tuple[str, str], key)
        for rel, other_rel, absolute, other_abs in product(
            declared(a, "relativeTolerance"),
            declared(b, "relativeTolerance"),
            declared(a, "absoluteTolerance"),
            declared(b, "absoluteTolerance"),
        ):
            share = _first(rel, other_rel) * hits.loc[rows, scale].abs()
            allowed = np.maximum(share, _first(absolute, other_abs))
            beyond.loc[rows] |= gap.loc[rows] > allowed
    return beyond


def _first(*values: float | None) -> float:
    return next((v for v in values if v is not None), 0.0)


def _same_pairs(figures: Figures) -> list[tuple[str, str]]:
    """(?path, ?otherPath) of the same-quantity rules: declared both ways, and an indicator
    measured by two data structures (two datasets of one figure)."""
    pairs = figures.pairs("sameQuantityAs")
    pairs += [(b, a) for a, b in pairs]
    pairs += [(m, m) for m, dsds in figures.structures.items() if len(dsds) > 1]
    return sorted(set(pairs))


def same_quantity_between_sources(c: Constraint, figures: Figures) -> list[Finding]:
    """BesaranSamaSesuaiAntarSumber: one quantity from two datasets beyond its tolerance."""
    pairs = pd.DataFrame(_same_pairs(figures), columns=["indicator", "p"])
    frame = figures.frame
    mine = frame.merge(pairs, on="indicator")
    others = _side(frame, pairs["p"].unique(), "o_")
    hits = mine.merge(others, left_on=["p", "area", "period"], right_on=["o_indicator", "o_area", "o_period"])
    hits = hits[(hits["dataset"] != hits["o_dataset"]) & (hits["breakdown"] == hits["o_breakdown"])]
    hits = hits[_tolerated(hits, figures, "indicator", "p", "o_value")] if len(hits) else hits
    hits = hits.assign(other=_other_cells(hits, "o_text", "o_datatype"), other_dataset=hits["o_dataset"])
    return emit(c, figures, _labels(hits, figures, "p"))


def same_quantity_sum_below(c: Constraint, figures: Figures) -> list[Finding]:
    """BesaranSamaSesuaiJumlahWilayahBawah: a figure against the same quantity summed over
    every region below, within one dataset."""
    summed = figures.summed()
    declared = figures.pairs("sameQuantityAs")
    pairs = {(a, b) for a, b in declared if b in summed} | {(b, a) for a, b in declared if b in summed}
    pairs |= {(m, m) for m in summed}
    table = pd.DataFrame(sorted(pairs), columns=["indicator", "p"])
    frame = figures.frame
    mine = frame[frame["breakdown"] == ""].merge(table, on="indicator")
    sums = _sums(figures, table["p"].unique(), True, None)
    sums = sums[sums["s_covered"] == sums["s_region"].map(figures.children)]
    hits = mine.merge(sums, left_on=["p", "area", "period"], right_on=["s_indicator", "s_region", "s_period"])
    hits = hits.rename(columns={"s_other": "o_value"})
    hits = hits[_tolerated(hits, figures, "indicator", "p", "o_value")] if len(hits) else hits
    hits = hits.assign(other=hits["s_other_cell"], other_dataset=hits["s_dataset"])
    return emit(c, figures, _labels(hits, figures, "p"))


def _ratios(figures: Figures) -> pd.DataFrame:
    """Each ratio's figures with its numerator's and denominator's (one dataset, base > 0,
    the same breakdown), the recomputation, the tolerance and whether it is a fraction."""
    rows = [
        (path, n, d, scale)
        for path, n in figures.pairs("numerator")
        for d in figures.objects(path, "denominator")
        for scale in (
            [cell_number(s) for u in figures.objects(path, "unit") for s in figures.objects(u, "ratioScale")]
            or [1.0]
        )
    ]
    ratios = pd.DataFrame(rows, columns=["indicator", "n", "d", "scale"]).drop_duplicates()
    frame = figures.frame
    mine = frame.merge(ratios, on="indicator")
    counted = _side(frame, ratios["n"].unique(), "n_")
    bases = _side(frame, ratios["d"].unique(), "d_")
    bases = bases[bases["d_value"] > 0]
    hits = mine.merge(
        counted, left_on=["n", "area", "period"], right_on=["n_indicator", "n_area", "n_period"]
    )
    hits = hits.merge(
        bases,
        left_on=["d", "area", "period", "n_dataset"],
        right_on=["d_indicator", "d_area", "d_period", "d_dataset"],
    )
    hits = hits[(hits["breakdown"] == hits["n_breakdown"]) & (hits["breakdown"] == hits["d_breakdown"])]
    expected = hits["scale"] * hits["n_value"] / hits["d_value"]
    relative = {
        p: _first(*[cell_number(x) for x in figures.objects(p, "relativeTolerance")])
        for p in ratios["indicator"]
    }
    points = {
        p: _first(*[cell_number(x) for x in figures.objects(p, "absoluteTolerance")])
        for p in ratios["indicator"]
    }
    allowed = np.maximum(
        hits["indicator"].map(relative).astype(float) * expected.abs(),
        hits["indicator"].map(points).astype(float),
    )
    fraction = (
        (hits["scale"] > 1) & (hits["value"] <= 1) & (expected > 1)
        & ((hits["value"] * hits["scale"] - expected).abs() <= allowed)
    )  # fmt: skip
    return hits.assign(
        expected_value=expected, allowed=allowed, fraction=fraction, other_dataset=hits["n_dataset"]
    )


def _shown(hits: pd.DataFrame, figures: Figures) -> pd.DataFrame:
    """A ratio's hits with the recomputation as the message shows it, and the three labels."""
    hits = hits.assign(expected=[number_cell(v, False) for v in hits["expected_value"]])
    hits = labelled(hits, figures, "indicator", "pathLabel", "pathLabelEn")
    hits = labelled(hits, figures, "n", "numeratorLabel", "numeratorLabelEn")
    return labelled(hits, figures, "d", "denominatorLabel", "denominatorLabelEn")


def ratio_recomputed(c: Constraint, figures: Figures) -> list[Finding]:
    """RasioSesuaiHitungan: a ratio away from its recomputation beyond its tolerance."""
    hits = _ratios(figures)
    hits = hits[((hits["value"] - hits["expected_value"]).abs() > hits["allowed"]) & ~hits["fraction"]]
    return emit(c, figures, _shown(hits, figures))


def ratio_as_fraction(c: Constraint, figures: Figures) -> list[Finding]:
    """PersenBukanPecahan: a percentage written as a fraction (0,84 for 84 %)."""
    hits = _ratios(figures)
    return emit(c, figures, _shown(hits[hits["fraction"]], figures))
