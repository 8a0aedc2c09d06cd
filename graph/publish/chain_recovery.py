"""Publications the audit chain missed, recorded when the store is next opened for writing.

A publication is one store update that moves the dataset's pointer and writes its
provenance record, then a ``publication`` entry in the audit chain
(``graph.publish.settle``). A crash between the two leaves a version in force that the
chain never names. Whoever next opens the store for writing (an ``Instance``, the
service at start, ``onecenter audit record``) compares the pointers with the chain
(``graph.provenance.chain_versions``) and appends, for each version the chain does not
name, a ``publication`` entry marked ``"recovered": true`` with what the store's
provenance record says: the load or publication, its times and who did it.

Why recovery and not a write-ahead intent entry: an intent written before the pointer
moves is followed by a crash just as well, and then names a version that may never have
been published, so a check on start is needed either way; the check alone keeps one entry
per publication, and the store's provenance record, written in the same transaction as the
pointer, is the authority on what was published. Until a writer starts, ``onecenter audit
verify`` reports the gap.

Only the store's single writer may do it: a reader could meet another process's
publication between its pointer move and its own entry, and record it twice.
"""

from __future__ import annotations

import datetime as dt
import getpass
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graph.provenance.chain import AuditChain
from graph.provenance.chain_entries import Entry
from graph.provenance.chain_versions import PUBLICATION, chain_started, unrecorded_versions
from graph.rdf.iris import Iris
from graph.rdf.namespaces import OC, PREFIXES, PROV
from graph.rdf.results import solution_values
from graph.settings import Settings
from graph.store.connect import connect_store
from graph.store.interface import Store
from graph.store.versions import EVERYONE_INTERNAL, published_datasets

__all__ = ["NOTES", "PublishedBy", "record_unrecorded_publications", "record_with_own_store"]

NOTES = {
    "interrupted": "dicatat saat mulai: penerbitan terputus sebelum tercatat / recorded on start: "
    "a publication interrupted before it was recorded",
    "before-chain": "dicatat saat mulai: diterbitkan sebelum rantai audit ini dimulai / recorded on "
    "start: published before this audit chain began",
}

# The activity that put a version in force: the load that wrote and published it, or the
# Walidata's later publication of its held draft. Its person, not its software agent.
_PUBLISHED_BY = (
    """SELECT ?graph ?activity ?kind ?started ?ended ?agent WHERE {
  VALUES ?graph { GRAPHS }
  { ?activity <PROV_generated> ?graph ; a <OC_Load> . BIND("load" AS ?kind) }
  UNION
  { ?activity <PROV_used> ?graph ; a <OC_Publication> . BIND("publication" AS ?kind) }
  ?activity <OC_outcome> <OC_outcomePublished> .
  OPTIONAL { ?activity <PROV_startedAtTime> ?started }
  OPTIONAL { ?activity <PROV_endedAtTime> ?ended }
  OPTIONAL { ?activity <PROV_wasAssociatedWith> ?person .
             ?person a <PROV_Person> ; <RDFS_label> ?agent }
}""".replace("PROV_", PROV)
    .replace("OC_", OC)
    .replace("RDFS_", PREFIXES["rdfs"])
)


@dataclass(frozen=True)
class PublishedBy:
    """The store's provenance record of the activity that published a version."""

    activity: str
    kind: str  # "load" | "publication"
    started: str | None
    ended: str | None
    agent: str | None


def record_unrecorded_publications(store: Store, iris: Iris, chain: AuditChain, recorder: str) -> list[Entry]:
    """Chain every published version the chain does not name; returns the entries appended.

    One query of the pointers when nothing is missing (the usual start), one more for the
    provenance of what is. ``recorder``: who opened the store (kept in the payload; the
    entry's actor is who published).

    Raises:
        AuditChainError: the log's last entry is unreadable; nothing was appended.
    """
    pointers = published_datasets(store, iris, EVERYONE_INTERNAL)
    missing = unrecorded_versions(pointers, chain.path)
    if not missing:
        return []
    records = published_by(store, iris, missing)
    began = chain_started(chain.path)
    appended = []
    for dataset_iri, graph in missing.items():
        record = records.get(graph)
        subjects = [dataset_iri, record.activity, graph] if record else [dataset_iri, graph]
        payload = recovered_payload(iris, dataset_iri, graph, record, began, recorder)
        actor = (record.agent if record else None) or recorder
        appended.append(chain.append(PUBLICATION, actor=actor, subjects=subjects, payload=payload))
    return appended


def record_with_own_store(settings: Settings) -> list[Entry]:
    """Open the settings' store for writing, chain what the chain missed, and close it.

    Nothing to do when auditing is off or the store is in memory or not written yet.

    Raises:
        StoreError: the store cannot be opened for writing (another process loads into it:
            that process recorded what was missing when it opened the store).
        AuditChainError: as for ``record_unrecorded_publications``.
    """
    location = settings.audit_location
    store_folder = settings.store_location
    if location is None:
        return []
    if not settings.store_url and (store_folder is None or not (store_folder / "CURRENT").exists()):
        return []
    store = connect_store(settings)  # for writing: the one writer, so no publication is half-way
    try:
        recorder = settings.agent or getpass.getuser()
        return record_unrecorded_publications(store, Iris(settings.base_iri), AuditChain(location), recorder)
    finally:
        store.close()


def published_by(store: Store, iris: Iris, versions: Mapping[str, str]) -> dict[str, PublishedBy]:
    """Version graph -> the activity that published it, for ``versions`` (dataset IRI ->
    version graph), as the provenance records it: in the public provenance graph, or a
    restricted dataset's in its own."""
    values = " ".join(f"<{g}>" for g in sorted(set(versions.values())))
    prefix = iris.dataset("")
    own = sorted({iris.restricted_provenance_graph(d.removeprefix(prefix)) for d in versions})
    query = _PUBLISHED_BY.replace("GRAPHS", values)
    rows = solution_values(store.query(query, default_graph=[iris.provenance_graph, *own]))
    found: dict[str, PublishedBy] = {}
    for row in sorted(rows, key=lambda r: r.get("ended", "")):  # the latest activity wins
        found[row["graph"]] = PublishedBy(
            activity=row["activity"],
            kind=row["kind"],
            started=row.get("started"),
            ended=row.get("ended"),
            agent=row.get("agent"),
        )
    return found


def recovered_payload(
    iris: Iris,
    dataset_iri: str,
    graph: str,
    record: PublishedBy | None,
    chain_began: dt.datetime | None,
    recorder: str,
) -> dict[str, Any]:
    """What a recovered publication entry says: the version, the store's record of who
    published it and when, and why it is chained only now."""
    reason = "interrupted"
    if record is not None and record.ended:
        # A chain that has no entry yet, or began after the publication, never saw it happen.
        if chain_began is None or _utc(dt.datetime.fromisoformat(record.ended)) < _utc(chain_began):
            reason = "before-chain"
    payload: dict[str, Any] = {
        "recovered": True,
        "reason": reason,
        "note": NOTES[reason],
        "dataset": dataset_iri.removeprefix(iris.dataset("")),
        "graph": graph,
        "outcome": "published",
        "recorded_by": recorder,
    }
    if record is None:
        payload["activity"] = None  # the pointer moved without a record: verify the store
        return payload
    if record.kind == "load":
        id_key, prefix = "load_id", iris.load("")
    else:
        id_key, prefix = "publication_id", iris.publication("")
    payload.update(
        {
            "activity": record.activity,
            id_key: record.activity.removeprefix(prefix),
            "started": record.started,
            "ended": record.ended,
            "agent": record.agent,
        }
    )
    return payload


def _utc(moment: dt.datetime) -> dt.datetime:
    """A time without a zone is UTC (every record writes UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
