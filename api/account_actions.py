"""Account actions (list, add, rotate, revoke), shared by the API (``/accounts``) and the pages
(``/walidata/akun``), and who may take them.

Who may do what:

- an **admin** manages every account: Produsen Data, Walidata and admins;
- the **Walidata** manages the Produsen Data accounts of every agency (adds them, rotates and
  revokes their tokens) and reads the list; it may not make, rotate or revoke a Walidata's or an
  admin's account, so a Walidata can never give itself or anyone else more power than it has;
- a **Produsen Data** takes no account action;
- nobody revokes their own account (the last admin could lock everyone out); rotating one's own
  token is allowed (the new token is shown once; the session signed in with the old one ends).

A new or rotated token is returned once and never kept (only its SHA-256 is, in the accounts
file); no answer ever carries a token's hash. Each action is logged (logger
``onecenter.accounts``: who did what to which account, never a token), like sign-ins. It is not
written to the audit chain: the chain records what happened to the data (loads, validations,
publications, rejections), each entry already naming the person who acted; an account change
alters no data, and the accounts file keeps its own record (created, revoked).

These functions block (the accounts file is SQLite): call them from a thread.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import HTTPException
from pydantic import BaseModel, Field

from api.deps import ServiceState
from graph.errors import AccountError
from graph.publish.accounts import Role, User

__all__ = ["NewAccount", "account_list", "add_account", "managed_roles", "revoke_account", "rotate_account"]

log = logging.getLogger("onecenter.accounts")

NOT_YOURS = (
    "peran Anda tidak boleh mengelola akun {role}; hanya admin yang dapat / your role may not manage "
    "a {role} account; only an admin may"
)


class NewAccount(BaseModel):
    """A user to make; the token is in the answer, once."""

    name: str = Field(
        max_length=64, description="Nama akun / account name: letters, digits, '.', '_', '@', '-'"
    )
    role: Role = Field(description="produsen | walidata | admin")
    agency: str | None = Field(
        default=None,
        max_length=64,
        description="Instansi (slug) untuk Produsen Data / agency slug of a Produsen Data",
    )


def managed_roles(actor: User) -> tuple[Role, ...]:
    """The roles of the accounts ``actor`` may add, rotate and revoke."""
    if actor.role == "admin":
        return ("produsen", "walidata", "admin")
    if actor.role == "walidata":
        return ("produsen",)
    return ()


def _may_manage(actor: User, role: str) -> None:
    if role not in managed_roles(actor):
        raise HTTPException(403, NOT_YOURS.format(role=role))


def _target(service: ServiceState, name: str) -> tuple[User, bool]:
    for user, active in service.accounts.users():
        if user.name == name:
            return user, active
    raise HTTPException(404, f"pengguna {name!r} tidak ada / no user {name!r}")


def _described(user: User, active: bool, dates: tuple[str, str | None] | None = None) -> dict[str, Any]:
    created, revoked = dates or (None, None)
    return {
        "name": user.name,
        "role": user.role,
        "agency": user.agency,
        "active": active,
        "created": created,
        "revoked": revoked,
    }


def account_list(service: ServiceState, actor: User) -> list[dict[str, Any]]:
    """Every account (name, role, agency, active, created), never a token or its hash."""
    if not managed_roles(actor):
        raise HTTPException(403, "hanya Walidata atau admin / only the Walidata or an admin")
    dates = service.accounts.dates()
    return [_described(u, active, dates.get(u.name)) for u, active in service.accounts.users()]


def add_account(service: ServiceState, actor: User, new: NewAccount) -> dict[str, Any]:
    """Make the account; the answer carries its token, the only time it is shown."""
    _may_manage(actor, new.role)
    agency = (new.agency or "").strip() or None
    if new.role == "produsen" and agency not in service.vocabulary.agencies:
        known = ", ".join(sorted(service.vocabulary.agencies))
        raise AccountError(
            f"instansi {agency!r} tidak dideklarasikan / agency not declared (ontology/agencies.ttl); "
            f"known: {known}"
        )
    user, token = service.accounts.add(new.name.strip(), new.role, agency)
    log.info("akun dibuat / account added: %s (%s, %s) by %s", user.name, user.role, user.agency, actor.name)
    return {"ok": True, **_described(user, True), "token": token, "by": actor.name}


def rotate_account(service: ServiceState, actor: User, name: str) -> dict[str, Any]:
    """A new token for ``name`` (shown once); the old one and every session signed in with it end."""
    user, _ = _target(service, name)
    if user.name != actor.name:
        _may_manage(actor, user.role)
    token = service.accounts.rotate(user.name)
    log.info("token diganti / token rotated: %s (%s) by %s", user.name, user.role, actor.name)
    return {"ok": True, **_described(user, True), "token": token, "by": actor.name}


def revoke_account(service: ServiceState, actor: User, name: str) -> dict[str, Any]:
    """Stop ``name``'s token (the account stays on record; rotating makes it active again)."""
    user, _ = _target(service, name)
    if user.name == actor.name:
        raise HTTPException(
            409, "akun sendiri tidak dapat dicabut / you cannot revoke your own account; ask an admin"
        )
    _may_manage(actor, user.role)
    service.accounts.revoke(user.name)
    log.info("akun dicabut / account revoked: %s (%s) by %s", user.name, user.role, actor.name)
    return {"ok": True, **_described(user, False), "by": actor.name}
