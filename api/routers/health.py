"""``/health``: is the service up, and what does it serve."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from api.deps import ServiceState
from graph.store.versions import published_datasets
from graph.version import __version__

router = APIRouter(tags=["health"])


@router.get("/health")
def health(request: Request) -> dict[str, Any]:
    service: ServiceState = request.app.state.service
    datasets = published_datasets(service.store, service.iris)
    return {
        "ok": True,
        "version": __version__,
        "home_region": service.settings.home_region,
        "datasets_published": len(datasets),
        # Named questions with a columnar plan are answered from the view once it is ready.
        "columnar_view": service.view_status(),
    }
