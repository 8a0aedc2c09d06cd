"""A load, or the Walidata's publication of a held draft, as the provenance graph records it.

One type for every reader: the load history (``/loads``), the catalogue's provenance of a
dataset, a resource page's "who made this", the ingest answers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Activity"]


@dataclass(frozen=True)
class Activity:
    """One load or publication of a held draft, as the provenance graph records it."""

    iri: str
    kind: str  # "load" | "publication"
    dataset: str  # dataset IRI
    dataset_id: str
    started: str  # ISO 8601
    ended: str
    outcome: str  # published | held | rejected | failed
    graph: str | None = None  # the version graph it wrote (load) or published (publication)
    origin: str | None = None  # publication: the load that wrote the draft
    agency: str | None = None
    agency_name: dict[str, str] = field(default_factory=dict)
    file: str | None = None
    file_name: str | None = None
    file_sha256: str | None = None
    mapping: str | None = None
    mapping_name: str | None = None
    mapping_sha256: str | None = None
    rows_read: int | None = None
    rows_rejected: int | None = None
    rows_dropped: int | None = None
    observations: int | None = None
    report: str | None = None
    conforms: bool | None = None
    violations: int | None = None
    warnings: int | None = None
    accepted: int = 0
    acceptances: tuple[str, ...] = ()
    people: tuple[str, ...] = ()
    software: str | None = None
    message: str = ""
    # The version graph it wrote or published is the dataset's published version today (for a
    # held load, once a later publication put its draft in force).
    published_now: bool = False

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["acceptances"] = list(self.acceptances)
        out["people"] = list(self.people)
        return out

