"""Domain errors -> HTTP responses, in one place and one JSON error shape.

Every error response is ``{"ok": false, "status": N, "error": "...", "errors": [...]}``;
a browser (``Accept`` preferring HTML) gets the same as a page (``error.html``). Each branch
of ``graph.errors`` has one status here, and routers only raise: none maps an error by hand.
Unknown exceptions become a plain 500 whose text is logged, never sent.

What an answer says is cut short and names no server path: an absolute path (a mapping, a
stored upload, the store's LOCK file) is shown by its file name, a message is cut at
``MESSAGE_CHARS`` and any other text (a value quoted back) at ``EXCERPT_CHARS``.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.pages import render, wants_html
from api.security_headers import security_headers
from graph.errors import (
    AccountError,
    AuditChainError,
    LoadRejected,
    MappingError,
    NotFound,
    OneCenterError,
    ParameterError,
    QueryError,
    QueryTimeout,
    RestrictedDataset,
    SourceError,
    StillViolates,
    StoreError,
    UploadRejected,
)

__all__ = [
    "EXCERPT_CHARS",
    "MESSAGE_CHARS",
    "clip",
    "error_body",
    "error_response",
    "install_error_handlers",
    "problems_of",
    "status_of",
    "without_paths",
]

log = logging.getLogger("onecenter.api")

# The first branch an error belongs to decides its status (subclasses before their bases).
STATUS: list[tuple[type[OneCenterError], int]] = [
    (NotFound, 404),
    (RestrictedDataset, 403),
    (ParameterError, 400),
    (QueryTimeout, 503),
    (QueryError, 400),
    (MappingError, 422),
    (SourceError, 422),
    (StillViolates, 409),
    (LoadRejected, 422),
    (AccountError, 400),
    (StoreError, 503),
    (AuditChainError, 503),
]


def status_of(exc: OneCenterError) -> int:
    """The HTTP status of a domain error (an upload's refusal names its own: 413, 415, 422)."""
    if isinstance(exc, UploadRejected):
        return exc.status
    return next((code for kind, code in STATUS if isinstance(exc, kind)), 500)


def problems_of(exc: OneCenterError) -> list[dict[str, Any]]:
    """The ``errors`` list of the answer: rejected cells, refused parameters."""
    if isinstance(exc, LoadRejected):
        return [p.as_dict() for p in exc.problems]
    if isinstance(exc, ParameterError):
        return list(exc.problems)
    return []


MESSAGE_CHARS = 1000
EXCERPT_CHARS = 200
_MESSAGE_KEYS = frozenset({"message", "detail", "reason"})
# An absolute path: a slash after no word, dot, colon or slash (so not inside a URL), up to
# a space or quote. One greedy character class: nothing to backtrack over.
_ABSOLUTE = re.compile(r"""(?<![\w.:/~-])/[^\s'"<>]+""")
_TRAILING = ".,;:)]}"


def clip(text: str, limit: int = EXCERPT_CHARS) -> str:
    """``text`` cut to ``limit`` characters (the cut marked with an ellipsis)."""
    return text if len(text) <= limit else text[:limit] + "…"


@cache
def _top_folders() -> frozenset[str]:
    try:
        return frozenset(p.name for p in Path("/").iterdir())
    except OSError:
        return frozenset()


def without_paths(text: str) -> str:
    """``text`` with each absolute path on this machine's folders replaced by its file name.

    >>> without_paths("While lock file: /tmp/x/store/LOCK: busy; see https://example.org/a/b")
    'While lock file: LOCK: busy; see https://example.org/a/b'
    """

    def name(match: re.Match[str]) -> str:
        found = match.group(0)
        path = found.rstrip(_TRAILING)
        parts = [p for p in path.split("/") if p]
        if len(parts) < 2 or parts[0] not in _top_folders():
            return found  # an API path such as /sparql or /id/desa/..., not a file
        return parts[-1] + found[len(path) :]

    return _ABSOLUTE.sub(name, text)


def _clean(value: Any, limit: int) -> Any:
    if isinstance(value, str):
        return clip(without_paths(value), limit)
    if isinstance(value, dict):
        return {
            k: _clean(v, MESSAGE_CHARS if k in _MESSAGE_KEYS else EXCERPT_CHARS) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_clean(v, limit) for v in value]
    return value


def error_body(status: int, message: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The one error shape, cut short and without server paths (see the module's docstring)."""
    return {
        "ok": False,
        "status": status,
        "error": _clean(message, MESSAGE_CHARS),
        "errors": _clean(errors or [], EXCERPT_CHARS),
    }


def _json(status: int, message: str, errors: list[dict[str, Any]] | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, message, errors), status_code=status)


def error_response(
    request: Request, status: int, message: str, errors: list[dict[str, Any]] | None = None
) -> Response:
    """The error as a page for a browser, as the JSON error shape for everyone else.

    Both vary with ``Accept``, so a cache never hands a browser's page to a program.
    """
    if wants_html(request, ["application/json"]):
        body = error_body(status, message, errors)
        return render(request, "error.html", status_code=status, error=body)
    response = _json(status, message, errors)
    response.headers["Vary"] = "Accept"
    return response


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(OneCenterError)
    async def domain_error(request: Request, exc: OneCenterError) -> Response:
        return error_response(request, status_of(exc), str(exc), problems_of(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        response = _json(exc.status_code, str(exc.detail))
        response.headers.update(exc.headers or {})  # WWW-Authenticate on a 401
        return response

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": list(e["loc"]), "message": e["msg"]} for e in exc.errors()]
        return _json(422, "permintaan tidak valid / invalid request", errors)

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        response = _json(500, "kesalahan server / internal server error")
        # Sent by the outermost middleware, past the one that adds these to every other answer.
        response.headers.update(security_headers(request.url.path))
        return response
