"""The load history for auditors: every load and publication, newest first, filtered and paged.

``load_history`` lists the activities (``graph.provenance.activities``) of one dataset or
outcome, a page at a time, refusing a filter that names nothing with what is allowed;
``loads_csv`` writes a page as a spreadsheet, with Indonesian headers for Excel or the
field names for programs (``/loads.csv``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from graph.errors import ParameterError, RestrictedDataset
from graph.provenance.activities import OUTCOMES, Activity, activities
from graph.rdf.iris import Iris
from graph.spreadsheet import CsvDialect, csv_bytes
from graph.store.interface import Store
from graph.store.public import PublicGraphs
from graph.store.versions import PUBLIC, Audience

__all__ = ["LOAD_COLUMNS", "LoadHistory", "load_history", "loads_csv"]

_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

# The columns of the load history as a spreadsheet: (field, Indonesian header).
LOAD_COLUMNS = [
    ("ended", "Waktu selesai"),
    ("started", "Waktu mulai"),
    ("kind", "Jenis"),
    ("outcome", "Hasil"),
    ("dataset_id", "Dataset"),
    ("agency", "Instansi (IRI)"),
    ("agency_name", "Instansi"),
    ("file_name", "Berkas"),
    ("file_sha256", "SHA-256 berkas"),
    ("mapping_name", "Pemetaan"),
    ("mapping_sha256", "SHA-256 pemetaan"),
    ("rows_read", "Baris dibaca"),
    ("rows_rejected", "Baris ditolak"),
    ("rows_dropped", "Baris dibuang"),
    ("observations", "Observasi"),
    ("violations", "Pelanggaran"),
    ("warnings", "Peringatan"),
    ("accepted", "Pelanggaran diterima"),
    ("people", "Oleh"),
    ("published_now", "Berlaku sekarang"),
    ("message", "Pesan"),
    ("iri", "Aktivitas (IRI)"),
]


@dataclass(frozen=True)
class LoadHistory:
    """A page of the load history (newest first) and how many activities matched."""

    items: list[Activity]
    total: int
    offset: int
    truncated: bool  # more matched than this page holds


def load_history(
    store: Store,
    iris: Iris,
    *,
    dataset: str | None = None,
    outcome: str | None = None,
    limit: int,
    offset: int = 0,
    audience: Audience = PUBLIC,
) -> LoadHistory:
    """Loads and publications, newest first, optionally of one dataset (its id) or outcome,
    as ``audience`` may read them: the public never sees a restricted (terbatas) dataset's
    (they are in its own provenance graph), a token that reads the dataset does.

    Raises:
        ParameterError: an outcome that is not one of ``OUTCOMES``, or a dataset id that is
            malformed or that no load and no publication names.
        RestrictedDataset: the dataset is restricted and ``audience`` may not read it.
    """
    if outcome is not None and outcome not in OUTCOMES:
        raise ParameterError(
            f"hasil tidak dikenal / unknown outcome {outcome!r}; use one of: {', '.join(OUTCOMES)}"
        )
    view = PublicGraphs(store, iris, audience)
    every = activities(view)
    if dataset is not None:
        known = sorted({a.dataset_id for a in every})
        if _SLUG.match(dataset) and iris.dataset(dataset) in view.restricted:
            raise RestrictedDataset.of(dataset)
        if not _SLUG.match(dataset) or dataset not in known:
            raise ParameterError(
                f"dataset tidak dikenal / unknown dataset {dataset!r}; datasets with loads: "
                + (", ".join(known) or "(none)")
            )
    chosen = [
        a
        for a in every
        if (dataset is None or a.dataset_id == dataset) and (outcome is None or a.outcome == outcome)
    ]
    page = chosen[offset : offset + limit]
    return LoadHistory(page, len(chosen), offset, offset + len(page) < len(chosen))


def _cell(value: Any) -> str:
    """One field as a spreadsheet cell: yes/no in Indonesian (both dialects), a name in
    Indonesian, a list joined by commas.

    >>> _cell(True), _cell({"id": "Dinas Sosial", "en": "Social Affairs Office"}), _cell(("a", "b"))
    ('ya', 'Dinas Sosial', 'a, b')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, dict):
        return str(value.get("id") or next(iter(value.values()), ""))
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def loads_csv(history: LoadHistory, dialect: CsvDialect) -> bytes:
    """A page of the load history as CSV: Indonesian headers for Excel, field names otherwise."""
    excel = dialect == "excel"
    header = [title if excel else name for name, title in LOAD_COLUMNS]
    # Every cell is text already (counts as plain digits); Excel's gets the formula guard.
    rows = [
        [_cell(fields[name]) for name, _ in LOAD_COLUMNS] for fields in (a.as_dict() for a in history.items)
    ]
    return csv_bytes(header, rows, dialect)
