"""What the Walidata's draft pages show, gathered off the event loop: the drafts waiting, and one
draft's diff against the version in force with its findings.

The diff and findings are read by ``graph.describe.draft_diff`` and ``graph.describe.draft_review``;
this module picks what a page shows of them (the totals per indicator and year, the first
``DETAIL_ROWS`` changes, the first ``FINDING_ROWS`` findings; the whole diff is the CSV) and the
names a person reads (regions, indicators, agencies).
"""

from __future__ import annotations

from typing import Any

from api.deps import ServiceState
from api.staging import ADDITIVE_KINDS, measure_kinds
from graph.describe.draft_diff import KINDS, DraftDiff, diff_csv, draft_diff, region_names
from graph.describe.draft_review import draft_findings, drafts_waiting, waiting_draft
from graph.rdf.iris import local_path
from graph.spreadsheet import CsvDialect
from graph.text import Text

__all__ = ["DETAIL_ROWS", "FINDING_ROWS", "diff_download", "draft_context", "waiting_context"]

# Rows of the detail table on the page (the CSV has every one): a province draft may change
# a million figures, and a page of 300 rows still sorts at once on a phone.
DETAIL_ROWS = 300
FINDING_ROWS = 200


def _indicator_labels(service: ServiceState) -> dict[str, Text]:
    return {slug: i.label for slug, i in service.vocabulary.indicators.items()}


def waiting_context(service: ServiceState) -> dict[str, Any]:
    """Every held draft, newest first, for ``/walidata/draf``."""
    drafts = drafts_waiting(service.store, service.iris)
    return {"drafts": drafts}


def _diff(service: ServiceState, dataset: str) -> tuple[Any, DraftDiff]:
    draft = waiting_draft(service.store, service.iris, dataset)
    diff = draft_diff(service.store, service.iris, dataset, draft.graph, draft.published_graph)
    return draft, diff


def draft_context(service: ServiceState, dataset: str, root: str) -> dict[str, Any]:
    """One held draft: who sent it, the diff (totals, first rows), and its findings."""
    draft, diff = _diff(service, dataset)
    shown = diff.changes[:DETAIL_ROWS]
    iris = service.iris

    def href(iri: str | None) -> str | None:
        path = local_path(iris, iri) if iri else None
        return root + path if path else None

    findings = draft_findings(service.store, iris, draft, FINDING_ROWS)
    return {
        "draft": draft,
        "diff": diff,
        "shown": shown,
        "detail_rows": DETAIL_ROWS,
        "kinds": KINDS,
        "counts": {kind: diff.count(kind) for kind in KINDS},
        "names": region_names(service.store, iris, (c.region for c in shown)),
        "indicators": _indicator_labels(service),
        # A sum of percentages or ratios means nothing: only counts and areas show theirs.
        "additive": {slug for slug, kind in measure_kinds(service).items() if kind in ADDITIVE_KINDS},
        "findings": findings,
        # Only a violation nobody accepted yet calls for "publish despite violations".
        "open_violations": findings.open_violations,
        "href": href,
        "region_href": lambda code: href(iris.region(code)),
        "indicator_href": lambda slug: href(iris.indicator(slug)),
    }


def diff_download(service: ServiceState, dataset: str, dialect: CsvDialect) -> bytes:
    """The draft's whole diff as CSV, with the regions' names."""
    _, diff = _diff(service, dataset)
    names = region_names(service.store, service.iris, (c.region for c in diff.changes))
    return diff_csv(diff, names, dialect)
