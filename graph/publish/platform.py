"""Sources -> link -> transform -> store -> publish, with provenance and an account of every row.

``Platform`` is the facade: an ``Instance`` (settings, store, vocabulary, region codes,
acceptances, shapes, audit chain) with the pipeline's verbs. ``load_reference``
(re)publishes the ontology and the region codes (``graph.publish.reference``); ``load``
maps one agency table into a new version graph (a *draft*, ``graph.publish.stage``),
validates it with the shapes against everything published (``graph.publish.judge``), and
publishes it only when the whole table was written and no rule is violated or the
Walidata accepted the violation (``graph.publish.settle``); ``build`` does all of it,
judging all drafts together. ``dry_run`` is a load that stops at its verdict
(``graph.publish.dry_run``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from graph.check.acceptances import Acceptance
from graph.check.engine import validate
from graph.check.findings import Finding
from graph.check.trace import trace_findings
from graph.cube.mapping_checks import mapping_for
from graph.errors import LoadRejected, OneCenterError
from graph.publish.draft import Draft
from graph.publish.dry_run import dry_run
from graph.publish.instance import Instance
from graph.publish.judge import ACCEPTED, judge, recorded_violations
from graph.publish.load_report import LoadReport
from graph.publish.reference import missing_reference, reference_graphs, write_reference
from graph.publish.settle import publish_held, reject_held, settle
from graph.publish.stage import Progress, stage
from graph.read.mappings import Mapping, discover_mappings
from graph.read.tables import Table
from graph.store.versions import EVERYONE_INTERNAL, collect_garbage, published_graphs

__all__ = ["Platform"]


class Platform(Instance):
    """One instance and what it does: load tables, judge and publish drafts, check coherence."""

    # Reference graphs ------------------------------------------------------------------

    def load_reference(self) -> int:
        """Publish the ontology, region codes, periods and link decisions, each graph replaced
        in one transaction; returns the quads they hold."""
        added = write_reference(self)
        reference = reference_graphs(self)
        self.audit("reference", reference, {}, graphs=reference)
        decisions = self.iris.decisions_graph
        self.audit(
            "link-decisions", [decisions], {"decisions": len(self.decisions.items)}, graphs=[decisions]
        )
        return added

    def lacks_reference(self) -> bool:
        """Whether the store lacks the ontology, region codes or periods (a fresh store does)."""
        return bool(missing_reference(self))

    # Dataset loads -----------------------------------------------------------------------

    def mapping_for(self, dataset: str) -> tuple[Path, Mapping]:
        """The mapping file of ``dataset`` and its mapping, agency resolved to a slug.

        Raises:
            NotFound: no mapping in mappings/ describes ``dataset``.
        """
        return mapping_for(self.settings.mappings_path, dataset, self.vocabulary, self.linker.rules)

    def dry_run(
        self,
        mapping_path: Path,
        progress: Progress | None = None,
        *,
        source: Path | None = None,
        table: Table | None = None,
        publish: bool = True,
    ) -> LoadReport:
        """A load that does not publish: the table is staged, judged exactly as ``load``
        judges it, and dropped; the report says what a load would do (``would-be-published``,
        ``would-be-held`` or ``would-be-rejected``). The store is left as it was and nothing
        is recorded (``graph.publish.dry_run`` says how, and why it writes a private graph).

        Raises:
            MappingError, SourceError: as for ``load``.
        """
        return dry_run(self, mapping_path, progress, source=source, table=table, publish=publish)

    def load(
        self,
        mapping_path: Path,
        progress: Progress | None = None,
        *,
        source: Path | None = None,
        table: Table | None = None,
        publish: bool = True,
        agent: str | None = None,
        upload_name: str | None = None,
    ) -> LoadReport:
        """Map one agency table into a draft, validate it, and publish it unless it breaks a rule.

        A store that lacks the reference graphs (a fresh one) gets them first
        (``load_reference``; the report's ``reference_loaded`` says so).

        A draft with a SHACL violation that no acceptance covers is *held*: the report's
        outcome is ``held``, the previous version stays published, and the draft waits
        for ``publish_draft`` or the next load. Warnings are published with the report.

        Raises:
            MappingError: the mapping is invalid (nothing is recorded or changed).
            LoadRejected: too many rows were rejected; recorded, previous version kept.
            SourceError: the table cannot be read; previous version kept.

        ``source`` reads another file than the mapping names (an upload), ``table`` is that
        file already read (``read_table`` with the settings' budget); ``publish=False``
        holds even a draft without violations for the Walidata's decision (uploads);
        ``agent`` is who loaded it (default: the ``agent`` setting); ``upload_name`` the
        name an upload had on the sender's machine, recorded with the load (``oc:uploadName``).
        """
        # A fresh store: the reference first, or the table is judged without its region codes.
        fresh = self.lacks_reference()
        if fresh:
            self.load_reference()
        # Leftovers of an interrupted load are never published; clear them first.
        collect_garbage(self.store, self.iris)
        try:
            draft = self._stage(mapping_path, progress, source=source, table=table, agent=agent)
        except LoadRejected as exc:
            if isinstance(exc.report, LoadReport):
                exc.report.reference_loaded = fresh
            raise
        draft.report.reference_loaded = fresh
        if upload_name and draft.record is not None:
            draft.record = replace(draft.record, upload_name=upload_name)
        draft.awaiting_decision = not publish
        self._judge([draft])
        self._settle(draft)
        return draft.report

    def _stage(
        self,
        mapping_path: Path,
        progress: Progress | None = None,
        *,
        source: Path | None = None,
        table: Table | None = None,
        agent: str | None = None,
    ) -> Draft:
        """Read, check and write one table into a new version graph that nobody can see yet."""
        return stage(self, mapping_path, progress, source=source, table=table, agent=agent)

    def _judge(self, drafts: list[Draft], extra: dict[str, list[Acceptance]] | None = None) -> None:
        """Validate drafts together with everything published; mark those that must be held."""
        judge(self, drafts, extra)

    def _settle(self, draft: Draft) -> None:
        """Publish a judged draft, or hold it; record either with its validation report."""
        settle(self, draft)

    # The Walidata's decisions ------------------------------------------------------------

    def publish_draft(
        self, dataset: str, *, accept_reason: str | None = None, decided_by: str | None = None
    ) -> LoadReport:
        """Publish the dataset's held draft, judged again against what is published now.

        With ``accept_reason`` every violation the draft has now is accepted, and the
        decision (who, why, which rules and rows) is recorded as provenance.

        Raises:
            NotFound: the dataset has no held draft.
            LoadRejected: the draft still has violations nobody accepted.
        """
        return publish_held(self, dataset, accept_reason=accept_reason, decided_by=decided_by)

    def reject_draft(self, dataset: str, *, reason: str, decided_by: str | None = None) -> str:
        """Drop the dataset's held draft on the Walidata's decision, with who and why on record;
        the published version stays. Returns the rejection's IRI.

        Raises:
            NotFound: the dataset has no held draft.
            LoadRejected: no reason was given.
        """
        return reject_held(self, dataset, reason=reason, decided_by=decided_by)

    # The published graph -----------------------------------------------------------------

    def accepted_findings(self) -> set[tuple[str, str]]:
        """(focus, shape) of every violation accepted when the current versions were published."""
        return recorded_violations(self, ACCEPTED)

    def check_coherence(self, graphs: list[str] | None = None) -> list[Finding]:
        """Run every shape in shapes/ over the published graphs (or ``graphs``), traced."""
        graphs = graphs if graphs is not None else published_graphs(self.store, self.iris, EVERYONE_INTERNAL)
        findings = validate(self.store, self.shapes, graphs)
        trace_findings(self.store, graphs, findings)
        return findings

    def build(
        self,
        on_dataset: Callable[[Path], Progress | None] | None = None,
    ) -> tuple[list[LoadReport], list[tuple[Path, OneCenterError]]]:
        """Publish the reference graphs and every mapping: all tables are staged as drafts,
        judged together, then each is published or held. A failed table does not stop the rest."""
        self.load_reference()
        collect_garbage(self.store, self.iris)
        reports: list[LoadReport] = []
        failures: list[tuple[Path, OneCenterError]] = []
        drafts: list[Draft] = []
        for path in discover_mappings(self.settings.mappings_path):
            progress = on_dataset(path) if on_dataset else None
            try:
                drafts.append(self._stage(path, progress))
            except LoadRejected as exc:
                # Keep its report: its rejected rows and review queue matter most.
                if isinstance(exc.report, LoadReport):
                    reports.append(exc.report)
                failures.append((path, exc))
            except OneCenterError as exc:
                failures.append((path, exc))
        self._judge(drafts)
        for draft in drafts:
            self._settle(draft)
            reports.append(draft.report)
        return reports, failures
