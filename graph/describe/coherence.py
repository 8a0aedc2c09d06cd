"""The coherence report: what validation found in the data in force, by agency and rule.

For every *published* dataset, ``read_coherence`` takes the ``sh:ValidationReport``
of the activity behind its version in force (the load that published it, or the
Walidata's later publication of a held draft) and gives each result as a ``Finding``
with its severity, rule, messages, focus node, the source file, sheet, row, column and
cell it came from, and the decisions (``Acceptance``) that let it through. Drafts held
back by a violation are listed apart: their figures are not public.

The provenance graph is read with ``graph.provenance`` (activities, report results,
acceptances) and the source cells with ``graph.check.trace.trace_findings``, the same
readers ``/provenance`` and ``onecenter validate`` use; this module only chooses the
reports and gathers the names a reader needs. Rule names and labels come from the shapes
files (the shapes are not in the graph). Filtering and counting are in
``graph.describe.coherence_selection``, JSON and CSV in ``graph.describe.coherence_output``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.check.acceptances import Acceptance
from graph.check.findings import SEVERITIES, SEVERITY_LABELS, SH, Finding, local_name
from graph.check.trace import trace_findings
from graph.describe.acceptance_records import recorded_acceptances
from graph.provenance.activities import Activity, activities
from graph.provenance.reports import report_findings
from graph.rdf.iris import Iris
from graph.rdf.namespaces import PREFIXES, RDF_TYPE
from graph.store.interface import Store
from graph.store.public import PublicGraphs
from graph.store.versions import draft_datasets

__all__ = [
    "SEVERITY_LABELS",
    "CheckedDataset",
    "Coherence",
    "HeldDraft",
    "held_drafts",
    "read_coherence",
    "rule_labels",
    "versions_in_force",
]

_RDFS_LABEL = PREFIXES["rdfs"] + "label"
_SHAPE_CLASSES = {SH + "NodeShape", SH + "PropertyShape"}


def _tail(iri: str | None, prefix: str) -> str | None:
    if iri is None:
        return None
    return iri[len(prefix) :] if iri.startswith(prefix) else local_name(iri)


@dataclass(frozen=True)
class CheckedDataset:
    """A published dataset and the report of its version in force."""

    id: str
    iri: str
    agency: str | None
    activity: str  # the load or publication that put the version in force
    kind: str  # "load" | "publication"
    checked: str  # when that activity ended (ISO 8601)
    report: str | None
    conforms: bool | None
    violations: int | None
    warnings: int | None
    accepted: int

    @classmethod
    def of(cls, a: Activity, dataset: str, agency_prefix: str) -> CheckedDataset:
        """What ``a``, the activity behind the version in force of ``dataset``, says of it."""
        checked = (a.iri, a.kind, a.ended, a.report, a.conforms, a.violations, a.warnings, a.accepted)
        return cls(a.dataset_id, dataset, _tail(a.agency, agency_prefix), *checked)


@dataclass(frozen=True)
class HeldDraft:
    """A draft held back by a violation: not public; its load record is."""

    id: str
    iri: str
    agency: str | None
    load: str
    ended: str
    violations: int | None
    warnings: int | None
    message: str

    @classmethod
    def of(cls, load: Activity, dataset: str, agency_prefix: str) -> HeldDraft:
        agency = _tail(load.agency, agency_prefix)
        return cls(
            load.dataset_id,
            dataset,
            agency,
            load.iri,
            load.ended,
            load.violations,
            load.warnings,
            load.message,
        )


@dataclass(frozen=True)
class Coherence:
    """Every finding of the reports in force, and what is needed to show and filter them."""

    findings: list[Finding]
    acceptances: dict[str, Acceptance]  # by IRI
    agencies: dict[str, dict[str, Any]]  # slug -> {"iri", "name": {lang: label}}
    datasets: list[CheckedDataset]
    held: list[HeldDraft]
    rules: dict[str, dict[str, Any]]  # rule -> {"shape", "label": {lang: label}}
    truncated: bool  # more results than max_rows were recorded

    def agency_slugs(self) -> list[str]:
        """Agencies a filter may name: publishers of published datasets, and any in a finding
        (the other agency of a cross-dataset rule too)."""
        found = {d.agency for d in self.datasets} | {f.agency_slug for f in self.findings}
        found |= {f.other_agency_slug for f in self.findings}
        return sorted(a for a in found if a)


# --- reading ---------------------------------------------------------------------------------


def rule_labels(folder: Path | None) -> dict[str, dict[str, str]]:
    """Shape IRI -> {language: rdfs:label} of every node and property shape in ``folder``."""
    if folder is None or not folder.is_dir():
        return {}
    shapes: set[str] = set()
    labels: dict[str, dict[str, str]] = {}
    for path in sorted(folder.glob("*.ttl")):
        for triple in ox.parse(path=path, format=ox.RdfFormat.TURTLE):
            s, p, o = triple.subject, triple.predicate.value, triple.object
            if not isinstance(s, ox.NamedNode):
                continue
            if p == RDF_TYPE and o.value in _SHAPE_CLASSES:
                shapes.add(s.value)
            elif p == _RDFS_LABEL and isinstance(o, ox.Literal):
                labels.setdefault(s.value, {}).setdefault(o.language or "", o.value)
    return {s: labels.get(s, {}) for s in sorted(shapes)}


def _agency_names(view: PublicGraphs) -> dict[str, dict[str, str]]:
    rows = view.select(
        "SELECT ?org ?name WHERE { ?org a org:Organization OPTIONAL { ?org skos:prefLabel ?name } }",
        graphs=[view.iris.ontology_graph],
    )
    out: dict[str, dict[str, str]] = {}
    for r in rows:
        names = out.setdefault(r["org"].value, {})
        name = r.get("name")
        if isinstance(name, ox.Literal):
            names.setdefault(name.language or "", name.value)
    return out


def _focus_labels(view: PublicGraphs, foci: list[str], batch: int = 500) -> dict[str, str]:
    """ "Gerning · 2022 · Balita stunting" for each observation among ``foci``: what a person
    recognises, where the IRI has codes."""
    out: dict[str, str] = {}
    for start in range(0, len(foci), batch):
        # The IRIs come from the stored report, not from a request.
        values = " ".join(f"<{f}>" for f in foci[start : start + batch])
        rows = view.select(
            f"""SELECT ?focus (SAMPLE(?a) AS ?area) (SAMPLE(?p) AS ?period) (SAMPLE(?i) AS ?indicator)
WHERE {{
  VALUES ?focus {{ {values} }}
  ?focus sdmx-dimension:refArea ?r ; sdmx-dimension:refPeriod ?per ; qb:measureType ?ind .
  ?r skos:prefLabel ?a . ?per rdfs:label ?p .
  ?ind rdfs:label ?i FILTER(LANG(?i) = "id")
}} GROUP BY ?focus"""
        )
        for r in rows:
            parts = [r[k].value for k in ("area", "period", "indicator") if k in r]
            out[r["focus"].value] = " · ".join(parts)
    return out


def versions_in_force(view: PublicGraphs, every: list[Activity]) -> dict[str, Activity]:
    """Published dataset IRI -> the activity that put its version in force."""
    found: dict[str, Activity] = {}
    for dataset, graph in sorted(view.versions.items()):
        # A later publication of a held draft, when there is one, is what put the version in force.
        behind = [a for a in every if a.graph == graph and a.dataset == dataset]
        activity = next((a for a in behind if a.kind == "publication"), None) or next(iter(behind), None)
        if activity is not None:
            found[dataset] = activity
    return found


def _finding(record: dict[str, Any], activity: Activity) -> Finding:
    """One result of ``report_findings``, checked by ``activity``."""
    message = record["message"]  # {language: text}, "" for a plain literal
    return Finding(
        shape=record["shape"] or "",
        focus=record["focus"],
        component=record["component"] or "",
        severity=SH + record["severity"] if record["severity"] else "",
        path=record["path"],
        value=record["value"],
        message_id=message.get("id") or message.get("") or "",
        message_en=message.get("en") or "",
        other_dataset=record.get("other_dataset"),
        result=record["result"],
        report=record["report"],
        activity=activity.iri,
        accepted_by=tuple(record["accepted_by"]),
    )


def _order(f: Finding) -> tuple[str, int, str, str, int, str]:
    order = list(SEVERITIES)
    rank = order.index(f.severity_key) if f.severity_key in order else len(order)
    return (f.agency_slug or "", rank, f.rule, f.file or "", f.row or 0, f.focus)


def _findings(
    store: Store, view: PublicGraphs, by_report: dict[str, Activity], max_rows: int
) -> tuple[list[Finding], bool]:
    """The results of the reports in force, traced to their cells, in reading order."""
    found, truncated = report_findings(view, sorted(by_report), max_rows)
    findings = [_finding(r, by_report[r["report"]]) for r in found]
    # Where each figure came from: the same trace `onecenter validate` writes to its CSV.
    trace_findings(store, view.graphs, findings)
    focus_labels = _focus_labels(view, sorted({f.focus for f in findings}))
    for f in findings:
        # The figure's own agency; a cross-agency finding may sit on another agency's figure.
        activity = by_report[f.report or ""]
        f.agency = f.agency or activity.agency
        f.dataset = f.dataset or activity.dataset
        f.focus_label = focus_labels.get(f.focus)
    findings.sort(key=_order)
    return findings, truncated


def held_drafts(store: Store, iris: Iris, every: list[Activity]) -> list[HeldDraft]:
    """The drafts held back by a violation, each with the load that wrote it."""
    held: list[HeldDraft] = []
    for dataset in sorted(draft_datasets(store, iris)):
        load = next(
            (a for a in every if a.dataset == dataset and a.kind == "load" and a.outcome == "held"), None
        )
        if load is not None:
            held.append(HeldDraft.of(load, dataset, iris.agency("")))
    return held


def read_coherence(store: Store, iris: Iris, *, shapes: Path | None, max_rows: int) -> Coherence:
    """The findings of the validation report in force for each published dataset.

    At most ``max_rows`` findings are read (``truncated`` says when more were recorded).
    """
    view = PublicGraphs(store, iris)
    every = activities(view)
    in_force = versions_in_force(view, every)
    datasets = [CheckedDataset.of(a, dataset, iris.agency("")) for dataset, a in in_force.items()]
    findings, truncated = _findings(
        store, view, {a.report: a for a in in_force.values() if a.report}, max_rows
    )
    acceptances = recorded_acceptances(view, [i for f in findings for i in f.accepted_by])
    held = held_drafts(store, iris, every)

    names = _agency_names(view)
    slugs = {d.agency for d in datasets} | {f.agency_slug for f in findings} | {h.agency for h in held}
    agencies = {
        slug: {"iri": iris.agency(slug), "name": names.get(iris.agency(slug), {})}
        for slug in sorted(s for s in slugs if s)
    }
    rules = {
        local_name(shape): {"shape": shape, "label": label} for shape, label in rule_labels(shapes).items()
    }
    for finding in findings:
        rules.setdefault(finding.rule, {"shape": finding.shape, "label": {}})
    return Coherence(findings, acceptances, agencies, datasets, held, dict(sorted(rules.items())), truncated)
