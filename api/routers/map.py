"""``/map``: the *Peta* page, a choropleth of one indicator by kecamatan or desa of the home region.

=================================================  ==============================================
GET /map?indicator=&level=&period=                 the page: form, map, legend, regions without a
                                                   value or without a polygon, the table of values
GET /map/data.geojson?indicator=&level=&period=    the polygons with value, label, class, colour
                                                   and link (a GeoJSON FeatureCollection)
GET /map/data.csv?…[&_dialect=standard]            the table of values (``excel``, the default:
                                                   ``;``, decimal comma, BOM; ``standard``: RFC 4180)
=================================================  ==============================================

Values come from the aggregation rules of ``graph.insight.observations`` through
``graph.insight.choropleth.map_values``; the polygons are the files shipped in
``ontology/codes/`` (``graph.insight.choropleth``). The page's script (``static/js/map.js``)
fetches the GeoJSON and draws it with the vendored Leaflet, without a tile layer: nothing is
fetched from outside the app. An empty parameter (the form's "latest"/"default" choice)
counts as left out. A refused value is a 400: the page shows the form with the problem, the
GeoJSON route answers in the one error shape (``api/errors.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse, Response

from api.insight_forms import SOURCE_HELP, asked_sources, form_choices, region_href, run_analysis
from api.pages import id_number, render, root_of
from api.shared_reads import insight_catalogue
from graph.errors import NotFound, ParameterError
from graph.insight.catalogue import LEVELS
from graph.insight.choropleth import (
    INDEX_DIGITS,
    NO_DATA_COLOUR,
    Boundaries,
    Choropleth,
    Classes,
    MapValues,
    choropleth,
    load_boundaries,
    map_values,
    value_table,
)
from graph.insight.wording import unit_symbol
from graph.spreadsheet import csv_bytes

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
    str | None,
    Query(
        description="Tingkat wilayah / region level: `kecamatan` or `desa`. Left out: `kecamatan`, or "
        "`desa` for an indicator with values at desa level only (e.g. `nilai-idm`).",
        json_schema_extra={"enum": list(LEVELS)},
    ),
]
SumberParam = Annotated[list[str] | None, Query(description=SOURCE_HELP)]
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


def _level(request: Request, indicator: str | None, level: str | None) -> str:
    """The level asked for; left out, kecamatan, unless the indicator has values at desa level only
    (an index or a category, never summed: IDM is published per desa)."""
    if level:
        return level
    cat = insight_catalogue(request.app.state.service)
    if indicator in cat.indicators and not cat.years(indicator, "kecamatan") and cat.years(indicator, "desa"):
        return "desa"
    return "kecamatan"


def _values(request: Request, indicator: str | None, level: str | None, period: str | None) -> MapValues:
    level = _level(request, _blank(indicator), level)
    return run_analysis(request, map_values, _blank(indicator), level, _blank(period))


def _boundaries(request: Request, level: str) -> Boundaries | None:
    settings = request.app.state.service.settings
    return load_boundaries(settings.ontology_path / "codes", settings.home_region, level)


def _digits(values: MapValues) -> int | None:
    """Decimals of a value: an index's four as published (IDM 0,6719), else ``id_number``'s default."""
    return INDEX_DIGITS if values.indicator.kind == "index" else None


def _describe(values: MapValues) -> Callable[[float], str]:
    unit, digits = unit_symbol(values.indicator), _digits(values)

    def describe(value: float) -> str:
        # The tooltip and the list of regions without a polygon say it too, not only the table.
        flag = " ⚠ nilai mustahil / impossible value" if values.indicator.impossible(value) else ""
        return f"{id_number(value, digits)} {unit}{flag}"

    return describe


def _href(request: Request) -> Callable[[str], str]:
    """Region code -> the link to the region's page."""
    iris = request.app.state.service.iris
    return lambda code: region_href(request, iris.region(code))


def _join(request: Request, values: MapValues, boundaries: Boundaries) -> Choropleth:
    cat = insight_catalogue(request.app.state.service)
    labels = cat.labels(values.level)
    return choropleth(boundaries, values, labels, href=_href(request), describe=_describe(values))


@router.get("/data.geojson", responses=ERRORS)
def map_data(
    request: Request,
    indicator: IndicatorParam = None,
    level: LevelParam = None,
    period: PeriodParam = None,
    sumber: SumberParam = None,
) -> Response:
    """Poligon dengan nilai indikator / the polygons with the indicator's values (GeoJSON).

    A FeatureCollection of the home region's kecamatan or desa; each feature's properties:
    `kode`, `nama`, `value` (null without one), `label` (the value for people, Indonesian
    number format and unit), `class` (quantile class, 0 = lowest), `fill` (its colour) and
    `href` (the region's page). For a categorical indicator (e.g. `status-idm`) `value` is the
    category's code, `label` its Indonesian / English name and `class` its place in the code
    list (0 = lowest rank); nothing is aggregated.
    """
    values = _values(request, indicator, level, period)
    boundaries = _boundaries(request, values.level)
    if boundaries is None:
        raise NotFound("tidak ada batas wilayah untuk instans ini / no boundaries shipped for this instance")
    body = _join(request, values, boundaries).feature_collection()
    return JSONResponse(body, media_type="application/geo+json")


# The table of values as a spreadsheet: (column name, Indonesian header for Excel).
CSV_COLUMNS = [
    ("code", "Kode wilayah"),
    ("region", "Wilayah"),
    ("kecamatan", "Kecamatan"),
    ("indicator", "Indikator"),
    ("period", "Tahun"),
    ("value", "Nilai"),
    ("unit", "Satuan"),
    ("reason", "Keterangan"),
]
Dialect = Annotated[
    Literal["excel", "standard"],
    Query(
        alias="_dialect",
        description="excel: UTF-8 with BOM, ';', decimal comma, Indonesian headers (Excel with Indonesian "
        "regional settings); standard: RFC 4180, ',', column names.",
    ),
]


@router.get("/data.csv", response_class=Response, responses={400: ERRORS[400]})
def map_csv(
    request: Request,
    indicator: IndicatorParam = None,
    level: LevelParam = None,
    period: PeriodParam = None,
    sumber: SumberParam = None,
    dialect: Dialect = "excel",
) -> Response:
    """Nilai per wilayah / the map's table of values as CSV, one row per region of the level
    (a region without a value has its reason); a category is written by its Indonesian name."""
    values = _values(request, indicator, level, period)
    rows = value_table(values, insight_catalogue(request.app.state.service), None, href=_href(request))
    unit = values.indicator.unit_label.id

    def cells(r: dict[str, Any]) -> list[Any]:
        value = r["category"].label.id if r["category"] is not None else r["value"]
        if isinstance(value, float) and value.is_integer():  # a count: 77141, not 77141,0
            value = int(value)
        reason = r["reason"].id if r["reason"] is not None else None
        slug, year = values.indicator.slug, values.period
        return [r["code"], r["label"], r["kecamatan"], slug, year, value, unit, reason]

    excel = dialect == "excel"
    header = [title if excel else name for name, title in CSV_COLUMNS]
    name = f"peta_{values.indicator.slug}_{values.level}_{values.period}.csv"
    return Response(
        csv_bytes(header, (cells(r) for r in rows), dialect),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("", response_class=Response, responses={400: ERRORS[400], 503: ERRORS[503]})
def map_page(
    request: Request,
    indicator: IndicatorParam = None,
    level: LevelParam = None,
    period: PeriodParam = None,
    sumber: SumberParam = None,
) -> Response:
    """Peta / the choropleth page (HTML): form, map, legend and the table of values."""
    cat = insight_catalogue(request.app.state.service)
    chosen = _level(request, _blank(indicator), level)
    form = {"indicator": indicator or "", "level": chosen, "period": period or ""}
    common: dict[str, Any] = {
        "active": "map",
        **form_choices(cat, categorical=None),  # the map colours categorical indicators too
        "num": id_number,
        "no_data_colour": NO_DATA_COLOUR,
        "empty_note": None,
    }
    try:
        values = _values(request, indicator, level, period)
    except ParameterError as exc:  # the page shows its form again, with the problem
        # Nothing asked, nothing refused: a graph without values yet gets its note with a 200.
        if any(request.query_params.get(name) for name in ("indicator", "level", "period")):
            return render(request, "map.html", 400, form=form, errors=exc.problems, result=None, **common)
        note = exc.problems[0]["message"]
        return render(
            request, "map.html", form=form, errors=[], result=None, **{**common, "empty_note": note}
        )
    form = {"indicator": values.indicator.slug, "level": values.level, "period": values.period}
    query = urlencode([*form.items(), *(("sumber", s) for s in asked_sources(request))])
    # The same map from another dataset publishing the indicator ("": its authoritative one).
    switch = {"": f"{root_of(request)}/map?{urlencode(form)}"}
    if values.source is not None:
        for other in values.source.others:
            switch[other.slug] = f"{root_of(request)}/map?{urlencode({**form, 'sumber': other.slug})}"
    boundaries = _boundaries(request, values.level)
    joined = _join(request, values, boundaries) if boundaries is not None else None
    classes = joined.classes if joined is not None else None
    rows = value_table(values, cat, classes, href=_href(request))
    root = root_of(request)
    result = {
        "mapped": values,
        "unit": unit_symbol(values.indicator),
        "digits": _digits(values),
        "rows": rows,
        "boundaries": boundaries,
        "map": joined,
        "classes": classes,
        "categorical": values.categorical,
        "ordinal": values.categorical and all(c.rank is not None for c in values.categories),
        "legend": _legend(classes, values) if classes is not None else _category_legend(values),
        "links": {
            "geojson": f"{root}/map/data.geojson?{query}",
            "csv": f"{root}/map/data.csv?{query}",
            "csv_standard": f"{root}/map/data.csv?{query}&_dialect=standard",
            "insight": f"{root}/insight",
            "self": f"{root}/map?{query}",
            "source": switch,
        },
        "with_value": sum(1 for r in rows if r["value"] is not None),
    }
    return render(request, "map.html", form=form, errors=[], result=result, **common)


def _category_legend(values: MapValues) -> list[dict[str, Any]]:
    """One entry per category of the code list, lowest rank first, with the regions having it
    (empty for a numeric indicator without values)."""
    return [c.as_dict() for c in values.categories]


def _legend(classes: Classes, values: MapValues) -> list[dict[str, Any]]:
    """One entry per class; its bounds with the same decimals throughout (whole numbers for counts)."""
    digits = classes.digits(values.indicator.kind)
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
