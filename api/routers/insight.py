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

The statistics are ``graph.insight.correlate``'s; store work runs through ``ServiceState.run`` (in
the query workers, within the time limit). A refused parameter is a 400 in the one error
shape, its ``errors`` naming the parameter, the value and what is allowed.

``/insight``, ``/insight/correlate`` and ``/insight/discover`` are also the *Wawasan* pages:
a browser (``Accept`` preferring HTML) gets the form, the scatter plot and the discovered
pairs on the same URL; every other client gets the JSON it always got. ``_format=json``
(not in the OpenAPI description) asks for the JSON from a browser: the pages' download
links use it. A browser's refused or malformed parameter gets the form again with the
problem in an error box, with the status the JSON would have had (400, or 422).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Coroutine
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from api.errors import error_body
from api.pages import id_number, render, root_of, wants_html
from graph.errors import ParameterError
from graph.insight.correlate import (
    DEFAULT_FDR,
    DEFAULT_MIN_N,
    LEVELS,
    Correlation,
    Discovery,
    IndicatorInfo,
    InsightCatalogue,
    correlate,
    discover,
    read_catalogue,
)
from graph.rdf.iris import local_path

__all__ = ["indicator_choices", "insight_catalogue", "region_href", "router", "unit_symbol"]

JSON = "application/json"
Text = dict[str, str]  # {"id": ..., "en": ...}
MINUS = "\u2212"  # a real minus sign: "−0,71" reads better than a hyphen


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
                return await run_in_threadpool(_form_again, request, view, problems, 422)

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


# The pages' download links: a browser asking for the JSON by address (its Accept says HTML).
Format = Annotated[Literal["json"] | None, Query(alias="_format", include_in_schema=False)]


def insight_catalogue(request: Request) -> InsightCatalogue:
    """The insight catalogue, kept until the next publication (shared with the map page)."""
    service = request.app.state.service
    found: InsightCatalogue = service.cached(
        "insight-catalogue", lambda: service.run(read_catalogue, service.iris, service.settings.home_region)
    )
    return found


def _refused(exc: ParameterError) -> JSONResponse:
    return JSONResponse(error_body(400, str(exc), exc.problems), status_code=400, headers={"Vary": "Accept"})


def _browser(request: Request) -> bool:
    return request.query_params.get("_format") != "json" and wants_html(request, [JSON])


@router.get("", responses={503: ERRORS[503]})
def insight_index(request: Request, format_: Format = None) -> Response:
    """Indikator dan tahun yang tersedia per tingkat / indicators and the years they have values for."""
    cat = insight_catalogue(request)
    if _browser(request):
        return _index_page(request, cat)
    indicators = []
    for slug, info in sorted(cat.indicators.items()):
        years = {level: cat.years(slug, level) for level in LEVELS}
        if any(years.values()):
            indicators.append({**info.as_dict(), "years": years})
    base = str(request.url_for("insight_index"))
    return JSONResponse(
        {
            "ok": True,
            "levels": list(LEVELS),
            "indicators": indicators,
            "links": {"correlate": f"{base}/correlate", "discover": f"{base}/discover"},
        },
        headers={"Vary": "Accept"},
    )


@router.get("/correlate", responses=ERRORS)
def insight_correlate(
    request: Request,
    x: Annotated[str, Indicator],
    y: Annotated[str, Indicator],
    level: Level = "desa",
    period: Period = None,
    format_: Format = None,
) -> Response:
    """Korelasikan dua indikator antarwilayah / correlate two indicators across regions.

    The joined table (region IRI, code, label, x, y and the observations behind each value),
    Pearson and Spearman coefficients with n and p-values, the least-squares line of y on x
    (slope, intercept, r²), outliers (|externally studentized residual| > 2.5), the regions
    left out and why, and the caveat (correlation is not causation; area-level only).
    """
    page = _browser(request)
    if page and period == "":  # the form's "latest year" choice
        period = None
    try:
        found = _correlation(request, x, y, level, period)
    except ParameterError as exc:
        if page:
            return _form_again(request, "correlate", exc.problems, 400)
        return _refused(exc)
    if page:
        return _correlation_page(request, found)
    body = {"ok": True, **found.as_dict()}
    params = {"x": x, "y": y, "level": level, "period": found.period}
    base = str(request.url_for("insight_correlate"))
    discover_base = request.url_for("insight_discover")
    body["links"] = {
        "self": f"{base}?{urlencode(params)}",
        "csv": f"{base}.csv?{urlencode(params)}",
        "discover": f"{discover_base}?{urlencode({'level': level, 'period': found.period})}",
    }
    return JSONResponse(body, headers={"Vary": "Accept"})


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
    try:
        found = _correlation(request, x, y, level, period)
    except ParameterError as exc:
        return _refused(exc)
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
    format_: Format = None,
) -> Response:
    """Wawasan: semua pasangan indikator antarinstansi / every cross-agency pair, ranked by |r|.

    Pearson and Spearman per pair with n; Pearson p-values adjusted with Benjamini–Hochberg
    (q-values); pairs on fewer than `min_n` regions marked `small_n` and never significant;
    `same_concept` (two producers' figures of one concept) and `size_effect` (two counts or
    areas) marked; `wawasan`: the significant pairs that are neither, each in one sentence
    (Indonesian and English), with the caveat.
    """
    page = _browser(request)
    if page and period == "":
        period = None
    try:
        found = _discovery(request, level, period, min_n, fdr)
    except ParameterError as exc:
        if page:
            return _form_again(request, "discover", exc.problems, 400)
        return _refused(exc)
    if page:
        return _discovery_page(request, found)
    body = {"ok": True, **found.as_dict()}
    params = {"level": level, "period": found.period, "min_n": min_n, "fdr": fdr}
    base = str(request.url_for("insight_discover"))
    body["links"] = {"self": f"{base}?{urlencode(params)}", "csv": f"{base}.csv?{urlencode(params)}"}
    return JSONResponse(body, headers={"Vary": "Accept"})


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
    try:
        found = _discovery(request, level, period, min_n, fdr)
    except ParameterError as exc:
        return _refused(exc)
    return Response(
        found.to_csv(dialect),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="wawasan_{level}_{found.period}.csv"'},
    )


def _correlation(request: Request, x: str, y: str, level: str, period: str | None) -> Correlation:
    service = request.app.state.service
    return correlate(
        service.store,
        service.iris,
        x,
        y,
        level,
        period,
        home_region=service.settings.home_region,
        catalogue=insight_catalogue(request),
        run=service.run,
    )


def _discovery(request: Request, level: str, period: str | None, min_n: int, fdr: float) -> Discovery:
    service = request.app.state.service
    return discover(
        service.store,
        service.iris,
        level,
        period,
        home_region=service.settings.home_region,
        min_n=min_n,
        fdr=fdr,
        catalogue=insight_catalogue(request),
        run=service.run,
    )


# --- the pages --------------------------------------------------------------------------------


def _en_number(value: float, digits: int) -> str:
    text = f"{abs(value):,.{digits}f}"
    return (MINUS if value < 0 and text.strip("0,.") else "") + text


def _significant_digits(value: float, figures: int = 3) -> int:
    """Decimals that show about ``figures`` significant figures (96.83 -> 1, -1.2576 -> 2)."""
    if value == 0 or not math.isfinite(value):
        return 0
    return max(0, min(4, figures - 1 - math.floor(math.log10(abs(value)))))


def _p_text(p: float, name: str = "p") -> Text:
    if p < 0.001:
        return {"id": f"{name} < 0,001", "en": f"{name} < 0.001"}
    return {"id": f"{name} = {id_number(p, 3)}", "en": f"{name} = {p:.3f}"}


def _lower_first(label: str) -> str:
    """'Prevalensi stunting' -> 'prevalensi stunting'; 'KPM PKH' stays."""
    return label[:1].lower() + label[1:] if label[1:] == label[1:].lower() else label


def unit_symbol(info: IndicatorInfo) -> str:
    """The unit as a table header shows it: '%' for percent, else its Indonesian name."""
    return "%" if info.unit == "persen" else info.unit_label["id"].lower()


def _unit_step(info: IndicatorInfo) -> Text:
    """One unit of the indicator in words (a percentage moves in percentage points)."""
    if info.unit == "persen":
        return {"id": "poin persen", "en": "percentage points"}
    return {"id": info.unit_label["id"].lower(), "en": info.unit_label["en"].lower()}


def region_href(request: Request, iri: str) -> str:
    """The region's page on this service (the IRI itself when it is not one of ours)."""
    path = local_path(request.app.state.service.iris, iri)
    return root_of(request) + path if path else iri


def _strength(r: float) -> Text:
    # The thresholds graph.insight.correlate's discovered-pair sentences use (0.4, 0.7), plus "very weak".
    size = abs(r)
    if size >= 0.7:
        return {"id": "kuat", "en": "strong"}
    if size >= 0.4:
        return {"id": "sedang", "en": "moderate"}
    if size >= 0.1:
        return {"id": "lemah", "en": "weak"}
    return {"id": "sangat lemah", "en": "very weak"}


def _summary(c: Correlation) -> dict[str, Text]:
    """The result in plain words, Indonesian and English; claims only what the figures support."""
    who = {"desa": ("desa", "villages"), "kecamatan": ("kecamatan", "districts")}[c.level]
    x_id, x_en = _lower_first(c.x.label["id"]), _lower_first(c.x.label["en"])
    y_id, y_en = _lower_first(c.y.label["id"]), _lower_first(c.y.label["en"])
    s = c.stats
    if s is None:
        return {
            "headline": {"id": "Korelasi tidak dapat dihitung", "en": "No correlation can be computed"},
            "tendency": {
                "id": f"perlu sedikitnya 3 {who[0]} dengan nilai kedua indikator yang tidak semuanya sama "
                f"(ada {len(c.table)}).",
                "en": f"it needs at least 3 {who[1]} with values of both indicators that are not all equal "
                f"(there are {len(c.table)}).",
            },
        }
    r, p = s.pearson_r, _p_text(s.pearson_p)
    strength = _strength(r)
    sign = {"id": "positif", "en": "positive"} if r > 0 else {"id": "negatif", "en": "negative"}
    way = {"id": "tinggi", "en": "higher"} if r > 0 else {"id": "rendah", "en": "lower"}
    out = {
        "headline": {
            "id": f"Hubungan {sign['id']} {strength['id']} (r = {id_number(r, 2)}; n = {s.n}; {p['id']})",
            "en": f"{strength['en'].capitalize()} {sign['en']} association "
            f"(r = {_en_number(r, 2)}; n = {s.n}; {p['en']})",
        }
    }
    if c.small_n:
        out["tendency"] = {
            "id": f"hanya {s.n} {who[0]}: terlalu sedikit untuk menyimpulkan apa pun; koefisien ini sangat "
            "tidak pasti.",
            "en": f"only {s.n} {who[1]}: too few to conclude anything; the coefficient is very uncertain.",
        }
    elif s.pearson_p >= 0.05:
        out["tendency"] = {
            "id": "tidak bermakna secara statistik: hubungan sebesar ini bisa muncul karena kebetulan saja.",
            "en": "not statistically significant: an association this size can arise by chance alone.",
        }
    else:
        out["tendency"] = {
            "id": f"{who[0]} dengan {x_id} lebih tinggi cenderung memiliki {y_id} lebih {way['id']}.",
            "en": f"{who[1]} with higher {x_en} tend to have {way['en']} {y_en}.",
        }
        if abs(r) < 0.4:
            out["tendency"]["id"] += f" Hubungannya lemah: banyak {who[0]} tidak mengikuti pola ini."
            out["tendency"]["en"] += f" The association is weak: many {who[1]} do not follow this pattern."
    rho, rho_p = s.spearman_rho, _p_text(s.spearman_p)
    differs = (rho > 0) != (r > 0) or abs(rho - r) > 0.2
    out["spearman"] = {
        "id": f"Korelasi peringkat Spearman ρ = {id_number(rho, 2)} ({rho_p['id']}): "
        + (
            "berbeda cukup jauh dari Pearson — beberapa nilai ekstrem atau hubungan yang tidak lurus ikut "
            "berperan; lihat diagram."
            if differs
            else "sejalan dengan Pearson."
        ),
        "en": f"Spearman rank correlation ρ = {_en_number(rho, 2)} ({rho_p['en']}): "
        + (
            "quite different from Pearson — a few extreme values or a curved relation play a part; see the "
            "chart."
            if differs
            else "in line with Pearson."
        ),
    }
    a, b = s.intercept, s.slope
    a_digits, b_digits = _significant_digits(a), _significant_digits(b)
    sign_b = "+" if b >= 0 else MINUS
    out["equation"] = {
        "id": f"{y_id} ≈ {id_number(a, a_digits)} {sign_b} {id_number(abs(b), b_digits)} × {x_id}",
        "en": f"{y_en} ≈ {_en_number(a, a_digits)} {sign_b} {_en_number(abs(b), b_digits)} × {x_en}",
    }
    x_step, y_step = _unit_step(c.x), _unit_step(c.y)
    more = {"id": "lebih tinggi", "en": "higher"} if b >= 0 else {"id": "lebih rendah", "en": "lower"}
    share = round(100 * s.r_squared)
    out["slope"] = {
        "id": f"Rata-rata, {who[0]} dengan {x_id} 1 {x_step['id']} lebih tinggi memiliki {y_id} "
        f"{id_number(abs(b), b_digits)} {y_step['id']} {more['id']}; garis ini menjelaskan sekitar {share} % "
        f"keragaman {y_id} antar{who[0]} (r² = {id_number(s.r_squared, 2)}).",
        "en": f"On average, {who[1]} with {x_en} 1 {x_step['en'].removesuffix('s')} higher have "
        f"{_en_number(abs(b), b_digits)} {y_step['en']} {more['en']} {y_en}; the line accounts for about "
        f"{share}% of the variation in {y_en} between {who[1]} (r² = {s.r_squared:.2f}).",
    }
    return out


def indicator_choices(cat: InsightCatalogue) -> list[dict[str, Any]]:
    """Indicators with values, grouped by agency for the forms' ``<optgroup>``s."""
    groups: dict[str, dict[str, Any]] = {}
    for slug, info in sorted(cat.indicators.items(), key=lambda item: item[1].label["id"]):
        years = {level: cat.years(slug, level) for level in LEVELS}
        if not any(years.values()):
            continue
        only = [level for level in LEVELS if years[level]]
        group = groups.setdefault(info.agency, {"label": info.agency_label, "options": []})
        group["options"].append(
            {
                "value": slug,
                "label": info.label["id"],
                "unit": unit_symbol(info),
                "only": only[0] if len(only) == 1 else None,
            }
        )
    return sorted(groups.values(), key=lambda g: g["label"]["id"])


def _all_years(cat: InsightCatalogue) -> list[str]:
    return sorted({y for s in cat.indicators for lv in LEVELS for y in cat.years(s, lv)}, reverse=True)


def _page(request: Request, status_code: int = 200, **context: Any) -> Response:
    cat = insight_catalogue(request)
    form = {"x": "", "y": "", "level": "desa", "period": "", "min_n": DEFAULT_MIN_N, "fdr": DEFAULT_FDR}
    form.update(context.pop("form", {}))
    choices = indicator_choices(cat)
    slugs = [o["value"] for group in choices for o in group["options"]]
    if not form["x"] and not form["y"] and len(slugs) >= 2:  # two different indicators to start from
        form["x"], form["y"] = slugs[0], slugs[1]
    defaults: dict[str, Any] = {
        "view": "index",
        "errors": [],
        "correlation": None,
        "discovery": None,
        "discovery_problem": None,
    }
    return render(
        request,
        "insight.html",
        status_code=status_code,
        active="insight",
        choices=choices,
        years=_all_years(cat),
        form=form,
        num=id_number,
        en_num=_en_number,
        **{**defaults, **context},
    )


def _form_again(request: Request, view: str, problems: list[dict[str, Any]], status: int) -> Response:
    """The form with what was asked, and each refused parameter named (what is allowed, too)."""
    asked = {
        k: v for k, v in request.query_params.items() if k in ("x", "y", "level", "period", "min_n", "fdr")
    }
    return _page(request, status, view=view, errors=problems, form=asked)


def _index_page(request: Request, cat: InsightCatalogue) -> Response:
    # The page opens on the discovered pairs by desa (latest year) and offers the strongest
    # wawasan as the form's first choice: the analyst starts from what the data suggest.
    discovery, problem = None, None
    try:
        discovery = _discovery(request, "desa", None, DEFAULT_MIN_N, DEFAULT_FDR)
    except ParameterError as exc:
        problem = exc.problems
    form: dict[str, Any] = {}
    if discovery is not None and discovery.wawasan:
        first = discovery.wawasan[0]
        form = {"x": first["x"]["indicator"], "y": first["y"]["indicator"], "period": discovery.period}
    context = _discovery_context(request, discovery) if discovery is not None else {}
    return _page(request, form=form, discovery_problem=problem, **context)


def _correlation_page(request: Request, c: Correlation) -> Response:
    params = urlencode({"x": c.x.slug, "y": c.y.slug, "level": c.level, "period": c.period})
    root = root_of(request)
    rows = c.records()
    kecamatan = {r["code"]: r.get("kecamatan", "") for r in rows}
    for row in rows:
        row["href"] = region_href(request, row["region"])
    outliers = c.outliers()
    for o in outliers:
        o["href"] = region_href(request, o["region"])
        o["kecamatan"] = kecamatan.get(o["code"], "")
        # A share outside 0-100 is not a finding but a recording error to report to the agency.
        o["impossible"] = [
            name
            for name, info, value in (("x", c.x, o["x"]), ("y", c.y, o["y"]))
            if info.kind == "percentage" and value is not None and not 0 <= value <= 100
        ]
    excluded = [{**e, "href": region_href(request, e["region"])} for e in c.excluded]
    chart: dict[str, Any] = {
        "points": [
            {"x": r["x"], "y": r["y"], "label": r["label"], "href": r["href"], "outlier": r["outlier"]}
            for r in rows
        ],
        "line": [],
        "x_label": f"{c.x.label['id']} ({unit_symbol(c.x)})",
        "y_label": f"{c.y.label['id']} ({unit_symbol(c.y)})",
        "level": c.level,
    }
    if c.stats is not None and rows:
        xs = [r["x"] for r in rows]
        chart["line"] = [{"x": v, "y": c.stats.intercept + c.stats.slope * v} for v in (min(xs), max(xs))]
    links = {
        "json": f"{root}/insight/correlate?{params}&_format=json",
        "csv": f"{root}/insight/correlate.csv?{params}",
        "csv_standard": f"{root}/insight/correlate.csv?{params}&_dialect=standard",
        "discover": f"{root}/insight/discover?{urlencode({'level': c.level, 'period': c.period})}",
        "map_x": f"{root}/map?{urlencode({'indicator': c.x.slug, 'level': c.level, 'period': c.period})}",
        "map_y": f"{root}/map?{urlencode({'indicator': c.y.slug, 'level': c.level, 'period': c.period})}",
    }
    return _page(
        request,
        view="correlate",
        form={"x": c.x.slug, "y": c.y.slug, "level": c.level, "period": c.period},
        correlation={
            "c": c,
            "summary": _summary(c),
            "rows": rows,
            "outliers": outliers,
            "excluded": excluded,
            "chart": chart,
            "links": links,
            "x_unit": unit_symbol(c.x),
            "y_unit": unit_symbol(c.y),
            "p_text": _p_text,
        },
    )


def _discovery_context(request: Request, d: Discovery) -> dict[str, Any]:
    root = root_of(request)

    def correlate_href(x: str, y: str) -> str:
        return f"{root}/insight/correlate?{urlencode({'x': x, 'y': y, 'level': d.level, 'period': d.period})}"

    pairs = [{**p, "href": correlate_href(p["x"]["indicator"], p["y"]["indicator"])} for p in d.pairs]
    wawasan = [{**w, "href": correlate_href(w["x"]["indicator"], w["y"]["indicator"])} for w in d.wawasan]
    params = urlencode({"level": d.level, "period": d.period, "min_n": d.min_n, "fdr": d.fdr})
    described = d.as_dict()
    return {
        "discovery": {
            "d": d,
            "pairs": pairs,
            "wawasan": wawasan,
            "caveat": described["caveat"],
            "method": described["method"],
            "p_text": _p_text,
            "links": {
                "json": f"{root}/insight/discover?{params}&_format=json",
                "csv": f"{root}/insight/discover.csv?{params}",
            },
        }
    }


def _discovery_page(request: Request, d: Discovery) -> Response:
    form = {"level": d.level, "period": d.period, "min_n": d.min_n, "fdr": d.fdr}
    return _page(request, view="discover", form=form, **_discovery_context(request, d))
