"""The second stage of a load: judge drafts against everything published.

Drafts are validated with the SHACL shapes as if all of them were published at once,
their findings traced to file, row and cell, and their violations split into those the
Walidata accepted (standing decisions in ``mappings/publication/accepted_violations.yaml``,
or one made when publishing) and the open ones that hold a draft back. A finding on
another dataset's figure is judged with that dataset's standing decisions too (a
restricted one's as well), wherever it appears.

A dataset whose draft is held takes part with its published version; one that was never
published cannot, and the report of every draft judged without it says which checks
against it could not be made (``LoadReport.notes``).
"""

from __future__ import annotations

from graph.check.acceptances import Acceptance, split_violations
from graph.check.engine import validate
from graph.check.findings import Finding
from graph.check.report import SH
from graph.check.trace import trace_findings
from graph.publish.draft import Draft
from graph.publish.fingerprint import inputs_fingerprint
from graph.publish.instance import Instance
from graph.publish.load_report import timed
from graph.rdf.namespaces import OC, PROV
from graph.rdf.results import solution_rows
from graph.store.versions import (
    candidate_graphs,
    draft_datasets,
    fixed_graphs,
    published,
    restricted_provenance_graphs,
)
from graph.text import Text

__all__ = ["caused_violations", "classify", "judge", "judged_without", "recorded_violations"]

# How the activities behind the published versions point to violations on record: those
# of their validation reports, and those the Walidata accepted when publishing; (what the
# provenance graph says, what the graph holding the result says). A restricted dataset's
# results, and their link to the report, are kept in that dataset's own graph.
REPORTED = ("?activity oc:validationReport ?report .", "?report sh:result ?result .")
ACCEPTED = ("?activity oc:acceptedViolations/oc:acceptedResult ?result .", "")


def judge(
    instance: Instance,
    drafts: list[Draft],
    extra: dict[str, list[Acceptance]] | None = None,
    *,
    whole: bool = False,
) -> None:
    """Validate drafts together with everything published; mark those that must be held.

    Drafts are judged as if all of them were published at once. A draft is held by
    its own violations (focus in its dataset) and by new violations it causes on
    versions already published (not in their recorded reports); with several drafts
    the latter cannot be pinned on one, so all of them are held. When one is held,
    the rest are judged again without it, since a cross-agency rule may have fired
    only because of the held one. ``extra``: acceptances by dataset slug, beside the
    standing ones. Only what involves the drafts is judged (``graph.check.scope``: a load's
    cost follows its own size), unless ``whole``: every shape over every graph, which gives
    the drafts the same findings and verdict.
    """
    store, iris = instance.store, instance.iris
    judged = {d.dataset_iri for d in drafts}
    # Drafts held by earlier loads take no part; nor does one held in an earlier round here.
    absent = {iri: iri.removeprefix(iris.dataset("")) for iri in draft_datasets(store, iris)}
    absent = {iri: slug for iri, slug in absent.items() if iri not in judged}
    without: dict[int, dict[str, str]] = {}  # id(draft) -> the held datasets its last round lacked
    seen: list[Finding] = []  # every round's findings: which rules compared with whom
    pending = list(drafts)
    while pending:
        held = _judge_together(instance, pending, extra or {}, whole)
        for d in pending:
            without[id(d)] = dict(absent)
            seen += d.findings
        if not held:
            break
        absent.update({d.dataset_iri: d.dataset for d in held})
        pending = [d for d in pending if d not in held]
    in_force = {d.iri for d in published(store, iris)}
    for d in drafts:
        d.report.notes = [
            judged_without(d, iri, slug, iri in in_force, seen)
            for iri, slug in without.get(id(d), {}).items()
        ]


def judged_without(draft: Draft, dataset: str, slug: str, has_version: bool, seen: list[Finding]) -> Text:
    """What a draft's report says of a held dataset it was judged without (``seen``: the
    findings that say which rules compared the two)."""
    mine = draft.dataset_iri
    rules = sorted(
        {f.rule for f in seen if f.other_dataset and {f.dataset, f.other_dataset} == {mine, dataset}}
    )
    named = f" ({', '.join(rules)})" if rules else ""
    if has_version:
        return Text(
            f"Draf {slug} ditahan: aturan lintas dataset{named} diperiksa terhadap versi terbitnya.",
            f"The draft of {slug} is held: cross-dataset rules{named} were checked against its "
            "published version.",
        )
    return Text(
        f"Pemeriksaan lintas dataset terhadap {slug}{named} tidak dapat dilakukan: {slug} ditahan "
        "dan belum pernah terbit. Aturan itu diperiksa lagi setelah datanya terbit.",
        f"Cross-dataset checks against {slug}{named} could not be made: {slug} is held and was "
        "never published. They are checked again once its data is published.",
    )


def _judge_together(
    instance: Instance, pending: list[Draft], extra: dict[str, list[Acceptance]], whole: bool
) -> list[Draft]:
    """One round: validate the pending drafts as if published together; returns those held."""
    store = instance.store
    graphs = candidate_graphs(store, instance.iris, {d.dataset_iri: d.graph for d in pending})
    restricted = {d.iri: d.agency for d in published(store, instance.iris) if not d.open}
    reports = [d.report for d in pending]
    columns = [d.observations for d in pending if d.observations is not None]
    records = {*fixed_graphs(instance.iris), *restricted_provenance_graphs(store, instance.iris)}
    versions = [g for g in graphs if g not in records and g not in {d.graph for d in pending}]
    with timed(reports, "validation"):
        findings = validate(
            store,
            instance.shapes,
            graphs,
            drafts=columns,
            other_versions=None if whole else versions,
            stored_drafts=[d.graph for d in pending if d.observations is None],
        )
    with timed(reports, "tracing findings"):
        trace_findings(store, graphs, findings, drafts=columns)
    by_dataset: dict[str | None, list[Finding]] = {}
    for f in findings:
        by_dataset.setdefault(f.dataset, []).append(f)
    caused = caused_violations(instance, findings, {d.dataset_iri for d in pending})
    held = []
    for d in pending:
        d.findings = by_dataset.get(d.dataset_iri, []) + caused
        d.fingerprint = inputs_fingerprint(instance, d.graph, graphs)
        d.report.restricted = {iri: agency for iri, agency in restricted.items() if iri != d.dataset_iri}
        classify(instance, d, extra.get(d.dataset, []))
        if d.open_violations:
            held.append(d)
    return held


def caused_violations(instance: Instance, findings: list[Finding], drafted: set[str]) -> list[Finding]:
    """Violations on versions already published that their own reports did not have: the
    drafts caused them (a cross-agency rule), so they hold the drafts too."""
    caused = [f for f in findings if f.blocks_publication and f.dataset not in drafted]
    if caused:
        on_record = recorded_violations(instance, REPORTED)
        caused = [f for f in caused if (f.focus, f.shape) not in on_record]
    return caused


def classify(instance: Instance, draft: Draft, extra: list[Acceptance]) -> None:
    """Split a judged draft's violations into open and accepted (standing decisions and
    ``extra``), without validating again.

    A violation on another dataset's figure (a cross-dataset rule) is also covered by that
    dataset's standing decisions, restricted or not: the Walidata's decision on a figure
    holds wherever the figure's finding appears.
    """
    others = sorted({f.dataset_id for f in draft.findings if f.dataset_id and f.dataset != draft.dataset_iri})
    accepted = instance.acceptances.for_dataset(draft.dataset) + extra
    accepted += [a for slug in others for a in instance.acceptances.for_dataset(slug)]
    draft.open_violations, draft.accepted = split_violations(draft.dataset, draft.findings, accepted)
    draft.acceptances = [a for a in accepted if a.key in draft.accepted]


def recorded_violations(instance: Instance, link: tuple[str, str] = REPORTED) -> set[tuple[str, str]]:
    """(focus, shape) of violations recorded by the activities behind the published versions,
    through ``link`` (``REPORTED`` or ``ACCEPTED``)."""
    iris = instance.iris
    # A restricted dataset's activities and reports, and the results on its figures, are
    # kept in that dataset's own graph: read them all, as one.
    provenance = [iris.provenance_graph, *restricted_provenance_graphs(instance.store, iris)]
    rows = instance.store.query(
        f"""PREFIX oc: <{OC}> PREFIX prov: <{PROV}> PREFIX sh: <{SH}>
SELECT DISTINCT ?focus ?shape WHERE {{
  GRAPH <{iris.catalog_graph}> {{ ?dataset oc:publishedGraph ?graph }}
  {{ ?activity prov:generated ?graph }} UNION {{ ?activity a oc:Publication ; prov:used ?graph }}
  {link[0]} {link[1]}
  ?result sh:focusNode ?focus ; sh:sourceShape ?shape ; sh:resultSeverity sh:Violation }}""",
        default_graph=provenance,
        named_graphs=[iris.catalog_graph],
    )
    return {(row["focus"].value, row["shape"].value) for row in solution_rows(rows)}
