"""Uploads held for a preview: a Produsen Data sees what a table would give before submitting it.

``/saya/unggah/<dataset>`` keeps the posted file in a private staging folder
(``<uploads_dir>/.pratinjau/<dataset>/``, files readable by the service alone, saved and
checked by ``graph.read.uploads`` within ``upload_max_bytes``) under a name the server
chooses; the page refers to it by a random id that is good only for the session that
posted it and only for ``session_idle_minutes``. The preview is a dry run of the staged file
(``Platform.dry_run``: read, linked, mapped and judged, nothing kept or recorded);
"Kirim ke Walidata / Submit" loads it through ``api.workflow.ingest_upload`` exactly as
``POST /ingest`` does (provenance, audit chain, a held draft), "Batal / Cancel" deletes it.

Staged uploads are listed in the service process's memory, as sessions are: a restart ends
both, and the files it leaves behind are deleted by the next sweep once they are older than
the lifetime. Everything here blocks (file writes, table reads, store writes): call it from
a thread.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from fastapi import HTTPException

from api.deps import ServiceState
from api.region_decisions import page_reason
from api.workflow import ingest_upload, writer
from graph.describe.catalog_terms import measure_kind
from graph.errors import UploadRejected
from graph.link.links import ReviewItem
from graph.link.page_decisions import read_none_of_these
from graph.publish.accounts import User
from graph.publish.load_report import LoadReport
from graph.read.tables import ReadBudget, read_table
from graph.read.uploads import check_upload, display_name, save_upload
from graph.store.public import PublicGraphs
from graph.store.versions import PUBLIC

__all__ = [
    "ADDITIVE_KINDS",
    "STAGING_FOLDER",
    "FigureRow",
    "Preview",
    "Staged",
    "StagedUploads",
    "figure_row",
    "measure_kinds",
    "preview_of",
    "stage_upload",
    "submit_staged",
]

STAGING_FOLDER = ".pratinjau"  # under uploads_dir; a dataset id never starts with a dot
CHUNK = 1024 * 1024


@dataclass(frozen=True)
class Staged:
    """One uploaded file waiting for its uploader to submit or cancel it."""

    id: str
    session_id: str
    user: str
    dataset: str
    path: Path
    filename: str  # the client's name, made harmless (display_name)
    created: float


class StagedUploads:
    """The staged uploads of the live sessions; each good for ``ttl_s`` seconds."""

    def __init__(self, folder: Path, ttl_s: float, clock: Callable[[], float] = time.time) -> None:
        self.folder = folder
        self.ttl_s = ttl_s
        self.clock = clock
        self._lock = threading.Lock()
        self._live: dict[str, Staged] = {}
        # The candidate codes the last preview of each staged upload offered, by (level, name,
        # parent): a page decision may pick only one of them.
        self._offered: dict[str, dict[tuple[str, str, str | None], set[str]]] = {}

    def offer(self, staged: Staged, review: list[ReviewItem]) -> None:
        offered = {(r.level, r.name, r.parent): {c.code for c in r.candidates} for r in review}
        with self._lock:
            self._offered[staged.id] = offered

    def offered(self, staged: Staged, level: str, name: str, parent: str | None) -> set[str]:
        with self._lock:
            return set(self._offered.get(staged.id, {}).get((level, name, parent), ()))

    def add(self, session_id: str, user: str, dataset: str, path: Path, filename: str) -> Staged:
        staged = Staged(secrets.token_urlsafe(18), session_id, user, dataset, path, filename, self.clock())
        with self._lock:
            self._live[staged.id] = staged
        return staged

    def find(self, staged_id: str, session_id: str, dataset: str) -> Staged | None:
        """The staged upload ``staged_id`` when this session posted it for ``dataset`` and it
        has not expired; else None (an expired one is deleted)."""
        with self._lock:
            staged = self._live.get(staged_id)
            if staged is None or staged.session_id != session_id or staged.dataset != dataset:
                return None
            if self.clock() - staged.created > self.ttl_s:
                del self._live[staged_id]
                self._offered.pop(staged_id, None)
                staged.path.unlink(missing_ok=True)
                return None
            return staged

    def discard(self, staged: Staged) -> None:
        with self._lock:
            self._live.pop(staged.id, None)
            self._offered.pop(staged.id, None)
        staged.path.unlink(missing_ok=True)

    def sweep(self) -> None:
        """Delete expired staged uploads, and files no live one names (left by a restart)."""
        now = self.clock()
        with self._lock:
            for old in [s for s in self._live.values() if now - s.created > self.ttl_s]:
                del self._live[old.id]
                self._offered.pop(old.id, None)
            named = {s.path for s in self._live.values()}
        if not self.folder.is_dir():
            return
        for path in self.folder.glob("*/*"):
            with suppress(FileNotFoundError):  # another request may delete it first
                if path not in named and time.time() - path.stat().st_mtime > self.ttl_s:
                    path.unlink()


# Kinds of measure whose figures add up across regions (oc:kindCount, oc:kindArea): a sum of
# percentages or ratios (3.289,9 %) means nothing, their mean is shown instead, so labelled.
ADDITIVE_KINDS = frozenset({"count", "area"})


@dataclass(frozen=True)
class FigureRow:
    """One indicator and period of a preview: how many figures, and their sum or their mean."""

    indicator: str  # its label
    period: str
    observations: int
    total: float | None  # the sum, for a count or an area
    mean: float | None  # the mean, for any other number (None: categories, no number to add)


def figure_row(label: str, kind: str, categorical: bool, period: str, n: int, total: float) -> FigureRow:
    """
    >>> figure_row("Penduduk", "count", False, "2024", 2, 300.0).total
    300.0
    >>> r = figure_row("Prevalensi", "percentage", False, "2024", 4, 100.0); (r.total, r.mean)
    (None, 25.0)
    >>> figure_row("Sumber air", "unknown", True, "2024", 3, 0.0).mean is None
    True
    """
    if kind in ADDITIVE_KINDS:
        return FigureRow(label, period, n, total, None)
    return FigureRow(label, period, n, None, None if categorical or not n else total / n)


@dataclass
class Preview:
    """What the staged table would give: the dry run's report, as the uploader may read it."""

    report: LoadReport
    summary: dict[str, Any]
    review: list[ReviewItem]  # region names to decide (those decided "none of these" left out)
    figures: list[FigureRow]


def _chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            yield chunk


def stage_upload(
    service: ServiceState,
    staging: StagedUploads,
    session_id: str,
    user: User,
    dataset: str,
    chunks: Iterable[bytes],
    filename: str | None,
) -> Staged:
    """Save and check an upload in the staging folder for ``user``'s session.

    Raises HTTPException 403 when the user may not upload this dataset; UploadRejected when
    the file is refused (nothing kept); NotFound for a dataset without a mapping."""
    staging.sweep()
    _, mapping = service.mapping_for(dataset)
    agency_iri = service.vocabulary.agencies.get(mapping.dataset.agency, "")
    refusal = user.upload_refusal(dataset, mapping.dataset.agency, agency_iri)
    if refusal:
        raise HTTPException(403, refusal)
    fmt = mapping.source.resolved_format
    limit = service.settings.upload_max_bytes
    path = save_upload(chunks, staging.folder, dataset, fmt, limit)
    try:
        check_upload(path, fmt, limit)
    except UploadRejected:
        path.unlink()
        raise
    return staging.add(session_id, user.name, dataset, path, display_name(filename))


_KINDS = "SELECT ?ind ?kind WHERE { ?ind a oc:Indicator ; oc:measureKind ?kind }"


def measure_kinds(service: ServiceState) -> dict[str, str]:
    """Indicator slug -> its kind of measure ("count", "area", "percentage", …), as the
    vocabulary declares it (``oc:measureKind``; the catalogue reads it the same way)."""
    view = PublicGraphs(service.store, service.iris, PUBLIC)
    prefix = service.iris.indicator("")
    rows = view.values(_KINDS, graphs=[service.iris.ontology_graph])
    return {r["ind"].removeprefix(prefix): measure_kind(r["kind"]) for r in rows}


def preview_of(service: ServiceState, user: User, staged: Staged) -> Preview:
    """The dry run of a staged upload (read outside the upload lock, judged under it)."""
    mapping_path, mapping = service.mapping_for(staged.dataset)
    with service.read_slots:  # as an upload is read: READ_SLOTS at once, outside the lock
        table = read_table(staged.path, mapping.source, ReadBudget.of(service.settings))
    with writer(service) as platform:
        report = platform.dry_run(mapping_path, source=staged.path, table=table, publish=False)
    refused = read_none_of_these(service.settings.mappings_path)
    # The reasons' CLI step ("catat keputusan di …aliases.yaml") is the form below on the page.
    review = [
        replace(r, reason=page_reason(r.reason))
        for r in report.review
        if (r.level, r.name, r.parent) not in refused
    ]
    indicators = service.vocabulary.indicators
    kinds = measure_kinds(service)
    figures = []
    for slug, period, n, total in report.figures:
        found = indicators.get(slug)
        label = found.label.id if found else slug
        categorical = found.is_categorical if found else False
        figures.append(figure_row(label, kinds.get(slug, "unknown"), categorical, period, n, total))
    summary = report.summary(reader=user.audience)
    for problem in summary.get("problems") or ():  # a rejected cell waiting for that form too
        if isinstance(problem.get("reason"), str):
            problem["reason"] = page_reason(problem["reason"])
    return Preview(report, summary, review, figures)


def submit_staged(
    service: ServiceState, staging: StagedUploads, user: User, staged: Staged
) -> dict[str, Any]:
    """Load the staged file as a held draft, as ``POST /ingest`` does; the staged copy goes."""
    result = ingest_upload(service, user, staged.dataset, _chunks(staged.path), staged.filename)
    staging.discard(staged)
    return result
