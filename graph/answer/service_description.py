"""The SPARQL 1.1 Service Description of the endpoint, its dataset described with VoID.

A client that opens ``/sparql`` without a query learns from it what the endpoint offers:
the query language, the result formats, the union default graph, the limits, and every
published graph with its number of triples (``graph.answer.sparql.graph_sizes``).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from graph.rdf.namespaces import PREFIXES
from graph.version import __version__

__all__ = ["FORMAT_IRIS", "SD", "description"]

SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = PREFIXES["void"]
DCTERMS = PREFIXES["dcterms"]
RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_INTEGER = ox.NamedNode(PREFIXES["xsd"] + "integer")
_FORMATS = "http://www.w3.org/ns/formats/"
# The W3C registry of format IRIs (https://www.w3.org/ns/formats/), by media type: the IRIs
# clients look for in sd:resultFormat (pyoxigraph names JSON-LD by another one, .../data/JSON-LD).
FORMAT_IRIS = {
    "application/sparql-results+json": _FORMATS + "SPARQL_Results_JSON",
    "application/sparql-results+xml": _FORMATS + "SPARQL_Results_XML",
    "text/csv": _FORMATS + "SPARQL_Results_CSV",
    "text/tab-separated-values": _FORMATS + "SPARQL_Results_TSV",
    "text/turtle": _FORMATS + "Turtle",
    "application/n-triples": _FORMATS + "N-Triples",
    "application/ld+json": _FORMATS + "JSON-LD",
    "application/rdf+xml": _FORMATS + "RDF_XML",
    "text/n3": _FORMATS + "N3",
    "application/n-quads": _FORMATS + "N-Quads",
    "application/trig": _FORMATS + "TriG",
}


def _sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def description(
    endpoint: str,
    sizes: dict[str, int],
    *,
    time_limit_ms: int | None,
    max_rows: int,
    media_types: Iterable[str],
    streaming_rows: int = 0,
) -> list[ox.Triple]:
    """The description of the endpoint at ``endpoint``: ``sizes`` are the triples of each
    published graph, ``media_types`` the result formats it answers in, ``streaming_rows``
    the cap of the streaming formats when it is lifted above ``max_rows``."""
    me = ox.NamedNode(endpoint)
    dataset, default = ox.BlankNode(), ox.BlankNode()
    limits = (
        f"Batas / limits: {time_limit_ms} ms per query (query_timeout_ms), "
        if time_limit_ms is not None
        else "Batas / limits: no time limit (in-memory store), "
    ) + f"{max_rows} rows per answer (max_result_rows)"
    if streaming_rows > max_rows:
        limits += (
            f", {streaming_rows} in SPARQL XML, CSV, TSV, Turtle, N-Triples, N3 and RDF/XML "
            "(streaming_max_result_rows)"
        )
    limits += "; a cut answer says so (header X-OneCenter-Truncated)."
    triples = [
        ox.Triple(me, RDF_TYPE, _sd("Service")),
        ox.Triple(me, _sd("endpoint"), me),
        ox.Triple(me, _sd("supportedLanguage"), _sd("SPARQL11Query")),
        ox.Triple(me, _sd("feature"), _sd("UnionDefaultGraph")),
        ox.Triple(me, _sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(me, ox.NamedNode(DCTERMS + "title"), ox.Literal("SPARQL One Center", language="id")),
        ox.Triple(me, ox.NamedNode(DCTERMS + "title"), ox.Literal("One Center SPARQL", language="en")),
        ox.Triple(
            me,
            ox.NamedNode(DCTERMS + "description"),
            ox.Literal(
                f"Read-only SPARQL 1.1 endpoint over the published Satu Data graphs (One Center "
                f"{__version__}). {limits}",
                language="en",
            ),
        ),
        ox.Triple(me, _sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, _sd("Dataset")),
        ox.Triple(dataset, RDF_TYPE, ox.NamedNode(VOID + "Dataset")),
        ox.Triple(dataset, ox.NamedNode(VOID + "sparqlEndpoint"), me),
        ox.Triple(dataset, _sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, _sd("Graph")),
        ox.Triple(
            default,
            ox.NamedNode(DCTERMS + "description"),
            ox.Literal("Gabungan semua graf terbit / the union of all published graphs", language="id"),
        ),
    ]
    for media_type in media_types:
        iri = FORMAT_IRIS.get(media_type.split(";")[0].strip())
        if iri is not None:
            triples.append(ox.Triple(me, _sd("resultFormat"), ox.NamedNode(iri)))
    return triples + _named_graphs(dataset, sizes)


def _named_graphs(dataset: ox.BlankNode, sizes: dict[str, int]) -> list[ox.Triple]:
    """Each published graph as a named graph of the dataset, with its number of triples."""
    triples = []
    for graph, size in sorted(sizes.items()):
        named, info = ox.BlankNode(), ox.BlankNode()
        triples += [
            ox.Triple(dataset, _sd("namedGraph"), named),
            ox.Triple(named, RDF_TYPE, _sd("NamedGraph")),
            ox.Triple(named, _sd("name"), ox.NamedNode(graph)),
            ox.Triple(named, _sd("graph"), info),
            ox.Triple(info, RDF_TYPE, _sd("Graph")),
            ox.Triple(info, RDF_TYPE, ox.NamedNode(VOID + "Dataset")),
            ox.Triple(info, ox.NamedNode(VOID + "triples"), ox.Literal(str(size), datatype=_INTEGER)),
        ]
    return triples
