"""The reference graphs every table is judged with: ontology, region codes, periods, link decisions.

``write_reference`` replaces each of them in one transaction (``Platform.load_reference``
publishes them, ``onecenter build`` and ``onecenter init`` call it); ``missing_reference``
says whether a store lacks them, as a fresh store does: a table loaded there would be
judged without its region codes and held with a violation on every row, so a load (and a
dry run) writes them first.
"""

from __future__ import annotations

from collections.abc import Iterable

from graph.cube.metadata import periods_ntriples
from graph.provenance.records import decisions_ntriples
from graph.publish.instance import Instance
from graph.rdf.namespaces import OC, PREFIXES

__all__ = ["defined_by_update", "missing_reference", "reference_graphs", "write_reference"]


def reference_graphs(instance: Instance) -> list[str]:
    """The graphs that always hold something once the reference is loaded (what is audited
    as ``reference``); the link-decisions graph is left out: with no decision it is empty."""
    iris = instance.iris
    return [iris.ontology_graph, iris.regions_graph, iris.periods_graph]


def missing_reference(instance: Instance) -> list[str]:
    """The reference graphs the store lacks (all of them in a fresh store; none after a build)."""
    present = set(instance.store.named_graphs())
    return [g for g in reference_graphs(instance) if g not in present]


# Every term of the shared vocabulary says where it is defined (``rdfs:isDefinedBy`` the
# ontology, served at /def): written as the ontology graph is published, so that a term added
# to any file of ontology/ has it without anyone writing it by hand.
_DEFINED_BY = """INSERT {{ GRAPH <{graph}> {{ ?term <{defined_by}> <{ontology}> }} }}
WHERE {{ GRAPH <{graph}> {{ ?term ?p ?o FILTER(isIRI(?term) && STRSTARTS(STR(?term), "{namespace}")
  && STRLEN(STR(?term)) > {length}) }} }}"""


def defined_by_update(graph: str) -> str:
    """The update giving every ``oc:`` subject of ``graph`` its ``rdfs:isDefinedBy``."""
    return _DEFINED_BY.format(
        graph=graph,
        defined_by=PREFIXES["rdfs"] + "isDefinedBy",
        ontology=OC.removesuffix("#"),
        namespace=OC,
        length=len(OC),
    )


def _sources(instance: Instance) -> dict[str, list[tuple[str, str]]]:
    """Each reference graph and its parts as (text, format), read from the project's files."""
    iris = instance.iris
    return {
        # Turtle files are parsed one by one: their prefixes differ.
        iris.ontology_graph: [(p.read_text(encoding="utf-8"), "turtle") for p in instance.vocabulary.files],
        iris.regions_graph: [(instance.regions.to_ntriples(iris), "ntriples")],
        iris.periods_graph: [(periods_ntriples(iris), "ntriples")],
        iris.decisions_graph: [(decisions_ntriples(instance.decisions, iris), "ntriples")],
    }


def write_reference(instance: Instance, only: Iterable[str] | None = None) -> int:
    """Replace the reference graphs (or those of ``only``), each in one transaction; returns
    the quads they hold now. Nothing is audited here: the caller says what it did."""
    store = instance.store
    wanted = set(only) if only is not None else None
    added = 0
    for graph, parts in _sources(instance).items():
        if wanted is not None and graph not in wanted:
            continue
        staging = graph + "/staging"
        store.remove_graph(staging)
        for data, fmt in parts:
            store.load_rdf(data, fmt=fmt, graph=staging, base_iri=instance.iris.base)
        if graph == instance.iris.ontology_graph:
            store.update(defined_by_update(staging))
        store.update(f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{graph}>")
        added += store.count(graph)
    return added
