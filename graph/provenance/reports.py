"""Validation reports kept in the provenance graph, read back: their results and the acceptances.

Each load keeps its SHACL report (``graph.check.report``) and the Walidata's violation
acceptances (``graph.provenance.records``) in the public provenance graph. Auditors read
them back long after the run: every result of some reports (``report_findings``, for a
dataset, a load, the coherence page), every result about some figures in any report
(``findings_about``, for a trace), and the acceptances that let violations through
(``acceptances_of``). A result is a plain dict, ready for JSON.
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from graph.provenance.sources import texts_of
from graph.rdf.iris import Iris
from graph.store.interface import Store
from graph.store.public import PublicGraphs
from graph.store.versions import PUBLIC, Audience

__all__ = ["acceptances_of", "archive_is_visible", "archived_report", "findings_about", "report_findings"]

# The parts of a result every reader shows (each optional in the graph).
_RESULT_PARTS = """OPTIONAL { ?result sh:resultSeverity ?severity } OPTIONAL { ?result sh:sourceShape ?shape }
  OPTIONAL { ?result sh:sourceConstraintComponent ?component } OPTIONAL { ?result sh:resultPath ?path }
  OPTIONAL { ?result sh:value ?value } OPTIONAL { ?result sh:resultMessage ?message }
  OPTIONAL { ?result dcterms:references ?other }"""


def _result(result: str, focus: str, group: list[dict[str, Any]]) -> dict[str, Any]:
    """One result from its rows (one per message language): severity, rule, path, value, message."""
    r = group[0]

    def value(key: str) -> str | None:
        return r[key].value if key in r else None

    severity = value("severity")
    return {
        "result": result,
        "focus": focus,
        "severity": severity.rsplit("#", 1)[-1] if severity else None,
        "shape": value("shape"),
        "component": value("component"),
        "path": value("path"),
        "value": value("value"),
        "message": texts_of(group, "message"),
        "other_dataset": value("other"),  # a cross-dataset rule: the dataset compared with
    }


def _by_result(rows: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        grouped.setdefault(r["result"].value, []).append(r)
    return grouped


def report_findings(
    view: PublicGraphs, reports: list[str], max_rows: int
) -> tuple[list[dict[str, Any]], bool]:
    """Every result of the given reports (with the acceptances that cover them), and whether
    more than ``max_rows`` were found."""
    out: list[dict[str, Any]] = []
    for report in reports:
        rows = view.select(
            f"""SELECT ?iri ?result ?focus ?severity ?shape ?component ?path ?value ?message ?other
       ?acceptance WHERE {{
  ?iri sh:result ?result . ?result sh:focusNode ?focus .
  {_RESULT_PARTS}
  OPTIONAL {{ ?acceptance oc:acceptedResult ?result }} }}""",
            graphs=view.provenance,
            iri=ox.NamedNode(report),
        )
        for result, group in _by_result(rows).items():
            accepted = sorted({g["acceptance"].value for g in group if "acceptance" in g})
            focus = group[0]["focus"].value
            out.append({**_result(result, focus, group), "report": report, "accepted_by": accepted})
    out.sort(key=lambda f: (f["report"], _result_number(f["result"])))
    return out[:max_rows], len(out) > max_rows


def _result_number(result: str) -> int:
    """
    >>> _result_number("https://example.org/id/validasi/1/hasil/12"), _result_number("x")
    (12, 0)
    """
    tail = result.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def findings_about(
    view: PublicGraphs, focus: list[str], current: set[str], max_rows: int
) -> tuple[list[dict[str, Any]], bool]:
    """Validation results about the focus nodes in every recorded report, newest first.

    ``current`` are the reports of the activities behind the published versions: their
    results come first (``"current": true``).
    """
    out: list[dict[str, Any]] = []
    for iri in focus:
        node = ox.NamedNode(iri)
        rows = view.select(
            f"""SELECT ?iri ?result ?report ?activity ?started ?severity ?shape ?component ?path ?value
       ?message ?other WHERE {{ ?result sh:focusNode ?iri . ?report sh:result ?result .
  ?activity oc:validationReport ?report ; prov:startedAtTime ?started .
  {_RESULT_PARTS} }}""",
            graphs=view.provenance,
            iri=node,
        )
        accepted = view.select(
            """SELECT ?iri ?result ?acceptance WHERE {
  ?result sh:focusNode ?iri . ?acceptance oc:acceptedResult ?result }""",
            graphs=view.provenance,
            iri=node,
        )
        by_result: dict[str, list[str]] = {}
        for a in accepted:
            by_result.setdefault(a["result"].value, []).append(a["acceptance"].value)
        for result, group in _by_result(rows).items():
            r = group[0]
            out.append(
                {
                    **_result(result, iri, group),
                    "report": r["report"].value,
                    "activity": r["activity"].value,
                    "at": r["started"].value,
                    "current": r["report"].value in current,
                    "accepted_by": sorted(by_result.get(result, [])),
                }
            )
    out.sort(key=lambda f: f["at"], reverse=True)
    out.sort(key=lambda f: not f["current"])  # stable: findings on the version in force first
    return out[:max_rows], len(out) > max_rows


def acceptances_of(view: PublicGraphs, iris: list[str]) -> list[dict[str, Any]]:
    """The violation acceptances with these IRIs: who decided, when, why, which rules and rows."""
    out = []
    for iri in sorted(set(iris)):
        rows = view.select(
            """SELECT ?iri ?reason ?who ?date ?source ?shape ?row WHERE {
  ?iri a oc:ViolationAcceptance . OPTIONAL { ?iri rdfs:comment ?reason }
  OPTIONAL { ?iri prov:wasAttributedTo/rdfs:label ?who } OPTIONAL { ?iri dcterms:date ?date }
  OPTIONAL { ?iri dcterms:source ?source } OPTIONAL { ?iri oc:acceptedShape ?shape }
  OPTIONAL { ?iri oc:sourceRowNumber ?row } }""",
            graphs=view.provenance,
            iri=ox.NamedNode(iri),
        )
        if not rows:
            continue
        r = rows[0]
        out.append(
            {
                "iri": iri,
                "reason": r["reason"].value if "reason" in r else None,
                "decided_by": r["who"].value if "who" in r else None,
                "decided_on": r["date"].value if "date" in r else None,
                "source": r["source"].value if "source" in r else None,
                "shapes": sorted({x["shape"].value for x in rows if "shape" in x}),
                "rows": sorted({int(x["row"].value) for x in rows if "row" in x}),
            }
        )
    return out


def archived_report(view: PublicGraphs, report: str) -> dict[str, Any] | None:
    """The file a report's results were moved to (name, SHA-256, bytes) and its counts per
    rule and severity, or None when the report is whole in the store."""
    rows = view.select(
        """SELECT ?iri ?name ?sha ?size ?shape ?severity ?n WHERE {
  ?iri oc:archivedAs ?file . ?file oc:fileName ?name ; oc:sha256 ?sha ; oc:byteSize ?size .
  OPTIONAL { ?iri oc:resultSummary ?s . ?s sh:sourceShape ?shape ; sh:resultSeverity ?severity ;
             oc:resultCount ?n } }""",
        graphs=view.provenance,
        iri=ox.NamedNode(report),
    )
    if not rows:
        return None
    r = rows[0]
    rules = [
        {
            "shape": x["shape"].value,
            "severity": x["severity"].value.rsplit("#", 1)[-1],
            "results": int(x["n"].value),
        }
        for x in rows
        if "shape" in x
    ]
    return {
        "file_name": r["name"].value,
        "sha256": r["sha"].value,
        "bytes": int(r["size"].value),
        "rules": sorted(rules, key=lambda x: (x["shape"], x["severity"])),
    }


def archive_is_visible(store: Store, iris: Iris, file_name: str, audience: Audience = PUBLIC) -> bool:
    """Whether ``audience`` may download the archive file named ``file_name``: its record is
    in a provenance graph the audience reads (a restricted dataset's reports are in that
    dataset's own graph, so its archives stay as hidden as its reports were)."""
    view = PublicGraphs(store, iris, audience)
    rows = view.select(
        "SELECT ?file ?name WHERE { ?file a oc:ReportArchive ; oc:fileName ?name } LIMIT 1",
        graphs=view.provenance,
        name=ox.Literal(file_name),
    )
    return bool(rows)
