"""A table of repeated rows is refused, not published: duplicates count against the reject limit.

Reported in the second round (issue 19): "a 1 M-row CSV of 99.85 % duplicate rows becomes a
draft (2.1 GB, 0 rejected)". A row whose every value repeats an earlier row's observation
(same region, period, indicator and dimensions) gives nothing that can be published, like a
row whose numbers do not read; more of them than ``reject_limit_percent`` refuses the table.
Here a Bappeda household recap the demo never had (semicolons, undotted codes) is published
once, then sent again as 1,000 rows of which 990 repeat the same desa and year: uploaded
through the API and loaded as ``onecenter load`` does, it is refused with a message that
names the duplicates, no draft is left, and the published version stays as it was.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.errors import LoadRejected
from graph.publish.accounts import Accounts
from graph.publish.platform import Platform
from graph.rdf.results import solution_rows
from graph.reference.regions import RegionIndex
from graph.settings import PROJECT_DIR, load_settings
from graph.store.embedded import EmbeddedStore
from graph.store.versions import draft_datasets, published_datasets
from tests.trust.figures import record_figures

# Slow: loads and uploads tables.
pytestmark = pytest.mark.slow

DATASET = "uji-rumah-tangga-desa"
MAPPING = """\
dataset:
  id: uji-rumah-tangga-desa
  title: {id: Rumah tangga per desa (uji), en: Households by village (test)}
  description: {id: Rekap Bappeda uji, en: Test Bappeda recap}
  agency: bappeda
  frequency: annual
source:
  path: rekap_rumah_tangga.csv
  delimiter: ";"
  decimal: comma
region:
  level: desa
  code: {column: KODE DESA, system: kemendagri}
  name: {column: NAMA DESA}
period:
  year: {column: TAHUN}
measures:
  - {column: JUMLAH RUMAH TANGGA, indicator: jumlah-rumah-tangga, unit: rumah-tangga}
"""
REGIONS = RegionIndex.from_csv(PROJECT_DIR / "ontology" / "codes" / "wilayah_lampung.csv")
DESA = REGIONS.descendants("18.09", "desa")[:10]


def recap(rows: int) -> bytes:
    """The agency's export: ``rows`` rows cycling over ten desa, all of 2024 (so every row
    after the tenth repeats an earlier desa and year), values differing row by row."""
    lines = ["KODE DESA;NAMA DESA;TAHUN;JUMLAH RUMAH TANGGA"]
    for i in range(rows):
        code = DESA[i % len(DESA)]
        lines.append(f"{code.replace('.', '')};{REGIONS.names[code]};2024;{400 + i}")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")


@pytest.fixture
def bappeda(
    tmp_path: Path, reference_nquads: str
) -> Iterator[tuple[Platform, TestClient, dict[str, str], dict[str, str]]]:
    mappings = tmp_path / "mappings"
    for part in ("linking", "publication"):
        shutil.copytree(PROJECT_DIR / "mappings" / part, mappings / part)
    (mappings / f"{DATASET}.yaml").write_text(MAPPING, encoding="utf-8")
    (mappings / "rekap_rumah_tangga.csv").write_bytes(recap(10))
    settings = load_settings(
        store_path=":memory:",
        mappings_dir=str(mappings),
        reports_dir=str(tmp_path / "reports"),
        accounts_path=str(tmp_path / "accounts.sqlite3"),
        uploads_dir=str(tmp_path / "uploads"),
        upload_max_bytes=1_000_000,
        agent="uji",
    )
    store = EmbeddedStore(None)
    store.bulk_load([reference_nquads])  # the worker's reference graphs: a copy, not a reload
    platform = Platform(settings, store)
    accounts = Accounts(settings.resolve(settings.accounts_path))
    produsen = {"Authorization": f"Bearer {accounts.add('dewi.bappeda', 'produsen', 'bappeda')[1]}"}
    walidata = {"Authorization": f"Bearer {accounts.add('citra.walidata', 'walidata')[1]}"}
    with TestClient(create_app(settings, platform.store)) as client:
        yield platform, client, produsen, walidata
    platform.close()


def published_quads(platform: Platform) -> tuple[str, list[tuple[str, str, str]]]:
    """The dataset's published version graph and every quad in it."""
    graph = published_datasets(platform.store, platform.iris)[platform.iris.dataset(DATASET)]
    rows = platform.store.query(
        f"SELECT ?s ?p ?o WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", default_graph=[]
    )
    return graph, sorted((str(r["s"]), str(r["p"]), str(r["o"])) for r in solution_rows(rows))


def names_the_duplicates(message: str) -> None:
    for words in (
        "990 dari 1000 baris tidak dapat dimuat",
        "990 duplikat baris sebelumnya",
        "990 of 1000 rows could not be loaded",
        "990 duplicates of earlier rows",
        "99.0% > batas 10.0%",
        "duplicate of row 2 (same region, period, indicator and dimensions)",
    ):
        assert words in message, (words, message)


def test_a_table_of_repeated_rows_is_refused_and_the_published_version_stays(
    bappeda: tuple[Platform, TestClient, dict[str, str], dict[str, str]],
) -> None:
    platform, client, produsen, walidata = bappeda
    mapping = platform.settings.mappings_path / f"{DATASET}.yaml"
    first = platform.load(mapping)
    assert first.outcome == "published" and first.observations == 10
    before = published_quads(platform)

    repeated = recap(1_000)  # rows 12-1001 repeat rows 2-11's desa and year
    answer = client.post(
        f"/ingest/{DATASET}", files={"file": ("rekap_rumah_tangga.csv", repeated)}, headers=produsen
    )
    assert answer.status_code == 422, answer.text[:500]
    names_the_duplicates(answer.json()["error"])
    assert client.get("/drafts", headers=walidata).json()["drafts"] == []
    assert draft_datasets(platform.store, platform.iris) == {}

    (platform.settings.mappings_path / "rekap_rumah_tangga.csv").write_bytes(repeated)
    with pytest.raises(LoadRejected) as refused:
        platform.load(mapping)
    names_the_duplicates(str(refused.value))
    assert draft_datasets(platform.store, platform.iris) == {}
    assert published_quads(platform) == before  # the same version graph, the same quads
    record_figures("duplicate_rows", {"rows": 1_000, "duplicates": 990, "refused_by": ["upload", "load"]})
