"""What the graph holds for a reader: SELECT queries over the published graphs, as rows.

Every reader of the published graph (catalogue, provenance, coherence, resources,
insight, the home page) asks through ``PublicGraphs``: it finds the published graphs
once (one publication state), runs each SELECT with the shared prefixes over them, and
hands back rows, either as RDF terms (``select``) or as their text (``values``).
Values given by people are bound as terms (``bindings``), never written into the text.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from graph.rdf.iris import Iris
from graph.rdf.namespaces import sparql_prefixes
from graph.rdf.results import solution_rows, solution_values
from graph.store.interface import QueryResult, Store
from graph.store.versions import PUBLIC, Audience, graphs_of, provenance_graphs, published

__all__ = ["PublicGraphs"]


class PublicGraphs:
    """SELECT queries over the published graphs of one audience, as found once.

    ``versions``: dataset IRI -> version graph of the datasets the audience reads;
    ``restricted``: the published restricted datasets it does not read (the public may
    know they exist, from their public card in the catalogue graph); ``provenance``: the
    provenance graphs it reads (the public one, and the own graphs of restricted datasets
    it may read); ``graphs``: every graph it reads.
    """

    def __init__(self, store: Store, iris: Iris, audience: Audience = PUBLIC) -> None:
        self.store = store
        self.iris = iris
        self.audience = audience
        datasets = published(store, iris)
        self.versions = {d.iri: d.graph for d in datasets if audience.may_read(d)}
        self.restricted = {d.iri: d.graph for d in datasets if not audience.may_read(d)}
        self.provenance = provenance_graphs(store, iris, audience, datasets)
        self.graphs = graphs_of(store, iris, datasets, audience)

    def select(
        self,
        sparql: str,
        *,
        graphs: list[str] | None = None,
        **bindings: ox.NamedNode | ox.Literal,
    ) -> list[dict[str, Any]]:
        """Rows as ``{variable: term}``; ``graphs`` (default: every published graph) are both
        the default graph and the named graphs; ``bindings`` are substituted terms."""
        return solution_rows(self._answer(sparql, graphs, bindings))

    def values(
        self,
        sparql: str,
        *,
        graphs: list[str] | None = None,
        **bindings: ox.NamedNode | ox.Literal,
    ) -> list[dict[str, str]]:
        """Rows as ``{variable: text}`` (an IRI's or literal's value)."""
        return solution_values(self._answer(sparql, graphs, bindings))

    def _answer(
        self, sparql: str, graphs: list[str] | None, bindings: dict[str, ox.NamedNode | ox.Literal]
    ) -> QueryResult:
        chosen = self.graphs if graphs is None else graphs
        return self.store.query(
            sparql_prefixes() + sparql,
            default_graph=chosen,
            named_graphs=chosen,
            substitutions=dict(bindings) or None,
        )
