"""``POST /region-decisions``: what an unlinked region name means, decided through the API.

The same decision the upload preview's region queue takes (``api.region_decisions``): a
Produsen Data (or an admin) says which region a name in their agency's table means, or that
none of the candidates does. It is written beside ``mappings/linking/aliases.yaml`` with who
and when, and the next load (and every dry run) links the name by it. Needs
``Authorization: Bearer <token>``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from api.auth import require_user
from api.deps import ServiceState
from api.region_decisions import RegionDecision, decide_region
from graph.publish.accounts import User

router = APIRouter(tags=["ingest"])


@router.post(
    "/region-decisions",
    responses={
        400: {"description": "Kode bukan wilayah tingkat itu / the code is not a region of that level"},
        401: {"description": "Perlu token / authentication required"},
        403: {"description": "Instansi tidak berhak / the dataset is another agency's"},
        404: {"description": "Dataset tidak dikenal / unknown dataset"},
    },
    summary="Putuskan nama wilayah / decide what a region name means",
)
async def region_decision(
    request: Request, decision: RegionDecision, user: Annotated[User, Depends(require_user)]
) -> dict[str, Any]:
    """Record that ``variant`` (under ``parent``) in ``dataset``'s tables means region ``code``
    (null: none of the candidates); later loads and previews link the name by it."""
    service: ServiceState = request.app.state.service
    return await run_in_threadpool(decide_region, service, user, decision)
