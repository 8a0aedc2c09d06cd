"""Answering an ``aggregate`` plan (``indicator-trend``, ``indicator-by-region``) from the view.

These questions are a UNION of three ways to give an indicator's figure for a region and
period, and this module follows each branch of the SPARQL:

* reported: the region's own observations, summed over breakdowns (``areas`` 1);
* summed: for counts and areas (``oc:measureKind``), the observations of every region under
  it (``skos:broader+``), with how many such regions report (``COUNT(DISTINCT ?area)``);
* recomputed: for an indicator with a numerator and a denominator, each region under it
  that reports both, ``ROUND(1000 * SUM(numerators) / SUM(denominators)) / 10``.

The rows of one branch come before the next one's, as Oxigraph's UNION gives them, and the
ORDER BY (year, or region code) is stable, so that ties keep that order. Each indicator's
figures come from the dataset bound to its source variable (``sources``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import pyoxigraph as ox

from graph.answer.columnar_terms import ratio, sort_key, sparql_sum
from graph.answer.plan_metadata import PlanMetadata
from graph.answer.plans import AggregatePlan
from graph.answer.questions import Question
from graph.answer.view import ObservationView
from graph.rdf.namespaces import OC, XSD

__all__ = ["aggregate_rows"]

_INTEGER = ox.NamedNode(XSD + "integer")
_SUMMED_KINDS = {OC + "kindCount", OC + "kindArea"}
_Found = dict[str, list[ox.Literal]]  # area -> its literals, for one indicator, period, dataset
_Under = Callable[[str], list[str]]  # an area -> the answer's regions it is (strictly) under
_Method = Literal["reported", "summed", "recomputed"]


def aggregate_rows(
    view: ObservationView,
    metadata: PlanMetadata,
    question: Question,
    plan: AggregatePlan,
    bound: dict[str, Any],
) -> list[list[Any]]:
    """The question's rows (terms, in ``question.columns`` order) for the bound parameters."""
    indicator = bound["indicator"].value
    sources = {of: bound[v].value for v, of in question.spec.sources.items() if v in bound}
    if plan.over == "periods":
        periods = sorted({p for i, p, _ in view.sourced if i == indicator}, key=str)
        region = bound["region"].value
        at = {region}
        below = _strictly_under(view, region)
        under: _Under = lambda area: [region] if area in below else []  # noqa: E731
    else:
        periods = [bound["period"].value]
        level = metadata.levels.get(bound["level"].value)
        at = {a for a in view.regions if view.levels.get(a) == level}
        parents = {child: parent for parent, children in view.children.items() for child in children}
        under = lambda area: [r for r in _ancestors(parents, area) if r in at]  # noqa: E731
    groups: list[dict[str, Any]] = []
    for period in periods:
        for found in _found(view, indicator, period, sources.get("?indicator")):
            groups += _reported(found, at, period, plan)
    if metadata.kinds.get(indicator, set()) & _SUMMED_KINDS:
        for period in periods:
            for found in _found(view, indicator, period, sources.get("?indicator")):
                groups += _summed(found, under, period, plan)
    for numerator in metadata.numerators.get(indicator, ()):
        for denominator in metadata.denominators.get(indicator, ()):
            for period in periods:
                for tops in _found(view, numerator, period, sources.get("?indicator.numerator")):
                    for bottoms in _found(view, denominator, period, sources.get("?indicator.denominator")):
                        groups += _recomputed(tops, bottoms, under, period, plan)
    records = _named(view, metadata, plan, groups)
    units: list[ox.Literal | None] = list(view.units.get(indicator, ())) or [None]
    records = [{**r, plan.unit: u} for r in records for u in units]
    ordered_by = (plan.year if plan.over == "periods" else plan.code) or ""
    records.sort(key=lambda r: sort_key(r.get(ordered_by)))
    return [[r[c] if c in r else bound.get(c) for c in question.columns] for r in records]


def _found(view: ObservationView, indicator: str, period: str, dataset: str | None) -> list[_Found]:
    """The indicator's figures in the period: from the dataset bound to its source variable,
    or, with none bound, from each dataset apart (the SPARQL groups by the source)."""
    if dataset is not None:
        found = view.sourced.get((indicator, period, dataset))
        return [found] if found else []
    return [f for (i, p, _), f in view.sourced.items() if i == indicator and p == period]


def _reported(found: _Found, at: set[str], period: str, plan: AggregatePlan) -> list[dict[str, Any]]:
    return [
        _group(region, period, plan, sparql_sum(found[region]), 1, "reported")
        for region in at
        if region in found
    ]


def _summed(found: _Found, under: _Under, period: str, plan: AggregatePlan) -> list[dict[str, Any]]:
    values: dict[str, list[ox.Literal]] = {}
    areas: dict[str, int] = {}
    for area, literals in found.items():
        for region in under(area):
            values.setdefault(region, []).extend(literals)
            areas[region] = areas.get(region, 0) + 1
    return [_group(r, period, plan, sparql_sum(v), areas[r], "summed") for r, v in values.items()]


def _recomputed(
    tops: _Found, bottoms: _Found, under: _Under, period: str, plan: AggregatePlan
) -> list[dict[str, Any]]:
    sums: dict[str, tuple[list[ox.Literal], list[ox.Literal]]] = {}
    for area, top in tops.items():
        if area not in bottoms:
            continue
        for region in under(area):
            nums, dens = sums.setdefault(region, ([], []))
            nums.append(sparql_sum(top))
            dens.append(sparql_sum(bottoms[area]))
    return [
        _group(r, period, plan, ratio(sparql_sum(n), sparql_sum(d), 1000, 10), len(n), "recomputed")
        for r, (n, d) in sums.items()
    ]


def _group(
    region: str, period: str, plan: AggregatePlan, value: Any, areas: int, method: _Method
) -> dict[str, Any]:
    return {
        "": region,
        " period": period,
        plan.value: value,
        plan.areas: ox.Literal(str(areas), datatype=_INTEGER),
        plan.method: ox.Literal(plan.methods[method]),
    }


def _named(
    view: ObservationView, metadata: PlanMetadata, plan: AggregatePlan, groups: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Each group with its year (``?period oc:year ?year``) or its region's code and name."""
    records: list[dict[str, Any]] = []
    for group in groups:
        if plan.over == "periods":
            assert plan.year is not None
            records += [{**group, plan.year: y} for y in metadata.years.get(group[" period"], ())]
            continue
        assert plan.code is not None and plan.label is not None
        for names in view.regions.get(group[""], ()):
            if names.label is not None:
                records.append({**group, plan.code: names.code, plan.label: names.label})
    return records


def _strictly_under(view: ObservationView, region: str) -> set[str]:
    found: set[str] = set()
    todo = [region]
    while todo:
        for child in view.children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _ancestors(parents: dict[str, str], area: str) -> list[str]:
    found: list[str] = []
    while area in parents and parents[area] not in found:
        area = parents[area]
        found.append(area)
    return found
