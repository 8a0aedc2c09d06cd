"""The last stage of a load: publish a judged draft or hold it, and the Walidata's decisions.

``settle`` writes the draft's validation report (bulk-loaded, restricted figures in their
dataset's own graph), then in one transaction either publishes the draft or holds it while
the previous version stays published, and chains both steps in the audit log. A held draft
waits for the Walidata: ``publish_held`` publishes it (accepting its violations with a
reason on record), with the findings of its load's judgement when nothing they depend on
changed (``graph.publish.judgement``), else judged again; ``reject_held`` drops it with a
reason on record. After each, ``graph.publish.hygiene`` reduces the reports of the versions
they replaced to a summary and a file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import replace

from graph.check.acceptances import Acceptance
from graph.check.findings import Finding
from graph.check.report import report_chunks, result_iri
from graph.errors import LoadRejected, StillViolates
from graph.provenance.chain_records import load_payload, publication_payload, validation_payload
from graph.provenance.finding_tally import tally_findings, tally_ntriples
from graph.provenance.records import (
    LoadRecord,
    PublicationRecord,
    acceptance_ntriples,
    load_provenance,
    new_load_id,
    now,
    publication_provenance,
    rejection_provenance,
)
from graph.publish.draft import Draft, draft_observation_count, generating_load, held_draft
from graph.publish.fingerprint import FINGERPRINT
from graph.publish.hygiene import tidy_reports
from graph.publish.instance import Instance
from graph.publish.judge import classify, judge
from graph.publish.judgement import reuse_judgement
from graph.publish.load_report import LoadReport, timed
from graph.rdf.namespaces import OC
from graph.rdf.ntriples import literal
from graph.store.versions import hold, provenance_graph_of, publish, published, version_is_open

__all__ = ["AWAITING_DECISION", "acceptances_for", "held_message", "publish_held", "reject_held", "settle"]

AWAITING_DECISION = (
    "draf menunggu keputusan Walidata (terbitkan atau tolak); versi terbit sebelumnya tetap berlaku "
    "/ draft awaits the Walidata's decision (publish or reject); the published version stays"
)


def held_message(violations: list[Finding]) -> str:
    shapes = sorted({f.shape.rsplit("#", 1)[-1] for f in violations})
    return (
        f"draf ditahan: {len(violations)} pelanggaran ({', '.join(shapes)}); versi terbit sebelumnya "
        f"tetap berlaku / draft held: {len(violations)} violation(s); the published version stays"
    )


def settle(instance: Instance, draft: Draft) -> None:
    """Publish a judged draft, or hold it; record either with its validation report."""
    loaded = draft.record
    assert loaded is not None, "only a freshly staged draft is settled here"
    draft.observations = None  # judged: its columns are not needed any more
    report_iri = instance.iris.validation_report(loaded.load_id)
    with timed([draft.report], "validation report"):
        acceptance_iris = store_report(instance, report_iri, draft)
    report = draft.report
    report.findings = draft.findings
    report.violations_accepted = draft.violations_accepted
    report.seconds = (now() - loaded.started).total_seconds()
    record = replace(loaded, ended=now(), validation_report=report_iri)
    if draft.open_violations or draft.awaiting_decision:
        reason = held_message(draft.open_violations) if draft.open_violations else AWAITING_DECISION
        record = replace(record, outcome="held", message=reason)
        older = hold(
            instance.store, instance.iris, draft.dataset_iri, draft.graph, _provenance(instance, record)
        )
        unused = [older] if older else []
    else:
        record = replace(record, outcome="published", acceptances=acceptance_iris)
        unused = publish(
            instance.store,
            instance.iris,
            draft.dataset_iri,
            draft.graph,
            _provenance(instance, record),
            published_at=record.ended,
        )
    for graph in unused:
        instance.store.remove_graph(graph)
    _audit_validation(instance, draft, report_iri)
    subjects = [draft.dataset_iri, instance.iris.load(record.load_id), draft.graph]
    kind = "publication" if record.outcome == "published" else "hold"
    payload = load_payload(record, acceptances=list(record.acceptances))
    instance.audit(kind, subjects, payload, actor=record.agent)
    report.outcome = record.outcome
    if record.outcome == "held":
        report.message = record.message
    # The report of the version (or draft) this one replaced is reduced to its summary.
    tidy_reports(instance, [report])
    report.seconds = (now() - loaded.started).total_seconds()


def _provenance(instance: Instance, record: LoadRecord) -> str:
    return load_provenance(record, instance.iris)


def _audit_validation(instance: Instance, draft: Draft, report_iri: str) -> None:
    """Chain a draft's validation report (before its publication or hold)."""
    payload = validation_payload(
        report_iri, draft.dataset, draft.graph, draft.findings, draft.violations_accepted
    )
    instance.audit("validation", [report_iri, draft.graph], payload)


def store_report(instance: Instance, report_iri: str, draft: Draft) -> tuple[str, ...]:
    """Write the draft's sh:ValidationReport and its acceptances into the provenance
    graph (a restricted draft's into its dataset's own graph); returns the acceptance IRIs.

    Bulk-loaded, before the transaction that records the load or publication and points
    to the report: a province draft has ~350,000 findings (3.5 M triples), and inserting
    them with SPARQL ``INSERT DATA`` took minutes and ~9 GB in Oxigraph's transaction.
    Until that transaction, nothing refers to the report; a crash in between leaves an
    unreferenced report, never a half-recorded load.
    """
    parts = _report_parts(instance, report_iri, draft, now())
    # Streamed in pieces: a province report is never one string in memory. N-Triples
    # lines end in " .\n"; a literal's line breaks are escaped, so this is each line end.
    instance.store.bulk_load(text.replace(" .\n", f" <{graph}> .\n") for graph, text in parts)
    return tuple(instance.iris.acceptance(a.key) for a in draft.acceptances)


def _report_parts(
    instance: Instance, report_iri: str, draft: Draft, created: dt.datetime
) -> Iterator[tuple[str, str]]:
    """(graph, N-Triples) pieces of the report: the public part, each restricted dataset's
    part, and the acceptances pointing to the results they accept.

    A restricted draft's report (its header with the counts, and every result it found) is
    kept in the draft's own graph with its load record; what it says about another
    restricted dataset's figures in that dataset's graph.
    """
    iris = instance.iris
    restricted = _restricted_datasets(instance, draft)
    # The report's own graph: where the load or publication that points to it is recorded.
    home = provenance_graph_of(iris, draft.dataset_iri, draft.dataset_iri not in restricted)

    # A finding of a rule comparing with a restricted dataset shows that dataset's figure in
    # its message: it is kept with that dataset's restricted results, never in public.
    def public(f: Finding) -> bool:
        return f.dataset not in restricted and f.other_dataset not in restricted

    def of(dataset_iri: str) -> Callable[[Finding], bool]:
        return lambda f: (
            f.dataset == dataset_iri or (f.dataset not in restricted and f.other_dataset == dataset_iri)
        )

    for text in report_chunks(report_iri, draft.findings, created=created, keep=public):
        yield home, text
    if draft.fingerprint:  # what its findings depend on: a publish of the draft held reuses them
        yield home, f"<{report_iri}> <{FINGERPRINT}> {literal(draft.fingerprint)} .\n"
    # What the report says about a restricted dataset's figures (focus, value, message)
    # goes to that dataset's own graph, read only by those allowed to see the data.
    for iri, slug in restricted.items():
        own = iris.restricted_provenance_graph(slug)
        mine = report_chunks(report_iri, draft.findings, created=created, keep=of(iri), header=False)
        for text in mine:
            yield own, text
    index = {id(f): i for i, f in enumerate(draft.findings)}
    slugs = set(restricted.values())
    accepted: set[int] = set()  # findings accepted by a decision kept beside the report
    for a in draft.acceptances:
        results = [result_iri(report_iri, index[id(f)]) for f in draft.accepted[a.key]]
        # With the report; on an open draft, a decision about a restricted dataset's rows
        # (a cross-dataset finding) with that dataset.
        about_restricted = home == iris.provenance_graph and a.dataset in slugs
        graph = iris.restricted_provenance_graph(a.dataset) if about_restricted else home
        if graph == home:
            accepted |= {id(f) for f in draft.accepted[a.key]}
        yield graph, acceptance_ntriples(a, iris, results)
    # Its public results counted, for the pages that show counts only (the home page).
    yield home, tally_ntriples(report_iri, tally_findings(filter(public, draft.findings), accepted))


def _restricted_datasets(instance: Instance, draft: Draft) -> dict[str, str]:
    """Restricted (terbatas) datasets, IRI -> slug: those published, and the draft if it is."""
    found = {d.iri: d.slug for d in published(instance.store, instance.iris) if not d.open}
    if not version_is_open(instance.store, draft.dataset_iri, draft.graph):
        found[draft.dataset_iri] = draft.dataset
    else:
        found.pop(draft.dataset_iri, None)  # the draft replaces a restricted version
    return found


def publish_held(
    instance: Instance, dataset: str, *, accept_reason: str | None = None, decided_by: str | None = None
) -> LoadReport:
    """Publish the dataset's held draft (``Platform.publish_draft``): with its load's findings
    if nothing they depend on changed since (``reuse_judgement``), else judged again against
    what is published now."""
    started = now()
    dataset_iri, graph = held_draft(instance.store, instance.iris, dataset)
    load_iri = generating_load(instance.store, instance.iris, graph)
    figures = draft_observation_count(instance.store, instance.iris, graph)
    held = LoadReport(dataset, "", "", "held", graph=graph, observations=figures)
    draft = Draft(dataset, dataset_iri, graph, None, held)
    reused = reuse_judgement(instance, draft, load_iri)
    if not reused:
        judge(instance, [draft])
    if draft.open_violations and accept_reason:
        # The store has not changed since the judgement: its findings are classified
        # again with the decision (validating again took minutes at province scale).
        who = instance.person(decided_by)
        accepted = acceptances_for(draft.dataset, draft.open_violations, accept_reason, who, started.date())
        classify(instance, draft, accepted)
    if draft.open_violations:
        raise StillViolates(
            held_message(draft.open_violations)
            + '; perbaiki tabelnya dan muat ulang, atau terbitkan dengan --accept-violations "alasan" '
            '/ fix the table and load again, or publish with --accept-violations "reason"',
            report=draft.report,
        )
    publication_id = new_load_id(started)
    report_iri = instance.iris.validation_report(publication_id)
    acceptance_iris = store_report(instance, report_iri, draft)
    record = PublicationRecord(
        publication_id=publication_id,
        dataset=dataset,
        graph=graph,
        load_iri=load_iri,
        started=started,
        ended=now(),
        agent=decided_by or instance.settings.agent,
        validation_report=report_iri,
        acceptances=acceptance_iris,
    )
    unused = publish(
        instance.store,
        instance.iris,
        dataset_iri,
        graph,
        publication_provenance(record, instance.iris),
        published_at=record.ended,
    )
    for g in unused:
        instance.store.remove_graph(g)
    _audit_validation(instance, draft, report_iri)
    subjects = [dataset_iri, instance.iris.publication(publication_id), graph]
    payload = publication_payload(record, accept_reason if draft.accepted else None)
    payload["findings"] = reused or "judged again"  # what the Walidata's decision rests on
    instance.audit("publication", subjects, payload, actor=record.agent)
    report = draft.report
    tidy_reports(instance, [report])  # the replaced version's reports
    report.outcome = "published"
    report.findings = draft.findings
    report.violations_accepted = draft.violations_accepted
    report.seconds = (now() - started).total_seconds()
    return report


def acceptances_for(
    dataset: str, violations: list[Finding], reason: str, decided_by: str, day: dt.date
) -> list[Acceptance]:
    """The Walidata's decision to publish ``dataset`` despite its draft's open ``violations``,
    as acceptances.

    A rule's acceptance names the rows its violations are on, so that a later table breaking the
    rule on another row is judged again; a rule broken by the dataset as a whole (its metadata,
    no row) is accepted for the dataset. One acceptance for both would list only the rows, and
    the row-less violations would never match it."""
    by_row: dict[str, set[int]] = {}
    whole: set[str] = set()
    for finding in violations:
        if finding.row is None:
            whole.add(finding.shape)
        else:
            by_row.setdefault(finding.shape, set()).add(finding.row)
    for shape in whole:
        by_row.pop(shape, None)
    rows = tuple(sorted({row for found in by_row.values() for row in found}))
    groups = [(tuple(sorted(by_row)), rows or None), (tuple(sorted(whole)), None)]
    return [
        Acceptance(
            dataset=dataset,
            shapes=shapes,
            rows=rows_of,
            reason=reason,
            decided_by=decided_by,
            decided_on=day,
            source="onecenter publish --accept-violations",
        )
        for shapes, rows_of in groups
        if shapes
    ]


def reject_held(instance: Instance, dataset: str, *, reason: str, decided_by: str | None = None) -> str:
    """Drop the dataset's held draft, with who and why on record (``Platform.reject_draft``)."""
    if not reason.strip():
        raise LoadRejected("alasan penolakan wajib diisi / a reason for the rejection is required")
    started = now()
    store, iris = instance.store, instance.iris
    dataset_iri, graph = held_draft(store, iris, dataset)
    iri, ntriples = rejection_provenance(
        new_load_id(started),
        iris,
        dataset=dataset,
        graph=graph,
        load_iri=generating_load(store, iris, graph),
        started=started,
        agent=instance.person(decided_by),
        reason=reason.strip(),
    )
    # One update: the pointer goes and the decision is recorded together (a restricted
    # draft's pointer and record are in its dataset's own graph, with its load).
    record = provenance_graph_of(iris, dataset_iri, version_is_open(store, dataset_iri, graph))
    pointers = " ;\n".join(
        f"DELETE DATA {{ GRAPH <{g}> {{ <{dataset_iri}> <{OC}draftGraph> <{graph}> }} }}"
        for g in sorted({iris.catalog_graph, record})
    )
    store.update(
        f"""{pointers} ;
INSERT DATA {{ GRAPH <{record}> {{
{ntriples}}} }}"""
    )
    store.remove_graph(graph)
    payload = {"dataset": dataset, "graph": graph, "reason": reason.strip()}
    instance.audit("rejection", [dataset_iri, iri, graph], payload, actor=decided_by)
    tidy_reports(instance)  # the rejected draft's report: its summary stays with the rejection
    return iri
