"""``/walidata/akun``: the accounts page: the list, add a user, rotate a token, revoke an account.

=============================================  ================================================
GET  /walidata/akun                             the accounts and the form to add one
POST /walidata/akun                             add (``name``, ``role``, ``agency``): the token
                                                is shown once on the answer page
POST /walidata/akun/{name}/ganti-token          a new token, shown once; the old one and every
                                                session signed in with it end
GET  /walidata/akun/{name}/cabut                asks to confirm the revocation
POST /walidata/akun/{name}/cabut                revokes
=============================================  ================================================

For the Walidata (Produsen Data accounts) and admins (every account): who may do what, the log
and why the audit chain is not written are ``api.account_actions``, the same the API's
``/accounts`` uses. Every POST carries the session's CSRF token. A page showing a token is
never cached (``no-store``) and never shows a token's hash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from api.account_actions import (
    NewAccount,
    account_list,
    add_account,
    managed_roles,
    revoke_account,
    rotate_account,
)
from api.deps import ServiceState
from api.errors import MESSAGE_CHARS, clip
from api.page_auth import form_role, page_role
from api.pages import render
from api.sessions import Session
from graph.errors import AccountError
from graph.publish.accounts import User

router = APIRouter(tags=["pages"])

Walidata = Annotated[Session, Depends(page_role("walidata"))]
WalidataForm = Annotated[Session, Depends(form_role("walidata"))]
AccountAction = Callable[[ServiceState, User, str], dict[str, Any]]
ROLE_NAMES = {"produsen": "Produsen Data", "walidata": "Walidata", "admin": "Admin"}


def _page(request: Request, template: str, status: int = 200, **context: Any) -> Response:
    response = render(
        request, template, status_code=status, active="accounts", role_names=ROLE_NAMES, **context
    )
    response.headers["Cache-Control"] = "no-store"  # a token may be on it
    return response


def _agencies(service: ServiceState) -> list[tuple[str, str]]:
    """(slug, name) of every declared agency, for the form's list."""
    vocab = service.vocabulary
    return sorted((slug, (vocab.labels.get(iri) or [slug])[0]) for slug, iri in vocab.agencies.items())


async def _list_page(
    request: Request,
    session: Session,
    status: int = 200,
    problem: str = "",
    form: dict[str, str] | None = None,
) -> Response:
    service: ServiceState = request.app.state.service
    accounts = await run_in_threadpool(account_list, service, session.user)
    return _page(
        request,
        "accounts.html",
        status,
        accounts=accounts,
        roles=managed_roles(session.user),
        agencies=await run_in_threadpool(_agencies, service),  # the first read parses ontology/
        problem=problem,
        form=form or {"name": "", "role": "produsen", "agency": ""},
    )


def _refusal(exc: Exception) -> tuple[int, str]:
    if isinstance(exc, HTTPException):
        return exc.status_code, str(exc.detail)
    return 400, clip(str(exc), MESSAGE_CHARS)


@router.get("/walidata/akun", include_in_schema=False)
async def accounts(request: Request, session: Walidata) -> Response:
    return await _list_page(request, session)


@router.post("/walidata/akun", include_in_schema=False)
async def add(
    request: Request,
    session: WalidataForm,
    name: Annotated[str, Form(max_length=64)] = "",
    role: Annotated[str, Form(max_length=20)] = "",
    agency: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    service: ServiceState = request.app.state.service
    form = {"name": name, "role": role, "agency": agency}
    try:
        new = NewAccount.model_validate({"name": name.strip(), "role": role, "agency": agency or None})
        done = await run_in_threadpool(add_account, service, session.user, new)
    except ValidationError:
        return await _list_page(request, session, 422, "Peran tidak dikenal. / Unknown role.", form)
    except (HTTPException, AccountError) as exc:
        status, message = _refusal(exc)
        return await _list_page(request, session, status, message, form)
    return _page(request, "account_done.html", action="added", account=done, at=_now())


async def _act(request: Request, session: Session, act: AccountAction, name: str, action: str) -> Response:
    """Rotate or revoke ``name``'s account (``act``), then the result page or the refusal on the list."""
    service: ServiceState = request.app.state.service
    try:
        done = await run_in_threadpool(act, service, session.user, name)
    except (HTTPException, AccountError) as exc:
        status, message = _refusal(exc)
        return await _list_page(request, session, status, message)
    return _page(request, "account_done.html", action=action, account=done, at=_now())


@router.post("/walidata/akun/{name}/ganti-token", include_in_schema=False)
async def rotate(request: Request, name: str, session: WalidataForm) -> Response:
    return await _act(request, session, rotate_account, name, "rotated")


@router.get("/walidata/akun/{name}/cabut", include_in_schema=False)
async def revoke_confirm(request: Request, name: str, session: Walidata) -> Response:
    service: ServiceState = request.app.state.service
    found = [a for a in await run_in_threadpool(account_list, service, session.user) if a["name"] == name]
    if not found:
        return await _list_page(request, session, 404, f"pengguna {name!r} tidak ada / no user {name!r}")
    return _page(request, "account_revoke.html", account=found[0])


@router.post("/walidata/akun/{name}/cabut", include_in_schema=False)
async def revoke(request: Request, name: str, session: WalidataForm) -> Response:
    return await _act(request, session, revoke_account, name, "revoked")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
