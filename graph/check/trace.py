"""From a finding to where its figure came from: agency, dataset, file, sheet, row, column, cell.

A finding names a focus node; the agency staff who must fix it need the cell. Each focus is
followed through its provenance in the judged graphs (``oc:sourceRow`` -> row number, sheet,
file name; ``oc:sourceColumn``, ``oc:rawValue``; the data set's publisher). Findings on a
draft just staged are traced from its columns instead (``column_checks.trace_on_columns``).
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.check.column_checks import trace_on_columns
from graph.check.findings import Finding
from graph.check.solutions import on_threads, tsv_table, tsv_value
from graph.cube.draft_columns import DraftObservations
from graph.rdf.namespaces import OC
from graph.store.interface import Store

__all__ = ["trace_findings"]

_FIELDS = ("dataset", "agency", "file", "sheet", "row", "column", "raw")


def trace_findings(
    store: Store,
    graphs: list[str],
    findings: list[Finding],
    batch: int = 500,
    workers: int | None = None,
    *,
    drafts: Sequence[DraftObservations] = (),
) -> None:
    """Fill each finding's agency, dataset, file, sheet, row, column and cell as written.

    Findings on the observations of ``drafts`` are traced from their columns
    (``column_checks.trace_on_columns``); the other foci are looked up ``batch`` at a time on
    ``workers`` threads (default: one per CPU), their answers read as TSV as the validation
    queries are: a province's 300,000 foci took 50 s on one thread.
    """
    for draft in drafts:
        findings = trace_on_columns(store, graphs, draft, findings)
    foci = sorted({f.focus for f in findings})

    def trace(start: int) -> dict[str, dict[str, str]]:
        return _sources(store, graphs, foci[start : start + batch])

    info: dict[str, dict[str, str]] = {}
    for batch_found in on_threads(trace, range(0, len(foci), batch), workers, "trace"):
        info.update(batch_found)
    for finding in findings:
        found = info.get(finding.focus, {})
        finding.dataset = found.get("dataset")
        finding.agency = found.get("agency")
        finding.file = found.get("file")
        finding.sheet = found.get("sheet")
        finding.row = int(found["row"]) if "row" in found else None
        finding.column = found.get("column")
        finding.raw = found.get("raw")


def _sources(store: Store, graphs: list[str], foci: list[str]) -> dict[str, dict[str, str]]:
    """Focus -> the fields of its source that the graphs hold."""
    values = " ".join(f"<{f}>" for f in foci)
    result = store.query(
        f"""PREFIX oc: <{OC}>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?focus ?dataset ?agency ?file ?sheet ?row ?column ?raw WHERE {{
  VALUES ?focus {{ {values} }}
  OPTIONAL {{ ?focus qb:dataSet ?ds0 }}
  BIND(COALESCE(?ds0, IF(EXISTS {{ ?focus a qb:DataSet }}, ?focus, ?none)) AS ?dataset)
  OPTIONAL {{ ?dataset dcterms:publisher ?agency }}
  # Each OPTIONAL starts from ?focus (bound by VALUES) with at most two patterns: Oxigraph then
  # looks each focus up. With three patterns in one group it starts from the rarest one (the
  # files) and joins every source row of the graph: 125 s per 500 foci at 1M observations.
  OPTIONAL {{ ?focus oc:sourceRow ?src . ?src oc:rowNumber ?row }}
  OPTIONAL {{ ?focus oc:sourceRow ?src_f . ?src_f oc:sourceFile ?f }}
  OPTIONAL {{ ?f oc:fileName ?file }}
  OPTIONAL {{ ?focus oc:sourceRow ?src_s . ?src_s oc:sheet ?sheet }}
  OPTIONAL {{ ?focus oc:sourceColumn ?column }}
  OPTIONAL {{ ?focus oc:rawValue ?raw }}
}}""",
        default_graph=graphs,
    )
    names, rows = tsv_table(result)
    at = {name: i for i, name in enumerate(names)}
    found: dict[str, dict[str, str]] = {}
    for row in rows:
        cells = {k: tsv_value(row[at[k]]) for k in _FIELDS}
        found[tsv_value(row[at["focus"]]) or ""] = {k: v for k, v in cells.items() if v is not None}
    return found
