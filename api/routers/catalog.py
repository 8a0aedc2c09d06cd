"""``/catalog``: the DCAT catalogue of the published datasets and their downloads.

=====================================  ==========================================================
GET /catalog                           the ``dcat:Catalog`` by ``Accept``: Turtle (default),
                                       JSON-LD, RDF/XML, or the plain JSON listing; a
                                       browser gets the catalogue page (api/dataset_pages.py)
GET /catalog.ttl | .jsonld | .rdf      the same in one format, whatever ``Accept`` says
GET /catalog.json                      the plain JSON listing
GET /catalog/{dataset}                 one dataset's entry of the JSON listing
GET /catalog/{dataset}.csv             its observations as a tidy table (``_dialect=standard``,
                                       the default, or ``excel``)
GET /catalog/{dataset}.ttl             its published version graph as Turtle
GET /catalog/{dataset}/coverage.geojson
                                       where it has figures (the dataset page's map)
=====================================  ==========================================================

Only published datasets are listed or downloadable; an unknown or unpublished dataset
is a 404, an ``Accept`` the route cannot meet a 406, both in the one error shape. A
restricted (terbatas) dataset is listed from its public card (no distribution); its
downloads are a 403 without a bearer token that reads it, and served with one. URLs in
the catalogue are made from the URL the request reached (``request.base_url``). Work on
the store runs through ``ServiceState.run`` (in the query workers, within the time limit);
the catalogue is cached until the next publication. Docs: docs/catalog.md.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from api.auth import audience_of, current_user
from api.dataset_pages import catalog_page, coverage_collection
from api.deps import ServiceState
from api.errors import error_body
from api.negotiation import negotiate
from api.pages import root_of, wants_html
from api.shared_reads import published_catalog
from graph.describe.audit_head import audit_head
from graph.describe.catalog_json import catalog_entry, catalog_json
from graph.describe.catalog_rdf import serialize_catalog
from graph.describe.downloads import dataset_table, dataset_turtle
from graph.provenance.records import now
from graph.publish.accounts import User

__all__ = ["router"]

router = APIRouter(prefix="/catalog", tags=["catalog"])

_TURTLE = "text/turtle"
_JSONLD = "application/ld+json"
_RDFXML = "application/rdf+xml"
_JSON = "application/json"
OFFERS = [_TURTLE, _JSONLD, _RDFXML, _JSON]
ALIASES = {_TURTLE: ["application/x-turtle"], _RDFXML: ["application/xml", "text/xml"]}
EXTENSIONS = {"ttl": _TURTLE, "jsonld": _JSONLD, "rdf": _RDFXML, "json": _JSON}

Dialect = Annotated[
    Literal["standard", "excel"],
    Query(
        alias="_dialect",
        description="standard: RFC 4180, ',', decimal point, column names (for programs and "
        "harvesters); excel: UTF-8 with BOM, ';', decimal comma, Indonesian headers (Excel with "
        "Indonesian regional settings).",
    ),
]


def _error(status: int, description: str, message: str) -> dict[str, Any]:
    """An OpenAPI response in the one error shape, with an example."""
    return {
        "description": description,
        "content": {"application/json": {"example": error_body(status, message)}},
    }


NOT_FOUND = _error(
    404,
    "Dataset terbit tidak dikenal / no published dataset with this id (a held draft is not published).",
    "dataset terbit tidak dikenal / no published dataset 'x'; published: bps-luas-penduduk-kecamatan, …",
)
NOT_ACCEPTABLE = _error(
    406,
    "Tidak ada format yang cocok dengan Accept / no offered format matches Accept.",
    "format tidak tersedia / not acceptable: /catalog offers text/turtle, application/ld+json, …",
)
RESTRICTED = _error(
    403,
    "Dataset terbatas / a restricted dataset, without a bearer token that reads it.",
    "dataset 'x' terbatas: hanya metadatanya yang publik … / dataset 'x' is restricted: only its "
    "metadata is public …",
)
Reader = Annotated[User | None, Depends(current_user)]
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {_TURTLE: {}, _JSONLD: {}, _RDFXML: {}, _JSON: {}},
        "description": "The catalogue in the negotiated format.",
    },
    406: NOT_ACCEPTABLE,
}


def _service(request: Request) -> ServiceState:
    service: ServiceState = request.app.state.service
    return service


def _service_url(request: Request) -> str:
    url = str(request.base_url)
    return url if url.endswith("/") else url + "/"


def _render(request: Request, media_type: str) -> Response:
    catalog = published_catalog(_service(request))
    url = _service_url(request)
    headers = {"Vary": "Accept"}
    if media_type == _JSON:
        listing = catalog_json(catalog, url, today=now().date())
        # Read at each request, not cached with the catalogue: the chain grows between publications.
        listing["audit_head"] = audit_head(_service(request).settings, url)
        return JSONResponse(listing, headers=headers)
    body = serialize_catalog(catalog, url, media_type)
    charset = "; charset=utf-8" if media_type != _RDFXML else ""
    return Response(body, media_type=media_type + charset, headers=headers)


@router.get("", responses=_RESPONSES)
def catalog(request: Request) -> Response:
    """The DCAT catalogue of every published dataset; the format by ``Accept``. A browser
    (``text/html`` preferred to every RDF and JSON type) gets the catalogue page."""
    if wants_html(request, OFFERS):
        return catalog_page(request)
    chosen = negotiate(request.headers.get("accept"), OFFERS, ALIASES)
    if chosen is None:
        raise HTTPException(
            406,
            "format tidak tersedia / not acceptable: /catalog offers "
            + ", ".join(OFFERS)
            + " (or use /catalog.ttl, .jsonld, .rdf, .json)",
        )
    return _render(request, chosen)


@router.get(
    ".{extension}",
    responses={
        **_RESPONSES,
        404: _error(
            404,
            "Format tidak dikenal / unknown extension.",
            "format tidak dikenal / unknown format .xls; use .ttl, .jsonld, .rdf or .json",
        ),
    },
)
def catalog_as(request: Request, extension: str) -> Response:
    """The catalogue in the format its extension names: ttl, jsonld, rdf or json."""
    media_type = EXTENSIONS.get(extension)
    if media_type is None:
        raise HTTPException(
            404, f"format tidak dikenal / unknown format .{extension}; use .ttl, .jsonld, .rdf or .json"
        )
    return _render(request, media_type)


@router.get(
    "/{dataset}.csv",
    response_class=Response,
    responses={
        200: {"content": {"text/csv": {}}, "description": "The tidy table."},
        403: RESTRICTED,
        404: NOT_FOUND,
    },
)
def dataset_csv(request: Request, dataset: str, user: Reader, dialect: Dialect = "standard") -> Response:
    """A published dataset's observations: region code and name, period, indicator,
    dimensions, value, unit and observation IRI, one row per observation."""
    service = _service(request)
    table = service.run(dataset_table, service.iris, dataset, audience_of(user))
    return Response(
        table.to_csv(dialect),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{dataset}.csv"'},
    )


@router.get(
    "/{dataset}.ttl",
    response_class=Response,
    responses={
        200: {"content": {_TURTLE: {}}, "description": "The version graph."},
        403: RESTRICTED,
        404: NOT_FOUND,
    },
)
def dataset_ttl(request: Request, dataset: str, user: Reader) -> Response:
    """A published dataset's version graph (metadata, structure, observations, source rows)."""
    service = _service(request)
    body = service.run(dataset_turtle, service.iris, dataset, audience_of(user))
    return Response(
        body,
        media_type="text/turtle; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{dataset}.ttl"'},
    )


@router.get(
    "/{dataset}/coverage.geojson",
    responses={
        200: {"content": {"application/geo+json": {}}, "description": "The polygons."},
        404: _error(
            404,
            "Tidak ada peta cakupan / no published open dataset with figures at a level the shipped "
            "boundaries cover.",
            "tidak ada peta cakupan untuk dataset 'x' / no coverage map for dataset 'x'",
        ),
    },
)
def dataset_coverage(request: Request, dataset: str) -> Response:
    """Where a published dataset has figures: the home region's desa (or kecamatan) polygons,
    each with `kode`, `nama`, `value` (its number of observations, null without figures),
    `label`, `fill` and `href` (the region's page) — the dataset page's coverage map."""
    body = coverage_collection(_service(request), dataset, root_of(request))
    return JSONResponse(body, media_type="application/geo+json")


@router.get("/{dataset}", responses={404: NOT_FOUND})
def dataset_entry(request: Request, dataset: str) -> dict[str, Any]:
    """One published dataset's entry of the JSON listing."""
    entry = catalog_entry(
        published_catalog(_service(request)), _service_url(request), dataset, today=now().date()
    )
    return {"ok": True, "dataset": entry}
