"""``/provenance`` and ``/loads`` over HTTP: the C3 figure traced, the load log, errors, drafts."""

from __future__ import annotations

import csv
import hashlib
import io
import warnings
from pathlib import Path
from typing import Any

import pytest
import rdflib
import yaml
from fastapi.testclient import TestClient

from api.app import create_app
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.settings import PROJECT_DIR
from tests.conftest import write_small_table

Demo = tuple[Platform, list[LoadReport]]
OC = rdflib.Namespace("https://w3id.org/onecenter/def#")
C3_RULE = "https://w3id.org/onecenter/shapes#BagianTidakMelebihiKeseluruhan"
DINKES_FILE = PROJECT_DIR / "data" / "dinkes_balita_stunting_desa_2020_2024.xlsx"


def c3(platform: Platform) -> str:
    """data/README.md C3: Gerning 2022, 223 stunted of 189 weighed; xlsx sheet Stunting, row 350."""
    gerning = platform.settings.home_region + ".03.2010"
    return platform.iris.observation_prefix("dinkes-stunting-desa") + f"{gerning}/2022/balita-stunting"


def assert_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"ok", "status", "error", "errors"}
    assert body["ok"] is False and body["status"] == status and body["error"]
    return body


def parse(data: bytes, fmt: str) -> rdflib.Graph:
    with warnings.catch_warnings():
        # rdflib 7.6's JSON-LD parser builds a (deprecated) ConjunctiveGraph internally.
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return rdflib.Graph().parse(data=data, format=fmt)


def test_provenance_traces_the_c3_figure_to_its_cell_load_finding_and_acceptance(
    client: TestClient, demo: Demo
) -> None:
    platform, _ = demo
    response = client.get("/provenance", params={"iri": c3(platform)})
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["kind"] == "observation" and body["observation"]["value"] == 223
    source = body["source"]
    assert source["file"]["name"] == DINKES_FILE.name
    assert source["file"]["sha256"] == hashlib.sha256(DINKES_FILE.read_bytes()).hexdigest()
    assert (source["sheet"], source["row_number"], source["column"], source["raw_value"]) == (
        "Stunting",
        350,
        "Jumlah Balita Stunting",
        "223",
    )
    assert body["load"]["outcome"] == "published"
    assert body["load"]["mapping_name"] == "mappings/dinkes-stunting-desa.yaml"
    [finding] = body["findings"]
    assert (finding["severity"], finding["shape"]) == ("Violation", C3_RULE)
    accepted = yaml.safe_load(
        (PROJECT_DIR / "mappings" / "publication" / "accepted_violations.yaml").read_text(encoding="utf-8")
    )["accepted"]
    [c3_entry] = [e for e in accepted if e["dataset"] == "dinkes-stunting-desa"]
    [acceptance] = body["acceptances"]
    assert finding["accepted_by"] == [acceptance["iri"]]
    assert (acceptance["reason"], acceptance["decided_by"]) == (c3_entry["reason"], c3_entry["decided_by"])
    assert body["publisher"]["name"]["id"] == "Dinas Kesehatan"
    assert body["links"]["turtle"].startswith("http://testserver/provenance.ttl?iri=")


@pytest.mark.parametrize(
    ("accept", "path", "fmt"),
    [
        ("text/turtle", "/provenance", "turtle"),
        ("application/ld+json", "/provenance", "json-ld"),
        (None, "/provenance.ttl", "turtle"),
        (None, "/provenance.jsonld", "json-ld"),
    ],
)
def test_provenance_as_rdf_by_accept_or_extension(
    client: TestClient, demo: Demo, accept: str | None, path: str, fmt: str
) -> None:
    platform, _ = demo
    headers = {"Accept": accept} if accept else {}
    response = client.get(path, params={"iri": c3(platform)}, headers=headers)
    assert response.status_code == 200
    g = parse(response.content, fmt)
    [row] = g.objects(rdflib.URIRef(c3(platform)), OC.sourceRow)
    assert g.value(row, OC.rowNumber) == rdflib.Literal(350)
    [file] = g.objects(row, OC.sourceFile)
    assert str(g.value(file, OC.sha256)) == hashlib.sha256(DINKES_FILE.read_bytes()).hexdigest()


def test_provenance_of_a_row_a_dataset_a_load_and_a_file(client: TestClient, demo: Demo) -> None:
    platform, _ = demo
    figure = client.get("/provenance.json", params={"iri": c3(platform)}).json()
    kinds = {
        figure["source"]["row"]: "source_row",
        platform.iris.dataset("dinkes-stunting-desa"): "dataset",
        figure["load"]["iri"]: "load",
        figure["source"]["file"]["iri"]: "source_file",
    }
    for iri, kind in kinds.items():
        body = client.get("/provenance", params={"iri": iri}).json()
        assert body["kind"] == kind, iri
    dataset = client.get("/provenance", params={"iri": platform.iris.dataset("dinkes-stunting-desa")}).json()
    assert dataset["validation"]["violations"] == 1 and dataset["validation"]["accepted"] == 1


def test_provenance_errors_are_in_the_one_shape(client: TestClient, demo: Demo) -> None:
    platform, _ = demo
    body = assert_error(client.get("/provenance", params={"iri": platform.iris.base + "id/tidak/ada"}), 404)
    assert "/loads" in body["error"]
    assert_error(client.get("/provenance", params={"iri": "bukan iri"}), 400)
    assert_error(client.get("/provenance"), 422)
    assert_error(
        client.get("/provenance", params={"iri": c3(platform)}, headers={"Accept": "image/png"}), 406
    )
    assert_error(client.get("/provenance.xml", params={"iri": c3(platform)}), 404)


def test_loads_lists_the_seven_published_demo_loads_newest_first(client: TestClient, demo: Demo) -> None:
    _, reports = demo
    response = client.get("/loads")
    assert response.status_code == 200 and response.headers["x-truncated"] == "false"
    body = response.json()
    assert body["total"] == body["count"] == 7  # six synthetic tables and the real IDM 2024 (dpmd-idm-desa)
    loads = body["loads"]
    assert {a["dataset_id"] for a in loads} == {r.dataset for r in reports}
    assert {a["outcome"] for a in loads} == {"published"}
    assert [a["started"] for a in loads] == sorted((a["started"] for a in loads), reverse=True)
    for a in loads:
        assert a["file_name"] and len(a["file_sha256"]) == 64 and a["agency"] and a["observations"] > 0
        assert a["violations"] is not None and a["warnings"] is not None
    assert client.get("/loads.json").json() == body


def test_loads_filters_by_dataset_and_outcome(client: TestClient) -> None:
    dinkes = client.get("/loads", params={"dataset": "dinkes-stunting-desa"}).json()
    [only] = dinkes["loads"]
    assert (only["violations"], only["warnings"], only["accepted"]) == (1, 1, 1)
    assert client.get("/loads", params={"outcome": "held"}).json()["total"] == 0
    assert client.get("/loads", params={"outcome": "published"}).json()["total"] == 7
    page = client.get("/loads", params={"limit": 2, "offset": 1})
    assert page.json()["count"] == 2 and page.json()["truncated"] is True
    assert page.headers["x-truncated"] == "true"


def test_bad_load_filters_are_400_naming_what_is_allowed(client: TestClient) -> None:
    body = assert_error(client.get("/loads", params={"outcome": "ditahan"}), 400)
    assert "published" in body["error"] and "held" in body["error"]
    body = assert_error(client.get("/loads", params={"dataset": "tidak-ada"}), 400)
    assert "dinkes-stunting-desa" in body["error"]
    assert_error(client.get("/loads.csv", params={"dataset": "tidak-ada"}), 400)
    assert_error(client.get("/loads", params={"limit": 0}), 422)
    assert_error(client.get("/loads", headers={"Accept": "image/png"}), 406)


def test_loads_as_csv_for_excel_and_for_programs(client: TestClient) -> None:
    excel = client.get("/loads", headers={"Accept": "text/csv"})
    assert excel.headers["content-type"].startswith("text/csv")
    assert excel.content == client.get("/loads.csv").content
    text = excel.content.decode("utf-8")
    assert text.startswith("\ufeffWaktu selesai;Waktu mulai;Jenis;Hasil;Dataset;")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 7 and {r["Hasil"] for r in rows} == {"published"}
    [dinkes] = [r for r in rows if r["Dataset"] == "dinkes-stunting-desa"]
    assert dinkes["Berkas"] == DINKES_FILE.name and dinkes["Pelanggaran diterima"] == "1"
    assert dinkes["Instansi"] == "Dinas Kesehatan"
    standard = client.get("/loads.csv", params={"_dialect": "standard"}).text
    records = list(csv.DictReader(io.StringIO(standard)))
    assert len(records) == 7 and all("/id/pemuatan/" in r["iri"] for r in records)
    assert {r["published_now"] for r in records} == {"ya"}


@pytest.mark.slow
def test_a_held_draft_is_in_loads_but_its_figures_are_not_exposed(platform: Platform, tmp_path: Path) -> None:
    mapping = write_small_table(tmp_path, [str(1000 + i) for i in range(20)])
    assert platform.load(mapping).outcome == "published"
    table = tmp_path / "penduduk.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    code, _, value = lines[3].split(";")
    lines[3] = f"{code};2031;{value}"  # a year that has not come: the draft is held
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert platform.load(mapping).outcome == "held"
    draft_only = platform.iris.observation_prefix("uji-penduduk") + (
        platform.settings.home_region + ".01.2003/2031/jumlah-penduduk"
    )
    with TestClient(create_app(platform.settings, platform.store)) as c:
        loads = c.get("/loads").json()["loads"]
        assert [a["outcome"] for a in loads] == ["held", "published"]
        held = loads[0]
        assert held["violations"] == 1 and held["published_now"] is False
        assert c.get("/loads", params={"outcome": "held"}).json()["total"] == 1
        assert_error(c.get("/provenance", params={"iri": draft_only}), 404)
        assert_error(c.get("/provenance.ttl", params={"iri": draft_only}), 404)
        record = c.get("/provenance", params={"iri": held["iri"]}).json()
        assert record["kind"] == "load" and record["activity"]["outcome"] == "held"
        assert any(f["severity"] == "Violation" for f in record["findings"])
        assert "2031" not in c.get("/catalog/uji-penduduk.csv").text
