"""``/reconcile``: a W3C Entity Reconciliation service from region names to Kemendagri codes.

OpenRefine and other clients send region names as agencies write them (with the
parent region as context) and get candidate regions back. ``match`` is true only
for the region the project's linker (``graph.link.regions.RegionLinker``) links
automatically during a load, so a spreadsheet reconciled here links the same way
``onecenter load`` would.

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

The linker is built from the settings on first use and kept on ``app.state``.
"""

from __future__ import annotations

import html
import json
import re
import threading
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from graph.link.names import NameRules
from graph.link.regions import RegionLinker
from graph.rdf.namespaces import OC
from graph.reference.regions import LEVELS, RegionIndex
from graph.settings import Settings
from graph.version import __version__

__all__ = ["Reconciler", "reconciler", "router"]

router = APIRouter(prefix="/reconcile", tags=["reconcile"])

LEVEL_NAMES = {
    "provinsi": "Provinsi",
    "kabupaten": "Kabupaten/Kota",
    "kecamatan": "Kecamatan",
    "desa": "Desa/Kelurahan",
}
_KIND_NAMES = {
    "provinsi": "Provinsi",
    "kabupaten": "Kabupaten",
    "kota": "Kota",
    "kecamatan": "Kecamatan",
    "desa": "Desa",
    "kelurahan": "Kelurahan",
}
# Property ids whose value is the name (or the reconciled entity) of the parent region.
PARENT_PROPERTY = "induk"
PARENT_ALIASES = frozenset({PARENT_PROPERTY, "parent", "kecamatan"})
DEFAULT_LEVEL = "desa"
DEFAULT_LIMIT = 5
MAX_LIMIT = 50
BATCH_SIZE = 100
SUGGEST_LIMIT = 10
PREVIEW_WIDTH, PREVIEW_HEIGHT = 420, 230
V1_MEDIA_TYPE = "application/reconciliation.v1+json"
_DOTTED_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
_CODE_PREFIX = re.compile(r"^\d[\d.]*$")


@dataclass(frozen=True)
class RegionQuery:
    """One reconciliation query, whichever version of the protocol it came in."""

    name: str
    level: str = DEFAULT_LEVEL
    typed: bool = False  # the client named the level
    limit: int = DEFAULT_LIMIT
    parent: str | None = None  # the parent's name as written
    parent_code: str | None = None  # or the parent as a reconciled entity
    ids: tuple[str, ...] = ()  # 1.0-draft matchType "id"


@dataclass(frozen=True)
class _Entry:
    level: str
    code: str
    names: frozenset[str]  # normalised official, 2022 and BPS names


class Reconciler:
    """The linker and the region list, with what reconciliation needs on top of them."""

    def __init__(self, linker: RegionLinker) -> None:
        self.linker = linker
        self.regions: RegionIndex = linker.index
        self.rules: NameRules = linker.rules
        self.rows: dict[str, dict[str, str]] = {
            str(row["kode"]): {str(k): str(v) for k, v in row.items()}
            for row in self.regions.frame.to_dict("records")
        }
        # Build the linker's look-up tables now, not concurrently on the first requests.
        linker.warm()
        self._entries = self._suggest_entries()

    @classmethod
    def from_settings(cls, settings: Settings) -> Reconciler:
        """As graph.publish.platform.Platform builds its linker."""
        return cls(
            RegionLinker.from_folders(settings.ontology_path, settings.mappings_path, settings.home_region)
        )

    # Descriptions ----------------------------------------------------------------------

    def _qualified(self, code: str) -> str:
        name = self.regions.label(code)
        level = self.regions.levels.get(code)
        if level == "kecamatan":
            return f"Kec. {name}"
        if level == "provinsi":
            return f"Provinsi {name}"
        return name

    def ancestors(self, code: str) -> list[str]:
        chain = []
        parent = self.regions.parents.get(code, "")
        while parent:
            chain.append(parent)
            parent = self.regions.parents.get(parent, "")
        return chain

    def description(self, code: str) -> str:
        """The two nearest parents, e.g. 'Kec. Natar, Kabupaten Lampung Selatan' for a desa."""
        return ", ".join(self._qualified(c) for c in self.ancestors(code)[:2])

    @staticmethod
    def type_of(level: str) -> dict[str, str]:
        return {"id": level, "name": LEVEL_NAMES[level]}

    # Reconciliation --------------------------------------------------------------------

    def _similarity(self, name: str, level: str, code: str) -> float:
        parent = frozenset({self.regions.parents[code]})
        return next((c.score for c in self.linker.rank(name, level, parent) if c.code == code), 0.0)

    def _candidate(
        self,
        code: str,
        score: float,
        similarity: float | None,
        method: str | None,
        parent_code: str | None,
    ) -> dict[str, Any]:
        features: list[dict[str, Any]] = []
        if similarity is not None:
            features.append(
                {"id": "name_similarity", "name": "Kemiripan nama / name similarity", "value": similarity}
            )
        if parent_code is not None:
            features.append(
                {
                    "id": "parent_match",
                    "name": "Di dalam wilayah induk yang diberikan / within the given parent region",
                    "value": self.regions.parents.get(code) == parent_code,
                }
            )
        if method is not None:
            features.append(
                {
                    "id": f"link_method:{method}",
                    "name": f"Metode penautan / link method: {method}",
                    "value": True,
                }
            )
        candidate: dict[str, Any] = {
            "id": code,
            "name": self.regions.label(code),
            "score": score,
            "match": method is not None,
            "type": [self.type_of(self.regions.levels[code])],
            "features": features,
        }
        description = self.description(code)
        if description:
            candidate["description"] = description
        return candidate

    def _by_code(self, text: str, query: RegionQuery) -> dict[str, Any] | None:
        """A dotted Kemendagri code (current or former) as the query: that region."""
        level = LEVELS[text.count(".")]
        link = self.linker.resolve_code(text, "kemendagri", level)
        if link.code is None:
            return None
        linked = not query.typed or query.level == level
        return self._candidate(link.code, 100.0, None, link.method if linked else None, None)

    def reconcile(self, query: RegionQuery) -> list[dict[str, Any]]:
        """Candidates for one query, the automatically linked region (if any) first."""
        if query.ids:
            found = [self._by_code(i.strip(), query) for i in query.ids if _DOTTED_CODE.match(i.strip())]
            return [c for c in found if c is not None][: query.limit]
        name = query.name.strip()
        if not name:
            return []
        if _DOTTED_CODE.match(name):
            by_code = self._by_code(name, query)
            return [by_code] if by_code is not None else []

        level = query.level
        parent_name: str | None = None
        parent_code: str | None = None
        if level != "provinsi":
            parent_level = LEVELS[LEVELS.index(level) - 1]
            if query.parent_code and self.regions.levels.get(query.parent_code) == parent_level:
                parent_code = query.parent_code
                parent_name = self.regions.label(parent_code)
            elif query.parent and query.parent.strip():
                parent_name = query.parent
                parent_code = self.linker.resolve_name(parent_name, None, parent_level).code
        link = self.linker.resolve_name(name, parent_name, level)

        scope = (
            frozenset({parent_code})
            if parent_code
            else self.linker.parents_in(self.linker.home_scope(level), level)
        )
        similarity = {c.code: c.score for c in self.linker.rank(name, level, scope)}
        # Regions the linker names outside the scope: the same name under another parent.
        for c in link.candidates:
            similarity.setdefault(c.code, c.score)
        if link.code is not None and link.code not in similarity:  # a decision, a moved desa
            similarity[link.code] = self._similarity(name, level, link.code)

        def score(code: str) -> float:
            return link.score if code == link.code else similarity[code]

        ordered = sorted(similarity, key=lambda code: (code != link.code, -score(code), code))
        return [
            self._candidate(
                code,
                score(code),
                similarity[code],
                link.method if code == link.code else None,
                parent_code if parent_name is not None else None,
            )
            for code in ordered[: query.limit]
        ]

    # Suggest ---------------------------------------------------------------------------

    def _suggest_entries(self) -> list[_Entry]:
        entries = []
        for level in LEVELS:
            for code in self.regions.descendants(self.linker.home_scope(level), level):
                entries.append(_Entry(level, code, frozenset(self.linker.names_of(code))))
        entries.sort(key=lambda e: (LEVELS.index(e.level), self.regions.label(e.code), e.code))
        return entries

    def suggest(self, prefix: str, level: str | None, cursor: int, limit: int) -> list[dict[str, Any]]:
        """Regions of the home region whose normalised name (or code) starts with ``prefix``.

        Whole-name matches come first, then names starting with the prefix, then names
        with a later word starting with it.
        """
        text = prefix.strip()
        entries = [e for e in self._entries if level is None or e.level == level]
        if _CODE_PREFIX.match(text):
            found = [e for e in entries if e.code.startswith(text)]
        else:
            tiers: tuple[list[_Entry], list[_Entry], list[_Entry]] = ([], [], [])
            wanted = {lv: self.rules.normalise(text, lv) for lv in LEVELS}
            for e in entries:
                norm = wanted[e.level]
                if not norm or any(n.startswith(norm) for n in e.names):
                    tiers[0 if norm in e.names else 1].append(e)
                elif any(f" {norm}" in f" {n}" for n in e.names):
                    tiers[2].append(e)
            found = tiers[0] + tiers[1] + tiers[2]
        out = []
        for e in found[cursor : cursor + limit]:
            item: dict[str, Any] = {
                "id": e.code,
                "name": self.regions.label(e.code),
                "notable": [self.type_of(e.level)],
            }
            description = self.description(e.code)
            if description:
                item["description"] = description
            out.append(item)
        return out

    # Preview ---------------------------------------------------------------------------

    def preview_html(self, code: str, iri: str) -> str:
        row = self.rows[code]
        e = html.escape
        facts = [
            ("Tingkat / level", _KIND_NAMES.get(row["jenis"], row["jenis"])),
            ("Kode Kemendagri", code),
            ("Kode BPS / BPS code", row.get("kode_bps", "") or "—"),
        ]
        chain = ", ".join(self._qualified(c) for c in self.ancestors(code))
        if chain:
            facts.append(("Wilayah induk / part of", chain))
        if row.get("nama_2022") and row["nama_2022"] != row["nama"]:
            facts.append(("Nama 2022 / name in 2022", row["nama_2022"]))
        if row.get("kode_lama"):
            facts.append(("Kode lama / former code", row["kode_lama"]))
        items = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in facts)
        return (
            '<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
            f"<title>{e(row['nama'])} ({e(code)})</title>"
            "<style>body{font:13px/1.4 sans-serif;margin:8px}h1{font-size:16px;margin:0 0 6px}"
            "dl{display:grid;grid-template-columns:auto 1fr;gap:2px 10px;margin:0}"
            "dt{color:#555}dd{margin:0}</style></head><body>"
            f"<h1>{e(row['nama'])}</h1><dl>{items}</dl>"
            f'<p><a href="{e(iri)}" target="_blank" rel="noopener">{e(iri)}</a></p>'
            "</body></html>"
        )


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
    service = request.app.state.service
    endpoint = str(request.url_for("reconcile_service"))
    home = rec.regions.label(service.settings.home_region)
    common: dict[str, Any] = {
        "versions": ["0.2", "1.0-draft"],
        "name": f"One Center — Wilayah (Kemendagri), {home}",
        "serviceVersion": __version__,
        "defaultTypes": [rec.type_of(level) for level in LEVELS],
        "batchSize": BATCH_SIZE,
    }
    if v1:
        return {
            **common,
            "lang": "id",
            "view": {"url": service.iris.region_prefix + "{id}"},
            "preview": {"width": PREVIEW_WIDTH, "height": PREVIEW_HEIGHT},
            "suggest": {"entity": True, "property": True, "type": True},
            "standardizedScore": True,
        }
    return {
        **common,
        "identifierSpace": service.iris.region_prefix,
        "schemaSpace": OC,
        "view": {"url": service.iris.region_prefix + "{{id}}"},
        "preview": {
            "url": endpoint + "/preview?id={{id}}",
            "width": PREVIEW_WIDTH,
            "height": PREVIEW_HEIGHT,
        },
        "suggest": {
            kind: {"service_url": endpoint, "service_path": f"/suggest/{kind}"}
            for kind in ("entity", "property", "type")
        },
    }


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
    text = prefix.strip().casefold()
    found = [
        Reconciler.type_of(level)
        for level in LEVELS
        if level.startswith(text) or any(w.startswith(text) for w in LEVEL_NAMES[level].casefold().split("/"))
    ]
    return {"result": found[cursor:]}


@router.get("/suggest/property")
def suggest_property(prefix: str = "", cursor: Annotated[int, Query(ge=0)] = 0) -> dict[str, Any]:
    text = prefix.strip().casefold()
    known = {
        "id": PARENT_PROPERTY,
        "name": "Wilayah induk / parent region",
        "description": "Nama wilayah induk, mis. kecamatan untuk desa / the parent region's name, "
        "e.g. the kecamatan of a desa",
    }
    hit = any(alias.startswith(text) for alias in (*PARENT_ALIASES, "wilayah induk"))
    return {"result": [known][cursor:] if hit else []}


@router.get("/preview", response_class=HTMLResponse)
def preview(request: Request, code: Annotated[str, Query(alias="id")]) -> HTMLResponse:
    """A small HTML card for one region, for the client's preview pane."""
    rec = reconciler(request)
    code = code.strip()
    if code not in rec.rows:
        raise HTTPException(404, f"kode wilayah {code!r} tidak dikenal / unknown region code {code!r}")
    return HTMLResponse(rec.preview_html(code, request.app.state.service.iris.region(code)))
