"""Security headers on every response: what a browser may load, frame, sniff and refer.

The pages load scripts and styles from the app alone (``api/static``, no CDN: they must work
on an intranet), run no inline script (data reaches them in ``<script type=
"application/json">`` blocks, which are not run) and fetch from the app alone. Inline
``style`` attributes are kept (the map's colour swatches), so styles allow ``'unsafe-inline'``;
scripts never do. No page may be framed by another site (clickjacking), no response is
sniffed into another type, and a link followed to another site sends the origin only.

The interactive API documentation (``/docs``, ``/redoc``, ``api.api_docs``) loads Swagger UI
and ReDoc from ``api/static/vendor`` too. Those pages get a policy of their own: ReDoc starts
a web worker from a ``blob:`` URL, and Swagger UI is started by an inline script, allowed by
its SHA-256 alone (the page's answer names it), never by ``'unsafe-inline'``.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CONTENT_SECURITY_POLICY", "SecurityHeaders", "docs_policy", "security_headers"]

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
_DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})


def docs_policy(inline_scripts: Iterable[str] = ()) -> str:
    """The policy of the API documentation pages: the app alone, plus ``blob:`` workers
    (ReDoc) and exactly the inline scripts given (their SHA-256 hashes)."""
    hashes = "".join(
        f" 'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"
        for script in inline_scripts
    )
    return (
        f"default-src 'self'; script-src 'self'{hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self'; worker-src 'self' blob:; connect-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )


def security_headers(path: str = "") -> dict[str, str]:
    """The headers every response carries (the policy depends on the path)."""
    return {
        "Content-Security-Policy": docs_policy() if path in _DOCS_PATHS else CONTENT_SECURITY_POLICY,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "strict-origin-when-cross-origin",
    }


class SecurityHeaders:
    """ASGI middleware: adds ``security_headers`` to each response that does not set them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        root = scope.get("root_path", "")
        path = scope.get("path", "")
        extra = security_headers(path[len(root) :] if root and path.startswith(root) else path)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [
                    (name.lower().encode("latin-1"), value.encode("latin-1"))
                    for name, value in extra.items()
                    if name.lower().encode("latin-1") not in present
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
