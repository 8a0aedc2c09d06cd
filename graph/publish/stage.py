"""The first stage of a load: read, link and map a table, and bulk-load it as a draft.

``examine`` reads the table (the mapping's, or an upload), screens it for personal data,
links and maps it into tidy observations and says why it would be refused, all without
touching the store (a dry run stops here). ``stage`` then writes the observations into a
new version graph nobody can see yet, records the load's source file as provenance and
chains it in the audit log; a refused table is recorded as a rejected load instead, and
the published version stays.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NoReturn

from graph.cube.draft_columns import DraftObservations
from graph.cube.mapping_checks import resolve_terms
from graph.cube.metadata import dataset_quads
from graph.cube.prepare import Prepared, prepare
from graph.cube.quads import QuadContext, quads
from graph.errors import LoadRejected
from graph.provenance.chain_records import load_payload
from graph.provenance.records import LoadRecord, load_provenance, new_load_id, now, source_file_ntriples
from graph.publish.draft import Draft
from graph.publish.instance import Instance
from graph.publish.load_report import LoadReport, timed
from graph.rdf.ntriples import NQuadsChunk
from graph.read.mappings import Mapping, load_mapping
from graph.read.personal_data import refusal_message
from graph.read.tables import Table, read_table

__all__ = ["Examined", "Progress", "examine", "stage"]

Progress = Callable[[int, int], None]  # (done, total) observations written


@dataclass
class Examined:
    """A table read, linked and mapped without touching the store, and why it would be refused."""

    mapping: Mapping
    source: Path
    table: Table
    prepared: Prepared
    report: LoadReport
    refusal: str  # empty when nothing stands in the way of a load


def examine(instance: Instance, mapping_path: Path, source: Path | None = None) -> Examined:
    """Read, link and map a table (the mapping's, or ``source``: an upload) without
    touching the store; say why it would be refused.

    Raises:
        MappingError: the mapping is invalid.
        SourceError: the table cannot be read.
    """
    mapping = resolve_terms(load_mapping(mapping_path), instance.vocabulary, instance.linker.rules)
    source = source or mapping.source_path
    table = read_table(source, mapping.source)
    # Before anything else reads the cells: what it finds is masked in the table itself.
    exposed = instance.personal_data.screen(mapping, table)
    prepared = prepare(mapping, table, instance.linker, instance.vocabulary)
    prepared.problems = exposed + prepared.problems
    report = _report(mapping, source, table, prepared, instance.display(mapping.file))
    if exposed:
        report.message = refusal_message(exposed)
    else:
        report.message = _refusal(prepared, source, instance.settings.reject_limit_percent)
    return Examined(mapping, source, table, prepared, report, report.message)


def _report(mapping: Mapping, source: Path, table: Table, prepared: Prepared, shown: str) -> LoadReport:
    return LoadReport(
        dataset=mapping.dataset.id,
        mapping=shown,
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
        dropped=table.dropped + prepared.total_rows,
        review=prepared.review,
        category_review=prepared.category_review,
        link_methods=prepared.link_methods,
    )


def _refusal(prepared: Prepared, source: Path, limit_percent: float) -> str:
    """Why a table without personal data is refused: too many rows rejected, or no value at all."""
    data_rows = max(prepared.rows_read - prepared.rows_blank - prepared.rows_dropped, 1)
    rejected_percent = 100.0 * prepared.rows_rejected / data_rows
    if rejected_percent > limit_percent:
        return (
            f"{prepared.rows_rejected} dari {data_rows} baris ditolak ({rejected_percent:.1f}%"
            f" > batas {limit_percent}%) / {prepared.rows_rejected} of "
            f"{data_rows} rows rejected, over the limit; fix the rows listed and load again"
        )
    if prepared.tidy.empty:
        return (
            f"{source.name}: tidak ada nilai yang dapat dimuat / no value could be loaded; check "
            "that the table has data rows below source.header_rows and that the measure columns "
            "hold numbers"
        )
    return ""


def stage(
    instance: Instance,
    mapping_path: Path,
    progress: Progress | None = None,
    *,
    source: Path | None = None,
    agent: str | None = None,
) -> Draft:
    """Read, check and write one table into a new version graph that nobody can see yet.

    Raises:
        MappingError, SourceError: as for ``examine``; nothing is recorded.
        LoadRejected: the table is refused; the refusal is recorded, the store unchanged.
    """
    started = now()
    examining = time.perf_counter()
    seen = examine(instance, mapping_path, source)
    report = seen.report
    report.step_seconds["read + link + check"] = time.perf_counter() - examining
    report.outcome = "failed"
    record = _load_record(instance, seen, started, agent)
    if seen.refusal:
        _refuse(instance, seen, record)
    assert record.graph is not None
    dataset = seen.mapping.dataset.id
    ctx = QuadContext(instance.iris, dataset, record.graph, seen.table.sha256, seen.table.sheet)
    report.quads = _write(instance, seen, ctx, started, progress)
    report.graph = record.graph
    observations = None
    if instance.settings.check_drafts_in_columns:
        with timed([report], "draft columns"):
            observations = DraftObservations.of(seen.prepared.tidy, instance.vocabulary, ctx)
    if instance.settings.compact_after_load:
        with timed([report], "compaction"):
            instance.store.compact()
    with timed([report], "provenance + audit chain"):
        _record_staged(instance, record, report.quads)
    draft = Draft(dataset, instance.iris.dataset(dataset), record.graph, record, report)
    draft.observations = observations
    return draft


def _load_record(instance: Instance, seen: Examined, started: dt.datetime, agent: str | None) -> LoadRecord:
    """The load as provenance will record it: failed until it is settled."""
    mapping, table, prepared = seen.mapping, seen.table, seen.prepared
    load_id = new_load_id(started)
    return LoadRecord(
        load_id=load_id,
        dataset=mapping.dataset.id,
        agency=mapping.dataset.agency,
        started=started,
        ended=started,
        outcome="failed",
        file_name=seen.source.name,
        file_sha256=table.sha256,
        file_bytes=table.byte_size,
        file_format=mapping.source.resolved_format,
        mapping_name=seen.report.mapping,
        mapping_sha256=mapping.sha256,
        rows_read=prepared.rows_read,
        rows_rejected=prepared.rows_rejected,
        rows_dropped=prepared.rows_dropped,
        observations=len(prepared.tidy),
        graph=instance.iris.dataset_version_graph(mapping.dataset.id, load_id),
        agent=agent or instance.settings.agent,
    )


def _refuse(instance: Instance, seen: Examined, record: LoadRecord) -> NoReturn:
    """Record the refused load (provenance and audit chain) and raise ``LoadRejected``."""
    rejected = replace(
        record, outcome="rejected", ended=now(), graph=None, observations=0, message=seen.refusal
    )
    instance.add_provenance(load_provenance(rejected, instance.iris))
    subjects = [instance.iris.dataset(record.dataset), instance.iris.load(record.load_id)]
    instance.audit("load", subjects, load_payload(rejected), actor=record.agent)
    seen.report.outcome = "rejected"
    raise LoadRejected(seen.refusal, seen.prepared.problems, seen.report)


def _write(
    instance: Instance, seen: Examined, ctx: QuadContext, started: dt.datetime, progress: Progress | None
) -> int:
    """Bulk-load the dataset's metadata and observations into the draft's graph; returns quads."""
    prepared = seen.prepared
    total = len(prepared.tidy)
    step = instance.settings.transform_chunk_rows

    def chunks() -> Iterator[NQuadsChunk]:
        yield dataset_quads(
            seen.mapping,
            instance.vocabulary,
            instance.iris,
            ctx.graph,
            home_region=instance.settings.home_region,
            periods=prepared.periods,
            indicators=sorted(prepared.tidy["indicator"].unique()),
            modified=started,
        )
        for i, chunk in enumerate(quads(prepared.tidy, instance.vocabulary, ctx, step)):
            yield chunk
            if progress:
                progress(min(total, (i + 1) * step), total)

    try:
        with timed([seen.report], "map + bulk load"):
            return instance.store.bulk_load(chunks())
    except BaseException:
        # The half-written version graph is not published; remove it now if we can.
        instance.store.remove_graph(ctx.graph)
        raise


def _record_staged(instance: Instance, record: LoadRecord, quads_written: int) -> None:
    """The source file as provenance, and the staged load in the audit chain."""
    assert record.graph is not None
    instance.add_provenance(source_file_ntriples(record, instance.iris))
    iris = instance.iris
    subjects = [iris.dataset(record.dataset), iris.load(record.load_id), record.graph]
    payload = load_payload(replace(record, outcome="staged"), quads=quads_written)
    instance.audit("load", subjects, payload, [record.graph], actor=record.agent)
