"""ASGI middleware: an answer to a token or a signed-in browser is private.

Such an answer may hold restricted data, so no shared cache may keep or reuse it
(``Cache-Control: private, no-store``), and every answer varies by ``Authorization`` and
``Cookie``. Written as plain ASGI rather than Starlette's ``BaseHTTPMiddleware``, which
runs each request in an extra task with its own streams: about a millisecond on every
request, more than Oxigraph server takes for a whole small query.
"""

from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.sessions import SESSION_COOKIE

__all__ = ["PrivateWhenSignedIn"]


class PrivateWhenSignedIn:
    """Marks answers to signed-in requests private and adds ``Vary: Authorization, Cookie``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        asked = Headers(scope=scope)
        private = "authorization" in asked or SESSION_COOKIE in cookie_parser(asked.get("cookie", ""))

        async def send_marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)  # edits the message's own header list
                if private:
                    headers["Cache-Control"] = "private, no-store"
                vary = headers.get("Vary")
                headers["Vary"] = f"{vary}, Authorization, Cookie" if vary else "Authorization, Cookie"
            await send(message)

        await self.app(scope, receive, send_marked)
