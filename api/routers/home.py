"""``/``: the home page (*Beranda*) — what the graph holds, how fresh and coherent it is.

=====================================  ==========================================================
GET /                                  the page, always HTML: counts and lists of agencies,
                                       datasets, indicators, regions and periods (each linking
                                       to its ``/id/...`` page), each dataset's freshness against
                                       its declared frequency, each agency's coherence status,
                                       and the strongest current insights with their caveat
=====================================  ==========================================================

A program reads the same facts from ``/catalog.json``, ``/coherence.json``,
``/insight/discover`` and ``/sparql``; the page links to them. Only published data is
shown. The catalogue, coherence counts, holdings and insights are computed through
``ServiceState.run`` and cached until the next publication; freshness is judged at each
request. Summary logic: ``graph.describe.overview``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import ServiceState
from api.pages import render, root_of
from api.shared_reads import (
    coherence_summary,
    home_read,
    insight_catalogue,
    insight_observations,
    published_catalog,
    table_key,
)
from graph.describe.audit_head import audit_head
from graph.describe.overview import Holdings, build_overview, read_holdings, strongest_insights
from graph.errors import ParameterError, QueryError
from graph.insight.discover import Discovery, discover
from graph.provenance.records import now
from graph.rdf.iris import local_path

__all__ = ["router"]

router = APIRouter(tags=["pages"])

INSIGHT_LEVEL = "desa"  # /insight/discover's default level; its period default is the latest broad year
INSIGHT_COUNT = 5


def _service(request: Request) -> ServiceState:
    service: ServiceState = request.app.state.service
    return service


def _holdings(service: ServiceState) -> Holdings:
    key = table_key(service, "overview:holdings")
    table = service.insight_table()
    if table is None:
        return home_read(service, "overview:holdings", read_holdings)
    # The regions with figures and the periods' counts from the table: the store's two scans
    # of every observation are skipped (the same holdings: tests/graph/insight/test_observation_table.py).
    counted = (table.areas, table.period_counts)
    home = service.settings.home_region
    return service.cached(key, lambda: service.run(read_holdings, service.iris, home, counted))


def _discovery(service: ServiceState) -> Discovery:
    return service.cached(
        table_key(service, "overview:discovery"),
        lambda: discover(
            service.store,
            service.iris,
            INSIGHT_LEVEL,
            None,
            home_region=service.settings.home_region,
            catalogue=insight_catalogue(service),
            run=service.run,
            observations=insight_observations(service),
        ),
    )


def _insights(request: Request, service: ServiceState) -> dict[str, Any]:
    """The strongest pairs with links, or why there are none (the page still renders)."""
    root = root_of(request)
    try:
        found = _discovery(service)
    except (ParameterError, QueryError) as exc:  # no year with values yet, or the analysis ran out of time
        return {"pairs": [], "problem": str(exc), "caveat": None, "links": {}}
    insights = strongest_insights(found, INSIGHT_COUNT)
    for pair in insights["pairs"]:
        query = {"x": pair["x"]["indicator"], "y": pair["y"]["indicator"], "level": pair["level"]}
        pair["link"] = f"{root}/insight/correlate?{urlencode({**query, 'period': pair['period']})}"
    discover_query = urlencode({"level": found.level, "period": found.period})
    insights["links"] = {
        "discover": f"{root}/insight/discover?{discover_query}",
        "insight": f"{root}/insight",
    }
    return insights


@router.get("/", name="home", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    """Beranda: isi graf, kesegaran dan koherensi data, wawasan terkuat / the home page: what
    the graph holds, data freshness and coherence, the strongest insights (HTML)."""
    service = _service(request)
    at = now()  # the clock, read once: every judgement of the page is as of this moment
    overview = build_overview(
        published_catalog(service), _holdings(service), coherence_summary(service), service.iris, at
    )
    root = root_of(request)

    def href(iri: str) -> str:
        path = local_path(service.iris, iri)
        return root + path if path else iri

    return render(
        request,
        "home.html",
        active="home",
        o=overview,
        insights=_insights(request, service),
        href=href,
        today=at.date().isoformat(),
        audit=audit_head(service.settings, root + "/"),
    )
