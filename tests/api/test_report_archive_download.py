"""An archived validation report on the provenance page: its counts per rule, and its file to
download with the SHA-256 on record, for whoever may read the report, and nobody else."""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.publish.accounts import Accounts
from graph.publish.platform import Platform
from graph.rdf.namespaces import sparql_prefixes
from graph.rdf.results import solution_rows
from graph.settings import load_settings
from tests.graph.publish.test_hygiene import held_table

# Slow: loads and reloads two held tables.
pytestmark = pytest.mark.slow


def select(platform: Platform, sparql: str) -> list[dict[str, str]]:
    """Rows over every graph of the store (restricted datasets' records included)."""
    rows = platform.store.query(sparql_prefixes() + sparql, default_graph=[])
    return [{k: v.value for k, v in row.items()} for row in solution_rows(rows)]


@dataclass(frozen=True)
class Archived:
    load: str  # the first load's IRI: its report was archived when the reload replaced it
    name: str
    sha256: str


@dataclass(frozen=True)
class Setup:
    client: TestClient
    platform: Platform
    open: Archived
    restricted: Archived
    folder: Path
    tokens: dict[str, str]

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


def _held_twice(platform: Platform, folder: Path, restricted: bool) -> Archived:
    folder.mkdir()
    mapping = held_table(folder)
    if restricted:
        text = mapping.read_text(encoding="utf-8").replace("uji-penduduk", "uji-penduduk-terbatas")
        mapping.write_text(
            text.replace("  agency: disdukcapil\n", "  agency: disdukcapil\n  access: terbatas\n")
        )
    first = platform.load(mapping)
    assert first.outcome == "held"
    # A restricted dataset's records are in its own provenance graph: look in every graph.
    found = select(
        platform,
        f"SELECT ?l ?r WHERE {{ GRAPH ?g {{ ?l prov:generated <{first.graph}> ; oc:validationReport ?r }} }}",
    )
    load, report = found[0]["l"], found[0]["r"]
    assert platform.load(mapping).outcome == "held"  # the reload supersedes the first draft
    recorded = select(
        platform,
        f"SELECT ?name ?sha WHERE {{ GRAPH ?g {{ <{report}> oc:archivedAs ?f . ?f oc:fileName ?name ; oc:sha256 ?sha }} }}",
    )
    assert len(recorded) == 1, recorded
    return Archived(load, recorded[0]["name"], recorded[0]["sha"])


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    tmp = tmp_path_factory.mktemp("arsip-unduh")
    settings = load_settings(
        store_path=":memory:",
        audit_path=str(tmp / "audit" / "chain.jsonl"),
        report_archive_path=str(tmp / "arsip"),
        accounts_path=str(tmp / "accounts.sqlite3"),
    )
    platform = Platform(settings)
    platform.load_reference()
    open_one = _held_twice(platform, tmp / "terbuka", restricted=False)
    restricted = _held_twice(platform, tmp / "terbatas", restricted=True)
    accounts = Accounts(settings.resolve(settings.accounts_path))
    tokens = {
        "walidata": accounts.add("citra.walidata", "walidata")[1],
        "dukcapil": accounts.add("ani.dukcapil", "produsen", "disdukcapil")[1],
        "dinsos": accounts.add("budi.dinsos", "produsen", "dinsos")[1],
    }
    with TestClient(create_app(platform.settings, platform.store)) as client:
        yield Setup(client, platform, open_one, restricted, tmp / "arsip", tokens)
    platform.close()


def test_the_trace_of_a_superseded_load_links_its_archive_and_the_file_is_the_one_on_record(
    setup: Setup,
) -> None:
    body = setup.client.get("/provenance.json", params={"iri": setup.open.load}).json()
    archive = body["report_archive"]
    assert archive["file_name"] == setup.open.name and archive["sha256"] == setup.open.sha256
    assert sum(r["results"] for r in archive["rules"]) > 0
    download = setup.client.get(archive["href"])
    assert download.status_code == 200, download.text
    assert download.headers["content-type"] == "application/gzip"
    assert setup.open.name in download.headers["content-disposition"]
    assert hashlib.sha256(download.content).hexdigest() == setup.open.sha256
    assert b"<http://www.w3.org/ns/shacl#result>" in gzip.decompress(download.content)


def test_the_page_of_a_superseded_load_shows_the_counts_per_rule_and_the_download(setup: Setup) -> None:
    page = setup.client.get("/provenance", params={"iri": setup.open.load}, headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert "Hasil validasi diarsipkan" in page.text and "Validation results archived" in page.text
    assert f"/provenance/arsip/{setup.open.name}" in page.text and setup.open.sha256 in page.text
    assert "PeriodeTidakDiMasaDepan" in page.text  # the rule every held row broke, with its count
    assert "Tidak ada temuan tentang angka ini" not in page.text  # archived is not "no findings"


def test_a_restricted_datasets_archive_is_a_404_to_others_and_a_file_to_its_readers(setup: Setup) -> None:
    url = f"/provenance/arsip/{setup.restricted.name}"
    anonymous = setup.client.get(url)
    assert anonymous.status_code == 404
    assert setup.restricted.name in anonymous.json()["error"]
    assert setup.client.get(url, headers=setup.auth("dinsos")).status_code == 404  # another agency
    walidata = setup.client.get(url, headers=setup.auth("walidata"))
    assert walidata.status_code == 200, walidata.text
    assert hashlib.sha256(walidata.content).hexdigest() == setup.restricted.sha256
    # Whoever may read the load's trace may download its archive, and nobody else.
    for reader in (None, "walidata", "dukcapil", "dinsos"):
        headers = setup.auth(reader) if reader else {}
        trace = setup.client.get("/provenance.json", params={"iri": setup.restricted.load}, headers=headers)
        download = setup.client.get(url, headers=headers)
        assert (trace.status_code == 200) == (download.status_code == 200), (
            reader,
            trace.text,
            download.text,
        )


@pytest.mark.parametrize(
    "name",
    [
        "laporan-validasi-20250101T000000000000Z.nq.gz",  # the right shape, on record nowhere
        "..%2F..%2Fetc%2Fpasswd",
        "laporan-validasi-..%2Fchain.jsonl",
        "chain.jsonl",
    ],
)
def test_a_name_not_on_record_is_a_404_and_reads_no_file(setup: Setup, name: str) -> None:
    answer = setup.client.get(f"/provenance/arsip/{name}")
    assert answer.status_code == 404
    assert str(setup.folder) not in answer.text


def test_a_recorded_archive_missing_on_disk_says_to_restore_it_from_backup(setup: Setup) -> None:
    path = setup.folder / setup.open.name
    data = path.read_bytes()
    path.unlink()
    try:
        answer = setup.client.get(f"/provenance/arsip/{setup.open.name}")
    finally:
        path.write_bytes(data)
    assert answer.status_code == 404
    assert "backup" in answer.json()["error"] and str(setup.folder) not in answer.text


def test_an_agencys_produsen_traces_its_own_held_restricted_load_and_no_other_agency_does(
    setup: Setup,
) -> None:
    """The restricted dataset was never published: the catalogue names no agency for it, but
    its loads do. Dukcapil loaded it; Dukcapil's Produsen reads its load's trace and its archive
    (what the Walidata told them to fix), Dinsos' Produsen and the public get a 404."""
    url = f"/provenance/arsip/{setup.restricted.name}"
    params = {"iri": setup.restricted.load}
    own = setup.client.get("/provenance.json", params=params, headers=setup.auth("dukcapil"))
    assert own.status_code == 200, own.text
    assert own.json()["report_archive"]["sha256"] == setup.restricted.sha256
    download = setup.client.get(url, headers=setup.auth("dukcapil"))
    assert download.status_code == 200, download.text
    assert hashlib.sha256(download.content).hexdigest() == setup.restricted.sha256
    for other in ({}, setup.auth("dinsos")):
        assert setup.client.get("/provenance.json", params=params, headers=other).status_code == 404
        assert setup.client.get(url, headers=other).status_code == 404
