"""A held draft's judgement, used again when nothing it depends on changed.

The load's validation report keeps the fingerprint of what its findings depend on
(``graph.publish.fingerprint``). When the Walidata publishes the held draft
(``graph.publish.settle.publish_held``) and the fingerprint is still the same, the report's
findings are read back and traced to their cells instead of validating again: at province
scale validating again took 290 s for Dinkes and 560 s for Dinsos (issue 24). If anything
changed (a dataset published meanwhile, a shape edited) the draft is judged again.

The standing acceptances are not part of the fingerprint: they do not change what is found,
only which violations are accepted, and that split (``judge.classify``) is made again at
every publish either way.
"""

from __future__ import annotations

from graph.check.column_checks import decided_on_columns
from graph.check.constraints import ShapeQuery
from graph.check.engine import validate
from graph.check.findings import Finding
from graph.check.report import SH
from graph.check.scope import on_own_graphs
from graph.check.solutions import tsv_table, tsv_value
from graph.check.trace import trace_findings
from graph.publish.draft import Draft
from graph.publish.fingerprint import FINGERPRINT, inputs_fingerprint
from graph.publish.instance import Instance
from graph.publish.judge import caused_violations, classify, judged_without
from graph.publish.load_report import timed
from graph.rdf.namespaces import DCTERMS, OC
from graph.store.versions import (
    candidate_graphs,
    draft_datasets,
    fixed_graphs,
    published,
    restricted_provenance_graphs,
)
from graph.text import Text

__all__ = ["PARTLY_REUSED", "REUSED", "reuse_judgement"]

REUSED = Text(
    "Temuan validasi saat pemuatan dipakai lagi: data terbit, aturan dan kode referensi yang "
    "dinilai tidak berubah sejak itu.",
    "The findings of the load's validation were reused: the published data, rules and reference "
    "codes it was judged against have not changed since.",
)
PARTLY_REUSED = Text(
    "Data terbit berubah sejak pemuatan: aturan lintas dataset dinilai ulang; temuan aturan per "
    "observasi dari pemuatan dipakai lagi.",
    "Published data changed since the load: the rules across datasets were judged again; the "
    "findings of the rules on one observation at a time were reused from the load.",
)


def _recorded(instance: Instance, load_iri: str) -> tuple[str, str, tuple[int, int]] | None:
    """(report, fingerprint, (violations, warnings) it counted) of the load's validation
    report, if it was fingerprinted."""
    store, iris = instance.store, instance.iris
    _, rows = tsv_table(
        store.query(
            f"""SELECT ?report ?fingerprint ?violations ?warnings WHERE {{
  <{load_iri}> <{OC}validationReport> ?report .
  ?report <{FINGERPRINT}> ?fingerprint ;
    <{OC}violationCount> ?violations ; <{OC}warningCount> ?warnings }}""",
            default_graph=[iris.provenance_graph, *restricted_provenance_graphs(store, iris)],
        )
    )
    if not rows:
        return None
    report, fingerprint, violations, warnings = (tsv_value(cell) or "" for cell in rows[0])
    return report, fingerprint, (int(violations), int(warnings))


_RESULTS = f"""SELECT ?result ?focus ?shape ?component ?severity ?path ?value ?id ?en ?other WHERE {{
  <{{report}}> <{SH}result> ?result .
  ?result <{SH}focusNode> ?focus ; <{SH}sourceShape> ?shape ;
    <{SH}sourceConstraintComponent> ?component ; <{SH}resultSeverity> ?severity .
  OPTIONAL {{ ?result <{SH}resultPath> ?path }} OPTIONAL {{ ?result <{SH}value> ?value }}
  OPTIONAL {{ ?result <{SH}resultMessage> ?id FILTER(LANG(?id) = "id") }}
  OPTIONAL {{ ?result <{SH}resultMessage> ?en FILTER(LANG(?en) = "en") }}
  OPTIONAL {{ ?result <{DCTERMS}references> ?other }} }}"""


def _stored_findings(instance: Instance, report: str) -> list[Finding]:
    """The report's results as findings, in the order they were written (untraced)."""
    store, iris = instance.store, instance.iris
    names, rows = tsv_table(
        store.query(
            _RESULTS.replace("{report}", report),
            default_graph=[iris.provenance_graph, *restricted_provenance_graphs(store, iris)],
        )
    )
    at = {name: i for i, name in enumerate(names)}
    by_number: dict[int, Finding] = {}
    for row in rows:
        cell = {name: tsv_value(row[i]) for name, i in at.items()}
        number = int((cell["result"] or "").rsplit("/", 1)[-1])
        by_number.setdefault(
            number,
            Finding(
                cell["shape"] or "",
                cell["focus"] or "",
                cell["component"] or "",
                cell["severity"] or "",
                path=cell["path"],
                value=cell["value"],
                message_id=cell["id"] or "",
                message_en=cell["en"] or "",
                other_dataset=cell["other"],
            ),
        )
    return [by_number[n] for n in sorted(by_number)]


def reuse_judgement(instance: Instance, draft: Draft, load_iri: str, *, whole: bool = False) -> str | None:
    """Give a held ``draft`` the findings of its load's judgement, as far as what they depend
    on is unchanged (``inputs_fingerprint``).

    Returns ``"reused"`` (nothing changed: no rule runs), ``"rules across datasets judged
    again"`` (only the published versions changed: the rules that judge one observation at a
    time keep their findings, the others run again), or None: it must be judged again.
    Those run again judge only what involves the draft (``graph.check.scope``), as its load
    did, unless ``whole``: every one over every graph, which gives the same findings.
    """
    store, iris = instance.store, instance.iris
    graphs = candidate_graphs(store, iris, {draft.dataset_iri: draft.graph})
    recorded = _recorded(instance, load_iri)
    now = inputs_fingerprint(instance, draft.graph, graphs)
    if recorded is None or recorded[1].split(".")[0] != now.split(".")[0]:
        return None
    reports = [draft.report]
    with timed(reports, "findings reused"):
        findings = _stored_findings(instance, recorded[0])
    warnings = sum(f.severity == SH + "Warning" for f in findings)
    counted = (sum(f.blocks_publication for f in findings), warnings)
    if counted != recorded[2]:  # its results are not all in the store (archived): judged again
        return None
    if recorded[1] == now:
        with timed(reports, "tracing findings"):
            trace_findings(store, graphs, findings)
        outcome, note = "reused", REUSED
    else:
        findings = _judge_across(instance, draft, graphs, findings, whole)
        outcome, note = "rules across datasets judged again", PARTLY_REUSED
    draft.findings, draft.fingerprint = findings, now
    restricted = {d.iri: d.agency for d in published(store, iris) if not d.open}
    draft.report.restricted = {iri: a for iri, a in restricted.items() if iri != draft.dataset_iri}
    classify(instance, draft, [])
    in_force = {d.iri for d in published(store, iris)}
    absent = {iri: iri.removeprefix(iris.dataset("")) for iri in draft_datasets(store, iris)}
    draft.report.notes = [note] + [
        judged_without(draft, iri, slug, iri in in_force, findings)
        for iri, slug in absent.items()
        if iri != draft.dataset_iri
    ]
    return outcome


def _judge_across(
    instance: Instance, draft: Draft, graphs: list[str], stored: list[Finding], whole: bool
) -> list[Finding]:
    """The draft's findings when only the published versions changed: the stored ones of
    the rules whose findings on the draft follow from the draft and the graphs that are not
    dataset versions (those on one observation at a time, ``column_checks``, and
    ``scope.OWN_GRAPHS``; unchanged, as the fingerprint's first part says), and the other
    rules run again over ``graphs``: on what the draft touches (``graph.check.scope``), as its
    load judged it, unless ``whole``. At province scale judging every published figure again
    made a publish take eight times its load's judgement (DPUPR: 368 s and 43 s)."""
    store, reports = instance.store, [draft.report]
    alone: set[str] = set()  # shapes of the rules not run again
    ran: set[str] = set()

    def skip(query: ShapeQuery, text: str) -> bool:
        reused = decided_on_columns(query, text) or (not whole and on_own_graphs(query))
        (alone if reused else ran).update(c.shape for c in query.constraints)
        return reused

    records = {*fixed_graphs(instance.iris), *restricted_provenance_graphs(store, instance.iris)}
    versions = None if whole else [g for g in graphs if g not in records and g != draft.graph]
    with timed(reports, "validation"):
        found = validate(
            store,
            instance.shapes,
            graphs,
            skip=skip,
            declared_on_table=True,
            other_versions=versions,
            stored_drafts=[draft.graph],
        )
    if alone & ran:  # a shape with rules of both kinds: its stored findings cannot be told apart
        with timed(reports, "validation"):
            found = validate(store, instance.shapes, graphs)
        alone = set()
    kept = [f for f in stored if f.shape in alone]
    every = kept + found
    with timed(reports, "tracing findings"):
        trace_findings(store, graphs, every)
    mine = [f for f in every if f.dataset == draft.dataset_iri]
    return mine + caused_violations(instance, [f for f in every if f.shape not in alone], {draft.dataset_iri})
