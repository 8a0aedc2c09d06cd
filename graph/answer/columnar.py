"""Answering a named question from the columnar view of observations.

A question may declare a ``columnar`` plan in its YAML: which indicators it joins on region
and period, which are summed over their breakdowns, which ratios it computes, which
columns carry the region's code and names, and the order. This module evaluates such a
plan on ``graph.answer.view.ObservationView`` with pandas and returns the rows the
question's SPARQL returns, term for term (same literals, same decimal rounding, same
order), so that an answer never depends on which way it was computed.

SPARQL semantics kept here on purpose:

* regions are ``?region`` itself and every region under it (``skos:broader*``);
* a measure reads the figures of one dataset: the one bound to the question's source
  variable for its indicator (``sources`` in the YAML; ``graph.answer.authoritative``), as
  ``qb:dataSet ?source`` does in SPARQL;
* a measure without ``sum`` joins every observation (two observations of one region and
  period give two rows, as the SPARQL join does);
* ``SUM`` of integers is an integer, of decimals a decimal;
* ``ROUND`` rounds half up (towards positive infinity) and division by zero leaves the
  value unbound (``None``), which sorts first.
"""

from __future__ import annotations

from bisect import bisect_right
from decimal import ROUND_FLOOR, Decimal, DivisionByZero, InvalidOperation, localcontext
from typing import Any

import pyoxigraph as ox

from graph.answer.questions import ColumnarPlan, ColumnarRank, Question
from graph.answer.view import ObservationView
from graph.rdf.iris import Iris
from graph.rdf.namespaces import XSD

__all__ = ["answer_rows"]

_DECIMAL = ox.NamedNode(XSD + "decimal")
_INTEGER = ox.NamedNode(XSD + "integer")
_INTEGER_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger")}


def answer_rows(
    view: ObservationView, iris: Iris, question: Question, bound: dict[str, Any]
) -> list[list[Any]]:
    """The question's rows (terms, in ``question.columns`` order) for the bound parameters.

    ``bound``: parameter name -> RDF term (``region`` and ``period`` are required).
    """
    plan = question.spec.columnar
    assert plan is not None, f"{question.id} has no columnar plan"
    region, period = bound["region"], bound["period"]
    if plan.regions == "children":
        areas = list(view.children.get(region.value, ()))
    else:
        areas = _at_or_under(view, region.value)
    measures = _measures(view, iris, question, plan, bound, areas)
    records = _records(view, plan, measures)
    for record in records:
        for column, ratio in plan.ratios.items():
            record[column] = _ratio(
                record[ratio.numerator], record[ratio.denominator], ratio.scale, ratio.divide
            )
    if plan.rank is not None:
        _rank(records, plan.rank, measures)
    if plan.unit is not None:
        # OPTIONAL: no unit name leaves the column unbound; two names give two rows.
        names: list[ox.Literal | None] = list(view.units.get(_indicator(plan, iris, bound, 0), ())) or [None]
        records = [{**r, plan.unit: name} for r in records for name in names]
    records.sort(key=lambda r: tuple(_sort_key(r.get(c)) for c in plan.order_by))
    given = {"region": region, "period": period, **bound}
    return [[r[c] if c in r else given.get(c) for c in question.columns] for r in records]


# Each measure column: region -> its values (a summed measure has one value per region).
_Measures = dict[str, dict[str, list[ox.Literal]]]


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
    """Each measure's values in the areas, for the bound period."""
    measures: _Measures = {}
    for n, (column, measure) in enumerate(plan.measures.items()):
        key = (_indicator(plan, iris, bound, n), bound["period"].value)
        dataset = _dataset(question, bound, measure.indicator)
        found = view.values.get(key, {}) if dataset is None else view.sourced.get((*key, dataset), {})
        by_area = {a: found[a] for a in areas if a in found}
        if measure.sum:
            by_area = {a: [_sparql_sum(v)] for a, v in by_area.items()}
        measures[column] = by_area
    return measures


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
    numbers = sorted(_number(v) for values in measures[rank.by].values() for v in values)
    for record in records:
        greater = len(numbers) - bisect_right(numbers, _number(record[rank.by]))
        record[rank.column] = ox.Literal(str(1 + greater), datatype=_INTEGER)


def _at_or_under(view: ObservationView, region: str) -> list[str]:
    found, todo = [region], [region]
    while todo:
        for child in view.children.get(todo.pop(), ()):
            found.append(child)
            todo.append(child)
    return found


def _number(term: ox.Literal) -> Decimal:
    return Decimal(term.value)


def _sparql_sum(values: list[ox.Literal]) -> ox.Literal:
    """SUM as SPARQL computes it: integers stay integers, anything else is a decimal."""
    total = sum((_number(v) for v in values), Decimal(0))
    if all(v.datatype.value in _INTEGER_TYPES for v in values):
        return ox.Literal(str(int(total)), datatype=_INTEGER)
    return ox.Literal(_lexical(total), datatype=_DECIMAL)


def _ratio(numerator: Any, denominator: Any, scale: int, divide: int) -> ox.Literal | None:
    """ROUND(scale * n / d) / divide with SPARQL decimal semantics; None where SPARQL has no value."""
    if not isinstance(numerator, ox.Literal) or not isinstance(denominator, ox.Literal):
        return None
    with localcontext() as ctx:
        ctx.prec = 40
        ctx.traps[DivisionByZero] = True
        try:
            scaled = Decimal(scale) * _number(numerator) / _number(denominator)
        except (DivisionByZero, InvalidOperation):
            return None
        rounded = (scaled + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR)
        return ox.Literal(_lexical(rounded / Decimal(divide)), datatype=_DECIMAL)


def _lexical(value: Decimal) -> str:
    """Oxigraph's canonical decimal: no exponent, no trailing zeros ('4', '0.33')."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _sort_key(term: Any) -> tuple[int, Any]:
    """ORDER BY for the terms these plans produce: unbound first, numbers by value, text by text."""
    if term is None:
        return (0, 0)
    if (
        isinstance(term, ox.Literal)
        and term.datatype.value.startswith(XSD)
        and term.datatype != ox.NamedNode(XSD + "string")
    ):
        try:
            return (1, Decimal(term.value))
        except InvalidOperation:
            pass
    return (2, str(term.value))
