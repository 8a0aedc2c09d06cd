"""Replaying the audit chain: does every entry hold, and which is the first that does not?

Changing, removing or reordering an entry breaks the chain at that entry, and ``verify``
names the first broken one (``Break``: its line, sequence number, why, and a message for
people). Rewriting the whole chain from some entry on is only detected against a head
recorded elsewhere, which is why the head is shown on the catalogue and
``verify(known_head=...)`` checks that a recorded head is still in the chain. A torn last
line (an interrupted append) is reported as such; the next append repairs it
(``graph.provenance.chain``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from graph.provenance.chain_entries import GENESIS, canonical_json, lines_of, parse_entry, sha256_hex

__all__ = ["Break", "Verification", "verify"]


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


def verify(path: Path, known_head: str | None = None) -> Verification:
    """Replay the chain at ``path`` from the first entry and name the first that does not hold.

    ``known_head``: a head hash recorded elsewhere earlier; it must still be the hash of
    an entry that holds, or entries before it were removed or rewritten.
    """
    lines = list(lines_of(path))
    seqs = [e.seq if (e := parse_entry(raw)) is not None else None for _, raw, _ in lines]
    previous, expected, verified = GENESIS, 1, 0
    hashes: set[str] = set()
    broken: Break | None = None
    for i, (number, raw, complete) in enumerate(lines):
        broken = _check(number, raw, complete, previous, expected, seqs[i + 1 :])
        if broken is not None:
            break
        entry = parse_entry(raw)
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
    return Verification(str(path), len(lines), verified, previous, broken)


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
    entry = parse_entry(raw)
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
    if sha256_hex(canonical_json(entry.payload)) != entry.content_hash:
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
