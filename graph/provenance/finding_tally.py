"""How many results a validation report has, by dataset, agency, rule and severity, kept beside it.

The home page, a dataset's page and *Data saya* show how many findings each agency and
dataset has in force; they need the counts, not the findings. Reading every result of
every report in force and tracing it to its cell (``graph.describe.coherence``) took
148 s at 300,000 observations with a held synthetic table published. So when a report is
written (``graph.publish.settle``) its public results are counted by the dataset and
agency of their figure, rule and severity, with how many a Walidata decision accepted,
and kept on the report (``tally_ntriples``)::

    <…/validasi/X> oc:talliedResults 3 ; oc:findingTally <…/validasi/X/hitungan/1> .
    <…/hitungan/1> a oc:FindingTally ; oc:aboutDataset <…/dataset/d> ; oc:aboutAgency <…/organisasi/a> ;
        sh:sourceShape shapes:NilaiDalamBatas ; sh:resultSeverity sh:Violation ;
        oc:resultCount 2 ; oc:acceptedCount 1 .

``stored_tallies`` reads them back: a few rows per report. A report written before they
were kept has no ``oc:talliedResults``: ``counted_tallies`` counts its results with one
aggregate query, finding each figure's dataset and agency as the trace does
(``graph.check.trace``); that takes seconds per 50,000 results, so ``keep_missing_tallies``
(run after each publication by ``graph.publish.hygiene``) writes the counts of such a report
in force once, and the reads after it find them kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from graph.check.findings import Finding
from graph.rdf.iris import Iris
from graph.rdf.namespaces import OC, PREFIXES, RDF_TYPE
from graph.rdf.ntriples import literal
from graph.store.interface import Store
from graph.store.public import PublicGraphs

__all__ = [
    "Tally",
    "add_up",
    "counted_tallies",
    "keep_missing_tallies",
    "stored_tallies",
    "tally_findings",
    "tally_ntriples",
]

_SH = PREFIXES["sh"]
_INTEGER = PREFIXES["xsd"] + "integer"


@dataclass(frozen=True, order=True)
class Tally:
    """How many results of one rule and severity are on one dataset's figures."""

    dataset: str | None  # IRI of the figure's dataset (None: not traced to one)
    agency: str | None  # IRI of that dataset's publisher
    shape: str
    severity: str  # IRI: sh:Violation, sh:Warning, sh:Info ("" when the result has none)
    results: int
    accepted: int  # of the results, how many a Walidata decision accepted

    def key(self) -> tuple[str | None, str | None, str, str]:
        return (self.dataset, self.agency, self.shape, self.severity)


def add_up(tallies: Iterable[Tally]) -> list[Tally]:
    """One tally per dataset, agency, rule and severity, in order."""
    summed: dict[tuple[str | None, str | None, str, str], tuple[int, int]] = {}
    for t in tallies:
        results, accepted = summed.get(t.key(), (0, 0))
        summed[t.key()] = (results + t.results, accepted + t.accepted)
    return sorted(Tally(*key, *counts) for key, counts in summed.items())


def tally_findings(findings: Iterable[Finding], accepted: set[int] | None = None) -> list[Tally]:
    """The tallies of traced ``findings``; ``accepted``: the ids of those a decision accepted
    (a finding read back from a report knows it itself)."""
    return add_up(
        Tally(
            f.dataset,
            f.agency,
            f.shape,
            f.severity,
            1,
            int(f.accepted if accepted is None else id(f) in accepted),
        )
        for f in findings
    )


def tally_ntriples(report_iri: str, tallies: list[Tally]) -> str:
    """N-Triples of the tallies of one report (with ``oc:talliedResults``, even when none)."""
    report = f"<{report_iri}>"
    total = sum(t.results for t in tallies)
    lines = [f"{report} <{OC}talliedResults> {literal(str(total), _INTEGER)}"]
    for i, t in enumerate(tallies, start=1):
        node = f"<{report_iri}/hitungan/{i}>"
        lines += [
            f"{report} <{OC}findingTally> {node}",
            f"{node} <{RDF_TYPE}> <{OC}FindingTally>",
            f"{node} <{_SH}sourceShape> <{t.shape}>",
            f"{node} <{OC}resultCount> {literal(str(t.results), _INTEGER)}",
            f"{node} <{OC}acceptedCount> {literal(str(t.accepted), _INTEGER)}",
        ]
        if t.severity:
            lines.append(f"{node} <{_SH}resultSeverity> <{t.severity}>")
        if t.dataset:
            lines.append(f"{node} <{OC}aboutDataset> <{t.dataset}>")
        if t.agency:
            lines.append(f"{node} <{OC}aboutAgency> <{t.agency}>")
    return "".join(line + " .\n" for line in lines)


def _value(row: dict[str, ox.NamedNode | ox.Literal], key: str) -> str | None:
    return row[key].value if key in row else None


def stored_tallies(view: PublicGraphs, reports: list[str]) -> dict[str, list[Tally]]:
    """Report -> its tallies, for those of ``reports`` that keep them (one query)."""
    if not reports:
        return {}
    # The IRIs are the reports' own, read from the graph, never a request's.
    values = " ".join(f"<{r}>" for r in reports)
    rows = view.select(
        f"""SELECT ?report ?t ?dataset ?agency ?shape ?severity ?n ?accepted WHERE {{
  VALUES ?report {{ {values} }}
  ?report oc:talliedResults ?total .
  OPTIONAL {{ ?report oc:findingTally ?t . ?t sh:sourceShape ?shape ; oc:resultCount ?n .
    OPTIONAL {{ ?t oc:acceptedCount ?accepted }} OPTIONAL {{ ?t sh:resultSeverity ?severity }}
    OPTIONAL {{ ?t oc:aboutDataset ?dataset }} OPTIONAL {{ ?t oc:aboutAgency ?agency }} }} }}""",
        graphs=view.provenance,
    )
    out: dict[str, list[Tally]] = {}
    for r in rows:
        found = out.setdefault(r["report"].value, [])
        if "t" in r:
            accepted = int(r["accepted"].value) if "accepted" in r else 0
            tally = Tally(
                _value(r, "dataset"),
                _value(r, "agency"),
                r["shape"].value,
                _value(r, "severity") or "",
                int(r["n"].value),
                accepted,
            )
            found.append(tally)
    return {report: add_up(found) for report, found in out.items()}


def counted_tallies(view: PublicGraphs, report: str) -> list[Tally]:
    """The tallies of a report that keeps none, counted from its results (one aggregate
    query over the results and their figures: seconds for a province's report)."""
    rows = view.select(
        """SELECT ?iri ?dataset ?agency ?shape ?severity (COUNT(DISTINCT ?result) AS ?n)
       (COUNT(DISTINCT ?acc) AS ?accepted) WHERE {
  ?iri sh:result ?result . ?result sh:focusNode ?focus .
  OPTIONAL { ?result sh:sourceShape ?shape } OPTIONAL { ?result sh:resultSeverity ?severity }
  OPTIONAL { ?accepting oc:acceptedResult ?result }
  BIND(IF(BOUND(?accepting), ?result, ?none) AS ?acc)
  # The figure's dataset and its publisher, as graph.check.trace finds them.
  OPTIONAL { ?focus qb:dataSet/oc:cubeOf ?ds0 }
  BIND(COALESCE(?ds0, IF(EXISTS { ?focus a qb:DataSet }, ?focus, ?none)) AS ?dataset)
  OPTIONAL { ?dataset dcterms:publisher ?agency }
} GROUP BY ?iri ?dataset ?agency ?shape ?severity""",
        iri=ox.NamedNode(report),
    )
    return add_up(
        Tally(
            _value(r, "dataset"),
            _value(r, "agency"),
            _value(r, "shape") or "",
            _value(r, "severity") or "",
            int(r["n"].value),
            int(r["accepted"].value),
        )
        for r in rows
    )


# The public reports of the activities behind the published versions that keep no counts.
_UNTALLIED = """SELECT DISTINCT ?report WHERE {
  ?dataset oc:publishedGraph ?graph .
  # A held draft published later is in force by its publication, not by its load.
  { ?activity prov:generated ?graph FILTER NOT EXISTS { ?p a oc:Publication ; prov:used ?graph } }
  UNION { ?activity a oc:Publication ; prov:used ?graph }
  ?activity oc:validationReport ?report . ?report a sh:ValidationReport .
  FILTER NOT EXISTS { ?report oc:talliedResults ?total } }"""


def keep_missing_tallies(store: Store, iris: Iris) -> list[str]:
    """Count and keep the tallies of the public reports in force written before reports kept
    them; returns those reports (none once done: one query)."""
    view = PublicGraphs(store, iris)
    graphs = [iris.catalog_graph, *view.provenance]
    reports = sorted(r["report"].value for r in view.select(_UNTALLIED, graphs=graphs))
    for report in reports:
        text = tally_ntriples(report, counted_tallies(view, report))
        store.update(f"INSERT DATA {{ GRAPH <{iris.provenance_graph}> {{\n{text}}} }}")
    return reports
