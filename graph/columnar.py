"""Answering a named question from the columnar view of observations.

A question may declare a ``columnar`` plan in its YAML: which indicators it joins on region
and period, which are summed over their breakdowns, which ratios it computes, which
columns carry the region's code and names, and the order. This module evaluates such a
plan on ``graph.observation_view.ObservationView`` with pandas and returns the rows the
question's SPARQL returns, term for term (same literals, same decimal rounding, same
order), so that an answer never depends on which way it was computed.

SPARQL semantics kept here on purpose:

* regions are ``?region`` itself and every region under it (``skos:broader*``);
* a measure without ``sum`` joins every observation (two observations of one region and
  period give two rows, as the SPARQL join does);
* ``SUM`` of integers is an integer, of decimals a decimal;
* ``ROUND`` rounds half up (towards positive infinity) and division by zero leaves the
  value unbound (``None``), which sorts first.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal, DivisionByZero, InvalidOperation, localcontext
from typing import Any

import pandas as pd
import pyoxigraph as ox

from graph.iris import Iris
from graph.namespaces import XSD
from graph.observation_view import ObservationView
from graph.questions import Question

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
    areas = _at_or_under(view, region.value)
    observations = view.observations
    in_scope = observations[(observations["period"] == period.value) & observations["area"].isin(areas)]
    table: pd.DataFrame | None = None
    for column, measure in plan.measures.items():
        rows = in_scope[in_scope["indicator"] == iris.base + "id/indikator/" + measure.indicator]
        part = rows[["area", "value"]].astype({"area": str})
        if measure.sum:
            part = part.groupby("area", sort=False)["value"].agg(_sparql_sum).reset_index()
        part = part.rename(columns={"value": column})
        table = part if table is None else table.merge(part, on="area")
    assert table is not None
    labels = view.regions[view.regions["area"].isin(areas) & view.regions["label"].notna()]
    if plan.parent_label:  # the SPARQL requires the parent's name
        labels = labels[labels["parent_label"].notna()]
    table = table.merge(labels, on="area")
    for column, ratio in plan.ratios.items():
        table[column] = [
            _ratio(n, d, ratio.scale, ratio.divide)
            for n, d in zip(table[ratio.numerator], table[ratio.denominator], strict=True)
        ]
    names = {"code": plan.code, "label": plan.label, "parent_label": plan.parent_label}
    table = table.rename(columns={k: v for k, v in names.items() if v})
    records = table.to_dict("records")
    records.sort(key=lambda r: tuple(_sort_key(r.get(c)) for c in plan.order_by))
    given = {"region": region, "period": period, **bound}
    return [[r[c] if c in r else given.get(c) for c in question.columns] for r in records]


def _at_or_under(view: ObservationView, region: str) -> set[str]:
    children = view.children()
    found, todo = {region}, [region]
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _number(term: ox.Literal) -> Decimal:
    return Decimal(term.value)


def _sparql_sum(values: pd.Series) -> ox.Literal:
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
