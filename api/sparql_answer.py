"""How ``/sparql`` answers a query: who asks, and which path answers.

The router (``api.routers.sparql``) reads the protocol; this module decides, per query,
between the columnar path (``graph.answer.cube_sparql``: cube-shaped queries of the public,
answered from the observation view), the store in this process for a query whose work is
bounded (``graph.answer.bounded_sparql``: "store-inline", on the event loop itself once its
bound is known, ``answer_now``) and the store through a query worker with the time limit,
and names the one taken in the ``X-OneCenter-Path`` header.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials
from starlette.concurrency import run_in_threadpool

from api.auth import BEARER, current_user
from api.deps import ServiceState
from api.sessions import SESSION_COOKIE
from graph.answer.bounded_sparql import LOOP_BUDGET, answer_small
from graph.answer.cube_sparql import answer_cube, may_be_cube, recognise
from graph.answer.sparql import Answer, ProtocolQuery, answer_request, check_nesting
from graph.errors import StoreError
from graph.publish.accounts import User
from graph.store.versions import published_graphs

__all__ = ["PATH_HEADER", "answer_now", "query_user", "respond"]

log = logging.getLogger("onecenter.sparql")

# The header naming the path that answered: "columnar", "store-inline" or "store".
PATH_HEADER = "X-OneCenter-Path"


async def query_user(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]
) -> User | None:
    """``current_user``, without a hop to a thread for the public: a request with no token and
    no session that could count (a POST's never does) is anonymous, decided on the event loop."""
    signed = request.method in ("GET", "HEAD") and SESSION_COOKIE in request.cookies
    if credentials is None and "authorization" not in request.headers and not signed:
        return None
    return await run_in_threadpool(current_user, request, credentials)


def answer_now(service: ServiceState, protocol: ProtocolQuery) -> tuple[Answer, str] | None:
    """On the event loop, without waiting for anything: the answer of a query ``respond`` has
    already found to read at most ``LOOP_BUDGET`` index entries, on the read-only handle already
    open at this publication; None otherwise (``respond``, on a thread, answers it)."""
    generation = service.generation
    handle = service.reader_at(generation) if generation is not None else None
    readable = service.cached_value(_readable_key(protocol))
    if handle is None or readable is None:
        return None
    protocol = replace(protocol, published=tuple(readable))
    try:
        small = answer_small(handle, protocol, generation, LOOP_BUDGET, count=False)
    except (StoreError, OSError, RuntimeError):  # e.g. a file a load's compaction removed:
        return None  # the thread's path tries again on a fresh handle
    return (small, "store-inline") if small is not None else None


def _readable_key(protocol: ProtocolQuery) -> str:
    return f"sparql-published {protocol.audience!r}"


def respond(service: ServiceState, protocol: ProtocolQuery) -> tuple[Answer, str]:
    """The answer and the path that gave it. The graphs the audience may read are kept per
    publication (they were otherwise read from the catalogue for every query)."""
    audience = protocol.audience
    # A read of the catalogue (bounded by the datasets there are), in this process: the first
    # query after a publication does not wait for a worker that a runaway query may hold.
    readable = service.cached(
        _readable_key(protocol), lambda: published_graphs(service.store, service.iris, audience)
    )
    protocol = replace(protocol, published=tuple(readable))
    answer = _columnar(service, protocol, readable)
    if answer is not None:
        return answer, "columnar"
    generation = service.generation  # None: no worker to spare (an in-memory or remote store)
    if generation is not None:
        small = answer_small(service.store, protocol, generation)
        if small is not None:
            return small, "store-inline"
    return answer_request(service.run, service.iris, protocol), "store"


def _columnar(service: ServiceState, protocol: ProtocolQuery, readable: list[str]) -> Answer | None:
    """The answer from the observation view, or None when the query is not certainly
    cube-shaped, the view is not ready or not of the shape that makes it exact, or the request
    reads other graphs than the public's (the view holds public data only)."""
    if not protocol.audience.is_public or not may_be_cube(protocol.sparql):
        return None  # a text test: every other query pays microseconds
    check_nesting(protocol.sparql)  # before a recursive parser reads it, as the store's path
    cube = recognise(protocol.sparql)
    if cube is None or not _all_published(protocol, readable):
        return None
    view = service.current_view()
    if view is None or set(view.graphs) != set(readable) or not service.cube_shapes.complete(view):
        return None  # no view, or one of other graphs than this reader was told are published
    try:
        return answer_cube(view, cube, protocol)
    except Exception:  # a case the translation did not foresee: the store names the answer
        log.warning("columnar answer failed; asking the store", exc_info=True)
        return None


def _all_published(protocol: ProtocolQuery, readable: list[str]) -> bool:
    """Whether the request's dataset is every graph the public reads (or is not named)."""
    default, named = protocol.default_graphs, protocol.named_graphs
    if default is None and named is None:
        return True
    return set(default or ()) == set(readable) and set(named or ()) <= set(readable)
