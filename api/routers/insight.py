"""``/insight``: correlate two indicators across regions, and discover related pairs.

=========================================  ======================================================
GET /insight                               indicators with the levels and years they have
                                           values for, and links to the two analyses
GET /insight/correlate?x=&y=&level=&period=  the joined table, Pearson and Spearman with n and
                                           p-values, the regression line, outliers, caveat
GET /insight/correlate.csv?…               the joined table as CSV (``_dialect``)
GET /insight/discover?level=&period=       every pair of indicators from different agencies,
                                           ranked by |r|, Benjamini–Hochberg q-values, the
                                           *wawasan* list and its caveat
GET /insight/discover.csv?…                the ranked pairs as CSV
=========================================  ======================================================

The analyses are ``graph.insight``'s (``correlate``, ``discover``; the page's plain words
from ``graph.insight.summary``); store work runs through ``ServiceState.run`` (in the query
workers, within the time limit). A refused parameter is a ``ParameterError``, answered by
``api/errors.py`` as a 400 in the one error shape, its ``errors`` naming the parameter, the
value and what is allowed.

``/insight``, ``/insight/correlate`` and ``/insight/discover`` are also the *Wawasan* pages:
a browser (``Accept`` preferring HTML) gets the form, the scatter plot and the discovered
pairs on the same URL; every other client gets the JSON it always got. ``_format=json``
(not in the OpenAPI description) asks for the JSON from a browser: the pages' download
links use it. A browser's refused or malformed parameter gets the form again with the
problem in an error box, with the status the JSON would have had (400, or 422).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from api.errors import error_body
from api.insight_forms import SOURCE_HELP, TYPED_DECIMAL, TYPED_WHOLE, asked_sources, run_analysis
from api.insight_pages import correlation_page, discovery_page, form_again, index_page
from api.pages import wants_html
from api.shared_reads import insight_catalogue
from graph.errors import ParameterError
from graph.insight.catalogue import LEVELS, indicators_json
from graph.insight.correlate import Correlation, correlate
from graph.insight.discover import Discovery, discover
from graph.insight.statistics import DEFAULT_FDR, DEFAULT_MIN_N

__all__ = ["router"]

JSON = "application/json"
VARY = {"Vary": "Accept"}


class _PageRoute(APIRoute):
    """A route whose browser face shows the form again when a parameter is malformed.

    FastAPI checks types before the endpoint runs and answers a 422 in the JSON error shape;
    a person who edited the address deserves the form with the problem named instead.
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        pages = {"insight_index": "index", "insight_correlate": "correlate", "insight_discover": "discover"}
        view = pages.get(self.name)

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                if view is None or not _browser(request):
                    raise
                problems = [
                    {
                        "parameter": str(e["loc"][-1]),
                        "value": None,
                        "message": f"parameter '{e['loc'][-1]}': tidak ada atau tidak valid / {e['msg']}",
                    }
                    for e in exc.errors()
                ]
                return await run_in_threadpool(form_again, request, view, problems, 422)

        return route


router = APIRouter(prefix="/insight", tags=["insight"], route_class=_PageRoute)

_REFUSED_EXAMPLE = error_body(
    400,
    "parameter 'x': indikator 'stunting' tidak dikenal / unknown indicator 'stunting'; allowed: …",
    [
        {
            "parameter": "x",
            "value": "stunting",
            "message": "parameter 'x': indikator 'stunting' tidak dikenal / unknown indicator 'stunting'; …",
            "allowed": ["balita-ditimbang", "balita-stunting", "…"],
        }
    ],
)
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "description": "Nilai parameter ditolak / a parameter value was refused: an unknown indicator or "
        "level, x equal to y, or a period without values. `errors` names each parameter, its value and "
        "what is allowed.",
        "content": {"application/json": {"example": _REFUSED_EXAMPLE}},
    },
    422: {"description": "Parameter tidak valid / a parameter has the wrong type or range (e.g. `min_n`)."},
    503: {
        "description": "Kueri melewati batas waktu atau penyimpanan gagal / timed out or the store failed."
    },
}

Level = Annotated[
    str,
    Query(
        description="Tingkat wilayah / region level: `desa` (village) or `kecamatan` (district). An "
        "indicator reported by desa is summed up to kecamatan when it is a count or an area, and a "
        "percentage is recomputed from its numerator and denominator (see docs/insight.md).",
        json_schema_extra={"enum": list(LEVELS)},
    ),
]
Period = Annotated[
    str | None,
    Query(
        description="Tahun / year, e.g. `2023`. Left out: the latest year in which the indicators have "
        "values for most regions.",
        examples=["2023"],
    ),
]
Dialect = Annotated[
    Literal["excel", "standard"],
    Query(
        alias="_dialect",
        description="excel: UTF-8 with BOM, ';', decimal comma, Indonesian headers (Excel with Indonesian "
        "regional settings); standard: RFC 4180, ',', decimal point, English column names.",
    ),
]
IndicatorSlug = Query(
    description="Slug indikator / indicator slug (`skos:notation`), e.g. `prevalensi-stunting`; "
    "`GET /insight` lists them with the levels and years they have values for.",
    examples=["prevalensi-stunting"],
)
MinN = Annotated[
    int,
    TYPED_WHOLE,
    Query(
        ge=3,
        le=100_000,
        description="Pasangan dengan wilayah lebih sedikit dari ini ditandai `small_n` dan tidak disebut "
        "bermakna / pairs joined on fewer regions are marked `small_n` and never called significant.",
    ),
]
Fdr = Annotated[
    float,
    TYPED_DECIMAL,
    Query(
        gt=0,
        lt=1,
        description="Tingkat penemuan palsu / false-discovery rate for Benjamini–Hochberg: a pair is "
        "significant when its q-value is at most this.",
    ),
]


Sumber = Annotated[list[str] | None, Query(description=SOURCE_HELP)]

# The pages' download links: a browser asking for the JSON by address (its Accept says HTML).
Format = Annotated[Literal["json"] | None, Query(alias="_format", include_in_schema=False)]


A = TypeVar("A", Correlation, Discovery)


def _browser(request: Request) -> bool:
    return request.query_params.get("_format") != "json" and wants_html(request, [JSON])


def _answer(
    request: Request,
    view: str,
    period: str | None,
    compute: Callable[[str | None], A],
    page: Callable[[Request, A], Response],
    links: Callable[[A], dict[str, str]],
) -> Response:
    """The JSON of ``compute(period)``, or for a browser its page (the form again when refused)."""
    if not _browser(request):
        found = compute(period)
        return JSONResponse({"ok": True, **found.as_dict(), "links": links(found)}, headers=VARY)
    try:
        found = compute(period or None)  # the form's "latest year" choice is empty
    except ParameterError as exc:
        return form_again(request, view, exc.problems, 400)
    return page(request, found)


def _csv(content: bytes, name: str) -> Response:
    return Response(
        content,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("", responses={503: ERRORS[503]})
def insight_index(request: Request, format_: Format = None) -> Response:
    """Indikator dan tahun yang tersedia per tingkat / indicators and the years they have values for."""
    if _browser(request):
        # The page opens on the discovered pairs by desa in the latest year.
        discovery, problem = None, None
        try:
            discovery = _discovery(request, "desa", None, DEFAULT_MIN_N, DEFAULT_FDR)
        except ParameterError as exc:  # no year with values yet: the page says so
            problem = exc.problems
        return index_page(request, discovery, problem)
    cat = insight_catalogue(request.app.state.service)
    base = str(request.url_for("insight_index"))
    return JSONResponse(
        {
            "ok": True,
            "levels": list(LEVELS),
            "indicators": indicators_json(cat),
            "links": {"correlate": f"{base}/correlate", "discover": f"{base}/discover"},
        },
        headers=VARY,
    )


@router.get("/correlate", responses=ERRORS)
def insight_correlate(
    request: Request,
    x: Annotated[str, IndicatorSlug],
    y: Annotated[str, IndicatorSlug],
    level: Level = "desa",
    period: Period = None,
    sumber: Sumber = None,
    format_: Format = None,
) -> Response:
    """Korelasikan dua indikator antarwilayah / correlate two indicators across regions.

    The joined table (region IRI, code, label, x, y and the observations behind each value),
    Pearson and Spearman coefficients with n and p-values, the least-squares line of y on x
    (slope, intercept, r²), outliers (|externally studentized residual| > 2.5), the regions
    left out and why, and the caveat (correlation is not causation; area-level only). Each
    indicator's figures come from its authoritative dataset (or a `sumber`); `x.source` and
    `y.source` name it and the other datasets, whose values each row gives beside
    (`x_other_sources`, `y_other_sources`), never mixed in.
    """

    def links(c: Correlation) -> dict[str, str]:
        asked = [("sumber", s) for s in asked_sources(request)]
        params = urlencode(
            [("x", c.x.slug), ("y", c.y.slug), ("level", c.level), ("period", c.period), *asked]
        )
        base = str(request.url_for("insight_correlate"))
        discover_base = request.url_for("insight_discover")
        return {
            "self": f"{base}?{params}",
            "csv": f"{base}.csv?{params}",
            "discover": f"{discover_base}?{urlencode({'level': c.level, 'period': c.period})}",
        }

    return _answer(
        request,
        "correlate",
        period,
        lambda year: _correlation(request, x, y, level, year),
        correlation_page,
        links,
    )


@router.get("/correlate.csv", response_class=Response, responses=ERRORS)
def insight_correlate_csv(
    request: Request,
    x: Annotated[str, IndicatorSlug],
    y: Annotated[str, IndicatorSlug],
    level: Level = "desa",
    period: Period = None,
    sumber: Sumber = None,
    dialect: Dialect = "excel",
) -> Response:
    """Tabel gabungan sebagai CSV / the joined table as CSV (with studentized residuals and outliers)."""
    found = _correlation(request, x, y, level, period)
    return _csv(found.to_csv(dialect), f"korelasi_{x}_{y}_{level}_{found.period}.csv")


@router.get("/discover", responses=ERRORS)
def insight_discover(
    request: Request,
    level: Level = "desa",
    period: Period = None,
    min_n: MinN = DEFAULT_MIN_N,
    fdr: Fdr = DEFAULT_FDR,
    sumber: Sumber = None,
    format_: Format = None,
) -> Response:
    """Wawasan: semua pasangan indikator antarinstansi / every cross-agency pair, ranked by |r|.

    Pearson and Spearman per pair with n; Pearson p-values adjusted with Benjamini–Hochberg
    (q-values); pairs on fewer than `min_n` regions marked `small_n` and never significant;
    `same_concept` (two producers' figures of one concept) and `size_effect` (two counts or
    areas) marked; `wawasan`: the significant pairs that are neither, each in one sentence
    (Indonesian and English), with the caveat.
    """

    def links(d: Discovery) -> dict[str, str]:
        asked = [("sumber", s) for s in asked_sources(request)]
        params = urlencode(
            [("level", d.level), ("period", d.period), ("min_n", d.min_n), ("fdr", d.fdr), *asked]
        )
        base = str(request.url_for("insight_discover"))
        return {"self": f"{base}?{params}", "csv": f"{base}.csv?{params}"}

    return _answer(
        request,
        "discover",
        period,
        lambda year: _discovery(request, level, year, min_n, fdr),
        discovery_page,
        links,
    )


@router.get("/discover.csv", response_class=Response, responses=ERRORS)
def insight_discover_csv(
    request: Request,
    level: Level = "desa",
    period: Period = None,
    min_n: MinN = DEFAULT_MIN_N,
    fdr: Fdr = DEFAULT_FDR,
    sumber: Sumber = None,
    dialect: Dialect = "excel",
) -> Response:
    """Pasangan berperingkat sebagai CSV / the ranked pairs as CSV."""
    found = _discovery(request, level, period, min_n, fdr)
    return _csv(found.to_csv(dialect), f"wawasan_{level}_{found.period}.csv")


def _correlation(request: Request, x: str, y: str, level: str, period: str | None) -> Correlation:
    return run_analysis(request, correlate, x, y, level, period)


def _discovery(request: Request, level: str, period: str | None, min_n: int, fdr: float) -> Discovery:
    return run_analysis(request, discover, level, period, min_n=min_n, fdr=fdr)
