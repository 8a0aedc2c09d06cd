"""SPARQL arithmetic and ordering on literals, as Oxigraph does them, for columnar plans.

A plan's answer must equal its SPARQL's term for term, so the sums, differences, ratios,
comparisons and the ORDER BY of ``graph.answer.columnar`` follow SPARQL's rules here:

* ``SUM`` and ``-`` of integers are integers, anything else with a decimal is a decimal,
  written in Oxigraph's canonical form ('4', '0.33');
* a quotient keeps 18 fractional digits (cut, not rounded), ``ROUND`` rounds half up
  (towards positive infinity), and division by zero (or a missing operand) leaves the value
  unbound (``None``), as does Oxigraph's 0 divided by a decimal with a fraction;
* a comparison with an unbound value is an error, which a FILTER reads as false;
* ORDER BY puts unbound values first, numbers by value, text by text; DESC reverses it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import ROUND_DOWN, ROUND_FLOOR, Decimal, DivisionByZero, InvalidOperation, localcontext
from typing import Any

import pyoxigraph as ox

from graph.rdf.namespaces import XSD

__all__ = [
    "COMPARE",
    "Undetermined",
    "difference",
    "ensure_determined",
    "number",
    "ratio",
    "sort_key",
    "sparql_sum",
]

_DECIMAL = ox.NamedNode(XSD + "decimal")
_INTEGER = ox.NamedNode(XSD + "integer")
_STRING = ox.NamedNode(XSD + "string")
_DIGITS = Decimal(10) ** -18
_INTEGER_TYPES = {XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger")}

COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def number(term: ox.Literal) -> Decimal:
    return Decimal(term.value)


def sparql_sum(values: list[ox.Literal]) -> ox.Literal:
    """SUM as SPARQL computes it: integers stay integers, anything else is a decimal."""
    total = sum((number(v) for v in values), Decimal(0))
    return _typed(total, all(v.datatype.value in _INTEGER_TYPES for v in values))


def difference(minuend: Any, subtrahend: Any) -> ox.Literal | None:
    """``minuend - subtrahend`` as SPARQL computes it (None where SPARQL has no value)."""
    if not isinstance(minuend, ox.Literal) or not isinstance(subtrahend, ox.Literal):
        return None
    integers = minuend.datatype.value in _INTEGER_TYPES and subtrahend.datatype.value in _INTEGER_TYPES
    return _typed(number(minuend) - number(subtrahend), integers)


def ratio(numerator: Any, denominator: Any, scale: int, divide: int) -> ox.Literal | None:
    """ROUND(scale * n / d) / divide with SPARQL decimal semantics; None where SPARQL has no value."""
    if not isinstance(numerator, ox.Literal) or not isinstance(denominator, ox.Literal):
        return None
    with localcontext() as ctx:
        ctx.prec = 40
        ctx.traps[DivisionByZero] = True
        top, bottom = Decimal(scale) * number(numerator), number(denominator)
        if top == 0 and bottom != bottom.to_integral_value():
            return None  # Oxigraph 0.5 fails 0 / 7.9 (not 0 / 7): its answer is the oracle
        try:
            # Oxigraph's decimals have 18 fractional digits: its quotient is cut there.
            scaled = (top / bottom).quantize(_DIGITS, rounding=ROUND_DOWN)
        except (DivisionByZero, InvalidOperation):
            return None
        rounded = (scaled + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR)
        return ox.Literal(_lexical(rounded / Decimal(divide)), datatype=_DECIMAL)


def sort_key(term: Any, absolute: bool = False) -> tuple[int, Any]:
    """ORDER BY for the terms plans produce: unbound first, numbers by value, text by text
    (``absolute``: numbers by their absolute value, as ``ORDER BY ABS(?x)``)."""
    if term is None:
        return (0, 0)
    if isinstance(term, ox.Literal) and term.datatype.value.startswith(XSD) and term.datatype != _STRING:
        try:
            value = Decimal(term.value)
        except InvalidOperation:
            pass
        else:
            return (1, abs(value) if absolute else value)
    if absolute:
        return (0, 0)  # ABS of text is an error: unbound
    return (2, str(term.value))


class Undetermined(Exception):
    """The ORDER BY leaves two different rows in the same place: Oxigraph orders such ties its
    own way (an unstable sort), which a plan cannot copy, so the SPARQL answers instead."""


def ensure_determined(records: list[dict[str, Any]], order: tuple[str, ...], columns: list[str]) -> None:
    """Raise ``Undetermined`` if sorted ``records`` tie on ``order`` while their ``columns`` differ."""
    before: tuple[Any, ...] | None = None
    row: list[Any] = []
    for record in records:
        key = tuple(sort_key(record.get(c)) for c in order)
        values = [record.get(c) for c in columns]
        if key == before and values != row:
            raise Undetermined(f"rows tie on {order}")
        before, row = key, values


def _typed(value: Decimal, integer: bool) -> ox.Literal:
    if integer:
        return ox.Literal(str(int(value)), datatype=_INTEGER)
    return ox.Literal(_lexical(value), datatype=_DECIMAL)


def _lexical(value: Decimal) -> str:
    """Oxigraph's canonical decimal: no exponent, no trailing zeros ('4', '0.33')."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text
