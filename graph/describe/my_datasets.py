"""An agency's own datasets as its Produsen Data follows them (``/saya``).

For each dataset a mapping says the agency owns: whether it is published, waits as a held
draft or was rejected last time; its last load (when, outcome, by whom); its freshness and
the next due date (``graph.describe.freshness``, from the latest published period and the
frequency the mapping declares); its open findings; and the Walidata's latest decision on it
(publication or rejection: who, when, why). Read as the signed-in user may read (their own
agency's restricted datasets too), in one pass over the provenance graphs.

``today`` is an input (the clock is read once, at the edge); ``read_my_datasets`` runs in the
query workers, so its arguments are plain values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from graph.describe.freshness import Freshness, freshness
from graph.provenance.activities import Activity, activities
from graph.publish.draft import held_drafts
from graph.rdf.iris import Iris
from graph.store.interface import Store
from graph.store.public import PublicGraphs
from graph.store.versions import Audience
from graph.text import Text

__all__ = ["OwnedDataset", "MyDataset", "WalidataDecision", "read_my_datasets"]

STATUS = {
    "published": Text("Terbit", "Published"),
    "held": Text("Draf menunggu Walidata", "Draft waiting for the Walidata"),
    "rejected": Text("Ditolak terakhir kali", "Rejected last time"),
    "none": Text("Belum pernah dimuat", "Never loaded"),
}


@dataclass(frozen=True)
class OwnedDataset:
    """What the mapping file says of a dataset (plain values: sent to a query worker)."""

    id: str
    title: Text
    agency: str  # slug
    frequency: str  # key of graph.cube.metadata.FREQUENCY
    access: str  # terbuka | terbatas


@dataclass(frozen=True)
class WalidataDecision:
    """The Walidata's latest decision on a dataset's draft."""

    kind: str  # "published" | "rejected"
    by: tuple[str, ...]
    at: str  # ISO 8601
    reason: str  # the rejection's reason, or the reason violations were accepted ("" when none)
    accepted: int = 0  # violations accepted with the publication


@dataclass
class MyDataset:
    owned: OwnedDataset
    status: str  # a key of STATUS
    published: bool
    last_load: Activity | None
    freshness: Freshness
    decision: WalidataDecision | None
    held_message: str | None = None
    open_findings: int = 0
    loads: int = 0

    @property
    def status_label(self) -> Text:
        return STATUS[self.status]


_REJECTIONS = """SELECT ?act ?dataset ?ended ?reason ?who WHERE {
  ?act a oc:Rejection ; oc:loadedDataset ?dataset ; prov:endedAtTime ?ended .
  OPTIONAL { ?act rdfs:comment ?reason }
  OPTIONAL { ?act prov:wasAssociatedWith ?p . ?p a prov:Person ; rdfs:label ?who }
}"""
_LAST_PERIODS = "SELECT ?dataset ?last WHERE { ?dataset oc:lastPeriod ?last }"
_ACCEPT_REASONS = """SELECT ?act ?reason WHERE {
  ?act oc:acceptedViolations ?acc . ?acc rdfs:comment ?reason }"""


def _rejections(view: PublicGraphs) -> dict[str, WalidataDecision]:
    """The latest rejection of each dataset (IRI) the view may read."""
    found: dict[str, WalidataDecision] = {}
    people: dict[str, set[str]] = {}
    rows = view.select(_REJECTIONS, graphs=view.provenance)
    for row in sorted(rows, key=lambda r: r["ended"].value):
        dataset, act = row["dataset"].value, row["act"].value
        if row.get("who") is not None:
            people.setdefault(act, set()).add(row["who"].value)
        reason = row["reason"].value if row.get("reason") is not None else ""
        found[dataset] = WalidataDecision(
            "rejected", tuple(sorted(people.get(act, ()))), row["ended"].value, reason
        )
    return found


def read_my_datasets(
    store: Store,
    iris: Iris,
    owned: list[OwnedDataset],
    audience: Audience,
    today: dt.date,
    open_findings: dict[str, int],
) -> list[MyDataset]:
    """The state of each ``owned`` dataset as ``audience`` may read it, as of ``today``."""
    view = PublicGraphs(store, iris, audience)
    history = activities(view)
    rejections = _rejections(view)
    last_periods: dict[str, str] = {}
    prefix = iris.period_prefix
    for row in view.select(_LAST_PERIODS, graphs=sorted(view.versions.values())):
        if row["dataset"].value in view.versions:
            last_periods[row["dataset"].value] = row["last"].value.removeprefix(prefix)
    reasons = {
        r["act"].value: r["reason"].value for r in view.select(_ACCEPT_REASONS, graphs=view.provenance)
    }
    drafts = {d.dataset: d for d in held_drafts(store, iris)}
    out = []
    for d in owned:
        iri = iris.dataset(d.id)
        mine = [a for a in history if a.dataset == iri]
        loads = [a for a in mine if a.kind == "load"]
        publications = [a for a in mine if a.kind == "publication"]
        decision = None
        if publications:
            p = publications[0]
            decision = WalidataDecision("published", p.people, p.ended, reasons.get(p.iri, ""), p.accepted)
        rejected = rejections.get(iri)
        if rejected is not None and (decision is None or rejected.at > decision.at):
            decision = rejected
        draft = drafts.get(d.id)
        published = iri in view.versions
        if draft is not None:
            status = "held"
        elif rejected is not None and (not loads or rejected.at >= loads[0].ended):
            status = "rejected"
        elif published:
            status = "published"
        else:
            status = "none" if not loads else loads[0].outcome
            status = status if status in STATUS else "none"
        out.append(
            MyDataset(
                owned=d,
                status=status,
                published=published,
                last_load=loads[0] if loads else None,
                freshness=freshness(last_periods.get(iri), d.frequency, today),
                decision=decision,
                held_message=draft.message if draft else None,
                open_findings=open_findings.get(d.id, 0),
                loads=len(loads),
            )
        )
    return out
