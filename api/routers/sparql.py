"""``/sparql``: a read-only SPARQL 1.1 Protocol endpoint over the published graphs.

Queries by GET ``?query=``, POST form-encoded or POST ``application/sparql-query``;
the dataset by ``default-graph-uri`` / ``named-graph-uri`` (published graphs only);
the result format by ``Accept``, or by ``format`` / ``output`` / ``results`` (URL or form
fields, as SPARQLWrapper sends them); a SPARQL Service Description
with VoID counts on a GET without a query. Updates and ``SERVICE`` are refused
(403). Limits: ``query_timeout_ms`` (worker processes, see ``graph.store.pool``),
``max_result_rows`` (lifted to ``streaming_max_result_rows`` for streaming formats; a cut
answer says so: ``graph.answer.truncation``), ``query_max_bytes``
(413/414, also before the body is read: ``api.request_limits``), a nesting depth (400) and
``query_slots_per_client`` (``api.query_slots``). The query text is only read off the event loop.
Developer documentation: docs/sparql.md.

A browser that opens ``/sparql`` without a query (it prefers HTML to every type the
service description is offered in) gets the SPARQL editor instead; ``?q=`` prefills it
with a text, ``?question=ID&param=…`` with a named question's SPARQL, its values written
in. Every other request, from any client, is answered by the protocol as before.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Annotated, Any

import pyoxigraph as ox
from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from api.auth import audience_of
from api.deps import ServiceState
from api.errors import clip, error_body
from api.negotiation import negotiate
from api.pages import render, root_of, wants_html
from api.question_catalogue import catalogue, code_lists
from api.sparql_answer import PATH_HEADER, answer_now, query_user, respond
from graph.answer.editor_texts import editor_starter, question_sparql
from graph.answer.parameters import bind_parameters
from graph.answer.service_description import SD, description
from graph.answer.sparql import (
    NO_SERVICE,
    READ_ONLY,
    UPDATE_OPERATIONS,
    Answer,
    ProtocolQuery,
    graph_sizes,
    uses_service,
)
from graph.answer.truncation import ROW_CAP_HEADER, TRUNCATED_HEADER, row_cap
from graph.errors import ParameterError
from graph.publish.accounts import User
from graph.rdf.namespaces import PREFIXES
from graph.rdf.sparql_text import query_form
from graph.store.versions import PUBLIC, Audience

router = APIRouter(tags=["sparql"])

_JSON = ox.QueryResultsFormat.JSON.media_type
_XML = ox.QueryResultsFormat.XML.media_type
_TURTLE = ox.RdfFormat.TURTLE.media_type
_NTRIPLES = ox.RdfFormat.N_TRIPLES.media_type
_JSONLD = ox.RdfFormat.JSON_LD.media_type
_RDFXML = ox.RdfFormat.RDF_XML.media_type
_N3 = ox.RdfFormat.N3.media_type

# Media types offered, in the server's order of preference, and other names clients use.
RESULT_TYPES = [_JSON, _XML, "text/csv", "text/tab-separated-values"]
GRAPH_TYPES = [_TURTLE, _NTRIPLES, _JSONLD, _RDFXML, _N3]
ALIASES = {_JSON: ["application/json"], _TURTLE: ["application/x-turtle", "application/turtle"]}
# ``?format=`` names (SPARQLWrapper sends these too), per kind of answer.
RESULT_NAMES = {"json": _JSON, "xml": _XML, "csv": "text/csv", "tsv": "text/tab-separated-values"}
GRAPH_NAMES = {
    "turtle": _TURTLE,
    "ttl": _TURTLE,
    "ntriples": _NTRIPLES,
    "n-triples": _NTRIPLES,
    "nt": _NTRIPLES,
    "json-ld": _JSONLD,
    "jsonld": _JSONLD,
    "json": _JSONLD,
    "rdfxml": _RDFXML,
    "rdf+xml": _RDFXML,
    "rdf": _RDFXML,
    "xml": _RDFXML,
    "n3": _N3,
}

_ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "ok": {"type": "boolean", "const": False},
        "status": {"type": "integer"},
        "error": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
}
_ERROR = {"application/json": {"schema": _ERROR_SCHEMA}}
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Hasil / results: SELECT and ASK as SPARQL Results JSON, XML, CSV or TSV; "
        "CONSTRUCT and DESCRIBE (and the service description) as Turtle, N-Triples, JSON-LD, "
        "RDF/XML or N3. Headers X-OneCenter-Truncated (and X-Truncated) say whether the row cap "
        "cut the answer, X-OneCenter-Row-Cap what the cap was.",
        "content": {t: {} for t in [*RESULT_TYPES, *GRAPH_TYPES]},
    },
    400: {
        "description": "Kueri tidak valid / malformed query (errors[0] has line and column), "
        "or a graph that is not published",
        "content": _ERROR,
    },
    403: {"description": "Update atau SERVICE ditolak / update or SERVICE refused", "content": _ERROR},
    413: {"description": "Kueri terlalu panjang / query longer than query_max_bytes", "content": _ERROR},
    414: {"description": "URL terlalu panjang / query (GET) too long", "content": _ERROR},
    406: {"description": "Format tidak tersedia / no offered format is acceptable", "content": _ERROR},
    415: {"description": "Content-Type POST tidak didukung / unsupported POST body", "content": _ERROR},
    503: {
        "description": "Batas waktu kueri / query stopped at its time limit, or it waited too long "
        "for a worker or for the client's earlier queries",
        "content": _ERROR,
    },
}

_QUERY_DOC = "Kueri SPARQL / the SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE); absent: service description"
_DEFAULT_DOC = "IRI graf terbit untuk graf bawaan / a published graph for the default graph (repeatable)"
_NAMED_DOC = "IRI graf terbit sebagai graf bernama / a published graph as named graph (repeatable)"
_FORMAT_DOC = "Ganti Accept / overrides Accept: json, xml, csv, tsv; turtle, ntriples, jsonld, rdfxml, n3"
_OUTPUT_DOC = "Sama dengan format / the same as format (SPARQLWrapper sends format, output and results)"
# Shorter queries are screened on the event loop: a scan of a few KB takes microseconds, less
# than the hop to a thread; longer ones (up to query_max_bytes) still go to a thread.
_SCREEN_INLINE_CHARS = 16_384
# The fields naming the result format: Virtuoso reads ``format``, Joseki ``output``, others
# ``results``; SPARQLWrapper sends all three, in the URL for GET and in the form for POST.
FORMAT_FIELDS = ("format", "output", "results")

QueryParam = Annotated[str | None, Query(description=_QUERY_DOC)]
DefaultGraphs = Annotated[list[str] | None, Query(alias="default-graph-uri", description=_DEFAULT_DOC)]
NamedGraphs = Annotated[list[str] | None, Query(alias="named-graph-uri", description=_NAMED_DOC)]
FormatParam = Annotated[list[str] | None, Query(alias="format", description=_FORMAT_DOC)]
OutputParam = Annotated[list[str] | None, Query(alias="output", description=_OUTPUT_DOC)]


# GET also answers the editor page, for browsers.
GET_RESPONSES = {
    **RESPONSES,
    200: {**RESPONSES[200], "content": {**RESPONSES[200]["content"], "text/html": {}}},
}


@router.get("/sparql", responses=GET_RESPONSES, summary="SPARQL query (GET) or service description")
async def sparql_get(
    request: Request,
    query: QueryParam = None,
    default_graph_uri: DefaultGraphs = None,
    named_graph_uri: NamedGraphs = None,
    fmt: FormatParam = None,
    output: OutputParam = None,
    user: Annotated[User | None, Depends(query_user)] = None,
) -> Response:
    """SPARQL 1.1 Protocol query by GET; without ``query``, the service description.

    A browser (preferring ``text/html``) without ``query`` and ``format`` gets the SPARQL
    editor page; ``q`` prefills it with a text, ``question`` (and that question's
    parameters) with a named question's SPARQL.
    """
    params = request.query_params
    if "update" in params:
        raise HTTPException(403, READ_ONLY)
    queries = params.getlist("query")
    formats = [*(fmt or []), *(output or []), *params.getlist("results")]
    if not queries:
        if not formats and wants_html(request, [*GRAPH_TYPES, *ALIASES[_TURTLE]]):
            return await run_in_threadpool(_editor, request)
        return await _describe(request, formats)
    return await _answer(request, queries, default_graph_uri, named_graph_uri, formats, audience_of(user))


@router.post(
    "/sparql",
    responses=RESPONSES,
    summary="SPARQL query (POST)",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/x-www-form-urlencoded": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "query": {"type": "string", "description": _QUERY_DOC},
                            "default-graph-uri": {"type": "array", "items": {"type": "string"}},
                            "named-graph-uri": {"type": "array", "items": {"type": "string"}},
                            "format": {
                                "type": "array",
                                "items": {"type": "string"},
                                "description": _FORMAT_DOC,
                            },
                            "output": {
                                "type": "array",
                                "items": {"type": "string"},
                                "description": _OUTPUT_DOC,
                            },
                        },
                        "required": ["query"],
                    }
                },
                "application/sparql-query": {"schema": {"type": "string"}},
            },
            "required": True,
        }
    },
)
async def sparql_post(
    request: Request,
    default_graph_uri: DefaultGraphs = None,
    named_graph_uri: NamedGraphs = None,
    fmt: FormatParam = None,
    output: OutputParam = None,
    user: Annotated[User | None, Depends(query_user)] = None,
) -> Response:
    """SPARQL 1.1 Protocol query by POST: form-encoded, or the query as the body; the result
    format by ``Accept``, or by ``format`` / ``output`` / ``results`` in the URL or the form."""
    formats = [*(fmt or []), *(output or []), *request.query_params.getlist("results")]
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/sparql-update" or "update" in request.query_params:
        raise HTTPException(403, READ_ONLY)
    if content_type == "application/sparql-query":
        try:
            queries = [(await request.body()).decode("utf-8")]
        except UnicodeDecodeError:
            raise HTTPException(400, "kueri harus UTF-8 / the query must be UTF-8 text") from None
    elif content_type == "application/x-www-form-urlencoded":
        form = await request.form()
        if "update" in form:
            raise HTTPException(403, READ_ONLY)
        queries = [v for v in form.getlist("query") if isinstance(v, str)]
        default_graph_uri = [*(default_graph_uri or []), *_strings(form.getlist("default-graph-uri"))]
        named_graph_uri = [*(named_graph_uri or []), *_strings(form.getlist("named-graph-uri"))]
        formats += [v for field in FORMAT_FIELDS for v in _strings(form.getlist(field))]
        default_graph_uri = default_graph_uri or None
        named_graph_uri = named_graph_uri or None
    else:
        raise HTTPException(
            415,
            "gunakan application/sparql-query atau form / send the query as application/sparql-query "
            "or as a form (application/x-www-form-urlencoded) with query=",
        )
    return await _answer(request, queries, default_graph_uri, named_graph_uri, formats, audience_of(user))


def _strings(values: Iterable[object]) -> list[str]:
    return [v for v in values if isinstance(v, str)]


async def _answer(
    request: Request,
    queries: list[str],
    default_graphs: list[str] | None,
    named_graphs: list[str] | None,
    formats: list[str],
    audience: Audience = PUBLIC,
) -> Response:
    service: ServiceState = request.app.state.service
    sparql = checked_text(queries, service.settings.query_max_bytes, request.method)
    short = len(sparql) <= _SCREEN_INLINE_CHARS  # the scans of a long text: off the event loop
    form = _screen(sparql) if short else await run_in_threadpool(_screen, sparql)
    accept = request.headers.get("accept")
    protocol = protocol_for(service, sparql, form, accept, (default_graphs, named_graphs), formats, audience)
    if isinstance(protocol, Response):
        return protocol
    client = request.client.host if request.client else ""
    async with service.query_slots.held(client):  # waits here, holding no worker and no thread
        known_small = answer_now(service, protocol)  # a small query seen before: no thread hop
        if known_small is None:
            known_small = await run_in_threadpool(respond, service, protocol)
    return answer_response(*known_small, protocol.max_rows)


def checked_text(queries: list[str], limit: int, method: str) -> str:
    """The one query text of a request, within ``limit`` bytes (else 400, 413 or 414)."""
    if len(queries) != 1 or not queries[0].strip():
        raise HTTPException(
            400, "berikan tepat satu parameter 'query' / give exactly one non-empty 'query' parameter"
        )
    sparql = queries[0]
    if len(sparql) > limit or len(sparql.encode("utf-8", "surrogatepass")) > limit:
        raise HTTPException(
            414 if method == "GET" else 413,
            f"kueri terlalu panjang / the query is longer than {limit:,} bytes (setting query_max_bytes)",
        )
    return sparql


def protocol_for(
    service: ServiceState,
    sparql: str,
    form: str | None,
    accept: str | None,
    dataset: tuple[list[str] | None, list[str] | None],
    formats: list[str],
    audience: Audience,
) -> ProtocolQuery | Response:
    """The request as a worker reads it, or the 406 answer when no offered format is accepted."""
    results_type = _choose(accept, formats, RESULT_TYPES, RESULT_NAMES)
    graph_type = _choose(accept, formats, GRAPH_TYPES, GRAPH_NAMES)
    if form in {"SELECT", "ASK"} and results_type is None:
        return _not_acceptable(RESULT_TYPES, formats, RESULT_NAMES)
    if form in {"CONSTRUCT", "DESCRIBE"} and graph_type is None:
        return _not_acceptable(GRAPH_TYPES, formats, GRAPH_NAMES)
    settings = service.settings
    chosen = graph_type if form in {"CONSTRUCT", "DESCRIBE"} else results_type
    default_graphs, named_graphs = dataset
    return ProtocolQuery(
        sparql,
        max_rows=row_cap(chosen or _JSON, settings.max_result_rows, settings.streaming_max_result_rows),
        default_graphs=tuple(default_graphs) if default_graphs is not None else None,
        named_graphs=tuple(named_graphs) if named_graphs is not None else None,
        results_type=results_type or _JSON,
        graph_type=graph_type or _TURTLE,
        audience=audience,
    )


def answer_response(answer: Answer, path: str, cap: int) -> Response:
    cut = "true" if answer.truncated else "false"
    headers = {"X-Truncated": cut, TRUNCATED_HEADER: cut, ROW_CAP_HEADER: str(cap), "Vary": "Accept"}
    return Response(answer.body, media_type=answer.media_type, headers={**headers, PATH_HEADER: path})


def _screen(sparql: str) -> str | None:
    """The query's form, once it is known to be a read without SERVICE (``answer_request``
    checks its nesting, before a worker sees it)."""
    form, service = _read_form(sparql) if len(sparql) <= _SCREEN_INLINE_CHARS else _form(sparql)
    if form in UPDATE_OPERATIONS:
        raise HTTPException(403, READ_ONLY)
    if service:
        raise HTTPException(403, NO_SERVICE)
    return form


def _form(sparql: str) -> tuple[str | None, bool]:
    return query_form(sparql), uses_service(sparql)


# Clients send the same texts again and again (a dashboard, a tool's look-ups): their scans
# are kept, for short texts only (at most 256 x 16 KB).
_read_form = lru_cache(maxsize=256)(_form)


def _choose(
    accept: str | None, formats: Sequence[str], offers: list[str], names: dict[str, str]
) -> str | None:
    """The answered media type: the first ``format`` value this kind knows, else by ``Accept``."""
    for value in formats:
        key = value.strip().lower()
        if key in names:
            return names[key]
        for offer in offers:
            if key == offer or key in ALIASES.get(offer, ()):
                return offer
    if formats:
        return None
    return negotiate(accept, offers, ALIASES)


def _not_acceptable(offers: list[str], formats: Sequence[str], names: dict[str, str]) -> JSONResponse:
    if formats:
        message = (
            f"format {clip(', '.join(formats))!s} tidak tersedia / not offered for this query; use one of "
            + ", ".join(sorted(names))
        )
    else:
        message = (
            "tidak ada format yang diterima / none of the Accept types is offered; offered: "
            + ", ".join(offers)
        )
    body = error_body(406, message, [{"media_type": t} for t in offers])
    return JSONResponse(body, status_code=406)


# --- the editor page ------------------------------------------------------------------------


def _editor(request: Request) -> Response:
    """The SPARQL editor: prefilled from ``q``, from a named question, or with a starter."""
    service: ServiceState = request.app.state.service
    params = request.query_params
    questions = catalogue(request)
    chosen = params.get("question", "")
    problems: list[str] = []
    status = 200
    text = editor_starter(service.iris, service.settings.home_region)
    if chosen and chosen not in questions.questions:
        problems, status = [questions.not_found(chosen)], 404
    elif chosen:
        given = [(k, v) for k, v in params.multi_items() if k not in ("question", "q")]
        question = questions.get(chosen)
        try:
            text = question_sparql(
                question, bind_parameters(question, given, code_lists(request)), service.iris
            )
        except ParameterError as exc:  # the editor again, naming the refused values
            problems, status = [p["message"] for p in exc.problems], 400
    if "q" in params:
        text = params["q"]
    root = root_of(request)
    config = {"endpoint": f"{root}/sparql", "base": service.iris.base, "root": root}
    examples = [(q.id, q.spec.title) for q in questions.questions.values()]
    return render(
        request,
        "sparql_editor.html",
        status,
        active="sparql",
        text=text,
        examples=examples,
        chosen=chosen,
        problems=problems,
        config=config,
        max_rows=service.settings.max_result_rows,
    )


# --- the service description --------------------------------------------------------------


async def _describe(request: Request, formats: list[str]) -> Response:
    rdf_type = _choose(request.headers.get("accept"), formats, GRAPH_TYPES, GRAPH_NAMES)
    if rdf_type is None:
        return _not_acceptable(GRAPH_TYPES, formats, GRAPH_NAMES)
    service: ServiceState = request.app.state.service
    sizes = await run_in_threadpool(
        service.cached, "graph-sizes", lambda: service.run(graph_sizes, service.iris)
    )
    endpoint = str(request.url_for("sparql_get"))
    rdf = ox.RdfFormat.from_media_type(rdf_type) or ox.RdfFormat.TURTLE
    prefixes = {"sd": SD, **{n: PREFIXES[n] for n in ("void", "dcterms", "xsd")}}
    body = ox.serialize(
        description(
            endpoint,
            sizes,
            time_limit_ms=service.time_limit_ms,
            max_rows=service.settings.max_result_rows,
            media_types=[*RESULT_TYPES, *GRAPH_TYPES],
            streaming_rows=service.settings.streaming_max_result_rows,
        ),
        format=rdf,
        prefixes=prefixes,
    )
    return Response(body, media_type=rdf.media_type, headers={"Vary": "Accept"})
