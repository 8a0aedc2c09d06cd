"""Forged form posts refused: a per-session token in every form, and the Origin checked too.

Every state-changing form served to a signed-in browser carries the session's CSRF secret in a
hidden ``csrf`` field; a POST without it, or with another, is refused (403, a page in Indonesian
for a browser). The sign-in form, posted before there is a session, carries the value of a
short-lived cookie instead (a double-submit token), so another site cannot sign a browser in to
an account of its choosing (login CSRF). As defence in depth a POST whose ``Origin`` (or, without
one, ``Referer``) names another host is refused even with the right token.

Later forms use ``csrf_checked`` as a dependency: it answers the signed-in session, or refuses.
"""

from __future__ import annotations

import hmac
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import Response

from api.errors import error_response
from api.sessions import Session, signed_in

__all__ = ["CSRF_FIELD", "CsrfRefused", "csrf_checked", "csrf_refused", "from_this_site", "tokens_match"]

CSRF_FIELD = "csrf"

REFUSED = (
    "Formulir ditolak: token keamanan (CSRF) tidak ada atau tidak cocok, atau formulir dikirim dari "
    "situs lain. Muat ulang halaman, lalu coba lagi. / Form refused: its security (CSRF) token is "
    "missing or wrong, or it was sent from another site. Reload the page and try again."
)
SESSION_ENDED = (
    "Sesi Anda telah berakhir atau Anda belum masuk; silakan masuk lagi. / Your session has ended "
    "or you are not signed in; please sign in again."
)


class CsrfRefused(Exception):
    """A state-changing POST that did not prove it came from this site's own form."""

    def __init__(self, message: str = REFUSED) -> None:
        super().__init__(message)


def from_this_site(request: Request) -> bool:
    """False when the browser says the request came from another origin (Origin, else Referer).

    Browsers send Origin on every cross-site POST; a request with neither header (an old client,
    a privacy setting) is judged by its token alone."""
    origin = request.headers.get("origin") or request.headers.get("referer")
    if origin is None:
        return True
    if origin == "null":  # a sandboxed frame or a redirect across sites
        return False
    return urlsplit(origin).netloc.lower() == request.headers.get("host", "").lower()


def tokens_match(sent: object, expected: str | None) -> bool:
    return isinstance(sent, str) and bool(expected) and hmac.compare_digest(sent, str(expected))


async def csrf_checked(request: Request) -> Session:
    """The signed-in session of a form POST whose token and origin are right; else CsrfRefused."""
    session = signed_in(request)
    if session is None:
        raise CsrfRefused(SESSION_ENDED)
    form = await request.form()  # Starlette keeps the parsed form: the route may read it again
    if not from_this_site(request) or not tokens_match(form.get(CSRF_FIELD), session.csrf):
        await form.close()  # a refused upload's spooled file is never read: let it go now
        raise CsrfRefused()
    return session


async def csrf_refused(request: Request, exc: Exception) -> Response:
    return error_response(request, 403, str(exc))
