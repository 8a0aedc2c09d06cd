"""A named graph at its own address: what it is, how much it holds, where it came from, its quads.

Every graph a reader may query (``graph.store.versions.graphs_of``: the vocabulary, regions,
periods, link decisions, catalogue and provenance graphs, and the published version of each
dataset the reader may read) answers at its IRI's path, ``{base}graph/...``. A dataset's
version says which dataset it is a version of, the load that wrote it (``prov:wasGeneratedBy``,
read from the provenance graphs the reader may read) and its counts. Any other graph (a draft,
a superseded version, a restricted dataset's version for the public) is not found: the same
answer whether it exists or not, as at ``/sparql``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from graph.rdf.iris import Iris
from graph.rdf.namespaces import DCTERMS, PREFIXES, PROV, QB, RDF_TYPE
from graph.store.interface import Store
from graph.store.public import PublicGraphs
from graph.store.versions import PUBLIC, Audience
from graph.text import Text

__all__ = ["NamedGraph", "find_graph", "graph_quads"]


@dataclass(frozen=True)
class NamedGraph:
    """One readable named graph, as its page shows it."""

    iri: str
    kind: Text
    triples: int
    observations: int
    dataset: str | None = None  # the dataset a version graph is a version of
    dataset_title: Text | None = None
    load: str | None = None  # the load that wrote it (a ``prov:Activity``)
    loaded: str | None = None  # when that load ended (ISO 8601)


def _kinds(iris: Iris) -> dict[str, Text]:
    return {
        iris.ontology_graph: Text("Kosakata dan indikator", "Vocabulary and indicators"),
        iris.regions_graph: Text("Kode wilayah", "Region codes"),
        iris.periods_graph: Text("Periode", "Periods"),
        iris.decisions_graph: Text("Keputusan penautan", "Linking decisions"),
        iris.catalog_graph: Text("Katalog (penunjuk versi terbit)", "Catalogue (published versions)"),
        iris.provenance_graph: Text("Asal-usul", "Provenance"),
    }


def find_graph(
    store: Store, iris: Iris, candidates: list[str], audience: Audience = PUBLIC
) -> tuple[int, NamedGraph] | None:
    """The first of ``candidates`` (graph IRIs, likeliest first) ``audience`` may read, with
    its index among them, described; None when it may read none of them."""
    view = PublicGraphs(store, iris, audience)
    readable = set(view.graphs)
    for index, iri in enumerate(candidates):
        if iri in readable:
            return index, _describe(view, iri)
    return None


def _describe(view: PublicGraphs, graph: str) -> NamedGraph:
    store, iris = view.store, view.iris
    observations = _count(
        store, f"SELECT (COUNT(?o) AS ?n) WHERE {{ ?o <{RDF_TYPE}> <{QB}Observation> }}", graph
    )
    versions = {g: d for d, g in view.versions.items()}
    dataset = versions.get(graph)
    if dataset is None:
        kind = _kinds(iris).get(
            graph, Text("Asal-usul dataset terbatas", "A restricted dataset's provenance")
        )
        return NamedGraph(graph, kind, store.count(graph), observations)
    titles = store.query(f"SELECT ?t WHERE {{ <{dataset}> <{DCTERMS}title> ?t }}", default_graph=[graph])
    assert isinstance(titles, ox.QuerySolutions)
    title = Text.of({r["t"].language or "": r["t"].value for r in titles})
    loads = store.query(
        f"SELECT ?load ?ended WHERE {{ <{graph}> <{PROV}wasGeneratedBy> ?load "
        f"OPTIONAL {{ ?load <{PROV}endedAtTime> ?ended }} }} ORDER BY DESC(?ended) LIMIT 1",
        default_graph=view.provenance,
    )
    assert isinstance(loads, ox.QuerySolutions)
    load = next(iter(loads), None)
    return NamedGraph(
        graph,
        Text("Versi dataset", "Dataset version"),
        store.count(graph),
        observations,
        dataset=dataset,
        dataset_title=title,
        load=load["load"].value if load else None,
        loaded=load["ended"].value if load and load["ended"] is not None else None,
    )


def _count(store: Store, sparql: str, graph: str) -> int:
    found = store.query(sparql, default_graph=[graph])
    assert isinstance(found, ox.QuerySolutions)
    return sum(int(r["n"].value) for r in found)


def graph_quads(
    store: Store, iris: Iris, graph: str, media_type: str, audience: Audience = PUBLIC
) -> bytes | None:
    """The graph's quads in a quad format (N-Quads, TriG) named by its media type; None when
    ``audience`` may not read the graph (checked again: a publication may have come between).

    Raises:
        ValueError: ``media_type`` is no quad format pyoxigraph writes.
    """
    fmt = ox.RdfFormat.from_media_type(media_type)
    if fmt is None or not fmt.supports_datasets:
        raise ValueError(f"no quad format for {media_type}")
    if graph not in set(PublicGraphs(store, iris, audience).graphs):
        return None
    found = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", default_graph=[graph])
    assert isinstance(found, ox.QueryTriples)
    name = ox.NamedNode(graph)
    quads = (ox.Quad(t.subject, t.predicate, t.object, name) for t in found)
    prefixes = {**PREFIXES, "wilayah": iris.region_prefix, "periode": iris.period_prefix}
    return ox.serialize(quads, format=fmt, prefixes=prefixes if fmt == ox.RdfFormat.TRIG else None) or b""
