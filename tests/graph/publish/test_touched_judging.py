"""A load judges only what its draft touches, and finds what the whole judgement finds (issue 24).

Each table is staged, judged with every shape over every graph (``judge(..., whole=True)``)
and judged as a load judges it (``graph.check.scope``); the draft's findings, traced to their
cells, its open and accepted violations and its report's notes must be the same, then it is
settled. On the demo tables and on a generated Pesawaran sample, each table is judged so when
loaded after the others and again when loaded last, with every other agency published; a
table written here (population figures the demo never had) conflicts with published ones.
Each held draft's publish is judged both ways too, with its load's findings reused where
nothing they depend on changed (``graph.publish.judgement``): the same verdict.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import astuple
from pathlib import Path
from typing import Any

import pytest

from graph.check.engine import validate
from graph.check.trace import trace_findings
from graph.publish.draft import Draft, generating_load, held_draft
from graph.publish.judge import REPORTED, judge, recorded_violations
from graph.publish.judgement import reuse_judgement
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.settings import PROJECT_DIR, load_settings
from graph.store.versions import candidate_graphs, collect_garbage, draft_datasets, fixed_graphs
from tests.scripts import script_module

pytestmark = pytest.mark.slow

PART_WHOLE = "https://w3id.org/onecenter/shapes#BagianTidakMelebihiKeseluruhan"
ACROSS = "rules across datasets judged again"


def verdict(draft: Draft) -> tuple[Any, ...]:
    """What the judgement gave the draft, in an order that does not depend on the run."""

    def rows(findings: list[Any]) -> list[str]:
        return sorted(repr(astuple(f)) for f in findings)

    return (
        rows(draft.findings),
        rows(draft.open_violations),
        {key: rows(found) for key, found in draft.accepted.items()},
        sorted(str(note) for note in draft.report.notes),
    )


def load_judged_both_ways(platform: Platform, mapping: Path) -> Draft:
    """Load ``mapping`` as ``Platform.load`` does, judged whole and then as a load judges."""
    collect_garbage(platform.store, platform.iris)
    draft = platform._stage(mapping)
    judge(platform, [draft], whole=True)
    whole = verdict(draft)
    judge(platform, [draft])
    assert verdict(draft) == whole, mapping.name
    platform._settle(draft)
    return draft


def publish_judged_both_ways(platform: Platform, dataset: str) -> str | None:
    """Judge a held draft as ``publish_held`` does, whole and then as a load judges; the same
    verdict either way. Returns how its load's judgement was used (``reuse_judgement``)."""
    store, iris = platform.store, platform.iris
    dataset_iri, graph = held_draft(store, iris, dataset)
    load_iri = generating_load(store, iris, graph)

    def judged(whole: bool) -> tuple[str | None, tuple[Any, ...]]:
        draft = Draft(dataset, dataset_iri, graph, None, LoadReport(dataset, "", "", "held", graph=graph))
        outcome = reuse_judgement(platform, draft, load_iri, whole=whole)
        if outcome is None:  # judged again from the store
            judge(platform, [draft], whole=whole)
        return outcome, verdict(draft)

    whole = judged(True)
    assert judged(False) == whole, dataset
    return whole[0]


def publish_held(platform: Platform) -> list[str | None]:
    """The Walidata publishes every held draft, each judged both ways first: every agency then
    has a published version."""
    outcomes = []
    for iri in draft_datasets(platform.store, platform.iris):
        dataset = iri.removeprefix(platform.iris.dataset(""))
        outcomes.append(publish_judged_both_ways(platform, dataset))
        platform.publish_draft(dataset, accept_reason="uji", decided_by="Walidata")
    return outcomes


def load_each_then_each_last(platform: Platform, mappings: list[Path]) -> list[Draft]:
    drafts = [load_judged_both_ways(platform, m) for m in mappings]
    publish_held(platform)
    # Each table loaded last, into a store holding every other agency's published version.
    drafts += [load_judged_both_ways(platform, m) for m in mappings]
    return drafts


DEMO = sorted((PROJECT_DIR / "mappings").glob("*.yaml"))


@pytest.fixture(scope="module")
def demo_platform() -> Iterator[Platform]:
    """The demo's tables loaded one by one, each judged both ways; the held ones published."""
    platform = Platform(load_settings(store_path=":memory:"))
    platform.load_reference()
    for mapping in DEMO:
        load_judged_both_ways(platform, mapping)
    publish_held(platform)
    yield platform
    platform.close()


def test_demo_tables_loaded_last_find_what_the_whole_judgement_finds(demo_platform: Platform) -> None:
    drafts = [load_judged_both_ways(demo_platform, m) for m in DEMO]
    # Not vacuous: the demo's tables are compared with each other.
    assert any(f.other_dataset for d in drafts for f in d.findings)


def population_table(folder: Path) -> Path:
    """Population of ten Pesawaran desa in 2023, from an agency the demo never had it from,
    far below every published part of it (KPM, balita ditimbang, murid)."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = [f"18090120{i:02d};2023;{3 + i}" for i in range(1, 11)]
    (folder / "sensus-kecil.csv").write_text("kode_desa;tahun;jumlah\n" + "\n".join(rows) + "\n", "utf-8")
    mapping = folder / "uji-sensus-kecil.yaml"
    mapping.write_text(
        """dataset:
  id: uji-sensus-kecil
  title: {id: Sensus kecil uji, en: Small test census}
  description: {id: Tabel uji, en: Test table}
  agency: bappeda
  frequency: annual
source:
  path: sensus-kecil.csv
  delimiter: ";"
region:
  level: desa
  code: {column: kode_desa, system: kemendagri}
period:
  year: {column: tahun}
measures:
  - column: jumlah
    indicator: jumlah-penduduk
    unit: jiwa
""",
        encoding="utf-8",
    )
    return mapping


def test_a_fresh_table_conflicting_with_published_figures(demo_platform: Platform, tmp_path: Path) -> None:
    """A new agency's population falls below published parts of it (KPM, balita, murid): the
    load finds those findings on the other agencies' figures, holds the table for them, and
    leaves out only findings on published figures alone, already on their records."""
    platform = demo_platform
    mapping = population_table(tmp_path)
    collect_garbage(platform.store, platform.iris)
    draft = platform._stage(mapping)
    graphs = candidate_graphs(platform.store, platform.iris, {draft.dataset_iri: draft.graph})
    records = set(fixed_graphs(platform.iris))
    versions = [g for g in graphs if g not in records and g != draft.graph]
    assert draft.observations is not None
    whole = validate(platform.store, platform.shapes, graphs, drafts=[draft.observations])
    touched = validate(
        platform.store, platform.shapes, graphs, drafts=[draft.observations], other_versions=versions
    )
    # Traced as a load traces them: one finding per rule and cell, as reports record them.
    trace_findings(platform.store, graphs, whole, drafts=[draft.observations])
    trace_findings(platform.store, graphs, touched, drafts=[draft.observations])
    mine = {f.focus for f in whole if f.dataset == draft.dataset_iri}
    # What the load leaves out is on published figures alone, already on their records.
    kept = {(f.focus, f.shape, f.path, f.value) for f in touched}
    left_out = [f for f in whole if (f.focus, f.shape, f.path, f.value) not in kept]
    on_record = recorded_violations(platform, REPORTED)
    assert left_out and all(f.focus not in mine for f in left_out)
    assert all((f.focus, f.shape) in on_record for f in left_out if f.blocks_publication)
    above = [f for f in touched if f.shape == PART_WHOLE and f.other_dataset == draft.dataset_iri]
    assert above and all(f.dataset != draft.dataset_iri for f in above)
    # And the load's verdict: the same with the whole judgement.
    judge(platform, [draft], whole=True)
    expected = verdict(draft)
    judge(platform, [draft])
    assert verdict(draft) == expected
    assert draft.open_violations  # held: it lowers the population under published figures
    platform._settle(draft)
    # Published figures it is compared with change while it is held (Dinsos delivers again):
    # its publish judges the rules across datasets again, as a load judges, and finds the same.
    assert platform.load(PROJECT_DIR / "mappings" / "dinsos-kpm-desa.yaml").outcome == "published"
    assert publish_judged_both_ways(platform, "uji-sensus-kecil") == ACROSS
    # Judged again from the store, as a publish is when the reference or the shapes changed
    # since its load (no columns then): the same verdict too.
    dataset_iri, graph = held_draft(platform.store, platform.iris, "uji-sensus-kecil")
    verdicts = []
    for every_graph in (True, False):
        stored = Draft(
            "uji-sensus-kecil", dataset_iri, graph, None, LoadReport("", "", "", "held", graph=graph)
        )
        judge(platform, [stored], whole=every_graph)
        verdicts.append(verdict(stored))
    assert verdicts[0] == verdicts[1] and verdicts[0][1]  # held by the same open violations


def test_province_tables_loaded_last_find_what_the_whole_judgement_finds(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    out = tmp_path_factory.mktemp("province")
    for gen in script_module("generate_province_data"):
        manifest = gen.generate(out, ["18.09"], years=2, log=lambda *_: None)
    platform = Platform(load_settings(store_path=":memory:", home_region=manifest["home_region"]))
    try:
        platform.load_reference()
        drafts = load_each_then_each_last(platform, [out / t["mapping"] for t in manifest["tables"]])
        assert any(f.other_dataset for d in drafts for f in d.findings)
    finally:
        platform.close()
