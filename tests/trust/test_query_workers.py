"""The query workers against queries built to crash or hog them, through a real server.

Found in the second round (issue 19): a deeply nested 20 KB query killed a query worker
(Oxigraph's parser overflowed its stack: 503, and nothing was logged), and 20 runaway
queries from one client made every other client wait for the whole time limit and get 503.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from graph.answer.sparql import ProtocolQuery, answer_query
from graph.errors import StoreError
from graph.rdf.iris import Iris
from graph.store.pool import QueryPool
from tests.trust.figures import record_figures
from tests.trust.hostile import Served, served_instance

pytestmark = pytest.mark.server

SPARQL_JSON = {"accept": "application/sparql-results+json"}
SIMPLE = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s a ?type } }"
# Every triple with every other one with every other one: runs until the time limit stops it.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
NESTED_20KB = "SELECT * WHERE { " + "{ " * 5_000 + "?s ?p ?o " + "} " * 5_000 + "}"
SECRET = "# rahasia-kueri-ini"
RUNAWAY_QUERIES = 20  # a comment that must never reach the log


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, reference_folder: Path) -> Iterator[Served]:
    with served_instance(
        tmp_path_factory.mktemp("workers"), reference_folder, query_timeout_ms=30_000
    ) as served:
        yield served


def post_query(client: httpx.Client, sparql: str) -> httpx.Response:
    return client.post(
        "/sparql", content=sparql, headers={"content-type": "application/sparql-query", **SPARQL_JSON}
    )


def test_a_deeply_nested_query_is_refused_with_400_and_the_workers_live(served: Served) -> None:
    with httpx.Client(base_url=served.base, timeout=60) as client:
        for nested in (NESTED_20KB, "ASK { FILTER(" + "!" * 10_000 + "true) }"):
            response = post_query(client, nested)
            assert response.status_code == 400, response.text[:300]
            body = response.json()
            assert "bersarang terlalu dalam" in body["error"] and "nests too deep" in body["error"]
            assert body["errors"][0]["line"] == 1 and len(body["errors"][0]["text"]) <= 200
        # Within the limit: answered.
        assert post_query(client, "ASK { " + "{ " * 90 + "} " * 90 + "}").status_code == 200
        assert client.get("/health").status_code == 200
        assert post_query(client, SIMPLE).status_code == 200


def test_a_long_flat_query_is_answered_not_a_dead_worker(served: Served) -> None:
    """6,000 BINDs in a row (108 KB, within query_max_bytes): Oxigraph descends once per BIND,
    which overflowed a worker's 8 MB stack at 3,000; workers answer on a larger one now."""
    binds = "SELECT * WHERE { " + " ".join(f"BIND({i} AS ?v{i})" for i in range(6_000)) + " }"
    assert len(binds) < 128 * 1024  # the default query_max_bytes
    with httpx.Client(base_url=served.base, timeout=120) as client:
        response = post_query(client, binds)
        assert response.status_code == 200, response.text[:300]
        assert len(response.json()["head"]["vars"]) == 6_000


def test_a_dead_worker_is_logged_by_the_querys_digest_never_its_text(
    served: Served, caplog: pytest.LogCaptureFixture
) -> None:
    """A pool asked directly (no API check in between) with a query nested a million deep:
    the worker dies, the caller gets StoreError, the log names the query's digest only,
    and the next call is answered by a fresh worker."""
    assert served.settings.store_location is not None
    pool = QueryPool(served.settings.store_location, workers=1, timeout_ms=60_000)
    deadly = ProtocolQuery(f"{SECRET}\nASK {{ FILTER({'(' * 1_000_000}true{')' * 1_000_000}) }}", max_rows=10)
    iris = Iris(served.settings.base_iri)
    try:
        with caplog.at_level(logging.ERROR, logger="onecenter.query_pool"):
            with pytest.raises(StoreError, match="pekerja kueri berhenti"):
                pool.run(answer_query, iris, deadly)
        deaths = [r for r in caplog.records if "died" in r.getMessage()]
        assert len(deaths) == 1
        logged = deaths[0].getMessage()
        digest = hashlib.sha256(deadly.sparql.encode()).hexdigest()[:16]  # what an operator can redo
        assert digest in logged and re.search(r"exit code -\d+", logged)
        assert "rahasia" not in caplog.text and "((((" not in caplog.text
        answer = pool.run(answer_query, iris, ProtocolQuery("ASK {}", max_rows=10))
        assert answer.kind == "ask"
    finally:
        pool.close()


def test_one_clients_runaway_queries_leave_a_worker_for_another_client(
    tmp_path: Path, reference_folder: Path
) -> None:
    """Two workers; one client (127.0.0.2) sends 20 runaway queries, one every 50 ms; then
    another client (127.0.0.1) asks a simple query: it is answered (200), not 503.

    Before, the first two held both workers for the time limit and the other 18 queued for
    them ahead of the other client, whose wait ran out (503) while they took the workers again.
    """
    with served_instance(tmp_path, reference_folder, query_workers=2, query_timeout_ms=6_000) as served:
        runaway_answers: list[int] = []

        def runaway() -> None:
            transport = httpx.HTTPTransport(local_address="127.0.0.2")
            with httpx.Client(base_url=served.base, transport=transport, timeout=120) as client:
                status = post_query(client, RUNAWAY).status_code
            runaway_answers.append(status)

        hogs = [threading.Thread(target=runaway, name=f"runaway-{i}") for i in range(RUNAWAY_QUERIES)]
        for hog in hogs:
            hog.start()
            time.sleep(0.05)  # they arrive in turn, before the other client (an order, not a measurement)
        with httpx.Client(base_url=served.base, timeout=120) as client:
            other = post_query(client, SIMPLE)
            health = client.get("/health")
        for hog in hogs:
            hog.join(120)
    assert other.status_code == 200, other.text[:300]
    assert health.status_code == 200
    assert len(runaway_answers) == RUNAWAY_QUERIES and set(runaway_answers) == {503}
    record_figures(
        "fair_turns",
        {"runaway_queries": RUNAWAY_QUERIES, "workers": 2, "other_client": other.status_code},
    )
