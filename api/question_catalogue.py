"""The named questions of this service and the choices of their parameters, for every route.

``/questions`` answers the questions and ``/sparql`` opens one in the editor; both read the
catalogue (from ``questions/``, once) and the choices (from the published code lists, once
per publication) through here, so that no route imports another.
"""

from __future__ import annotations

import threading

from fastapi import Request

from api.deps import ServiceState
from graph.answer.code_lists import CodeListCache, CodeLists
from graph.answer.question_sources import indicator_agencies
from graph.answer.questions import Catalogue, load_catalogue
from graph.provenance.records import now

__all__ = ["catalogue", "code_lists", "indicator_agencies_of"]

_lock = threading.Lock()


def catalogue(request: Request) -> Catalogue:
    """The question catalogue of this service, read once from ``questions/``."""
    state = request.app.state
    with _lock:
        found: Catalogue | None = getattr(state, "question_catalogue", None)
        if found is None:
            found = load_catalogue(state.service.settings.resolve("questions"))
            state.question_catalogue = found
            state.question_choices = CodeListCache()
        return found


def code_lists(request: Request) -> CodeLists:
    """The parameter choices, from the published code lists (read once per publication), as
    offered today: no year after the current one."""
    catalogue(request)
    service: ServiceState = request.app.state.service
    cache: CodeListCache = request.app.state.question_choices
    lists = cache.get(
        service.store,
        service.iris,
        service.settings.home_region,
        run=service.run,
        view=service.current_view(),
    )
    return lists.as_of(now().date())


def indicator_agencies_of(service: ServiceState) -> dict[str, tuple[str, ...]]:
    """Indicator -> the agencies publishing it, read once per publication."""
    return service.cached(
        "question-indicator-agencies", lambda: service.run(indicator_agencies, service.iris)
    )
