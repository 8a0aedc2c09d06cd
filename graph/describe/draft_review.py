"""The held drafts as the Walidata reviews them: whose, from which file, and what validation found.

``held_drafts`` (``graph.publish.draft``) names each draft and the load that wrote it; this
module adds what a reviewer reads before opening one (the uploaded file's name, the outcome,
the counts of violations and warnings, the agency's name), newest first, and for one draft
the results of its load's validation report, split into the findings about the draft's own
figures and the coherence findings (a rule that compared it with another dataset). Restricted
drafts are included: the Walidata and admins read every dataset.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from graph.errors import NotFound
from graph.provenance.activities import Activity, activities
from graph.provenance.reports import acceptances_of, report_findings
from graph.rdf.iris import Iris
from graph.store.interface import Store
from graph.store.public import PublicGraphs
from graph.store.versions import EVERYONE_INTERNAL, draft_datasets

__all__ = [
    "DraftFindings",
    "WaitingDraft",
    "draft_findings",
    "drafts_waiting",
    "involves_another_dataset",
    "waiting_draft",
]


@dataclass(frozen=True)
class WaitingDraft:
    """One held draft with the load that wrote it (``load`` None: its record was not found)."""

    dataset: str  # slug
    dataset_iri: str
    graph: str
    published_graph: str | None  # the version in force, None when the dataset was never published
    load: Activity | None

    @property
    def started(self) -> str:
        return self.load.started if self.load else ""


def _waiting(view: PublicGraphs, drafts: dict[str, str]) -> list[WaitingDraft]:
    loads = {a.graph: a for a in activities(view) if a.kind == "load" and a.graph}
    in_force = view.versions  # the Walidata reads every published version
    prefix = view.iris.dataset("")
    found = [
        WaitingDraft(iri.removeprefix(prefix), iri, graph, in_force.get(iri), loads.get(graph))
        for iri, graph in drafts.items()
    ]
    return sorted(found, key=lambda d: (d.started, d.dataset), reverse=True)


def drafts_waiting(store: Store, iris: Iris) -> list[WaitingDraft]:
    """Every held draft, newest upload first."""
    return _waiting(PublicGraphs(store, iris, EVERYONE_INTERNAL), draft_datasets(store, iris))


def waiting_draft(store: Store, iris: Iris, dataset: str) -> WaitingDraft:
    """The held draft of ``dataset``.

    Raises:
        NotFound: the dataset has no held draft (never uploaded, or decided on already).
    """
    iri = iris.dataset(dataset)
    graph = draft_datasets(store, iris).get(iri)
    if graph is None:
        raise NotFound(
            f"tidak ada draf tertahan untuk dataset {dataset!r}; mungkin sudah diputuskan / no held "
            f"draft for dataset {dataset!r}; it may have been decided on already"
        )
    return _waiting(PublicGraphs(store, iris, EVERYONE_INTERNAL), {iri: graph})[0]


@dataclass(frozen=True)
class DraftFindings:
    """What the draft's validation report says: about its own figures, and coherence with others.

    Each finding carries ``accepted``: the acceptances (``acceptances_of``: who, when, why)
    that already let it through (``mappings/publication/accepted_violations.yaml`` or an
    earlier decision), empty while it is open.
    """

    own: list[dict[str, Any]]
    coherence: list[dict[str, Any]]  # results of rules that compared it with another dataset
    truncated: bool
    open_violations: int = 0  # violations no acceptance covers, in the whole report


def involves_another_dataset(finding: dict[str, Any], dataset_iri: str) -> bool:
    """Whether a finding compared the draft with another dataset's figures.

    A declared relation names the dataset of its other figure (``dcterms:references``) even
    when both figures are the draft's own (a stunted count above the weighed count of the same
    table): that one is about the draft's own figures.

    >>> involves_another_dataset({"other_dataset": "d/a"}, "d/a")
    False
    >>> involves_another_dataset({"other_dataset": "d/b"}, "d/a")
    True
    """
    other = finding.get("other_dataset")
    return bool(other) and other != dataset_iri


_OPEN_VIOLATIONS = """SELECT ?iri (COUNT(DISTINCT ?result) AS ?n) WHERE {
  ?iri sh:result ?result . ?result sh:resultSeverity sh:Violation .
  FILTER NOT EXISTS { ?acceptance oc:acceptedResult ?result } } GROUP BY ?iri"""


def _open_violations(view: PublicGraphs, report: str) -> int:
    rows = view.select(_OPEN_VIOLATIONS, graphs=view.provenance, iri=ox.NamedNode(report))
    return int(rows[0]["n"].value) if rows and "n" in rows[0] else 0


def draft_findings(store: Store, iris: Iris, draft: WaitingDraft, max_rows: int) -> DraftFindings:
    """The results of the report of the load that wrote the draft, violations first."""
    report = draft.load.report if draft.load else None
    if report is None:
        return DraftFindings([], [], False)
    view = PublicGraphs(store, iris, EVERYONE_INTERNAL)
    found, truncated = report_findings(view, [report], max_rows)
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    found.sort(key=lambda f: order.get(f["severity"] or "", 3))
    decided = {a["iri"]: a for a in acceptances_of(view, [i for f in found for i in f["accepted_by"]])}
    for f in found:
        f["accepted"] = [decided[i] for i in f["accepted_by"] if i in decided]
    own = [f for f in found if not involves_another_dataset(f, draft.dataset_iri)]
    coherence = [f for f in found if involves_another_dataset(f, draft.dataset_iri)]
    return DraftFindings(own, coherence, truncated, _open_violations(view, report))
