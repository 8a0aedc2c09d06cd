"""``/graph/...``: every named graph a reader may query answers at its IRI's path.

``{base_iri}graph/dataset/{id}/{load}`` (a dataset's published version: the graph a load's
provenance names with ``prov:generated``) and the fixed graphs (``graph/ontologi``,
``graph/wilayah``, ``graph/periode``, ``graph/keputusan``, ``graph/katalog``,
``graph/provenans``) answer with an HTML page (what the graph is, its triples and
observations, its dataset and the load that wrote it, links to the downloads), or with the
graph's quads as N-Quads or TriG, by ``Accept`` or by extension (``.nq``, ``.trig``,
``.html``; N-Quads for ``*/*`` and no ``Accept``). A graph the reader may not query — a
restricted dataset's version without a token that reads it, a draft, a superseded version — is
a 404, the very answer a graph that does not exist gets (as at ``/sparql``). Reading:
``graph.describe.named_graphs``.
"""

from __future__ import annotations

from typing import Annotated, Any

import pyoxigraph as ox
from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from api.auth import audience_of, current_user
from api.deps import ServiceState
from api.errors import error_body
from api.linked_data import HTML, not_found, sent_path
from api.negotiation import negotiate
from api.pages import TEMPLATES, id_number, root_of
from api.sessions import signed_in
from graph.describe.named_graphs import NamedGraph, find_graph, graph_quads
from graph.publish.accounts import User
from graph.rdf.iris import local_path
from graph.store.versions import Audience

router = APIRouter(tags=["linked data"])

NQUADS = ox.RdfFormat.N_QUADS.media_type
TRIG = ox.RdfFormat.TRIG.media_type
EXTENSIONS = {".nq": NQUADS, ".trig": TRIG, ".html": HTML}
OFFERS = list(EXTENSIONS.values())
ALIASES = {HTML: ["application/xhtml+xml"]}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The graph's page, or its quads", "content": {t: {} for t in OFFERS}},
    404: {"description": "No graph the reader may query has this IRI (JSON error shape or HTML)"},
    406: {"description": "None of the Accept types is offered"},
}


@router.head("/graph/{path:path}", include_in_schema=False)
@router.get(
    "/graph/{path:path}",
    summary="A named graph: its page, or its quads (N-Quads, TriG)",
    response_class=Response,
    responses=_RESPONSES,
)
async def named_graph(
    request: Request, path: str, user: Annotated[User | None, Depends(current_user)] = None
) -> Response:
    service: ServiceState = request.app.state.service
    root = root_of(request)
    sent = sent_path(request, root)
    extension = next((e for e in EXTENSIONS if sent.endswith(e) and len(sent) > len(e)), None)
    # The whole path first (an IRI may end in ".nq"), then without the extension.
    paths = [sent, sent[: -len(extension)]] if extension else [sent]
    candidates = [service.iris.base + p.lstrip("/") for p in paths]
    audience = audience_of(user)
    negotiated = negotiate(request.headers.get("accept"), OFFERS, ALIASES)
    found = await run_in_threadpool(service.run, find_graph, service.iris, candidates, audience)
    if found is None:
        html = extension == ".html" or (extension is None and negotiated == HTML)
        return _not_found(request, candidates[-1], html=html)
    index, graph = found
    media_type = EXTENSIONS[extension] if extension and index == 1 else negotiated
    if media_type is None:
        message = "tidak ada format yang diterima / none of the Accept types is offered; offered: "
        problem = error_body(406, message + ", ".join(OFFERS), [{"media_type": t} for t in OFFERS])
        return JSONResponse(problem, status_code=406, headers={"Vary": "Accept"})
    document = "/" + graph.iri[len(service.iris.base) :]
    headers = {
        "Vary": "Accept",
        "Content-Location": root + document + next(e for e, t in EXTENSIONS.items() if t == media_type),
        "Link": ", ".join(
            f'<{root}{document}{e}>; rel="alternate"; type="{t}"' for e, t in EXTENSIONS.items()
        ),
    }
    if media_type == HTML:
        page = await run_in_threadpool(_page, request, graph, document)
        return HTMLResponse(page, headers=headers)
    body = await run_in_threadpool(_quads, service, graph.iri, media_type, audience)
    if body is None:  # no longer readable: a publication came in between
        return _not_found(request, graph.iri, html=False)
    return Response(body, media_type=media_type, headers=headers)


def _quads(service: ServiceState, graph: str, media_type: str, audience: Audience) -> bytes | None:
    return service.run(graph_quads, service.iris, graph, media_type, audience)


def _not_found(request: Request, iri: str, *, html: bool) -> Response:
    message = (
        f"tidak ada graf terbit yang dapat dibaca dengan IRI ini / no published graph you may read "
        f"has the IRI {iri}; the service description (GET /sparql) lists them"
    )
    return not_found(request, iri, message, html=html)


def _page(request: Request, graph: NamedGraph, document: str) -> str:
    service: ServiceState = request.app.state.service
    root = root_of(request)

    def href(iri: str | None) -> str | None:
        local = local_path(service.iris, iri) if iri else None
        return root + local if local else None

    downloads = [("N-Quads", root + document + ".nq", NQUADS), ("TriG", root + document + ".trig", TRIG)]
    sparql = f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph.iri}> {{ ?s ?p ?o }} }} LIMIT 100"
    return TEMPLATES.get_template("named_graph.html").render(
        root=root,
        viewer=signed_in(request),
        g=graph,
        href=href,
        downloads=downloads,
        sparql=sparql,
        id_number=id_number,
    )
