"""Drafts: version graphs written but not yet published, in memory and as the store keeps them.

A load stages its table as a ``Draft`` and carries it through judging and settling. A
draft that was held stays in the store (``oc:draftGraph`` in the catalogue graph, a
restricted draft's in its dataset's own graph) until
the Walidata publishes or rejects it or the next load replaces it; ``held_draft`` and
``generating_load`` find one again, and ``held_drafts`` lists them with who loaded them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from graph.check.acceptances import Acceptance
from graph.check.findings import Finding
from graph.cube.draft_columns import DraftObservations
from graph.errors import NotFound, StoreError
from graph.provenance.activities import activities
from graph.provenance.records import LoadRecord
from graph.publish.load_report import LoadReport
from graph.rdf.iris import Iris
from graph.rdf.namespaces import OC, PROV
from graph.rdf.results import solution_rows
from graph.store.interface import Store
from graph.store.public import PublicGraphs
from graph.store.versions import EVERYONE_INTERNAL, draft_datasets, restricted_provenance_graphs

__all__ = ["Draft", "HeldDraft", "draft_source_names", "generating_load", "held_draft", "held_drafts"]


@dataclass
class Draft:
    """A version graph written but not yet published, and what validation said of it."""

    dataset: str  # slug
    dataset_iri: str
    graph: str
    record: LoadRecord | None  # None for a draft held by an earlier run
    report: LoadReport
    findings: list[Finding] = field(default_factory=list)
    open_violations: list[Finding] = field(default_factory=list)
    accepted: dict[str, list[Finding]] = field(default_factory=dict)  # acceptance key -> findings
    acceptances: list[Acceptance] = field(default_factory=list)
    awaiting_decision: bool = False  # held for the Walidata even without violations (uploads)
    # What its findings depend on, hashed when judged (graph.publish.fingerprint); kept with
    # its report so that publishing it held can reuse them (graph.publish.judgement).
    fingerprint: str | None = None
    # Its observations as columns, kept from the stage until it is judged (draft_checks).
    observations: DraftObservations | None = field(default=None, repr=False)

    @property
    def violations_accepted(self) -> int:
        return sum(len(v) for v in self.accepted.values())


def held_draft(store: Store, iris: Iris, dataset: str) -> tuple[str, str]:
    """(dataset IRI, its held draft graph).

    Raises:
        NotFound: the dataset has no held draft.
    """
    dataset_iri = iris.dataset(dataset)
    graph = draft_datasets(store, iris).get(dataset_iri)
    if graph is None:
        raise NotFound(
            f"tidak ada draf tertahan untuk dataset {dataset!r} / no held draft for dataset {dataset!r}"
        )
    return dataset_iri, graph


def generating_load(store: Store, iris: Iris, graph: str) -> str:
    """The IRI of the load that wrote the draft ``graph``."""
    result = store.query(
        f"SELECT ?load WHERE {{ ?load <{PROV}generated> <{graph}> }}",
        default_graph=[iris.provenance_graph, *restricted_provenance_graphs(store, iris)],
    )
    loads: list[str] = [row["load"].value for row in solution_rows(result)]
    if not loads:
        raise StoreError(f"draf {graph} tanpa catatan pemuatan / draft without a load record")
    return loads[0]


def draft_observation_count(store: Store, iris: Iris, graph: str) -> int:
    """How many figures the load that wrote the draft ``graph`` recorded (0 when none is)."""
    result = store.query(
        f"SELECT ?n WHERE {{ ?load <{PROV}generated> <{graph}> ; <{OC}observationCount> ?n }}",
        default_graph=[iris.provenance_graph, *restricted_provenance_graphs(store, iris)],
    )
    counts = [int(row["n"].value) for row in solution_rows(result)]
    return counts[0] if counts else 0


def draft_source_names(store: Store, iris: Iris, graph: str) -> list[str]:
    """The names of the files the draft ``graph`` was derived from (an upload's server-chosen
    name), as its load recorded them."""
    result = store.query(
        f"SELECT DISTINCT ?name WHERE {{ <{graph}> <{PROV}wasDerivedFrom> ?file . "
        f"?file <{OC}fileName> ?name }}",
        default_graph=[iris.provenance_graph, *restricted_provenance_graphs(store, iris)],
    )
    return [row["name"].value for row in solution_rows(result)]


@dataclass(frozen=True)
class HeldDraft:
    """A held draft as the Walidata reviews it: whose it is, who loaded it and why it waits."""

    dataset: str  # slug
    graph: str
    agency: str | None  # agency IRI
    load: str | None  # the load that wrote it
    loaded_by: list[str]
    started: str | None
    message: str | None
    violations: int | None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def held_drafts(store: Store, iris: Iris) -> list[HeldDraft]:
    """Every held draft, by dataset IRI, with the load that wrote it."""
    drafts = draft_datasets(store, iris)
    view = PublicGraphs(store, iris, EVERYONE_INTERNAL)  # restricted drafts' loads too
    loads = {a.graph: a for a in activities(view) if a.kind == "load" and a.graph}
    out = []
    for dataset_iri, graph in sorted(drafts.items()):
        load = loads.get(graph)
        out.append(
            HeldDraft(
                dataset=dataset_iri.rsplit("/", 1)[-1],
                graph=graph,
                agency=load.agency if load else None,
                load=load.iri if load else None,
                loaded_by=list(load.people) if load else [],
                started=load.started if load else None,
                message=load.message if load else None,
                violations=load.violations if load else None,
            )
        )
    return out
