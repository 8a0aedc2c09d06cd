"""Browser sessions of the signed-in pages: kept on the server, named by a random id in a cookie.

A session holds the user, the SHA-256 of the token they signed in with, when it began, when it
was last used, and its CSRF secret. Each request asks the accounts file whether the user still
holds that token, so revoking a user or rotating their token ends their sessions at once.

Sessions live in the memory of the service process (the service runs as one process; its query
workers never see sessions): a restart signs everyone out, which is the safe side. The clock is
an input, so tests move time instead of sleeping.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import cast

from fastapi import Request

from graph.publish.accounts import User

__all__ = ["SESSION_COOKIE", "Session", "Sessions", "signed_in"]

SESSION_COOKIE = "oc_sesi"
_UNKNOWN = object()


@dataclass
class Session:
    id: str
    user: User
    token_sha256: str
    created: float
    last_seen: float
    csrf: str


class Sessions:
    """The live sessions; idle and absolute lifetimes in seconds, ``clock`` in seconds."""

    def __init__(self, idle_s: float, max_s: float, clock: Callable[[], float] = time.time) -> None:
        self.idle_s = idle_s
        self.max_s = max_s
        self.clock = clock
        self._lock = threading.Lock()
        self._live: dict[str, Session] = {}

    def _expired(self, session: Session, now: float) -> bool:
        return now - session.last_seen > self.idle_s or now - session.created > self.max_s

    def start(self, user: User, token_sha256: str) -> Session:
        """A new session (always a new id: an id seen before sign-in never becomes signed in)."""
        now = self.clock()
        session = Session(secrets.token_urlsafe(32), user, token_sha256, now, now, secrets.token_urlsafe(32))
        with self._lock:
            # Sweep the expired ones here: sessions are only made by a good sign-in, so this
            # keeps the table as small as the people signed in.
            for old in [s for s in self._live.values() if self._expired(s, now)]:
                del self._live[old.id]
            self._live[session.id] = session
        return session

    def find(self, session_id: str) -> Session | None:
        """The live session with this id, marked as used now; None when unknown or expired."""
        now = self.clock()
        with self._lock:
            session = self._live.get(session_id)
            if session is None:
                return None
            if self._expired(session, now):
                del self._live[session_id]
                return None
            session.last_seen = now
            return session

    def end(self, session_id: str) -> None:
        with self._lock:
            self._live.pop(session_id, None)

    def __len__(self) -> int:
        return len(self._live)


def signed_in(request: Request) -> Session | None:
    """The request's live session whose user still holds their token (once per request)."""
    found = getattr(request.state, "signed_in", _UNKNOWN)
    if found is _UNKNOWN:
        request.state.signed_in = found = _look_up(request)
    return cast(Session | None, found)


def _look_up(request: Request) -> Session | None:
    app = request.scope.get("app")  # None for a page rendered outside an app (unit tests)
    sessions: Sessions | None = getattr(app.state, "sessions", None) if app is not None else None
    session_id = request.cookies.get(SESSION_COOKIE)
    if app is None or sessions is None or not session_id:
        return None
    session = sessions.find(session_id)
    if session is None:
        return None
    service = app.state.service
    user = service.accounts.holding(session.user.name, session.token_sha256)
    if user is None:  # revoked, or a new token: the session ends with the old one
        sessions.end(session.id)
        return None
    if user.agency is not None:  # as the API sees a token holder (ServiceState.authenticate)
        user = replace(user, agency_iri=service.agency_iris.get(user.agency))
    session.user = user
    return session
