"""``/id/...``: every IRI the platform mints dereferences to its description.

``{base_iri}id/wilayah/11.01.02.2003`` is answered at ``/id/wilayah/11.01.02.2003``
whatever address the service runs at: the path after the base IRI is the local path.
RDF keeps the canonical IRIs; HTML links go to local paths so browsing works on an
intranet.

The format is chosen by a known extension (``.ttl .jsonld .nt .rdf .html``), else by
``Accept`` (Turtle when the client accepts anything, HTML for browsers). A path that
ends with a known extension is first tried as an IRI of its own, so an IRI that
really ends in ``.ttl`` still resolves; region codes end in digits and are never
mistaken for an extension. The answer is a 200 with ``Vary: Accept`` and
``Content-Location`` naming the format's own URL (see docs/linked-data.md for why not
a 303). A resource no published triple describes is a 404 (JSON error shape, or an
HTML page for browsers). Query logic: ``graph.describe.resources``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import pyoxigraph as ox
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from api.dataset_pages import dataset_context
from api.deps import ServiceState
from api.errors import error_body
from api.linked_data import FORMAT_NAMES, HTML, RDF_ALIASES, RDF_EXTENSIONS, not_found, sent_path
from api.negotiation import negotiate
from api.pages import TEMPLATES, id_number
from api.region_pages import read_profile, region_context
from api.sessions import Session, signed_in
from graph.describe.descriptions import Description
from graph.describe.figures import RegionFigures, region_figures
from graph.describe.resource_rdf import rdf_prefixes, serialize
from graph.describe.resources import not_described, resolve
from graph.rdf.iris import Iris, local_path
from graph.rdf.namespaces import PREFIXES
from graph.store.versions import PUBLIC, Audience

router = APIRouter(tags=["linked data"])

EXTENSIONS = RDF_EXTENSIONS
OFFERS = list(EXTENSIONS.values())


@router.head("/id/{path:path}", include_in_schema=False)
@router.get(
    "/id/{path:path}",
    operation_id="dereference_resource",
    summary="Dereference a minted IRI (linked data)",
    description=(
        "The description of the resource `{base_iri}id/{path}`: its triples, incoming links "
        "(bounded), labels, a region's hierarchy and an observation's provenance chain. "
        "Format by extension (.ttl, .jsonld, .nt, .rdf, .html) or Accept."
    ),
    response_class=Response,
    responses={
        200: {
            "description": "The description",
            "content": {t: {} for t in OFFERS},
        },
        404: {"description": "No published triple describes this IRI (JSON error shape or HTML)"},
        406: {"description": "None of the Accept types is offered"},
    },
)
async def resource(request: Request, path: str) -> Response:
    service: ServiceState = request.app.state.service
    root = request.scope.get("root_path", "")
    sent = sent_path(request, root)
    extension = next((e for e in EXTENSIONS if sent.endswith(e) and len(sent) > len(e)), None)
    accept = request.headers.get("accept")
    negotiated = negotiate(accept, OFFERS, RDF_ALIASES)
    # The whole path first (an IRI may end in ".ttl"), then without the extension.
    paths = [sent, sent[: -len(extension)]] if extension else [sent]
    found = await run_in_threadpool(service.run, resolve, service.iris, paths)
    if found is None:
        wants_html = (extension == ".html") or (extension is None and negotiated == HTML)
        iri = service.iris.base + sent.lstrip("/")
        return _not_found(request, iri, html=wants_html)
    index, description = found
    media_type = EXTENSIONS[extension] if extension and index == 1 else negotiated
    if media_type is None:
        body = error_body(
            406,
            "tidak ada format yang diterima / none of the Accept types is offered; offered: "
            + ", ".join(OFFERS)
            + "; or add an extension: "
            + " ".join(EXTENSIONS),
            [{"media_type": t} for t in OFFERS],
        )
        return JSONResponse(body, status_code=406, headers={"Vary": "Accept"})
    document = local_path(service.iris, description.iri) or sent
    headers = {
        "Vary": "Accept",
        "Content-Location": root + document + _extension_of(media_type),
        "X-Truncated": "true" if description.truncated else "false",
        "Link": ", ".join(
            f'<{root}{document}{ext}>; rel="alternate"; type="{mt}"' for ext, mt in EXTENSIONS.items()
        ),
    }
    # Rendering a large page takes a few milliseconds: keep it off the event loop.
    if media_type == HTML:
        # ?sumber=<dataset> (or ?dataset=): prefer that dataset's figures where it publishes them.
        asked = [v for k, v in request.query_params.multi_items() if k in ("sumber", "dataset") and v]
        # Kept until the next publication, as the region's profile is (the same figures).
        figures = (
            await run_in_threadpool(
                service.cached,
                f"region-figures {description.iri} {' '.join(asked)}",
                lambda: service.run(region_figures, service.iris, description.iri, sources=tuple(asked)),
            )
            if description.kind[0] == "region"
            else None
        )
        # A published dataset's page for people (api/dataset_pages.py); None: the plain page.
        dataset = (
            await run_in_threadpool(dataset_context, service, description.iri, root, _audience(request))
            # A restricted dataset's public card is typed dcat:Dataset only: known by its IRI.
            if description.iri.startswith(service.iris.dataset(""))
            else None
        )
        # A region's profile for people (api/region_pages.py); None: the plain page.
        region = (
            region_context(await read_profile(request, service, description.iri), root)
            if description.kind[0] == "region"
            else None
        )
        page = await run_in_threadpool(
            _render_page, description, service.iris, root, figures, dataset, region, signed_in(request)
        )
        return HTMLResponse(page, headers=headers)
    rdf = await run_in_threadpool(serialize, description, service.iris, media_type)
    return Response(rdf, media_type=media_type, headers=headers)


def _audience(request: Request) -> Audience:
    """Whose page it is: a signed-in reader's restricted datasets show in full."""
    session = signed_in(request)
    return session.user.audience if session is not None else PUBLIC


def _extension_of(media_type: str) -> str:
    return next(e for e, t in EXTENSIONS.items() if t == media_type)


def _not_found(request: Request, iri: str, *, html: bool) -> Response:
    # Answered here rather than raised as UnknownResource: the 404's format follows the path's
    # extension as well as Accept (api/linked_data.py).
    return not_found(request, iri, not_described(iri), html=html)


# --- HTML ---------------------------------------------------------------------------------

_PLAIN = {PREFIXES["xsd"] + "string", PREFIXES["rdf"] + "langString"}


def _by_property(triples: list[ox.Triple]) -> list[tuple[str, list[Any]]]:
    """Objects grouped by property, ``rdf:type`` first, then in the description's order."""
    groups: dict[str, list[Any]] = {}
    for t in triples:
        groups.setdefault(t.predicate.value, []).append(t.object)
    rdf_type = PREFIXES["rdf"] + "type"
    return sorted(groups.items(), key=lambda item: item[0] != rdf_type)


def _render_page(
    description: Description,
    iris: Iris,
    root: str,
    figures: RegionFigures | None = None,
    dataset: dict[str, Any] | None = None,
    region: dict[str, Any] | None = None,
    viewer: Session | None = None,
) -> str:
    prefixes = rdf_prefixes(iris)
    document = local_path(iris, description.iri) or ""

    def href(iri: str) -> str | None:
        """Local path for the instance's own resources; the IRI itself for the rest of the web."""
        local = local_path(iris, iri)
        if local is not None:
            return root + local
        if iri.startswith(PREFIXES["oc"]) and len(iri) > len(PREFIXES["oc"]):
            return (
                f"{root}/def#{iri[len(PREFIXES['oc']) :]}"  # the vocabulary's page (api/routers/ontology.py)
            )
        if iri.startswith(iris.base + "graph/"):
            return root + "/" + iri[len(iris.base) :]  # a named graph (api/routers/named_graphs.py)
        if iri.startswith(iris.base):
            return None
        return iri if iri.startswith(("http://", "https://")) else None

    def curie(iri: str) -> str:
        """``skos:broader``, ``wilayah:11.01``; the path below ``id/`` for other own IRIs."""
        best = max(
            ((name, ns) for name, ns in prefixes.items() if iri.startswith(ns) and len(iri) > len(ns)),
            key=lambda item: len(item[1]),
            default=None,
        )
        if best:
            return f"{best[0]}:{unquote(iri[len(best[1]) :])}"
        local = local_path(iris, iri)
        return unquote(local[len("/id/") :]) if local else iri

    def label(iri: str, language: str = "id") -> str | None:
        return description.label(iri, language)

    def english(iri: str) -> str | None:
        """The English label when it differs from the Indonesian one."""
        en = description.label(iri, "en")
        return en if en and en != description.label(iri, "id") else None

    helpers: dict[str, Callable[..., Any]] = {
        "href": href,
        "curie": curie,
        "label": label,
        "english": english,
        "is_literal": lambda t: isinstance(t, ox.Literal),
        "is_iri": lambda t: isinstance(t, ox.NamedNode),
        "show_datatype": lambda t: t.language is None and t.datatype.value not in _PLAIN,
        "by_property": _by_property,
        "code_of": lambda iri: unquote(iri.rstrip("/").rsplit("/", 1)[-1]),
        "person": iris.person,  # the IRI minted for a person's name
    }
    formats = [(FORMAT_NAMES[mt], root + document + ext, mt) for ext, mt in EXTENSIONS.items() if mt != HTML]
    template = TEMPLATES.get_template(
        "dataset.html" if dataset else "region.html" if region else "resource.html"
    )
    return template.render(
        viewer=viewer,
        **(dataset or {}),
        **(region or {}),
        d=description,
        kind=description.kind,
        title=description.title("id"),
        title_en=description.title("en"),
        formats=formats,
        root=root,
        figures=figures,
        id_number=id_number,
        PREFIXES=PREFIXES,
        SH=PREFIXES["sh"],
        **helpers,
    )
