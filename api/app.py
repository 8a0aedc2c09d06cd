"""The app factory: routers, error handlers and middleware wired in one place."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api.deps import ServiceState
from api.errors import install_error_handlers
from api.routers import health, reconcile, sparql
from graph import __version__
from graph.settings import Settings, load_settings
from graph.store import Store

__all__ = ["create_app"]


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    """Build the service.

    Args:
        settings: the instance's settings (read from onecenter.toml / environment if None).
        store: a store to serve instead of the one the settings point at (tests).
    """
    settings = settings or load_settings()
    app = FastAPI(
        title="One Center",
        version=__version__,
        description="Graf pengetahuan Satu Data / Satu Data knowledge graph: SPARQL and API.",
    )
    app.state.service = ServiceState(settings, store)
    install_error_handlers(app)
    app.add_middleware(
        CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"], allow_headers=["*"]
    )
    app.include_router(health.router)
    app.include_router(sparql.router)
    app.include_router(reconcile.router)
    return app
