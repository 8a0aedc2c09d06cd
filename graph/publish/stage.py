"""The first stage of a load: read, link and map a table, and bulk-load it as a draft.

``examine`` reads the table (the mapping's, or an upload), screens it for personal data,
links and maps it into tidy observations and says why it would be refused, all without
touching the store. ``stage`` then writes the observations into a new version graph
nobody can see yet (``write_draft``, which a dry run uses too), records the load's source
file as provenance and chains it in the audit log; a refused table is recorded as a
rejected load instead, and the published version stays.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import NoReturn

import pandas as pd

from graph.cube.draft_columns import DraftObservations
from graph.cube.mapping_checks import resolve_terms
from graph.cube.measure_groups import measure_cubes
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
from graph.read.personal_data_refusal import refusal_message
from graph.read.tables import ReadBudget, Table, read_table
from graph.store.versions import provenance_graph_of

__all__ = ["Examined", "Progress", "examine", "stage", "write_draft"]

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


def examine(
    instance: Instance, mapping_path: Path, source: Path | None = None, table: Table | None = None
) -> Examined:
    """Read, link and map a table (the mapping's, or ``source``: an upload) without
    touching the store; say why it would be refused.

    ``table`` is ``source`` already read (an upload is read before the upload lock is taken);
    it is read again if the mapping's layout changed since.

    Raises:
        MappingError: the mapping is invalid.
        SourceError: the table cannot be read, or its read passed the budget.
    """
    mapping = resolve_terms(load_mapping(mapping_path), instance.vocabulary, instance.linker.rules)
    source = source or mapping.source_path
    if table is None or table.path != source or table.spec != mapping.source:
        table = read_table(source, mapping.source, ReadBudget.of(instance.settings))
    # Before anything else reads the cells: what it finds is masked in the table itself.
    exposed = instance.personal_data.screen(mapping, table)
    prepared = prepare(mapping, table, instance.linker, instance.vocabulary)
    prepared.problems = exposed + prepared.problems
    # A file named after a person (its NIK) is refused by the screen; its name is shown masked.
    report = _report(
        mapping, instance.personal_data.mask(source.name), table, prepared, instance.display(mapping.file)
    )
    if exposed:
        report.message = refusal_message(exposed)
    else:
        report.message = _refusal(prepared, source, instance.settings.reject_limit_percent)
    return Examined(mapping, source, table, prepared, report, report.message)


def _report(mapping: Mapping, source: str, table: Table, prepared: Prepared, shown: str) -> LoadReport:
    return LoadReport(
        dataset=mapping.dataset.id,
        mapping=shown,
        source=source,
        outcome="checked",
        rows_read=prepared.rows_read,
        rows_mapped=prepared.rows_mapped,
        rows_rejected=prepared.rows_rejected,
        rows_outside=prepared.rows_outside,
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
        figures=_figures(prepared),
    )


def _figures(prepared: Prepared) -> list[tuple[str, str, int, float]]:
    """Observations and the sum of their values per indicator and period (a category's
    values are not numbers: counted, summed as 0)."""
    tidy = prepared.tidy
    if not len(tidy):
        return []
    values = pd.to_numeric(tidy["value"], errors="coerce").fillna(0.0)
    grouped = values.groupby([tidy["indicator"], tidy["period"]]).agg(["count", "sum"])
    return [
        (str(key[0]), str(key[1]), int(row["count"]), float(row["sum"]))
        for key, row in zip(grouped.index, grouped.to_dict("records"), strict=True)
    ]


def _refusal(prepared: Prepared, source: Path, limit_percent: float) -> str:
    """Why a table without personal data is refused: too many rows lost, or no value at all.

    A row counts against the limit when its region could not be linked, or when it gave no
    value because a value cell in it was refused (an indicator name that fits none, a number
    that does not read, an unknown category, the same region, period, indicator and
    dimensions as an earlier row): either way the table said something that could not be
    published, and a table that loses more than the limit is more likely mis-mapped (or
    exported over and over) than sparse; the message names duplicates apart. Not counted:
    rows whose value cells are all empty or "no data" ("-", "n/a": the agency said there is
    nothing), blank rows, rows dropped by a rule or as totals, and
    rows of regions outside the table's scope (a province file loaded by a kabupaten:
    refused and reported, but not a fault of the table).
    """
    outside = prepared.rows_outside
    data_rows = max(prepared.rows_read - prepared.rows_blank - prepared.rows_dropped - outside, 1)
    rejected = prepared.rows_rejected - outside
    refused = prepared.rows_without_values_refused
    duplicates = prepared.rows_duplicate
    lost = rejected + refused
    lost_percent = 100.0 * lost / data_rows
    if not prepared.tidy.empty and lost_percent <= limit_percent:
        return ""
    parts_id = [f"{rejected} ditolak"] if rejected else []
    parts_en = [f"{rejected} rejected"] if rejected else []
    if duplicates:
        parts_id.append(f"{duplicates} duplikat baris sebelumnya")
        parts_en.append(f"{duplicates} duplicates of earlier rows")
    if refused > duplicates:
        parts_id.append(f"{refused - duplicates} tanpa nilai karena selnya ditolak")
        parts_en.append(f"{refused - duplicates} without any value, their cells refused")
    if outside:
        parts_id.append(f"{outside} lagi di luar wilayah, tidak dihitung")
        parts_en.append(f"{outside} more outside the region, not counted")
    head = (
        f"{source.name}: tidak ada nilai yang dapat dimuat / no value could be loaded"
        if prepared.tidy.empty
        else f"{lost} dari {data_rows} baris tidak dapat dimuat ({', '.join(parts_id)}; "
        f"{lost_percent:.1f}% > batas {limit_percent}%) / {lost} of {data_rows} rows could not be "
        f"loaded ({', '.join(parts_en)}), over the limit"
    )
    why = _main_problem(prepared) or (
        "check that the table has data rows below source.header_rows and that the measure columns hold values"
    )
    return f"{head}; {why}; fix the rows listed and load again"


def _main_problem(prepared: Prepared) -> str:
    """The column most problems were found in, with its first reason, for the refusal message."""
    if not prepared.problems:
        return ""
    columns = Counter(p.column for p in prepared.problems)
    column, count = columns.most_common(1)[0]
    first = next(p for p in prepared.problems if p.column == column)
    return (
        f"paling banyak di kolom / most in column {column!r} ({count} sel / cells), e.g. row "
        f"{first.row}, value {first.value!r}: {first.reason}"
    )


def stage(
    instance: Instance,
    mapping_path: Path,
    progress: Progress | None = None,
    *,
    source: Path | None = None,
    table: Table | None = None,
    agent: str | None = None,
) -> Draft:
    """Read, check and write one table into a new version graph that nobody can see yet
    (``table``: ``source`` already read, as ``examine`` takes it).

    Raises:
        MappingError, SourceError: as for ``examine``; nothing is recorded.
        LoadRejected: the table is refused; the refusal is recorded, the store unchanged.
    """
    started = now()
    examining = time.perf_counter()
    seen = examine(instance, mapping_path, source, table)
    report = seen.report
    report.step_seconds["read + link + check"] = time.perf_counter() - examining
    report.outcome = "failed"
    record = _load_record(instance, seen, started, agent)
    if seen.refusal:
        _refuse(instance, seen, record)
    assert record.graph is not None
    draft = write_draft(instance, seen, record.graph, started, progress)
    with timed([report], "provenance + audit chain"):
        _record_staged(instance, seen, record, report.quads)
    draft.record = record
    return draft


def write_draft(
    instance: Instance, seen: Examined, graph: str, started: dt.datetime, progress: Progress | None = None
) -> Draft:
    """Write an examined table into ``graph`` as ``stage`` does, recording nothing: the draft
    to judge, its observations kept as columns when the setting says so (a dry run's too)."""
    report = seen.report
    dataset = seen.mapping.dataset.id
    cubes = measure_cubes(seen.prepared.tidy, dataset, instance.iris)
    cube_of = {slug: c.iri for c in cubes if not c.main for slug in c.indicators}
    ctx = QuadContext(instance.iris, dataset, graph, seen.table.sha256, seen.table.sheet, cube_of)
    report.quads = _write(instance, seen, ctx, started, progress)
    report.graph = graph
    draft = Draft(dataset, instance.iris.dataset(dataset), graph, None, report)
    if instance.settings.check_drafts_in_columns:
        with timed([report], "draft columns"):
            draft.observations = DraftObservations.of(seen.prepared.tidy, instance.vocabulary, ctx)
    if instance.settings.compact_after_load:
        with timed([report], "compaction"):
            instance.store.compact()
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
        file_name=seen.report.source,
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
    instance.add_provenance(load_provenance(rejected, instance.iris), _record_graph(instance, seen.mapping))
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
            cubes=measure_cubes(prepared.tidy, seen.mapping.dataset.id, instance.iris),
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


def _record_graph(instance: Instance, mapping: Mapping) -> str:
    """Where the load's provenance goes: the public provenance graph, or a restricted
    (terbatas) dataset's own graph (its file name, hash and counts are not public)."""
    meta = mapping.dataset
    return provenance_graph_of(instance.iris, instance.iris.dataset(meta.id), meta.access == "terbuka")


def _record_staged(instance: Instance, seen: Examined, record: LoadRecord, quads_written: int) -> None:
    """The source file as provenance, and the staged load in the audit chain."""
    assert record.graph is not None
    instance.add_provenance(
        source_file_ntriples(record, instance.iris), _record_graph(instance, seen.mapping)
    )
    iris = instance.iris
    subjects = [iris.dataset(record.dataset), iris.load(record.load_id), record.graph]
    payload = load_payload(replace(record, outcome="staged"), quads=quads_written)
    instance.audit("load", subjects, payload, [record.graph], actor=record.agent)
