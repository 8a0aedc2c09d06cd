"""The basic SPARQL endpoint, in process and through a real server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from tests.conftest import write_small_table

CROSS_AGENCY = """
PREFIX qb: <http://purl.org/linked-data/cube#>
PREFIX sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX oc: <https://w3id.org/onecenter/def#>
PREFIX ind: <{base}id/indikator/>
SELECT ?desa ?tahun ?stunting ?air WHERE {{
  ?a qb:measureType ind:prevalensi-stunting ; ind:prevalensi-stunting ?stunting ;
     sdmx-dimension:refArea ?r ; sdmx-dimension:refPeriod ?p .
  ?b qb:measureType ind:persen-air-minum-layak ; ind:persen-air-minum-layak ?air ;
     sdmx-dimension:refArea ?r ; sdmx-dimension:refPeriod ?p .
  ?r skos:prefLabel ?desa . ?p oc:year ?tahun .
}} ORDER BY ?desa ?tahun
"""


@pytest.fixture(scope="module")
def client(demo: tuple[Platform, list[LoadReport]]) -> Iterator[TestClient]:
    platform, _ = demo
    with TestClient(create_app(platform.settings, platform.store)) as c:
        yield c


def test_health_reports_published_datasets(client: TestClient) -> None:
    body = client.get("/health").json()
    assert (
        body["ok"] is True and body["datasets_published"] == 7
    )  # six synthetic tables and the real IDM 2024 (dpmd-idm-desa)


def test_get_query_answers_sparql_json(client: TestClient, demo: tuple[Platform, list[LoadReport]]) -> None:
    platform, _ = demo
    response = client.get("/sparql", params={"query": CROSS_AGENCY.format(base=platform.iris.base)})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/sparql-results+json")
    body = response.json()
    assert body["head"]["vars"] == ["desa", "tahun", "stunting", "air"]
    rows = body["results"]["bindings"]
    # 148 desa x 5 years, less the demo's deliberate misspellings and unreadable cells.
    assert 700 <= len(rows) <= 740
    assert rows[0]["stunting"]["datatype"].endswith("#decimal")


def test_post_form_and_sparql_query_body_give_the_same_answer(client: TestClient) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?o a <http://purl.org/linked-data/cube#Observation> }"
    by_form = client.post("/sparql", data={"query": query}).json()
    by_body = client.post(
        "/sparql", content=query, headers={"content-type": "application/sparql-query"}
    ).json()
    assert by_form == by_body
    assert int(by_form["results"]["bindings"][0]["n"]["value"]) > 8000


def test_updates_are_refused(client: TestClient) -> None:
    response = client.post("/sparql", data={"update": "DROP ALL"})
    assert response.status_code == 403
    body = response.json()
    assert body["ok"] is False and "read-only" in body["error"]
    assert client.get("/sparql", params={"query": "DROP ALL"}).status_code == 403


def test_malformed_query_gets_400_in_the_error_shape(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y"})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"ok", "status", "error", "errors"} and body["status"] == 400


def test_row_cap_cuts_and_says_so(demo: tuple[Platform, list[LoadReport]]) -> None:
    platform, _ = demo
    settings = platform.settings.model_copy(update={"max_result_rows": 5})
    with TestClient(create_app(settings, platform.store)) as c:
        response = c.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.headers["x-truncated"] == "true"
    body = response.json()
    assert body["truncated"] is True and len(body["results"]["bindings"]) == 5


def test_csv_results_on_request(client: TestClient) -> None:
    response = client.get(
        "/sparql",
        params={
            "query": "SELECT ?l WHERE { ?r <http://www.w3.org/2004/02/skos/core#notation> '18.09'^^<https://w3id.org/onecenter/def#KemendagriCode> ; <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }"
        },
        headers={"accept": "text/csv"},
    )
    assert response.text.splitlines() == ["l", "Kabupaten Pesawaran"]


# --- a real server process --------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "graph", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.server
def test_cli_build_then_serve_answers_cross_agency_query_over_http(tmp_path: Path) -> None:
    env = {**os.environ, "ONECENTER_STORE_PATH": str(tmp_path / "store")}
    built = run_cli("build", env=env)
    assert built.returncode == 0, built.stderr
    assert "dinkes-stunting-desa" in built.stderr
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "graph", "serve", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()
            time.sleep(0.2)
        query = CROSS_AGENCY.format(base="https://data.pesawarankab.go.id/")
        rows = httpx.get(f"{base}/sparql", params={"query": query}, timeout=60).json()
        assert len(rows["results"]["bindings"]) >= 700
        # A load by another process while the server runs is seen on the next request.
        mapping = write_small_table(tmp_path, [str(5000 + i) for i in range(10)])
        loaded = run_cli("load", str(mapping), env=env)
        assert loaded.returncode == 0, loaded.stderr
        count = httpx.get(
            f"{base}/sparql",
            params={
                "query": "SELECT (COUNT(*) AS ?n) WHERE { ?o <http://purl.org/linked-data/cube#dataSet> <https://data.pesawarankab.go.id/id/dataset/uji-penduduk> }"
            },
            timeout=60,
        ).json()
        assert count["results"]["bindings"][0]["n"]["value"] == "10"
        assert (
            httpx.get(f"{base}/health", timeout=60).json()["datasets_published"] == 8
        )  # the demo's seven and this one
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def test_openapi_schema_builds_with_unique_operation_ids(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    ids = [op["operationId"] for path in schema["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids)) and "/sparql" in schema["paths"]
