"""Who may upload, publish and read restricted data: users, roles and their tokens.

The roles follow Satu Data (Perpres 39/2019): a *Produsen Data* loads the tables of
one agency, the *Walidata* checks them and decides what is published, an *admin*
may do both for any agency. Each user has one bearer token, shown once when made.

Tokens are 32 random bytes; only their SHA-256 is stored. A token is random, not
a password a person chose, so a fast hash is enough (there is nothing to guess
from a dictionary) and a lookup by hash needs no per-user salt. The store is one
SQLite file: it is small, needs no server, and its transactions keep two admins
from making the same user at once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from graph.errors import AccountError
from graph.store.versions import Audience

__all__ = ["ROLES", "Accounts", "Role", "User", "token_hash"]

Role = Literal["produsen", "walidata", "admin"]
ROLES: tuple[Role, ...] = ("produsen", "walidata", "admin")
TOKEN_PREFIX = "oc_"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL CHECK (role IN ('produsen', 'walidata', 'admin')),
    agency TEXT,
    token_sha256 TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL,
    revoked TEXT
)
"""


@dataclass(frozen=True)
class User:
    """A user as the service sees one: the role decides what they may do."""

    name: str
    role: Role
    agency: str | None  # agency slug, for a Produsen Data
    agency_iri: str | None = None  # filled by the service from the vocabulary

    def may_upload(self, agency_iri: str) -> bool:
        """A Produsen Data loads only their own agency's datasets; an admin any."""
        if self.role == "admin":
            return True
        return self.role == "produsen" and self.agency_iri is not None and self.agency_iri == agency_iri

    def upload_refusal(
        self, dataset: str, agency: str | None = None, agency_iri: str | None = None
    ) -> str | None:
        """Why this user may not upload a table for ``dataset``, or None when they may.

        Without its agency only the role is asked (before the dataset is looked up): the
        Walidata reviews uploads and never uploads; with it, whether the agency is theirs.
        """
        if self.role == "walidata":
            return "Walidata memeriksa, tidak mengunggah / the Walidata reviews uploads, it does not upload"
        if agency_iri is None or self.may_upload(agency_iri):
            return None
        return (
            f"dataset {dataset!r} milik instansi {agency!r}; token ini tidak berhak mengunggahnya / "
            f"dataset {dataset!r} belongs to agency {agency!r}; this token may not upload it"
        )

    def may_review(self, agency_iri: str | None) -> bool:
        """Whether a held draft of this agency is shown to the user: to the Walidata and admins,
        and to a Produsen Data of that agency."""
        return self.role != "produsen" or (agency_iri is not None and agency_iri == self.agency_iri)

    @property
    def may_decide(self) -> bool:
        """Publishing or rejecting a draft is the Walidata's decision (or an admin's)."""
        return self.role in ("walidata", "admin")

    @property
    def audience(self) -> Audience:
        """Restricted datasets this user may read: all for Walidata and admin, their own
        agency's for a Produsen Data."""
        if self.role in ("walidata", "admin"):
            return Audience(all_restricted=True)
        return Audience(restricted_agencies=frozenset({self.agency_iri} if self.agency_iri else ()))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Accounts:
    """The users file: make, list, revoke, and find a user by token."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One connection per call: the service calls from many threads.
        with closing(sqlite3.connect(self.path, timeout=10)) as db, db:
            db.execute(_SCHEMA)
            yield db

    def add(self, name: str, role: str, agency: str | None = None) -> tuple[User, str]:
        """Make a user; returns it and its token (shown once, never stored).

        Raises:
            AccountError: a bad name or role, a Produsen Data without an agency, a name taken.
        """
        if not _NAME.match(name):
            raise AccountError(
                f"nama pengguna {name!r} tidak sah / invalid user name: letters, digits, '.', '_', "
                "'@', '-', at most 64"
            )
        if role not in ROLES:
            raise AccountError(f"peran {role!r} tidak dikenal / unknown role; use one of {', '.join(ROLES)}")
        if role == "produsen" and not agency:
            raise AccountError(
                "Produsen Data perlu instansi / a Produsen Data needs an agency (--agency, e.g. dinkes)"
            )
        if role != "produsen":
            agency = None
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        try:
            with self._db() as db:
                db.execute(
                    "INSERT INTO users (name, role, agency, token_sha256, created) VALUES (?, ?, ?, ?, ?)",
                    (name, role, agency, token_hash(token), created),
                )
        except sqlite3.IntegrityError:
            raise AccountError(f"pengguna {name!r} sudah ada / user {name!r} already exists") from None
        return User(name, role, agency), token

    def rotate(self, name: str) -> str:
        """A new token for ``name`` (the old one stops working at once)."""
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        with self._db() as db:
            changed = db.execute(
                "UPDATE users SET token_sha256 = ?, revoked = NULL WHERE name = ?", (token_hash(token), name)
            ).rowcount
        if not changed:
            raise AccountError(f"pengguna {name!r} tidak ada / no user {name!r}")
        return token

    def revoke(self, name: str) -> None:
        """Stop ``name``'s token from working (the user stays on record)."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        with self._db() as db:
            changed = db.execute("UPDATE users SET revoked = ? WHERE name = ?", (now, name)).rowcount
        if not changed:
            raise AccountError(f"pengguna {name!r} tidak ada / no user {name!r}")

    def users(self) -> list[tuple[User, bool]]:
        """Every user and whether their token still works."""
        if not self.path.exists():
            return []
        with self._db() as db:
            rows = db.execute("SELECT name, role, agency, revoked FROM users ORDER BY name").fetchall()
        return [(User(n, r, a), revoked is None) for n, r, a, revoked in rows]

    def dates(self) -> dict[str, tuple[str, str | None]]:
        """When each user was made and, if they are, revoked (ISO 8601, UTC)."""
        if not self.path.exists():
            return {}
        with self._db() as db:
            rows = db.execute("SELECT name, created, revoked FROM users").fetchall()
        return {n: (c, r) for n, c, r in rows}

    def authenticate(self, token: str) -> User | None:
        """The user holding ``token``, or None (unknown, revoked, or no users file)."""
        if not token.startswith(TOKEN_PREFIX) or not self.path.exists():
            return None
        with self._db() as db:
            row = db.execute(
                "SELECT name, role, agency FROM users WHERE token_sha256 = ? AND revoked IS NULL",
                (token_hash(token),),
            ).fetchone()
        return User(row[0], row[1], row[2]) if row else None

    def holding(self, name: str, token_sha256: str) -> User | None:
        """``name`` as a user while they still hold the token whose SHA-256 is given: None once
        that token is revoked or rotated (a browser session signed in with it ends then)."""
        if not self.path.exists():
            return None
        with self._db() as db:
            row = db.execute(
                "SELECT name, role, agency FROM users "
                "WHERE name = ? AND token_sha256 = ? AND revoked IS NULL",
                (name, token_sha256),
            ).fetchone()
        return User(row[0], row[1], row[2]) if row else None
