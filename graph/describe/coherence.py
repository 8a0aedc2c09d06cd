"""The coherence report: what validation found in the data in force, by agency and rule.

For every *published* dataset, ``read_coherence`` takes the ``sh:ValidationReport``
of the activity behind its version in force (the load that published it, or the
Walidata's later publication of a held draft) and gives each result with its
severity, rule, messages, focus node, the source file, sheet, row, column and cell
it came from, and the decisions (``oc:ViolationAcceptance``) that let it through.
Drafts held back by a violation are listed apart: their figures are not public.

The provenance graph is read with ``graph.provenance.history`` (activities, report results,
acceptances) and the source cells with ``graph.check.engine.trace_findings``, the
same readers ``/provenance`` and ``onecenter validate`` use; this module only
chooses the reports, groups, filters and writes CSV. Rule names and labels come
from the shapes files (the shapes are not in the graph).

    ParameterError (ParameterError)   a filter value is not one that can be used
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import pyoxigraph as ox

from graph.check.engine import trace_findings
from graph.check.findings import Finding
from graph.errors import ParameterError
from graph.provenance.history import acceptances_of, activities, report_findings
from graph.rdf.iris import Iris
from graph.store.embedded import Store
from graph.store.public import PublicGraphs
from graph.store.versions import draft_datasets

__all__ = [
    "CSV_COLUMNS",
    "SEVERITIES",
    "SEVERITY_LABELS",
    "AcceptanceNote",
    "CheckedDataset",
    "Coherence",
    "ParameterError",
    "CoherenceFinding",
    "CsvDialect",
    "Filters",
    "HeldDraft",
    "RuleCount",
    "count_by_agency_and_rule",
    "findings_csv",
    "read_coherence",
    "rule_labels",
    "select_findings",
]

CsvDialect = Literal["excel", "standard"]

_SH = "http://www.w3.org/ns/shacl#"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SHAPE_CLASSES = {_SH + "NodeShape", _SH + "PropertyShape"}
# Filter names in the API -> sh: severities, most serious first.
SEVERITIES = {"violation": _SH + "Violation", "warning": _SH + "Warning", "info": _SH + "Info"}
SEVERITY_LABELS = {
    "violation": ("Pelanggaran", "Violation"),
    "warning": ("Peringatan", "Warning"),
    "info": ("Info", "Info"),
}
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
# A CSV cell Excel would run as a formula (CSV injection) gets a leading quote.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# CSV columns: (name for programs, Indonesian header for Excel).
CSV_COLUMNS = [
    ("severity", "Tingkat"),
    ("rule", "Aturan"),
    ("rule_label", "Nama aturan"),
    ("agency", "Instansi"),
    ("dataset", "Dataset"),
    ("file", "Berkas"),
    ("sheet", "Lembar"),
    ("row", "Baris"),
    ("column", "Kolom"),
    ("cell", "Isi sel"),
    ("value", "Nilai"),
    ("message_id", "Pesan"),
    ("message_en", "Pesan (Inggris)"),
    ("focus", "Fokus (IRI)"),
    ("accepted", "Diterima"),
    ("accepted_by", "Diterima oleh"),
    ("accepted_reason", "Alasan penerimaan"),
    ("result", "Hasil validasi (IRI)"),
]


@dataclass(frozen=True)
class AcceptanceNote:
    """A Walidata decision to publish despite named violations."""

    iri: str
    reason: str | None
    decided_by: str | None
    decided_on: str | None
    source: str | None  # the file or command the decision was made in
    shapes: tuple[str, ...] = ()
    rows: tuple[int, ...] = ()


@dataclass(frozen=True)
class CoherenceFinding:
    """One validation result of a report in force, with where its figure came from."""

    result: str  # IRI of the sh:ValidationResult
    severity: str  # a key of SEVERITIES
    rule: str  # the shape's local name (filter value)
    shape: str  # the shape's IRI
    component: str | None
    message: dict[str, str]  # {"id": ..., "en": ...}
    focus: str
    path: str | None
    value: str | None  # sh:value as the report stores it
    agency: str | None  # agency slug of the focus node's dataset
    dataset: str | None  # dataset id
    file: str | None
    sheet: str | None
    row: int | None
    column: str | None
    cell: str | None  # the cell as written in the agency's file
    report: str
    activity: str
    accepted_by: tuple[str, ...] = ()
    focus_label: str | None = None  # an observation's region · period · indicator, in Indonesian

    @property
    def accepted(self) -> bool:
        return bool(self.accepted_by)


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


@dataclass(frozen=True)
class Coherence:
    """Every finding of the reports in force, and what is needed to show and filter them."""

    findings: list[CoherenceFinding]
    acceptances: dict[str, AcceptanceNote]
    agencies: dict[str, dict[str, Any]]  # slug -> {"iri", "name": {lang: label}}
    datasets: list[CheckedDataset]
    held: list[HeldDraft]
    rules: dict[str, dict[str, Any]]  # rule -> {"shape", "label": {lang: label}}
    truncated: bool  # more results than max_rows were recorded

    def agency_slugs(self) -> list[str]:
        """Agencies a filter may name: publishers of published datasets, and any in a finding."""
        found = {d.agency for d in self.datasets} | {f.agency for f in self.findings}
        return sorted(a for a in found if a)

    def as_dict(self, findings: list[CoherenceFinding] | None = None) -> dict[str, Any]:
        """JSON-ready; ``findings`` (default: all) are the ones to list."""
        shown = self.findings if findings is None else findings
        return {
            "summary": _summary(shown),
            "counts": [asdict(c) for c in count_by_agency_and_rule(shown)],
            "findings": [_finding_dict(f, self) for f in shown],
            "acceptances": [
                asdict(self.acceptances[a]) for a in sorted({a for f in shown for a in f.accepted_by})
            ],
            "datasets": [asdict(d) for d in self.datasets],
            "held_drafts": [asdict(h) for h in self.held],
            "agencies": self.agencies,
            "rules": self.rules,
        }


@dataclass(frozen=True)
class Filters:
    """Checked filter values (None: no filter)."""

    agency: str | None = None
    severity: str | None = None
    rule: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)


@dataclass(frozen=True)
class RuleCount:
    """How many findings one rule has on one agency's figures, and how many were accepted."""

    agency: str | None
    rule: str
    severity: str
    findings: int
    accepted: int
    rows: list[int] = field(default_factory=list)


# --- reading ---------------------------------------------------------------------------------


def _local(iri: str) -> str:
    return re.split(r"[#/]", iri)[-1]


def _tail(iri: str | None, prefix: str) -> str | None:
    if iri is None:
        return None
    return iri[len(prefix) :] if iri.startswith(prefix) else _local(iri)


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
            if p == _RDF_TYPE and o.value in _SHAPE_CLASSES:
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


def read_coherence(store: Store, iris: Iris, *, shapes: Path | None, max_rows: int) -> Coherence:
    """The findings of the validation report in force for each published dataset.

    At most ``max_rows`` findings are read (``truncated`` says when more were recorded).
    """
    view = PublicGraphs(store, iris)
    every = activities(view)
    agency_prefix = iris.agency("")
    dataset_prefix = iris.dataset("")

    datasets: list[CheckedDataset] = []
    for dataset_iri, graph in sorted(view.versions.items()):
        # A later publication of a held draft, when there is one, is what put the version in force.
        behind = [a for a in every if a.graph == graph and a.dataset == dataset_iri]
        activity = next((a for a in behind if a.kind == "publication"), None) or next(iter(behind), None)
        if activity is None:
            continue
        datasets.append(
            CheckedDataset(
                id=activity.dataset_id,
                iri=dataset_iri,
                agency=_tail(activity.agency, agency_prefix),
                activity=activity.iri,
                kind=activity.kind,
                checked=activity.ended,
                report=activity.report,
                conforms=activity.conforms,
                violations=activity.violations,
                warnings=activity.warnings,
                accepted=activity.accepted,
            )
        )

    reports = {d.report: d for d in datasets if d.report}
    found, truncated = report_findings(view, sorted(reports), max_rows)
    # Where each figure came from: the same trace `onecenter validate` writes to its CSV.
    traced = [
        Finding(shape=f["shape"] or "", focus=f["focus"], component=f["component"] or "", severity="")
        for f in found
    ]
    trace_findings(store, view.graphs, traced)

    labels = rule_labels(shapes)
    focus_labels = _focus_labels(view, sorted({f["focus"] for f in found}))
    findings: list[CoherenceFinding] = []
    for f, t in zip(found, traced, strict=True):
        checked = reports[f["report"]]
        severity = (f["severity"] or "").lower()
        shape = f["shape"] or ""
        findings.append(
            CoherenceFinding(
                result=f["result"],
                severity=severity if severity in SEVERITIES else severity or "info",
                rule=_local(shape),
                shape=shape,
                component=f["component"],
                message=f["message"],
                focus=f["focus"],
                path=f["path"],
                value=f["value"],
                # The figure's own agency; a cross-agency finding may sit on another agency's figure.
                agency=_tail(t.agency, agency_prefix) if t.agency else checked.agency,
                dataset=_tail(t.dataset, dataset_prefix) if t.dataset else checked.id,
                file=t.file,
                sheet=t.sheet,
                row=t.row,
                column=t.column,
                cell=t.raw,
                report=f["report"],
                activity=checked.activity,
                accepted_by=tuple(f["accepted_by"]),
                focus_label=focus_labels.get(f["focus"]),
            )
        )
    order = list(SEVERITIES)
    findings.sort(
        key=lambda f: (
            f.agency or "",
            order.index(f.severity) if f.severity in order else len(order),
            f.rule,
            f.file or "",
            f.row or 0,
            f.focus,
        )
    )

    notes = {
        a["iri"]: AcceptanceNote(
            iri=a["iri"],
            reason=a["reason"],
            decided_by=a["decided_by"],
            decided_on=a["decided_on"],
            source=a["source"],
            shapes=tuple(a["shapes"]),
            rows=tuple(a["rows"]),
        )
        for a in acceptances_of(view, [i for f in findings for i in f.accepted_by])
    }

    held: list[HeldDraft] = []
    for dataset_iri in sorted(draft_datasets(store, iris)):
        load = next(
            (a for a in every if a.dataset == dataset_iri and a.kind == "load" and a.outcome == "held"), None
        )
        if load is not None:
            held.append(
                HeldDraft(
                    id=load.dataset_id,
                    iri=dataset_iri,
                    agency=_tail(load.agency, agency_prefix),
                    load=load.iri,
                    ended=load.ended,
                    violations=load.violations,
                    warnings=load.warnings,
                    message=load.message,
                )
            )

    names = _agency_names(view)
    slugs = {d.agency for d in datasets} | {f.agency for f in findings} | {h.agency for h in held}
    agencies = {
        slug: {"iri": iris.agency(slug), "name": names.get(iris.agency(slug), {})}
        for slug in sorted(s for s in slugs if s)
    }
    rules = {_local(shape): {"shape": shape, "label": label} for shape, label in labels.items()}
    for finding in findings:
        rules.setdefault(finding.rule, {"shape": finding.shape, "label": {}})
    return Coherence(findings, notes, agencies, datasets, held, dict(sorted(rules.items())), truncated)


# --- filtering and counting ------------------------------------------------------------------


def _problem(name: str, value: str, what: tuple[str, str], allowed: list[str]) -> dict[str, Any]:
    return {
        "parameter": name,
        "value": value,
        "message": f"parameter {name!r}: {what[0]} {value!r} tidak dikenal / unknown {what[1]} {value!r}; "
        f"allowed: {', '.join(allowed) or '(none)'}",
        "allowed": allowed,
    }


def select_findings(
    coherence: Coherence,
    *,
    agency: str | None = None,
    severity: str | None = None,
    rule: str | None = None,
) -> tuple[Filters, list[CoherenceFinding]]:
    """The findings that match every given filter (an empty value is no filter).

    Raises:
        ParameterError: an agency, severity or rule the report cannot have.
    """
    chosen = Filters(agency or None, severity or None, rule or None)
    problems = []
    if chosen.agency is not None and chosen.agency not in coherence.agency_slugs():
        problems.append(_problem("agency", chosen.agency, ("instansi", "agency"), coherence.agency_slugs()))
    if chosen.severity is not None and chosen.severity not in SEVERITIES:
        problems.append(_problem("severity", chosen.severity, ("tingkat", "severity"), list(SEVERITIES)))
    if chosen.rule is not None and chosen.rule not in coherence.rules:
        problems.append(_problem("rule", chosen.rule, ("aturan", "rule"), list(coherence.rules)))
    if problems:
        raise ParameterError(problems)
    shown = [
        f
        for f in coherence.findings
        if (chosen.agency is None or f.agency == chosen.agency)
        and (chosen.severity is None or f.severity == chosen.severity)
        and (chosen.rule is None or f.rule == chosen.rule)
    ]
    return chosen, shown


def count_by_agency_and_rule(findings: list[CoherenceFinding]) -> list[RuleCount]:
    """Findings per (agency, rule, severity), in the order the findings come."""
    counts: dict[tuple[str | None, str, str], list[CoherenceFinding]] = {}
    for f in findings:
        counts.setdefault((f.agency, f.rule, f.severity), []).append(f)
    return [
        RuleCount(
            agency,
            rule,
            severity,
            len(group),
            sum(f.accepted for f in group),
            sorted({f.row for f in group if f.row is not None}),
        )
        for (agency, rule, severity), group in counts.items()
    ]


def _summary(findings: list[CoherenceFinding]) -> dict[str, int]:
    by = Counter(f.severity for f in findings)
    return {
        "findings": len(findings),
        "violations": by["violation"],
        "violations_accepted": sum(f.accepted for f in findings if f.severity == "violation"),
        "warnings": by["warning"],
        "info": by["info"],
    }


def _finding_dict(f: CoherenceFinding, coherence: Coherence) -> dict[str, Any]:
    out = asdict(f)
    out["accepted"] = f.accepted
    out["accepted_by"] = list(f.accepted_by)
    out["rule_label"] = coherence.rules.get(f.rule, {}).get("label", {})
    return out


# --- CSV -------------------------------------------------------------------------------------


def _cell(value: Any, excel: bool, number: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return ("ya" if value else "tidak") if excel else str(value).lower()
    text = str(value)
    if number and _NUMBER.match(text):  # decimal comma for Excel with Indonesian settings
        return text.replace(".", ",") if excel else text
    if excel and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def findings_csv(
    coherence: Coherence, findings: list[CoherenceFinding], dialect: CsvDialect = "excel"
) -> bytes:
    """The findings as CSV, one row each.

    ``excel`` (for Excel with Indonesian regional settings): UTF-8 with BOM, ';', decimal
    comma, Indonesian headers, text Excel would run as a formula quoted. ``standard``:
    RFC 4180, ',', decimal point, column names.
    """
    excel = dialect == "excel"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if excel else ",", lineterminator="\r\n")
    writer.writerow([header if excel else name for name, header in CSV_COLUMNS])
    for f in findings:
        notes = [coherence.acceptances[a] for a in f.accepted_by if a in coherence.acceptances]
        label = coherence.rules.get(f.rule, {}).get("label", {})
        row = {
            "severity": f.severity,
            "rule": f.rule,
            "rule_label": label.get("id") or label.get("en") or "",
            "agency": f.agency,
            "dataset": f.dataset,
            "file": f.file,
            "sheet": f.sheet,
            "row": f.row,
            "column": f.column,
            "cell": f.cell,
            "value": f.value,
            "message_id": f.message.get("id", ""),
            "message_en": f.message.get("en", ""),
            "focus": f.focus,
            "accepted": f.accepted,
            "accepted_by": ", ".join(n.decided_by or "" for n in notes),
            "accepted_reason": " | ".join(n.reason or "" for n in notes),
            "result": f.result,
        }
        # Only the read value is a number in the graph's notation; the cell stays as the agency wrote it.
        writer.writerow([_cell(row[name], excel, name == "value") for name, _ in CSV_COLUMNS])
    text = buffer.getvalue()
    return ("\ufeff" + text if excel else text).encode("utf-8")
