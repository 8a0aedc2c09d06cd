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

The actions themselves are ``api.workflow``, shared with the signed-in pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Query, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from api.auth import require_user, require_walidata
from api.deps import ServiceState
from api.workflow import Decision, drafts_for, ingest_upload, publish_draft, reject_draft
from graph.publish.accounts import User

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


def _upload_chunks(upload: UploadFile) -> Iterator[bytes]:
    while chunk := upload.file.read(CHUNK):
        yield chunk


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
    return await run_in_threadpool(
        ingest_upload, service, user, dataset, _upload_chunks(file), file.filename, dry_run
    )


@router.get("/drafts", responses=RESPONSES, summary="Draf tertahan / held drafts")
async def drafts(request: Request, user: Annotated[User, Depends(require_user)]) -> dict[str, Any]:
    service: ServiceState = request.app.state.service
    return {"ok": True, "drafts": await run_in_threadpool(drafts_for, service, user)}


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
    return await run_in_threadpool(publish_draft, service, user, dataset, decision or Decision())


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
    return await run_in_threadpool(reject_draft, service, user, dataset, decision.reason or "")


@router.get("/me", responses=RESPONSES, summary="Pemilik token / who this token belongs to")
async def me(user: Annotated[User, Depends(require_user)]) -> dict[str, Any]:
    return {
        "ok": True,
        "name": user.name,
        "role": user.role,
        "agency": user.agency,
        "time": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
