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

The statistics are ``graph.insight``'s; store work runs through ``ServiceState.run`` (in
the query workers, within the time limit). A refused parameter is a 400 in the one error
shape, its ``errors`` naming the parameter, the value and what is allowed.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from api.errors import error_body
from graph.insight import (
    DEFAULT_FDR,
    DEFAULT_MIN_N,
    LEVELS,
    Correlation,
    Discovery,
    InsightCatalogue,
    InsightParameterError,
    correlate,
    discover,
    read_catalogue,
)

__all__ = ["router"]

router = APIRouter(prefix="/insight", tags=["insight"])

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
Indicator = Query(
    description="Slug indikator / indicator slug (`skos:notation`), e.g. `prevalensi-stunting`; "
    "`GET /insight` lists them with the levels and years they have values for.",
    examples=["prevalensi-stunting"],
)
MinN = Annotated[
    int,
    Query(
        ge=3,
        le=100_000,
        description="Pasangan dengan wilayah lebih sedikit dari ini ditandai `small_n` dan tidak disebut "
        "bermakna / pairs joined on fewer regions are marked `small_n` and never called significant.",
    ),
]
Fdr = Annotated[
    float,
    Query(
        gt=0,
        lt=1,
        description="Tingkat penemuan palsu / false-discovery rate for Benjamini–Hochberg: a pair is "
        "significant when its q-value is at most this.",
    ),
]


def _catalogue(request: Request) -> InsightCatalogue:
    service = request.app.state.service
    found: InsightCatalogue = service.cached(
        "insight-catalogue", lambda: service.run(read_catalogue, service.iris, service.settings.home_region)
    )
    return found


def _refused(exc: InsightParameterError) -> JSONResponse:
    return JSONResponse(error_body(400, str(exc), exc.problems), status_code=400)


@router.get("", responses={503: ERRORS[503]})
def insight_index(request: Request) -> dict[str, Any]:
    """Indikator dan tahun yang tersedia per tingkat / indicators and the years they have values for."""
    cat = _catalogue(request)
    indicators = []
    for slug, info in sorted(cat.indicators.items()):
        years = {level: cat.years(slug, level) for level in LEVELS}
        if any(years.values()):
            indicators.append({**info.as_dict(), "years": years})
    base = str(request.url_for("insight_index"))
    return {
        "ok": True,
        "levels": list(LEVELS),
        "indicators": indicators,
        "links": {"correlate": f"{base}/correlate", "discover": f"{base}/discover"},
    }


@router.get("/correlate", responses=ERRORS)
def insight_correlate(
    request: Request,
    x: Annotated[str, Indicator],
    y: Annotated[str, Indicator],
    level: Level = "desa",
    period: Period = None,
) -> Response:
    """Korelasikan dua indikator antarwilayah / correlate two indicators across regions.

    The joined table (region IRI, code, label, x, y and the observations behind each value),
    Pearson and Spearman coefficients with n and p-values, the least-squares line of y on x
    (slope, intercept, r²), outliers (|externally studentized residual| > 2.5), the regions
    left out and why, and the caveat (correlation is not causation; area-level only).
    """
    found = _correlation(request, x, y, level, period)
    if isinstance(found, JSONResponse):
        return found
    body = {"ok": True, **found.as_dict()}
    params = {"x": x, "y": y, "level": level, "period": found.period}
    base = str(request.url_for("insight_correlate"))
    discover_base = request.url_for("insight_discover")
    body["links"] = {
        "self": f"{base}?{urlencode(params)}",
        "csv": f"{base}.csv?{urlencode(params)}",
        "discover": f"{discover_base}?{urlencode({'level': level, 'period': found.period})}",
    }
    return JSONResponse(body)


@router.get("/correlate.csv", response_class=Response, responses=ERRORS)
def insight_correlate_csv(
    request: Request,
    x: Annotated[str, Indicator],
    y: Annotated[str, Indicator],
    level: Level = "desa",
    period: Period = None,
    dialect: Dialect = "excel",
) -> Response:
    """Tabel gabungan sebagai CSV / the joined table as CSV (with studentized residuals and outliers)."""
    found = _correlation(request, x, y, level, period)
    if isinstance(found, JSONResponse):
        return found
    name = f"korelasi_{x}_{y}_{level}_{found.period}.csv"
    return Response(
        found.to_csv(dialect),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/discover", responses=ERRORS)
def insight_discover(
    request: Request,
    level: Level = "desa",
    period: Period = None,
    min_n: MinN = DEFAULT_MIN_N,
    fdr: Fdr = DEFAULT_FDR,
) -> Response:
    """Wawasan: semua pasangan indikator antarinstansi / every cross-agency pair, ranked by |r|.

    Pearson and Spearman per pair with n; Pearson p-values adjusted with Benjamini–Hochberg
    (q-values); pairs on fewer than `min_n` regions marked `small_n` and never significant;
    `same_concept` (two producers' figures of one concept) and `size_effect` (two counts or
    areas) marked; `wawasan`: the significant pairs that are neither, each in one sentence
    (Indonesian and English), with the caveat.
    """
    found = _discovery(request, level, period, min_n, fdr)
    if isinstance(found, JSONResponse):
        return found
    body = {"ok": True, **found.as_dict()}
    params = {"level": level, "period": found.period, "min_n": min_n, "fdr": fdr}
    base = str(request.url_for("insight_discover"))
    body["links"] = {"self": f"{base}?{urlencode(params)}", "csv": f"{base}.csv?{urlencode(params)}"}
    return JSONResponse(body)


@router.get("/discover.csv", response_class=Response, responses=ERRORS)
def insight_discover_csv(
    request: Request,
    level: Level = "desa",
    period: Period = None,
    min_n: MinN = DEFAULT_MIN_N,
    fdr: Fdr = DEFAULT_FDR,
    dialect: Dialect = "excel",
) -> Response:
    """Pasangan berperingkat sebagai CSV / the ranked pairs as CSV."""
    found = _discovery(request, level, period, min_n, fdr)
    if isinstance(found, JSONResponse):
        return found
    return Response(
        found.to_csv(dialect),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="wawasan_{level}_{found.period}.csv"'},
    )


def _correlation(
    request: Request, x: str, y: str, level: str, period: str | None
) -> Correlation | JSONResponse:
    service = request.app.state.service
    try:
        return correlate(
            service.store,
            service.iris,
            x,
            y,
            level,
            period,
            home_region=service.settings.home_region,
            catalogue=_catalogue(request),
            run=service.run,
        )
    except InsightParameterError as exc:
        return _refused(exc)


def _discovery(
    request: Request, level: str, period: str | None, min_n: int, fdr: float
) -> Discovery | JSONResponse:
    service = request.app.state.service
    try:
        return discover(
            service.store,
            service.iris,
            level,
            period,
            home_region=service.settings.home_region,
            min_n=min_n,
            fdr=fdr,
            catalogue=_catalogue(request),
            run=service.run,
        )
    except InsightParameterError as exc:
        return _refused(exc)
