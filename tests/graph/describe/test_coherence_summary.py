"""The coherence report's counts (home page, dataset page, Data saya) equal the full read's.

``read_coherence_summary`` reads the counts kept with each report (or counts an older
report's results with one query); ``summary_of(read_coherence(...))`` counts the findings
the full read traces. They must agree on the demo, and as a draft is held, published with
its violation accepted, and replaced (its report archived).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.describe.coherence import read_coherence
from graph.describe.coherence_summary import (
    CoherenceSummary,
    FindingTotals,
    read_coherence_summary,
    summary_of,
)
from graph.provenance.finding_tally import counted_tallies, keep_missing_tallies, stored_tallies
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.settings import load_settings
from graph.store.public import PublicGraphs
from tests.conftest import with_future_year, write_small_table
from tests.graph.publish.test_judging import PART_WHOLE, accept, agency_table
from tests.graph.publish.test_platform import select

OC = "https://w3id.org/onecenter/def#"
REASON = "Dinas mengonfirmasi angka; tahun diperbaiki bulan depan"


def both(platform: Platform) -> tuple[CoherenceSummary, CoherenceSummary]:
    """(from the counts, from the full read of every finding)."""
    quick = read_coherence_summary(platform.store, platform.iris)
    every = read_coherence(
        platform.store, platform.iris, shapes=platform.settings.shapes_path, max_rows=10**6
    )
    assert not every.truncated
    return quick, summary_of(every)


def reports_in_force(summary: CoherenceSummary) -> list[str]:
    return sorted(d.report for d in summary.datasets if d.report)


def test_the_demo_counts_are_the_full_reads_and_come_from_the_counts_kept(
    demo: tuple[Platform, list[LoadReport]],
) -> None:
    platform, _ = demo
    quick, full = both(platform)
    assert quick == full
    # C5 and C9 are one finding each (data/README.md); every violation was accepted.
    assert quick.totals() == FindingTotals(findings=12, violations=5, accepted=5, warnings=7)
    assert quick.totals(agency="dpupr") == FindingTotals(4, 2, 2, 2)
    assert quick.totals(dataset="dpmd-idm-desa") == FindingTotals(0, 0, 0, 0)
    assert quick.by_dataset()["dinsos-kpm-desa"].open == 1  # its warning; the violation is accepted
    view = PublicGraphs(platform.store, platform.iris)
    reports = reports_in_force(quick)
    stored = stored_tallies(view, reports)
    assert sorted(stored) == reports  # every report in force keeps its counts
    # What was kept is what counting the results again gives.
    assert {r: counted_tallies(view, r) for r in reports} == stored


@pytest.fixture
def platform(tmp_path: Path) -> Iterator[Platform]:
    """A platform that archives the reports of versions it replaces."""
    settings = load_settings(
        store_path=":memory:",
        audit_path=str(tmp_path / "audit" / "chain.jsonl"),
        report_archive_path=str(tmp_path / "arsip"),
    )
    p = Platform(settings)
    p.load_reference()
    yield p
    p.close()


def _forget_counts(platform: Platform) -> None:
    """Make every report look written before reports kept their counts."""
    platform.store.update(
        f"""DELETE {{ GRAPH ?g {{ ?report <{OC}talliedResults> ?total .
  ?report <{OC}findingTally> ?t . ?t ?p ?o }} }}
WHERE {{ GRAPH ?g {{ ?report <{OC}talliedResults> ?total
  OPTIONAL {{ ?report <{OC}findingTally> ?t . ?t ?p ?o }} }} }}"""
    )


@pytest.mark.slow
def test_held_published_and_archived_drafts_keep_the_counts_equal_to_the_full_read(
    platform: Platform, tmp_path: Path
) -> None:
    mapping = write_small_table(tmp_path, [str(1000 + i) for i in range(20)])
    assert platform.load(mapping).outcome == "published"
    quick, full = both(platform)
    assert quick == full and not quick.held

    # A reload with a year to come is held; the published version's report stays in force.
    with_future_year(mapping, [str(2000 + i) for i in range(20)])
    assert platform.load(mapping).outcome == "held"
    quick, full = both(platform)
    assert quick == full
    assert [h.id for h in quick.held] == ["uji-penduduk"]
    assert quick.totals(dataset="uji-penduduk").violations == 0

    # Published by the Walidata: its violation is in force, accepted.
    platform.publish_draft("uji-penduduk", accept_reason=REASON, decided_by="Walidata")
    quick, full = both(platform)
    assert quick == full and not quick.held
    mine = quick.totals(dataset="uji-penduduk", agency="disdukcapil")
    assert (mine.violations, mine.accepted) == (1, 1)

    # A report written before the counts were kept is counted from its results.
    _forget_counts(platform)
    view = PublicGraphs(platform.store, platform.iris)
    assert stored_tallies(view, reports_in_force(quick)) == {}
    assert read_coherence_summary(platform.store, platform.iris) == quick
    # ... and its counts are kept after the next publication's tidying, once.
    assert keep_missing_tallies(platform.store, platform.iris) == reports_in_force(quick)
    assert keep_missing_tallies(platform.store, platform.iris) == []
    assert sorted(stored_tallies(view, reports_in_force(quick))) == reports_in_force(quick)
    assert read_coherence_summary(platform.store, platform.iris) == quick

    # A clean reload replaces the version: the reports that judged it are archived.
    before = reports_in_force(quick)
    assert (
        platform.load(write_small_table(tmp_path, [str(3000 + i) for i in range(20)])).outcome == "published"
    )
    quick, full = both(platform)
    assert quick == full
    assert quick.totals(dataset="uji-penduduk").violations == 0
    archived = select(platform, "SELECT ?r WHERE { ?r oc:archivedAs ?file }")
    assert {r["r"] for r in archived} & set(before)


@pytest.mark.slow
def test_cross_agency_and_restricted_findings_count_where_the_full_read_puts_them(
    platform: Platform, tmp_path: Path
) -> None:
    # Dinsos's load finds Dinkes's figures above its own totals: the findings are on Dinkes's
    # dataset (its agency's counts), kept in Dinsos's report; the Walidata accepted them.
    stunted = agency_table(tmp_path / "a", "uji-stunting", "dinkes", "balita-stunting", [50] * 5)
    assert platform.load(stunted).outcome == "published"
    accept(platform, tmp_path, "uji-ditimbang", PART_WHOLE)
    weighed = agency_table(tmp_path / "b", "uji-ditimbang", "dinsos", "balita-ditimbang", [30] * 5)
    assert platform.load(weighed).outcome == "published"
    quick, full = both(platform)
    assert quick == full
    assert quick.totals(agency="dinkes", dataset="uji-stunting").violations == 5
    assert quick.totals(agency="dinsos").violations == 0

    # A restricted dataset's figures compared: those findings are not public, nor counted.
    hidden = agency_table(
        tmp_path / "c", "uji-ditimbang", "dinsos", "balita-ditimbang", [30] * 5, access="terbatas"
    )
    assert platform.load(hidden).outcome == "published"
    assert platform.load(agency_table(tmp_path / "d", "uji-stunting", "dinkes", "balita-stunting", [60] * 5))
    quick, full = both(platform)
    assert quick == full
    assert [h.id for h in quick.held] == ["uji-stunting"]
    assert quick.totals(agency="dinkes").violations == 0  # Dinsos's report in force is not public
