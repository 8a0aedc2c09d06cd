"""The public's small SPARQL queries answered before FastAPI's routing (issue 23 item 2).

A one-triple ASK costs Oxigraph a tenth of a millisecond; through FastAPI's routing, its
dependency solving and parameter validation it cost the service several (docs/benchmarks.md).
So a request that ``api.sparql_answer.answer_now`` can answer at once (a query already known to
be small, from an anonymous client) is answered here, inside the other middleware (request
limits, CORS, security headers, the private-answer marks still apply), with the very answer
and headers of the route (``api.routers.sparql``: ``checked_text``, ``protocol_for``,
``answer_response``). Anything else, and any doubt, goes on to the route unchanged, with the
body it was sent. Only anonymous requests come here: no ``Authorization`` header, no session
cookie (a signed-in reader may read more than the public, and is left to the route).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import ServiceState
from api.routers.sparql import (
    FORMAT_FIELDS,
    _screen,
    answer_response,
    checked_text,
    protocol_for,
)
from api.sessions import SESSION_COOKIE
from api.sparql_answer import answer_now
from graph.answer.bounded_sparql import MAX_CHARS
from graph.answer.sparql import ProtocolQuery
from graph.store.versions import PUBLIC

__all__ = ["SmallQueries"]

_FORM = "application/x-www-form-urlencoded"
_QUERY_BODY = "application/sparql-query"


class SmallQueries:
    """ASGI middleware answering the public's known-small ``/sparql`` queries itself."""

    def __init__(self, app: ASGIApp, service: ServiceState) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        root, path = scope.get("root_path", ""), scope.get("path", "")
        path = path[len(root) :] if root and path.startswith(root) else path
        if scope["type"] != "http" or path != "/sparql":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        body = b""
        if scope["method"] == "POST" and headers.get("content-length", "").strip().isdigit():
            body = await _whole_body(receive)  # within the size RequestLimits allowed
        elif scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        protocol = self._protocol(scope, headers, body)
        try:
            answered = answer_now(self.service, protocol) if protocol is not None else None
        except Exception:  # e.g. a syntax error: the route answers it, with its error handlers
            answered = None
        if answered is None or protocol is None:
            await self.app(scope, _replay(body, receive) if body else receive, send)
            return
        await answer_response(*answered, protocol.max_rows)(scope, receive, send)

    def _protocol(self, scope: Scope, headers: Headers, body: bytes) -> ProtocolQuery | None:
        """The request as the route reads it, when it is an anonymous SELECT or ASK short enough
        to be small; None for anything the route must see (errors included)."""
        if "authorization" in headers or SESSION_COOKIE in headers.get("cookie", ""):
            return None
        url = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        fields: list[tuple[str, str]] = []
        kind = ""
        if scope["method"] == "POST":
            kind = headers.get("content-type", "").split(";")[0].strip().lower()
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return None
            if kind == _FORM:
                fields = parse_qsl(text, keep_blank_values=True)
            elif kind == _QUERY_BODY:
                fields = [("query", text)]
            else:
                return None
        else:
            fields = [(k, v) for k, v in url if k == "query"]
        if any(k == "update" for k, _ in [*url, *fields]):
            return None
        queries = [v for k, v in fields if k == "query"]
        url_only = scope["method"] == "GET" or kind == _QUERY_BODY
        given = url if url_only else [*url, *[(k, v) for k, v in fields if k != "query"]]
        default = [v for k, v in given if k == "default-graph-uri"] or None
        named = [v for k, v in given if k == "named-graph-uri"] or None
        formats = [v for field in FORMAT_FIELDS for k, v in given if k == field]
        try:
            sparql = checked_text(queries, self.service.settings.query_max_bytes, scope["method"])
            if len(sparql) > MAX_CHARS:
                return None
            form = _screen(sparql)
        except HTTPException:
            return None
        if form not in ("SELECT", "ASK"):
            return None
        accept = headers.get("accept")
        found = protocol_for(self.service, sparql, form, accept, (default, named), formats, PUBLIC)
        return found if isinstance(found, ProtocolQuery) else None


async def _whole_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    more = True
    while more:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """``receive`` that gives the route the body already read, then what follows."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
