"""The Walidata's draft pages: the drafts waiting, one draft's diff and findings, and the decision.

=========================================  ======================================================
GET  /walidata/draf                         every held draft, newest first
GET  /walidata/draf/{dataset}               its diff against the version in force (totals per
                                            indicator and year, then the changed, added and
                                            removed figures), its findings, the decision forms
GET  /walidata/draf/{dataset}/perubahan.csv the whole diff (``?_dialect=standard``: RFC 4180)
POST /walidata/draf/{dataset}/terbitkan     publish (``accept_violations`` with a ``reason``:
                                            publish despite violations)
POST /walidata/draf/{dataset}/tolak         reject, with a ``reason``
=========================================  ======================================================

A decision posted again once the draft is decided (a second click during an ~18 s
publication, a second tab) changes nothing and answers 409 with a page that says so.

For the Walidata and admins (``api.page_auth``): an anonymous browser is sent to sign in, a
Produsen Data gets 403. Every POST carries the session's CSRF token. The decisions are
``api.workflow``'s, the same the API's ``/datasets/{dataset}/publish`` and ``/reject`` make,
so a decision taken here is recorded alike (provenance, audit chain, the decider's name).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from api.deps import ServiceState
from api.draft_pages import diff_download, draft_context, waiting_context
from api.page_auth import form_role, page_role
from api.pages import render, root_of
from api.sessions import Session
from api.workflow import Decision, publish_draft, reject_draft
from graph.errors import NotFound, StillViolates
from graph.spreadsheet import CsvDialect

router = APIRouter(tags=["pages"])

Walidata = Annotated[Session, Depends(page_role("walidata"))]
WalidataForm = Annotated[Session, Depends(form_role("walidata"))]
Reason = Annotated[str, Form(max_length=2000)]

NEED_REASON = "Alasan wajib diisi. / A reason is required."


def _page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    response = render(request, template, status_code=status, active="drafts", **context)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get("/walidata/draf", include_in_schema=False)
async def drafts(request: Request, session: Walidata) -> Response:
    service: ServiceState = request.app.state.service
    context = await run_in_threadpool(waiting_context, service)
    return _page(request, "walidata_drafts.html", **context)


async def _draft_page(request: Request, dataset: str, status: int = 200, **extra: Any) -> Response:
    service: ServiceState = request.app.state.service
    context = await run_in_threadpool(draft_context, service, dataset, root_of(request))
    return _page(request, "walidata_draft.html", status, **context, **extra)


@router.get("/walidata/draf/{dataset}", include_in_schema=False)
async def draft(request: Request, dataset: str, session: Walidata) -> Response:
    return await _draft_page(request, dataset, problem="", failed="", reason="")


@router.get("/walidata/draf/{dataset}/perubahan.csv", include_in_schema=False)
async def draft_csv(request: Request, dataset: str, session: Walidata, _dialect: str = "excel") -> Response:
    service: ServiceState = request.app.state.service
    dialect: CsvDialect = "standard" if _dialect == "standard" else "excel"
    body = await run_in_threadpool(diff_download, service, dataset, dialect)
    name = f"perubahan-draf-{dataset}.csv"
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


def _done(request: Request, session: Session, action: str, dataset: str, **extra: Any) -> Response:
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    return _page(
        request,
        "walidata_decided.html",
        action=action,
        dataset=dataset,
        by=session.user.name,
        at=now,
        **extra,
    )


def _already_decided(request: Request, dataset: str) -> Response:
    """A decision posted for a draft that is no longer held: a second click, a second tab, or
    another Walidata first. Nothing happened; the page says so and where to look (409)."""
    return _page(request, "walidata_decided.html", 409, action="gone", dataset=dataset, by="", at="")


@router.post("/walidata/draf/{dataset}/terbitkan", include_in_schema=False)
async def publish(
    request: Request,
    dataset: str,
    session: WalidataForm,
    accept_violations: Annotated[str, Form(max_length=10)] = "",
    reason: Reason = "",
) -> Response:
    service: ServiceState = request.app.state.service
    accepting = accept_violations in ("1", "true", "on")
    try:
        decision = Decision(reason=reason.strip() or None, accept_violations=accepting)
    except ValidationError:
        return await _draft_page(request, dataset, 422, problem=NEED_REASON, failed="accept", reason=reason)
    try:
        report = await run_in_threadpool(publish_draft, service, session.user, dataset, decision)
    except NotFound:
        return _already_decided(request, dataset)
    except StillViolates as exc:
        # Which rules, and the form to accept them with a reason (the draft page's own).
        return await _draft_page(request, dataset, 409, problem=str(exc), failed="publish", reason=reason)
    return _done(request, session, "published", dataset, report=report, reason=decision.reason or "")


@router.post("/walidata/draf/{dataset}/tolak", include_in_schema=False)
async def reject(request: Request, dataset: str, session: WalidataForm, reason: Reason = "") -> Response:
    service: ServiceState = request.app.state.service
    if not reason.strip():
        return await _draft_page(request, dataset, 422, problem=NEED_REASON, failed="reject", reason="")
    try:
        result = await run_in_threadpool(reject_draft, service, session.user, dataset, reason.strip())
    except NotFound:
        return _already_decided(request, dataset)
    return _done(request, session, "rejected", dataset, report=result, reason=reason.strip())
