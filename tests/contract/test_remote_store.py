"""What only the remote store has: endpoints, credentials, time-outs, retries and their limits.

The server is a real ``oxigraph serve``; credentials and faults come from a real HTTP proxy
in front of it (tests/contract/server.py), never from a mocked client.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.errors import QueryTimeout, SettingsError, StoreError
from graph.settings import load_settings
from graph.store.connect import connect_store
from graph.store.embedded import EmbeddedStore
from graph.store.remote import RemoteStore
from graph.store.sparql_server import Endpoints
from tests.contract.server import OxigraphServer, Proxy, basic, delay, drop, free_port, status

EX = "http://example.org/"
SECRET = "rahasia-sekali-123"
QUAD = f'<{EX}a> <{EX}p> "1" <{EX}g> .\n'
ASK = f"ASK {{ <{EX}a> ?p ?o }}"
# No default graph, so no request of its own to look for Oxigraph's union: one query, one request.
ASK_NAMED = f"ASK {{ GRAPH ?g {{ <{EX}a> ?p ?o }} }}"


@pytest.fixture
def server(scratch_server: OxigraphServer) -> OxigraphServer:
    scratch_server.clear()
    return scratch_server


@pytest.fixture
def proxy(server: OxigraphServer) -> Iterator[Proxy]:
    made = Proxy(server.url)
    yield made
    made.close()


def through(proxy: Proxy, **options: object) -> RemoteStore:
    return RemoteStore(Endpoints.for_server(proxy.url), **options)  # type: ignore[arg-type]


# --- endpoints and settings ----------------------------------------------------------------


def test_connect_store_picks_the_server_when_store_url_is_set(server: OxigraphServer) -> None:
    store = connect_store(load_settings(store_url=server.url + "/", store_path=":memory:"))
    try:
        assert isinstance(store, RemoteStore)
        assert store.endpoints == Endpoints(
            server.url + "/query", server.url + "/update", server.url + "/store"
        )
        store.bulk_load([QUAD])
        assert store.count() == 1
    finally:
        store.close()
    assert isinstance(connect_store(load_settings(store_path=":memory:")), EmbeddedStore)


def test_fuseki_endpoints_and_overrides() -> None:
    settings = load_settings(
        store_url="https://sparql.example.go.id/onecenter",
        store_flavour="fuseki",
        store_query_url="https://read.example.go.id/sparql",
    )
    store = RemoteStore.from_settings(settings)
    assert store.endpoints == Endpoints(
        "https://read.example.go.id/sparql",
        "https://sparql.example.go.id/onecenter/update",
        "https://sparql.example.go.id/onecenter/data",
        "fuseki",
    )
    store.close()


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"store_url": "127.0.0.1:7878"}, "store_url"),
        ({"store_url": "http://h/x?y=1"}, "store_url"),
        ({"store_flavour": "graphdb"}, "store_flavour"),
        ({"store_token": "t", "store_user": "u"}, "store_token"),
        ({"store_password": "p"}, "store_password"),
        ({"store_timeout_s": 0}, "store_timeout_s"),
    ],
)
def test_wrong_store_settings_are_refused_by_name(settings: dict[str, object], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        load_settings(**settings)


def test_secrets_never_show_in_settings_or_the_store(server: OxigraphServer) -> None:
    settings = load_settings(store_url=server.url, store_user="walidata", store_password=SECRET)
    store = connect_store(settings)
    assert SECRET not in repr(settings) and SECRET not in str(settings.model_dump())
    assert SECRET not in repr(store)
    with pytest.raises(SettingsError, match="store_url") as caught:
        load_settings(store_url=f"http://walidata:{SECRET}@example.go.id/x?y=1")
    assert SECRET not in str(caught.value)
    store.close()


def test_a_wrong_endpoint_names_the_setting_to_check(server: OxigraphServer) -> None:
    # An Oxigraph server taken for Fuseki: its GSP endpoint is /store, not /data.
    with RemoteStore(Endpoints.for_server(server.url, "fuseki")) as store:
        with pytest.raises(StoreError, match=r"HTTP 404.*store_data_url"):
            store.bulk_load([QUAD])


def test_an_unreachable_server_is_named_in_the_error() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with RemoteStore(Endpoints.for_server(url), timeout_s=2) as store:
        with pytest.raises(StoreError, match=rf"cannot reach the SPARQL server {url}/query"):
            store.named_graphs()


# --- authentication ------------------------------------------------------------------------


def test_basic_authentication_is_sent_on_every_request(proxy: Proxy) -> None:
    proxy.expected_auth = basic("walidata", SECRET)
    with through(proxy, user="walidata", password=SECRET) as store:
        store.bulk_load([QUAD])
        store.load_rdf(f'<{EX}b> <{EX}p> "2" .', fmt="ntriples", graph=EX + "h")
        store.update(f"INSERT DATA {{ GRAPH <{EX}h> {{ <{EX}c> <{EX}p> 3 }} }}")
        assert bool(store.query(ASK, default_graph=[EX + "g"])) and store.count() == 3
        assert {s.authorization for s in proxy.seen} == {proxy.expected_auth}


def test_a_bearer_token_is_sent_as_such(proxy: Proxy) -> None:
    proxy.expected_auth = f"Bearer {SECRET}"
    with through(proxy, token=SECRET) as store:
        store.bulk_load([QUAD])
        assert store.count() == 1


def test_refused_credentials_name_the_server_and_status_but_not_the_secret(
    proxy: Proxy, caplog: pytest.LogCaptureFixture
) -> None:
    proxy.expected_auth = basic("walidata", "the-right-one")
    with through(proxy, user="walidata", password=SECRET) as store:
        with caplog.at_level(logging.DEBUG), pytest.raises(StoreError) as caught:
            store.query(ASK, default_graph=[])
        message = str(caught.value)
        assert f"{proxy.url}/query" in message and "HTTP 401" in message and "store_password" in message
        assert message.startswith("server menolak akses")  # Indonesian first
        assert SECRET not in message and SECRET not in caplog.text


def test_credentials_in_the_url_stay_out_of_messages(server: OxigraphServer) -> None:
    url = server.url.replace("http://", f"http://walidata:{SECRET}@")
    with RemoteStore(Endpoints.for_server(url, "fuseki")) as store:
        with pytest.raises(StoreError) as caught:
            store.bulk_load([QUAD])
        assert SECRET not in str(caught.value) and SECRET not in repr(store)


# --- retries: only what cannot change anything ---------------------------------------------


def test_a_query_is_tried_again_after_a_dropped_connection_and_a_busy_server(
    proxy: Proxy, server: OxigraphServer
) -> None:
    with RemoteStore(Endpoints.for_server(server.url)) as direct:
        direct.bulk_load([QUAD])
    proxy.faults += [("/query", drop), ("/query", status(503))]
    with through(proxy) as store:
        assert bool(store.query(ASK_NAMED, default_graph=[], named_graphs=[EX + "g"]))
        assert len(proxy.requests_to("/query")) == 3


def test_a_long_query_is_posted_and_still_tried_again(proxy: Proxy, server: OxigraphServer) -> None:
    with RemoteStore(Endpoints.for_server(server.url)) as direct:
        direct.bulk_load([QUAD])
    many = [f"{EX}graph/{i:04d}" for i in range(300)]
    proxy.faults.append(("/query", drop))
    with through(proxy) as store:
        assert bool(store.query(ASK_NAMED, default_graph=[], named_graphs=[*many, EX + "g"]))
        assert [s.method for s in proxy.requests_to("/query")] == ["POST", "POST"]


def test_an_update_whose_answer_was_lost_is_not_sent_again(proxy: Proxy, server: OxigraphServer) -> None:
    proxy.faults.append(("/update", drop))
    with through(proxy) as store:
        with pytest.raises(StoreError, match="may or may not have been applied"):
            store.update(f"INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}a> <{EX}p> 1 }} }}")
        assert len(proxy.requests_to("/update")) == 1


def test_posted_data_whose_answer_was_lost_is_not_sent_again(proxy: Proxy) -> None:
    proxy.faults.append(("/store", drop))
    with through(proxy) as store:
        with pytest.raises(StoreError, match="may or may not have been applied"):
            store.bulk_load([QUAD])
        assert len(proxy.requests_to("/store")) == 1


def test_an_update_answered_503_is_not_sent_again(proxy: Proxy) -> None:
    proxy.faults.append(("/update", status(503)))
    with through(proxy) as store:
        with pytest.raises(StoreError, match="HTTP 503"):
            store.update(f"INSERT DATA {{ GRAPH <{EX}g> {{ <{EX}a> <{EX}p> 1 }} }}")
        assert len(proxy.requests_to("/update")) == 1


def test_a_query_past_the_time_limit_is_a_query_timeout(proxy: Proxy) -> None:
    proxy.faults.append(("/query", delay(3)))
    with through(proxy, timeout_s=0.5) as store:
        with pytest.raises(QueryTimeout, match=rf"time limit.*{proxy.url}/query"):
            store.query(ASK, default_graph=[])
        assert len(proxy.requests_to("/query")) == 1  # a slow query is not run twice


def test_a_read_only_store_refuses_writes_before_sending(proxy: Proxy) -> None:
    with through(proxy, read_only=True) as store:
        for write in (
            lambda: store.bulk_load([QUAD]),
            lambda: store.update("CLEAR ALL"),
            lambda: store.load_rdf("", fmt="ntriples", graph=EX + "g"),
            lambda: store.remove_graph(EX + "g"),
        ):
            with pytest.raises(StoreError, match="read-only"):
                write()
        assert proxy.seen == []


def test_big_chunks_are_posted_in_pieces_cut_at_line_ends(
    proxy: Proxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("graph.store.remote._POST_BYTES", 1000)
    lines = [f'<{EX}s{i}> <{EX}p> "{i}" <{EX}g> .\n' for i in range(200)]
    with through(proxy) as store:
        assert store.bulk_load(["".join(lines)]) == 200
        assert store.count(EX + "g") == 200
        assert len(proxy.requests_to("/store")) > 5


def test_the_server_keeps_data_on_disk_between_runs(tmp_path: Path) -> None:
    first = OxigraphServer(tmp_path / "log", tmp_path / "data").start()
    try:
        with RemoteStore(Endpoints.for_server(first.url)) as store:
            store.bulk_load([QUAD])
    finally:
        first.stop()
    second = OxigraphServer(tmp_path / "log", tmp_path / "data").start()
    try:
        with RemoteStore(Endpoints.for_server(second.url)) as store:
            result = store.query(f"SELECT ?o WHERE {{ <{EX}a> ?p ?o }}", default_graph=[EX + "g"])
            assert isinstance(result, ox.QuerySolutions) and [s["o"] for s in result] == [ox.Literal("1")]
    finally:
        second.stop()
