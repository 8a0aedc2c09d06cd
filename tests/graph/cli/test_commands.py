"""The ``onecenter`` command on a real on-disk store: load, hold, publish, validate, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.cli.commands import app
from graph.publish.platform import Platform
from graph.rdf.iris import Iris
from graph.settings import PROJECT_DIR, load_settings
from graph.store.connect import open_store
from graph.store.versions import draft_datasets, published_datasets
from tests.conftest import all_quads, copy_reference, write_small_table
from tests.graph.publish.test_judging import agency_table

# Slow: builds the demo through the command line.
pytestmark = pytest.mark.slow


@pytest.fixture
def store(reference_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An on-disk store holding the reference graphs, named by ONECENTER_STORE_PATH."""
    path = copy_reference(reference_folder, tmp_path)
    monkeypatch.setenv("ONECENTER_STORE_PATH", str(path))
    monkeypatch.setenv("ONECENTER_AGENT", "uji-cli")
    monkeypatch.setenv("ONECENTER_REPORTS_DIR", str(tmp_path / "var" / "reports"))
    return path


def state(store: Path) -> tuple[dict[str, str], dict[str, str]]:
    platform = Platform(load_settings(store_path=str(store)))
    try:
        return published_datasets(platform.store, platform.iris), draft_datasets(
            platform.store, platform.iris
        )
    finally:
        platform.close()


def quads_of(store: Path) -> list[tuple[str, str, str, str]]:
    reader = open_store(store, read_only=True)
    try:
        return all_quads(reader)
    finally:
        reader.close()


def said(output: str) -> str:
    """The console's output on one line (Rich wraps long lines)."""
    return " ".join(output.split())


def test_load_hold_then_publish_with_a_reason(store: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    (tmp_path / "tabel").mkdir()
    mapping = write_small_table(tmp_path / "tabel", [str(1000 + i) for i in range(20)])
    first = runner.invoke(app, ["load", str(mapping)])
    assert first.exit_code == 0, first.output
    published, drafts = state(store)
    assert len(published) == 1 and drafts == {}

    table = mapping.parent / "penduduk.csv"
    table.write_text(table.read_text(encoding="utf-8").replace(";2021;", ";2031;", 1), encoding="utf-8")
    held = runner.invoke(app, ["load", str(mapping)])
    assert held.exit_code == 1, held.output
    assert "ditahan" in held.output and "PeriodeTidakDiMasaDepan" in held.output
    assert state(store)[0] == published
    assert (tmp_path / "var" / "reports" / "koherensi.json").exists()

    refused = runner.invoke(app, ["publish", "uji-penduduk"])
    assert refused.exit_code == 1 and "accept-violations" in refused.output
    assert state(store)[0] == published

    # A dataset without a held draft is wrong input (2), not refused data (1).
    nothing_held = runner.invoke(app, ["publish", "tidak-ada"])
    assert nothing_held.exit_code == 2 and "no held draft" in nothing_held.output

    accepted = runner.invoke(
        app, ["publish", "uji-penduduk", "--accept-violations", "dikonfirmasi dinas", "--by", "Walidata"]
    )
    assert accepted.exit_code == 0, accepted.output
    now_published, drafts = state(store)
    assert now_published != published and drafts == {}

    # The accepted violation is reported by `validate` but no longer fails it.
    check = runner.invoke(app, ["validate"])
    assert check.exit_code == 0, check.output
    assert "diterima Walidata / of which accepted: 1" in check.output


def test_validate_fails_on_a_violation_nobody_accepted(store: Path, tmp_path: Path) -> None:
    """A version can come to break a rule without being loaded again (here: a shape added later)."""
    runner = CliRunner()
    (tmp_path / "tabel").mkdir()
    mapping = write_small_table(tmp_path / "tabel", [str(1000 + i) for i in range(20)])
    assert runner.invoke(app, ["load", str(mapping)]).exit_code == 0
    assert runner.invoke(app, ["validate"]).exit_code == 0
    shapes = tmp_path / "proyek" / "shapes"
    shutil.copytree(PROJECT_DIR / "shapes", shapes)
    indicator = load_settings().base_iri + "id/indikator/jumlah-penduduk"
    (shapes / "uji.ttl").write_text(
        f"""@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
<urn:uji:TidakLebihDari1500> a sh:NodeShape ; sh:targetClass qb:Observation ;
  sh:severity sh:Violation ; sh:message "uji"@id , "test"@en ;
  sh:property [ sh:path <{indicator}> ; sh:maxInclusive 1015 ] .
""",
        encoding="utf-8",
    )
    for folder in ("ontology", "mappings"):
        shutil.copytree(PROJECT_DIR / folder, tmp_path / "proyek" / folder)
    result = runner.invoke(app, ["validate"], env={"ONECENTER_PROJECT_DIR": str(tmp_path / "proyek")})
    assert result.exit_code == 1, result.output
    assert "of which accepted: 0" in result.output


def test_load_says_which_checks_a_held_never_published_dataset_kept_from_being_made(
    store: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    held = agency_table(
        tmp_path / "a", "uji-dukcapil", "disdukcapil", "jumlah-penduduk", [1000, 1010], future_row=0
    )
    assert runner.invoke(app, ["load", str(held)]).exit_code == 1
    other = agency_table(tmp_path / "b", "uji-bps", "bps", "jumlah-penduduk", [1500, 1510])
    loaded = runner.invoke(app, ["load", str(other)])
    assert loaded.exit_code == 0, loaded.output
    said = " ".join(loaded.output.split())
    assert "uji-bps: Pemeriksaan lintas dataset terhadap uji-dukcapil tidak dapat dilakukan" in said
    assert "belum pernah terbit" in said and "never published" in said


def kpm_table(folder: Path, values: list[int]) -> Path:
    """A Dinsos table of PKH beneficiary families (KPM) for ten Pesawaran desa in 2023."""
    mapping = agency_table(folder, "uji-kpm", "dinsos", "kpm-pkh", values)
    text = mapping.read_text(encoding="utf-8").replace("unit: jiwa", "unit: keluarga")
    mapping.write_text(text, encoding="utf-8")
    return mapping


def test_a_dry_run_says_what_the_load_then_does_and_leaves_the_store_as_it_was(
    store: Path, tmp_path: Path
) -> None:
    """A Dinsos-like table nobody loaded before, judged against a published population."""
    runner = CliRunner()
    population = agency_table(tmp_path / "p", "uji-penduduk", "disdukcapil", "jumlah-penduduk", [1000] * 10)
    assert runner.invoke(app, ["load", str(population)]).exit_code == 0
    chain = tmp_path / "audit" / "chain.jsonl"
    kpm = Iris(load_settings().base_iri).dataset("uji-kpm")

    # One desa counts more PKH families than people: a rule declared on kpm-pkh (oc:atMost)
    # across two agencies' tables, which mapping alone never sees.
    broken = kpm_table(tmp_path / "k1", [100] * 9 + [1200])
    before, recorded = quads_of(store), chain.read_bytes()
    dry = runner.invoke(app, ["load", "--dry-run", str(broken)])
    assert dry.exit_code == 1, dry.output
    assert "akan ditahan / would be held: 1 pelanggaran / violation(s)" in said(dry.output)
    assert "nothing was published or recorded" in said(dry.output)
    assert quads_of(store) == before and chain.read_bytes() == recorded
    held = runner.invoke(app, ["load", str(broken)])
    assert held.exit_code == 1 and "draf ditahan: 1 pelanggaran" in said(held.output), held.output
    published, drafts = state(store)
    assert kpm not in published and set(drafts) == {kpm}

    # The same dataset without the broken figure, while its held draft waits.
    clean = kpm_table(tmp_path / "k2", [100] * 10)
    before, recorded = quads_of(store), chain.read_bytes()
    dry = runner.invoke(app, ["load", "--dry-run", str(clean)])
    assert dry.exit_code == 0, dry.output
    assert "uji-kpm: akan diterbitkan / would be published" in said(dry.output)
    assert quads_of(store) == before and chain.read_bytes() == recorded
    loaded = runner.invoke(app, ["load", str(clean)])
    assert loaded.exit_code == 0, loaded.output
    published, drafts = state(store)
    assert kpm in published and drafts == {}


def test_a_dry_run_of_a_refused_table_says_why_and_exits_1(store: Path, tmp_path: Path) -> None:
    before = quads_of(store)
    mapping = write_small_table(tmp_path, ["5"] * 10, codes=["99999"] * 10)
    dry = CliRunner().invoke(app, ["load", "--dry-run", str(mapping)])
    assert dry.exit_code == 1, dry.output
    assert "uji-penduduk: akan ditolak / would be refused:" in said(dry.output)
    assert quads_of(store) == before


def test_a_load_into_an_empty_store_loads_the_reference_first_and_only_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh store, as the province generator's instructions make: no `onecenter build` first."""
    path = tmp_path / "store"
    monkeypatch.setenv("ONECENTER_STORE_PATH", str(path))
    monkeypatch.setenv("ONECENTER_REPORTS_DIR", str(tmp_path / "laporan"))
    runner = CliRunner()
    mapping = PROJECT_DIR / "mappings" / "dinsos-kpm-desa.yaml"
    iris = Iris(load_settings().base_iri)

    dry = runner.invoke(app, ["load", "--dry-run", str(mapping)])
    assert dry.exit_code == 0, dry.output
    assert "empty store: a load would load the ontology and region codes first" in said(dry.output)
    assert not path.exists()  # a dry run creates no store

    first = runner.invoke(app, ["load", str(mapping)])
    assert first.exit_code == 0, first.output
    assert "empty store: the ontology and region codes are loaded first" in said(first.output)
    published, drafts = state(path)
    assert iris.dataset("dinsos-kpm-desa") in published and drafts == {}
    findings = json.loads((tmp_path / "laporan" / "koherensi.json").read_text(encoding="utf-8"))
    rules = {f["shape"].rsplit("#", 1)[-1] for f in findings}
    assert findings and "KodeReferensiWilayah" not in rules  # the codes were there to judge with
    regions = quads_of(path)
    regions = [q for q in regions if q[0] == f"<{iris.regions_graph}>"]
    assert regions

    second = runner.invoke(app, ["load", str(mapping)])
    assert second.exit_code == 0, second.output
    assert "empty store" not in second.output
    assert [q for q in quads_of(path) if q[0] == f"<{iris.regions_graph}>"] == regions
    chain = (tmp_path / "audit" / "chain.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["kind"] for line in chain].count("reference") == 1
