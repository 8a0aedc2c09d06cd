"""Which graphs are published, and swapping a dataset's version in one step.

Each load writes a dataset into a new *version graph*. Publishing it is one
SPARQL update that moves the dataset's pointer in the catalogue graph and
records the load's provenance, so readers see the old version or the new one,
never a mix. Queries run over the published graphs only, so a version being
written (or left behind by a crashed load) is never seen.

A version that validation held back stays in the store as the dataset's
*draft* (``oc:draftGraph`` in the catalogue graph) until it is published by
the Walidata or replaced by the next load; it is never part of a public query.

A published dataset is *terbuka* (open) or *terbatas* (restricted), as its
metadata says (``oc:accessLevel``). Every reader asks for the graphs of an
``Audience``; the default is the public one, which never gets a restricted
dataset's graph nor its restricted reports. A dataset whose level cannot be
read counts as restricted: a mistake hides data rather than leaking it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from graph.rdf.iris import Iris
from graph.rdf.namespaces import OC
from graph.store.interface import Store

__all__ = [
    "EVERYONE_INTERNAL",
    "PUBLIC",
    "Audience",
    "PublishedDataset",
    "candidate_graphs",
    "collect_garbage",
    "draft_datasets",
    "fixed_graphs",
    "hold",
    "published",
    "publish",
    "published_datasets",
    "published_graphs",
]


@dataclass(frozen=True)
class Audience:
    """Whose query it is, as far as access levels go (picklable: it travels to query workers).

    ``restricted_agencies`` are agency IRIs whose restricted datasets may be read;
    ``all_restricted`` reads every restricted dataset (Walidata, admin, the pipeline).
    """

    all_restricted: bool = False
    restricted_agencies: frozenset[str] = frozenset()

    @property
    def is_public(self) -> bool:
        return not self.all_restricted and not self.restricted_agencies

    def may_read(self, dataset: PublishedDataset) -> bool:
        if dataset.open:
            return True
        mine = dataset.agency is not None and dataset.agency in self.restricted_agencies
        return self.all_restricted or mine


PUBLIC = Audience()
# The pipeline itself (validation, publication, garbage collection) sees every dataset.
EVERYONE_INTERNAL = Audience(all_restricted=True)


@dataclass(frozen=True)
class PublishedDataset:
    iri: str
    graph: str
    slug: str
    open: bool
    agency: str | None


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


_PUBLISHED = """SELECT ?d ?g ?level ?agency WHERE {
  GRAPH <CATALOG> { ?d <OC_publishedGraph> ?g }
  OPTIONAL { GRAPH ?g { ?d <OC_accessLevel> ?level } }
  OPTIONAL { GRAPH ?g { ?d <http://purl.org/dc/terms/publisher> ?agency } }
}""".replace("OC_", OC)


def published(store: Store, iris: Iris) -> list[PublishedDataset]:
    """Every published dataset with its version graph, access level and agency.

    One query (it runs on every request): each dataset's level and agency are read from
    its own published version, where its metadata lives.
    """
    found = store.query(
        _PUBLISHED.replace("CATALOG", iris.catalog_graph), default_graph=[], named_graphs=None
    )
    assert isinstance(found, ox.QuerySolutions)
    graphs: dict[str, str] = {}
    levels: dict[str, set[str]] = {}
    agencies: dict[str, str] = {}
    for s in found:
        d = s["d"].value
        graphs[d] = s["g"].value
        if s["level"] is not None:
            levels.setdefault(d, set()).add(s["level"].value)
        if s["agency"] is not None:
            agencies[d] = s["agency"].value
    prefix = iris.dataset("")
    return [
        PublishedDataset(
            iri=d,
            graph=g,
            slug=d.removeprefix(prefix),
            # Missing or contradictory levels make a dataset restricted.
            open=levels.get(d) == {f"{OC}accessOpen"},
            agency=agencies.get(d),
        )
        for d, g in sorted(graphs.items())
    ]


def published_datasets(store: Store, iris: Iris, audience: Audience = PUBLIC) -> dict[str, str]:
    """Dataset IRI -> its published version graph, for the datasets ``audience`` may read."""
    return {d.iri: d.graph for d in published(store, iris) if audience.may_read(d)}


def draft_datasets(store: Store, iris: Iris) -> dict[str, str]:
    """Dataset IRI -> its held draft graph."""
    result = store.query(
        f"SELECT ?d ?g WHERE {{ ?d <{OC}draftGraph> ?g }}",
        default_graph=[iris.catalog_graph],
    )
    assert isinstance(result, ox.QuerySolutions)
    return {s["d"].value: s["g"].value for s in result}


def published_graphs(store: Store, iris: Iris, audience: Audience = PUBLIC) -> list[str]:
    """Every graph a query of ``audience`` may read (by default: the public's)."""
    readable = [d for d in published(store, iris) if audience.may_read(d)]
    restricted = [iris.restricted_provenance_graph(d.slug) for d in readable if not d.open]
    return fixed_graphs(iris) + sorted(restricted) + sorted(d.graph for d in readable)


def candidate_graphs(store: Store, iris: Iris, drafts: dict[str, str]) -> list[str]:
    """Every published graph as it would be if ``drafts`` (dataset IRI -> graph) were
    published: what validation judges (restricted datasets included)."""
    versions = {**published_datasets(store, iris, EVERYONE_INTERNAL), **drafts}
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
    previous = published_datasets(store, iris, EVERYONE_INTERNAL).get(dataset_iri)
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
    keep = set(published_datasets(store, iris, EVERYONE_INTERNAL).values())
    keep |= set(draft_datasets(store, iris).values())
    removed = [g for g in store.named_graphs() if g.startswith(iris.dataset_graphs_prefix) and g not in keep]
    for g in removed:
        store.remove_graph(g)
    return removed
