"""A validation report moved out of the store: its results to a file, a summary left behind.

Every load keeps its SHACL report in the provenance graph (``graph.check.report``): at
demo scale a held table with 600 findings adds ~12,000 quads per load, at province scale
a report holds millions. Once the version it judged is gone (superseded, rejected, or a
draft replaced by a newer one), nobody queries its results any more, but an auditor may
still ask what they were. ``archive_report`` therefore

1. writes every quad of the report (its header, its results in whichever provenance graph
   holds them, and the acceptances' links to them) to a gzipped N-Quads file, written
   to a temporary name and renamed, so a file under its final name is always whole;
2. records, in one update in the graph of the report's header, the file as an
   ``oc:ReportArchive`` (name, SHA-256, size, quads) and the counts per rule
   (``oc:ResultSummary``: ``sh:sourceShape``, ``sh:resultSeverity``, ``oc:resultCount``);
3. removes the results (``remove_results``) in batches of ``BATCH_RESULTS`` (one update each: a province
   report in one transaction took ~9 GB in Oxigraph when it was inserted).

The report's header (``sh:conforms``, ``oc:violationCount``, ``oc:warningCount``,
``dct:created``) and the activity pointing to it stay, so load histories read as before.
A crash between steps leaves a report with its archive recorded and some results left:
``archive_report`` on it again returns the recorded archive (the file is not written twice)
and ``remove_results`` finishes step 3.
"""

from __future__ import annotations

import gzip
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from graph.check.report import SH
from graph.rdf.namespaces import DCTERMS, OC, PREFIXES, PROV, RDF_TYPE
from graph.rdf.ntriples import literal
from graph.rdf.results import solution_rows
from graph.store.interface import Store

__all__ = [
    "BATCH_RESULTS",
    "MEDIA_TYPE",
    "ArchivedReport",
    "archive_name",
    "archive_report",
    "read_archive",
    "remove_results",
]

BATCH_RESULTS = 10_000  # results removed per update (~100,000 quads)
MEDIA_TYPE = "application/n-quads"  # gzipped: the file name ends in .nq.gz
_XSD = PREFIXES["xsd"]


@dataclass(frozen=True)
class ArchivedReport:
    """One report moved out of the store, as recorded beside its header."""

    report: str
    file: Path
    sha256: str
    byte_size: int
    quads: int  # quads written to the file (and removed from the store, but the header)
    results: int
    # (rule, severity) -> results
    counts: dict[tuple[str, str], int] = field(default_factory=dict)
    resumed: bool = False  # the archive was already recorded: only the removal was finished

    def as_payload(self) -> dict[str, object]:
        """What the audit chain records: the file's name and hash, and counts only."""
        return {
            "report": self.report,
            "file": {"name": self.file.name, "sha256": self.sha256, "bytes": self.byte_size},
            "quads": self.quads,
            "results": self.results,
            "rules": [
                {"shape": shape, "severity": severity, "results": n}
                for (shape, severity), n in sorted(self.counts.items())
            ],
        }


def archive_name(report: str) -> str:
    """The archive's file name: the report's last path segment (its load or publication id).

    >>> archive_name("https://example.org/id/validasi/20250502T031407512001Z")
    'laporan-validasi-20250502T031407512001Z.nq.gz'
    """
    return f"laporan-validasi-{report.rstrip('/').rsplit('/', 1)[-1]}.nq.gz"


def archive_report(store: Store, report: str, home: str, graphs: list[str], folder: Path) -> ArchivedReport:
    """Write ``report`` to a file in ``folder`` and record it with its summary in ``home`` (the
    graph holding its header): steps 1 and 2; ``remove_results`` is step 3. ``graphs``: every
    provenance graph its results may be in. A report whose archive is already recorded is
    not written again (``resumed``)."""
    node = ox.NamedNode(report)
    recorded = _recorded_archive(store, node, graphs)
    if recorded is not None:
        return recorded
    counts = _counts(store, node, graphs)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / archive_name(report)
    sha256, size, quads = _write(store, node, graphs, path)
    archived = ArchivedReport(report, path, sha256, size, quads, sum(counts.values()), counts)
    store.update(f"INSERT DATA {{ GRAPH <{home}> {{\n{_summary_ntriples(archived)}}} }}")
    return archived


def read_archive(path: Path) -> ox.Dataset:
    """The quads of an archive file (for auditors and tests)."""
    with gzip.open(path, "rb") as f:
        return ox.Dataset(ox.parse(f.read(), format=ox.RdfFormat.N_QUADS))


# The report's own statements, its results' statements and the acceptances' links to them.
# (The report's IRI is ours, never a user's: it is written into the query.)
_QUADS = f"""SELECT ?g ?s ?p ?o WHERE {{
  {{ GRAPH ?g {{ REPORT ?p ?o }} BIND(REPORT AS ?s) }}
  UNION {{ GRAPH ?g {{ REPORT <{SH}result> ?s . ?s ?p ?o }} }}
  UNION {{ GRAPH ?h {{ REPORT <{SH}result> ?o }} GRAPH ?g {{ ?s <{OC}acceptedResult> ?o }}
          BIND(<{OC}acceptedResult> AS ?p) }} }}"""


def _write(store: Store, report: ox.NamedNode, graphs: list[str], path: Path) -> tuple[str, int, int]:
    """Write the report's quads to ``path`` (gzip without a time stamp: the same report gives
    the same bytes); returns (SHA-256, bytes, quads)."""
    rows = store.query(_QUADS.replace("REPORT", str(report)), default_graph=[], named_graphs=graphs)
    assert isinstance(rows, ox.QuerySolutions)
    partial = path.with_name(path.name + ".tmp")
    quads = 0
    with partial.open("wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
        lines: list[str] = []
        for row in rows:  # streamed: a province report is millions of rows
            lines.append(f"{row['s']} {row['p']} {row['o']} {row['g']} .\n")
            quads += 1
            if len(lines) >= 50_000:
                out.write("".join(lines).encode())
                lines = []
        out.write("".join(lines).encode())
    digest = hashlib.sha256()
    with partial.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    os.replace(partial, path)
    return digest.hexdigest(), path.stat().st_size, quads


def _counts(store: Store, report: ox.NamedNode, graphs: list[str]) -> dict[tuple[str, str], int]:
    rows = store.query(
        f"""SELECT ?shape ?severity (COUNT(?r) AS ?n) WHERE {{ GRAPH ?g {{
  {report} <{SH}result> ?r . ?r <{SH}sourceShape> ?shape ; <{SH}resultSeverity> ?severity }} }}
GROUP BY ?shape ?severity""",
        default_graph=[],
        named_graphs=graphs,
    )
    return {(r["shape"].value, r["severity"].value): int(r["n"].value) for r in solution_rows(rows)}


def _summary_ntriples(archived: ArchivedReport) -> str:
    report, file = f"<{archived.report}>", f"<{archived.report}/arsip>"
    integer = _XSD + "integer"
    lines = [
        f"{report} <{OC}archivedAs> {file}",
        f"{file} <{RDF_TYPE}> <{PROV}Entity>",
        f"{file} <{RDF_TYPE}> <{OC}ReportArchive>",
        f"{file} <{OC}fileName> {literal(archived.file.name)}",
        f"{file} <{OC}sha256> {literal(archived.sha256)}",
        f"{file} <{OC}byteSize> {literal(str(archived.byte_size), integer)}",
        f"{file} <{DCTERMS}format> {literal(MEDIA_TYPE)}",
        f"{file} <{PROV}wasDerivedFrom> {report}",
    ]
    for i, ((shape, severity), n) in enumerate(sorted(archived.counts.items()), start=1):
        summary = f"<{archived.report}/ringkasan/{i}>"
        lines += [
            f"{report} <{OC}resultSummary> {summary}",
            f"{summary} <{RDF_TYPE}> <{OC}ResultSummary>",
            f"{summary} <{SH}sourceShape> <{shape}>",
            f"{summary} <{SH}resultSeverity> <{severity}>",
            f"{summary} <{OC}resultCount> {literal(str(n), integer)}",
        ]
    return "".join(line + " .\n" for line in lines)


def _recorded_archive(store: Store, report: ox.NamedNode, graphs: list[str]) -> ArchivedReport | None:
    """The archive already recorded for ``report`` (an earlier run stopped before removing
    every result), or None."""
    rows = solution_rows(
        store.query(
            f"""SELECT ?name ?sha ?size WHERE {{ GRAPH ?g {{ {report} <{OC}archivedAs> ?file .
  ?file <{OC}fileName> ?name ; <{OC}sha256> ?sha ; <{OC}byteSize> ?size }} }}""",
            default_graph=[],
            named_graphs=graphs,
        )
    )
    if not rows:
        return None
    r = rows[0]
    return ArchivedReport(
        report.value, Path(r["name"].value), r["sha"].value, int(r["size"].value), 0, 0, resumed=True
    )


def remove_results(store: Store, report: str) -> None:
    """Remove the report's results and the acceptances' links to them, a batch per update."""
    while True:
        found = store.query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ <{report}> <{SH}result> ?r }} }}",
            default_graph=[],
        )
        left = int(solution_rows(found)[0]["n"].value)
        if not left:
            return
        store.update(
            f"""DELETE {{ GRAPH ?g {{ <{report}> <{SH}result> ?r . ?r ?p ?o }}
  GRAPH ?ag {{ ?a <{OC}acceptedResult> ?r }} }}
WHERE {{ {{ SELECT ?g ?r WHERE {{ GRAPH ?g {{ <{report}> <{SH}result> ?r }} }} LIMIT {BATCH_RESULTS} }}
  GRAPH ?g {{ ?r ?p ?o }}
  OPTIONAL {{ GRAPH ?ag {{ ?a <{OC}acceptedResult> ?r }} }} }}"""
        )
