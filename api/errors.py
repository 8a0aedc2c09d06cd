"""Domain errors -> HTTP responses, in one JSON error shape.

Every error response is ``{"ok": false, "status": N, "error": "...", "errors": [...]}``.
Unknown exceptions become a plain 500 whose text is logged, never sent.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import (
    LoadRejected,
    MappingError,
    NotFound,
    OneCenterError,
    QueryError,
    QueryTimeout,
    SourceError,
    StoreError,
)

__all__ = ["error_body", "install_error_handlers"]

log = logging.getLogger("onecenter.api")

STATUS: list[tuple[type[OneCenterError], int]] = [
    (QueryTimeout, 503),
    (QueryError, 400),
    (NotFound, 404),
    (MappingError, 422),
    (SourceError, 422),
    (LoadRejected, 422),
    (StoreError, 503),
]


def error_body(status: int, message: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"ok": False, "status": status, "error": message, "errors": errors or []}


def _json(status: int, message: str, errors: list[dict[str, Any]] | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, message, errors), status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(OneCenterError)
    async def domain_error(request: Request, exc: OneCenterError) -> JSONResponse:
        status = next((code for kind, code in STATUS if isinstance(exc, kind)), 500)
        errors = [p.as_dict() for p in exc.problems] if isinstance(exc, LoadRejected) else []
        return _json(status, str(exc), errors)

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
        return _json(500, "kesalahan server / internal server error")
