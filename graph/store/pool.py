"""Store work in worker processes that can be killed, so a time limit really holds.

pyoxigraph has no query timeout and a Python thread cannot be stopped; a process
can. ``QueryPool`` keeps a few worker processes, each holding its own read-only
handle on the on-disk store (reopened when the writer marks a publication, see
``EmbeddedStore.marker_for``). ``run(fn, *args)`` hands ``fn(store, *args)`` to
an idle worker and waits up to the time limit; past it the worker is killed, the
caller gets ``QueryTimeout``, and a fresh worker starts in the background while
the others keep serving.

``fn`` must be a module-level function (it is sent by name); its arguments and
its result are pickled, so return plain data (bytes, dataclasses, terms), never
a lazy pyoxigraph iterator. Workers come from a fork server that has imported
``graph.answer.sparql`` (so a killed worker is replaced in milliseconds); a function
from another module is imported on its first call in each worker, within that
call's time limit. As with any multiprocessing code, a script that starts a
pool keeps its own code under ``if __name__ == "__main__":``.

An in-memory store lives inside one process and cannot be shared with workers:
call the function directly there (the API does, without a time limit).
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
import pickle
import queue
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

import pyoxigraph as ox

from graph.errors import OneCenterError, QueryError, QueryTimeout, StoreError
from graph.rdf.ntriples import NQuadsChunk
from graph.store.embedded import EmbeddedStore
from graph.store.interface import Bindings, Dataset, QueryResult, Store

__all__ = ["FollowingReader", "FollowingStore", "QueryPool", "job_digest", "on_handle"]

P = ParamSpec("P")
T = TypeVar("T")

log = logging.getLogger("onecenter.query_pool")

# The first worker also waits for the fork server to import this package.
_START_TIMEOUT_S = 60.0
# A call waits for an idle worker at least this long: restarting a killed one takes about 1 s.
_MIN_WAIT_S = 5.0
# How long a read is tried again on fresh read-only handles while a load's compaction
# removes files under them, and the first pause between tries (doubling, at most 0.5 s).
_STALE_WAIT_S = 15.0
_STALE_PAUSE_S = 0.02
# A worker answers on a thread with this stack: Oxigraph descends once per chained BIND, UNION
# or operator, and 10,000 of them (100 KB) overflow a main thread's 8 MB. Pages are used as touched.
_WORKER_STACK_BYTES = 256 * 1024 * 1024


class FollowingReader:
    """A read-only handle on an on-disk store that follows publications.

    A read-only handle sees the data as of its opening, so it is reopened when
    the writer has touched the store's marker file since.
    """

    def __init__(self, location: Path) -> None:
        self.location = location
        self._marker = EmbeddedStore.marker_for(location)
        self._handle: EmbeddedStore | None = None
        self._seen: int | None = None

    def current(self) -> EmbeddedStore:
        try:
            changed = self._marker.stat().st_mtime_ns
        except FileNotFoundError:
            changed = 0
        if self._handle is None or changed != self._seen:
            self._handle = EmbeddedStore(self.location, read_only=True)
            self._seen = changed
        return self._handle

    def forget(self) -> None:
        """Open a fresh handle next time, whatever the marker says (see ``on_handle``)."""
        self._handle = None

    def opened_at(self, generation: int) -> EmbeddedStore | None:
        """The handle already open at publication ``generation`` (a marker time), else None:
        for a caller that must neither open a store nor wait (the service's event loop)."""
        return self._handle if self._handle is not None and self._seen == generation else None


class FollowingStore(Store):
    """A ``Store`` for reading in the service's own process, over a ``FollowingReader``.

    Every read runs on the reader's current handle and is tried again on a fresh one when
    a load's compaction removed a file it read (see ``on_handle``). SELECT and ASK answers are
    read to the end inside that retry (serialized and parsed back, both in Rust), so the
    caller iterates an answer in memory, not a lazy one that could meet a lost file later.
    Writes are refused: the service only reads.
    """

    def __init__(self, reader: FollowingReader) -> None:
        self.reader = reader

    @property
    def path(self) -> Path:
        return self.reader.location

    def evaluate(self, sparql: str, dataset: Dataset, substitutions: Bindings | None) -> QueryResult:
        return cast(QueryResult, on_handle(self.reader, _read_whole, (sparql, dataset, substitutions), {}))

    def named_graphs(self) -> list[str]:
        return cast(list[str], on_handle(self.reader, EmbeddedStore.named_graphs, (), {}))

    def count(self, graph: str | None = None) -> int:
        return cast(int, on_handle(self.reader, EmbeddedStore.count, (graph,), {}))

    def bulk_load(self, chunks: Iterable[NQuadsChunk]) -> int:
        raise StoreError(READ_ONLY)

    def load_rdf(self, data: str, *, fmt: str, graph: str, base_iri: str | None = None) -> None:
        raise StoreError(READ_ONLY)

    def update(self, sparql: str) -> None:
        raise StoreError(READ_ONLY)

    def remove_graph(self, graph: str) -> None:
        raise StoreError(READ_ONLY)

    def compact(self) -> None:
        """Nothing to do: only the process that loads compacts."""

    def close(self) -> None:
        self.reader.forget()


READ_ONLY = "penyimpanan layanan hanya-baca / the service's store handle is read-only"


def _read_whole(
    store: EmbeddedStore, sparql: str, dataset: Dataset, substitutions: Bindings | None
) -> QueryResult:
    result = store.evaluate(sparql, dataset, substitutions)
    if isinstance(result, ox.QuerySolutions):
        try:
            data = result.serialize(format=ox.QueryResultsFormat.TSV) or b""
        except OSError as exc:  # met a lost file while evaluating: tried again by on_handle
            raise StoreError(f"penyimpanan gagal / store failed while answering: {exc}") from exc
        return ox.parse_query_results(data, format=ox.QueryResultsFormat.TSV)
    return result


class _Worker:
    def __init__(self, process: BaseProcess, conn: Connection) -> None:
        self.process = process
        self.conn = conn


class QueryPool:
    """A few worker processes answering store functions within a time limit.

    Args:
        location: the on-disk store folder.
        workers: how many functions may run at once.
        timeout_ms: the time limit of one call, and how long a call waits for an
            idle worker (at least 5 s, time for a killed worker's successor to start).
    """

    def __init__(self, location: Path, *, workers: int, timeout_ms: int) -> None:
        if workers < 1 or timeout_ms < 1:
            raise ValueError("workers and timeout_ms must be positive")
        self.location = location
        self.workers = workers
        self.timeout_ms = timeout_ms
        self._context = _context()
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._live: list[_Worker] = []
        self._lock = threading.Lock()
        self._started = False
        self._closed = False

    def start(self) -> None:
        """Start the workers and wait until each has opened the store (idempotent; ``run``
        starts them on first use, and again after ``close``)."""
        with self._lock:
            if self._started:
                return
            self._started = True
            self._closed = False
        booting = [self._spawn() for _ in range(self.workers)]
        try:
            for worker in booting:
                self._await_ready(worker)
        except StoreError:
            self.close()
            raise
        for worker in booting:
            self._idle.put(worker)

    def run(self, fn: Callable[Concatenate[Store, P], T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(store, *args, **kwargs)`` in a worker, stopped at the time limit.

        Raises:
            QueryTimeout: the call ran past the limit (its worker was killed), or no
                worker became idle within it.
            StoreError: the worker died, or no worker could be started.
            OneCenterError: whatever ``fn`` raised on purpose, re-raised here.
        """
        self.start()
        limit_s = self.timeout_ms / 1000
        wait_s = max(limit_s, _MIN_WAIT_S)
        try:
            worker = self._idle.get(timeout=wait_s)
        except queue.Empty:
            raise QueryTimeout(
                f"semua {self.workers} pekerja kueri sibuk / all {self.workers} query workers stayed "
                f"busy for {wait_s * 1000:.0f} ms (settings query_workers, query_timeout_ms); try "
                "again shortly"
            ) from None
        try:
            worker.conn.send((fn, args, kwargs))
            answered = worker.conn.poll(limit_s)
            reply = worker.conn.recv() if answered else None
        except (EOFError, OSError):
            self._died(worker, fn, args, kwargs)
            raise StoreError(
                "pekerja kueri berhenti tiba-tiba / a query worker died while answering; try again"
            ) from None
        except BaseException:
            self._replace(worker)  # its state is unknown: start afresh
            raise
        if reply is None:
            self._replace(worker)
            raise QueryTimeout(
                f"kueri dihentikan setelah batas waktu {self.timeout_ms} ms / query stopped at its "
                f"time limit of {self.timeout_ms} ms (setting query_timeout_ms); narrow it with "
                "LIMIT, more specific patterns or fewer joins"
            )
        with self._lock:
            if worker in self._live:  # not stopped by ``close`` meanwhile
                self._idle.put(worker)
        status, payload = reply
        if status == "ok":
            return cast(T, payload)
        if status == "error":
            raise cast(OneCenterError, payload)
        raise RuntimeError(f"query worker failed:\n{payload}")

    def close(self) -> None:
        """Stop every worker; calls in flight end with ``StoreError``."""
        with self._lock:
            self._closed = True
            self._started = False
            live, self._live = self._live, []
            while not self._idle.empty():
                self._idle.get_nowait()
        for worker in live:
            try:
                worker.conn.send(None)
            except (OSError, ValueError):
                pass
        for worker in live:
            worker.process.join(timeout=2)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            try:
                worker.conn.close()
            except OSError:
                # Closed meanwhile (a worker replaced after a timeout): nothing left to close.
                pass

    def _spawn(self) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(
            target=_serve, args=(str(self.location), child), name="onecenter-query", daemon=True
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._live.append(worker)
        return worker

    def _await_ready(self, worker: _Worker) -> None:
        try:
            ready = worker.conn.poll(_START_TIMEOUT_S) and worker.conn.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            worker.process.kill()
            worker.process.join()
            raise StoreError(
                f"pekerja kueri tidak dapat dimulai / a query worker did not start (exit code "
                f"{worker.process.exitcode}, store {self.location}). Workers are spawned: a script "
                "that starts the service must keep its code under `if __name__ == '__main__':`"
            )

    def _died(self, worker: _Worker, fn: Callable[..., Any], args: Any, kwargs: Any) -> None:
        """Log a worker that died while answering (never the query, only its digest); replace it."""
        worker.process.join(timeout=1)
        log.error(
            "pekerja kueri mati / a query worker died while answering %s: exit code %s, query "
            "sha256 %s (of the SPARQL text, first 16 hex digits)",
            getattr(fn, "__name__", "?"),
            worker.process.exitcode,
            job_digest(args, kwargs),
        )
        self._replace(worker)

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker now; start its successor in the background."""
        worker.process.kill()
        threading.Thread(
            target=self._respawn, args=(worker,), name="onecenter-query-respawn", daemon=True
        ).start()

    def _respawn(self, dead: _Worker) -> None:
        dead.process.join()
        with self._lock:
            # Whoever removes it from the live list closes its pipe (``close`` takes them all): two raced.
            owned, closed = dead in self._live, self._closed
            if owned:
                self._live.remove(dead)
        if owned:
            dead.conn.close()
        if closed:
            return
        try:
            fresh = self._spawn()
            self._await_ready(fresh)
        except Exception:
            if not self._closed:
                log.exception("a query worker could not be restarted; %s remain", len(self._live))
            return
        if self._closed:
            fresh.process.kill()
            return
        self._idle.put(fresh)


def _context() -> SpawnContext | ForkServerContext:
    """Where workers come from: never a fork of the service itself, whose threads' locks
    a fork would copy. A fork server (one clean process with this package imported) makes
    a new worker in milliseconds, so a killed one is replaced at once; elsewhere, spawn."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["graph.answer.sparql", "graph.store.pool"])
    return context


def job_digest(args: Any, kwargs: Any) -> str:
    """What a log says of a call instead of its query: the SHA-256 (16 hex digits) of its SPARQL
    text (its ``str`` arguments and the ``sparql`` of the others, joined by newlines)."""
    texts = [v if isinstance(v, str) else getattr(v, "sparql", None) for v in [*args, *kwargs.values()]]
    joined = "\n".join(t for t in texts if isinstance(t, str))
    return hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _serve(location: str, conn: Connection) -> None:
    """A worker's life: open the store, then answer calls until told to stop (on a thread
    with a large stack, see ``_WORKER_STACK_BYTES``)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops us
    threading.stack_size(_WORKER_STACK_BYTES)
    answering = threading.Thread(target=_answer_calls, args=(location, conn), name="onecenter-answering")
    answering.start()
    answering.join()


def _answer_calls(location: str, conn: Connection) -> None:
    reader = FollowingReader(Path(location))
    try:
        reader.current()
    except OneCenterError:
        pass  # e.g. nothing built yet: each call reports it
    except (OSError, RuntimeError) as exc:
        if not _lost_a_file(exc):
            raise
        reader.forget()  # opened during a load's compaction: the first call opens again
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        fn, args, kwargs = job
        reply: tuple[str, Any]
        try:
            reply = ("ok", on_handle(reader, fn, args, kwargs))
        except OneCenterError as exc:
            reply = ("error", _portable(exc))
        except Exception:
            reply = ("bug", traceback.format_exc())
        try:
            conn.send(reply)
        except (pickle.PicklingError, TypeError, AttributeError):
            conn.send(("bug", traceback.format_exc()))


def on_handle(reader: FollowingReader, fn: Callable[..., Any], args: Any, kwargs: Any) -> Any:
    """``fn(store, ...)``, on a fresh handle again when the old one lost a file.

    A read-only handle does not keep the writer's files: a load's compaction can delete
    a table file the handle still reads ("IO error: No such file or directory ... .sst",
    seen by tests/trust/test_concurrent_readers.py as a 500 during reloads). A new
    handle reads the files that exist now, so the call is tried again on one. While the
    compaction goes on, even opening can meet a file it has just removed (four tries in a
    row once all did), so the tries go on, with growing pauses, for ``_STALE_WAIT_S``.
    """
    deadline = time.monotonic() + _STALE_WAIT_S
    pause = _STALE_PAUSE_S
    while True:
        try:
            return fn(reader.current(), *args, **kwargs)
        except (OSError, RuntimeError, StoreError) as exc:
            if not _lost_a_file(exc) or time.monotonic() >= deadline:
                raise
            reader.forget()
            time.sleep(pause)
            pause = min(pause * 2, 0.5)


def _lost_a_file(exc: BaseException) -> bool:
    """Whether ``exc`` is the store failing to read a file: raw (RocksDB's RuntimeError
    "Corruption: IO error: No such file or directory ... .sst" when opening, an OSError), or
    a StoreError, which EmbeddedStore raises "from None" (the OSError is its context)."""
    if isinstance(exc, StoreError) and isinstance(exc.__cause__ or exc.__context__, OSError):
        return True
    return isinstance(exc, OSError) or "No such file or directory" in str(exc)


def _portable(exc: OneCenterError) -> OneCenterError:
    """The error itself if it survives pickling, else a ``QueryError`` with its text."""
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:
        return QueryError(str(exc))
    return exc
