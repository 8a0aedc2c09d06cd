"""``/masuk`` and ``/keluar``: a person signs in to the pages with their account name and token.

The token (from ``onecenter user add``) is the accounts' only secret, so it is what a person
types; a password scheme is out of scope. A good sign-in starts a server-side session
(``api.sessions``) named by a cookie: HttpOnly, SameSite=Lax (a link from an e-mail to a
restricted dataset still arrives signed in; a cross-site POST never carries it), Secure over
HTTPS (setting ``session_cookie_secure``), Path=/. The sign-in form is protected against login
CSRF by a double-submit cookie (``api.csrf``) and attempts are rate-limited
(``api.sign_in_limits``); a failure never says whether the account exists.

Sign-ins and sign-outs are logged (logger ``onecenter.sign_in``: name, role, client address,
never the token), not written to the audit chain, which records what happened to the data.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.csrf import CSRF_FIELD, CsrfRefused, csrf_checked, from_this_site, tokens_match
from api.deps import ServiceState
from api.pages import render, root_of
from api.sessions import SESSION_COOKIE, Session, Sessions
from api.sign_in_limits import SignInAttempts
from graph.publish.accounts import token_hash

router = APIRouter(tags=["pages"])
log = logging.getLogger("onecenter.sign_in")

LOGIN_COOKIE = "oc_masuk"  # the pre-session token of the sign-in form (login CSRF)
WRONG = (
    "Nama akun atau token salah, atau akun tidak aktif. / The account name or token is wrong, "
    "or the account is not active."
)
TOO_MANY = (
    "Terlalu banyak percobaan masuk yang gagal; coba lagi dalam {minutes} menit. / Too many "
    "failed sign-ins; try again in {minutes} minutes."
)


def _secure(request: Request) -> bool:
    choice = request.app.state.service.settings.session_cookie_secure
    return choice == "always" or (choice == "auto" and request.url.scheme == "https")


def _next_page(value: str) -> str:
    """Where to go after signing in: a path on this site only (never ``//host`` or a URL)."""
    if value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


def _form_page(
    request: Request,
    status: int,
    login_token: str,
    *,
    name: str = "",
    next_page: str = "/",
    problem: str = "",
) -> Response:
    response = render(
        request,
        "sign_in.html",
        status_code=status,
        login_token=login_token,
        name=name,
        next=next_page,
        problem=problem,
    )
    response.headers["Cache-Control"] = "no-store"
    response.set_cookie(
        LOGIN_COOKIE,
        login_token,
        max_age=3600,
        path=f"{root_of(request)}/masuk",
        secure=_secure(request),
        httponly=True,
        samesite="strict",
    )
    return response


@router.get("/masuk", include_in_schema=False)
def sign_in_form(request: Request, next: str = "/") -> Response:
    # The same pre-session token for every tab of this browser, so two open forms both work.
    login_token = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)
    return _form_page(request, 200, login_token, next_page=_next_page(next))


@router.post("/masuk", include_in_schema=False)
def sign_in(
    request: Request,
    name: Annotated[str, Form(max_length=64)] = "",
    token: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(alias=CSRF_FIELD, max_length=100)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    login_token = request.cookies.get(LOGIN_COOKIE)
    if not from_this_site(request) or not tokens_match(csrf, login_token):
        raise CsrfRefused()
    assert login_token is not None
    next_page = _next_page(next)
    address = request.client.host if request.client else "?"
    keys = [f"name:{name.strip().lower()}", f"address:{address}"]
    attempts: SignInAttempts = request.app.state.sign_in_attempts
    wait = attempts.retry_after(keys)
    if wait is not None:
        log.warning("masuk ditahan / sign-in held back: %r from %s for %s s", name, address, wait)
        minutes = -(-wait // 60)
        response = _form_page(
            request,
            429,
            login_token,
            name=name,
            next_page=next_page,
            problem=TOO_MANY.format(minutes=minutes),
        )
        response.headers["Retry-After"] = str(wait)
        return response
    service: ServiceState = request.app.state.service
    user = service.authenticate(token.strip()) if token else None
    # compare_digest: the time a refusal takes says nothing about how much of the name matched.
    if user is None or not hmac.compare_digest(user.name.encode(), name.strip().encode()):
        attempts.failed(keys)
        log.warning("masuk gagal / sign-in failed: %r from %s", name, address)
        return _form_page(request, 401, login_token, name=name, next_page=next_page, problem=WRONG)
    attempts.clear(keys[0])
    sessions: Sessions = request.app.state.sessions
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        sessions.end(old)
    session = sessions.start(user, token_hash(token.strip()))
    log.info("masuk / signed in: %s (%s) from %s", user.name, user.role, address)
    response = RedirectResponse(f"{root_of(request)}{next_page}", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        session.id,
        path=f"{root_of(request)}/",
        secure=_secure(request),
        httponly=True,
        samesite="lax",
    )
    response.delete_cookie(LOGIN_COOKIE, path=f"{root_of(request)}/masuk")
    return response


@router.post("/keluar", include_in_schema=False)
def sign_out(request: Request, session: Annotated[Session, Depends(csrf_checked)]) -> Response:
    request.app.state.sessions.end(session.id)
    address = request.client.host if request.client else "?"
    log.info("keluar / signed out: %s (%s) from %s", session.user.name, session.user.role, address)
    response = RedirectResponse(f"{root_of(request)}/", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path=f"{root_of(request)}/")
    return response
