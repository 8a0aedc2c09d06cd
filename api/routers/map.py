"""``/map``: the *Peta* page, a choropleth of one indicator by kecamatan or desa of the home region.

=================================================  ==============================================
GET /map?indicator=&level=&period=                 the page: form, map, legend, regions without a
                                                   value or without a polygon, the table of values
GET /map/data.geojson?indicator=&level=&period=    the polygons with value, label, class, colour
                                                   and link (a GeoJSON FeatureCollection)
=================================================  ==============================================

Values come from ``graph.insight.correlate``'s aggregation rules through
``graph.insight.choropleth.map_values``;
the polygons are the files shipped in ``ontology/codes/`` (``graph.insight.choropleth``). The page's
script (``static/js/map.js``) fetches the GeoJSON and draws it with the vendored Leaflet,
without a tile layer: nothing is fetched from outside the app. An empty parameter (the form's
"latest"/"default" choice) counts as left out. A refused value is a 400: the page shows the
form with the problem, the GeoJSON route answers in the one JSON error shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from api.errors import error_body
from api.pages import id_number, render, root_of
from api.routers.insight import indicator_choices, insight_catalogue, region_href, unit_symbol
from graph.errors import ParameterError
from graph.insight.choropleth import (
    NO_DATA_COLOUR,
    Boundaries,
    Choropleth,
    Classes,
    MapValues,
    choropleth,
    load_boundaries,
    map_values,
)
from graph.insight.correlate import LEVELS, InsightCatalogue

__all__ = ["router"]

router = APIRouter(prefix="/map", tags=["map"])

IndicatorParam = Annotated[
    str | None,
    Query(
        description="Slug indikator / indicator slug, e.g. `prevalensi-stunting`. Left out: the indicator "
        "with values for the most regions.",
        examples=["prevalensi-stunting"],
    ),
]
LevelParam = Annotated[
    str,
    Query(
        description="Tingkat wilayah / region level: `kecamatan` or `desa`.",
        json_schema_extra={"enum": list(LEVELS)},
    ),
]
PeriodParam = Annotated[
    str | None,
    Query(description="Tahun / year, e.g. `2023`. Left out: the indicator's latest well-covered year."),
]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "description": "Nilai parameter ditolak / a parameter value was refused; `errors` names what "
        "is allowed."
    },
    404: {
        "description": "Tidak ada batas wilayah untuk instans ini / no boundaries shipped for this instance."
    },
    503: {
        "description": "Kueri melewati batas waktu atau penyimpanan gagal / timed out or the store failed."
    },
}


def _blank(value: str | None) -> str | None:
    return value or None


def _values(request: Request, indicator: str | None, level: str, period: str | None) -> MapValues:
    service = request.app.state.service
    return map_values(
        service.store,
        service.iris,
        _blank(indicator),
        level,
        _blank(period),
        home_region=service.settings.home_region,
        catalogue=insight_catalogue(request),
        run=service.run,
    )


def _boundaries(request: Request, level: str) -> Boundaries | None:
    settings = request.app.state.service.settings
    return load_boundaries(settings.ontology_path / "codes", settings.home_region, level)


def _describe(values: MapValues) -> Callable[[float], str]:
    unit = unit_symbol(values.indicator)

    def describe(value: float) -> str:
        return f"{id_number(value)} {unit}"

    return describe


def _level_labels(cat: InsightCatalogue, level: str) -> dict[str, str]:
    regions = cat.regions[cat.regions["level"] == level]
    return {str(code): str(label) for code, label in regions["label"].items()}


def _join(request: Request, values: MapValues, boundaries: Boundaries) -> Choropleth:
    cat = insight_catalogue(request)
    iris = request.app.state.service.iris
    return choropleth(
        boundaries,
        values,
        _level_labels(cat, values.level),
        href=lambda code: region_href(request, iris.region(code)),
        describe=_describe(values),
    )


@router.get("/data.geojson", responses=ERRORS)
def map_data(
    request: Request,
    indicator: IndicatorParam = None,
    level: LevelParam = "kecamatan",
    period: PeriodParam = None,
) -> Response:
    """Poligon dengan nilai indikator / the polygons with the indicator's values (GeoJSON).

    A FeatureCollection of the home region's kecamatan or desa; each feature's properties:
    `kode`, `nama`, `value` (null without one), `label` (the value for people, Indonesian
    number format and unit), `class` (quantile class, 0 = lowest), `fill` (its colour) and
    `href` (the region's page).
    """
    try:
        values = _values(request, indicator, level, period)
    except ParameterError as exc:
        return JSONResponse(error_body(400, str(exc), exc.problems), status_code=400)
    boundaries = _boundaries(request, values.level)
    if boundaries is None:
        message = "tidak ada batas wilayah untuk instans ini / no boundaries shipped for this instance"
        return JSONResponse(error_body(404, message), status_code=404)
    body = _join(request, values, boundaries).feature_collection()
    return JSONResponse(body, media_type="application/geo+json")


@router.get("", response_class=Response, responses={400: ERRORS[400], 503: ERRORS[503]})
def map_page(
    request: Request,
    indicator: IndicatorParam = None,
    level: LevelParam = "kecamatan",
    period: PeriodParam = None,
) -> Response:
    """Peta / the choropleth page (HTML): form, map, legend and the table of values."""
    cat = insight_catalogue(request)
    form = {"indicator": indicator or "", "level": level, "period": period or ""}
    common: dict[str, Any] = {
        "active": "map",
        "choices": indicator_choices(cat),
        "years": sorted({y for s in cat.indicators for lv in LEVELS for y in cat.years(s, lv)}, reverse=True),
        "num": id_number,
        "no_data_colour": NO_DATA_COLOUR,
        "empty_note": None,
    }
    try:
        values = _values(request, indicator, level, period)
    except ParameterError as exc:
        # Nothing asked, nothing refused: a graph without values yet gets its note with a 200.
        if any(request.query_params.get(name) for name in ("indicator", "level", "period")):
            return render(request, "map.html", 400, form=form, errors=exc.problems, result=None, **common)
        note = exc.problems[0]["message"]
        return render(
            request, "map.html", form=form, errors=[], result=None, **{**common, "empty_note": note}
        )
    form = {"indicator": values.indicator.slug, "level": values.level, "period": values.period}
    query = urlencode(form)
    boundaries = _boundaries(request, values.level)
    labels = _level_labels(cat, values.level)
    names = {str(code): str(label) for code, label in cat.regions["label"].items()}
    parents = {str(code): str(parent) for code, parent in cat.regions["parent"].items()}
    rows: list[dict[str, Any]] = [
        {
            "code": code,
            "label": label,
            "kecamatan": names.get(parents.get(code, ""), "") if values.level == "desa" else "",
            "value": float(values.values[code]) if code in values.values.index else None,
            "reason": values.missing.get(code),
            "href": region_href(request, request.app.state.service.iris.region(code)),
        }
        for code, label in sorted(labels.items())
    ]
    joined = _join(request, values, boundaries) if boundaries is not None else None
    classes = joined.classes if joined is not None else None
    for row in rows:
        value = row["value"]
        row["class"] = classes.index(value) if classes is not None and isinstance(value, float) else None
    root = root_of(request)
    result = {
        "mapped": values,
        "unit": unit_symbol(values.indicator),
        "rows": rows,
        "boundaries": boundaries,
        "map": joined,
        "classes": classes,
        "legend": _legend(classes, values) if classes is not None else [],
        "links": {
            "geojson": f"{root}/map/data.geojson?{query}",
            "insight": f"{root}/insight",
            "self": f"{root}/map?{query}",
        },
        "with_value": sum(1 for r in rows if r["value"] is not None),
    }
    return render(request, "map.html", form=form, errors=[], result=result, **common)


def _legend(classes: Classes, values: MapValues) -> list[dict[str, Any]]:
    """One entry per class; its bounds with the same decimals throughout (whole numbers for counts)."""
    top = max(abs(b) for b in (*classes.lower, *classes.upper))
    digits = 0 if values.indicator.kind in ("count", "currency") else 1 if top >= 10 else 2
    return [
        {
            "colour": colour,
            "lower": id_number(lower, digits),
            "upper": id_number(upper, digits),
            "count": count,
            "unit": unit_symbol(values.indicator),
        }
        for lower, upper, count, colour in zip(
            classes.lower, classes.upper, classes.counts, classes.colours, strict=True
        )
    ]
