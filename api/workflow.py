"""The Satu Data workflow's actions, shared by the API (``api.routers.ingest``) and the pages.

An upload is mapped, linked and validated into a held draft; the Walidata publishes or rejects
it. The Bearer-token API and the signed-in pages call the same functions here, so an action
taken in the browser is recorded exactly as one taken through the API (provenance, audit chain).

An upload is read before it takes the upload lock (``service.write_lock``): the mapping is
found, the uploader's agency checked, the file saved, checked and read within the read budget
(settings ``read_max_cells``, ``read_max_seconds``) while other agencies' uploads load; only
linking, mapping, writing and judging hold the lock. Issue 19 found a 27.6 MB workbook read
for 120 s under the lock while every other upload waited.

These functions block (store writes, table reads): call them from a thread
(``run_in_threadpool``), never on the event loop.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi import HTTPException
from pydantic import BaseModel, Field, model_validator

from api.deps import ServiceState
from graph.errors import UploadRejected
from graph.publish.accounts import User
from graph.publish.draft import draft_source_names, held_draft, held_drafts
from graph.publish.platform import Platform
from graph.read.mappings import SourceSpec
from graph.read.tables import ReadBudget, Table, read_table
from graph.read.uploads import check_upload, display_name, on_trial, remove_rejected, save_upload

__all__ = ["Decision", "drafts_for", "ingest_upload", "publish_draft", "reject_draft", "writer"]


class Decision(BaseModel):
    """The Walidata's decision on a held draft."""

    reason: str | None = Field(
        default=None,
        max_length=2000,
        description="Alasan / why. Required to reject; to publish, given only when accepting the "
        "draft's violations (accept_violations).",
    )
    accept_violations: bool = Field(
        default=False,
        description="Terbitkan walau ada pelanggaran / publish accepting the current violations",
    )

    @model_validator(mode="after")
    def _accepting_needs_a_reason(self) -> Decision:
        if self.accept_violations and not (self.reason or "").strip():
            raise ValueError(
                "alasan wajib untuk menerima pelanggaran / a reason is required to accept violations"
            )
        return self


@contextmanager
def writer(service: ServiceState) -> Iterator[Platform]:
    """A platform that may write, one at a time; the service's own store when it has one.

    A store another load holds cannot be opened: its ``StoreError`` is answered with 503.
    """
    with service.write_lock:
        fixed = service.fixed_store
        platform = Platform(service.settings, store=fixed)
        try:
            yield platform
        finally:
            if fixed is None:
                platform.close()


def _read(service: ServiceState, path: Path, source: SourceSpec) -> Table:
    """The uploaded table, read within the budget, outside the upload lock (READ_SLOTS at once)."""
    with service.read_slots:
        return read_table(path, source, ReadBudget.of(service.settings))


def ingest_upload(
    service: ServiceState,
    user: User,
    dataset: str,
    chunks: Iterable[bytes],
    filename: str | None,
    dry_run: bool = False,
) -> dict[str, Any]:
    """Load an uploaded table (its bytes as ``chunks``) into a held draft, or judge it only
    (``dry_run``: nothing kept or recorded); the load report as the uploader may read it.

    Raises HTTPException 403 when the user may not upload this dataset; UploadRejected,
    LoadRejected and NotFound reach the app's error handlers."""
    settings = service.settings
    # Everything up to the table read happens without the upload lock (module docstring).
    mapping_path, mapping = service.mapping_for(dataset)
    agency_iri = service.vocabulary.agencies.get(mapping.dataset.agency, "")
    refusal = user.upload_refusal(dataset, mapping.dataset.agency, agency_iri)
    if refusal:
        raise HTTPException(403, refusal)
    fmt = mapping.source.resolved_format
    folder = settings.resolve(settings.uploads_dir)
    limit = settings.upload_max_bytes
    path = save_upload(chunks, folder, dataset, fmt, limit)
    try:
        check_upload(path, fmt, limit)
    except UploadRejected:
        path.unlink()  # never read, nothing recorded: nothing to keep
        raise
    if dry_run:
        try:
            table = _read(service, path, mapping.source)
            with writer(service) as platform:
                report = platform.dry_run(mapping_path, source=path, table=table, publish=False)
        finally:
            path.unlink()  # nothing recorded refers to it
    else:
        # A refused table is not kept: it may hold the NIKs it was refused for.
        with on_trial(path, folder, settings.refused_upload_keep_days):
            table = _read(service, path, mapping.source)
            with writer(service) as platform:
                report = platform.load(
                    mapping_path,
                    source=path,
                    table=table,
                    publish=False,
                    agent=user.name,
                    upload_name=display_name(filename) if filename else None,
                )
    # A Produsen Data never reads another agency's restricted figures in its report.
    summary = report.summary(reader=user.audience)
    return {**summary, "upload": display_name(filename), "dry_run": dry_run, "ok": True}


def drafts_for(service: ServiceState, user: User) -> list[dict[str, Any]]:
    """The held drafts this user may see (Walidata: all; Produsen Data: their agency's)."""
    return [d.as_dict() for d in held_drafts(service.store, service.iris) if user.may_review(d.agency)]


def publish_draft(service: ServiceState, user: User, dataset: str, decision: Decision) -> dict[str, Any]:
    """Publish the held draft (accepting its violations only with a reason).

    A draft that still breaks a rule nobody accepted raises StillViolates (409)."""
    reason = decision.reason if decision.accept_violations else None
    with writer(service) as platform:
        report = platform.publish_draft(dataset, accept_reason=reason, decided_by=user.name)
    return {"ok": True, **report.summary()}


def reject_draft(service: ServiceState, user: User, dataset: str, reason: str) -> dict[str, Any]:
    """Reject the held draft with a reason; its uploaded files are removed after the keep days."""
    settings = service.settings
    with writer(service) as platform:
        _, graph = held_draft(platform.store, platform.iris, dataset)
        sources = draft_source_names(platform.store, platform.iris, graph)
        iri = platform.reject_draft(dataset, reason=reason, decided_by=user.name)
    folder = settings.resolve(settings.uploads_dir)
    remove_rejected(folder, dataset, sources, settings.refused_upload_keep_days)
    return {"ok": True, "dataset": dataset, "rejection": iri, "decided_by": user.name}
