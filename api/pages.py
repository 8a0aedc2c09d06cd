"""The people-facing pages: one template environment, one way to render, one way to ask.

Routers that answer both machines and browsers on the same URL (``/questions/{id}``,
``/insight/correlate``, ``/sparql``) ask ``wants_html`` so that a browser gets the page
and a client asking for JSON gets what it always got. Pages are server-rendered; the
few scripts they use (charts, map, editor, table sorting) are served from
``/static/vendor`` so that nothing is fetched from outside the app (an office intranet
has no internet).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from babel.numbers import format_decimal
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from api.negotiation import negotiate

__all__ = ["TEMPLATES", "id_number", "render", "root_of", "wants_html"]

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

HTML = "text/html"


def id_number(value: object, digits: int | None = None) -> str:
    """A number written the Indonesian way for people: ``1.234,5``, ``−0,71``; ``—`` for none.

    Accepts numbers and numeric strings (an RDF literal's lexical form). ``digits`` None:
    at most three decimals, trailing zeros dropped (a figure keeps the precision it was
    published with); a number: exactly that many decimals. The minus is the typographic
    one (U+2212). Text that is not a number is returned as it is. In templates: ``|id_number``.

    >>> id_number(-0.7124, 2), id_number("12345.5"), id_number(148.0), id_number(None), id_number("abc")
    ('−0,71', '12.345,5', '148', '—', 'abc')
    """
    if value is None:
        return "—"
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        return str(value)
    try:
        number = Decimal(value.strip()) if isinstance(value, str) else Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return "—" if not isinstance(value, str) else str(value)
    pattern = "#,##0." + ("#" * 3 if digits is None else "0" * digits) if digits != 0 else "#,##0"
    text = format_decimal(abs(number), format=pattern, locale="id_ID")
    return ("\u2212" if number < 0 and text.strip("0,.") else "") + text


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
