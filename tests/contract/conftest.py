"""Each contract test runs on both stores: the embedded one and a real ``oxigraph serve``.

The servers are started once per session (in memory: the contract is the protocol, not the
disk). Protocol tests get an emptied store each; the demo is built once per store.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.settings import Settings
from graph.store.embedded import EmbeddedStore
from graph.store.interface import Store
from graph.store.remote import RemoteStore
from graph.store.sparql_server import Endpoints
from tests.contract.server import OxigraphServer

KINDS = ["embedded", "oxigraph-server"]
Demo = tuple[Platform, list[LoadReport]]


@pytest.fixture(scope="session")
def scratch_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A server for tests that write: emptied before each of them."""
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "scratch.log").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    """A server holding the demo graph, read by the tests and never emptied."""
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "demo.log").start()
    yield server
    server.stop()


def remote(server: OxigraphServer, **options: object) -> RemoteStore:
    return RemoteStore(Endpoints.for_server(server.url), **options)  # type: ignore[arg-type]


@pytest.fixture(params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def store(kind: str, request: pytest.FixtureRequest) -> Iterator[Store]:
    """An empty store of each kind."""
    if kind == "embedded":
        made: Store = EmbeddedStore(None)
    else:
        server: OxigraphServer = request.getfixturevalue("scratch_server")
        server.clear()
        made = remote(server)
    yield made
    made.close()


@pytest.fixture
def fresh_platform(store: Store, memory_settings: Settings) -> Iterator[Platform]:
    """A platform on an empty store of each kind, with the reference graphs published."""
    platform = Platform(memory_settings, store)
    platform.load_reference()
    yield platform


@pytest.fixture(scope="session")
def remote_demo(demo_server: OxigraphServer, memory_settings: Settings) -> Iterator[Demo]:
    """The demo graph built through HTTP into the demo server, once per session."""
    platform = Platform(memory_settings, remote(demo_server))
    reports, failures = platform.build()
    assert not failures, failures
    yield platform, reports
    platform.close()


@pytest.fixture
def built(kind: str, request: pytest.FixtureRequest) -> Demo:
    """The demo on the store of this kind (the embedded one is the session's shared demo)."""
    return request.getfixturevalue("demo" if kind == "embedded" else "remote_demo")  # type: ignore[no-any-return]
