"""Cube-shaped SPARQL answered from the observation view, the same answer as the store's.

An analyst's query that joins or aggregates indicators by region and period (two
indicators by desa, a sum by kecamatan via ``skos:broader``, one region's figures) makes
Oxigraph walk its indexes once per observation: seconds at a province's scale. The view
(``graph.answer.view``) already holds those observations as columns. Rather than translate
SPARQL into another engine (and re-implement its numeric promotions, its decimal
canonical forms, its ordering of mixed terms), this module copies only the slice of the
view a query can read into a small in-memory Oxigraph store and runs the query's own text
there: the same engine and the same writers, so the same terms, datatypes and order.

A query is taken only when every triple pattern it has (EXISTS included) is one of:

- an observation star ``?o <indicator> ?v ; sdmx-dimension:refArea ?a ;
  sdmx-dimension:refPeriod ?p`` (any of these three), with one constant indicator the view
  holds as numbers, its subject a variable (or ``[]``) used nowhere else (the copy's
  observations are new blank nodes);
- ``?area skos:broader ?parent`` and ``?r skos:prefLabel ?label`` on regions the same
  group of patterns ties to an observation's area (or a constant region the view knows);

no ``GRAPH``, ``SERVICE``, property path, ``FROM``, and no function whose answer changes
from one run to the next. ``view_is_complete`` checks, once per publication, that the
published data keeps the shape that makes the copy complete (every observation with one
area, one period, one value per indicator, one dataset, a coded area). Everything else goes
to the store.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from graph.answer.sparql import Answer, ProtocolQuery, write_answer
from graph.answer.view import ObservationView
from graph.rdf.iris import Iris
from graph.rdf.namespaces import OC, PREFIXES
from graph.store.interface import Store
from graph.store.versions import published_graphs

__all__ = ["CubeSlice", "answer_slice", "recognise", "slice_triples", "view_is_complete"]

AREA = PREFIXES["sdmx-dimension"] + "refArea"
PERIOD = PREFIXES["sdmx-dimension"] + "refPeriod"
BROADER = PREFIXES["skos"] + "broader"
LABEL = PREFIXES["skos"] + "prefLabel"
# Only texts naming an observation dimension can be cube-shaped; the rest skip the parser.
_MARKS = ("refArea", "refPeriod")
# Algebra nodes whose meaning depends on nothing but their operands and the data read.
_FORMS = {"SelectQuery", "AskQuery", "Project", "Slice", "OrderBy", "Extend", "AggregateJoin"}
_FORMS |= {"Group", "Filter", "BGP", "Join", "LeftJoin", "Union", "Minus", "Distinct", "Reduced"}
_FORMS |= {"ToMultiSet", "values", "TrueFilter", "OrderCondition", "GroupGraphPatternSub"}
_FORMS |= {"TriplesBlock", "RelationalExpression", "ConditionalAndExpression"}
_FORMS |= {"ConditionalOrExpression", "AdditiveExpression", "MultiplicativeExpression"}
_FORMS |= {"UnaryNot", "UnaryMinus", "UnaryPlus", "InExpression", "Function"}
# Builtins whose value changes between two runs, or that make new terms from run to run.
_UNSTABLE = {"Builtin_RAND", "Builtin_NOW", "Builtin_UUID", "Builtin_STRUUID", "Builtin_BNODE"}


@dataclass(frozen=True)
class CubeSlice:
    """What a recognised query reads: per indicator, the periods and areas it may touch
    (None: all of them)."""

    indicators: dict[str, tuple[frozenset[str] | None, frozenset[str] | None]]


def recognise(sparql: str, view: ObservationView) -> CubeSlice | None:
    """The slice of ``view`` that answers ``sparql`` exactly, or None (ask the store)."""
    if not any(mark in sparql for mark in _MARKS):
        return None
    try:  # rdflib's parser: the one Python parser with a SPARQL algebra
        from rdflib.plugins.sparql import prepareQuery

        algebra = prepareQuery(sparql).algebra
    except Exception:
        return None  # the store names the syntax error
    if algebra.get("datasetClause"):
        return None
    groups: list[list[tuple[Any, Any, Any]]] = []
    used: set[str] = set()
    if not _walk(algebra, groups, used):
        return None
    try:
        return _check(groups, used, view)
    except Exception:  # any shape the checks did not foresee: the store answers
        return None


def _walk(node: Any, groups: list[list[tuple[Any, Any, Any]]], used: set[str]) -> bool:
    """Collect each group of triple patterns and every variable used outside them; False on
    any node that is not plainly a function of the patterns' matches."""
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import BNode, Literal, URIRef, Variable

    if isinstance(node, CompValue):
        name = node.name
        if name.startswith("Builtin_"):
            if name in _UNSTABLE:
                return False
        elif not name.startswith("Aggregate_") and name not in _FORMS:
            return False
        if name in ("BGP", "TriplesBlock"):
            triples = [tuple(t) for t in node["triples"]]
            if not all(isinstance(x, Variable | BNode | URIRef | Literal) for t in triples for x in t):
                return False  # a property path
            groups.append(triples)
            return True
        # An ASK projects nothing, whatever rdflib lists as its variables.
        skip = {"_vars", "PV"} if name == "AskQuery" else {"_vars"}
        return all(_walk(v, groups, used) for k, v in node.items() if k not in skip)
    if isinstance(node, Variable):
        used.add(str(node))
        return True
    if isinstance(node, dict):
        return all(_walk(k, groups, used) and _walk(v, groups, used) for k, v in node.items())
    if isinstance(node, list | tuple | set | frozenset):
        return all(_walk(v, groups, used) for v in node)
    return isinstance(node, str | int | float | type(None) | URIRef | Literal | BNode)


def _check(  # noqa: C901
    groups: list[list[tuple[Any, Any, Any]]], used: set[str], view: ObservationView
) -> CubeSlice | None:
    from rdflib.term import BNode, URIRef, Variable

    numeric = {indicator for indicator, _ in view.values}
    coded = {indicator for indicator, _ in view.coded}
    known_areas = set(view.regions)
    stars: dict[Any, list[tuple[str, Any]]] = {}
    for group in groups:
        for s, p, o in group:
            if str(p) in (AREA, PERIOD) or (str(p) in numeric and isinstance(s, Variable | BNode)):
                if not isinstance(s, Variable | BNode) or str(s) in used:
                    return None
                stars.setdefault(s, []).append((str(p), o))
    subjects_as_objects = {o for group in groups for _, _, o in group}
    reads: dict[str, tuple[frozenset[str] | None, frozenset[str] | None]] = {}
    for s, arms in stars.items():
        indicators = {p for p, _ in arms if p not in (AREA, PERIOD)}
        if len(indicators) != 1 or s in subjects_as_objects:
            return None
        (indicator,) = indicators
        if indicator in coded or not all(
            isinstance(o, Variable) or p != indicator or _literal(o) for p, o in arms
        ):
            return None
        periods = _constants([o for p, o in arms if p == PERIOD])
        areas = _constants([o for p, o in arms if p == AREA])
        if periods is False or areas is False:
            return None
        old_periods, old_areas = reads.get(indicator, (frozenset(), frozenset()))
        reads[indicator] = (_widen(old_periods, periods), _widen(old_areas, areas))
    for group in groups:
        anchored: set[Any] = {
            o for s, p, o in group if s in stars and str(p) == AREA and isinstance(o, Variable)
        }
        anchored |= {s for s, p, _ in group if isinstance(s, URIRef) and str(s) in known_areas}
        parents = {o for s, p, o in group if str(p) == BROADER and s in anchored}
        for s, p, o in group:
            if s in stars:
                if str(p) in (AREA, PERIOD) or str(p) in numeric:
                    continue
                return None  # an observation's other triples are not in the slice
            if str(p) == BROADER and s in anchored and isinstance(o, Variable | URIRef):
                continue
            if str(p) == LABEL and (s in anchored or s in parents):
                continue
            return None
    return CubeSlice(reads) if reads else None


def _literal(term: Any) -> bool:
    from rdflib.term import Literal

    return isinstance(term, Literal)


def _constants(terms: list[Any]) -> frozenset[str] | None | bool:
    """The IRIs a star fixes a dimension to (None: not fixed; False: fixed to a non-IRI)."""
    from rdflib.term import BNode, URIRef, Variable

    fixed = [t for t in terms if not isinstance(t, Variable | BNode)]
    if not fixed:
        return None
    if not all(isinstance(t, URIRef) for t in fixed):
        return False
    return frozenset(str(t) for t in fixed[:1]) if len({str(t) for t in fixed}) == 1 else frozenset()


def _widen(old: frozenset[str] | None, new: frozenset[str] | None | bool) -> frozenset[str] | None:
    if old is None or new is None or isinstance(new, bool):
        return None
    return old | new


def slice_triples(view: ObservationView, cube: CubeSlice) -> str:
    """The slice as N-Triples: each observation a new blank node with its indicator, area and
    period; every coded region with its parents and names."""
    return "".join(_lines(view, cube))


def _lines(view: ObservationView, cube: CubeSlice) -> Iterator[str]:
    area_p, period_p = f"<{AREA}>", f"<{PERIOD}>"
    n = 0
    for (indicator, period), by_area in view.values.items():
        if indicator not in cube.indicators:
            continue
        periods, areas = cube.indicators[indicator]
        if periods is not None and period not in periods:
            continue
        for area, literals in by_area.items():
            if areas is not None and area not in areas:
                continue
            for literal in literals:
                n += 1
                yield f"_:o{n} <{indicator}> {literal} .\n_:o{n} {area_p} <{area}> .\n"
                yield f"_:o{n} {period_p} <{period}> .\n"
    yield from _region_lines(view)


def _region_lines(view: ObservationView) -> Iterable[str]:
    labels: dict[str, set[str]] = {}
    for area, names in view.regions.items():
        for name in names:
            if name.label is not None:
                labels.setdefault(area, set()).add(str(name.label))
    for parent, children in view.children.items():
        for child in children:
            yield f"<{child}> <{BROADER}> <{parent}> .\n"
            for name in view.regions.get(child, []):
                if name.parent_label is not None:
                    labels.setdefault(parent, set()).add(str(name.parent_label))
    for region, texts in labels.items():
        for text in texts:
            yield f"<{region}> <{LABEL}> {text} .\n"


def answer_slice(_store: Store, triples: str, request: ProtocolQuery) -> Answer:
    """``request`` answered over ``triples`` alone (a worker's function: the store it is
    given is not read; the time limit still holds)."""
    copy = ox.Store()
    copy.bulk_load(input=triples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return write_answer(copy.query(request.sparql), request)


_COMPLETE = f"""PREFIX qb: <{PREFIXES["qb"]}>
PREFIX oc: <{OC}>
PREFIX skos: <{PREFIXES["skos"]}>
PREFIX dim: <{PREFIXES["sdmx-dimension"]}>
ASK {{
  {{ ?o dim:refArea ?a . FILTER NOT EXISTS {{
       ?o qb:measureType ?i ; ?i ?v ; qb:dataSet/oc:cubeOf ?d ; dim:refPeriod ?p }} }}
  UNION {{ ?o dim:refPeriod ?p . FILTER NOT EXISTS {{ ?o dim:refArea ?a }} }}
  UNION {{ ?o dim:refArea ?a1 , ?a2 . FILTER(!sameTerm(?a1, ?a2)) }}
  UNION {{ ?o dim:refPeriod ?p1 , ?p2 . FILTER(!sameTerm(?p1, ?p2)) }}
  UNION {{ ?o qb:measureType ?i1 , ?i2 . FILTER(!sameTerm(?i1, ?i2)) }}
  UNION {{ ?o qb:measureType ?i ; ?i ?v1 , ?v2 . FILTER(!sameTerm(?v1, ?v2)) }}
  UNION {{ ?o qb:dataSet ?s1 , ?s2 . FILTER(!sameTerm(?s1, ?s2)) }}
  UNION {{ ?o qb:dataSet ?s . ?s oc:cubeOf ?d1 , ?d2 . FILTER(!sameTerm(?d1, ?d2)) }}
  UNION {{ ?o dim:refArea ?a . FILTER NOT EXISTS {{
       ?a skos:notation ?c . FILTER(datatype(?c) = oc:KemendagriCode) }} }}
  UNION {{ {{ SELECT DISTINCT ?i {{ ?x qb:measureType ?i }} }} ?o ?i ?v .
           FILTER NOT EXISTS {{ ?o qb:measureType ?i }} }}
}}"""


def view_is_complete(store: Store, iris: Iris) -> bool:
    """Whether the public published data has the shape that makes a slice of the view hold
    every triple a recognised query can match (run once per publication)."""
    graphs = published_graphs(store, iris)
    return not bool(store.query(_COMPLETE, default_graph=graphs))
