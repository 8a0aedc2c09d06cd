"""What the public sees of the audit chain's latest entries (the ``/audit`` page).

An entry's payload names a dataset's source file, hashes, counts and who acted; the page
shows the number, time, kind, actor and first subject of each entry, never the payload.
An entry about a restricted (terbatas) dataset shows only its number, time and hash — the
same as that dataset's load history, which the public does not get (``/loads``), while the
chain stays checkable (the head and every entry's hash are public). Whether a dataset's
entries are public is read from the store as it is now: those of a published open dataset
and of a dataset with public load records are; those of a published restricted dataset,
and of any dataset the public graphs know nothing of, are not (a mistake hides, never leaks).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from graph.provenance.activities import dataset_id
from graph.provenance.chain_entries import Entry
from graph.rdf.iris import Iris
from graph.store.interface import Store
from graph.store.public import PublicGraphs
from graph.store.versions import published
from graph.text import Text

__all__ = ["KIND_LABELS", "kind_label", "public_datasets", "public_entries"]

# What each kind of entry (``chain_entries.KINDS``) is called on the page.
KIND_LABELS = {
    "load": Text("Pemuatan", "Load"),
    "link-decisions": Text("Keputusan penautan", "Link decisions"),
    "reference": Text("Data rujukan", "Reference data"),
    "validation": Text("Validasi", "Validation"),
    "publication": Text("Penerbitan", "Publication"),
    "hold": Text("Penahanan", "Hold"),
    "rejection": Text("Penolakan", "Rejection"),
    "upload": Text("Unggahan", "Upload"),
    "repair": Text("Perbaikan rantai", "Repair"),
}


def kind_label(kind: str) -> Text:
    """A kind of entry in both languages; a kind this list does not know is shown as it is.

    >>> kind_label("link-decisions").joined(), kind_label("audit-note").joined()
    ('Keputusan penautan / Link decisions', 'audit-note')
    """
    return KIND_LABELS.get(kind) or Text(kind)


def public_datasets(store: Store, iris: Iris) -> set[str]:
    """Ids of the datasets whose audit entries the public may read in full."""
    view = PublicGraphs(store, iris)
    rows = view.values("SELECT DISTINCT ?d WHERE { ?a oc:loadedDataset ?d }", graphs=[iris.provenance_graph])
    recorded = {dataset_id(iris, r["d"]) for r in rows}
    datasets = published(store, iris)
    restricted = {d.slug for d in datasets if not d.open}
    return (recorded | {d.slug for d in datasets if d.open}) - restricted


def public_entries(entries: Iterable[Entry], shown: set[str]) -> list[dict[str, Any]]:
    """The fields of each entry the page shows (``restricted`` true: number, time and hash only).

    >>> e = Entry(1, 1, "2025-01-01T00:00:00Z", "load", "budi", ["x"], {"dataset": "kpm"}, "c", "p", "h")
    >>> public_entries([e], set())[0]["actor"], public_entries([e], {"kpm"})[0]["actor"]
    (None, 'budi')
    """
    out: list[dict[str, Any]] = []
    for e in entries:
        dataset = e.payload.get("dataset")
        hidden = isinstance(dataset, str) and dataset not in shown
        out.append(
            {
                "seq": e.seq,
                "time": e.time,
                "hash": e.hash,
                "restricted": hidden,
                "kind": None if hidden else e.kind,
                "kind_label": None if hidden else kind_label(e.kind),
                "actor": None if hidden else e.actor,
                "subjects": [] if hidden else list(e.subjects),
            }
        )
    return out
