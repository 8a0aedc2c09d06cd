"""``/graph/...``: the named graphs provenance points to dereference, restricted ones only for who may read them."""

from __future__ import annotations

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.pages import id_number
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.rdf.namespaces import PROV, QB
from graph.store.versions import published_datasets
from tests.api.test_ingest import SECRET_VALUES, Instance, instance

__all__ = ["instance"]  # the fixture, shared with the upload tests


@pytest.fixture(scope="module")
def client(demo: tuple[Platform, list[LoadReport]]) -> Iterator[TestClient]:
    platform, _ = demo
    with TestClient(create_app(platform.settings, platform.store)) as c:
        yield c


def _path(platform: Platform, graph: str) -> str:
    return "/" + graph.removeprefix(platform.iris.base)


def _observations(platform: Platform, graph: str) -> int:
    found = platform.store.query(
        f"SELECT (COUNT(?o) AS ?n) WHERE {{ ?o a <{QB}Observation> }}", default_graph=[graph]
    )
    return int(next(iter(found))["n"].value)  # type: ignore[arg-type]


def test_every_version_graph_provenance_names_dereferences(
    client: TestClient, demo: tuple[Platform, list[LoadReport]]
) -> None:
    platform, _ = demo
    versions = published_datasets(platform.store, platform.iris)
    assert len(versions) >= 7
    # The graphs the public provenance graph says loads generated, as an auditor finds them.
    generated = platform.store.query(
        f"SELECT ?load ?g WHERE {{ ?load <{PROV}generated> ?g }}",
        default_graph=[platform.iris.provenance_graph],
    )
    by_graph = {r["g"].value: r["load"].value for r in generated}  # type: ignore[union-attr]
    for dataset, graph in versions.items():
        assert graph in by_graph, graph
        page = client.get(_path(platform, graph), headers={"Accept": "text/html"})
        assert page.status_code == 200, graph
        html = page.text
        triples, observations = platform.store.count(graph), _observations(platform, graph)
        assert observations > 0
        assert f'id="jumlah-tripel">{id_number(triples)}<' in html
        assert f'id="jumlah-observasi">{id_number(observations)}<' in html
        assert f'href="{dataset.removeprefix(platform.iris.base.rstrip("/"))}" id="dataset"' in html
        assert f'href="{by_graph[graph].removeprefix(platform.iris.base.rstrip("/"))}" id="pemuatan"' in html
        assert (
            f'href="{_path(platform, graph)}.nq"' in html and f'href="{_path(platform, graph)}.trig"' in html
        )


@pytest.mark.parametrize(
    ("suffix", "accept", "fmt"),
    [
        ("", "application/n-quads", ox.RdfFormat.N_QUADS),
        (".nq", "text/html", ox.RdfFormat.N_QUADS),
        ("", "application/trig", ox.RdfFormat.TRIG),
        (".trig", "*/*", ox.RdfFormat.TRIG),
        ("", "*/*", ox.RdfFormat.N_QUADS),
    ],
)
def test_a_version_graph_downloads_as_its_quads(
    client: TestClient, demo: tuple[Platform, list[LoadReport]], suffix: str, accept: str, fmt: ox.RdfFormat
) -> None:
    platform, _ = demo
    graph = published_datasets(platform.store, platform.iris)[platform.iris.dataset("dinkes-stunting-desa")]
    response = client.get(_path(platform, graph) + suffix, headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].startswith(fmt.media_type)
    quads = list(ox.parse(response.content, format=fmt))
    assert {q.graph_name for q in quads} == {ox.NamedNode(graph)}
    assert len(quads) == platform.store.count(graph)


def test_a_fixed_graph_dereferences_too_and_an_unknown_one_is_not_found(
    client: TestClient, demo: tuple[Platform, list[LoadReport]]
) -> None:
    platform, _ = demo
    periods = client.get(_path(platform, platform.iris.periods_graph) + ".nq")
    assert periods.status_code == 200
    assert len(list(ox.parse(periods.content, format=ox.RdfFormat.N_QUADS))) == platform.store.count(
        platform.iris.periods_graph
    )
    missing = client.get("/graph/dataset/dinkes-stunting-desa/20000101T000000000000Z")
    assert missing.status_code == 404 and missing.json()["status"] == 404
    page = client.get("/graph/dataset/tidak-ada/1", headers={"Accept": "text/html"})
    assert page.status_code == 404 and "Tidak ditemukan" in page.text


def test_a_restricted_version_graph_is_not_found_for_the_public_and_read_with_a_token(
    instance: Instance,
) -> None:
    platform = instance.platform
    restricted = instance.published()[platform.iris.dataset("uji-kpm-terbatas")]
    path = _path(platform, restricted)
    for suffix, accept in (("", "text/html"), ("", "application/n-quads"), (".nq", "*/*"), (".trig", "*/*")):
        response = instance.client.get(path + suffix, headers={"Accept": accept})
        assert response.status_code == 404, (suffix, accept)
        assert not [v for v in SECRET_VALUES if v in response.text]
    # Not even a draft or a version of it the pipeline left is told apart: the same answer.
    assert (
        instance.client.get(path + "x").json()["error"].split("IRI")[0]
        == instance.client.get(path).json()["error"].split("IRI")[0]
    )
    # The Walidata and the agency's own Produsen Data read it; another agency's does not.
    for who, status in (("walidata", 200), ("dinsos", 200), ("dukcapil", 404)):
        response = instance.client.get(path + ".nq", headers=instance.auth(who))
        assert response.status_code == status, who
        if status == 200:
            assert len(list(ox.parse(response.content, format=ox.RdfFormat.N_QUADS))) == platform.store.count(
                restricted
            )
    # The open table of the same instance, a fresh one no code knows: its page and counts for anyone.
    open_graph = instance.published()[platform.iris.dataset("uji-penduduk")]
    page = instance.client.get(_path(platform, open_graph), headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert f'id="jumlah-observasi">{id_number(_observations(platform, open_graph))}<' in page.text
