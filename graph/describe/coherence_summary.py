"""The coherence report in numbers: what the home page, a dataset's page and *Data saya* show.

Those pages show how many findings each agency and dataset has in force (violations, of
them accepted by the Walidata, warnings) and which drafts are held, never the findings
themselves. ``read_coherence_summary`` reads that from the counts each validation report
keeps (``graph.provenance.finding_tally``): a few rows per report in force, instead of
every result of every report traced to its cell (``graph.describe.coherence``, which
``/coherence`` lists). A report written before the counts were kept is counted with one
aggregate query. ``summary_of`` gives the same summary from a full read: the tests hold
the two equal.

As in the full read, a finding counts for the dataset and agency of its figure, or, when
its figure is not traced to one, for those of the report's activity.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from graph.check.findings import local_name
from graph.describe.coherence import (
    CheckedDataset,
    Coherence,
    HeldDraft,
    held_drafts,
    versions_in_force,
)
from graph.provenance.activities import activities
from graph.provenance.finding_tally import Tally, add_up, counted_tallies, stored_tallies, tally_findings
from graph.rdf.iris import Iris
from graph.store.interface import Store
from graph.store.public import PublicGraphs

__all__ = ["CoherenceSummary", "FindingTotals", "read_coherence_summary", "summary_of"]


@dataclass(frozen=True)
class FindingTotals:
    """Findings in force, by severity."""

    findings: int
    violations: int
    accepted: int  # of the violations, how many the Walidata accepted
    warnings: int

    @property
    def open(self) -> int:
        """Findings that are not violations the Walidata accepted."""
        return self.findings - self.accepted


def _severity_key(severity: str) -> str:
    """As ``Finding.severity_key``: ``violation``, ``warning`` or ``info``."""
    return severity[severity.rfind("#") + 1 :].lower() or "info"


@dataclass(frozen=True)
class CoherenceSummary:
    """The counts of the findings in force, the published datasets with the activity behind
    each, and the drafts held back."""

    tallies: list[Tally]  # each with its dataset and agency (the activity's when untraced)
    datasets: list[CheckedDataset]
    held: list[HeldDraft]

    def totals(self, *, agency: str | None = None, dataset: str | None = None) -> FindingTotals:
        """Of every finding, or those on the figures of one agency (slug) or dataset (id)."""
        chosen = [
            t
            for t in self.tallies
            if (agency is None or (t.agency and local_name(t.agency)) == agency)
            and (dataset is None or (t.dataset and local_name(t.dataset)) == dataset)
        ]
        violations = [t for t in chosen if _severity_key(t.severity) == "violation"]
        return FindingTotals(
            findings=sum(t.results for t in chosen),
            violations=sum(t.results for t in violations),
            accepted=sum(t.accepted for t in violations),
            warnings=sum(t.results for t in chosen if _severity_key(t.severity) == "warning"),
        )

    def by_dataset(self) -> dict[str, FindingTotals]:
        """Dataset id -> the totals of its figures, for every dataset with a finding."""
        ids = sorted({local_name(t.dataset) for t in self.tallies if t.dataset})
        return {d: self.totals(dataset=d) for d in ids}


def read_coherence_summary(store: Store, iris: Iris) -> CoherenceSummary:
    """The summary of the reports in force for the published datasets, from their counts."""
    view = PublicGraphs(store, iris)
    every = activities(view)
    in_force = versions_in_force(view, every)
    datasets = [CheckedDataset.of(a, dataset, iris.agency("")) for dataset, a in in_force.items()]
    by_report = {a.report: a for a in in_force.values() if a.report}
    stored = stored_tallies(view, sorted(by_report))
    tallies: list[Tally] = []
    for report, activity in sorted(by_report.items()):
        found = stored.get(report)
        if found is None:  # written before reports kept their counts
            found = counted_tallies(view, report)
        tallies += [
            replace(t, dataset=t.dataset or activity.dataset, agency=t.agency or activity.agency)
            for t in found
        ]
    return CoherenceSummary(add_up(tallies), datasets, held_drafts(store, iris, every))


def summary_of(coherence: Coherence) -> CoherenceSummary:
    """The summary of a full read (its findings already carry their dataset and agency)."""
    return CoherenceSummary(tally_findings(coherence.findings), coherence.datasets, coherence.held)
