"""Declared bounds of indicators, and the values of an answer that lie outside them.

An indicator's values cannot leave the bounds the vocabulary declares (``oc:minValue`` and
``oc:maxValue`` on the indicator, else on its unit: a percentage lies in 0–100). The coherence
rule NilaiDalamBatas (``graph.check.declared_values.within_bounds``) reads them the same way to
report such a figure; here they mark it where it is shown, so that 104,2 % of households with
safe water is never read as an ordinary value. ``read_bounds`` reads them once per
publication (with the code lists, ``graph.answer.code_lists``); insight uses them too.

In a question's answer the judged column is ``value``: the figure of the row's indicator (its
``indicator`` column) or, without one, of the indicator the question was asked about.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pyoxigraph as ox

from graph.reference.indicators import Bounds
from graph.store.public import PublicGraphs

__all__ = ["impossible_cells", "leave_out", "read_bounds"]

_VALUE, _INDICATOR = "value", "indicator"


def read_bounds(graphs: PublicGraphs) -> dict[str, Bounds]:
    """Indicator IRI -> its declared bounds (its own, else its unit's), for indicators with any."""
    rows = graphs.values(
        """SELECT ?i ?own_min ?own_max ?unit_min ?unit_max WHERE {
             ?i a oc:Indicator .
             OPTIONAL { ?i oc:minValue ?own_min } OPTIONAL { ?i oc:maxValue ?own_max }
             OPTIONAL { ?i oc:unit ?u .
                        OPTIONAL { ?u oc:minValue ?unit_min } OPTIONAL { ?u oc:maxValue ?unit_max } }
           }"""
    )
    found = {}
    for r in rows:
        low, high = r.get("own_min", r.get("unit_min")), r.get("own_max", r.get("unit_max"))
        if low is not None or high is not None:
            found[r["i"]] = Bounds(None if low is None else float(low), None if high is None else float(high))
    return found


def _number(term: object) -> float | None:
    if not isinstance(term, ox.Literal):
        return None
    try:
        return float(term.value)
    except ValueError:
        return None


def impossible_cells(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], asked: Iterable[Any], bounds: Mapping[str, Bounds]
) -> set[tuple[int, str]]:
    """(row index, column) of every value of an answer (its ``columns`` and ``rows`` of terms,
    ``asked`` the terms its parameters were bound to) outside its indicator's bounds."""
    if _VALUE not in columns:
        return set()
    asked_indicator = next(
        (t.value for t in asked if isinstance(t, ox.NamedNode) and t.value in bounds), None
    )
    value_at = list(columns).index(_VALUE)
    indicator_at = list(columns).index(_INDICATOR) if _INDICATOR in columns else None
    found = set()
    for i, row in enumerate(rows):
        own = row[indicator_at] if indicator_at is not None else None
        indicator = own.value if isinstance(own, ox.NamedNode) else asked_indicator
        if (
            indicator is not None
            and indicator in bounds
            and bounds[indicator].impossible(_number(row[value_at]))
        ):
            found.add((i, _VALUE))
    return found


def leave_out(
    chart: dict[str, Any] | None, ys: Sequence[str], impossible: set[tuple[int, str]]
) -> dict[str, Any] | None:
    """The chart (``graph.answer.question_pages.chart_data``) with a note on the impossible
    values; a bar chart (one bar per row) leaves their bars out, as a bar would show them as
    ordinary figures. ``ys``: the columns of its datasets, in order."""
    if chart is None or not impossible:
        return chart
    n = len(impossible)
    if chart["type"] == "bar":
        chart = {
            **chart,
            "datasets": [
                {**d, "data": [None if (i, y) in impossible else v for i, v in enumerate(d["data"])]}
                for d, y in zip(chart["datasets"], ys, strict=False)
            ],
        }
        note = (
            f"{n} nilai mustahil tidak digambar, lihat tabel / "
            f"{n} impossible value(s) not drawn, see the table."
        )
    else:
        note = f"{n} nilai mustahil, ditandai di tabel / {n} impossible value(s), marked in the table."
    return {**chart, "impossible": n, "summary": f"{chart['summary']} {note}"}
