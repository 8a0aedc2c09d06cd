"""What the linked-data routes share: ``/id/...``, ``/def`` and ``/graph/...``.

The RDF formats offered by extension and by ``Accept`` (in the server's order of preference),
the path as the client sent it, and the 404 whose format follows the path's extension as well
as ``Accept`` (``.html`` with ``*/*`` is a page), which api/errors.py cannot see.
"""

from __future__ import annotations

import pyoxigraph as ox
from fastapi import Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from api.errors import error_body
from api.pages import TEMPLATES, root_of
from api.sessions import signed_in

TURTLE = ox.RdfFormat.TURTLE.media_type
JSONLD = ox.RdfFormat.JSON_LD.media_type
NTRIPLES = ox.RdfFormat.N_TRIPLES.media_type
RDFXML = ox.RdfFormat.RDF_XML.media_type
HTML = "text/html"

# Extension -> media type; the order is the server's preference when Accept allows several.
RDF_EXTENSIONS = {".ttl": TURTLE, ".jsonld": JSONLD, ".nt": NTRIPLES, ".rdf": RDFXML, ".html": HTML}
RDF_ALIASES = {
    JSONLD: ["application/json"],
    TURTLE: ["application/x-turtle"],
    HTML: ["application/xhtml+xml"],
}
FORMAT_NAMES = {TURTLE: "Turtle", JSONLD: "JSON-LD", NTRIPLES: "N-Triples", RDFXML: "RDF/XML", HTML: "HTML"}


def sent_path(request: Request, root: str) -> str:
    """The request path as the client sent it (percent-encoding kept), below the app's root."""
    raw = request.scope.get("raw_path")
    path = raw.decode("latin-1") if isinstance(raw, bytes) else request.url.path
    path = path.split("?", 1)[0]
    return path[len(root) :] if root and path.startswith(root + "/") else path


def not_found(request: Request, iri: str, message: str, *, html: bool) -> Response:
    """A 404 about ``iri``: the page for a browser, else the JSON error shape; varies by Accept."""
    if html:
        page = TEMPLATES.get_template("not_found.html").render(
            root=root_of(request), iri=iri, message=message, viewer=signed_in(request)
        )
        return HTMLResponse(page, status_code=404, headers={"Vary": "Accept"})
    return JSONResponse(error_body(404, message), status_code=404, headers={"Vary": "Accept"})
