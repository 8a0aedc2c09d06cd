"""``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), served from ``api/static/vendor``.

FastAPI's own documentation pages load Swagger UI and ReDoc from a CDN (and fonts from
Google), so on an office intranet with no internet they stay blank. These routes render the
same pages with FastAPI's helpers, pointed at the copies vendored in ``api/static/vendor/``
(see its SOURCES.md). Swagger UI is started by a small inline script; rather than allow
every inline script on these pages, each answer's policy names the SHA-256 of the exact
scripts it carries (``api.security_headers.docs_policy``).
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse

from api.security_headers import docs_policy

__all__ = ["OAUTH2_REDIRECT", "router"]

OAUTH2_REDIRECT = "/docs/oauth2-redirect"
_VENDOR = "/static/vendor"
# A <script> element without a src attribute: its body is what the browser hashes.
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)

router = APIRouter(include_in_schema=False)


def _root(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


def _with_policy(page: HTMLResponse) -> HTMLResponse:
    """The page, its Content-Security-Policy allowing exactly its own inline scripts."""
    body = bytes(page.body).decode("utf-8")
    page.headers["Content-Security-Policy"] = docs_policy(_INLINE_SCRIPT.findall(body))
    return page


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    root = _root(request)
    page = get_swagger_ui_html(
        openapi_url=root + str(request.app.openapi_url),
        title=f"{request.app.title} - Swagger UI",
        oauth2_redirect_url=root + OAUTH2_REDIRECT,
        swagger_js_url=f"{root}{_VENDOR}/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url=f"{root}{_VENDOR}/swagger-ui/swagger-ui.css",
        swagger_favicon_url=f"{root}{_VENDOR}/swagger-ui/favicon-32x32.png",
        # No badge asking validator.swagger.io about the schema: nothing leaves the machine.
        swagger_ui_parameters={"validatorUrl": None},
    )
    return _with_policy(page)


@router.get(OAUTH2_REDIRECT)
def swagger_ui_oauth2_redirect() -> HTMLResponse:
    return _with_policy(get_swagger_ui_oauth2_redirect_html())


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    root = _root(request)
    page = get_redoc_html(
        openapi_url=root + str(request.app.openapi_url),
        title=f"{request.app.title} - ReDoc",
        redoc_js_url=f"{root}{_VENDOR}/redoc/redoc.standalone.js",
        redoc_favicon_url=f"{root}{_VENDOR}/swagger-ui/favicon-32x32.png",
        with_google_fonts=False,  # the system's fonts: no request to Google
    )
    return _with_policy(page)
