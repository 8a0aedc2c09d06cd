"""Who may open the agencies' own pages (Produsen Data, Walidata, admin), and who may post their forms.

The workflow pages are for signed-in staff only (``/masuk``, ``api.sessions``). A page read
(GET) without a session sends the browser to the sign-in form, which brings it back; a signed-in
user whose role may not use the page gets a 403 page that says which role may. A form post
(POST) must carry the session's CSRF token and come from this site (``api.csrf.csrf_checked``);
the role is asked after that, so a forged post learns nothing about roles.

What each role may do with a given dataset (its own agency's only, for a Produsen Data) is still
decided by ``graph.publish.accounts.User`` (``upload_refusal``, ``may_review``, ``may_decide``);
these dependencies only open the door to the page.

Use as dependencies::

    session: Annotated[Session, Depends(page_user)]             # any signed-in user, GET
    session: Annotated[Session, Depends(page_role("walidata"))]  # Walidata or admin, GET
    session: Annotated[Session, Depends(form_role("produsen"))]  # a form POST by a Produsen Data
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Literal
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from api.csrf import csrf_checked
from api.errors import error_response
from api.sessions import Session, signed_in

__all__ = [
    "NotAllowedHere",
    "SignInRequired",
    "form_role",
    "not_allowed_here",
    "page_role",
    "page_user",
    "sign_in_required",
]

PageRole = Literal["produsen", "walidata", "admin"]

# Who else may do what a role may on these pages: the admin may do everything, and the
# Walidata may see what a Produsen Data sees (of every agency).
MAY_ACT_AS: dict[PageRole, tuple[str, ...]] = {
    "produsen": ("produsen", "walidata", "admin"),
    "walidata": ("walidata", "admin"),
    "admin": ("admin",),
}
ROLE_NAMES: dict[PageRole, str] = {
    "produsen": "Produsen Data",
    "walidata": "Walidata",
    "admin": "Admin",
}


class SignInRequired(Exception):
    """A workflow page opened without a session: the browser goes to the sign-in form."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


class NotAllowedHere(Exception):
    """A signed-in user whose role may not use this page (403)."""

    def __init__(self, role: PageRole) -> None:
        super().__init__(
            f"Halaman ini untuk {ROLE_NAMES[role]}; akun Anda tidak berhak membukanya. / This page is for "
            f"the {ROLE_NAMES[role]}; your account may not open it."
        )


def _path_with_query(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def page_user(request: Request) -> Session:
    """The signed-in session of a page read; without one, SignInRequired (to /masuk and back)."""
    session = signed_in(request)
    if session is None:
        raise SignInRequired(_path_with_query(request))
    return session


def page_role(role: PageRole) -> Callable[[Request], Session]:
    """A dependency: the session of a page read by a user who may act as ``role``."""

    def dependency(request: Request) -> Session:
        session = page_user(request)
        if session.user.role not in MAY_ACT_AS[role]:
            raise NotAllowedHere(role)
        return session

    return dependency


def form_role(role: PageRole) -> Callable[[Request], Awaitable[Session]]:
    """A dependency: the session of a CSRF-checked form POST by a user who may act as ``role``."""

    async def dependency(request: Request) -> Session:
        session = await csrf_checked(request)
        if session.user.role not in MAY_ACT_AS[role]:
            raise NotAllowedHere(role)
        return session

    return dependency


async def sign_in_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, SignInRequired)
    # 303: the sign-in form is fetched with GET whatever brought the browser here.
    return RedirectResponse(f"{request.scope.get('root_path', '')}/masuk?next={quote(exc.next_path)}", 303)


async def not_allowed_here(request: Request, exc: Exception) -> Response:
    return error_response(request, 403, str(exc))
