"""Uploads and the Walidata's decisions: the Satu Data workflow through the API.

=====================================  ==========================================================
POST /ingest/{dataset}                 a Produsen Data uploads a table (multipart ``file``) for a
                                       dataset their agency owns; it is mapped, linked and
                                       validated into a *draft*, and the load report returned
                                       (``?dry_run=true``: judged alike, nothing kept or recorded)
GET  /drafts                           held drafts the user may see (Walidata: all; Produsen
                                       Data: their agency's)
POST /datasets/{dataset}/publish       the Walidata publishes the held draft (optionally accepting
                                       its violations, with a reason)
POST /datasets/{dataset}/reject        the Walidata rejects it, with a reason
GET  /me                               who the token belongs to
=====================================  ==========================================================

Every route needs ``Authorization: Bearer <token>`` (``onecenter user add``). An upload
is never published by itself: even a clean draft waits for the Walidata. The file is
stored under a name the server chooses and checked before it is read
(``graph.read.uploads``); loads write one at a time. Every action is recorded as provenance
(who, when, which file and mapping, the report, the decision).

An upload is read before it takes the upload lock (``service.write_lock``): the mapping is
found, the uploader's agency checked, the file saved, checked and read within the read budget
(settings ``read_max_cells``, ``read_max_seconds``) while other agencies' uploads load; only
linking, mapping, writing and judging hold the lock. Issue 19 found a 27.6 MB workbook read
for 120 s under the lock while every other upload waited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile
from pydantic import BaseModel, Field, model_validator
from starlette.concurrency import run_in_threadpool

from api.auth import require_user, require_walidata
from api.deps import ServiceState
from graph.errors import UploadRejected
from graph.publish.accounts import User
from graph.publish.draft import draft_source_names, held_draft, held_drafts
from graph.publish.platform import Platform
from graph.read.mappings import SourceSpec
from graph.read.tables import ReadBudget, Table, read_table
from graph.read.uploads import check_upload, display_name, on_trial, remove_rejected, save_upload

router = APIRouter(tags=["ingest"])

RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Perlu token / authentication required"},
    403: {"description": "Peran atau instansi tidak berhak / role or agency not allowed"},
    404: {"description": "Dataset atau draf tidak ada / no such dataset or draft"},
    413: {"description": "Berkas terlalu besar / file too large"},
    422: {"description": "Berkas atau isinya ditolak / file or its content refused"},
    503: {"description": "Penyimpanan sibuk / store busy with another load"},
}
CHUNK = 1024 * 1024


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
def _writer(service: ServiceState) -> Iterator[Platform]:
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


def _upload_chunks(upload: UploadFile) -> Iterator[bytes]:
    while chunk := upload.file.read(CHUNK):
        yield chunk


def _read(service: ServiceState, path: Path, source: SourceSpec) -> Table:
    """The uploaded table, read within the budget, outside the upload lock (READ_SLOTS at once)."""
    with service.read_slots:
        return read_table(path, source, ReadBudget.of(service.settings))


def _ingest(
    service: ServiceState, user: User, dataset: str, upload: UploadFile, dry_run: bool = False
) -> dict[str, Any]:
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
    path = save_upload(_upload_chunks(upload), folder, dataset, fmt, limit)
    try:
        check_upload(path, fmt, limit)
    except UploadRejected:
        path.unlink()  # never read, nothing recorded: nothing to keep
        raise
    if dry_run:
        try:
            table = _read(service, path, mapping.source)
            with _writer(service) as platform:
                report = platform.dry_run(mapping_path, source=path, table=table, publish=False)
        finally:
            path.unlink()  # nothing recorded refers to it
    else:
        # A refused table is not kept: it may hold the NIKs it was refused for.
        with on_trial(path, folder, settings.refused_upload_keep_days):
            table = _read(service, path, mapping.source)
            with _writer(service) as platform:
                report = platform.load(mapping_path, source=path, table=table, publish=False, agent=user.name)
    # A Produsen Data never reads another agency's restricted figures in its report.
    summary = report.summary(reader=user.audience)
    return {**summary, "upload": display_name(upload.filename), "dry_run": dry_run, "ok": True}


@router.post(
    "/ingest/{dataset}",
    responses=RESPONSES,
    summary="Unggah tabel sebagai draf / upload a table as a draft",
)
async def ingest(
    request: Request,
    dataset: str,
    file: Annotated[UploadFile, File(description="Tabel CSV atau XLSX / the CSV or XLSX table")],
    user: Annotated[User, Depends(require_user)],
    dry_run: Annotated[
        bool,
        Query(
            description="Uji coba: periksa seperti unggahan, tanpa draf dan tanpa catatan / a dry "
            "run: judged as an upload is, then nothing is kept or recorded; the outcome says what "
            "the upload would do (would-be-held, would-be-rejected)"
        ),
    ] = False,
) -> dict[str, Any]:
    """Map, link and validate an uploaded table into a draft that waits for the Walidata
    (with ``dry_run``: say what the upload would do, keeping nothing)."""
    service: ServiceState = request.app.state.service
    refusal = user.upload_refusal(dataset)  # before the dataset is looked up
    if refusal:
        raise HTTPException(403, refusal)
    # A refused file (UploadRejected: 413, 415, 422), a refused table (LoadRejected, 422) or an
    # unknown dataset (NotFound, 404) reaches the app's handlers, which answer in the one
    # error shape with the refused cells.
    return await run_in_threadpool(_ingest, service, user, dataset, file, dry_run)


def _drafts(service: ServiceState, user: User) -> list[dict[str, Any]]:
    return [d.as_dict() for d in held_drafts(service.store, service.iris) if user.may_review(d.agency)]


@router.get("/drafts", responses=RESPONSES, summary="Draf tertahan / held drafts")
async def drafts(request: Request, user: Annotated[User, Depends(require_user)]) -> dict[str, Any]:
    service: ServiceState = request.app.state.service
    return {"ok": True, "drafts": await run_in_threadpool(_drafts, service, user)}


def _publish(service: ServiceState, user: User, dataset: str, decision: Decision) -> dict[str, Any]:
    reason = decision.reason if decision.accept_violations else None
    with _writer(service) as platform:
        report = platform.publish_draft(dataset, accept_reason=reason, decided_by=user.name)
    return {"ok": True, **report.summary()}


@router.post(
    "/datasets/{dataset}/publish",
    responses={**RESPONSES, 409: {"description": "Draf masih melanggar aturan / draft still violates rules"}},
    summary="Terbitkan draf / publish the held draft",
)
async def publish(
    request: Request,
    dataset: str,
    user: Annotated[User, Depends(require_walidata)],
    decision: Decision | None = None,
) -> dict[str, Any]:
    service: ServiceState = request.app.state.service
    # A draft that still breaks a rule nobody accepted raises StillViolates: 409 (api/errors.py).
    return await run_in_threadpool(_publish, service, user, dataset, decision or Decision())


def _reject(service: ServiceState, user: User, dataset: str, reason: str) -> dict[str, Any]:
    settings = service.settings
    with _writer(service) as platform:
        _, graph = held_draft(platform.store, platform.iris, dataset)
        sources = draft_source_names(platform.store, platform.iris, graph)
        iri = platform.reject_draft(dataset, reason=reason, decided_by=user.name)
    folder = settings.resolve(settings.uploads_dir)
    remove_rejected(folder, dataset, sources, settings.refused_upload_keep_days)
    return {"ok": True, "dataset": dataset, "rejection": iri, "decided_by": user.name}


@router.post(
    "/datasets/{dataset}/reject",
    responses=RESPONSES,
    summary="Tolak draf / reject the held draft",
)
async def reject(
    request: Request,
    dataset: str,
    user: Annotated[User, Depends(require_walidata)],
    decision: Decision,
) -> dict[str, Any]:
    service: ServiceState = request.app.state.service
    return await run_in_threadpool(_reject, service, user, dataset, decision.reason or "")


@router.get("/me", responses=RESPONSES, summary="Pemilik token / who this token belongs to")
async def me(user: Annotated[User, Depends(require_user)]) -> dict[str, Any]:
    return {
        "ok": True,
        "name": user.name,
        "role": user.role,
        "agency": user.agency,
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
