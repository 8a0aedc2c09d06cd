"""``/reconcile``: a W3C Entity Reconciliation service from region names to Kemendagri codes.

OpenRefine and other clients send region names as agencies write them (with the
parent region as context) and get candidate regions back. The answers come from
``graph.link.reconcile`` (candidates, suggestions, preview) and
``graph.link.reconcile_service`` (manifest, types, properties); this router reads the
queries of either protocol version (with their size limits) and picks the response.

Routes, relative to the endpoint ``/reconcile`` (see docs/reconciliation.md):

=============================  ==============================================================
GET  /reconcile                the service manifest (0.2; 1.0-draft when the client sends
                               ``Accept: application/reconciliation.v1+json``)
GET|POST /reconcile            0.2 query batch in ``queries`` (query string or form), or one
                               query in ``query``; a JSON body is read as a 1.0-draft batch
POST /reconcile/match          1.0-draft query batch (JSON)
GET  /reconcile/suggest/...    prefix search: ``entity``, ``type``, ``property``
GET  /reconcile/preview?id=    HTML preview of a region
=============================  ==============================================================

The reconciler is built from the settings on first use and kept on ``app.state``.
"""

from __future__ import annotations

import json
import threading
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from graph.errors import NotFound
from graph.link.reconcile import DEFAULT_LEVEL, DEFAULT_LIMIT, LEVEL_NAMES, MAX_LIMIT, Reconciler, RegionQuery
from graph.link.reconcile_service import (
    BATCH_SIZE,
    PARENT_ALIASES,
    manifest,
    suggest_properties,
    suggest_types,
)
from graph.reference.regions import LEVELS

__all__ = ["reconciler", "router"]

router = APIRouter(prefix="/reconcile", tags=["reconcile"])

SUGGEST_LIMIT = 10
V1_MEDIA_TYPE = "application/reconciliation.v1+json"


_BUILD_LOCK = threading.Lock()


def reconciler(request: Request) -> Reconciler:
    """The app's reconciler, built once from the settings on first use."""
    state = request.app.state
    found: Reconciler | None = getattr(state, "reconciler", None)
    if found is None:
        with _BUILD_LOCK:
            found = getattr(state, "reconciler", None)
            if found is None:
                found = Reconciler.from_settings(state.service.settings)
                state.reconciler = found
    return found


# Parsing queries ---------------------------------------------------------------------------


def _bad(message: str) -> HTTPException:
    return HTTPException(400, message)


def _text(value: Any, what: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise _bad(f"{what} harus berupa teks / {what} must be a string")


def _level(value: Any, where: str) -> tuple[str, bool]:
    if value is None:
        return DEFAULT_LEVEL, False
    if isinstance(value, list):  # 0.2 allows several types; the first known one is used
        value = next((v for v in value if isinstance(v, str) and v.strip().lower() in LEVEL_NAMES), None)
        if value is None:
            return DEFAULT_LEVEL, False
    if not isinstance(value, str) or value.strip().lower() not in LEVEL_NAMES:
        raise _bad(
            f"{where}: tipe {value!r} tidak dikenal, gunakan salah satu dari {', '.join(LEVELS)} / "
            f"unknown type {value!r}; use one of {', '.join(LEVELS)}"
        )
    return value.strip().lower(), True


def _limit(value: Any, where: str) -> int:
    if value is None:
        return DEFAULT_LIMIT
    whole = isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if isinstance(value, bool) or not whole or value < 1:
        raise _bad(
            f"{where}: limit harus bilangan bulat positif / limit must be a positive integer, got {value!r}"
        )
    return min(int(value), MAX_LIMIT)


def _parent(values: Any) -> tuple[str | None, str | None]:
    """(name, code) of the parent from a property value or a list of them."""
    for value in values if isinstance(values, list) else [values]:
        if isinstance(value, dict):
            code, name = value.get("id"), value.get("name")
            if isinstance(code, str) and code.strip():
                return (name if isinstance(name, str) else None), code.strip()
        elif isinstance(value, str) and value.strip():
            return value, None
        elif isinstance(value, int | float) and not isinstance(value, bool):
            return str(value), None
    return None, None


def _query_v02(key: str, raw: Any) -> RegionQuery:
    where = f"kueri / query {key!r}"
    if not isinstance(raw, dict):
        raise _bad(f"{where} harus objek JSON / must be a JSON object")
    level, typed = _level(raw.get("type"), where)
    parent: str | None = None
    parent_code: str | None = None
    properties = raw.get("properties", [])
    if not isinstance(properties, list):
        raise _bad(f"{where}: 'properties' harus daftar / must be a list of {{pid, v}}")
    for prop in properties:
        if not isinstance(prop, dict) or "pid" not in prop or "v" not in prop:
            raise _bad(f"{where}: setiap properti perlu 'pid' dan 'v' / each property needs 'pid' and 'v'")
        if str(prop["pid"]).strip().lower() in PARENT_ALIASES and parent is None and parent_code is None:
            parent, parent_code = _parent(prop["v"])
    return RegionQuery(
        name=_text(raw.get("query", ""), f"{where}: 'query'"),
        level=level,
        typed=typed,
        limit=_limit(raw.get("limit"), where),
        parent=parent,
        parent_code=parent_code,
    )


def _queries_v02(text: str) -> dict[str, RegionQuery]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _bad(
            f"parameter 'queries' bukan JSON yang sah / 'queries' is not valid JSON: {exc.msg} "
            f"(baris / line {exc.lineno}, kolom / column {exc.colno})"
        ) from None
    if not isinstance(data, dict):
        raise _bad(
            "parameter 'queries' harus objek JSON {kunci: kueri} / 'queries' must be a JSON object "
            'mapping keys to queries, e.g. {"q0": {"query": "Bagelen"}}'
        )
    _check_size(len(data))
    return {str(key): _query_v02(str(key), value) for key, value in data.items()}


def _single_v02(text: str) -> RegionQuery:
    """The ``query`` parameter: a name, or one query as a JSON object."""
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _bad(
                f"parameter 'query' bukan JSON yang sah / 'query' is not valid JSON: {exc.msg}"
            ) from None
        return _query_v02("query", data)
    return RegionQuery(name=text)


def _query_v1(index: int, raw: Any) -> RegionQuery:
    where = f"kueri / query #{index}"
    if not isinstance(raw, dict):
        raise _bad(f"{where} harus objek JSON / must be a JSON object")
    if raw.get("type") is not None and not isinstance(raw["type"], str):
        raise _bad(f"{where}: 'type' harus satu id tipe / must be one type id")
    level, typed = _level(raw.get("type"), where)
    conditions = raw.get("conditions")
    if not isinstance(conditions, list) or not conditions:
        raise _bad(f"{where}: 'conditions' wajib, minimal satu / 'conditions' is required, at least one")
    name = ""
    ids: list[str] = []
    parent: str | None = None
    parent_code: str | None = None
    for condition in conditions:
        if not isinstance(condition, dict) or "propertyValue" not in condition:
            raise _bad(
                f"{where}: setiap kondisi perlu 'propertyValue' / each condition needs 'propertyValue'"
            )
        kind, value = condition.get("matchType"), condition["propertyValue"]
        if kind == "name":
            values = value if isinstance(value, list) else [value]
            name = name or next((_text(v, f"{where}: nama / name") for v in values if v is not None), "")
        elif kind == "id":
            ids += [_text(v, f"{where}: id") for v in (value if isinstance(value, list) else [value])]
        elif kind == "property":
            pid = condition.get("propertyId")
            if not isinstance(pid, str):
                raise _bad(
                    f"{where}: kondisi properti perlu 'propertyId' / a property condition needs 'propertyId'"
                )
            if pid.strip().lower() in PARENT_ALIASES and parent is None and parent_code is None:
                parent, parent_code = _parent(value)
        else:
            raise _bad(
                f"{where}: matchType {kind!r} tidak dikenal / unknown matchType; use name, id or property"
            )
    return RegionQuery(
        name=name,
        level=level,
        typed=typed,
        limit=_limit(raw.get("limit"), where),
        parent=parent,
        parent_code=parent_code,
        ids=tuple(ids),
    )


def _queries_v1(body: bytes) -> list[RegionQuery]:
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise _bad(
            'badan permintaan bukan JSON yang sah / the request body is not valid JSON ({"queries": [...]})'
        ) from None
    queries = data.get("queries") if isinstance(data, dict) else None
    if not isinstance(queries, list):
        raise _bad("badan permintaan perlu daftar 'queries' / the body needs a 'queries' array")
    _check_size(len(queries))
    return [_query_v1(i, q) for i, q in enumerate(queries)]


def _check_size(count: int) -> None:
    if count > BATCH_SIZE:
        raise HTTPException(
            413,
            f"terlalu banyak kueri: {count}, paling banyak {BATCH_SIZE} / too many queries in one batch: "
            f"{count}, at most {BATCH_SIZE}",
        )


# Manifest ----------------------------------------------------------------------------------


def _wants_v1(request: Request) -> bool:
    return V1_MEDIA_TYPE in request.headers.get("accept", "")


def _manifest(request: Request, rec: Reconciler, v1: bool) -> dict[str, Any]:
    return manifest(
        v1,
        endpoint=str(request.url_for("reconcile_service")),
        region_prefix=request.app.state.service.iris.region_prefix,
        home_name=rec.home_name(),
    )


# Routes ------------------------------------------------------------------------------------


async def _parameters(request: Request) -> dict[str, Any]:
    params: dict[str, Any] = dict(request.query_params)
    content_type = request.headers.get("content-type", "").split(";")[0].strip()
    if request.method == "POST" and content_type in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        form = await request.form()
        params.update({k: v for k, v in form.items()})
    return params


def _string_parameter(params: dict[str, Any], name: str) -> str:
    value = params[name]
    if not isinstance(value, str):
        raise _bad(f"parameter {name!r} harus teks / must be text, not a file")
    return value


# One method per route, so that each has its own OpenAPI operation id.
@router.get("", name="reconcile_service")
@router.post("", name="reconcile_service_post")
@router.get("/", name="reconcile_service_slash", include_in_schema=False)
@router.post("/", name="reconcile_service_slash_post", include_in_schema=False)
async def service(request: Request) -> Response:
    """The manifest, or answers to a 0.2 query batch (``queries``) or single query (``query``)."""
    params = await _parameters(request)
    rec = await run_in_threadpool(reconciler, request)
    if "queries" in params:
        batch = _queries_v02(_string_parameter(params, "queries"))
        answers = await run_in_threadpool(
            lambda: {key: {"result": rec.reconcile(q)} for key, q in batch.items()}
        )
        return JSONResponse(answers)
    if "query" in params:
        single = _single_v02(_string_parameter(params, "query"))
        return JSONResponse({"result": await run_in_threadpool(rec.reconcile, single)})
    if request.method == "POST":
        content_type = request.headers.get("content-type", "").split(";")[0].strip()
        if content_type == "application/json":
            return await _answer_v1(request, rec)
        raise _bad(
            "parameter 'queries' kosong / missing 'queries' (a form field holding the JSON query batch)"
        )
    v1 = _wants_v1(request)
    return JSONResponse(
        _manifest(request, rec, v1),
        media_type=V1_MEDIA_TYPE if v1 else "application/json",
        headers={"Vary": "Accept"},
    )


async def _answer_v1(request: Request, rec: Reconciler) -> JSONResponse:
    batch = _queries_v1(await request.body())
    results = await run_in_threadpool(lambda: [{"candidates": rec.reconcile(q)} for q in batch])
    return JSONResponse({"results": results})


@router.post("/match")
# The route's name before the 1.0 draft renamed it (reconciliation-api/specs#187).
@router.post("/reconcile", include_in_schema=False)
async def match(request: Request) -> Response:
    """A 1.0-draft reconciliation query batch: ``{"queries": [{"conditions": [...]}]}``."""
    rec = await run_in_threadpool(reconciler, request)
    return await _answer_v1(request, rec)


def _suggest_level(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    level, _ = _level(value, "suggest")
    return level


@router.get("/suggest/entity")
def suggest_entity(
    request: Request,
    prefix: str = "",
    cursor: Annotated[int, Query(ge=0)] = 0,
    level: Annotated[str | None, Query(alias="type")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = SUGGEST_LIMIT,
) -> dict[str, Any]:
    """Regions whose name (or code) starts with ``prefix``, within the home region."""
    return {"result": reconciler(request).suggest(prefix, _suggest_level(level), cursor, limit)}


@router.get("/suggest/type")
def suggest_type(prefix: str = "", cursor: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
    return {"result": suggest_types(prefix, cursor)}


@router.get("/suggest/property")
def suggest_property(prefix: str = "", cursor: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
    return {"result": suggest_properties(prefix, cursor)}


@router.get("/preview", response_class=HTMLResponse)
def preview(request: Request, code: Annotated[str, Query(alias="id")]) -> HTMLResponse:
    """A small HTML card for one region, for the client's preview pane."""
    rec = reconciler(request)
    code = code.strip()
    if not rec.knows(code):
        raise NotFound(f"kode wilayah {code!r} tidak dikenal / unknown region code {code!r}")
    return HTMLResponse(rec.preview_html(code, request.app.state.service.iris.region(code)))
