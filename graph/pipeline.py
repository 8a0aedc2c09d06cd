"""Sources -> link -> transform -> store -> publish, with provenance and an account of every row.

``Platform`` holds what every load needs (settings, store, vocabulary, region
codes). ``load_reference`` (re)publishes the ontology and the region codes;
``load`` maps one agency table into a new version graph and publishes it only
when the whole table was written; ``build`` does all of it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import CellProblem, LoadRejected, OneCenterError
from graph.iris import Iris
from graph.linking import RegionLinker, ReviewItem
from graph.mappings import Mapping, discover_mappings, load_mapping
from graph.metadata import dataset_quads, periods_ntriples
from graph.provenance import LoadRecord, decisions_ntriples, load_provenance, new_load_id, now
from graph.publication import collect_garbage, publish, published_graphs
from graph.settings import Settings
from graph.sources import Table, read_table
from graph.store import Store, open_store
from graph.transform import Prepared, QuadContext, prepare, quads, resolve_terms
from graph.validation import Finding, Shapes, trace_findings, validate
from graph.vocabulary import Vocabulary

__all__ = ["LoadReport", "Platform"]

Progress = Callable[[int, int], None]  # (done, total) observations written


@dataclass
class LoadReport:
    """What a load did with every row of its table."""

    dataset: str
    mapping: str
    source: str
    outcome: str  # published | rejected | failed; for a dry run: checked | would-be-rejected
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

    @property
    def rows_accounted(self) -> int:
        return (
            self.rows_mapped
            + self.rows_rejected
            + self.rows_dropped
            + self.rows_blank
            + self.rows_without_values
        )


class Platform:
    """One instance: its settings, its store and the reference data every load uses."""

    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        self.settings = settings
        self.iris = Iris(settings.base_iri)
        self.store = store if store is not None else open_store(settings.store_location)
        self.vocabulary = Vocabulary.load(settings.ontology_path, self.iris)
        self.linker = RegionLinker.from_folders(
            settings.ontology_path, settings.mappings_path, settings.home_region
        )
        self.regions = self.linker.index
        self.decisions = self.linker.decisions

    def close(self) -> None:
        self.store.close()

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
        return added

    # Dataset loads -----------------------------------------------------------------------

    def _examine(self, mapping_path: Path) -> tuple[Mapping, Table, Prepared, LoadReport, str]:
        """Read, link and map a table without touching the store; say why it would be refused."""
        mapping = resolve_terms(load_mapping(mapping_path), self.vocabulary, self.linker.rules)
        source = mapping.source_path
        table = read_table(source, mapping.source)
        prepared = prepare(mapping, table, self.linker, self.vocabulary)
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
        if rejected_percent > self.settings.reject_limit_percent:
            refusal = (
                f"{prepared.rows_rejected} dari {data_rows} baris ditolak ({rejected_percent:.1f}%"
                f" > batas {self.settings.reject_limit_percent}%) / {prepared.rows_rejected} of "
                f"{data_rows} rows rejected, over the limit; fix the rows listed and load again"
            )
        elif prepared.tidy.empty:
            refusal = "tidak ada nilai yang dapat dimuat / no value could be loaded"
        report.message = refusal
        return mapping, table, prepared, report, refusal

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

    def load(self, mapping_path: Path, progress: Progress | None = None) -> LoadReport:
        """Map one agency table and publish it; the previous version stays until it succeeds.

        Raises:
            MappingError: the mapping is invalid (nothing is recorded or changed).
            LoadRejected: too many rows were rejected; recorded, previous version kept.
            SourceError: the table cannot be read; previous version kept.
        """
        started = now()
        mapping, table, prepared, report, refusal = self._examine(mapping_path)
        source = mapping.source_path
        report.outcome = "failed"
        load_id = new_load_id(started)

        def record(outcome: str, graph: str | None, message: str = "") -> LoadRecord:
            return LoadRecord(
                load_id=load_id,
                dataset=mapping.dataset.id,
                agency=mapping.dataset.agency,
                started=started,
                ended=now(),
                outcome=outcome,
                file_name=source.name,
                file_sha256=table.sha256,
                file_bytes=table.byte_size,
                file_format=mapping.source.resolved_format,
                mapping_name=self._display(mapping.file),
                mapping_sha256=mapping.sha256,
                rows_read=prepared.rows_read,
                rows_rejected=prepared.rows_rejected,
                rows_dropped=prepared.rows_dropped,
                observations=len(prepared.tidy) if graph else 0,
                graph=graph,
                agent=self.settings.agent,
                message=message,
            )

        if refusal:
            self._record_only(record("rejected", None, refusal))
            report.outcome = "rejected"
            raise LoadRejected(refusal, prepared.problems, report)

        # Leftovers of an interrupted load are never published; clear them first.
        collect_garbage(self.store, self.iris)
        graph = self.iris.dataset_version_graph(mapping.dataset.id, load_id)
        ctx = QuadContext(self.iris, mapping.dataset.id, graph, table.sha256, table.sheet)
        total = len(prepared.tidy)
        written = 0

        def chunks() -> Iterator[str]:
            nonlocal written
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
            for i, chunk in enumerate(quads(prepared, self.vocabulary, ctx, step)):
                yield chunk
                written = min(total, (i + 1) * step)
                if progress:
                    progress(written, total)

        try:
            report.quads = self.store.bulk_load(chunks())
        except BaseException:
            # The half-written version graph is not published; remove it now if we can.
            self.store.remove_graph(graph)
            raise
        previous = publish(
            self.store,
            self.iris,
            self.iris.dataset(mapping.dataset.id),
            graph,
            load_provenance(record("published", graph), self.iris),
        )
        if previous:
            self.store.remove_graph(previous)
        report.outcome = "published"
        report.graph = graph
        report.seconds = (now() - started).total_seconds()
        return report

    def check_coherence(self, graphs: list[str] | None = None) -> list[Finding]:
        """Run every shape in shapes/ over the published graphs (or ``graphs``), traced."""
        shapes = Shapes.load(self.settings.shapes_path)
        graphs = graphs if graphs is not None else published_graphs(self.store, self.iris)
        findings = validate(self.store, shapes, graphs)
        trace_findings(self.store, graphs, findings)
        return findings

    def _record_only(self, rec: LoadRecord) -> None:
        self.store.update(
            f"INSERT DATA {{ GRAPH <{self.iris.provenance_graph}> {{\n{load_provenance(rec, self.iris)}}} }}"
        )

    def _display(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(self.settings.project_dir.resolve()))
        except ValueError:
            return path.name

    def build(
        self,
        on_dataset: Callable[[Path], Progress | None] | None = None,
    ) -> tuple[list[LoadReport], list[tuple[Path, OneCenterError]]]:
        """Publish the reference graphs and every mapping; a failed table does not stop the rest."""
        self.load_reference()
        reports: list[LoadReport] = []
        failures: list[tuple[Path, OneCenterError]] = []
        for path in discover_mappings(self.settings.mappings_path):
            progress = on_dataset(path) if on_dataset else None
            try:
                reports.append(self.load(path, progress))
            except LoadRejected as exc:
                # Keep its report: its rejected rows and review queue matter most.
                if isinstance(exc.report, LoadReport):
                    reports.append(exc.report)
                failures.append((path, exc))
            except OneCenterError as exc:
                failures.append((path, exc))
        return reports, failures
