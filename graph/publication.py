"""Which graphs are published, and swapping a dataset's version in one step.

Each load writes a dataset into a new *version graph*. Publishing it is one
SPARQL update that moves the dataset's pointer in the catalogue graph and
records the load's provenance, so readers see the old version or the new one,
never a mix. Queries run over the published graphs only, so a version being
written (or left behind by a crashed load) is never seen.
"""

from __future__ import annotations

import pyoxigraph as ox

from graph.iris import Iris
from graph.namespaces import OC
from graph.store import Store

__all__ = ["collect_garbage", "fixed_graphs", "publish", "published_datasets", "published_graphs"]


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


def published_graphs(store: Store, iris: Iris) -> list[str]:
    """Every graph a public query may read."""
    return fixed_graphs(iris) + sorted(published_datasets(store, iris).values())


def publish(store: Store, iris: Iris, dataset_iri: str, graph: str, provenance_nt: str) -> str | None:
    """Point ``dataset_iri`` at ``graph`` and append provenance, atomically.

    Returns the previously published graph (now unreferenced), or None.
    """
    previous = published_datasets(store, iris).get(dataset_iri)
    catalog = iris.catalog_graph
    store.update(
        f"""DELETE {{ GRAPH <{catalog}> {{ <{dataset_iri}> <{OC}publishedGraph> ?old }} }}
INSERT {{ GRAPH <{catalog}> {{ <{dataset_iri}> <{OC}publishedGraph> <{graph}> }} }}
WHERE {{ OPTIONAL {{ GRAPH <{catalog}> {{ <{dataset_iri}> <{OC}publishedGraph> ?old }} }} }} ;
INSERT DATA {{ GRAPH <{iris.provenance_graph}> {{
{provenance_nt}
}} }}"""
    )
    return previous


def collect_garbage(store: Store, iris: Iris) -> list[str]:
    """Remove dataset version graphs that are not published (superseded or half-written)."""
    keep = set(published_datasets(store, iris).values())
    removed = [g for g in store.named_graphs() if g.startswith(iris.dataset_graphs_prefix) and g not in keep]
    for g in removed:
        store.remove_graph(g)
    return removed
