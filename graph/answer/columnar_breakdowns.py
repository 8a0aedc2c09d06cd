"""A measure of a columnar plan that reads one breakdown of an indicator (``dimensi:jenjang
kode:jenjang/SD``): its observations found on the view's rows.

The view's dicts (``values``, ``sourced``) hold an indicator's figures with every breakdown
together. A question such as ``pupils-per-population`` joins primary and junior secondary
pupils apart, each as ``?o dimensi:jenjang kode:jenjang/SD``: the view's rows carry each
observation's breakdown keys (``graph.answer.view_rows``), so the observations with that key
are picked there, with Arrow's filters, and their literals given in row order, as ``sourced``
gives them. Those filters read every row (0.1–0.2 s each at a million observations), so each
breakdown's figures are kept for the view in force: the next ask of the same publication reads none.
"""

from __future__ import annotations

import threading
import weakref
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyoxigraph as ox

from graph.answer.view import ObservationView

__all__ = ["broken_down"]

_Key = tuple[str, str, str | None, tuple[tuple[str, str], ...]]
_lock = threading.Lock()
# The view the kept figures were picked from (weakly: a replaced view is not kept alive for
# them), and the figures (shared: callers only read them).
_kept: tuple[weakref.ref[ObservationView] | None, dict[_Key, dict[str, list[ox.Literal]]]] = (None, {})


def broken_down(
    view: ObservationView, indicator: str, period: str, dataset: str | None, keys: dict[str, str]
) -> dict[str, list[ox.Literal]]:
    """Area -> the literals of the indicator's observations in the period (of ``dataset``, or
    any) whose key has every ``dimension IRI -> code IRI`` of ``keys`` (read, never changed, by
    the caller: the same dict answers the next ask on this view)."""
    global _kept
    key: _Key = (indicator, period, dataset, tuple(sorted(keys.items())))
    with _lock:
        if _kept[0] is not None and _kept[0]() is view and key in _kept[1]:
            return _kept[1][key]
    found = _picked(view, indicator, period, dataset, keys)
    with _lock:
        if _kept[0] is None or _kept[0]() is not view:
            _kept = (weakref.ref(view), {})
        _kept[1][key] = found
    return found


def _picked(
    view: ObservationView, indicator: str, period: str, dataset: str | None, keys: dict[str, str]
) -> dict[str, list[ox.Literal]]:
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
