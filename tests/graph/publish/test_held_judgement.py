"""Publishing a held draft reuses its load's findings unless what they depend on changed (issue 24)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.check.acceptances import Acceptances
from graph.check.findings import Finding
from graph.publish.draft import Draft, generating_load, held_draft
from graph.publish.judge import judge
from graph.publish.judgement import PARTLY_REUSED, REUSED, reuse_judgement
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.settings import PROJECT_DIR, Settings, load_settings
from graph.store.embedded import EmbeddedStore
from tests.conftest import SMALL_MAPPING, nquads_of, with_future_year, write_small_table

# Slow: loads, holds and publishes drafts.
pytestmark = pytest.mark.slow

REASON = "Dinas mengonfirmasi angka; tahun diperbaiki bulan depan"
SH = "http://www.w3.org/ns/shacl#"
DESA = [f"18090120{i:02d}" for i in range(1, 11)]


@pytest.fixture
def audited(tmp_path: Path) -> Iterator[tuple[Platform, Path]]:
    """A platform on an in-memory store whose steps are chained in an audit log."""
    log = tmp_path / "audit" / "chain.jsonl"
    platform = Platform(load_settings(store_path=":memory:", audit_path=str(log), agent="uji"))
    platform.load_reference()
    yield platform, log
    platform.close()


def _publications(log: Path) -> list[dict[str, object]]:
    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    return [e["payload"] for e in entries if e["kind"] == "publication"]


def _keys(findings: list[Finding]) -> list[tuple[object, ...]]:
    return [tuple(sorted((k, str(v)) for k, v in f.as_dict().items())) for f in findings]


def _table(
    folder: Path, dataset: str, agency: str, indicator: str, unit: str, rows: list[tuple[str, int, int]]
) -> Path:
    """A fixture table of (desa code, year, value) as its own dataset; returns its mapping."""
    folder.mkdir(parents=True, exist_ok=True)
    table = folder / f"{dataset}.csv"
    lines = ["kode_desa;tahun;jumlah", *(f"{code};{year};{value}" for code, year, value in rows)]
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = folder / f"{dataset}.yaml"
    text = (
        SMALL_MAPPING.format(path=table.name)
        .replace("uji-penduduk", dataset)
        .replace("disdukcapil", agency)
        .replace("jumlah-penduduk", indicator)
        .replace("unit: jiwa", f"unit: {unit}")
    )
    mapping.write_text(text, encoding="utf-8")
    return mapping


def hold_a_future_year(platform: Platform, tmp_path: Path) -> LoadReport:
    """A small table published, then loaded again with a 2031 row: the second load is held."""
    mapping = write_small_table(tmp_path, [str(1000 + i) for i in range(20)])
    assert platform.load(mapping).outcome == "published"
    with_future_year(mapping, [str(2000 + i) for i in range(20)])
    return platform.load(mapping)


def test_publishing_a_held_draft_with_nothing_changed_reuses_its_findings(
    audited: tuple[Platform, Path], tmp_path: Path
) -> None:
    platform, log = audited
    held = hold_a_future_year(platform, tmp_path)
    assert held.outcome == "held" and held.violations == 1

    report = platform.publish_draft("uji-penduduk", accept_reason=REASON, decided_by="Walidata")

    assert report.outcome == "published" and report.violations_accepted == 1
    # Read back from the load's report, not found by the engine again: no validation step.
    assert "findings reused" in report.step_seconds
    assert "validation" not in report.step_seconds
    assert REUSED in report.notes
    # The same findings, traced to the same cells, as the load found.
    assert [f.as_dict() for f in report.findings] == [f.as_dict() for f in held.findings]
    [violation] = [f for f in report.findings if f.blocks_publication]
    assert (violation.file, violation.row) == ("penduduk.csv", 4)
    assert _publications(log)[-1]["findings"] == "reused"


def test_a_dataset_published_meanwhile_makes_the_rules_across_datasets_judged_again(
    audited: tuple[Platform, Path], tmp_path: Path
) -> None:
    platform, log = audited
    # Dinsos' PKH beneficiary families, with one row in a year that has not come: held.
    families = [(code, 2023, 50) for code in DESA[:9]] + [(DESA[9], 2031, 50)]
    held = platform.load(_table(tmp_path / "a", "uji-pkh", "dinsos", "kpm-pkh", "keluarga", families))
    assert held.outcome == "held" and held.violations == 1
    assert not any(f.other_dataset for f in held.findings)  # nothing published to compare with

    # Meanwhile Disdukcapil publishes a population smaller than those families: the held
    # draft's 2023 rows now break the cross-agency rule that PKH families are at most the
    # population.
    people = [(code, 2023, 30) for code in DESA]
    population = _table(tmp_path / "b", "uji-penduduk", "disdukcapil", "jumlah-penduduk", "jiwa", people)
    assert platform.load(population).outcome == "published"

    # What a whole judgement finds now, for comparison (judging writes nothing).
    pkh, draft_graph = held_draft(platform.store, platform.iris, "uji-pkh")
    whole = Draft("uji-pkh", pkh, draft_graph, None, LoadReport("uji-pkh", "", "", "held"))
    judge(platform, [whole], whole=True)

    report = platform.publish_draft("uji-pkh", accept_reason=REASON, decided_by="Walidata")

    assert "validation" in report.step_seconds
    assert PARTLY_REUSED in report.notes and REUSED not in report.notes
    assert sorted(_keys(report.findings)) == sorted(_keys(whole.findings))
    penduduk = platform.iris.dataset("uji-penduduk")
    crossed = [f for f in report.findings if f.blocks_publication and f.other_dataset == penduduk]
    assert len(crossed) == 9
    assert {f.row for f in crossed} == set(range(2, 11))  # the 2023 rows, under the header
    assert {f.dataset for f in crossed} == {platform.iris.dataset("uji-pkh")}
    assert {f.other_agency_slug for f in crossed} == {"disdukcapil"}
    assert _publications(log)[-1]["findings"] == "rules across datasets judged again"


def test_a_shape_edited_after_the_hold_makes_the_draft_judged_whole_again(tmp_path: Path) -> None:
    project = tmp_path / "project"
    for folder in ("shapes", "ontology", "mappings"):
        shutil.copytree(PROJECT_DIR / folder, project / folder)
    log = tmp_path / "audit" / "chain.jsonl"
    settings = load_settings(store_path=":memory:", project_dir=project, audit_path=str(log), agent="uji")
    platform = Platform(settings)
    try:
        platform.load_reference()
        assert hold_a_future_year(platform, tmp_path).outcome == "held"
        shape = project / "shapes" / "koherensi.ttl"
        shape.write_text(shape.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")

        report = platform.publish_draft("uji-penduduk", accept_reason=REASON, decided_by="Walidata")

        assert "validation" in report.step_seconds and "findings reused" not in report.step_seconds
        assert REUSED not in report.notes and PARTLY_REUSED not in report.notes
        assert report.violations_accepted == 1
        assert _publications(log)[-1]["findings"] == "judged again"
    finally:
        platform.close()


def test_a_held_report_whose_results_are_gone_is_not_trusted(
    audited: tuple[Platform, Path], tmp_path: Path
) -> None:
    platform, log = audited
    held = hold_a_future_year(platform, tmp_path)
    assert held.violations == 1
    # Its results removed (as an archive would): reading them back would find no violation.
    platform.store.update(
        f"""DELETE {{ GRAPH ?g {{ ?report <{SH}result> ?r }} }}
WHERE {{ GRAPH ?g {{ ?report <{SH}result> ?r }} }}"""
    )

    report = platform.publish_draft("uji-penduduk", accept_reason=REASON, decided_by="Walidata")

    assert "validation" in report.step_seconds and REUSED not in report.notes
    assert report.violations_accepted == 1  # found again, not lost
    assert _publications(log)[-1]["findings"] == "judged again"


def test_on_the_demo_judging_only_the_rules_across_datasets_finds_what_a_whole_judgement_finds(
    memory_settings: Settings, demo: tuple[Platform, list[LoadReport]]
) -> None:
    store = EmbeddedStore(None)
    store.bulk_load([nquads_of(demo[0].store)])  # the session's demo build, copied
    platform = Platform(memory_settings, store)
    try:
        mappings = platform.settings.mappings_path
        standing, platform.acceptances = platform.acceptances, Acceptances()
        held = platform.load(mappings / "dinkes-stunting-desa.yaml")  # its demo violation holds it
        platform.acceptances = standing
        assert held.outcome == "held"
        # Another agency's table published again meanwhile: a new version to compare with.
        assert platform.load(mappings / "dpupr-air-sanitasi-desa.yaml").outcome == "published"
        dataset, graph = held_draft(platform.store, platform.iris, "dinkes-stunting-desa")
        whole = Draft("dinkes-stunting-desa", dataset, graph, None, LoadReport("", "", "", "held"))
        judge(platform, [whole], whole=True)
        across = Draft("dinkes-stunting-desa", dataset, graph, None, LoadReport("", "", "", "held"))

        outcome = reuse_judgement(platform, across, generating_load(platform.store, platform.iris, graph))

        assert outcome == "rules across datasets judged again"
        assert whole.findings and any(f.other_dataset for f in whole.findings)
        assert sorted(_keys(across.findings)) == sorted(_keys(whole.findings))
    finally:
        platform.close()
