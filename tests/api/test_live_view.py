"""The columnar view after a publication: the previous view answers while only the new graph
is scanned, and a restarted service reads the kept partition files instead of the store."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import ServiceState
from api.shared_reads import table_key
from graph.answer.view import ObservationView
from graph.answer.view_files import partition_file, write_partition_file
from graph.answer.view_rows import empty_rows
from graph.insight.observation_table import ObservationTable
from graph.publish.platform import Platform
from graph.settings import Settings, load_settings
from graph.store.versions import published_datasets
from tests.conftest import copy_reference, write_small_table

# Slow: publishes twice into an on-disk store and scans the view each time.
pytestmark = pytest.mark.slow

POPULATION = (
    "https://data.pesawarankab.go.id/id/indikator/jumlah-penduduk",
    "https://data.pesawarankab.go.id/id/periode/2020",
)
DESA = "https://data.pesawarankab.go.id/id/wilayah/18.09.01.2001"


def publish(settings: Settings, folder: Path, value: str) -> str:
    """Publish the small population table with every figure ``value``; its version graph."""
    platform = Platform(settings)
    try:
        report = platform.load(write_small_table(folder, [value] * 10))
        assert report.outcome == "published", report.outcome
        return published_datasets(platform.store, platform.iris)[platform.iris.dataset("uji-penduduk")]
    finally:
        platform.close()


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory, reference_folder: Path) -> Iterator[Settings]:
    # A copy of the worker's on-disk reference store: loading it here took about 20 s.
    store = copy_reference(reference_folder, tmp_path_factory.mktemp("live-view"))
    yield load_settings(store_path=str(store))


def figure(view: ObservationView) -> list[str]:
    return [literal.value for literal in view.values[POPULATION][DESA]]


def test_the_previous_view_answers_while_only_the_new_graph_is_scanned(
    settings: Settings, tmp_path: Path
) -> None:
    first_graph = publish(settings, tmp_path, "100")
    with TestClient(create_app(settings)) as client:
        service: ServiceState = client.app.state.service  # type: ignore[attr-defined]
        before = service.wait_for_view(60)
        assert before is not None and figure(before) == ["100"]
        table = service.insight_table()  # insight's observations, built with the view
        assert table is not None and table_figure(table) == [100.0]
        assert client.get("/health").json()["columnar_view"] == "ready"
        # Hold the next build at its first scan, to look at what the service answers meanwhile.
        scanning, go_on = threading.Event(), threading.Event()
        scanned: list[str] = []

        def hold(graph: str) -> None:
            scanned.append(graph)
            scanning.set()
            assert go_on.wait(60)

        service.view_partitions.before_scan = hold
        second_graph = publish(settings, tmp_path, "200")
        assert service.observation_view() is before  # stale, not None: the pages stay answerable
        assert scanning.wait(60)
        assert service.observation_view() is before
        # Questions and /sparql must agree with what is published now: they ask the store meanwhile.
        assert service.current_view() is None
        answer = client.get("/questions/indicator-trend.json", params={"indicator": "jumlah-penduduk"})
        assert answer.status_code == 200 and answer.headers["x-answer-engine"] == "sparql", answer.text
        assert service.insight_table() is table  # the pages keep the previous table meanwhile
        assert client.get("/health").json()["columnar_view"] == "building"
        # What pages read from it meanwhile is kept apart, not as this publication's reads.
        assert table_key(service, "region-profile") != "region-profile"
        go_on.set()
        after = service.wait_for_view(60)
        assert after is not None and after is not before
        assert figure(after) == ["200"] and figure(before) == ["100"]
        assert service.observation_view() is after and service.current_view() is after
        later = service.insight_table()
        assert later is not None and later is not table and table_figure(later) == [200.0]
        assert client.get("/health").json()["columnar_view"] == "ready"
        assert table_key(service, "region-profile") == "region-profile"
        # Incremental: the changing graphs ("") and the new version; the old one was dropped.
        assert scanned == ["", second_graph] and service.view_partitions.scanned == scanned
        assert after.observation_count == before.observation_count == 10
    folder = settings.view_cache_location(settings.store_location)
    assert folder is not None
    assert sorted(folder.iterdir()) == [partition_file(folder, second_graph)]
    assert not partition_file(folder, first_graph).exists()


def table_figure(table: ObservationTable) -> list[float]:
    frame = table.observations("2020", ("jumlah-penduduk",))
    return frame.loc[frame["code"] == DESA.rsplit("/", 1)[1], "value"].tolist()


def fresh_view(settings: Settings) -> tuple[ObservationView, ServiceState]:
    service = ServiceState(settings)
    try:
        view = service.wait_for_view(60)
    finally:
        service.close()
    assert view is not None
    return view, service


def test_a_restarted_service_reads_the_kept_files_and_ignores_bad_ones(
    settings: Settings, tmp_path: Path
) -> None:
    graph = publish(settings, tmp_path, "300")
    scanned, _ = fresh_view(settings)  # scans the new version and keeps its file
    assert figure(scanned) == ["300"]
    restarted, service = fresh_view(settings)
    assert service.view_partitions.scanned == [""] and service.view_partitions.from_files == [graph]
    assert (restarted.values, restarted.sourced, restarted.coded) == (
        scanned.values,
        scanned.sourced,
        scanned.coded,
    )
    assert (restarted.categories, restarted.rows.to_pylist()) == (
        scanned.categories,
        scanned.rows.to_pylist(),
    )
    assert restarted.observation_count == scanned.observation_count
    folder = settings.view_cache_location(settings.store_location)
    assert folder is not None
    kept = partition_file(folder, graph)
    good = kept.read_bytes()
    for bad in (b"not arrow at all", good[: len(good) // 2]):
        kept.write_bytes(bad)
        again, service = fresh_view(settings)
        assert service.view_partitions.scanned == ["", graph] and not service.view_partitions.from_files
        assert again.values == scanned.values
        assert kept.read_bytes() != bad  # written again, whole
    # Another graph's file under this graph's name (copied by hand, say): not trusted.
    other = graph + "-lain"
    write_partition_file(folder, other, service.view_partitions.store_id, empty_rows(), 0)
    partition_file(folder, other).rename(kept)
    again, service = fresh_view(settings)
    assert service.view_partitions.scanned == ["", graph] and not service.view_partitions.from_files
    assert again.values == scanned.values


def test_files_of_another_store_are_not_read(settings: Settings, tmp_path: Path) -> None:
    graph = publish(settings, tmp_path, "400")
    fresh_view(settings)
    folder = settings.view_cache_location(settings.store_location)
    assert folder is not None
    service = ServiceState(settings)
    service.view_partitions.store_id = "another store"
    try:
        view = service.wait_for_view(60)
    finally:
        service.close()
    assert view is not None and figure(view) == ["400"]
    assert service.view_partitions.scanned == ["", graph] and not service.view_partitions.from_files
