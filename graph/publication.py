"""Which graphs are published, and swapping a dataset's version in one step.

Each load writes a dataset into a new *version graph*. Publishing it is one
SPARQL update that moves the dataset's pointer in the catalogue graph and
records the load's provenance, so readers see the old version or the new one,
never a mix. Queries run over the published graphs only, so a version being
written (or left behind by a crashed load) is never seen.

A version that validation held back stays in the store as the dataset's
*draft* (``oc:draftGraph`` in the catalogue graph) until it is published by
the Walidata or replaced by the next load; it is never part of a public query.
"""

from __future__ import annotations

import pyoxigraph as ox

from graph.iris import Iris
from graph.namespaces import OC
from graph.store import Store

__all__ = [
    "candidate_graphs",
    "collect_garbage",
    "draft_datasets",
    "fixed_graphs",
    "hold",
    "publish",
    "published_datasets",
    "published_graphs",
]


def fixed_graphs(iris: Iris) -> list[str]:
    """Graphs always public: vocabulary, regions, periods, decisions, catalogue, provenance."""
    return [
        iris.ontology_graph,
        iris.regions_graph,
        iris.periods_graph,
        iris.decisions_graph,
        iris.catalog_graph,
        iris.provenance_graph,
    ]


def published_datasets(store: Store, iris: Iris) -> dict[str, str]:
    """Dataset IRI -> its published version graph."""
    result = store.query(
        f"SELECT ?d ?g WHERE {{ ?d <{OC}publishedGraph> ?g }}",
        default_graph=[iris.catalog_graph],
    )
    assert isinstance(result, ox.QuerySolutions)
    return {s["d"].value: s["g"].value for s in result}


def draft_datasets(store: Store, iris: Iris) -> dict[str, str]:
    """Dataset IRI -> its held draft graph."""
    result = store.query(
        f"SELECT ?d ?g WHERE {{ ?d <{OC}draftGraph> ?g }}",
        default_graph=[iris.catalog_graph],
    )
    assert isinstance(result, ox.QuerySolutions)
    return {s["d"].value: s["g"].value for s in result}


def published_graphs(store: Store, iris: Iris) -> list[str]:
    """Every graph a public query may read."""
    return fixed_graphs(iris) + sorted(published_datasets(store, iris).values())


def candidate_graphs(store: Store, iris: Iris, drafts: dict[str, str]) -> list[str]:
    """The public graphs as they would be if ``drafts`` (dataset IRI -> graph) were published."""
    versions = {**published_datasets(store, iris), **drafts}
    return fixed_graphs(iris) + sorted(versions.values())


def hold(store: Store, iris: Iris, dataset_iri: str, graph: str, provenance_nt: str) -> str | None:
    """Keep ``graph`` as the dataset's draft (replacing an older draft) and record why, atomically.

    Returns the older draft graph (now unreferenced), or None.
    """
    previous = draft_datasets(store, iris).get(dataset_iri)
    catalog = iris.catalog_graph
    store.update(
        f"""DELETE {{ GRAPH <{catalog}> {{ <{dataset_iri}> <{OC}draftGraph> ?old }} }}
INSERT {{ GRAPH <{catalog}> {{ <{dataset_iri}> <{OC}draftGraph> <{graph}> }} }}
WHERE {{ OPTIONAL {{ GRAPH <{catalog}> {{ <{dataset_iri}> <{OC}draftGraph> ?old }} }} }} ;
INSERT DATA {{ GRAPH <{iris.provenance_graph}> {{
{provenance_nt}
}} }}"""
    )
    return previous if previous != graph else None


def publish(store: Store, iris: Iris, dataset_iri: str, graph: str, provenance_nt: str) -> list[str]:
    """Point ``dataset_iri`` at ``graph`` and append provenance, atomically.

    A held draft of the dataset is dropped from the catalogue in the same update
    (it is either ``graph`` itself or superseded by it).

    Returns the graphs no longer referenced (previous version, older draft).
    """
    previous = published_datasets(store, iris).get(dataset_iri)
    draft = draft_datasets(store, iris).get(dataset_iri)
    catalog = iris.catalog_graph
    store.update(
        f"""DELETE WHERE {{ GRAPH <{catalog}> {{ <{dataset_iri}> <{OC}draftGraph> ?draft }} }} ;
DELETE {{ GRAPH <{catalog}> {{ <{dataset_iri}> <{OC}publishedGraph> ?old }} }}
INSERT {{ GRAPH <{catalog}> {{ <{dataset_iri}> <{OC}publishedGraph> <{graph}> }} }}
WHERE {{ OPTIONAL {{ GRAPH <{catalog}> {{ <{dataset_iri}> <{OC}publishedGraph> ?old }} }} }} ;
INSERT DATA {{ GRAPH <{iris.provenance_graph}> {{
{provenance_nt}
}} }}"""
    )
    return [g for g in (previous, draft) if g and g != graph]


def collect_garbage(store: Store, iris: Iris) -> list[str]:
    """Remove dataset version graphs neither published nor held as drafts (superseded, half-written)."""
    keep = set(published_datasets(store, iris).values()) | set(draft_datasets(store, iris).values())
    removed = [g for g in store.named_graphs() if g.startswith(iris.dataset_graphs_prefix) and g not in keep]
    for g in removed:
        store.remove_graph(g)
    return removed
