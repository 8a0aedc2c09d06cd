"""The provenance chain of one public resource, walked in one place.

The chain the pipeline records, from a figure up:

    observation --oc:sourceRow--> source row --oc:sourceFile--> source file
    observation --qb:dataSet--> dataset --(published version graph)--> version graph
    version graph <--prov:generated-- load (mapping, validation report, acceptances)
    version graph <--prov:used-- publication of a held draft (--prov:wasInformedBy--> load)

``lineage`` finds where an IRI stands on it (an observation, a source row, a dataset, a
load, a publication or a source file) and follows it to the rest: the dataset, its
published version, the source row and file, the load that wrote the version and the
publications that put it in force, each an ``Activity`` with its report and acceptances.
The auditors' trace (``graph.provenance.trace``) reads the chain through it; any other
reader of "where did this come from" should too, so that the chain's shape is known once.

Only the public graphs are read: a held draft's figures are unknown here
(``UnknownResource``), though its load record, public in the provenance graph, is not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from graph.errors import QueryError, UnknownResource
from graph.provenance.activities import Activity, activities
from graph.rdf.namespaces import DCAT, OC, QB
from graph.store.public import PublicGraphs

__all__ = ["KINDS", "Lineage", "iri_node", "lineage", "resource_kind", "version_activities"]

# rdf:type -> what the resource is on the chain; the first kind in this order wins.
KINDS = {
    QB + "Observation": "observation",
    OC + "SourceRow": "source_row",
    DCAT + "Dataset": "dataset",
    OC + "Load": "load",
    OC + "Publication": "publication",
    OC + "SourceFile": "source_file",
}


@dataclass(frozen=True)
class Lineage:
    """Where one public resource stands on the provenance chain, and the links around it."""

    iri: str
    kind: str  # observation | source_row | dataset | load | publication | source_file
    graph: str | None = None  # the public graph that says what it is
    dataset: str | None = None  # the dataset's IRI (none for a source file)
    version: str | None = None  # the dataset's version graph the resource stands on
    source_row: str | None = None  # an observation's source row; a source row itself
    source_file: str | None = None  # the row's file; a source file itself
    activity: Activity | None = None  # a load or publication: itself
    load: Activity | None = None  # the load that wrote ``version``
    # The publications of ``version``, newest first (a load: of the draft it wrote).
    publications: tuple[Activity, ...] = ()
    # A dataset: every load and publication of it; a source file: every activity that read
    # it (newest first).
    history: tuple[Activity, ...] = ()

    @property
    def publication(self) -> Activity | None:
        """The (newest) publication of a held draft that put ``version`` in force."""
        return self.publications[0] if self.publications else None

    @property
    def in_force(self) -> Activity | None:
        """The activity whose validation stands for the version: its publication, else its load."""
        return self.publication or self.load

    @property
    def steps(self) -> list[Activity]:
        """The load and the publication behind the version, those there are."""
        return [a for a in (self.load, self.publication) if a is not None]

    @property
    def reports(self) -> set[str]:
        """The validation reports of the load and the publication behind the version."""
        return {a.report for a in self.steps if a.report}

    @property
    def acceptances(self) -> list[str]:
        """The violation acceptances the load and the publication applied."""
        return [i for a in self.steps for i in a.acceptances]


def iri_node(iri: str) -> ox.NamedNode:
    """An IRI a person gave, as a term for a query.

    Raises:
        QueryError: ``iri`` is not an absolute IRI.
    """
    try:
        return ox.NamedNode(iri)
    except ValueError:
        raise QueryError(f"bukan IRI yang sah / not a valid absolute IRI: {iri!r}") from None


def resource_kind(view: PublicGraphs, iri: ox.NamedNode) -> tuple[str, str | None]:
    """What the IRI is on the chain and the public graph that says so.

    Raises:
        UnknownResource: nothing public with provenance has that IRI.
    """
    rows = view.select("SELECT ?iri ?type ?g WHERE { GRAPH ?g { ?iri a ?type } }", iri=iri)
    found = {(KINDS[r["type"].value], r["g"].value) for r in rows if r["type"].value in KINDS}
    for kind in KINDS.values():
        graphs = sorted(g for k, g in found if k == kind)
        if graphs:
            return kind, graphs[0]
    # A dataset never published (first load held or refused) still has its load records.
    named = view.select(
        "SELECT ?iri WHERE { ?act oc:loadedDataset ?iri } LIMIT 1",
        graphs=view.provenance,
        iri=iri,
    )
    if named:
        return "dataset", None
    raise UnknownResource(
        f"tidak ada jejak untuk IRI ini / no public provenance for <{iri.value}>: give the IRI of a "
        "published observation, a source row, a dataset, a load, a publication or a source file "
        "(a held draft's figures are not public; its load record is, see /loads)"
    )


def version_activities(every: Sequence[Activity], graph: str) -> tuple[Activity | None, tuple[Activity, ...]]:
    """The load that wrote a version graph and the publications that published it, newest first."""
    load = next((a for a in every if a.kind == "load" and a.graph == graph), None)
    publications = tuple(a for a in every if a.kind == "publication" and a.graph == graph)
    return load, publications


def lineage(view: PublicGraphs, iri: str, every: Sequence[Activity] | None = None) -> Lineage:
    """Where ``iri`` stands on the provenance chain, with the links around it.

    ``every``: the activities (``activities(view)``), when the caller has read them already.

    Raises:
        QueryError: ``iri`` is not an absolute IRI.
        UnknownResource: nothing public with provenance has that IRI (a held draft's
            observation included), or a load or publication record is incomplete.
    """
    node = iri_node(iri)
    kind, graph = resource_kind(view, node)
    every = activities(view) if every is None else every
    return _READERS[kind](view, node, graph, every)


def _on_version(
    iri: str,
    kind: str,
    graph: str | None,
    dataset: str | None,
    version: str | None,
    every: Sequence[Activity],
    **links: Any,
) -> Lineage:
    """The lineage of a resource on a dataset's version: the load and publications behind it."""
    load, publications = version_activities(every, version) if version else (None, ())
    return Lineage(iri, kind, graph, dataset, version, load=load, publications=publications, **links)


def _observation(
    view: PublicGraphs, node: ox.NamedNode, graph: str | None, every: Sequence[Activity]
) -> Lineage:
    assert graph is not None
    rows = view.select(
        """SELECT ?iri ?dataset ?row ?file WHERE { ?iri qb:dataSet/oc:cubeOf ?dataset .
  OPTIONAL { ?iri oc:sourceRow ?row OPTIONAL { ?row oc:sourceFile ?file } } }""",
        graphs=[graph],
        iri=node,
    )
    r = rows[0] if rows else {}
    return _on_version(
        node.value,
        "observation",
        graph,
        r["dataset"].value if "dataset" in r else None,
        graph,
        every,
        source_row=r["row"].value if "row" in r else None,
        source_file=r["file"].value if "file" in r else None,
    )


def _source_row(
    view: PublicGraphs, node: ox.NamedNode, graph: str | None, every: Sequence[Activity]
) -> Lineage:
    assert graph is not None
    # The row's dataset is its observations' (the first in the order the trace lists them).
    rows = view.select(
        """SELECT ?iri ?file ?dataset WHERE {
  OPTIONAL { ?iri oc:sourceFile ?file }
  OPTIONAL { ?obs oc:sourceRow ?iri ; qb:dataSet/oc:cubeOf ?dataset .
             OPTIONAL { ?obs oc:sourceColumn ?column } }
} ORDER BY ?column ?obs LIMIT 1""",
        graphs=[graph],
        iri=node,
    )
    r = rows[0] if rows else {}
    dataset = r["dataset"].value if "dataset" in r else None
    file = r["file"].value if "file" in r else None
    return _on_version(
        node.value, "source_row", graph, dataset, graph, every, source_row=node.value, source_file=file
    )


def _dataset(view: PublicGraphs, node: ox.NamedNode, graph: str | None, every: Sequence[Activity]) -> Lineage:
    history = tuple(a for a in every if a.dataset == node.value)
    version = view.versions.get(node.value)
    return _on_version(node.value, "dataset", graph, node.value, version, every, history=history)


def _activity(
    view: PublicGraphs, node: ox.NamedNode, graph: str | None, every: Sequence[Activity]
) -> Lineage:
    activity = next((a for a in every if a.iri == node.value), None)
    if activity is None:  # typed, but without the fields of a finished activity
        raise UnknownResource(f"catatan pemuatan tidak lengkap / incomplete activity record <{node.value}>")
    if activity.kind == "load":
        load: Activity | None = activity
        publications = tuple(a for a in every if a.kind == "publication" and a.origin == activity.iri)
    else:  # a publication of the draft its load wrote
        load = next((a for a in every if a.iri == activity.origin), None)
        publications = (activity,)
    return Lineage(
        node.value,
        activity.kind,
        graph,
        activity.dataset,
        activity.graph,
        source_file=load.file if load else None,
        activity=activity,
        load=load,
        publications=publications,
    )


def _source_file(
    view: PublicGraphs, node: ox.NamedNode, graph: str | None, every: Sequence[Activity]
) -> Lineage:
    history = tuple(a for a in every if a.file == node.value)
    return Lineage(node.value, "source_file", graph, source_file=node.value, history=history)


_READERS: dict[str, Callable[[PublicGraphs, ox.NamedNode, str | None, Sequence[Activity]], Lineage]] = {
    "observation": _observation,
    "source_row": _source_row,
    "dataset": _dataset,
    "load": _activity,
    "publication": _activity,
    "source_file": _source_file,
}
