"""The small metadata some columnar plans read beside the observation view.

Trends and regional aggregates need each period's year (``oc:year``), each indicator's kind
(``oc:measureKind``: counts and areas are summed up the region tree) and its numerator and
denominator (a percentage is recomputed from them), and each region level's notation. These
are a few hundred statements of the reference and indicator graphs: three short queries that
never touch an observation, read once per view (one view per publication) and kept with it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

import pyoxigraph as ox

from graph.answer.view import ObservationView
from graph.rdf.iris import Iris
from graph.rdf.namespaces import OC, PREFIXES
from graph.store.interface import Store
from graph.store.versions import published_graphs

T = TypeVar("T")

__all__ = ["OncePerView", "PlanMetadata", "plan_metadata", "read_plan_metadata", "solutions"]

_PERIODS = f"SELECT ?period ?year WHERE {{ ?period <{OC}year> ?year }}"
_INDICATORS = f"""
SELECT ?indicator ?kind ?numerator ?denominator WHERE {{
  {{ ?indicator <{OC}measureKind> ?kind }}
  UNION {{ ?indicator <{OC}numerator> ?numerator }}
  UNION {{ ?indicator <{OC}denominator> ?denominator }}
}}"""
_LEVELS = (
    f"SELECT ?level ?notation WHERE {{ ?level <{OC}levelRank> ?rank ; "
    f"<{PREFIXES['skos']}notation> ?notation }}"
)


@dataclass(frozen=True)
class PlanMetadata:
    """``years[period]``: its ``oc:year`` literals; ``kinds[indicator]``: its measure kinds;
    ``numerators`` / ``denominators[indicator]``: the indicators it is computed from;
    ``levels[level IRI]``: the level's notation (``kecamatan``), as the view's ``levels``."""

    years: dict[str, list[ox.Literal]]
    kinds: dict[str, set[str]]
    numerators: dict[str, list[str]]
    denominators: dict[str, list[str]]
    levels: dict[str, str]


def read_plan_metadata(store: Store, iris: Iris) -> PlanMetadata:
    """The metadata of the published graphs as they are now (no observation is read)."""
    graphs = published_graphs(store, iris)
    years: dict[str, list[ox.Literal]] = {}
    for s in solutions(store, _PERIODS, graphs):
        years.setdefault(s["period"].value, []).append(s["year"])
    kinds: dict[str, set[str]] = {}
    numerators: dict[str, list[str]] = {}
    denominators: dict[str, list[str]] = {}
    for s in solutions(store, _INDICATORS, graphs):
        indicator = s["indicator"].value
        if s["kind"] is not None:
            kinds.setdefault(indicator, set()).add(s["kind"].value)
        if s["numerator"] is not None:
            numerators.setdefault(indicator, []).append(s["numerator"].value)
        if s["denominator"] is not None:
            denominators.setdefault(indicator, []).append(s["denominator"].value)
    levels = {s["level"].value: s["notation"].value for s in solutions(store, _LEVELS, graphs)}
    return PlanMetadata(years, kinds, numerators, denominators, levels)


class OncePerView(Generic[T]):
    """``read(store, iris, view)`` once per view: a new publication brings a new view, and the
    value read for the one before is then forgotten (one is kept, for the view in force)."""

    def __init__(self, read: Callable[[Store, Iris, ObservationView], T]) -> None:
        self._read = read
        self._lock = threading.Lock()
        self._last: tuple[ObservationView, T] | None = None

    def __call__(self, store: Store, iris: Iris, view: ObservationView) -> T:
        with self._lock:
            if self._last is not None and self._last[0] is view:
                return self._last[1]
        found = self._read(store, iris, view)
        with self._lock:
            self._last = (view, found)
        return found


plan_metadata = OncePerView(lambda store, iris, _view: read_plan_metadata(store, iris))
"""The metadata of the publication ``view`` was read from, read once per view."""


def solutions(store: Store, sparql: str, graphs: list[str]) -> ox.QuerySolutions:
    """A SELECT's solutions over ``graphs`` as the default graph."""
    found = store.query(sparql, default_graph=graphs)
    assert isinstance(found, ox.QuerySolutions)
    return found
