"""Uploads and the Walidata's decisions: the Satu Data workflow through the API.

=====================================  ==========================================================
POST /ingest/{dataset}                 a Produsen Data uploads a table (multipart ``file``) for a
                                       dataset their agency owns; it is mapped, linked and
                                       validated into a *draft*, and the load report returned
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
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.auth import require_user, require_walidata
from api.deps import ServiceState
from graph.errors import LoadRejected, NotFound, StoreError, UploadRejected
from graph.provenance.history import activities
from graph.publish.accounts import User
from graph.publish.platform import LoadReport, Platform
from graph.read.uploads import check_upload, display_name, save_upload
from graph.store.public import PublicGraphs
from graph.store.versions import draft_datasets

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
        None,
        max_length=2000,
        description="Alasan / why. Required to reject; to publish, given only when accepting the "
        "draft's violations (accept_violations).",
    )
    accept_violations: bool = Field(
        False, description="Terbitkan walau ada pelanggaran / publish accepting the current violations"
    )


@contextmanager
def _writer(service: ServiceState) -> Iterator[Platform]:
    """A platform that may write, one at a time; the service's own store when it has one."""
    with service.write_lock:
        fixed = service.fixed_store
        try:
            platform = (
                Platform(service.settings, store=fixed) if fixed is not None else Platform(service.settings)
            )
        except (OSError, StoreError) as exc:
            raise HTTPException(
                503,
                "penyimpanan sedang dipakai pemuatan lain / the store is busy with another load "
                f"(onecenter load?); try again in a few minutes ({exc})",
            ) from None
        try:
            yield platform
        finally:
            if fixed is None:
                platform.close()


def _report_json(report: LoadReport, limit: int = 200) -> dict[str, Any]:
    """A load report for the uploader: counts, then the first ``limit`` problems and findings."""
    return {
        "dataset": report.dataset,
        "outcome": report.outcome,
        "message": report.message,
        "rows_read": report.rows_read,
        "rows_mapped": report.rows_mapped,
        "rows_rejected": report.rows_rejected,
        "rows_dropped": report.rows_dropped,
        "observations": report.observations,
        "violations": report.violations,
        "warnings": report.warnings,
        "violations_accepted": report.violations_accepted,
        "draft_graph": report.graph,
        "problems": [p.as_dict() for p in report.problems[:limit]],
        "problems_total": len(report.problems),
        "findings": [
            {
                "shape": f.shape,
                "severity": f.severity.rsplit("#", 1)[-1],
                "message": f.message_id or f.message_en,
                "row": f.row,
                "column": f.column,
                "value": f.raw if f.raw is not None else f.value,
            }
            for f in report.findings[:limit]
        ],
        "findings_total": len(report.findings),
        "regions_to_review": len(report.review),
        "seconds": round(report.seconds, 2),
    }


def _upload_chunks(upload: UploadFile) -> Iterator[bytes]:
    while chunk := upload.file.read(CHUNK):
        yield chunk


def _ingest(service: ServiceState, user: User, dataset: str, upload: UploadFile) -> dict[str, Any]:
    with _writer(service) as platform:
        mapping_path, mapping = platform.mapping_for(dataset)
        agency_iri = platform.vocabulary.agencies.get(mapping.dataset.agency, "")
        if not user.may_upload(agency_iri):
            raise HTTPException(
                403,
                f"dataset {dataset!r} milik instansi {mapping.dataset.agency!r}; token ini tidak berhak "
                f"mengunggahnya / dataset {dataset!r} belongs to agency {mapping.dataset.agency!r}; this "
                "token may not upload it",
            )
        fmt = mapping.source.resolved_format
        folder = service.settings.resolve(service.settings.uploads_dir)
        limit = service.settings.upload_max_bytes
        path = save_upload(_upload_chunks(upload), folder, dataset, fmt, limit)
        try:
            check_upload(path, fmt, limit)
        except UploadRejected:
            path.unlink()  # never read, nothing recorded: nothing to keep
            raise
        report = platform.load(mapping_path, source=path, publish=False, agent=user.name)
    body = _report_json(report)
    body["upload"] = display_name(upload.filename)
    body["ok"] = True
    return body


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
) -> dict[str, Any]:
    """Map, link and validate an uploaded table into a draft that waits for the Walidata."""
    service: ServiceState = request.app.state.service
    if user.role == "walidata":
        raise HTTPException(
            403, "Walidata memeriksa, tidak mengunggah / the Walidata reviews uploads, it does not upload"
        )
    try:
        return await run_in_threadpool(_ingest, service, user, dataset, file)
    except UploadRejected as exc:
        raise HTTPException(exc.status, str(exc)) from None
    # A refused table (LoadRejected, 422) or an unknown dataset (NotFound, 404) reaches the
    # app's handlers, which answer in the one error shape with the refused cells.


def _drafts(service: ServiceState, user: User) -> list[dict[str, Any]]:
    store = service.store
    drafts = draft_datasets(store, service.iris)
    loads = {
        a.graph: a for a in activities(PublicGraphs(store, service.iris)) if a.kind == "load" and a.graph
    }
    out = []
    for dataset_iri, graph in sorted(drafts.items()):
        load = loads.get(graph)
        agency = load.agency if load else None
        if user.role == "produsen" and (agency is None or agency != user.agency_iri):
            continue
        out.append(
            {
                "dataset": dataset_iri.rsplit("/", 1)[-1],
                "graph": graph,
                "agency": agency,
                "load": load.iri if load else None,
                "loaded_by": list(load.people) if load else [],
                "started": load.started if load else None,
                "message": load.message if load else None,
                "violations": load.violations if load else None,
            }
        )
    return out


@router.get("/drafts", responses=RESPONSES, summary="Draf tertahan / held drafts")
async def drafts(request: Request, user: Annotated[User, Depends(require_user)]) -> dict[str, Any]:
    service: ServiceState = request.app.state.service
    return {"ok": True, "drafts": await run_in_threadpool(_drafts, service, user)}


def _publish(service: ServiceState, user: User, dataset: str, decision: Decision) -> dict[str, Any]:
    with _writer(service) as platform:
        reason = decision.reason if decision.accept_violations else None
        if decision.accept_violations and not (reason or "").strip():
            raise HTTPException(
                422, "alasan wajib untuk menerima pelanggaran / a reason is required to accept violations"
            )
        report = platform.publish_draft(dataset, accept_reason=reason, decided_by=user.name)
    return {"ok": True, **_report_json(report)}


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
    try:
        return await run_in_threadpool(_publish, service, user, dataset, decision or Decision())
    except NotFound:
        raise
    except LoadRejected as exc:  # still violates rules nobody accepted
        raise HTTPException(409, str(exc)) from None


def _reject(service: ServiceState, user: User, dataset: str, reason: str) -> dict[str, Any]:
    with _writer(service) as platform:
        iri = platform.reject_draft(dataset, reason=reason, decided_by=user.name)
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
