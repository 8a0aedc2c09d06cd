"""Request sizes and the upload gate, checked before any body is read.

==========================================  ===================================================
every request's URL query string            at most 3 x ``query_max_bytes`` + 8 KiB (a byte is
                                            three when percent-encoded): else 414
POST /sparql, ``application/sparql-query``  the body at most ``query_max_bytes``: else 413
POST /sparql, any other body                at most 3 x ``query_max_bytes`` + 8 KiB: else 413
POST /ingest/{dataset}                      first the token (none or an unknown one: 401; the
                                            Walidata's: 403), then the body at most
                                            ``upload_max_bytes`` + 64 KiB of form framing: 413
any other body                              at most ``upload_max_bytes`` + 64 KiB: else 413
==========================================  ===================================================

A ``Content-Length`` above the limit is refused before a byte of the body is read; a body
sent without one (chunked) is counted as it arrives and refused once it passes the limit,
so nothing larger is ever parsed or spooled to disk. The routes check the decoded query
against ``query_max_bytes`` again (``api/routers/sparql.py``).
"""

from __future__ import annotations

from fastapi.security.utils import get_authorization_scheme_param
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.auth import BAD_TOKEN, NOT_SIGNED_IN
from api.deps import ServiceState
from api.errors import error_body

__all__ = ["FORM_FRAMING_BYTES", "RequestLimits", "body_limit", "too_large"]

FORM_FRAMING_BYTES = 64 * 1024
_URL_SLACK_BYTES = 8 * 1024
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def too_large(limit: int, what: tuple[str, str] = ("isi permintaan", "the request body")) -> str:
    return (
        f"{what[0]} terlalu besar / {what[1]} is too large: at most {limit:,} bytes (settings "
        "query_max_bytes, upload_max_bytes)"
    )


def body_limit(service: ServiceState, method: str, path: str, content_type: str) -> int:
    """The most bytes the body of this request may hold."""
    settings = service.settings
    if method == "POST" and path == "/sparql":
        if content_type == "application/sparql-query":
            return settings.query_max_bytes
        return 3 * settings.query_max_bytes + _URL_SLACK_BYTES
    return settings.upload_max_bytes + FORM_FRAMING_BYTES


class RequestLimits:
    """ASGI middleware enforcing the table above."""

    def __init__(self, app: ASGIApp, service: ServiceState) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            limit = await self._admit(scope)
        except HTTPException as refusal:
            body = error_body(refusal.status_code, str(refusal.detail))
            # Said before the body is read: the client need not send the rest.
            headers = {**(refusal.headers or {}), "Connection": "close"}
            await JSONResponse(body, refusal.status_code, headers=headers)(scope, receive, send)
            return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:  # answered 413 by the app's handler, in the one shape
                    raise HTTPException(413, too_large(limit))
            return message

        await self.app(scope, counted, send)

    async def _admit(self, scope: Scope) -> int:
        """The body limit of this request; raises the refusal when it is refused unread."""
        settings = self.service.settings
        url_limit = 3 * settings.query_max_bytes + _URL_SLACK_BYTES
        if len(scope.get("query_string", b"")) > url_limit:
            raise HTTPException(414, too_large(url_limit, ("kueri URL", "the URL's query")))
        root, path = scope.get("root_path", ""), scope.get("path", "")
        path = path[len(root) :] if root and path.startswith(root) else path
        headers = Headers(scope=scope)
        if scope["method"] == "POST" and path.startswith("/ingest/"):
            await self._gate_upload(headers, path.removeprefix("/ingest/"))
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        limit = body_limit(self.service, scope["method"], path, content_type)
        length = headers.get("content-length")
        if length is not None:
            if not length.strip().isdigit():
                raise HTTPException(400, "Content-Length tidak valid / invalid Content-Length")
            if int(length) > limit:
                raise HTTPException(413, too_large(limit))
        return limit

    async def _gate_upload(self, headers: Headers, dataset: str) -> None:
        """An upload's token and role, before its file is read (as ``api.auth`` decides later)."""
        authorization = headers.get("authorization")
        if authorization is None:
            raise HTTPException(401, NOT_SIGNED_IN, headers=_CHALLENGE)
        scheme, token = get_authorization_scheme_param(authorization)
        if scheme.lower() != "bearer" or not token:
            raise HTTPException(401, BAD_TOKEN, headers=_CHALLENGE)
        user = await run_in_threadpool(self.service.authenticate, token)
        if user is None:
            raise HTTPException(401, BAD_TOKEN, headers=_CHALLENGE)
        refusal = user.upload_refusal(dataset)
        if refusal:
            raise HTTPException(403, refusal)
