"""The people-facing pages: one template environment, one way to render, one way to ask.

Routers that answer both machines and browsers on the same URL (``/questions/{id}``,
``/insight/correlate``, ``/sparql``) ask ``wants_html`` so that a browser gets the page
and a client asking for JSON gets what it always got. Pages are server-rendered; the
few scripts they use (charts, map, editor, table sorting) are served from
``/static/vendor`` so that nothing is fetched from outside the app (an office intranet
has no internet).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from api.negotiation import negotiate
from graph.text import id_number

__all__ = ["TEMPLATES", "id_number", "render", "root_of", "wants_html"]

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

HTML = "text/html"


TEMPLATES.filters["id_number"] = id_number


def root_of(request: Request) -> str:
    """The app's root path (behind a reverse proxy at ``/satudata`` it is ``/satudata``)."""
    return str(request.scope.get("root_path", ""))


def wants_html(request: Request, machine_types: list[str]) -> bool:
    """True when the client prefers HTML to every type in ``machine_types``.

    A client that sends no ``Accept`` (curl, scripts) or ``*/*`` gets the machine form:
    the machine types are offered first, so they win a tie.
    """
    accept = request.headers.get("accept", "")
    if not accept:
        return False
    chosen = negotiate(accept, [*machine_types, HTML], aliases={HTML: ["application/xhtml+xml"]})
    return chosen == HTML


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """The named template rendered with the page context every page needs (``root``, ``nav``)."""
    page = TEMPLATES.get_template(template).render(root=root_of(request), **context)
    return HTMLResponse(page, status_code=status_code, headers={"Vary": "Accept"})
