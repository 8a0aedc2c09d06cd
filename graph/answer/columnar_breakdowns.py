"""A measure of a columnar plan that reads one breakdown of an indicator (``dimensi:jenjang
kode:jenjang/SD``): its observations found on the view's rows.

The view's dicts (``values``, ``sourced``) hold an indicator's figures with every breakdown
together. A question such as ``pupils-per-population`` joins primary and junior secondary
pupils apart, each as ``?o dimensi:jenjang kode:jenjang/SD``: the view's rows carry each
observation's breakdown keys (``graph.answer.view_rows``), so the observations with that key
are picked there, with Arrow's filters (milliseconds at a million rows), and their literals
given in row order, as ``sourced`` gives them.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyoxigraph as ox

from graph.answer.view import ObservationView

__all__ = ["broken_down"]


def broken_down(
    view: ObservationView, indicator: str, period: str, dataset: str | None, keys: dict[str, str]
) -> dict[str, list[ox.Literal]]:
    """Area -> the literals of the indicator's observations in the period (of ``dataset``, or
    any) whose key has every ``dimension IRI -> code IRI`` of ``keys``."""
    rows = view.rows
    dimension, value = rows.column("dimension"), rows.column("value")
    chosen: set[Any] | None = None
    for prop, code in keys.items():
        mask = pc.and_(pc.equal(dimension, prop), pc.equal(value, code))
        found = set(rows.filter(mask).column("obs").to_pylist())
        chosen = found if chosen is None else chosen & found
    mask = pc.and_(pc.is_null(dimension), pc.equal(rows.column("indicator"), indicator))
    mask = pc.and_(mask, pc.equal(rows.column("period"), period))
    if dataset is not None:
        mask = pc.and_(mask, pc.equal(rows.column("dataset"), dataset))
    picked = rows.filter(mask)
    if chosen is not None:
        picked = picked.filter(
            pc.is_in(picked.column("obs"), value_set=pa.array(sorted(chosen), pa.string()))
        )
    by_area: dict[str, list[ox.Literal]] = {}
    columns = (picked.column(c).to_pylist() for c in ("area", "value", "datatype", "language"))
    for area, text, datatype, language in zip(*columns, strict=True):
        if datatype is None and language is None:
            continue  # a concept (a categorical value): no figure to compute with
        term = (
            ox.Literal(text, language=language)
            if language
            else ox.Literal(text, datatype=ox.NamedNode(datatype))
        )
        by_area.setdefault(area, []).append(term)
    return by_area
