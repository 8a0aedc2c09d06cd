"""``/provenance`` and ``/loads``: where a figure came from, and every load, for auditors.

=====================================  ==========================================================
GET /provenance?iri=IRI                from an observation, source row, dataset, load,
                                       publication or source file to its load, source file
                                       (name, SHA-256, sheet, row, column, raw value), mapping,
                                       region link, validation findings, accepted violations,
                                       publication and publisher: JSON, or by ``Accept`` Turtle /
                                       JSON-LD of the same resources
                                       (a browser: the page, api/provenance_pages.py)
GET /provenance.json | .ttl | .jsonld  the same in one format, whatever ``Accept`` says
GET /loads?dataset=&outcome=           loads and publications of held drafts, newest first:
        &limit=&offset=                JSON, or CSV by ``Accept: text/csv`` (a browser: the page)
GET /loads.json | /loads.csv           the same in one format (CSV: ``_dialect=excel``, the
                                       default, or ``standard``)
GET /provenance/arsip/{file}           an archived validation report (gzipped N-Quads: a
                                       superseded version's results, moved out of the store by
                                       graph.publish.hygiene), to whoever reads its record
=====================================  ==========================================================

Without a token only public graphs are read: a held draft's observation is a 404 like an
unknown IRI, while an open dataset's load record (public) is listed. A restricted
(terbatas) dataset's loads, publications, files and reports are in its own graph: the
public never sees them (``/loads?dataset=`` of one is a 403), a bearer token that reads the
dataset (Walidata, admin, its agency's Produsen Data) sees them here as on ``/sparql``. A
malformed IRI or filter is a 400, an unknown IRI a 404, an ``Accept`` the route cannot meet
a 406, all in the one error shape. Work on the store runs through ``ServiceState.run``.
Docs: docs/audit.md, docs/uploads.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from api.auth import audience_of, current_user
from api.deps import ServiceState
from api.errors import error_body
from api.negotiation import negotiate
from api.pages import wants_html
from api.provenance_pages import loads_page, trace_page
from graph.provenance.activities import OUTCOMES
from graph.provenance.history import LoadHistory, load_history, loads_csv
from graph.provenance.report_archive import archive_name
from graph.provenance.reports import archive_is_visible
from graph.provenance.trace import trace, trace_rdf
from graph.publish.accounts import User
from graph.store.versions import Audience

__all__ = ["router"]

router = APIRouter(tags=["provenance"])

_JSON = "application/json"
_TURTLE = "text/turtle"
_JSONLD = "application/ld+json"
_CSV = "text/csv"
TRACE_OFFERS = [_JSON, _TURTLE, _JSONLD]
TRACE_EXTENSIONS = {"json": _JSON, "ttl": _TURTLE, "jsonld": _JSONLD}
LOADS_OFFERS = [_JSON, _CSV]
ALIASES = {_TURTLE: ["application/x-turtle"]}

Iri = Annotated[
    str,
    Query(
        min_length=1,
        description="The IRI of an observation, source row, dataset, load, publication or source file.",
    ),
]
Dialect = Annotated[
    Literal["excel", "standard"],
    Query(
        alias="_dialect",
        description="excel: UTF-8 with BOM, ';', Indonesian headers (Excel with Indonesian regional "
        "settings); standard: RFC 4180, ',', column names.",
    ),
]
OUTCOME_HELP = "Only activities with this outcome: " + ", ".join(OUTCOMES) + "."


def _error(status: int, description: str, message: str) -> dict[str, Any]:
    """An OpenAPI response in the one error shape, with an example."""
    return {
        "description": description,
        "content": {"application/json": {"example": error_body(status, message)}},
    }


TRACE_ERRORS: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {_JSON: {}, _TURTLE: {}, _JSONLD: {}, "text/html": {}},
        "description": "The provenance (for a browser, the page).",
    },
    400: _error(
        400, "Bukan IRI yang sah / not an absolute IRI.", "bukan IRI yang sah / not a valid absolute IRI: 'x'"
    ),
    404: _error(
        404,
        "Tidak ada jejak publik / nothing public with provenance has this IRI (a held draft's figures "
        "included).",
        "tidak ada jejak untuk IRI ini / no public provenance for <…>: give the IRI of a published "
        "observation, …",
    ),
    406: _error(
        406,
        "Tidak ada format yang cocok / no offered format matches Accept.",
        "format tidak tersedia / not acceptable: offers application/json, text/turtle, application/ld+json",
    ),
}
LOADS_ERRORS: dict[int | str, dict[str, Any]] = {
    400: _error(
        400,
        "Filter ditolak / an unknown outcome or dataset; the message lists what is allowed.",
        "hasil tidak dikenal / unknown outcome 'x'; use one of: published, held, rejected, failed",
    ),
    403: _error(
        403,
        "Dataset terbatas / a restricted dataset's load history, without a token that reads it.",
        "dataset 'x' terbatas: hanya metadatanya yang publik … / dataset 'x' is restricted: only its "
        "metadata is public …",
    ),
}
Reader = Annotated[User | None, Depends(current_user)]


def _service(request: Request) -> ServiceState:
    service: ServiceState = request.app.state.service
    return service


def _trace(request: Request, iri: str, media_type: str, audience: Audience) -> Response:
    service = _service(request)
    max_rows = service.settings.max_result_rows
    if media_type != _JSON:
        data = service.run(
            trace_rdf, service.iris, iri, max_rows=max_rows, media_type=media_type, audience=audience
        )
        return Response(data, media_type=f"{media_type}; charset=utf-8", headers={"Vary": "Accept"})
    body = _with_archive_link(
        request, service.run(trace, service.iris, iri, max_rows=max_rows, audience=audience)
    )
    body["links"] = {
        "self": str(request.url_for("provenance").include_query_params(iri=iri)),
        "turtle": str(request.url_for("provenance_as", extension="ttl").include_query_params(iri=iri)),
        "jsonld": str(request.url_for("provenance_as", extension="jsonld").include_query_params(iri=iri)),
        "loads": str(request.url_for("loads")),
    }
    return JSONResponse(body, headers={"Vary": "Accept"})


@router.get("/provenance", name="provenance", responses=TRACE_ERRORS)
def provenance(request: Request, iri: Iri, user: Reader) -> Response:
    """The provenance of one IRI; JSON, or Turtle / JSON-LD by ``Accept``; a browser gets the page."""
    if wants_html(request, TRACE_OFFERS):
        service = _service(request)
        body = service.run(
            trace, service.iris, iri, max_rows=service.settings.max_result_rows, audience=audience_of(user)
        )
        return trace_page(request, service.iris, _with_archive_link(request, body))
    chosen = negotiate(request.headers.get("accept"), TRACE_OFFERS, ALIASES)
    if chosen is None:
        raise HTTPException(406, "format tidak tersedia / not acceptable: offers " + ", ".join(TRACE_OFFERS))
    return _trace(request, iri, chosen, audience_of(user))


@router.get("/provenance.{extension}", name="provenance_as", responses=TRACE_ERRORS)
def provenance_as(request: Request, extension: str, iri: Iri, user: Reader) -> Response:
    """The provenance of one IRI in the format the extension names: json, ttl or jsonld."""
    media_type = TRACE_EXTENSIONS.get(extension)
    if media_type is None:
        raise HTTPException(
            404, f"format tidak dikenal / unknown format .{extension}; use .json, .ttl or .jsonld"
        )
    return _trace(request, iri, media_type, audience_of(user))


Dataset = Annotated[str | None, Query(description="Only loads of this dataset (its id).")]
Outcome = Annotated[str | None, Query(description=OUTCOME_HELP)]
Limit = Annotated[
    int | None, Query(ge=1, description="At most this many activities (capped at max_result_rows).")
]
Offset = Annotated[int, Query(ge=0, description="Skip this many activities (newest first).")]


@dataclass(frozen=True)
class _Filter:
    """Which page of the load history a request asks for."""

    dataset: str | None
    outcome: str | None
    limit: int | None
    offset: int


def _filter(
    dataset: Dataset = None, outcome: Outcome = None, limit: Limit = None, offset: Offset = 0
) -> _Filter:
    return _Filter(dataset or None, outcome or None, limit, offset)


Filter = Annotated[_Filter, Depends(_filter)]


def _history(request: Request, chosen: _Filter, user: User | None) -> LoadHistory:
    service = _service(request)
    cap = service.settings.max_result_rows
    return service.run(
        load_history,
        service.iris,
        dataset=chosen.dataset,
        outcome=chosen.outcome,
        limit=min(chosen.limit or cap, cap),
        offset=chosen.offset,
        audience=audience_of(user),
    )


def _loads_json(history: LoadHistory) -> Response:
    body = {
        "ok": True,
        "total": history.total,
        "offset": history.offset,
        "count": len(history.items),
        "truncated": history.truncated,
        "loads": [a.as_dict() for a in history.items],
    }
    return JSONResponse(body, headers={"X-Truncated": str(history.truncated).lower(), "Vary": "Accept"})


def _loads_csv(history: LoadHistory, dialect: Literal["excel", "standard"]) -> Response:
    return Response(
        loads_csv(history, dialect),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="loads.csv"',
            "X-Truncated": str(history.truncated).lower(),
        },
    )


@router.get(
    "/loads",
    name="loads",
    responses={
        200: {"content": {_JSON: {}, _CSV: {}, "text/html": {}}, "description": "The load history."},
        **LOADS_ERRORS,
        406: TRACE_ERRORS[406],
    },
)
def loads(request: Request, chosen: Filter, user: Reader, dialect: Dialect = "excel") -> Response:
    """Every load and publication of a held draft, newest first; JSON, or CSV by ``Accept``; a
    browser gets the page."""
    if wants_html(request, LOADS_OFFERS):
        history = _history(request, chosen, user)
        return loads_page(
            request, _service(request).iris, history, dataset=chosen.dataset, outcome=chosen.outcome
        )
    media_type = negotiate(request.headers.get("accept"), LOADS_OFFERS)
    if media_type is None:
        raise HTTPException(406, "format tidak tersedia / not acceptable: offers " + ", ".join(LOADS_OFFERS))
    history = _history(request, chosen, user)
    return _loads_csv(history, dialect) if media_type == _CSV else _loads_json(history)


@router.get("/loads.json", responses=LOADS_ERRORS)
def loads_json(request: Request, chosen: Filter, user: Reader) -> Response:
    """The load history as JSON."""
    return _loads_json(_history(request, chosen, user))


@router.get(
    "/loads.csv",
    name="loads_csv",
    response_class=Response,
    responses={200: {"content": {_CSV: {}}, "description": "The load history as CSV."}, **LOADS_ERRORS},
)
def loads_as_csv(request: Request, chosen: Filter, user: Reader, dialect: Dialect = "excel") -> Response:
    """The load history as CSV (``_dialect=excel`` by default, or ``standard``)."""
    return _loads_csv(_history(request, chosen, user), dialect)


# What ``archive_name`` makes of a report IRI: nothing else is ever looked up on disk.
_ARCHIVE_FILE = re.compile(re.escape(archive_name("x")).replace("x", "[A-Za-z0-9_-]{1,100}", 1))


def _with_archive_link(request: Request, body: dict[str, Any]) -> dict[str, Any]:
    """The trace with a download link on its archived report, if it has one."""
    archive = body.get("report_archive")
    if archive:
        archive["href"] = str(request.url_for("report_archive", file_name=archive["file_name"]))
    return body


@router.get(
    "/provenance/arsip/{file_name}",
    name="report_archive",
    response_class=FileResponse,
    responses={
        200: {"content": {"application/gzip": {}}, "description": "The archive: gzipped N-Quads."},
        404: _error(
            404,
            "Tidak ada arsip / no archive of that name that this reader may read.",
            "tidak ada arsip laporan bernama 'x' / no report archive named 'x' …",
        ),
    },
)
def report_archive(request: Request, file_name: str, user: Reader) -> FileResponse:
    """A superseded version's validation results, as the file they were moved to: gzipped
    N-Quads, the bytes whose SHA-256 the archive record and the audit chain give."""
    service = _service(request)
    folder = service.settings.report_archive_location
    unknown = HTTPException(
        404,
        f"tidak ada arsip laporan bernama {file_name!r} yang boleh Anda baca / no report archive named "
        f"{file_name!r} that you may read: follow the link on the load's provenance page",
    )
    if folder is None or not _ARCHIVE_FILE.fullmatch(file_name):
        raise unknown
    if not service.run(archive_is_visible, service.iris, file_name, audience_of(user)):
        raise unknown
    path = folder / file_name
    if not path.is_file():
        raise HTTPException(
            404,
            f"berkas arsip {file_name!r} tidak ada di server ini / the archive file {file_name!r} is "
            "missing on this server: ask the administrator to restore it from the backup",
        )
    return FileResponse(path, media_type="application/gzip", filename=file_name)
