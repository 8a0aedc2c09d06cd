"""The people-facing pages: one template environment, one way to render, one way to ask.

Routers that answer both machines and browsers on the same URL (``/questions/{id}``,
``/insight/correlate``, ``/sparql``) ask ``wants_html`` so that a browser gets the page
and a client asking for JSON gets what it always got. Pages are server-rendered; the
few scripts they use (charts, map, editor, table sorting) are served from
``/static/vendor`` so that nothing is fetched from outside the app (an office intranet
has no internet).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from api.negotiation import negotiate
from api.sessions import signed_in
from graph.text import id_number

__all__ = ["TEMPLATES", "id_date", "id_datetime", "id_number", "render", "root_of", "wants_html", "wrap_at"]

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).resolve().parent / "templates"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)

HTML = "text/html"


TEMPLATES.filters["id_number"] = id_number


def wrap_at(text: str, after: str = "/#") -> Markup:
    """``text`` with a line-break opportunity (``<wbr>``) after each character of ``after``.

    Codes and words are never broken inside (no ``overflow-wrap: anywhere``), so a long IRI
    or file name, one "word" to the browser, would widen a phone's page; with this it wraps
    between its parts: ``{{ iri|wrap_at }}``, ``{{ file|wrap_at("/_.") }}``."""
    escaped = str(escape(text))
    return Markup(re.sub(f"([{re.escape(after)}])", r"\1<wbr>", escaped))


TEMPLATES.filters["wrap_at"] = wrap_at


# --- dates and times, as people in Indonesia read them (WIB) -------------------------------------------

# The office's clock: everything stored is UTC (or carries its offset); people read Jakarta time.
JAKARTA = ZoneInfo("Asia/Jakarta")


def _moment(value: object) -> datetime | date | None:
    """``value`` (a datetime, a date, or ISO 8601 text) as a datetime in Jakarta, or a date;
    None when it is not one. A time without an offset is taken as UTC (the stores write UTC)."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        return value
    elif isinstance(value, str):
        text = value.strip()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
        if "T" not in text and " " not in text and len(text) <= 10:  # "2026-12-04": a day, no time
            return moment.date()
    else:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(JAKARTA)


def id_datetime(value: object) -> str:
    """A moment written for people, in Jakarta time: ``4 Desember 2026, 14.05 WIB``.

    ISO 8601 text or a datetime, UTC or any offset (no offset: UTC); a day without a time
    is written as ``id_date``; ``—`` for none; anything else is returned as it is.
    In templates: ``|id_datetime``.

    >>> id_datetime("2026-12-04T07:05:31Z"), id_datetime("2026-12-04T23:30:00+07:00")
    ('4 Desember 2026, 14.05 WIB', '4 Desember 2026, 23.30 WIB')
    >>> id_datetime(datetime(2026, 12, 31, 20, 0, tzinfo=UTC)), id_datetime(None), id_datetime("kemarin")
    ('1 Januari 2027, 03.00 WIB', '—', 'kemarin')
    """
    moment = _moment(value)
    if moment is None:
        return "—" if value is None or value == "" else str(value)
    if not isinstance(moment, datetime):
        return format_date(moment, "d MMMM y", locale="id")
    return format_datetime(moment, "d MMMM y, HH.mm z", tzinfo=JAKARTA, locale="id")


def id_date(value: object) -> str:
    """The day of a moment, in Jakarta: ``4 Desember 2026``; ``—`` for none, anything else as
    it is. In templates: ``|id_date``.

    >>> id_date("2026-12-04"), id_date("2026-12-04T18:00:00Z"), id_date(date(2027, 1, 9))
    ('4 Desember 2026', '5 Desember 2026', '9 Januari 2027')
    >>> id_date(None), id_date("2026-13-45")
    ('—', '2026-13-45')
    """
    moment = _moment(value)
    if moment is None:
        return "—" if value is None or value == "" else str(value)
    day = moment.date() if isinstance(moment, datetime) else moment
    return format_date(day, "d MMMM y", locale="id")


TEMPLATES.filters["id_datetime"] = id_datetime
TEMPLATES.filters["id_date"] = id_date


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
    """The named template rendered with the page context every page needs (``root``, ``nav``,
    ``viewer``: the signed-in session the header names, or None)."""
    context.setdefault("viewer", signed_in(request))
    page = TEMPLATES.get_template(template).render(root=root_of(request), **context)
    return HTMLResponse(page, status_code=status_code, headers={"Vary": "Accept"})
