"""Each contract test runs on every store: the embedded one, a real ``oxigraph serve`` and a
real Virtuoso 7 (``virtuoso-t``; skipped, saying how to install it, where it is missing).

The servers are started once per session (Oxigraph in memory: the contract is the protocol,
not the disk; Virtuoso in a temporary folder). Protocol tests get an emptied store each; the
demo is built once per store.
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
from tests.contract.virtuoso import VirtuosoServer, missing

KINDS = ["embedded", "oxigraph-server", "virtuoso"]
# The pipeline (build, load, judge, publish) on Virtuoso: with this False its tests skip there
# before a server starts or a demo is built. Still False: Virtuoso 7.2 answers IC-19's
# FILTER((EXISTS && NOT EXISTS) || (EXISTS && NOT EXISTS)) wrongly under some join orders it
# picks by sampling, holding every table in about half the builds (docs/remote-store.md).
PIPELINE_ON_VIRTUOSO = False
# The servers whose pipeline is compared with the embedded store's.
SERVER_KINDS = ["oxigraph-server", "virtuoso"] if PIPELINE_ON_VIRTUOSO else ["oxigraph-server"]
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


def _virtuoso(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[VirtuosoServer]:
    reason = missing()
    if reason:
        pytest.skip(reason)
    server = VirtuosoServer(tmp_path_factory.mktemp(name)).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def scratch_virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """A Virtuoso for tests that write: emptied before each of them."""
    yield from _virtuoso(tmp_path_factory, "virtuoso-scratch")


@pytest.fixture(scope="session")
def demo_virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VirtuosoServer]:
    """A Virtuoso holding the demo graph, never emptied."""
    yield from _virtuoso(tmp_path_factory, "virtuoso-demo")


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
    elif kind == "virtuoso":
        virtuoso: VirtuosoServer = request.getfixturevalue("scratch_virtuoso")
        virtuoso.clear()
        made = virtuoso.store()
    else:
        server: OxigraphServer = request.getfixturevalue("scratch_server")
        server.clear()
        made = remote(server)
    yield made
    made.close()


def _skip_unfinished_pipeline(kind: str) -> None:
    if kind == "virtuoso" and not PIPELINE_ON_VIRTUOSO:
        pytest.skip("the pipeline on Virtuoso is not finished (docs/remote-store.md, Virtuoso 7)")


@pytest.fixture
def fresh_platform(
    kind: str, request: pytest.FixtureRequest, memory_settings: Settings
) -> Iterator[Platform]:
    """A platform on an empty store of each kind, with the reference graphs published."""
    _skip_unfinished_pipeline(kind)
    store: Store = request.getfixturevalue("store")
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


@pytest.fixture(scope="session")
def virtuoso_demo(demo_virtuoso: VirtuosoServer, memory_settings: Settings) -> Iterator[Demo]:
    """The demo graph built through HTTP into Virtuoso, once per session."""
    platform = Platform(memory_settings, demo_virtuoso.store())
    reports, failures = platform.build()
    assert not failures, failures
    yield platform, reports
    platform.close()


DEMOS = {"embedded": "demo", "oxigraph-server": "remote_demo", "virtuoso": "virtuoso_demo"}


@pytest.fixture
def built(kind: str, request: pytest.FixtureRequest) -> Demo:
    """The demo on the store of this kind (the embedded one is the session's shared demo)."""
    _skip_unfinished_pipeline(kind)
    return request.getfixturevalue(DEMOS[kind])  # type: ignore[no-any-return]


@pytest.fixture(params=SERVER_KINDS)
def server_kind(request: pytest.FixtureRequest) -> str:
    """A kind of SPARQL server, for tests comparing it with the embedded store."""
    return str(request.param)
