"""Answering a ``category-count`` plan from the view: regions counted by category.

``category-count`` counts, for a categorical indicator (an IDM status), how many regions of
each parent region hold each category in one period. Its SPARQL joins every observation with
its concept, the concept's code list, notation, name and rank, and the region's parent: at
1,000,000 observations that takes seconds. The view keeps the categorical values by
indicator, period and dataset (``ObservationView.categories``) and the region tree, so only the
code lists' few hundred statements are read here, once per view.

SPARQL semantics kept on purpose: the concept must be in a code list of the indicator
(``qb:codeList`` / ``skos:inScheme``); optional names and ranks that are missing leave the
column unbound and several give several rows, as the OPTIONALs do; ``COUNT(DISTINCT ?area)``
counts a region once per group; rows are ordered by indicator, dataset, parent code, rank and
category code (``graph.answer.columnar_terms.sort_key``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from graph.answer.columnar_terms import ensure_determined, sort_key
from graph.answer.plan_metadata import OncePerView, solutions
from graph.answer.questions import Question
from graph.answer.view import ObservationView
from graph.rdf.iris import Iris
from graph.rdf.namespaces import OC, PREFIXES, XSD
from graph.store.interface import Store
from graph.store.versions import published_graphs

__all__ = ["CategoryMetadata", "category_metadata", "category_rows"]

_INTEGER = ox.NamedNode(XSD + "integer")
_SYNTHETIC = ox.Literal("sintetis / synthetic")
_REAL = ox.Literal("nyata / real")
_PREFIXES = f"""
PREFIX qb: <{PREFIXES["qb"]}>
PREFIX skos: <{PREFIXES["skos"]}>
PREFIX rdfs: <{PREFIXES["rdfs"]}>
PREFIX oc: <{OC}>
"""
_LISTS = _PREFIXES + "SELECT ?indicator ?list WHERE { ?indicator qb:codeList ?list }"
_NAMES = (
    _PREFIXES
    + """SELECT ?indicator ?name WHERE {
  ?indicator qb:codeList ?list ; rdfs:label ?name . FILTER(lang(?name) = "id") }"""
)
_CONCEPTS = (
    _PREFIXES
    + """SELECT ?concept ?list ?code ?name ?rank WHERE {
  { ?concept skos:inScheme ?list . [] qb:codeList ?list }
  UNION { ?concept skos:inScheme/^qb:codeList [] ; skos:notation ?code }
  UNION { ?concept skos:inScheme/^qb:codeList [] ; skos:prefLabel ?name . FILTER(lang(?name) = "id") }
  UNION { ?concept skos:inScheme/^qb:codeList [] ; oc:categoryRank ?rank }
}"""
)
_SYNTHETIC_DATA = _PREFIXES + "SELECT ?dataset ?synthetic WHERE { ?dataset oc:syntheticData ?synthetic }"


@dataclass(frozen=True)
class CategoryMetadata:
    """``lists[indicator]``: its code lists; ``names[indicator]``: its Indonesian labels;
    ``schemes`` / ``codes`` / ``labels`` / ``ranks[concept]``: its code lists, notations,
    Indonesian names and ranks; ``synthetic[dataset]``: its ``oc:syntheticData`` values."""

    lists: dict[str, set[str]]
    names: dict[str, list[ox.Literal]]
    schemes: dict[str, set[str]]
    codes: dict[str, list[Any]]
    labels: dict[str, list[ox.Literal]]
    ranks: dict[str, list[Any]]
    synthetic: dict[str, list[Any]]


def read_category_metadata(store: Store, iris: Iris) -> CategoryMetadata:
    """The code lists' metadata of the published graphs (no observation is read)."""
    graphs = published_graphs(store, iris)
    lists: dict[str, set[str]] = {}
    for s in solutions(store, _LISTS, graphs):
        lists.setdefault(s["indicator"].value, set()).add(s["list"].value)
    names: dict[str, list[ox.Literal]] = {}
    for s in solutions(store, _NAMES, graphs):
        names.setdefault(s["indicator"].value, []).append(s["name"])
    found = CategoryMetadata(lists, names, {}, {}, {}, {}, {})
    for s in solutions(store, _CONCEPTS, graphs):
        concept = s["concept"].value
        if s["list"] is not None:
            found.schemes.setdefault(concept, set()).add(s["list"].value)
        for column, into in (("code", found.codes), ("name", found.labels), ("rank", found.ranks)):
            if s[column] is not None:
                into.setdefault(concept, []).append(s[column])
    for s in solutions(store, _SYNTHETIC_DATA, graphs):
        found.synthetic.setdefault(s["dataset"].value, []).append(s["synthetic"])
    return found


category_metadata = OncePerView(lambda store, iris, _view: read_category_metadata(store, iris))
"""The metadata of the publication ``view`` was read from, read once per view."""


def category_rows(
    view: ObservationView, metadata: CategoryMetadata, question: Question, bound: dict[str, Any]
) -> list[list[Any]]:
    """The question's rows (terms, in ``question.columns`` order) for the bound parameters."""
    period = bound["period"].value
    indicator = bound["indicator"].value if "indicator" in bound else None
    source = bound["source"].value if "source" in bound else None
    kategori = bound["kategori"].value if "kategori" in bound else None
    parents: dict[str, list[str]] = {}
    for parent, children in view.children.items():
        for child in children:
            parents.setdefault(child, []).append(parent)
    groups: dict[tuple[Any, ...], set[str]] = {}
    for (i, p, dataset), areas in view.categories.items():
        if p != period or i not in metadata.lists or (indicator is not None and i != indicator):
            continue
        if source is None or dataset == source:
            _count(view, metadata, parents, (i, dataset), areas, kategori, groups)
    records = [
        {
            " indicator": ox.NamedNode(i),
            " source": ox.NamedNode(ds),
            "indicator_name": name,
            "data_kind": kind,
            "parent_code": code,
            "parent_name": label,
            "category_code": category_code,
            "category_name": category_name,
            "rank": rank,
            "regions": ox.Literal(str(len(areas)), datatype=_INTEGER),
        }
        for (i, ds, _, name, kind, code, label, category_code, category_name, rank), areas in groups.items()
    ]
    order = (" indicator", " source", "parent_code", "rank", "category_code")
    records.sort(key=lambda r: tuple(sort_key(r[c]) for c in order))
    ensure_determined(records, order, question.columns)
    return [[r[c] if c in r else bound.get(c) for c in question.columns] for r in records]


def _count(
    view: ObservationView,
    metadata: CategoryMetadata,
    parents: dict[str, list[str]],
    head: tuple[str, str],
    areas: dict[str, list[str]],
    kategori: str | None,
    groups: dict[tuple[Any, ...], set[str]],
) -> None:
    """Add the regions of one indicator and dataset to their groups (one per parent region,
    category and each optional name, as the SPARQL's GROUP BY keys)."""
    indicator, dataset = head
    synthetic = metadata.synthetic.get(dataset, [])
    kinds: list[ox.Literal | None] = list(dict.fromkeys(_data_kind(s) for s in synthetic)) or [_REAL]
    names: list[ox.Literal | None] = list(metadata.names.get(indicator, ())) or [None]
    lists = metadata.lists[indicator]
    for area, concepts in areas.items():
        places = [
            (r.code, r.label)
            for parent in parents.get(area, ())
            for r in _unique(view.regions.get(parent, ()))
            if r.label is not None
        ]
        for concept in dict.fromkeys(concepts):  # COUNT(DISTINCT ?area): a region once
            if (kategori is not None and concept != kategori) or not metadata.schemes.get(
                concept, set()
            ) & lists:
                continue
            for described in _described(metadata, concept):
                for name in names:
                    for kind in kinds:
                        for code, label in places:
                            key = (indicator, dataset, concept, name, kind, code, label, *described)
                            groups.setdefault(key, set()).add(area)


def _described(metadata: CategoryMetadata, concept: str) -> list[tuple[Any, Any, Any]]:
    """(notation, name, rank) of a concept: every notation (required), names and ranks optional."""
    labels: list[Any] = list(metadata.labels.get(concept, ())) or [None]
    ranks: list[Any] = list(metadata.ranks.get(concept, ())) or [None]
    return [(c, n, r) for c in metadata.codes.get(concept, ()) for n in labels for r in ranks]


def _unique(names: Any) -> list[Any]:
    """A region's (code, name) pairs once each (the view has one entry per parent name too)."""
    seen: dict[tuple[Any, Any], Any] = {}
    for r in names:
        seen.setdefault((r.code, r.label), r)
    return list(seen.values())


def _data_kind(synthetic: Any) -> ox.Literal | None:
    """``IF(COALESCE(?synthetic, false), "sintetis", "nyata")``: an effective boolean value;
    None (unbound) where it has none, as the IF's error leaves the BIND unbound."""
    if isinstance(synthetic, ox.Literal):
        datatype = synthetic.datatype.value
        if datatype == XSD + "boolean":
            return _SYNTHETIC if synthetic.value in ("true", "1") else _REAL
        if datatype == XSD + "string" and synthetic.language is None:
            return _SYNTHETIC if synthetic.value else _REAL
    return None
