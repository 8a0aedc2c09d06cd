"""The entries of the audit chain: their format, canonical JSON and hashes, and how they are read.

The log (``graph.provenance.chain``) is one JSON Lines file, one entry per line, each line
canonical JSON (keys sorted, no spaces, UTF-8, no NaN). An entry holds:

==============  =============================================================================
``v``           format version (1)
``seq``         1, 2, 3, …: the line number, while the log is intact
``time``        UTC, ISO 8601
``kind``        what happened: load, link-decisions, reference, validation, publication,
                hold, rejection, upload, repair, report-archive (``KINDS``; other lower-case
                words are allowed)
``actor``       who did it (``settings.agent`` or the operating-system user)
``subjects``    the IRIs it is about (dataset, load, version graph, report)
``payload``     what it records (a JSON object); graphs under ``"graphs"`` as
                IRI -> {quads, sha256, algorithm}: their RDFC-1.0 hash (``graph.provenance.graph_hash``)
``content_hash`` SHA-256 of the canonical JSON of ``payload``
``previous``    the ``hash`` of the entry before it; 64 zeros for the first
``hash``        SHA-256 of the canonical JSON of the entry without ``hash``
==============  =============================================================================

Writing (``graph.provenance.chain``) and replaying (``graph.provenance.chain_verification``)
both read entries here, so they agree on what a valid entry is.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

__all__ = [
    "FORMAT",
    "GENESIS",
    "KINDS",
    "Entry",
    "canonical_json",
    "lines_of",
    "make_entry",
    "parse_entry",
    "sha256_hex",
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
    "report-archive",
)
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


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8, no NaN or infinity: one byte string per value.

    >>> canonical_json({"b": 1, "a": ["x", "é"]})
    b'{"a":["x","\\xc3\\xa9"],"b":1}'
    """
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    """
    >>> sha256_hex(b"")[:16]
    'e3b0c44298fc1c14'
    """
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
        return sha256_hex(canonical_json(body))


def make_entry(
    last: Entry | None, kind: str, actor: str, subjects: list[str], payload: dict[str, Any]
) -> Entry:
    """The entry that follows ``last`` (the first when None), stamped now."""
    body: dict[str, Any] = {
        "v": FORMAT,
        "seq": last.seq + 1 if last else 1,
        "time": datetime.now(UTC).isoformat(timespec="microseconds"),
        "kind": kind,
        "actor": actor,
        "subjects": subjects,
        "payload": payload,
        "content_hash": sha256_hex(canonical_json(payload)),
        "previous": last.hash if last else GENESIS,
    }
    return Entry(**body, hash=sha256_hex(canonical_json(body)))


def parse_entry(raw: bytes) -> Entry | None:
    """The entry a line holds, or None when it is not one (bad JSON, fields or hashes)."""
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


def lines_of(path: Path) -> Iterator[tuple[int, bytes, bool]]:
    """(1-based line number, bytes without the newline, whether the newline was there)."""
    if not path.exists():
        return
    with path.open("rb") as f:
        for number, line in enumerate(f, start=1):
            complete = line.endswith(b"\n")
            yield number, line[:-1] if complete else line, complete
