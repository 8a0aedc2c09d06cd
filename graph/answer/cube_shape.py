"""Whether the published data has the shape that makes the view answer cube SPARQL exactly.

``graph.answer.cube_sparql`` answers an observation pattern from the view's rows, one row per
(indicator, area, period, value, dataset) the view's scan read. That is the store's answer only
when every observation has exactly one measure type, one value of it, one area, one period and
one dataset (with one ``oc:cubeOf``), when no other subject carries those predicates, and when
the region triples the view holds (``skos:broader``, ``skos:prefLabel`` of coded regions) are
not repeated in two published graphs (a union repeats them, the view's sets do not).

This is decided when the view is built, not per request: a dataset version graph never
changes under its name (``graph.store.versions``), so each one is checked once, by a few
grouped counts, and its verdict kept for as long as it is published; the always-public graphs
(catalogue, regions, ...) are checked again at every build, and so are the region triples.
"""

from __future__ import annotations

import logging
import threading

import pyoxigraph as ox

from graph.answer.cube_patterns import region_tables
from graph.answer.view import ObservationView
from graph.rdf.iris import Iris
from graph.rdf.namespaces import OC, PREFIXES
from graph.store.interface import Store
from graph.store.versions import PUBLIC, graphs_of, published

__all__ = ["CubeShapes", "graph_is_regular"]

log = logging.getLogger("onecenter.sparql")

_PREFIXES = f"""PREFIX qb: <{PREFIXES["qb"]}>
PREFIX oc: <{OC}>
PREFIX skos: <{PREFIXES["skos"]}>
PREFIX dim: <{PREFIXES["sdmx-dimension"]}>
"""
# Subjects with one of the four structural predicates, but not exactly one of each.
_IRREGULAR = [
    """ASK { { SELECT ?o (COUNT(*) AS ?n) (COUNT(DISTINCT ?p) AS ?k) {
      VALUES ?p { qb:measureType dim:refArea dim:refPeriod qb:dataSet } ?o ?p ?x } GROUP BY ?o }
  FILTER(?n != 4 || ?k != 4) }""",
    # An observation without exactly one value of its measure.
    """ASK { { SELECT ?o (COUNT(?v) AS ?n) { ?o qb:measureType ?i OPTIONAL { ?o ?i ?v } } GROUP BY ?o }
  FILTER(?n != 1) }""",
    # A dataset without exactly one table it is a cube of.
    """ASK { { SELECT ?d (COUNT(?c) AS ?n) { { SELECT DISTINCT ?d { ?o qb:dataSet ?d } }
      OPTIONAL { ?d oc:cubeOf ?c } } GROUP BY ?d } FILTER(?n != 1) }""",
]
# Values of a measure on anything but an observation of that measure (counted against them).
_MEASURED = """SELECT (COUNT(*) AS ?n) { { SELECT DISTINCT ?i { ?x qb:measureType ?i } } ?s ?i ?v }"""
_OBSERVATIONS = "SELECT (COUNT(*) AS ?n) { ?o qb:measureType ?i }"
_ANY_OBSERVATION = "ASK { ?o qb:measureType|dim:refArea|dim:refPeriod|qb:dataSet ?x }"
_CODED = """{ SELECT DISTINCT ?a { ?a skos:notation ?c FILTER(datatype(?c) = oc:KemendagriCode) } }"""
_BROADER = f"SELECT (COUNT(*) AS ?n) {{ {_CODED} ?a skos:broader ?p }}"
_LABELS = f"""SELECT (COUNT(*) AS ?n) {{
  {{ SELECT DISTINCT ?r {{ {{ {_CODED} BIND(?a AS ?r) }} UNION {{ {_CODED} ?a skos:broader ?r }} }} }}
  ?r skos:prefLabel ?l }}"""


def _count(store: Store, sparql: str, graphs: list[str]) -> int:
    rows = store.query(_PREFIXES + sparql, default_graph=graphs)
    assert isinstance(rows, ox.QuerySolutions)
    return sum(int(s["n"].value) for s in rows)


def _ask(store: Store, sparql: str, graphs: list[str]) -> bool:
    return bool(store.query(_PREFIXES + sparql, default_graph=graphs))


def graph_is_regular(store: Store, graph: str) -> bool:
    """Whether every observation of ``graph`` has one measure type, value, area, period and
    dataset (one cube), and no other subject carries those predicates or a measure's value."""
    if any(_ask(store, q, [graph]) for q in _IRREGULAR):
        return False
    return _count(store, _MEASURED, [graph]) == _count(store, _OBSERVATIONS, [graph])


def _regions_are_single(store: Store, graphs: list[str], view: ObservationView) -> bool:
    """The view's region relations hold each published triple once, and every observed area is
    a coded region (whose parents and names the view holds)."""
    areas = {a for by_area in view.values.values() for a in by_area}
    areas |= {a for found in view.coded.values() for a in found}
    if not areas <= set(view.regions):
        return False
    pairs = sum(len(children) for children in view.children.values())
    if _count(store, _BROADER, graphs) != pairs:
        return False
    labels: dict[str, set[ox.Literal]] = {}
    for area, names in view.regions.items():
        labels.setdefault(area, set()).update(n.label for n in names if n.label is not None)
    for parent, children in view.children.items():
        for child in children:
            found = labels.setdefault(parent, set())
            found.update(n.parent_label for n in view.regions[child] if n.parent_label is not None)
    return _count(store, _LABELS, graphs) == sum(len(v) for v in labels.values())


class CubeShapes:
    """The verdict for each view built: may cube SPARQL be answered from it?

    ``update`` runs right after a view is built (in the build's thread); ``complete`` is read
    per request and costs a dictionary look-up. Verdicts of version graphs are kept by graph.
    """

    def __init__(self) -> None:
        self._graphs: dict[str, bool] = {}
        self._verdicts: list[tuple[ObservationView, bool]] = []  # the last two views built
        self._lock = threading.Lock()

    def update(self, store: Store, iris: Iris, view: ObservationView) -> bool:
        # The recogniser's parser takes a second or two to import: here, in the build's thread,
        # rather than in the first cube query's request.
        import rdflib.plugins.sparql  # noqa: F401

        with self._lock:
            datasets = published(store, iris)
            graphs = graphs_of(store, iris, datasets, PUBLIC)
            versions = sorted({d.graph for d in datasets if PUBLIC.may_read(d)})
            changing = [g for g in graphs if g not in versions]
            try:
                known = {g: self._graphs.get(g) for g in versions}
                for g, verdict in known.items():
                    if verdict is None:
                        known[g] = graph_is_regular(store, g)
                self._graphs = {g: bool(v) for g, v in known.items()}
                verdict = (
                    all(self._graphs.values())
                    and not (changing and _ask(store, _ANY_OBSERVATION, changing))
                    and _regions_are_single(store, graphs, view)
                )
            except Exception:  # the view still answers its questions; SPARQL goes to the store
                log.warning("cube shape check failed: cube SPARQL goes to the store", exc_info=True)
                verdict = False
            if verdict:
                region_tables(view)  # indexed here, in the build's thread, not in a request
            self._verdicts = [*self._verdicts[-1:], (view, verdict)]
            return verdict

    def complete(self, view: ObservationView) -> bool:
        """The verdict for ``view`` (False for a view this object has not checked)."""
        return any(v is view and verdict for v, verdict in self._verdicts)
