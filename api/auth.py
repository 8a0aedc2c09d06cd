"""Bearer tokens -> users, and the checks routes make before they write or read restricted data.

A request without ``Authorization`` is the public: it reads open, published data only; a
browser signed in to the pages (``/masuk``, ``api.sessions``) reads as its user.
A request with a token that is unknown or revoked is refused (401), never treated as
the public, so a client with an expired token learns it at once. What each role may
do is decided in ``graph.publish.accounts.User``; routes only ask.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.deps import ServiceState
from api.sessions import signed_in
from graph.publish.accounts import User
from graph.store.versions import PUBLIC, Audience

__all__ = ["BEARER", "audience_of", "current_user", "require_user", "require_walidata"]

# auto_error=False: a missing token is the public, decided below, not a 403 from FastAPI.
BEARER = HTTPBearer(
    auto_error=False,
    description="Token pengguna dari `onecenter user add` / a user's token from `onecenter user add`",
)

NOT_SIGNED_IN = "perlu token / authentication required: send 'Authorization: Bearer <token>'"
BAD_TOKEN = "token tidak dikenal atau dicabut / unknown or revoked token"


def current_user(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]
) -> User | None:
    """The user a request's bearer token belongs to; without a token, the user a signed-in
    browser's session belongs to on a read (GET, HEAD); else None (the public).

    A session never authorizes a POST here: the API's writes (uploads, decisions) keep their
    bearer token, and a page's own forms check their CSRF token (``api.csrf.csrf_checked``)."""
    if request.headers.get("authorization") is None:
        session = signed_in(request) if request.method in ("GET", "HEAD") else None
        return session.user if session is not None else None
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(401, BAD_TOKEN, headers={"WWW-Authenticate": "Bearer"})
    service: ServiceState = request.app.state.service
    user = service.authenticate(credentials.credentials)
    if user is None:
        raise HTTPException(401, BAD_TOKEN, headers={"WWW-Authenticate": "Bearer"})
    return user


def require_user(user: Annotated[User | None, Depends(current_user)]) -> User:
    if user is None:
        raise HTTPException(401, NOT_SIGNED_IN, headers={"WWW-Authenticate": "Bearer"})
    return user


def require_walidata(user: Annotated[User, Depends(require_user)]) -> User:
    if not user.may_decide:
        raise HTTPException(
            403,
            "hanya Walidata atau admin yang dapat menerbitkan atau menolak draf / only the Walidata "
            "or an admin may publish or reject a draft",
        )
    return user


def audience_of(user: User | None) -> Audience:
    return user.audience if user is not None else PUBLIC
