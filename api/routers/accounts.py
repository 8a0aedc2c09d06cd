"""Accounts through the API: the same actions as the page ``/walidata/akun``.

=====================================  ==========================================================
GET  /accounts                         every account: name, role, agency, active, created, revoked
POST /accounts                         make an account (JSON ``name``, ``role``, ``agency``); the
                                       answer carries its token, shown this once
POST /accounts/{name}/rotate           a new token (shown once); the old one stops at once
POST /accounts/{name}/revoke           stop the account's token; it stays on record
=====================================  ==========================================================

Every route needs ``Authorization: Bearer <token>`` of the Walidata (Produsen Data accounts
only) or an admin (every account); who may do what is ``api.account_actions``. A browser's
session never authorizes a POST here (``api.auth.current_user``): the pages post their own
CSRF-checked forms.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from api.account_actions import NewAccount, account_list, add_account, revoke_account, rotate_account
from api.auth import require_user
from api.deps import ServiceState
from graph.publish.accounts import User

router = APIRouter(tags=["accounts"])

RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {
        "description": "Nama, peran atau instansi tidak sah, atau nama terpakai / bad name, role or agency"
    },
    401: {"description": "Perlu token / authentication required"},
    403: {"description": "Peran tidak berhak mengelola akun ini / role may not manage this account"},
    404: {"description": "Pengguna tidak ada / no such user"},
}


@router.get("/accounts", responses=RESPONSES, summary="Daftar akun / the accounts")
async def accounts(request: Request, user: Annotated[User, Depends(require_user)]) -> dict[str, Any]:
    service: ServiceState = request.app.state.service
    return {"ok": True, "accounts": await run_in_threadpool(account_list, service, user)}


@router.post("/accounts", responses=RESPONSES, summary="Buat akun / add an account (token shown once)")
async def add(
    request: Request, new: NewAccount, user: Annotated[User, Depends(require_user)]
) -> dict[str, Any]:
    """Make an account: a Produsen Data (with its agency's slug), a Walidata or an admin (admins
    only). Its token is in the answer and nowhere else: give it to its holder at once."""
    service: ServiceState = request.app.state.service
    return await run_in_threadpool(add_account, service, user, new)


@router.post(
    "/accounts/{name}/rotate", responses=RESPONSES, summary="Ganti token / rotate a token (shown once)"
)
async def rotate(request: Request, name: str, user: Annotated[User, Depends(require_user)]) -> dict[str, Any]:
    """A new token for the account; its old token and every page session signed in with it end."""
    service: ServiceState = request.app.state.service
    return await run_in_threadpool(rotate_account, service, user, name)


@router.post(
    "/accounts/{name}/revoke",
    responses={**RESPONSES, 409: {"description": "Akun sendiri / one's own account"}},
    summary="Cabut akun / revoke an account",
)
async def revoke(request: Request, name: str, user: Annotated[User, Depends(require_user)]) -> dict[str, Any]:
    """Stop the account's token (and its page sessions); the account stays on record."""
    service: ServiceState = request.app.state.service
    return await run_in_threadpool(revoke_account, service, user, name)
