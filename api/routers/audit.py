"""``/audit``: the audit chain replayed — is the record of loads and publications intact?

=====================================  ==========================================================
GET /audit                             JSON: ``ok``, ``entries``, ``verified``, ``head`` (hash of
                                       the last entry that holds) and ``broken`` (the first broken
                                       entry: line, seq, reason, message) or null; a browser gets
                                       the page, with the last entries
GET /audit?head=HASH                   the same, and ``ok`` only if HASH (a head recorded
                                       elsewhere earlier) is still the hash of an entry
=====================================  ==========================================================

The chain is read from ``settings.audit_location`` and replayed at every request (the
log is small: one line per load, validation or publication). 404 when auditing is off.
The page lists the latest entries without their payloads; an entry about a restricted
(terbatas) dataset shows only its number, time and hash (``graph.provenance.public_chain``).
The head alone, as ``/catalog.json`` and the home page show it, is
``graph.describe.audit_head``. Docs: docs/audit.md.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response

from api.deps import ServiceState
from api.pages import render, root_of, wants_html
from api.shared_reads import published_catalog
from graph.provenance.chain import AuditChain
from graph.provenance.public_chain import public_datasets, public_entries
from graph.rdf.iris import local_path
from graph.settings import Settings

__all__ = ["router"]

router = APIRouter(tags=["audit"])

RECENT = 20  # entries listed on the page


def _chain(settings: Settings) -> AuditChain:
    location = settings.audit_location
    if location is None:
        raise HTTPException(
            404, "rantai audit tidak aktif / the audit chain is off on this instance (setting audit_path)"
        )
    return AuditChain(location)


@router.get(
    "/audit",
    responses={
        200: {"content": {"application/json": {}, "text/html": {}}, "description": "The replay."},
        404: {"description": "Rantai audit tidak aktif / auditing is off."},
    },
)
def audit(
    request: Request,
    head: Annotated[
        str | None,
        Query(
            description="Hash kepala yang dicatat sebelumnya / a head hash recorded earlier", max_length=64
        ),
    ] = None,
) -> Response:
    """Periksa ulang rantai audit / replay the audit chain and name the first broken entry."""
    service: ServiceState = request.app.state.service
    chain = _chain(service.settings)
    result = chain.verify(known_head=head or None)
    body = result.as_dict()
    del body["path"]  # the server's file layout is nobody's business
    if not wants_html(request, ["application/json"]):
        return JSONResponse(body, headers={"Vary": "Accept"})
    shown = service.run(public_datasets, service.iris)
    recent = public_entries(list(chain.entries())[-RECENT:][::-1], shown)
    # A dataset an entry is about is named by its title, not its IRI (which stays as the link).
    titles = {d.iri: d.title for d in published_catalog(service).datasets}
    root = root_of(request)

    def href(iri: str) -> str | None:
        """This service's page of ``iri``, or None for an IRI it does not serve."""
        path = local_path(service.iris, iri)
        return root + path if path else None

    return render(
        request,
        "audit.html",
        result=body,
        recent=recent,
        checked_head=head,
        dataset_title=titles.get,
        href=href,
        json_url=f"{root_of(request)}/audit",
    )
