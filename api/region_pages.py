"""The region profile page: the HTML face of ``/id/wilayah/<code>`` for people.

``graph.describe.region_profile`` reads the figures, targets, children and map; this module
adds what only the service knows (the named questions, the address of the question pages)
and the drawing helpers the template ``region.html`` needs: a sparkline of a trend, the
change from the previous period in words, and each question's link with the region filled
in. ``api/routers/resources.py`` renders it for a region in place of the generic page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from markupsafe import Markup
from starlette.concurrency import run_in_threadpool

from api.deps import ServiceState
from api.question_catalogue import catalogue
from api.shared_reads import table_key
from graph.describe.region_profile import (
    Card,
    QuestionLink,
    RegionProfile,
    profile_area,
    region_profile,
    region_questions,
)
from graph.text import Text, id_number

__all__ = ["read_profile", "region_context"]

SPARK_WIDTH, SPARK_HEIGHT = 96, 24


async def read_profile(request: Request, service: ServiceState, iri: str) -> RegionProfile:
    """The region's profile, read once per publication, with its named questions."""
    codes = service.settings.ontology_path / "codes"
    today = dt.date.today()  # the clock read once per request (freshness)

    key = table_key(service, f"region-profile {iri} {today}")
    table = service.insight_table()

    def compute() -> RegionProfile:
        # The observations under the region's parent from the table (a small frame sent to the
        # worker) instead of the query scanning every observation; the same profile.
        area = profile_area(iri.removeprefix(service.iris.region_prefix))
        observed = None if table is None else table.under(area)
        return service.run(region_profile, service.iris, iri, codes_dir=codes, today=today, observed=observed)

    profile = await run_in_threadpool(service.cached, key, compute)
    questions = region_questions(catalogue(request), profile.level, profile.code)
    return replace(profile, questions=tuple(questions))


def sparkline(card: Card) -> Markup:
    """The trend as a small inline SVG line (no script, no request), with its points' titles."""
    points = card.trend
    if len(points) < 2:
        return Markup("")
    numbers = [v for _, v in points]
    low, high = min(numbers), max(numbers)
    span = (high - low) or 1.0
    step = (SPARK_WIDTH - 4) / (len(points) - 1)
    xy = [
        (2 + i * step, SPARK_HEIGHT - 2 - (v - low) / span * (SPARK_HEIGHT - 4))
        for i, v in enumerate(numbers)
    ]
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
    described = "; ".join(f"{p}: {id_number(v, card.decimals)}" for p, v in points)
    last_x, last_y = xy[-1]
    return Markup(
        f'<svg class="spark" width="{SPARK_WIDTH}" height="{SPARK_HEIGHT}" '
        f'viewBox="0 0 {SPARK_WIDTH} {SPARK_HEIGHT}" '
        f'role="img" aria-label="Tren / trend: {Markup.escape(described)}">'
        f"<title>{Markup.escape(described)}</title>"
        f'<polyline fill="none" stroke="currentColor" stroke-width="1.5" points="{path}"/>'
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="2.5" fill="currentColor"/></svg>'
    )


def change(card: Card) -> Text | None:
    """ "naik dari 14,8 (2023)": the change from the previous period, in words."""
    previous = card.previous
    if previous is None or card.value.number is None:
        return None
    period, before = previous
    was = id_number(before, card.decimals)
    if card.value.number > before:
        return Text(f"naik dari {was} ({period})", f"up from {was} ({period})")
    if card.value.number < before:
        return Text(f"turun dari {was} ({period})", f"down from {was} ({period})")
    return Text(f"sama dengan {period}", f"same as {period}")


def question_href(root: str, question: QuestionLink) -> str:
    return f"{root}/questions/{question.id}?{urlencode({question.parameter: question.code})}"


def region_context(profile: RegionProfile | None, root: str) -> dict[str, Any]:
    """What ``region.html`` needs beyond the generic resource page's context."""
    if profile is None:
        return {}
    return {
        "profile": profile,
        "sparkline": sparkline,
        "change": change,
        "question_href": lambda q: question_href(root, q),
    }
