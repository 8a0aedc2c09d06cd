"""The registry: the declared agencies, their datasets and the indicators, read only.

==========================  =============================================================
GET /walidata/registri      the page, for the Walidata and admins (signed in)
GET /registry               the same as JSON, with the Walidata's or an admin's token
==========================  =============================================================

What it lists is ``graph.describe.registry``: ``ontology/*.ttl`` as the store holds it and the
mapping files. It is changed by editing those files (the Walidata's decision, reviewed like
code), not here.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from api.auth import require_walidata
from api.deps import ServiceState
from api.page_auth import page_role
from api.pages import render, root_of
from api.sessions import Session
from graph.describe.registry import Registry, read_registry
from graph.publish.accounts import User
from graph.rdf.iris import local_path
from graph.rdf.namespaces import OC

router = APIRouter(tags=["registry"])


def _registry(service: ServiceState) -> Registry:
    return read_registry(service.store, service.iris, service.vocabulary, service.settings.mappings_path)


@router.get("/walidata/registri", include_in_schema=False)
async def registry_page(
    request: Request, session: Annotated[Session, Depends(page_role("walidata"))]
) -> Response:
    service: ServiceState = request.app.state.service
    registry = await run_in_threadpool(_registry, service)
    root = root_of(request)

    def href(iri: str | None) -> str | None:
        if iri and iri.startswith(OC):  # a term of the vocabulary: its page under /def
            return f"{root}/def/{iri.removeprefix(OC)}"
        path = local_path(service.iris, iri) if iri else None
        return root + path if path else None

    agencies = {a.iri: a for a in registry.agencies}
    response = render(
        request, "registry.html", active="registry", registry=registry, href=href, agencies=agencies
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@router.get(
    "/registry",
    summary="Registri: instansi, dataset, indikator yang dideklarasikan / the declared agencies, "
    "datasets and indicators",
    responses={401: {"description": "Perlu token"}, 403: {"description": "Hanya Walidata atau admin"}},
)
async def registry_json(request: Request, user: Annotated[User, Depends(require_walidata)]) -> dict[str, Any]:
    service: ServiceState = request.app.state.service
    registry = await run_in_threadpool(_registry, service)
    return {"ok": True, **asdict(registry)}
