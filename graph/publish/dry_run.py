"""A dry run: a load that stops at its verdict and leaves the store as it found it.

It does what ``load`` does short of settling: it reads, links and maps the table
(``examine``), writes it into a private version graph (``write_draft``), judges it against
everything published with the same engine and the same standing acceptances of
``mappings/publication/accepted_violations.yaml`` (``judge``), and then drops the graph
instead of publishing or holding it. Its report's outcome says what a load would do:
``would-be-published``, ``would-be-held`` (with the open violations) or
``would-be-rejected`` (reject limit, personal data, no values). Nothing is recorded: no
provenance, no validation report, no audit entry; the CLI still writes the findings to
the staff reports, as for a load.

Why it writes at all: the engine answers the shapes that judge one observation at a time
from a draft's columns (``DraftObservations``), but the rules across observations, across
datasets and against the region codes (declared rules, part and whole, reference codes)
are SPARQL over the draft's graph among the published ones. Judging from columns alone
would be a second judge that can disagree with the real one, which is the fault this
replaced: a dry run that only mapped said "0 violations" of a table a load then held. A
private graph costs the bulk load and compaction a load costs anyway.

What it writes, and removes again before it returns (also when judging fails): the draft
graph, named as a load's version graph (queries read published graphs only, so nobody sees
it; if the process dies, the next load's garbage collection removes it); and, in a store
that lacks the reference graphs, those graphs, as a load would write them first. Bulk
loads and graph removal do not touch the marker that makes a running server's readers
reopen, so a dry run can run beside a server; it holds the store's write lock while it
runs, so not beside another load (``onecenter load`` says the store is busy).
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from graph.check.findings import Finding
from graph.provenance.records import new_load_id, now
from graph.publish.draft import Draft
from graph.publish.instance import Instance
from graph.publish.judge import judge
from graph.publish.load_report import WOULD_BE, LoadReport
from graph.publish.reference import missing_reference, write_reference
from graph.publish.stage import Examined, Progress, examine, write_draft
from graph.read.tables import Table

__all__ = ["WOULD_AWAIT_DECISION", "dry_run", "would_hold_message"]

WOULD_AWAIT_DECISION = (
    "akan menunggu keputusan Walidata: unggahan tidak terbit sendiri, tanpa pelanggaran pun "
    "/ would await the Walidata's decision: an upload is never published by itself, even without "
    "a violation"
)


def would_hold_message(violations: list[Finding]) -> str:
    shapes = sorted({f.shape.rsplit("#", 1)[-1] for f in violations})
    return (
        f"akan ditahan / would be held: {len(violations)} pelanggaran / violation(s) "
        f"({', '.join(shapes)}); versi terbit sebelumnya tetap berlaku / the published version "
        "would stay"
    )


def dry_run(
    instance: Instance,
    mapping_path: Path,
    progress: Progress | None = None,
    *,
    source: Path | None = None,
    table: Table | None = None,
    publish: bool = True,
) -> LoadReport:
    """What ``load`` would do with the table (``publish=False``: an upload, which waits for
    the Walidata even without a violation), the store left as it was.

    Raises:
        MappingError, SourceError: as for ``load``.
    """
    started = now()
    examining = time.perf_counter()
    seen = examine(instance, mapping_path, source, table)
    report = seen.report
    report.step_seconds["read + link + check"] = time.perf_counter() - examining
    absent = _absent_reference(instance)
    report.reference_loaded = bool(absent)
    if seen.refusal:
        report.outcome = WOULD_BE["rejected"]
    else:
        draft = _judged(instance, seen, absent, started, progress)
        report.findings = draft.findings
        report.violations_accepted = draft.violations_accepted
        if draft.open_violations:
            report.outcome, report.message = WOULD_BE["held"], would_hold_message(draft.open_violations)
        elif not publish:
            report.outcome, report.message = WOULD_BE["held"], WOULD_AWAIT_DECISION
        else:
            report.outcome = WOULD_BE["published"]
    report.seconds = (now() - started).total_seconds()
    return report


def _judged(
    instance: Instance, seen: Examined, absent: list[str], started: dt.datetime, progress: Progress | None
) -> Draft:
    """Write the table (and the ``absent`` reference graphs) privately, judge it, remove them."""
    store = instance.store
    graph = instance.iris.dataset_version_graph(seen.mapping.dataset.id, new_load_id(started))
    written = [*absent, graph]
    try:
        if absent:
            write_reference(instance, absent)
        draft = write_draft(instance, seen, graph, started, progress)
        judge(instance, [draft])
    finally:
        for g in written:
            store.remove_graph(g)
        if instance.settings.compact_after_load:
            store.compact()  # the removed quads' files, merged away as a load's would be
    draft.observations = None
    seen.report.graph = None  # there is no draft to point to
    return draft


def _absent_reference(instance: Instance) -> list[str]:
    """The reference graphs a load would write first (none unless the store lacks them)."""
    if not missing_reference(instance):
        return []
    present = set(instance.store.named_graphs())
    every = [instance.iris.ontology_graph, instance.iris.regions_graph, instance.iris.periods_graph]
    every.append(instance.iris.decisions_graph)
    return [g for g in every if g not in present]
