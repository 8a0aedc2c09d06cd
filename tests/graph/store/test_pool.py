"""Query workers: answers from an on-disk store, publications followed, runaway calls killed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.answer.sparql import ProtocolQuery, answer_query, run_query
from graph.errors import QueryError, QueryTimeout, StoreError
from graph.rdf.iris import Iris
from graph.settings import load_settings
from graph.store.embedded import EmbeddedStore
from graph.store.pool import FollowingReader, QueryPool, _lost_a_file

IRIS = Iris(load_settings(store_path=":memory:").base_iri)
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f . ?g ?s ?h }"


@pytest.fixture
def writer(tmp_path: Path) -> Iterator[EmbeddedStore]:
    """An on-disk store with 300 triples in the (always public) region graph."""
    store = EmbeddedStore(tmp_path / "store")
    store.bulk_load(["".join(f'<urn:s{i}> <urn:p> "{i}" <{IRIS.regions_graph}> .\n' for i in range(300))])
    store.flush()
    yield store
    store.close()


@pytest.fixture
def pool(writer: EmbeddedStore) -> Iterator[QueryPool]:
    assert writer.path is not None
    p = QueryPool(writer.path, workers=2, timeout_ms=600)
    yield p
    p.close()


def count(pool: QueryPool) -> int:
    outcome = pool.run(run_query, IRIS, COUNT, max_rows=10)
    return int(outcome.rows[0][0].value)


def test_workers_answer_from_their_own_read_only_handle_and_follow_publications(
    pool: QueryPool, writer: EmbeddedStore
) -> None:
    assert count(pool) == 300
    writer.update(f"INSERT DATA {{ GRAPH <{IRIS.regions_graph}> {{ <urn:new> <urn:p> 1 }} }}")
    assert [count(pool) for _ in range(4)] == [301] * 4  # whichever worker answers


@pytest.mark.slow
def test_a_runaway_call_is_killed_at_the_limit_and_the_pool_keeps_serving(pool: QueryPool) -> None:
    with pytest.raises(QueryTimeout, match="600 ms"):
        pool.run(run_query, IRIS, RUNAWAY, max_rows=10)
    assert count(pool) == 300
    with pytest.raises(QueryTimeout):
        pool.run(answer_query, IRIS, ProtocolQuery(RUNAWAY, max_rows=10))
    assert [count(pool) for _ in range(3)] == [300] * 3


def test_errors_raised_on_purpose_come_back_as_themselves(pool: QueryPool) -> None:
    with pytest.raises(QueryError, match="error at 1:"):
        pool.run(run_query, IRIS, "SELECT ?x WHERE {", max_rows=10)
    assert count(pool) == 300  # the worker survived


def test_a_bug_in_the_called_function_is_not_passed_off_as_a_domain_error(pool: QueryPool) -> None:
    # (functions come from modules the fork server preloads: importing others would count
    # against the time limit of their first call)
    with pytest.raises(RuntimeError, match="TypeError"):
        pool.run(run_query, IRIS, 42, max_rows=10)  # type: ignore[arg-type]
    assert count(pool) == 300


def test_a_closed_pool_starts_again_on_use(pool: QueryPool) -> None:
    assert count(pool) == 300
    pool.close()
    assert count(pool) == 300


def test_following_reader_reopens_after_a_publication(writer: EmbeddedStore) -> None:
    assert writer.path is not None
    reader = FollowingReader(writer.path)
    first = reader.current()
    assert reader.current() is first
    writer.update(f"INSERT DATA {{ GRAPH <{IRIS.regions_graph}> {{ <urn:new> <urn:p> 1 }} }}")
    second = reader.current()
    assert second is not first and second.count() == first.count() + 1


def test_a_store_that_lost_a_file_while_opening_is_opened_again(tmp_path: Path) -> None:
    # EmbeddedStore raises StoreError "from None" when RocksDB's open meets a log file a
    # writer just removed; the reader must try a fresh handle, not answer 503 (seen in
    # tests/trust/test_concurrent_readers.py once loads wrote more often).
    try:
        try:
            raise OSError(
                f"IO error: No such file or directory: while stat a file for size: {tmp_path}/000413.log"
            )
        except OSError as exc:
            raise StoreError(f"penyimpanan tidak dapat dibuka / cannot open the store: {exc}") from None
    except StoreError as lost:
        assert _lost_a_file(lost)
    assert not _lost_a_file(StoreError("penyimpanan tidak dapat dibuka: belum dibangun / not built yet"))
