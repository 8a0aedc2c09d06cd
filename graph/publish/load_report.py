"""What a load did with every row of its table: the ``LoadReport`` every stage fills in.

The stage counts rows and cells and lists the refused ones, the judge adds the draft's
findings, settling says what became of it (published, held, rejected), or a dry run what
would (``WOULD_BE``); the CLI prints it, the staff reports (``graph.publish.reports``)
write it out, and the ingest API answers with its ``summary``. ``timed`` adds the seconds
of each step, for operators.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from graph.check.findings import Finding
from graph.errors import CellProblem
from graph.link.categories import CategoryReviewItem
from graph.link.links import ReviewItem
from graph.store.versions import Audience
from graph.text import Text

__all__ = ["WITHHELD", "WOULD_BE", "LoadReport", "timed"]

# A dry run's outcome, by the outcome the load would have had.
WOULD_BE = {
    "published": "would-be-published",
    "held": "would-be-held",
    "rejected": "would-be-rejected",
}


@dataclass
class LoadReport:
    """What a load did with every row of its table."""

    dataset: str
    mapping: str
    source: str
    # published | held | rejected | failed; a dry run (graph.publish.dry_run) says what a load
    # would do: would-be-published | would-be-held | would-be-rejected
    outcome: str
    rows_read: int = 0
    rows_mapped: int = 0
    rows_rejected: int = 0
    rows_outside: int = 0  # of the rejected: regions outside the table's scope (region.scope)
    rows_dropped: int = 0
    rows_blank: int = 0
    rows_without_values: int = 0
    cells_empty: int = 0
    cells_rejected: int = 0
    observations: int = 0
    quads: int = 0
    seconds: float = 0.0
    graph: str | None = None
    message: str = ""
    problems: list[CellProblem] = field(default_factory=list)
    dropped: list[tuple[int, str, str, str]] = field(default_factory=list)
    review: list[ReviewItem] = field(default_factory=list)
    category_review: list[CategoryReviewItem] = field(default_factory=list)  # unknown category texts
    link_methods: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)  # validation of its draft
    violations_accepted: int = 0
    # What judging could not do, said plainly (a held dataset it could not be compared with).
    notes: list[Text] = field(default_factory=list)
    # Restricted (terbatas) datasets other than its own, IRI -> agency IRI: a finding on their
    # figures is shown only to those who may read them (``summary``).
    restricted: dict[str, str | None] = field(default_factory=dict)
    # Seconds of each step (read, map + bulk load, validation, ...), for operators and the
    # benchmarks: on a province table the store's steps dominate and this says which.
    step_seconds: dict[str, float] = field(default_factory=dict)
    # The store lacked the ontology and region codes (a fresh one): they were loaded first
    # (by a dry run: only for its judgment, and removed again).
    reference_loaded: bool = False
    # (indicator slug, period, observations, sum of values) of the mapped table: the preview an
    # uploader reads before submitting (``api.staging``) shows them per indicator and year.
    figures: list[tuple[str, str, int, float]] = field(default_factory=list)

    @property
    def violations(self) -> int:
        return sum(f.blocks_publication for f in self.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity.endswith("#Warning") for f in self.findings)

    @property
    def rows_accounted(self) -> int:
        return (
            self.rows_mapped
            + self.rows_rejected
            + self.rows_dropped
            + self.rows_blank
            + self.rows_without_values
        )

    def summary(self, limit: int = 200, reader: Audience | None = None) -> dict[str, Any]:
        """The report for an uploader (JSON): counts, then the first ``limit`` problems and findings.

        ``reader``: who reads it (None: the operator, who sees all). A finding on a
        restricted dataset that ``reader`` may not read, or comparing with one, is listed
        without its figure, row, cell or message: only that a rule found something there.
        """

        def unreadable(dataset: str | None) -> bool:
            if reader is None or dataset not in self.restricted or reader.all_restricted:
                return False
            return self.restricted[dataset or ""] not in reader.restricted_agencies

        def withheld(f: Finding) -> bool:  # its figure, or the other one its message shows
            return unreadable(f.dataset) or unreadable(f.other_dataset)

        return {
            "dataset": self.dataset,
            "outcome": self.outcome,
            "message": self.message,
            "rows_read": self.rows_read,
            "rows_mapped": self.rows_mapped,
            "rows_rejected": self.rows_rejected,
            "rows_outside": self.rows_outside,
            "rows_dropped": self.rows_dropped,
            "observations": self.observations,
            "violations": self.violations,
            "warnings": self.warnings,
            "violations_accepted": self.violations_accepted,
            "draft_graph": self.graph,
            "problems": [p.as_dict() for p in self.problems[:limit]],
            "problems_total": len(self.problems),
            "findings": [_finding_summary(f, withheld(f)) for f in self.findings[:limit]],
            "findings_total": len(self.findings),
            "notes": list(self.notes),
            "regions_to_review": len(self.review),
            "categories_to_review": len(self.category_review),
            "reference_loaded": self.reference_loaded,
            "seconds": round(self.seconds, 2),
        }


# What an uploader reads instead of a finding on another agency's restricted figures.
WITHHELD = Text(
    "Temuan pada data terbatas instansi lain: nilai dan baris tidak ditampilkan.",
    "A finding on another agency's restricted data: its figures and rows are not shown.",
)


def _finding_summary(finding: Finding, withheld: bool = False) -> dict[str, Any]:
    shown = {
        "shape": finding.shape,
        "severity": finding.severity.rsplit("#", 1)[-1],
        "severity_label": finding.severity_label,
        "message": finding.message_id or finding.message_en,
        "message_en": finding.message_en or finding.message_id,
        "row": finding.row,
        "column": finding.column,
        "value": finding.raw if finding.raw is not None else finding.value,
        "dataset": finding.dataset_id,
        "other_dataset": finding.other_dataset_id,
    }
    if withheld:
        shown.update(message=WITHHELD.id, message_en=WITHHELD.en, row=None, column=None, value=None)
    return shown


@contextmanager
def timed(reports: Sequence[LoadReport], step: str) -> Iterator[None]:
    """Add the seconds the block takes to ``step`` of each report."""
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds = time.perf_counter() - started
        for report in reports:
            report.step_seconds[step] = report.step_seconds.get(step, 0.0) + seconds
