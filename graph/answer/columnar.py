"""Answering a named question from the columnar view of observations.

A question may declare a ``columnar`` plan in its YAML (``graph.answer.plans``): which
indicators it joins on region and period, which are summed over their breakdowns or over the
regions under a region, which differences and ratios it computes, which rows a parameter
filters out, which columns carry the region's code and names, and the order. This module
evaluates such a plan on ``graph.answer.view.ObservationView`` and returns the rows the
question's SPARQL returns, term for term (same literals, same decimal rounding, same
order), so that an answer never depends on which way it was computed.

SPARQL semantics kept here on purpose (the arithmetic in ``graph.answer.columnar_terms``):

* regions are ``?region`` itself and every region under it (``skos:broader*``), the regions
  directly under it, or every region, of one level if the plan says so;
* a measure reads the figures of one dataset: the one bound to the question's source
  variable for its indicator (``sources`` in the YAML; ``graph.answer.authoritative``), as
  ``qb:dataSet ?source`` does in SPARQL;
* a measure without ``sum`` joins every observation (two observations of one region and
  period give two rows, as the SPARQL join does);
* a FILTER comparing an unbound value is false; ORDER BY puts unbound values first.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import partial
from typing import Any

import pyoxigraph as ox

from graph.answer.columnar_aggregate import aggregate_rows
from graph.answer.columnar_breakdowns import broken_down
from graph.answer.columnar_categories import category_metadata, category_rows
from graph.answer.columnar_coverage import coverage_rows
from graph.answer.columnar_districts import district_rows
from graph.answer.columnar_freshness import freshness_rows
from graph.answer.columnar_profile import profile_rows
from graph.answer.columnar_terms import COMPARE, difference, number, ratio, sort_key, sparql_sum
from graph.answer.plan_metadata import plan_metadata
from graph.answer.plans import (
    AggregatePlan,
    ColumnarMeasure,
    ColumnarPlan,
    ColumnarRank,
    CountPlan,
    order_key,
)
from graph.answer.questions import Question
from graph.answer.view import ObservationView
from graph.rdf.iris import Iris
from graph.rdf.namespaces import XSD
from graph.store.interface import Store

__all__ = ["answer_rows", "plan_applies"]

_INTEGER = ox.NamedNode(XSD + "integer")


def plan_applies(question: Question, bound: dict[str, Any]) -> bool:
    """Whether the question has a plan and every parameter it reads is bound."""
    plan = question.spec.columnar
    return plan is not None and plan.parameters() <= bound.keys()


def answer_rows(
    view: ObservationView,
    iris: Iris,
    question: Question,
    bound: dict[str, Any],
    store: Store | None = None,
) -> list[list[Any]]:
    """The question's rows (terms, in ``question.columns`` order) for the bound parameters.

    ``bound``: parameter name -> RDF term (every parameter the plan reads, ``plan_applies``).
    ``store``: the store the view was read from; an ``aggregate`` plan reads a little
    metadata there (``graph.answer.plan_metadata``: periods' years, indicators' kinds).
    """
    plan = question.spec.columnar
    assert plan is not None, f"{question.id} has no columnar plan"
    if isinstance(plan, AggregatePlan):
        assert store is not None, f"{question.id}: an aggregate plan reads metadata from the store"
        return aggregate_rows(view, plan_metadata(store, iris, view), question, plan, bound)
    if isinstance(plan, CountPlan):
        assert store is not None, f"{question.id}: a count plan reads names and code lists from the store"
        return _own_rows(view, store, iris, question, plan, bound)
    areas = _areas(view, plan, bound)
    measures = _measures(view, iris, question, plan, bound, areas)
    records = _records(view, plan, measures)
    for record in records:
        for column, diff in plan.differences.items():
            record[column] = difference(record[diff.minuend], record[diff.subtrahend])
        for column, share in plan.ratios.items():
            record[column] = ratio(
                record[share.numerator], record[share.denominator], share.scale, share.divide
            )
    for kept in plan.filters:
        limit, compare = number(bound[kept.parameter]), COMPARE[kept.op]
        records = [
            r for r in records if r[kept.column] is not None and compare(number(r[kept.column]), limit)
        ]
    if plan.rank is not None:
        _rank(records, plan.rank, measures)
    if plan.unit is not None:
        # OPTIONAL: no unit name leaves the column unbound; two names give two rows.
        names: list[ox.Literal | None] = list(view.units.get(_indicator(plan, iris, bound, 0), ())) or [None]
        records = [{**r, plan.unit: name} for r in records for name in names]
    # ORDER BY key by key, the last first: Python's sort is stable, descending ones too.
    for column, descending, absolute in reversed([order_key(t) for t in plan.order_by]):
        records.sort(key=partial(_order_value, column, absolute), reverse=descending)
    return [[r[c] if c in r else bound.get(c) for c in question.columns] for r in records]


def _own_rows(
    view: ObservationView,
    store: Store,
    iris: Iris,
    question: Question,
    plan: CountPlan,
    bound: dict[str, Any],
) -> list[list[Any]]:
    """The rows of a plan evaluated by a module of its own (``CountPlan``)."""
    if plan.kind == "agency-coverage":
        return coverage_rows(view, store, iris, question, bound)
    if plan.kind in ("population-density", "welfare-vs-dropout"):
        return district_rows(view, store, iris, question, bound)
    if plan.kind == "stale-datasets":
        return freshness_rows(view, store, iris, question.columns, bound)
    if plan.kind == "village-profile":
        return profile_rows(view, store, iris, question.columns, bound)
    return category_rows(view, category_metadata(store, iris, view), question, bound)


# Each measure column: region -> its values (a summed measure has one value per region).
_Measures = dict[str, dict[str, list[ox.Literal]]]


def _order_value(column: str, absolute: bool, record: dict[str, Any]) -> tuple[int, Any]:
    return sort_key(record.get(column), absolute)


def _areas(view: ObservationView, plan: ColumnarPlan, bound: dict[str, Any]) -> list[str]:
    """The regions the answer may have rows for, of the plan's level."""
    if plan.regions == "all":
        areas = list(view.regions)
    elif plan.regions == "children":
        areas = list(view.children.get(bound["region"].value, ()))
    else:
        areas = _at_or_under(view, bound["region"].value)
    if plan.level is not None:
        areas = [a for a in areas if view.levels.get(a) == plan.level]
    return areas


def _indicator(plan: ColumnarPlan, iris: Iris, bound: dict[str, Any], n: int) -> str:
    """The IRI of the plan's ``n``-th measure: named, or given by a parameter."""
    measure = list(plan.measures.values())[n]
    if measure.indicator.startswith("?"):
        return str(bound[measure.indicator[1:]].value)  # the indicator a parameter names
    return iris.base + "id/indikator/" + measure.indicator


def _dataset(question: Question, bound: dict[str, Any], indicator: str) -> str | None:
    """The IRI of the dataset bound to the source variable of a measure's indicator (None:
    the question has no source variable for it, and every dataset's figures are read)."""
    for variable, of in question.spec.sources.items():
        if of == indicator and variable in bound:
            return str(bound[variable].value)
    return None


def _measures(
    view: ObservationView,
    iris: Iris,
    question: Question,
    plan: ColumnarPlan,
    bound: dict[str, Any],
    areas: list[str],
) -> _Measures:
    """Each measure's values in the areas, for its period."""
    measures: _Measures = {}
    for n, (column, measure) in enumerate(plan.measures.items()):
        key = (_indicator(plan, iris, bound, n), bound[measure.period[1:]].value)
        dataset = _dataset(question, bound, measure.indicator)
        found = view.values.get(key, {}) if dataset is None else view.sourced.get((*key, dataset), {})
        if measure.breakdown:
            keys = {
                f"{iris.base}id/dimensi/{d}": f"{iris.base}id/kode/{c}" for d, c in measure.breakdown.items()
            }
            found = broken_down(view, *key, dataset, keys)
        measures[column] = _gathered(view, measure, found, areas)
    return measures


def _gathered(
    view: ObservationView, measure: ColumnarMeasure, found: dict[str, list[ox.Literal]], areas: list[str]
) -> dict[str, list[ox.Literal]]:
    """One measure's values by area: as observed, summed, or summed over the areas under it."""
    if measure.under:
        by_area: dict[str, list[ox.Literal]] = {}
        for area in areas:
            values = [v for child in view.children.get(area, ()) for v in found.get(child, ())]
            if values:
                by_area[area] = [sparql_sum(values)]
        return by_area
    by_area = {a: found[a] for a in areas if a in found}
    if measure.sum:
        by_area = {a: [sparql_sum(v)] for a, v in by_area.items()}
    return by_area


def _records(view: ObservationView, plan: ColumnarPlan, measures: _Measures) -> list[dict[str, Any]]:
    """The joined rows: every area with a value of every measure, with its names."""
    records: list[dict[str, Any]] = []
    first, *others = measures.values()
    for area in first:
        if any(area not in m for m in others):
            continue
        combos: list[dict[str, Any]] = [{}]
        for column, by_area in measures.items():  # every combination, as the SPARQL join gives
            combos = [{**c, column: v} for c in combos for v in by_area[area]]
        for names in view.regions.get(area, ()):
            if names.label is None or (plan.parent_label and names.parent_label is None):
                continue  # the SPARQL requires the region's name (and its parent's)
            labels: dict[str, ox.Literal | None] = {plan.code: names.code, plan.label: names.label}
            if plan.parent_label:
                labels[plan.parent_label] = names.parent_label
            records.extend({**c, **labels} for c in combos)
    return records


def _rank(records: list[dict[str, Any]], rank: ColumnarRank, measures: _Measures) -> None:
    """Rank each record by a measure: 1 + the regions with a greater value."""
    # Every region with a value counts, named or not, as the SPARQL's ?other does.
    numbers = sorted(number(v) for values in measures[rank.by].values() for v in values)
    for record in records:
        greater = len(numbers) - bisect_right(numbers, number(record[rank.by]))
        record[rank.column] = ox.Literal(str(1 + greater), datatype=_INTEGER)


def _at_or_under(view: ObservationView, region: str) -> list[str]:
    found, todo = [region], [region]
    while todo:
        for child in view.children.get(todo.pop(), ()):
            found.append(child)
            todo.append(child)
    return found
