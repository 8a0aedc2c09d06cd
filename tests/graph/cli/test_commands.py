"""The ``onecenter`` command on a real on-disk store: load, hold, publish, validate, exit codes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.cli.commands import app
from graph.publish.platform import Platform
from graph.settings import PROJECT_DIR, load_settings
from graph.store.versions import draft_datasets, published_datasets
from tests.conftest import write_small_table
from tests.graph.publish.test_judging import agency_table

# Slow: builds the demo through the command line.
pytestmark = pytest.mark.slow


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An on-disk store holding the reference graphs, named by ONECENTER_STORE_PATH."""
    path = tmp_path / "store"
    monkeypatch.setenv("ONECENTER_STORE_PATH", str(path))
    monkeypatch.setenv("ONECENTER_AGENT", "uji-cli")
    monkeypatch.setenv("ONECENTER_REPORTS_DIR", str(tmp_path / "var" / "reports"))
    platform = Platform(load_settings())
    platform.load_reference()
    platform.close()
    return path


def state(store: Path) -> tuple[dict[str, str], dict[str, str]]:
    platform = Platform(load_settings(store_path=str(store)))
    try:
        return published_datasets(platform.store, platform.iris), draft_datasets(
            platform.store, platform.iris
        )
    finally:
        platform.close()


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
