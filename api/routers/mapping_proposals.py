"""Mapping proposals: the Walidata's page, and the mapping assistant through the API.

=================================================  ============================================
GET  /walidata/pemetaan                            page: every proposal, its YAML, the preview
                                                   of its sample, approve / reject with reason
POST /walidata/pemetaan/{dataset}/setujui          approve (form, CSRF-checked)
POST /walidata/pemetaan/{dataset}/tolak            reject with a reason (form, CSRF-checked)
POST /mapping-assistant/samples                    stage a sample table (multipart ``file``);
                                                   answers its id and first guesses
POST /mapping-assistant/samples/{id}/preview       the sample read with the choices (JSON body)
POST /mapping-proposals                            propose: ``{sample, choices, agency?}``
GET  /mapping-proposals                            the proposals the token may see
POST /mapping-proposals/{dataset}/approve          the Walidata approves (Bearer)
POST /mapping-proposals/{dataset}/reject           the Walidata rejects, ``{reason}`` (Bearer)
=================================================  ============================================

A Produsen Data proposes for their own agency only and sees only their agency's proposals (a
proposal of another agency is "not found"). Approving moves the mapping into ``mappings_dir``
and records it in the audit chain (``graph.publish.mapping_proposals``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.auth import require_user, require_walidata
from api.deps import ServiceState
from api.mapping_assistant import (
    Assistant,
    Sample,
    approve,
    check_proposal,
    proposal_for,
    proposal_preview,
    propose,
    public_message,
    reject,
    sample_preview,
    stage_sample,
    visible_proposals,
)
from api.page_auth import form_role, page_role
from api.pages import render, root_of
from api.sessions import Session
from graph.errors import NotFound, OneCenterError
from graph.publish.accounts import User
from graph.read.mapping_builder import MappingChoices

router = APIRouter(tags=["mapping assistant"])

RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "Perlu token / authentication required"},
    403: {"description": "Peran atau instansi tidak berhak / role or agency not allowed"},
    404: {"description": "Contoh atau usulan tidak ada / no such sample or proposal"},
    409: {"description": "Sudah ada / a mapping or proposal of this dataset exists, or it is decided"},
    413: {"description": "Berkas terlalu besar / file too large"},
    422: {"description": "Pilihan, berkas atau pemetaan ditolak / choices, file or mapping refused"},
}
CHUNK = 1024 * 1024


class ProposalRequest(BaseModel):
    sample: str = Field(max_length=100, description="The id POST /mapping-assistant/samples answered.")
    choices: MappingChoices
    agency: str | None = Field(None, max_length=80, description="For the Walidata: the agency's slug.")


class Rejection(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="Alasan / why")


def _service(request: Request) -> ServiceState:
    service: ServiceState = request.app.state.service
    return service


def _chunks(upload: UploadFile) -> Iterator[bytes]:
    while chunk := upload.file.read(CHUNK):
        yield chunk


def _owned(request: Request, user: User, sample_id: str) -> Sample:
    sample = Assistant.of(request.app.state).find(sample_id, f"api:{user.name}")
    if sample is None:
        raise NotFound("contoh tidak ada atau kedaluwarsa / no such sample, or it expired; upload it again")
    return sample


def _sample_json(sample: Sample) -> dict[str, Any]:
    return {
        "ok": True,
        "sample": sample.id,
        "file": sample.filename,
        "sheets": list(sample.sheets),
        "choices": sample.choices.model_dump(mode="json"),
    }


# --- the Walidata's page ----------------------------------------------------------------------


def _walidata_page(request: Request, session: Session, problem: str = "", status: int = 200) -> Response:
    service = _service(request)
    assistant = Assistant.of(request.app.state)
    items = []
    for proposal in visible_proposals(service, session.user):
        item: dict[str, Any] = {
            "proposal": proposal,
            "yaml": "",
            "preview": None,
            "check": None,
            "problem": "",
        }
        if proposal.status == "menunggu":
            item["yaml"] = proposal.yaml_text()
            try:
                item["preview"] = proposal_preview(service, assistant, proposal)
                item["check"] = check_proposal(service, assistant, proposal)
            except OneCenterError as exc:
                item["problem"] = public_message(exc)
        items.append(item)
    response = render(request, "mapping_proposals.html", status_code=status, items=items, problem=problem)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/walidata/pemetaan", include_in_schema=False)
async def proposals_page(
    request: Request, session: Annotated[Session, Depends(page_role("walidata"))]
) -> Response:
    return await run_in_threadpool(_walidata_page, request, session)


@router.post("/walidata/pemetaan/{dataset}/setujui", include_in_schema=False)
async def approve_page(
    request: Request, dataset: str, session: Annotated[Session, Depends(form_role("walidata"))]
) -> Response:
    try:
        await run_in_threadpool(approve, _service(request), session.user, dataset)
    except OneCenterError as exc:
        return await run_in_threadpool(_walidata_page, request, session, public_message(exc), 409)
    return RedirectResponse(f"{root_of(request)}/walidata/pemetaan?disetujui={dataset}", 303)


@router.post("/walidata/pemetaan/{dataset}/tolak", include_in_schema=False)
async def reject_page(
    request: Request, dataset: str, session: Annotated[Session, Depends(form_role("walidata"))]
) -> Response:
    form = await request.form()
    reason = form.get("reason")
    try:
        await run_in_threadpool(
            reject,
            _service(request),
            session.user,
            dataset,
            reason.strip() if isinstance(reason, str) else "",
        )
    except OneCenterError as exc:
        return await run_in_threadpool(_walidata_page, request, session, public_message(exc), 422)
    return RedirectResponse(f"{root_of(request)}/walidata/pemetaan?ditolak={dataset}", 303)


# --- the API ----------------------------------------------------------------------------------


@router.post(
    "/mapping-assistant/samples",
    responses=RESPONSES,
    summary="Unggah contoh tabel untuk asisten pemetaan / stage a sample table for the mapping assistant",
)
async def stage_api(
    request: Request,
    file: Annotated[UploadFile, File(description="Tabel CSV atau XLSX / the CSV or XLSX table")],
    user: Annotated[User, Depends(require_user)],
) -> dict[str, Any]:
    sample = await run_in_threadpool(
        stage_sample,
        _service(request),
        Assistant.of(request.app.state),
        user,
        f"api:{user.name}",
        _chunks(file),
        file.filename,
    )
    return _sample_json(sample)


@router.post(
    "/mapping-assistant/samples/{sample_id}/preview",
    responses=RESPONSES,
    summary="Pratinjau contoh dengan pilihan / the sample read with these choices",
)
async def preview_api(
    request: Request, sample_id: str, choices: MappingChoices, user: Annotated[User, Depends(require_user)]
) -> dict[str, Any]:
    assistant = Assistant.of(request.app.state)
    sample = assistant.update(_owned(request, user, sample_id), choices)
    shown = await run_in_threadpool(sample_preview, _service(request), assistant, sample)
    return {
        "ok": True,
        "sheet": shown.sheet,
        "columns": shown.columns,
        "rows_read": shown.rows_read,
        "rows": [{"row": n, "cells": [dataclasses.asdict(c) for c in cells]} for n, cells in shown.rows],
        "rejected": [{"row": r, "column": c, "value": v, "reason": why} for r, c, v, why in shown.problems],
        "rejected_count": shown.problem_count,
        "dropped": [{"row": r, "column": c, "value": v, "reason": why} for r, c, v, why in shown.dropped],
    }


@router.post(
    "/mapping-proposals",
    responses=RESPONSES,
    summary="Usulkan pemetaan / propose the mapping the choices make",
)
async def propose_api(
    request: Request, body: ProposalRequest, user: Annotated[User, Depends(require_user)]
) -> dict[str, Any]:
    assistant = Assistant.of(request.app.state)
    sample = assistant.update(_owned(request, user, body.sample), body.choices)
    try:
        proposal, check = await run_in_threadpool(
            propose, _service(request), assistant, user, sample, body.agency
        )
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from None
    return {
        "ok": True,
        **proposal.as_dict(),
        "mapping_yaml": proposal.yaml_text(),
        "check": dataclasses.asdict(check) if check is not None else None,
    }


@router.get("/mapping-proposals", responses=RESPONSES, summary="Usulan pemetaan / mapping proposals")
async def list_api(request: Request, user: Annotated[User, Depends(require_user)]) -> dict[str, Any]:
    found = await run_in_threadpool(visible_proposals, _service(request), user)
    return {"ok": True, "proposals": [p.as_dict() for p in found]}


@router.get(
    "/mapping-proposals/{dataset}", responses=RESPONSES, summary="Satu usulan dan YAML-nya / one proposal"
)
async def one_api(
    request: Request, dataset: str, user: Annotated[User, Depends(require_user)]
) -> dict[str, Any]:
    proposal = await run_in_threadpool(proposal_for, _service(request), user, dataset)
    text = proposal.yaml_text() if proposal.mapping_file.is_file() else None
    return {"ok": True, **proposal.as_dict(), "mapping_yaml": text}


@router.post(
    "/mapping-proposals/{dataset}/approve",
    responses=RESPONSES,
    summary="Setujui usulan pemetaan / approve: the mapping goes into the mappings folder",
)
async def approve_api(
    request: Request, dataset: str, user: Annotated[User, Depends(require_walidata)]
) -> dict[str, Any]:
    return await run_in_threadpool(approve, _service(request), user, dataset)


@router.post(
    "/mapping-proposals/{dataset}/reject",
    responses=RESPONSES,
    summary="Tolak usulan pemetaan / reject, with a reason",
)
async def reject_api(
    request: Request, dataset: str, body: Rejection, user: Annotated[User, Depends(require_walidata)]
) -> dict[str, Any]:
    return await run_in_threadpool(reject, _service(request), user, dataset, body.reason)
