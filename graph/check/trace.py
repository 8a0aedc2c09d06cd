"""From a finding to where its figure came from: agency, dataset, file, sheet, row, column, cell.

A finding names a focus node; the agency staff who must fix it need the cell. Each focus is
followed through its provenance in the judged graphs (``oc:sourceRow`` -> row number, sheet,
file name; ``oc:sourceColumn``, ``oc:rawValue``; the data set's publisher). Findings on a
draft just staged are traced from its columns instead (``column_checks.trace_on_columns``).

A finding about a row's region or period (its path is ``sdmx-dimension:refArea``,
``refPeriod`` or another dimension) is about the cell that holds it, not about the figures
of the row: it names that column (the dataset's ``csvw:tableSchema``, written from the
mapping by ``graph.cube.metadata``) with the value read from it, and the row's figures
give one finding, not one each. A finding of a rule comparing two datasets also names the
other dataset's agency, which hears of it too.
"""

from __future__ import annotations

from collections.abc import Sequence

from graph.check.column_checks import trace_on_columns
from graph.check.findings import Finding
from graph.check.solutions import on_threads, tsv_table, tsv_value
from graph.cube.draft_columns import DraftObservations
from graph.rdf.namespaces import CSVW, DCTERMS, OC, SKOS
from graph.rdf.results import solution_rows
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

    Findings about the region or period of a row are moved to the cell that holds it, and
    those of one rule on one cell become one: ``findings`` is changed in place.
    Findings on the observations of ``drafts`` are traced from their columns
    (``column_checks.trace_on_columns``); the other foci are looked up ``batch`` at a time on
    ``workers`` threads (default: one per CPU), their answers read as TSV as the validation
    queries are: a province's 300,000 foci took 50 s on one thread.
    """
    every = findings
    for draft in drafts:
        findings = trace_on_columns(store, graphs, draft, findings)  # those left to trace here
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
    _other_agencies(store, graphs, every)
    moved = _dimension_cells(store, graphs, every)
    if moved:
        every[:] = _one_per_cell(every, moved)


def _other_agencies(store: Store, graphs: list[str], findings: list[Finding]) -> None:
    """The agency of the other dataset a cross-dataset finding compared with."""
    others = sorted({f.other_dataset for f in findings if f.other_dataset})
    if not others:
        return
    values = " ".join(f"<{d}>" for d in others)
    rows = solution_rows(
        store.query(
            f"SELECT ?d ?a WHERE {{ VALUES ?d {{ {values} }} ?d <{DCTERMS}publisher> ?a }}",
            default_graph=graphs,
        )
    )
    publisher = {r["d"].value: r["a"].value for r in rows}
    for f in findings:
        if f.other_dataset:
            f.other_agency = publisher.get(f.other_dataset)


def _dimension_cells(store: Store, graphs: list[str], findings: list[Finding]) -> set[int]:
    """Findings whose path is a dimension the table gives in a column: that column and the
    value read from it (the code, the name, the year), instead of the figure's cell.
    Returns the ids of the findings moved."""
    datasets = sorted({f.dataset for f in findings if f.dataset and f.path and f.row is not None})
    if not datasets:
        return set()
    rows = solution_rows(
        store.query(
            f"""SELECT ?dataset ?property ?title ?name WHERE {{
  VALUES ?dataset {{ {" ".join(f"<{d}>" for d in datasets)} }}
  ?dataset <{CSVW}tableSchema>/<{CSVW}column> ?c . ?c <{CSVW}title> ?title ; <{CSVW}propertyUrl> ?property ;
    <{CSVW}name> ?name }}""",
            default_graph=graphs,
        )
    )
    columns = {(r["dataset"].value, r["property"].value): (r["title"].value, r["name"].value) for r in rows}
    moved = [f for f in findings if f.row is not None and (f.dataset, f.path) in columns]
    read = _values_read(store, graphs, sorted({f.value for f in moved if f.value and "://" in f.value}))
    for f in moved:
        f.column, kind = columns[(f.dataset or "", f.path or "")]
        f.raw = read.get(f.value or "", {}).get(kind.split("-")[0] if kind.startswith("dimensi-") else kind)
    return {id(f) for f in moved}


def _values_read(store: Store, graphs: list[str], values: list[str]) -> dict[str, dict[str, str]]:
    """Region, period or code IRI -> what a column of each kind holds for it."""
    if not values:
        return {}
    rows = solution_rows(
        store.query(
            f"""SELECT ?v ?year ?kemendagri ?bps ?label ?notation WHERE {{
  VALUES ?v {{ {" ".join(f"<{v}>" for v in values)} }}
  OPTIONAL {{ ?v <{OC}year> ?year }}
  OPTIONAL {{ ?v <{SKOS}notation> ?kemendagri FILTER(DATATYPE(?kemendagri) = <{OC}KemendagriCode>) }}
  OPTIONAL {{ ?v <{SKOS}notation> ?bps FILTER(DATATYPE(?bps) = <{OC}BPSCode>) }}
  OPTIONAL {{ ?v <{SKOS}prefLabel> ?label FILTER(LANG(?label) = "id") }}
  OPTIONAL {{ ?v <{SKOS}notation> ?notation }} }}""",
            default_graph=graphs,
        )
    )
    kinds = {"tahun": "year", "kode-kemendagri": "kemendagri", "kode-bps": "bps", "nama-wilayah": "label"}
    out: dict[str, dict[str, str]] = {}
    for r in rows:
        found = out.setdefault(r["v"].value, {})
        for kind, variable in kinds.items():
            if variable in r:
                found.setdefault(kind, r[variable].value)
        if "notation" in r:
            found.setdefault("notation", r["notation"].value)
    for found in out.values():  # another dimension's column holds its code's notation
        found.setdefault("dimensi", found.get("notation", ""))
    return out


def _one_per_cell(findings: list[Finding], moved: set[int]) -> list[Finding]:
    """One finding per rule and cell among those ``moved`` to a region or period cell (ids):
    a row's period named by each of its figures is one problem, and the first focus in IRI
    order stands for them. The others are kept as they are."""
    first: dict[tuple[object, ...], int] = {}
    for f in sorted((f for f in findings if id(f) in moved), key=lambda f: f.focus):
        first.setdefault((f.shape, f.component, f.severity, f.dataset, f.sheet, f.row, f.column), id(f))
    kept = set(first.values())
    return [f for f in findings if id(f) not in moved or id(f) in kept]


def _sources(store: Store, graphs: list[str], foci: list[str]) -> dict[str, dict[str, str]]:
    """Focus -> the fields of its source that the graphs hold."""
    values = " ".join(f"<{f}>" for f in foci)
    result = store.query(
        f"""PREFIX oc: <{OC}>
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?focus ?dataset ?agency ?file ?sheet ?row ?column ?raw WHERE {{
  VALUES ?focus {{ {values} }}
  OPTIONAL {{ ?focus qb:dataSet/oc:cubeOf ?ds0 }}
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
