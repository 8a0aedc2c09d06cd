"""The Walidata's decisions to publish a dataset despite named violations.

A draft with a SHACL violation is held back. Sometimes the Walidata decides the
figure must be published anyway (the agency confirmed it, or the public needs
the rest of the table now) and the violation stays in the report for everyone
to see. Such a decision is written in ``mappings/publication/accepted_violations.yaml``
— scoped to one dataset, the rules it names and, optionally, the source rows —
or given once on the command line (``onecenter publish --accept-violations``).
Either way it is recorded as provenance of the publication.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from graph.check.findings import Finding
from graph.errors import MappingError

__all__ = ["SHAPES_NS", "Acceptance", "Acceptances", "split_violations"]

SHAPES_NS = "https://w3id.org/onecenter/shapes#"


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    dataset: str
    shapes: list[str] = Field(min_length=1)
    rows: list[int] | None = None
    reason: str = Field(min_length=1)
    decided_by: str = Field(min_length=1)
    decided_on: dt.date


class _File(BaseModel):
    model_config = ConfigDict(extra="forbid")

    accepted: list[_Entry] = Field(default_factory=list)


@dataclass(frozen=True)
class Acceptance:
    """Publish ``dataset`` although it breaks ``shapes`` (at ``rows``, if given).

    Read back from the provenance graph (coherence, resource pages), ``iri`` names the
    recorded decision, ``dataset`` is ``""`` when the reader does not know it, and a text
    the record lacks is ``""``.
    """

    dataset: str  # slug
    shapes: tuple[str, ...]  # full shape IRIs
    reason: str
    decided_by: str  # the person's name
    decided_on: dt.date
    rows: tuple[int, ...] | None = None
    source: str = "mappings/publication/accepted_violations.yaml"
    iri: str | None = None  # the oc:ViolationAcceptance recorded for it

    @cached_property  # asked once per covered finding: 348,000 times at 1M observations
    def key(self) -> str:
        """Stable identifier (the acceptance's IRI is minted from it)."""
        text = "|".join(
            [self.dataset, *self.shapes, ",".join(map(str, self.rows or ())), self.reason, self.decided_by]
        )
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

    def covers(self, finding: Finding) -> bool:
        """Whether a violation the draft brings is accepted: by rule, and by source row if limited.

        Acceptances are looked up per draft, so the dataset is already fixed; a violation the
        draft causes on another agency's version is covered by rule too.
        """
        if finding.shape not in self.shapes:
            return False
        return self.rows is None or finding.row in self._row_set

    @cached_property
    def _row_set(self) -> frozenset[int]:
        # A decision made with --accept-violations lists every row it accepts: 100,000 at 1M
        # observations, so membership must not scan the tuple once per finding.
        return frozenset(self.rows or ())


@dataclass
class Acceptances:
    """Every standing acceptance, looked up per dataset."""

    items: list[Acceptance] = field(default_factory=list)

    @classmethod
    def load(cls, path: Path) -> Acceptances:
        """Read the file; a missing file means no acceptance, a malformed one is a MappingError."""
        if not path.exists():
            return cls()
        try:
            data: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            parsed = _File.model_validate(data)
        except yaml.YAMLError as exc:
            raise MappingError(f"YAML tidak valid / invalid YAML: {exc}", file=path) from None
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise MappingError(
                f"{where}: {first['msg']} — setiap entri perlu dataset, shapes, reason, decided_by, "
                "decided_on / each entry needs dataset, shapes, reason, decided_by and decided_on",
                file=path,
            ) from None
        return cls(
            [
                Acceptance(
                    dataset=e.dataset,
                    shapes=tuple(s if "://" in s else SHAPES_NS + s for s in e.shapes),
                    reason=e.reason,
                    decided_by=e.decided_by,
                    decided_on=e.decided_on,
                    rows=tuple(e.rows) if e.rows is not None else None,
                    source=path.name,
                )
                for e in parsed.accepted
            ]
        )

    def for_dataset(self, dataset: str) -> list[Acceptance]:
        return [a for a in self.items if a.dataset == dataset]


def split_violations(
    dataset: str, findings: Iterable[Finding], acceptances: list[Acceptance]
) -> tuple[list[Finding], dict[str, list[Finding]]]:
    """(violations nobody accepted, acceptance key -> the violations it covers).

    A decision covers a violation of ``dataset``'s draft, or one on a figure of the
    decision's own dataset wherever it appears (a cross-dataset rule reports it to others).
    """
    open_: list[Finding] = []
    covered: dict[str, list[Finding]] = {}
    for finding in findings:
        if not finding.blocks_publication:
            continue
        owners = (dataset, finding.dataset_id)
        match = next((a for a in acceptances if a.dataset in owners and a.covers(finding)), None)
        if match is None:
            open_.append(finding)
        else:
            covered.setdefault(match.key, []).append(finding)
    return open_, covered
