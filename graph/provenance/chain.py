"""The audit chain: a tamper-evident log of every load, link decision, validation and publication.

Issue 8 ("Trust"). Not to be confused with ``graph.provenance.trace``, which traces a figure to its
source for auditors; this is the log that shows the record itself was not rewritten.

The log is one JSON Lines file (``settings.audit_path``), one entry per line: the entry
format, canonical JSON and hashes are in ``graph.provenance.chain_entries``, the replay that
names the first broken entry in ``graph.provenance.chain_verification``. This module writes
and reads the file.

Appends take an exclusive ``flock`` on the file (one writer at a time, across processes)
and are durable (flush and ``fsync``) before ``append`` returns. A crash mid-append can
leave a *torn* last line (no newline at the end): ``verify`` reports it as such. The next
``append`` cuts the torn bytes off and first appends a ``repair`` entry that keeps them
(their text, length and SHA-256), so nothing leaves the log unrecorded and no entry
chains onto garbage. An unreadable *complete* last line is never cut: ``append`` refuses
(``AuditChainError``) until an operator has looked at it.
"""

from __future__ import annotations

import fcntl
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from graph.errors import AuditChainError
from graph.provenance.chain_entries import (
    Entry,
    canonical_json,
    lines_of,
    make_entry,
    parse_entry,
    sha256_hex,
)
from graph.provenance.chain_verification import Verification, verify

__all__ = ["AuditChain", "Head", "read_head"]

_KIND = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
_TAIL_BLOCK = 65536


@dataclass(frozen=True)
class Head:
    """The last entry as written (not verified): what to record elsewhere."""

    hash: str
    seq: int
    time: str | None


class AuditChain:
    """The audit log at ``path`` (created on the first append)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    # Writing -----------------------------------------------------------------------------

    def append(
        self,
        kind: str,
        *,
        actor: str,
        subjects: Sequence[str] = (),
        payload: Mapping[str, Any] | None = None,
    ) -> Entry:
        """Add one entry after the last, under an exclusive lock, and make it durable.

        Raises:
            ValueError: ``kind`` is not a lower-case word, or ``payload`` is not canonical JSON.
            AuditChainError: the last complete line of the log cannot be read.
        """
        if not _KIND.match(kind):
            raise ValueError(f"jenis entri tidak sah / invalid entry kind {kind!r}")
        body = dict(payload or {})
        canonical_json(body)  # refuse NaN and objects JSON cannot hold before taking the lock
        self.path.parent.mkdir(parents=True, exist_ok=True)
        created = not self.path.exists()
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        with os.fdopen(fd, "r+b", buffering=0) as f:
            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
            try:
                if created:
                    _fsync_dir(self.path.parent)
                torn = _cut_torn_tail(f)
                last = _last_entry(f, self.path)
                if torn is not None:
                    last = _write(f, make_entry(last, "repair", actor, [], _repair_payload(torn)))
                return _write(f, make_entry(last, kind, actor, list(subjects), body))
            finally:
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)

    # Reading -----------------------------------------------------------------------------

    def entries(self) -> Iterator[Entry]:
        """Every readable entry in file order (no checks; see ``verify``)."""
        for _, raw, _ in lines_of(self.path):
            entry = parse_entry(raw)
            if entry is not None:
                yield entry

    def head(self) -> Head | None:
        """The last entry as written, read from the end of the file (cheap; not verified)."""
        return read_head(self.path)

    def verify(self, known_head: str | None = None) -> Verification:
        """Replay the chain from the first entry and name the first that does not hold.

        ``known_head``: a head hash recorded elsewhere earlier; it must still be the hash of
        an entry that holds, or entries before it were removed or rewritten.
        """
        return verify(self.path, known_head)


def read_head(path: Path) -> Head | None:
    """The last complete entry of the log at ``path`` as written, or None when there is none."""
    if not path.exists():
        return None
    with path.open("rb") as f:
        entry = _last_entry(f, path, strict=False)
    return None if entry is None else Head(entry.hash, entry.seq, entry.time)


# Appending -------------------------------------------------------------------------------


def _write(f: IO[bytes], entry: Entry) -> Entry:
    # One write of the whole line: a crash leaves at most a torn last line.
    f.write(canonical_json(entry.as_dict()) + b"\n")
    f.flush()
    os.fsync(f.fileno())
    return entry


def _cut_torn_tail(f: IO[bytes]) -> bytes | None:
    """Remove the bytes after the last newline (an interrupted append); return them."""
    size = f.seek(0, os.SEEK_END)
    if size == 0:
        return None
    f.seek(size - 1)
    if f.read(1) == b"\n":
        return None
    start = _last_line_start(f, size)
    f.seek(start)
    torn = f.read(size - start)
    f.truncate(start)
    os.fsync(f.fileno())
    return torn


def _repair_payload(torn: bytes) -> dict[str, Any]:
    return {
        "reason": "torn last line cut off (an append was interrupted)",
        "cut_bytes": len(torn),
        "cut_sha256": sha256_hex(torn),
        "cut_text": torn.decode("utf-8", errors="replace"),
    }


def _last_entry(f: IO[bytes], path: Path, *, strict: bool = True) -> Entry | None:
    """The last complete line's entry; ``strict``: raise when it cannot be read."""
    size = f.seek(0, os.SEEK_END)
    if size == 0:
        return None
    f.seek(size - 1)
    end = size if f.read(1) == b"\n" else _last_line_start(f, size)  # skip a torn tail
    if end == 0:
        return None
    start = _last_line_start(f, end - 1)
    f.seek(start)
    raw = f.read(end - 1 - start)
    entry = parse_entry(raw)
    if entry is None and strict:
        raise AuditChainError(
            f"entri terakhir log audit tidak terbaca / the last entry of the audit log {path} cannot "
            "be read; run `onecenter audit verify`, and have an operator repair the log before "
            "anything else is recorded"
        )
    return entry


def _last_line_start(f: IO[bytes], end: int) -> int:
    """Offset just after the last newline before ``end`` (0 when there is none)."""
    pos = end
    while pos > 0:
        step = min(_TAIL_BLOCK, pos)
        f.seek(pos - step)
        block = f.read(step)
        cut = block.rfind(b"\n")
        if cut >= 0:
            return pos - step + cut + 1
        pos -= step
    return 0


def _fsync_dir(folder: Path) -> None:
    """Make a new file's name durable too (its directory entry)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
