"""Describe one minted resource for its linked-data page: triples, links, labels, provenance.

``describe(store, iris, iri)`` reads the *published* graphs only (the same ones a
public SPARQL query sees). A resource is described when it is the subject of at
least one published triple; otherwise ``describe`` returns None. That rule, not
"mentioned anywhere", keeps a held draft's observations unseen: their triples live
in the draft's version graph, and the validation report that names them (public,
in the provenance graph) only points *at* them.

A description (``graph.describe.descriptions``) holds, each bounded:

- the resource's own triples (at most ``max_triples``);
- incoming links grouped by property, each group with its full count and
  ``incoming_per_property`` of its subjects (the first in the store's order, listed
  in IRI order);
- the labels (``skos:prefLabel``, ``rdfs:label``, ``dcterms:title``) of every IRI
  shown, Indonesian first;
- for a region, its hierarchy (ancestors up to the top, children);
- for an observation, its provenance chain (``graph.describe.observation_chains``);
- for a validation report, its findings.

Everything returned is plain picklable data, so ``describe`` can run in a query
worker process that is killed at the time limit (``graph.store.pool``). The queries
are in ``graph.describe.resource_queries``, the RDF output in ``graph.describe.resource_rdf``.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyoxigraph as ox

from graph.describe.descriptions import (
    INCOMING_PER_PROPERTY,
    LABEL_PROPERTIES,
    MAX_CHILDREN,
    MAX_FINDINGS,
    MAX_TRIPLES,
    SH,
    Description,
    Hierarchy,
    Incoming,
    object_text,
)
from graph.describe.observation_chains import add_provenance, finding_from_triples, finding_order
from graph.describe.resource_queries import ResourceQueries
from graph.rdf.iris import Iris, path_iris
from graph.rdf.namespaces import RDF_TYPE, SKOS
from graph.store.interface import Store
from graph.store.public import PublicGraphs

__all__ = ["describe", "not_described", "resolve"]


def not_described(iri: str) -> str:
    """What to tell a client that asked for an IRI no published triple describes."""
    return (
        f"tidak ada sumber daya terbitan dengan IRI ini / no published resource has this IRI: {iri}. "
        "Only published data is described; GET /sparql lists the published graphs."
    )


def resolve(store: Store, iris: Iris, paths: Sequence[str]) -> tuple[int, Description] | None:
    """The first of several request paths that names a described resource, and its description.

    Each path is tried with every IRI ``path_iris`` gives for it; the result is the
    path's index and the description, or None when none is described.
    """
    for index, path in enumerate(paths):
        for iri in path_iris(iris, path):
            found = describe(store, iris, iri)
            if found is not None:
                return index, found
    return None


def describe(
    store: Store,
    iris: Iris,
    iri: str,
    *,
    max_triples: int = MAX_TRIPLES,
    incoming_per_property: int = INCOMING_PER_PROPERTY,
) -> Description | None:
    """What the published graphs say about ``iri``; None when no published triple has it as subject.

    >>> from graph.store.connect import open_store
    >>> describe(open_store(None), Iris("https://example.org/"), "https://example.org/id/x") is None
    True
    """
    try:
        ox.NamedNode(iri)
    except ValueError:
        return None
    queries = ResourceQueries(PublicGraphs(store, iris))
    own = queries.outgoing(iri, max_triples + 1)
    if not own:
        return None
    truncated = len(own) > max_triples
    own = own[:max_triples]
    incoming = [
        Incoming(p, n, tuple(queries.incoming(iri, p, incoming_per_property)))
        for p, n in queries.incoming_counts(iri)
    ]
    description = Description(iri, own, incoming, {}, truncated or any(g.truncated for g in incoming))
    kind = description.kind[0]
    if kind == "region":
        _add_hierarchy(queries, description)
    elif kind == "observation":
        add_provenance(queries, description)
    elif kind == "validation-report":
        _add_report_findings(queries, description)
    _add_labels(queries, description)
    return description


def _add_report_findings(queries: ResourceQueries, description: Description) -> None:
    results = [str(o.value) for o in description.values(SH + "result")][:MAX_FINDINGS]
    triples = queries.triples_of(results)
    description.findings = sorted(
        (finding_from_triples(r, triples.get(r, [])) for r in results), key=finding_order
    )
    description.context += [t for r in results for t in triples.get(r, [])]


def _language_rank(literal: ox.Literal) -> int:
    return {"id": 0, None: 1, "en": 2}.get(literal.language, 3)


def _add_labels(queries: ResourceQueries, description: Description) -> None:
    shown: set[str] = set()
    for triple in description.graph():
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, ox.NamedNode):
                shown.add(term.value)
    if description.hierarchy is not None:
        shown.update(description.hierarchy.ancestors)
    found = sorted(
        queries.labels(description.iri, shown),
        key=lambda x: (x[0], _language_rank(x[2]), LABEL_PROPERTIES.index(x[1]), x[2].value),
    )
    labels: dict[str, list[ox.Literal]] = {}
    properties: dict[tuple[str, ox.Literal], str] = {}
    for iri, prop, literal in found:
        if (iri, literal) not in properties:
            labels.setdefault(iri, []).append(literal)
        properties.setdefault((iri, literal), prop)
    description.labels = labels
    description.context += [
        ox.Triple(ox.NamedNode(iri), ox.NamedNode(prop), literal)
        for (iri, literal), prop in properties.items()
    ]


def _add_hierarchy(queries: ResourceQueries, description: Description) -> None:
    ancestors: list[str] = []
    current = [t for t in description.triples if t.predicate.value == SKOS + "broader"]
    while current and len(ancestors) < 10:
        parent = object_text(current[0])
        if parent in ancestors or parent == description.iri:
            break
        ancestors.append(parent)
        triples = queries.triples_of([parent]).get(parent, [])
        description.context += [t for t in triples if t.predicate.value in (SKOS + "broader", RDF_TYPE)]
        current = [t for t in triples if t.predicate.value == SKOS + "broader"]
    children = queries.incoming(description.iri, SKOS + "broader", MAX_CHILDREN)
    count = next((g.count for g in description.incoming if g.predicate == SKOS + "broader"), 0)
    description.context += [
        ox.Triple(ox.NamedNode(c), ox.NamedNode(SKOS + "broader"), ox.NamedNode(description.iri))
        for c in children
    ]
    description.hierarchy = Hierarchy(tuple(ancestors), tuple(sorted(children, key=_code_key)), count)


def _code_key(iri: str) -> tuple[tuple[int, int, str], ...]:
    """Order region IRIs by their dotted code, numerically.

    >>> sorted(["r/11.10", "r/11.9", "r/11.x"], key=_code_key)
    ['r/11.9', 'r/11.10', 'r/11.x']
    """
    code = iri.rsplit("/", 1)[-1]
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in code.split("."))
