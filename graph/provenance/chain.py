"""The audit chain: a tamper-evident log of every load, link decision, validation and publication.

Issue 8 ("Trust"). Not to be confused with ``graph.provenance.history``, which traces a figure to its
source for auditors; this is the log that shows the record itself was not rewritten.

The log is one JSON Lines file (``settings.audit_path``), one entry per line, each line
canonical JSON (keys sorted, no spaces, UTF-8, no NaN). An entry holds:

==============  =============================================================================
``v``           format version (1)
``seq``         1, 2, 3, …: the line number, while the log is intact
``time``        UTC, ISO 8601
``kind``        what happened: load, link-decisions, reference, validation, publication,
                hold, rejection, upload, repair (``KINDS``; other lower-case words are allowed)
``actor``       who did it (``settings.agent`` or the operating-system user)
``subjects``    the IRIs it is about (dataset, load, version graph, report)
``payload``     what it records (a JSON object); graphs under ``"graphs"`` as
                IRI -> {quads, sha256, algorithm}: their RDFC-1.0 hash (``graph.provenance.graph_hash``)
``content_hash`` SHA-256 of the canonical JSON of ``payload``
``previous``    the ``hash`` of the entry before it; 64 zeros for the first
``hash``        SHA-256 of the canonical JSON of the entry without ``hash``
==============  =============================================================================

Changing, removing or reordering an entry breaks the chain at that entry, and
``verify`` names the first broken one. Rewriting the whole chain from some entry on is
only detected against a head recorded elsewhere, which is why the head is shown on the
catalogue and ``verify(known_head=...)`` checks that a recorded head is still in the chain.

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
import hashlib
import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from graph.errors import AuditChainError

__all__ = [
    "GENESIS",
    "KINDS",
    "AuditChain",
    "AuditChainError",
    "Break",
    "Entry",
    "Head",
    "Verification",
    "canonical_json",
    "read_head",
]

GENESIS = "0" * 64
FORMAT = 1
KINDS = (
    "load",
    "link-decisions",
    "reference",
    "validation",
    "publication",
    "hold",
    "rejection",
    "upload",
    "repair",
)
_KIND = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_FIELDS = {
    "v": int,
    "seq": int,
    "time": str,
    "kind": str,
    "actor": str,
    "subjects": list,
    "payload": dict,
    "content_hash": str,
    "previous": str,
    "hash": str,
}
_TAIL_BLOCK = 65536


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8, no NaN or infinity: one byte string per value.

    >>> canonical_json({"b": 1, "a": ["x", "é"]})
    b'{"a":["x","\\xc3\\xa9"],"b":1}'
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Entry:
    """One link of the chain, as written."""

    v: int
    seq: int
    time: str
    kind: str
    actor: str
    subjects: list[str]
    payload: dict[str, Any]
    content_hash: str
    previous: str
    hash: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def expected_hash(self) -> str:
        body = self.as_dict()
        del body["hash"]
        return _sha256(canonical_json(body))


@dataclass(frozen=True)
class Break:
    """The first entry where the chain does not hold, and why."""

    line: int | None  # 1-based line of the file; None when a recorded head is missing
    seq: int | None  # the entry's own sequence number, when it could be read
    # torn | unparseable | hash-mismatch | content-mismatch | sequence-gap | reordered |
    # previous-mismatch | head-missing
    reason: str
    message: str  # Indonesian / English, for people


@dataclass(frozen=True)
class Verification:
    """What replaying the chain found."""

    path: str
    entries: int  # lines in the log (a torn last line counts)
    verified: int  # entries that hold, from the first up to the break
    head: str  # hash of the last entry that holds (GENESIS when none)
    broken: Break | None

    @property
    def ok(self) -> bool:
        return self.broken is None

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "path": self.path,
            "entries": self.entries,
            "verified": self.verified,
            "head": self.head,
            "broken": asdict(self.broken) if self.broken else None,
        }


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
                    last = _write(f, _make(last, "repair", actor, [], _repair_payload(torn)))
                return _write(f, _make(last, kind, actor, list(subjects), body))
            finally:
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)

    # Reading -----------------------------------------------------------------------------

    def entries(self) -> Iterator[Entry]:
        """Every readable entry in file order (no checks; see ``verify``)."""
        for _, raw, _ in _lines(self.path):
            entry = _parse(raw)
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
        lines = list(_lines(self.path))
        seqs = [e.seq if (e := _parse(raw)) is not None else None for _, raw, _ in lines]
        previous, expected, verified = GENESIS, 1, 0
        hashes: set[str] = set()
        broken: Break | None = None
        for i, (number, raw, complete) in enumerate(lines):
            broken = _check(number, raw, complete, previous, expected, seqs[i + 1 :])
            if broken is not None:
                break
            entry = _parse(raw)
            assert entry is not None
            previous, expected, verified = entry.hash, entry.seq + 1, verified + 1
            hashes.add(entry.hash)
        if broken is None and known_head and known_head not in hashes:
            broken = Break(
                None,
                None,
                "head-missing",
                f"kepala {known_head[:12]}… yang dicatat tidak ada di rantai: entri sebelumnya dihapus "
                f"atau ditulis ulang / the recorded head {known_head[:12]}… is not in the chain: entries "
                "up to it were removed or rewritten",
            )
        return Verification(str(self.path), len(lines), verified, previous, broken)


def read_head(path: Path) -> Head | None:
    """The last complete entry of the log at ``path`` as written, or None when there is none."""
    if not path.exists():
        return None
    with path.open("rb") as f:
        entry = _last_entry(f, path, strict=False)
    return None if entry is None else Head(entry.hash, entry.seq, entry.time)


# Checks ----------------------------------------------------------------------------------


def _check(
    number: int, raw: bytes, complete: bool, previous: str, expected: int, later: list[int | None]
) -> Break | None:
    """Why the entry on line ``number`` breaks the chain, or None when it holds."""
    where = f"baris {number} / line {number}"
    if not complete:
        return Break(
            number,
            None,
            "torn",
            f"{where}: baris terakhir terpotong, penulisan terhenti di tengah (mis. listrik padam); "
            "penambahan berikutnya memotongnya dan mencatat potongannya / the last line is torn: an append "
            "was interrupted (e.g. a crash); the next append cuts it off and records what it cut",
        )
    entry = _parse(raw)
    if entry is None:
        return Break(
            number,
            None,
            "unparseable",
            f"{where}: bukan entri yang sah (JSON atau kolomnya rusak) / not a valid entry "
            "(bad JSON or fields)",
        )
    seq = entry.seq
    if entry.expected_hash() != entry.hash:
        return Break(
            number,
            seq,
            "hash-mismatch",
            f"{where}, entri {seq}: isinya diubah, hash tidak cocok / entry {seq} was changed: "
            "its hash does not match its content",
        )
    if _sha256(canonical_json(entry.payload)) != entry.content_hash:
        return Break(
            number,
            seq,
            "content-mismatch",
            f"{where}, entri {seq}: muatan tidak cocok dengan content_hash / entry {seq}: "
            "payload does not match its content_hash",
        )
    if seq < expected:
        return Break(
            number,
            seq,
            "reordered",
            f"{where}: entri {seq} muncul setelah entri {expected - 1} (urutan diubah atau digandakan) / "
            f"entry {seq} comes after entry {expected - 1}: entries were reordered or duplicated",
        )
    if seq > expected:
        if any(s is not None and expected <= s < seq for s in later):
            return Break(
                number,
                seq,
                "reordered",
                f"{where}: entri {seq} berada sebelum entri {expected} (urutan diubah) / entry {seq} stands "
                f"before entry {expected}: entries were reordered",
            )
        missing = f"{expected}" if seq == expected + 1 else f"{expected}–{seq - 1}"
        return Break(
            number,
            seq,
            "sequence-gap",
            f"{where}: entri {missing} hilang sebelum entri {seq} / entry {missing} missing "
            f"before entry {seq}: removed from the log",
        )
    if entry.previous != previous:
        return Break(
            number,
            seq,
            "previous-mismatch",
            f"{where}, entri {seq}: 'previous' tidak sama dengan hash entri sebelumnya; entri itu "
            f"ditulis ulang / entry {seq}: 'previous' is not the hash of the entry before it, which "
            "was rewritten",
        )
    return None


def _parse(raw: bytes) -> Entry | None:
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(data, dict) or set(data) != set(_FIELDS):
        return None
    for name, kind in _FIELDS.items():
        if not isinstance(data[name], kind) or isinstance(data[name], bool):
            return None
    if not all(isinstance(s, str) for s in data["subjects"]):
        return None
    if not all(_HEX64.match(data[k]) for k in ("content_hash", "previous", "hash")):
        return None
    return Entry(**data)


def _lines(path: Path) -> Iterator[tuple[int, bytes, bool]]:
    """(1-based line number, bytes without the newline, whether the newline was there)."""
    if not path.exists():
        return
    with path.open("rb") as f:
        for number, line in enumerate(f, start=1):
            complete = line.endswith(b"\n")
            yield number, line[:-1] if complete else line, complete


# Appending -------------------------------------------------------------------------------


def _make(last: Entry | None, kind: str, actor: str, subjects: list[str], payload: dict[str, Any]) -> Entry:
    body: dict[str, Any] = {
        "v": FORMAT,
        "seq": last.seq + 1 if last else 1,
        "time": datetime.now(UTC).isoformat(timespec="microseconds"),
        "kind": kind,
        "actor": actor,
        "subjects": subjects,
        "payload": payload,
        "content_hash": _sha256(canonical_json(payload)),
        "previous": last.hash if last else GENESIS,
    }
    return Entry(**body, hash=_sha256(canonical_json(body)))


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
        "cut_sha256": _sha256(torn),
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
    entry = _parse(raw)
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
