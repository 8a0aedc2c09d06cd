"""Security headers on every response: what a browser may load, frame, sniff and refer.

The pages load scripts and styles from the app alone (``api/static``, no CDN: they must work
on an intranet), run no inline script (data reaches them in ``<script type=
"application/json">`` blocks, which are not run) and fetch from the app alone. Inline
``style`` attributes are kept (the map's colour swatches), so styles allow ``'unsafe-inline'``;
scripts never do. No page may be framed by another site (clickjacking), no response is
sniffed into another type, and a link followed to another site sends the origin only.

The interactive API documentation (``/docs``, ``/redoc``) is FastAPI's, which loads Swagger
UI / ReDoc from a CDN with an inline script: those two pages get a policy allowing that.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CONTENT_SECURITY_POLICY", "SecurityHeaders", "security_headers"]

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
_CDN = "https://cdn.jsdelivr.net"
_DOCS_POLICY = (
    f"default-src 'self'; script-src 'self' 'unsafe-inline' {_CDN}; "
    f"style-src 'self' 'unsafe-inline' {_CDN} https://fonts.googleapis.com; "
    f"img-src 'self' data: {_CDN} https://fastapi.tiangolo.com; font-src 'self' https://fonts.gstatic.com; "
    "worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'"
)
_DOCS_PATHS = frozenset({"/docs", "/docs/oauth2-redirect", "/redoc"})


def security_headers(path: str = "") -> dict[str, str]:
    """The headers every response carries (the policy depends on the path)."""
    return {
        "Content-Security-Policy": _DOCS_POLICY if path in _DOCS_PATHS else CONTENT_SECURITY_POLICY,
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
