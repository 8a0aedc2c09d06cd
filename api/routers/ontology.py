"""``/def``: the shared vocabulary (``https://w3id.org/onecenter/def#``) at the instance.

``/def`` answers the ontology document as the ontology graph publishes it (``graph.describe.
ontology``: the ``owl:Ontology`` and every ``oc:`` term, each ``rdfs:isDefinedBy`` it): an HTML
page listing every class, property and value with its labels, definition, domain and range
(``/def#Region`` is the term's anchor there), or Turtle, JSON-LD, N-Triples or RDF/XML by
``Accept`` or by extension (``/def.ttl``, ``/def.jsonld``, ``/def.nt``, ``/def.rdf``,
``/def.html``). ``/def/{version}`` (the path of the ontology's ``owl:versionIRI``, e.g.
``/def/0.1.0``) is the same document while that version is the one published;
``/def/{Term}`` is one term's own description, in the same formats. ``/def/`` and
``/ontology`` redirect to ``/def``. Turtle is the answer for ``*/*`` and no ``Accept``
(``curl``), HTML for browsers, as at ``/id/``. The namespace's w3id.org redirect may point at
any instance's ``/def``: every instance publishes the same vocabulary.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from api.deps import ServiceState
from api.errors import error_body
from api.linked_data import FORMAT_NAMES, HTML, RDF_ALIASES, RDF_EXTENSIONS, not_found
from api.negotiation import negotiate
from api.pages import TEMPLATES, root_of
from api.sessions import signed_in
from graph.describe.ontology import ONTOLOGY, Ontology, Term, read_ontology
from graph.describe.resource_rdf import rdf_prefixes
from graph.rdf.iris import local_path
from graph.rdf.namespaces import OC

router = APIRouter(tags=["linked data"])

EXTENSIONS = RDF_EXTENSIONS
OFFERS = list(EXTENSIONS.values())
ALIASES = RDF_ALIASES
_PREFIXES = {"vann": "http://purl.org/vocab/vann/"}
_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The vocabulary (or the term)", "content": {t: {} for t in OFFERS}},
    404: {"description": "No such term or version (JSON error shape or HTML)"},
    406: {"description": "None of the Accept types is offered"},
}


@router.get("/ontology", include_in_schema=False)
@router.get("/ontology/", include_in_schema=False)
@router.get("/def/", include_in_schema=False)
async def to_the_vocabulary(request: Request) -> RedirectResponse:
    """The vocabulary's other addresses lead to ``/def``."""
    return RedirectResponse(root_of(request) + "/def", status_code=301)


@router.head("/def", include_in_schema=False)
@router.get(
    "/def",
    summary="The One Center vocabulary (oc:), by content negotiation",
    response_class=Response,
    responses=_RESPONSES,
)
async def vocabulary(request: Request) -> Response:
    return await _answer(request, None, None)


@router.head("/def.{extension}", include_in_schema=False)
@router.get(
    "/def.{extension}",
    summary="The One Center vocabulary in the format of the extension (ttl, jsonld, nt, rdf, html)",
    response_class=Response,
    responses=_RESPONSES,
)
async def vocabulary_as(request: Request, extension: str) -> Response:
    if "." + extension not in EXTENSIONS:
        return _not_found(request, f"{ONTOLOGY}.{extension}", html=False)
    return await _answer(request, None, "." + extension)


@router.head("/def/{name}", include_in_schema=False)
@router.get(
    "/def/{name}",
    summary="One term of the vocabulary (/def/Region), or a version (/def/0.1.0)",
    response_class=Response,
    responses=_RESPONSES,
)
async def term_or_version(request: Request, name: str) -> Response:
    return await _answer(request, name, None)


def _read(service: ServiceState) -> Ontology:
    return service.cached("ontology", lambda: service.run(read_ontology, service.iris))


async def _answer(request: Request, name: str | None, extension: str | None) -> Response:
    service: ServiceState = request.app.state.service
    ontology = await run_in_threadpool(_read, service)
    term: Term | None = None
    if name is not None:
        found = _find(ontology, name)
        if found is None:
            wants = (
                name.endswith(".html") or negotiate(request.headers.get("accept"), OFFERS, ALIASES) == HTML
            )
            return _not_found(request, OC + name, html=wants)
        term, extension = found
    media_type = (
        EXTENSIONS[extension] if extension else negotiate(request.headers.get("accept"), OFFERS, ALIASES)
    )
    if media_type is None:
        problem = error_body(
            406,
            "tidak ada format yang diterima / none of the Accept types is offered; offered: "
            + ", ".join(OFFERS)
            + "; or add an extension: "
            + " ".join(EXTENSIONS),
            [{"media_type": t} for t in OFFERS],
        )
        return JSONResponse(problem, status_code=406, headers={"Vary": "Accept"})
    root = root_of(request)
    document = f"/def/{quote(term.name)}" if term else "/def"
    ext = next(e for e, t in EXTENSIONS.items() if t == media_type)
    headers = {
        "Vary": "Accept",
        "Content-Location": root + document + ext,
        "Link": ", ".join(
            f'<{root}{document}{e}>; rel="alternate"; type="{t}"' for e, t in EXTENSIONS.items()
        ),
    }
    if media_type == HTML:
        page = await run_in_threadpool(_page, request, ontology, term, document)
        return HTMLResponse(page, headers=headers)
    triples = term.triples if term else ontology.triples
    rdf = ox.RdfFormat.from_media_type(media_type) or ox.RdfFormat.TURTLE
    prefixes = {**rdf_prefixes(service.iris), **_PREFIXES}
    body = await run_in_threadpool(_serialize, triples, rdf, prefixes)
    return Response(body, media_type=media_type, headers=headers)


def _serialize(triples: tuple[ox.Triple, ...], rdf: ox.RdfFormat, prefixes: dict[str, str]) -> bytes:
    return ox.serialize(triples, format=rdf, prefixes=prefixes) or b""


def _find(ontology: Ontology, name: str) -> tuple[Term | None, str | None] | None:
    """(the term, or None for the whole document at its version; the extension asked for)."""
    tries: list[tuple[str, str | None]] = [(name, None)]
    tries += [(name[: -len(e)], e) for e in EXTENSIONS if name.endswith(e) and len(name) > len(e)]
    for candidate, extension in tries:
        if candidate == ontology.version_name:
            return None, extension
        term = ontology.term(candidate)
        if term is not None:
            return term, extension
    return None


def _not_found(request: Request, iri: str, *, html: bool) -> Response:
    message = (
        f"kosakata One Center tidak mendefinisikan {iri} / the One Center vocabulary does not define "
        f"{iri}; its terms and its version are listed at /def"
    )
    return not_found(request, iri, message, html=html)


def _page(request: Request, ontology: Ontology, term: Term | None, document: str) -> str:
    """The vocabulary's page, or one term's page."""
    service: ServiceState = request.app.state.service
    root = root_of(request)
    prefixes = {**rdf_prefixes(service.iris), **_PREFIXES}

    def curie(iri: str) -> str:
        best = max(
            ((n, ns) for n, ns in prefixes.items() if iri.startswith(ns) and len(iri) > len(ns)),
            key=lambda item: len(item[1]),
            default=None,
        )
        return f"{best[0]}:{iri[len(best[1]) :]}" if best else iri

    def href(iri: str) -> str | None:
        """A term's anchor on the vocabulary's page (its own page from a term's page); the
        instance's own resources by their local path; the rest of the web as it is."""
        if iri == ONTOLOGY:
            return root + "/def"
        if iri.startswith(OC) and ontology.term(iri[len(OC) :]):
            name = quote(iri[len(OC) :])
            return f"#{name}" if term is None else f"{root}/def/{name}"
        local = local_path(service.iris, iri)
        if local is not None:
            return root + local
        return iri if iri.startswith(("http://", "https://")) else None

    formats = [(FORMAT_NAMES[t], root + document + e, t) for e, t in EXTENSIONS.items() if t != HTML]
    return TEMPLATES.get_template("ontology.html").render(
        root=root,
        viewer=signed_in(request),
        ontology_iri=ONTOLOGY,
        ontology=ontology,
        term=term,
        groups=[] if term else ontology.groups(),
        formats=formats,
        curie=curie,
        href=href,
        is_literal=lambda t: isinstance(t, ox.Literal),
        is_iri=lambda t: isinstance(t, ox.NamedNode),
    )
