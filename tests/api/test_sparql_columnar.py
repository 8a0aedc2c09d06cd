"""``/sparql`` answers cube-shaped queries of the public from the view, through a real server.

The header ``X-OneCenter-Path`` names the path; the answer is the one the store gives to the
same question asked in a form the view path leaves to the store.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from graph.answer.questions import question_prefixes
from graph.rdf.iris import Iris
from graph.settings import load_settings
from tests.api.test_sparql_server import disk_store  # noqa: F401  (the on-disk demo store)
from tests.graph.answer.cube_corpus import CUBE
from tests.servers import running_server

pytestmark = [pytest.mark.server, pytest.mark.slow]

JSON_RESULTS = "application/sparql-results+json"


@pytest.fixture(scope="module")
def server(disk_store: Path) -> Iterator[str]:  # noqa: F811
    """A real uvicorn server on the on-disk demo, once its observation view is built."""
    with running_server(create_app(load_settings(store_path=str(disk_store)))) as base:
        deadline = time.monotonic() + 300
        while httpx.get(f"{base}/health").json()["columnar_view"] != "ready":
            assert time.monotonic() < deadline, "the view was not built in time"
            time.sleep(0.5)
        yield base


def ask(base: str, query: str) -> httpx.Response:
    response = httpx.post(
        f"{base}/sparql", data={"query": query}, headers={"Accept": JSON_RESULTS}, timeout=60
    )
    assert response.status_code == 200, response.text
    return response


def rows(response: httpx.Response) -> Counter[str]:
    return Counter(json.dumps(b, sort_keys=True) for b in response.json()["results"]["bindings"])


def test_a_join_is_answered_from_the_view_with_the_store_answer(server: str) -> None:
    prefixes = question_prefixes(Iris(load_settings().base_iri))
    query = prefixes + CUBE["join-ordered"]
    fast = ask(server, query)
    assert fast.headers["x-onecenter-path"] == "columnar"
    # The same question with a function in a filter: the view path leaves it to the store.
    stored = ask(server, query.replace("} ORDER BY", "FILTER(isIRI(?desa)) } ORDER BY"))
    assert stored.headers["x-onecenter-path"] == "store"
    assert rows(fast) and fast.content == stored.content
    assert fast.headers["x-onecenter-truncated"] == stored.headers["x-onecenter-truncated"] == "false"


def test_a_small_query_goes_to_the_store(server: str) -> None:
    response = ask(server, "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1")
    assert response.headers["x-onecenter-path"] == "store"
