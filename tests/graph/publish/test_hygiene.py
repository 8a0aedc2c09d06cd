"""Store hygiene: reloads keep the store flat, superseded and rejected versions leave their
records and a summary of their reports, the full reports in files whose SHA-256 is on record."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.provenance.chain import AuditChain
from graph.provenance.report_archive import read_archive
from graph.provenance.reports import archived_report
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.settings import load_settings
from graph.store.public import PublicGraphs
from graph.store.versions import EVERYONE_INTERNAL, draft_datasets, published_datasets
from tests.conftest import write_small_table
from tests.graph.publish.test_platform import select

# Slow: loads, holds, publishes and rejects drafts.
pytestmark = pytest.mark.slow

OC = "https://w3id.org/onecenter/def#"
SH = "http://www.w3.org/ns/shacl#"
FUTURE_RULE = "https://w3id.org/onecenter/shapes#PeriodeTidakDiMasaDepan"
YEARS = 30  # 10 desa x 30 years that have not come: 300 violations


def _platform(tmp_path: Path, archive: str) -> Platform:
    settings = load_settings(
        store_path=":memory:",
        audit_path=str(tmp_path / "audit" / "chain.jsonl"),
        report_archive_path=archive,
    )
    platform = Platform(settings)
    platform.load_reference()
    return platform


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[Platform]:
    p = _platform(tmp_path, str(tmp_path / "arsip"))
    yield p
    p.close()


def held_table(folder: Path) -> Path:
    """The small table with every row in a year to come: held with YEARS x 10 violations."""
    mapping = write_small_table(folder, [str(1000 + i) for i in range(10 * YEARS)])
    table = folder / "penduduk.csv"
    head, *rows = table.read_text(encoding="utf-8").splitlines()
    rows = [f"{code};{int(year) + 11};{value}" for code, year, value in (r.split(";") for r in rows)]
    table.write_text("\n".join([head, *rows]) + "\n", encoding="utf-8")
    return mapping


def clean_table(folder: Path, base: int) -> Path:
    return write_small_table(folder, [str(base + i) for i in range(20)])


def results_of(platform: Platform, report: str) -> int:
    rows = select(platform, f"SELECT (COUNT(?r) AS ?n) WHERE {{ <{report}> sh:result ?r }}")
    return int(rows[0]["n"])


def report_of(platform: Platform, graph: str | None) -> str:
    rows = select(platform, f"SELECT ?r WHERE {{ ?load prov:generated <{graph}> ; oc:validationReport ?r }}")
    return rows[0]["r"]


def archive_of(platform: Platform, report: str) -> dict[str, str]:
    rows = select(
        platform,
        f"""SELECT ?name ?sha ?size WHERE {{ <{report}> oc:archivedAs ?f .
          ?f a oc:ReportArchive ; oc:fileName ?name ; oc:sha256 ?sha ; oc:byteSize ?size }}""",
    )
    assert len(rows) == 1, rows
    return rows[0]


def summary_of(platform: Platform, report: str) -> dict[str, int]:
    rows = select(
        platform,
        f"""SELECT ?shape ?n WHERE {{ <{report}> oc:resultSummary ?s .
          ?s sh:sourceShape ?shape ; sh:resultSeverity sh:Violation ; oc:resultCount ?n }}""",
    )
    return {r["shape"]: int(r["n"]) for r in rows}


def check_archive(platform: Platform, report: str, tmp_path: Path, findings: int) -> None:
    """The file on record is there, its SHA-256 and size are those recorded, and it holds
    the report's every result."""
    recorded = archive_of(platform, report)
    path = tmp_path / "arsip" / recorded["name"]
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == recorded["sha"]
    assert len(data) == int(recorded["size"])
    quads = read_archive(path)
    results = {q.object for q in quads if q.subject.value == report and q.predicate.value == SH + "result"}
    assert len(results) == findings
    assert results_of(platform, report) == 0  # gone from the store
    assert sum(summary_of(platform, report).values()) == sum(
        1 for q in quads if q.predicate.value == SH + "resultSeverity" and q.object.value == SH + "Violation"
    )


def test_reloading_a_held_table_three_times_keeps_the_store_flat(platform: Platform, tmp_path: Path) -> None:
    reference = platform.store.count()
    mapping = held_table(tmp_path)
    first = platform.load(mapping)
    assert first.outcome == "held" and first.violations >= 10 * YEARS
    once = platform.store.count()
    reloads = [platform.load(mapping) for _ in range(3)]
    assert {r.outcome for r in reloads} == {"held"}
    after = platform.store.count()
    assert after <= 1.1 * once, (once, after)
    # Each reload adds its load's record and a summary, not a report (measured: 42 quads, of
    # a load's ~7,600 here; the reference graphs are ~39,600).
    assert (after - once) / 3 < 0.05 * (once - reference), (reference, once, after)
    # The held draft in force keeps its whole report; each one it replaced is in a file.
    current = report_of(platform, reloads[-1].graph)
    assert results_of(platform, current) == len(reloads[-1].findings)
    archived = select(platform, "SELECT ?r WHERE { ?r oc:archivedAs ?f }")
    assert len(archived) == 3
    for row in archived:
        check_archive(platform, row["r"], tmp_path, len(first.findings))
        assert summary_of(platform, row["r"])[FUTURE_RULE] == 10 * YEARS
    # Every load stays on record with its file's SHA-256, and the chain holds.
    loads = select(platform, "SELECT ?l ?sha WHERE { ?l a oc:Load ; prov:used ?f . ?f oc:sha256 ?sha }")
    assert len({r["l"] for r in loads}) == 4
    chain = AuditChain(tmp_path / "audit" / "chain.jsonl")
    assert chain.verify().ok
    entries = [e for e in chain.entries() if e.kind == "report-archive"]
    assert len(entries) == 3
    assert {e.payload["file"]["sha256"] for e in entries} == {
        archive_of(platform, r["r"])["sha"] for r in archived
    }
    assert "report archive" in reloads[-1].step_seconds


def test_without_an_archive_the_same_reloads_grow_the_store(tmp_path: Path) -> None:
    """What the test above guards against: with reports kept whole, each reload adds its report."""
    platform = _platform(tmp_path, "off")
    try:
        reference = platform.store.count()
        mapping = held_table(tmp_path)
        platform.load(mapping)
        once = platform.store.count()
        for _ in range(3):
            platform.load(mapping)
        after = platform.store.count()
        assert after > 1.1 * once  # the bound the test above holds (measured: 1.19x)
        assert (after - once) / 3 > 0.3 * (once - reference)  # a report per reload (~3,000 quads)
        assert not (tmp_path / "arsip").exists()
    finally:
        platform.close()


def test_publishing_a_new_version_leaves_no_superseded_draft_or_report(
    platform: Platform, tmp_path: Path
) -> None:
    v1 = platform.load(clean_table(tmp_path, 1000))
    held = platform.load(held_table(tmp_path))
    v2 = platform.load(clean_table(tmp_path, 3000))
    assert (v1.outcome, held.outcome, v2.outcome) == ("published", "held", "published")
    dataset = platform.iris.dataset("uji-penduduk")
    assert published_datasets(platform.store, platform.iris)[dataset] == v2.graph
    assert draft_datasets(platform.store, platform.iris) == {}
    graphs = platform.store.named_graphs()
    assert v1.graph not in graphs and held.graph not in graphs
    # The held draft's report went to a file; the records of both loads stay.
    check_archive(platform, report_of(platform, held.graph), tmp_path, len(held.findings))
    outcomes = select(
        platform,
        f"SELECT ?g ?o WHERE {{ ?l oc:loadedDataset <{dataset}> ; prov:generated ?g ; oc:outcome ?o }}",
    )
    assert {(r["g"], r["o"].rsplit("#", 1)[-1]) for r in outcomes} == {
        (v1.graph, "outcomePublished"),
        (held.graph, "outcomeHeld"),
        (v2.graph, "outcomePublished"),
    }
    assert AuditChain(tmp_path / "audit" / "chain.jsonl").verify().ok


def test_a_rejected_draft_is_gone_but_its_rejection_and_reason_stay(
    platform: Platform, tmp_path: Path
) -> None:
    platform.load(clean_table(tmp_path, 1000))
    held: LoadReport = platform.load(held_table(tmp_path))
    rejection = platform.reject_draft("uji-penduduk", reason="Tahun salah ketik", decided_by="Walidata")
    assert held.graph not in platform.store.named_graphs()
    rows = select(
        platform,
        f"""SELECT ?reason ?who ?load ?sha ?outcome WHERE {{ <{rejection}> a oc:Rejection ;
          rdfs:comment ?reason ; oc:rejectedGraph <{held.graph}> ; prov:wasInformedBy ?load ;
          prov:wasAssociatedWith/rdfs:label ?who .
          ?load oc:outcome ?outcome ; prov:used ?f . ?f a oc:SourceFile ; oc:sha256 ?sha }}""",
    )
    assert len(rows) == 1
    assert (rows[0]["reason"], rows[0]["who"]) == ("Tahun salah ketik", "Walidata")
    assert rows[0]["outcome"] == OC + "outcomeHeld"
    assert rows[0]["sha"] == hashlib.sha256((tmp_path / "penduduk.csv").read_bytes()).hexdigest()
    report = report_of(platform, held.graph)
    check_archive(platform, report, tmp_path, len(held.findings))
    assert summary_of(platform, report)[FUTURE_RULE] == 10 * YEARS
    # The header stays: the load log still says how many violations held it.
    header = select(platform, f"SELECT ?n WHERE {{ <{report}> oc:violationCount ?n }}")
    assert int(header[0]["n"]) == held.violations
    # An auditor reading the load's trace learns which file holds its results, and their counts.
    archive = archived_report(PublicGraphs(platform.store, platform.iris, EVERYONE_INTERNAL), report)
    assert archive is not None
    assert archive["sha256"] == archive_of(platform, report)["sha"]
    assert {(r["shape"], r["severity"]): r["results"] for r in archive["rules"]}[
        (FUTURE_RULE, "Violation")
    ] == 10 * YEARS
    current = report_of(platform, platform.load(clean_table(tmp_path, 5000)).graph)
    assert archived_report(PublicGraphs(platform.store, platform.iris, EVERYONE_INTERNAL), current) is None
    assert AuditChain(tmp_path / "audit" / "chain.jsonl").verify().ok
