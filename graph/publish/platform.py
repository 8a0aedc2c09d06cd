"""Sources -> link -> transform -> store -> publish, with provenance and an account of every row.

``Platform`` holds what every load needs (settings, store, vocabulary, region
codes). ``load_reference`` (re)publishes the ontology and the region codes;
``load`` maps one agency table into a new version graph (a *draft*), validates
it with the shapes against everything published, and publishes it only when the
whole table was written and no rule is violated (or the Walidata accepted the
violation); ``build`` does all of it, judging all drafts together.
"""

from __future__ import annotations

import getpass
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.check.acceptances import Acceptance, Acceptances, split_violations
from graph.check.engine import Shapes, trace_findings, validate
from graph.check.findings import Finding
from graph.check.report import SH, report_chunks, result_iri
from graph.cube.draft_columns import DraftObservations
from graph.cube.metadata import dataset_quads, periods_ntriples
from graph.cube.prepare import Prepared, prepare, resolve_terms
from graph.cube.quads import QuadContext, quads
from graph.errors import CellProblem, LoadRejected, NotFound, OneCenterError, StoreError
from graph.link.regions import RegionLinker, ReviewItem
from graph.provenance.chain import AuditChain, Entry
from graph.provenance.chain_records import load_payload, publication_payload, validation_payload
from graph.provenance.graph_hash import graph_hash
from graph.provenance.records import (
    LoadRecord,
    PublicationRecord,
    acceptance_ntriples,
    decisions_ntriples,
    load_provenance,
    new_load_id,
    now,
    publication_provenance,
    rejection_provenance,
    source_file_ntriples,
)
from graph.rdf.iris import Iris
from graph.rdf.namespaces import OC, PROV
from graph.rdf.ntriples import NQuadsChunk
from graph.read.mappings import Mapping, discover_mappings, load_mapping
from graph.read.personal_data import PersonalDataGuard, refusal_message
from graph.read.tables import Table, read_table
from graph.reference.vocabulary import Vocabulary
from graph.settings import Settings
from graph.store.embedded import Store, connect_store
from graph.store.versions import (
    EVERYONE_INTERNAL,
    candidate_graphs,
    collect_garbage,
    draft_datasets,
    hold,
    publish,
    published,
    published_graphs,
)

__all__ = ["LoadReport", "Platform"]

Progress = Callable[[int, int], None]  # (done, total) observations written


@contextmanager
def _timed(reports: Sequence[LoadReport], step: str) -> Iterator[None]:
    """Add the seconds the block takes to ``step`` of each report."""
    started = time.perf_counter()
    try:
        yield
    finally:
        seconds = time.perf_counter() - started
        for report in reports:
            report.step_seconds[step] = report.step_seconds.get(step, 0.0) + seconds


@dataclass
class LoadReport:
    """What a load did with every row of its table."""

    dataset: str
    mapping: str
    source: str
    outcome: str  # published | held | rejected | failed; for a dry run: checked | would-be-rejected
    rows_read: int = 0
    rows_mapped: int = 0
    rows_rejected: int = 0
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
    link_methods: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)  # validation of its draft
    violations_accepted: int = 0
    # Seconds of each step (read, map + bulk load, validation, ...), for operators and the
    # benchmarks: on a province table the store's steps dominate and this says which.
    step_seconds: dict[str, float] = field(default_factory=dict)

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


@dataclass
class Draft:
    """A version graph written but not yet published, and what validation said of it."""

    dataset: str  # slug
    dataset_iri: str
    graph: str
    record: LoadRecord | None  # None for a draft held by an earlier run
    report: LoadReport
    findings: list[Finding] = field(default_factory=list)
    open_violations: list[Finding] = field(default_factory=list)
    accepted: dict[str, list[Finding]] = field(default_factory=dict)  # acceptance key -> findings
    acceptances: list[Acceptance] = field(default_factory=list)
    awaiting_decision: bool = False  # held for the Walidata even without violations (uploads)
    # Its observations as columns, kept from the stage until it is judged (draft_checks).
    observations: DraftObservations | None = field(default=None, repr=False)


class Platform:
    """One instance: its settings, its store and the reference data every load uses."""

    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        self.settings = settings
        self.iris = Iris(settings.base_iri)
        self.store = store if store is not None else connect_store(settings)
        self.vocabulary = Vocabulary.load(settings.ontology_path, self.iris)
        self.linker = RegionLinker.from_folders(
            settings.ontology_path, settings.mappings_path, settings.home_region
        )
        self.regions = self.linker.index
        self.decisions = self.linker.decisions
        self.personal_data = PersonalDataGuard.from_regions(self.regions)
        self.acceptances = Acceptances.load(
            settings.mappings_path / "publication" / "accepted_violations.yaml"
        )
        self._shapes: Shapes | None = None
        location = settings.audit_location
        self.audit_chain = AuditChain(location) if location is not None else None

    @property
    def shapes(self) -> Shapes:
        """The SHACL shapes of shapes/, compiled once per platform."""
        if self._shapes is None:
            self._shapes = Shapes.load(self.settings.shapes_path)
        return self._shapes

    def close(self) -> None:
        self.store.close()

    def audit(
        self,
        kind: str,
        subjects: Sequence[str],
        payload: dict[str, Any],
        graphs: Sequence[str] = (),
        actor: str | None = None,
    ) -> Entry | None:
        """Append one entry to the audit chain (docs/audit.md); None when auditing is off.

        Call it after the change it records is committed. ``graphs``: named graphs of the
        store whose RDFC-1.0 hashes go into the payload under ``"graphs"`` (hashing reads
        the whole graph back: per million quads ~3.5 s in memory, ~45 s on disk). ``kind`` is one of
        ``graph.provenance.chain.KINDS`` or another lower-case word; the actor is ``actor`` (an
        API user), else the ``agent`` setting or the operating-system user.

        Raises:
            AuditChainError: the log's last entry is unreadable; nothing was appended.
        """
        if self.audit_chain is None:
            return None
        body = dict(payload)
        if graphs:
            workdir = self.audit_chain.path.parent
            body["graphs"] = {g: self._graph_digest(g, workdir) for g in graphs}
        who = actor or self.settings.agent or getpass.getuser()
        return self.audit_chain.append(kind, actor=who, subjects=list(subjects), payload=body)

    def _graph_digest(self, graph: str, workdir: Path) -> dict[str, str | int | None]:
        """A graph's RDFC-1.0 hash for the chain, or its size alone past the setting's limit."""
        limit = self.settings.audit_graph_hash_max_quads
        if limit:
            quads = self.store.count(graph)
            if quads > limit:
                skipped = f"over audit_graph_hash_max_quads ({limit})"
                return {"quads": quads, "sha256": None, "skipped": skipped}
        return graph_hash(self.store, graph, workdir=workdir).as_dict()

    # Reference graphs ------------------------------------------------------------------

    def load_reference(self) -> int:
        """Publish the ontology, region codes and periods, each graph replaced in one transaction."""
        sources: dict[str, list[tuple[str, str]]] = {
            # Turtle files are parsed one by one: their prefixes differ.
            self.iris.ontology_graph: [
                (p.read_text(encoding="utf-8"), "turtle") for p in self.vocabulary.files
            ],
            self.iris.regions_graph: [(self.regions.to_ntriples(self.iris), "ntriples")],
            self.iris.periods_graph: [(periods_ntriples(self.iris), "ntriples")],
            self.iris.decisions_graph: [(decisions_ntriples(self.decisions, self.iris), "ntriples")],
        }
        added = 0
        for graph, parts in sources.items():
            staging = graph + "/staging"
            self.store.remove_graph(staging)
            for data, fmt in parts:
                self.store.load_rdf(data, fmt=fmt, graph=staging, base_iri=self.iris.base)
            self.store.update(f"MOVE SILENT GRAPH <{staging}> TO GRAPH <{graph}>")
            added += self.store.count(graph)
        reference = [self.iris.ontology_graph, self.iris.regions_graph, self.iris.periods_graph]
        self.audit("reference", reference, {}, graphs=reference)
        decisions = self.iris.decisions_graph
        self.audit(
            "link-decisions", [decisions], {"decisions": len(self.decisions.items)}, graphs=[decisions]
        )
        return added

    # Dataset loads -----------------------------------------------------------------------

    def _examine(
        self, mapping_path: Path, source: Path | None = None
    ) -> tuple[Mapping, Table, Prepared, LoadReport, str]:
        """Read, link and map a table (the mapping's, or ``source``: an upload) without
        touching the store; say why it would be refused."""
        mapping = resolve_terms(load_mapping(mapping_path), self.vocabulary, self.linker.rules)
        source = source or mapping.source_path
        table = read_table(source, mapping.source)
        # Before anything else reads the cells: what it finds is masked in the table itself.
        exposed = self.personal_data.screen(mapping, table)
        prepared = prepare(mapping, table, self.linker, self.vocabulary)
        prepared.problems = exposed + prepared.problems
        report = LoadReport(
            dataset=mapping.dataset.id,
            mapping=self._display(mapping.file),
            source=source.name,
            outcome="checked",
            rows_read=prepared.rows_read,
            rows_mapped=prepared.rows_mapped,
            rows_rejected=prepared.rows_rejected,
            rows_dropped=prepared.rows_dropped,
            rows_blank=prepared.rows_blank,
            rows_without_values=prepared.rows_without_values,
            cells_empty=prepared.cells_empty,
            cells_rejected=prepared.cells_rejected,
            observations=len(prepared.tidy),
            problems=prepared.problems,
            dropped=table.dropped,
            review=prepared.review,
            link_methods=prepared.link_methods,
        )
        data_rows = max(prepared.rows_read - prepared.rows_blank - prepared.rows_dropped, 1)
        rejected_percent = 100.0 * prepared.rows_rejected / data_rows
        refusal = ""
        if exposed:
            refusal = refusal_message(exposed)
        elif rejected_percent > self.settings.reject_limit_percent:
            refusal = (
                f"{prepared.rows_rejected} dari {data_rows} baris ditolak ({rejected_percent:.1f}%"
                f" > batas {self.settings.reject_limit_percent}%) / {prepared.rows_rejected} of "
                f"{data_rows} rows rejected, over the limit; fix the rows listed and load again"
            )
        elif prepared.tidy.empty:
            refusal = (
                f"{source.name}: tidak ada nilai yang dapat dimuat / no value could be loaded; check "
                "that the table has data rows below source.header_rows and that the measure columns "
                "hold numbers"
            )
        report.message = refusal
        return mapping, table, prepared, report, refusal

    def mapping_for(self, dataset: str) -> tuple[Path, Mapping]:
        """The mapping file of ``dataset`` and its mapping, agency resolved to a slug.

        Raises:
            LoadRejected: no mapping in mappings/ describes ``dataset``.
        """
        for path in discover_mappings(self.settings.mappings_path):
            mapping = load_mapping(path)
            if mapping.dataset.id == dataset:
                return path, resolve_terms(mapping, self.vocabulary, self.linker.rules)
        raise NotFound(
            f"dataset {dataset!r} tidak dikenal: belum ada pemetaannya / unknown dataset {dataset!r}: "
            "no mapping describes it; the Walidata adds its mapping first"
        )

    def dry_run(self, mapping_path: Path) -> LoadReport:
        """Everything a load does short of writing: the report says what would be refused.

        Raises:
            MappingError, SourceError: as for ``load``.
        """
        started = now()
        *_, report, refusal = self._examine(mapping_path)
        report.outcome = "would-be-rejected" if refusal else "checked"
        report.seconds = (now() - started).total_seconds()
        return report

    def load(
        self,
        mapping_path: Path,
        progress: Progress | None = None,
        *,
        source: Path | None = None,
        publish: bool = True,
        agent: str | None = None,
    ) -> LoadReport:
        """Map one agency table into a draft, validate it, and publish it unless it breaks a rule.

        A draft with a SHACL violation that no acceptance covers is *held*: the report's
        outcome is ``held``, the previous version stays published, and the draft waits
        for ``publish_draft`` or the next load. Warnings are published with the report.

        Raises:
            MappingError: the mapping is invalid (nothing is recorded or changed).
            LoadRejected: too many rows were rejected; recorded, previous version kept.
            SourceError: the table cannot be read; previous version kept.

        ``source`` reads another file than the mapping names (an upload); ``publish=False``
        holds even a draft without violations for the Walidata's decision (uploads);
        ``agent`` is who loaded it (default: the ``agent`` setting).
        """
        # Leftovers of an interrupted load are never published; clear them first.
        collect_garbage(self.store, self.iris)
        draft = self._stage(mapping_path, progress, source=source, agent=agent)
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
        agent: str | None = None,
    ) -> Draft:
        """Read, check and write one table into a new version graph that nobody can see yet."""
        started = now()
        examined = time.perf_counter()
        mapping, table, prepared, report, refusal = self._examine(mapping_path, source)
        report.step_seconds["read + link + check"] = time.perf_counter() - examined
        source = source or mapping.source_path
        report.outcome = "failed"
        load_id = new_load_id(started)
        graph = self.iris.dataset_version_graph(mapping.dataset.id, load_id)
        record = LoadRecord(
            load_id=load_id,
            dataset=mapping.dataset.id,
            agency=mapping.dataset.agency,
            started=started,
            ended=started,
            outcome="failed",
            file_name=source.name,
            file_sha256=table.sha256,
            file_bytes=table.byte_size,
            file_format=mapping.source.resolved_format,
            mapping_name=self._display(mapping.file),
            mapping_sha256=mapping.sha256,
            rows_read=prepared.rows_read,
            rows_rejected=prepared.rows_rejected,
            rows_dropped=prepared.rows_dropped,
            observations=len(prepared.tidy),
            graph=graph,
            agent=agent or self.settings.agent,
        )
        if refusal:
            rejected = replace(record, outcome="rejected", ended=now(), graph=None, observations=0)
            self._record_only(replace(rejected, message=refusal))
            self.audit(
                "load",
                [self.iris.dataset(mapping.dataset.id), self.iris.load(load_id)],
                load_payload(replace(rejected, message=refusal)),
                actor=record.agent,
            )
            report.outcome = "rejected"
            raise LoadRejected(refusal, prepared.problems, report)

        ctx = QuadContext(self.iris, mapping.dataset.id, graph, table.sha256, table.sheet)
        total = len(prepared.tidy)

        def chunks() -> Iterator[NQuadsChunk]:
            yield dataset_quads(
                mapping,
                self.vocabulary,
                self.iris,
                graph,
                home_region=self.settings.home_region,
                periods=prepared.periods,
                indicators=sorted(prepared.tidy["indicator"].unique()),
                modified=started,
            )
            step = self.settings.transform_chunk_rows
            for i, chunk in enumerate(quads(prepared.tidy, self.vocabulary, ctx, step)):
                yield chunk
                if progress:
                    progress(min(total, (i + 1) * step), total)

        try:
            with _timed([report], "map + bulk load"):
                report.quads = self.store.bulk_load(chunks())
        except BaseException:
            # The half-written version graph is not published; remove it now if we can.
            self.store.remove_graph(graph)
            raise
        report.graph = graph
        observations = None
        if self.settings.check_drafts_in_columns:
            with _timed([report], "draft columns"):
                observations = DraftObservations.of(prepared.tidy, self.vocabulary, ctx)
        if self.settings.compact_after_load:
            with _timed([report], "compaction"):
                self.store.compact()
        with _timed([report], "provenance + audit chain"):
            self._add_provenance(source_file_ntriples(record, self.iris))
            subjects = [self.iris.dataset(mapping.dataset.id), self.iris.load(load_id), graph]
            self.audit(
                "load",
                subjects,
                load_payload(replace(record, outcome="staged"), quads=report.quads),
                [graph],
                actor=record.agent,
            )
        draft = Draft(mapping.dataset.id, self.iris.dataset(mapping.dataset.id), graph, record, report)
        draft.observations = observations
        return draft

    def _judge(self, drafts: list[Draft], extra: dict[str, list[Acceptance]] | None = None) -> None:
        """Validate drafts together with everything published; mark those that must be held.

        Drafts are judged as if all of them were published at once. A draft is held by
        its own violations (focus in its dataset) and by new violations it causes on
        versions already published (not in their recorded reports); with several drafts
        the latter cannot be pinned on one, so all of them are held. When one is held,
        the rest are judged again without it, since a cross-agency rule may have fired
        only because of the held one.
        """
        pending = list(drafts)
        while pending:
            graphs = candidate_graphs(self.store, self.iris, {d.dataset_iri: d.graph for d in pending})
            reports = [d.report for d in pending]
            columns = [d.observations for d in pending if d.observations is not None]
            with _timed(reports, "validation"):
                findings = validate(self.store, self.shapes, graphs, drafts=columns)
            with _timed(reports, "tracing findings"):
                trace_findings(self.store, graphs, findings, drafts=columns)
            by_dataset: dict[str | None, list[Finding]] = {}
            for f in findings:
                by_dataset.setdefault(f.dataset, []).append(f)
            # A violation on a version already published that its own report did not have
            # was caused by the drafts (a cross-agency rule): it holds them too.
            drafted = {d.dataset_iri for d in pending}
            caused = [f for f in findings if f.blocks_publication and f.dataset not in drafted]
            if caused:
                on_record = self._on_record("?activity oc:validationReport/sh:result ?result .")
                caused = [f for f in caused if (f.focus, f.shape) not in on_record]
            held = []
            for d in pending:
                d.findings = by_dataset.get(d.dataset_iri, []) + caused
                self._classify(d, (extra or {}).get(d.dataset, []))
                if d.open_violations:
                    held.append(d)
            if not held:
                return
            pending = [d for d in pending if d not in held]

    def _classify(self, draft: Draft, extra: list[Acceptance]) -> None:
        """Split a judged draft's violations into open and accepted (standing decisions and
        ``extra``), without validating again."""
        accepted = self.acceptances.for_dataset(draft.dataset) + extra
        draft.open_violations, draft.accepted = split_violations(draft.dataset, draft.findings, accepted)
        draft.acceptances = [a for a in accepted if a.key in draft.accepted]

    def _store_report(self, report_iri: str, draft: Draft) -> tuple[str, ...]:
        """Write the draft's sh:ValidationReport and its acceptances into the provenance
        graph; returns the acceptance IRIs.

        Bulk-loaded, before the transaction that records the load or publication and points
        to the report: a province draft has ~350,000 findings (3.5 M triples), and inserting
        them with SPARQL ``INSERT DATA`` took minutes and ~9 GB in Oxigraph's transaction.
        Until that transaction, nothing refers to the report; a crash in between leaves an
        unreferenced report, never a half-recorded load.
        """
        created = now()
        restricted = self._restricted_datasets(draft)

        def public(f: Finding) -> bool:
            return f.dataset not in restricted

        def parts() -> Iterator[tuple[str, str]]:
            for text in report_chunks(report_iri, draft.findings, created=created, keep=public):
                yield self.iris.provenance_graph, text
            # What the report says about a restricted dataset's figures (focus, value, message)
            # goes to that dataset's own graph, read only by those allowed to see the data.
            for iri, slug in restricted.items():
                own = self.iris.restricted_provenance_graph(slug)
                mine = report_chunks(
                    report_iri,
                    draft.findings,
                    created=created,
                    keep=lambda f, d=iri: f.dataset == d,
                    header=False,
                )
                for text in mine:
                    yield own, text
            index = {id(f): i for i, f in enumerate(draft.findings)}
            for a in draft.acceptances:
                results = [result_iri(report_iri, index[id(f)]) for f in draft.accepted[a.key]]
                yield self.iris.provenance_graph, acceptance_ntriples(a, self.iris, results)

        # Streamed in pieces: a province report is never one string in memory. N-Triples
        # lines end in " .\n"; a literal's line breaks are escaped, so this is each line end.
        self.store.bulk_load(text.replace(" .\n", f" <{graph}> .\n") for graph, text in parts())
        return tuple(self.iris.acceptance(a.key) for a in draft.acceptances)

    def _restricted_datasets(self, draft: Draft) -> dict[str, str]:
        """Restricted (terbatas) datasets, IRI -> slug: those published, and the draft if it is."""
        found = {d.iri: d.slug for d in published(self.store, self.iris) if not d.open}
        level = self.store.query(
            f"ASK {{ <{draft.dataset_iri}> <{OC}accessLevel> <{OC}accessOpen> }}", default_graph=[draft.graph]
        )
        if not bool(level):
            found[draft.dataset_iri] = draft.dataset
        else:
            found.pop(draft.dataset_iri, None)  # the draft replaces a restricted version
        return found

    def _settle(self, draft: Draft) -> None:
        """Publish a judged draft, or hold it; record either with its validation report."""
        loaded = draft.record
        assert loaded is not None, "only a freshly staged draft is settled here"
        draft.observations = None  # judged: its columns are not needed any more
        report_iri = self.iris.validation_report(loaded.load_id)
        with _timed([draft.report], "validation report"):
            acceptance_iris = self._store_report(report_iri, draft)
        report = draft.report
        report.findings = draft.findings
        report.violations_accepted = sum(len(v) for v in draft.accepted.values())
        report.seconds = (now() - loaded.started).total_seconds()
        if draft.open_violations or draft.awaiting_decision:
            message = _held_message(draft.open_violations) if draft.open_violations else AWAITING_DECISION
            record = replace(
                loaded,
                outcome="held",
                ended=now(),
                validation_report=report_iri,
                message=message,
            )
            older = hold(
                self.store,
                self.iris,
                draft.dataset_iri,
                draft.graph,
                load_provenance(record, self.iris),
            )
            if older:
                self.store.remove_graph(older)
            self._audit_settled(draft, record, report_iri)
            report.outcome = "held"
            report.message = record.message
            return
        record = replace(
            loaded,
            outcome="published",
            ended=now(),
            validation_report=report_iri,
            acceptances=acceptance_iris,
        )
        unused = publish(
            self.store,
            self.iris,
            draft.dataset_iri,
            draft.graph,
            load_provenance(record, self.iris),
        )
        for g in unused:
            self.store.remove_graph(g)
        self._audit_settled(draft, record, report_iri)
        report.outcome = "published"

    def _audit_settled(self, draft: Draft, record: LoadRecord, report_iri: str) -> None:
        """Chain a settled draft: its validation, then its publication or hold."""
        accepted = sum(len(v) for v in draft.accepted.values())
        validation = validation_payload(report_iri, draft.dataset, draft.graph, draft.findings, accepted)
        self.audit("validation", [report_iri, draft.graph], validation)
        subjects = [draft.dataset_iri, self.iris.load(record.load_id), draft.graph]
        kind = "publication" if record.outcome == "published" else "hold"
        payload = load_payload(record, acceptances=list(record.acceptances))
        self.audit(kind, subjects, payload, actor=record.agent)

    def publish_draft(
        self, dataset: str, *, accept_reason: str | None = None, decided_by: str | None = None
    ) -> LoadReport:
        """Publish the dataset's held draft, judged again against what is published now.

        With ``accept_reason`` every violation the draft has now is accepted, and the
        decision (who, why, which rules and rows) is recorded as provenance.

        Raises:
            LoadRejected: there is no held draft, or it still has violations nobody accepted.
        """
        started = now()
        dataset_iri, graph = self._held_draft(dataset)
        load_iri = self._generating_load(graph)
        draft = Draft(dataset, dataset_iri, graph, None, LoadReport(dataset, "", "", "held", graph=graph))
        self._judge([draft])
        if draft.open_violations and accept_reason:
            person = decided_by or self.settings.agent or getpass.getuser()
            decision = Acceptance(
                dataset=dataset,
                shapes=tuple(sorted({f.shape for f in draft.open_violations})),
                rows=tuple(sorted({f.row for f in draft.open_violations if f.row is not None})) or None,
                reason=accept_reason,
                decided_by=person,
                decided_on=started.date(),
                source="onecenter publish --accept-violations",
            )
            # The store has not changed since the judgement: its findings are classified
            # again with the decision (validating again took minutes at province scale).
            self._classify(draft, [decision])
        if draft.open_violations:
            raise LoadRejected(
                _held_message(draft.open_violations)
                + '; perbaiki tabelnya dan muat ulang, atau terbitkan dengan --accept-violations "alasan" '
                '/ fix the table and load again, or publish with --accept-violations "reason"',
                report=draft.report,
            )
        publication_id = new_load_id(started)
        report_iri = self.iris.validation_report(publication_id)
        acceptance_iris = self._store_report(report_iri, draft)
        record = PublicationRecord(
            publication_id=publication_id,
            dataset=dataset,
            graph=graph,
            load_iri=load_iri,
            started=started,
            ended=now(),
            agent=decided_by or self.settings.agent,
            validation_report=report_iri,
            acceptances=acceptance_iris,
        )
        unused = publish(self.store, self.iris, dataset_iri, graph, publication_provenance(record, self.iris))
        for g in unused:
            self.store.remove_graph(g)
        accepted = sum(len(v) for v in draft.accepted.values())
        validation = validation_payload(report_iri, dataset, graph, draft.findings, accepted)
        self.audit("validation", [report_iri, graph], validation)
        publication = publication_payload(record, accept_reason if draft.accepted else None)
        self.audit(
            "publication",
            [dataset_iri, self.iris.publication(publication_id), graph],
            publication,
            actor=record.agent,
        )
        report = draft.report
        report.outcome = "published"
        report.findings = draft.findings
        report.violations_accepted = sum(len(v) for v in draft.accepted.values())
        report.seconds = (now() - started).total_seconds()
        return report

    def reject_draft(self, dataset: str, *, reason: str, decided_by: str | None = None) -> str:
        """Drop the dataset's held draft on the Walidata's decision, with who and why on record;
        the published version stays. Returns the rejection's IRI.

        Raises:
            LoadRejected: there is no held draft, or no reason was given.
        """
        if not reason.strip():
            raise LoadRejected("alasan penolakan wajib diisi / a reason for the rejection is required")
        started = now()
        dataset_iri, graph = self._held_draft(dataset)
        iri, ntriples = rejection_provenance(
            new_load_id(started),
            self.iris,
            dataset=dataset,
            graph=graph,
            load_iri=self._generating_load(graph),
            started=started,
            agent=decided_by or self.settings.agent or getpass.getuser(),
            reason=reason.strip(),
        )
        catalog = self.iris.catalog_graph
        # One update: the pointer goes and the decision is recorded together.
        self.store.update(
            f"""DELETE DATA {{ GRAPH <{catalog}> {{ <{dataset_iri}> <{OC}draftGraph> <{graph}> }} }} ;
INSERT DATA {{ GRAPH <{self.iris.provenance_graph}> {{
{ntriples}}} }}"""
        )
        self.store.remove_graph(graph)
        self.audit(
            "rejection",
            [dataset_iri, iri, graph],
            {"dataset": dataset, "graph": graph, "reason": reason.strip()},
            actor=decided_by,
        )
        return iri

    def _held_draft(self, dataset: str) -> tuple[str, str]:
        """(dataset IRI, its held draft graph).

        Raises:
            NotFound: the dataset has no held draft.
        """
        dataset_iri = self.iris.dataset(dataset)
        graph = draft_datasets(self.store, self.iris).get(dataset_iri)
        if graph is None:
            raise NotFound(
                f"tidak ada draf tertahan untuk dataset {dataset!r} / no held draft for dataset {dataset!r}"
            )
        return dataset_iri, graph

    def _generating_load(self, graph: str) -> str:
        result = self.store.query(
            f"SELECT ?load WHERE {{ ?load <{PROV}generated> <{graph}> }}",
            default_graph=[self.iris.provenance_graph],
        )
        assert isinstance(result, ox.QuerySolutions)
        loads: list[str] = [s["load"].value for s in result]
        if not loads:
            raise StoreError(f"draf {graph} tanpa catatan pemuatan / draft without a load record")
        return loads[0]

    def accepted_findings(self) -> set[tuple[str, str]]:
        """(focus, shape) of every violation accepted when the current versions were published."""
        return self._on_record("?activity oc:acceptedViolations/oc:acceptedResult ?result .")

    def _on_record(self, link: str) -> set[tuple[str, str]]:
        """(focus, shape) of violations recorded by the activities behind the published versions."""
        # Results on restricted datasets' figures are kept in those datasets' own graphs.
        restricted_graphs = [
            self.iris.restricted_provenance_graph(d.slug)
            for d in published(self.store, self.iris)
            if not d.open
        ]
        restricted = "".join(f", <{g}>" for g in restricted_graphs)
        result = self.store.query(
            f"""PREFIX oc: <{OC}> PREFIX prov: <{PROV}> PREFIX sh: <{SH}>
SELECT DISTINCT ?focus ?shape WHERE {{
  GRAPH <{self.iris.catalog_graph}> {{ ?dataset oc:publishedGraph ?graph }}
  GRAPH <{self.iris.provenance_graph}> {{
    {{ ?activity prov:generated ?graph }} UNION {{ ?activity a oc:Publication ; prov:used ?graph }}
    {link} }}
  GRAPH ?reports {{ ?result sh:focusNode ?focus ; sh:sourceShape ?shape ; sh:resultSeverity sh:Violation }}
  FILTER(?reports IN (<{self.iris.provenance_graph}>{restricted})) }}""",
            default_graph=[],
            named_graphs=[self.iris.catalog_graph, self.iris.provenance_graph, *restricted_graphs],
        )
        assert isinstance(result, ox.QuerySolutions)
        return {(s["focus"].value, s["shape"].value) for s in result}

    def check_coherence(self, graphs: list[str] | None = None) -> list[Finding]:
        """Run every shape in shapes/ over the published graphs (or ``graphs``), traced."""
        graphs = graphs if graphs is not None else published_graphs(self.store, self.iris, EVERYONE_INTERNAL)
        findings = validate(self.store, self.shapes, graphs)
        trace_findings(self.store, graphs, findings)
        return findings

    def _record_only(self, rec: LoadRecord) -> None:
        self._add_provenance(load_provenance(rec, self.iris))

    def _add_provenance(self, ntriples: str) -> None:
        self.store.update(f"INSERT DATA {{ GRAPH <{self.iris.provenance_graph}> {{\n{ntriples}}} }}")

    def _display(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(self.settings.project_dir.resolve()))
        except ValueError:
            return path.name

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


AWAITING_DECISION = (
    "draf menunggu keputusan Walidata (terbitkan atau tolak); versi terbit sebelumnya tetap berlaku "
    "/ draft awaits the Walidata's decision (publish or reject); the published version stays"
)


def _held_message(violations: list[Finding]) -> str:
    shapes = sorted({f.shape.rsplit("#", 1)[-1] for f in violations})
    return (
        f"draf ditahan: {len(violations)} pelanggaran ({', '.join(shapes)}); versi terbit sebelumnya "
        f"tetap berlaku / draft held: {len(violations)} violation(s); the published version stays"
    )
