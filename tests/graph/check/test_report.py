"""The validation report as N-Triples: whole, split by access level, and in pieces."""

from __future__ import annotations

import datetime as dt

import pyoxigraph as ox

from graph.check.findings import Finding
from graph.check.report import SH, report_chunks, report_ntriples

CREATED = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)
REPORT = "https://example.org/laporan/1"


def findings(n: int) -> list[Finding]:
    return [
        Finding(
            shape="https://w3id.org/onecenter/shapes#Uji",
            focus=f"https://example.org/obs/{i}",
            component=SH + "SPARQLConstraintComponent",
            severity=SH + ("Violation" if i % 3 else "Warning"),
            value=f'"{i}"^^<http://www.w3.org/2001/XMLSchema#integer>',
            message_id=f"nilai {i} salah",
            message_en=f"value {i} is wrong",
            dataset="https://example.org/ds/a" if i % 2 else "https://example.org/ds/b",
        )
        for i in range(n)
    ]


def test_pieces_join_to_the_whole_report() -> None:
    found = findings(50)
    pieces = list(report_chunks(REPORT, found, created=CREATED, results_per_chunk=7))
    assert len(pieces) == 8  # 50 results, 7 per piece
    whole = report_ntriples(REPORT, found, created=CREATED)
    assert "".join(pieces) == whole
    graph = ox.parse(whole.encode(), format=ox.RdfFormat.N_TRIPLES)
    results = [t for t in graph if t.predicate == ox.NamedNode(SH + "result")]
    assert len(results) == 50


def test_a_report_split_by_dataset_keeps_each_results_place() -> None:
    found = findings(10)
    public = report_ntriples(REPORT, found, created=CREATED, keep=lambda f: (f.dataset or "").endswith("/b"))
    own = report_ntriples(
        REPORT, found, created=CREATED, keep=lambda f: (f.dataset or "").endswith("/a"), header=False
    )
    assert "ValidationReport" in public and "ValidationReport" not in own
    # Result IRIs are numbered in the whole report, so the two halves never collide.
    assert "/obs/1>" in own and "/obs/1>" not in public and "/obs/0>" in public
    whole = set(report_ntriples(REPORT, found, created=CREATED).splitlines())
    assert set(public.splitlines()) | set(own.splitlines()) == whole
