"""The app factory: routers, error handlers and middleware wired in one place."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from api.api_docs import router as api_docs_router
from api.csrf import CsrfRefused, csrf_refused
from api.deps import ServiceState
from api.errors import install_error_handlers
from api.page_auth import NotAllowedHere, SignInRequired, not_allowed_here, sign_in_required
from api.private_answers import PrivateWhenSignedIn
from api.request_limits import RequestLimits
from api.routers import (
    accounts,
    accounts_pages,
    audit,
    catalog,
    coherence,
    health,
    home,
    ingest,
    insight,
    map,
    mapping_assistant,
    mapping_proposals,
    my_data,
    named_graphs,
    ontology,
    provenance,
    questions,
    reconcile,
    region_decisions,
    registry,
    resources,
    sign_in,
    sparql,
    walidata,
)
from api.security_headers import SecurityHeaders
from api.sessions import Sessions
from api.sign_in_limits import SignInAttempts
from api.sparql_fast import SmallQueries
from api.staging import STAGING_FOLDER, StagedUploads
from graph.settings import Settings, load_settings
from graph.store.interface import Store
from graph.version import __version__

__all__ = ["create_app"]


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    """Build the service.

    Args:
        settings: the instance's settings (read from onecenter.toml / environment if None).
        store: a store to serve instead of the one the settings point at (tests).
    """
    settings = settings or load_settings()
    service = ServiceState(settings, store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await run_in_threadpool(service.start)  # the query worker processes
        yield
        await run_in_threadpool(service.close)

    app = FastAPI(
        title="One Center",
        version=__version__,
        description="Graf pengetahuan Satu Data / Satu Data knowledge graph: SPARQL and API.",
        lifespan=lifespan,
        # /docs and /redoc are api.api_docs: FastAPI's own load Swagger UI / ReDoc from a CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.service = service
    # Browser sign-in (api.routers.sign_in): sessions and failed attempts, in this process's memory.
    app.state.sessions = Sessions(settings.session_idle_minutes * 60, settings.session_max_hours * 3600)
    app.state.sign_in_attempts = SignInAttempts(
        settings.sign_in_max_failures, settings.sign_in_window_minutes * 60
    )
    # Uploads a Produsen Data previews before submitting (api.staging): as long as a session idles.
    app.state.staged_uploads = StagedUploads(
        settings.resolve(settings.uploads_dir) / STAGING_FOLDER, settings.session_idle_minutes * 60
    )
    install_error_handlers(app)
    app.add_exception_handler(CsrfRefused, csrf_refused)
    app.add_exception_handler(SignInRequired, sign_in_required)
    app.add_exception_handler(NotAllowedHere, not_allowed_here)
    # Middleware added later wraps what was added before: sizes and the upload gate innermost,
    # so even their refusals carry CORS and the security headers.
    # Innermost: the public's known-small /sparql queries, answered before the routing (api.sparql_fast).
    app.add_middleware(SmallQueries, service=service)
    app.add_middleware(RequestLimits, service=service)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"],
        allow_methods=["GET", "POST"],
        allow_headers=["*"],
        expose_headers=["X-Truncated", "X-OneCenter-Truncated", "X-OneCenter-Row-Cap"],
    )

    # An answer to a token or a signed-in browser may hold restricted data: kept by no shared cache.
    app.add_middleware(PrivateWhenSignedIn)
    app.add_middleware(SecurityHeaders)

    # In this order: a route of an earlier router wins where two paths could match.
    for routes in (
        home,
        health,
        sparql,
        reconcile,
        questions,
        insight,
        resources,
        ontology,
        named_graphs,
        catalog,
        provenance,
        audit,
        coherence,
        map,
        ingest,
        region_decisions,
        sign_in,
        walidata,
        registry,
        accounts_pages,
        accounts,
        mapping_assistant,
        mapping_proposals,
        my_data,
    ):
        app.include_router(routes.router)
    app.include_router(api_docs_router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    return app
