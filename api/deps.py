"""Shared state of the running service, reached through ``request.app.state``."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from api.live_view import LiveView
from api.query_slots import ClientSlots
from graph.answer.cube_shape import CubeShapes
from graph.answer.view import ObservationView, read_view
from graph.answer.view_files import store_identity
from graph.answer.view_partitions import Partitions
from graph.cube.mapping_checks import mapping_for
from graph.errors import AuditChainError, StoreError
from graph.insight.observation_table import ObservationTable, observation_table
from graph.link.names import NameRules
from graph.publish.accounts import Accounts, User
from graph.publish.chain_recovery import record_with_own_store
from graph.rdf.iris import Iris
from graph.read.mappings import Mapping
from graph.reference.vocabulary import Vocabulary
from graph.settings import Settings
from graph.store.connect import connect_store, open_store
from graph.store.embedded import EmbeddedStore
from graph.store.interface import Store
from graph.store.pool import FollowingReader, FollowingStore, QueryPool, on_handle

__all__ = ["ServiceState"]

P = ParamSpec("P")
T = TypeVar("T")

log = logging.getLogger("onecenter.api")

# Uploads whose tables are read at once, before the upload lock: reads were one at a time under
# the lock, so two at once keep the memory they may take near what it was (each within
# read_max_cells), while a long read holds back neither the loads nor another read.
READ_SLOTS = 2


class ServiceState:
    """The settings, a store handle that follows publications, and the query workers.

    An on-disk store is opened read-only, so a separate ``onecenter load`` can
    write while the service answers. A read-only handle sees the data as of its
    opening, so it is reopened when the writer marks a publication.

    Queries go through ``run``: on an on-disk store they run in worker processes
    that are killed at ``query_timeout_ms``; an in-memory store cannot be shared
    with another process, so there they run in the calling thread without a time
    limit (fine for tests and demos; production uses an on-disk store).
    """

    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        self.settings = settings
        self.iris = Iris(settings.base_iri)
        self._fixed = store
        self._lock = threading.Lock()
        self._memory: EmbeddedStore | None = None
        self._cache: dict[str, tuple[int, Any]] = {}
        # The columnar view: rebuilt after each publication from the graphs that are new (the
        # others' partitions are kept, and kept as files beside the store for a restart).
        on_disk = self.query_location
        self.view_partitions = Partitions(settings.view_cache_location(on_disk), store_identity(on_disk))
        # Whether cube SPARQL may be answered from each view built (graph.answer.cube_shape).
        self.cube_shapes = CubeShapes()
        # With it, insight's observations (/insight, /map, the home and region pages): built from
        # the view's rows in the same build, so one scan per published graph serves both, and
        # the pages keep the previous table while the next is built.
        self._view = LiveView("tampilan kolom / observation view", self._build_view)
        self.accounts = Accounts(settings.resolve(settings.accounts_path))
        self._vocabulary: Vocabulary | None = None
        # Uploads write to the store one at a time (a load is long; a second waits). Their
        # tables are read before it is taken, READ_SLOTS at a time.
        self.write_lock = threading.Lock()
        self.read_slots = threading.BoundedSemaphore(READ_SLOTS)
        # /sparql queries per client at once; others wait as long as a query may run (>= 5 s).
        self.query_slots = ClientSlots(
            settings.query_slots_per_client, max(settings.query_timeout_ms / 1000, 5.0)
        )
        # A SPARQL server keeps its own time: the client's timeout is the query time limit.
        self._remote = (
            connect_store(settings, read_only=True, timeout_s=settings.query_timeout_ms / 1000)
            if store is None and settings.store_url
            else None
        )
        location = self.query_location
        self._reader = FollowingReader(location) if location is not None and store is None else None
        # Reads in this process try again on a fresh handle when a load removed a file.
        self._following = FollowingStore(self._reader) if self._reader is not None else None
        # The view's builds read through a handle of their own (``_build_view``).
        self._build_reader = FollowingReader(self._reader.location) if self._reader is not None else None
        self._pool = (
            QueryPool(location, workers=settings.query_workers, timeout_ms=settings.query_timeout_ms)
            if location is not None
            else None
        )

    @property
    def query_location(self) -> Path | None:
        """The on-disk store the query workers open, or None for an in-memory store."""
        if self._fixed is not None:
            fixed = self._fixed
            return fixed.path if isinstance(fixed, EmbeddedStore) else None
        if self.settings.store_url:
            return None
        return self.settings.store_location

    @property
    def time_limit_ms(self) -> int | None:
        """The time limit queries really get (None when it cannot be enforced)."""
        if self._pool is not None or self._remote is not None:
            return self.settings.query_timeout_ms
        return None

    @property
    def store(self) -> Store:
        if self._fixed is not None:
            return self._fixed
        if self._remote is not None:
            return self._remote
        with self._lock:
            if self._following is not None:
                return self._following
            if self._memory is None:  # an in-memory store lives as long as the service
                self._memory = open_store(None)
            return self._memory

    @property
    def generation(self) -> int | None:
        """Changes after every publication; None when that cannot be known (in-memory store)."""
        location = self.query_location
        if location is None:
            return None
        try:
            return EmbeddedStore.marker_for(location).stat().st_mtime_ns
        except FileNotFoundError:
            return 0

    def cached(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()``, remembered until the next publication (never on an in-memory store)."""
        generation = self.generation
        if generation is None:
            return compute()
        with self._lock:
            hit = self._cache.get(key)
        if hit is not None and hit[0] == generation:
            return cast(T, hit[1])
        value = compute()
        with self._lock:
            self._cache[key] = (generation, value)
        return value

    def cached_value(self, key: str) -> Any | None:
        """What ``cached`` keeps for ``key`` at this publication, never computed here (None: nothing)."""
        generation = self.generation
        with self._lock:
            hit = self._cache.get(key)
        return hit[1] if generation is not None and hit is not None and hit[0] == generation else None

    def reader_at(self, generation: int) -> EmbeddedStore | None:
        """This process's read-only handle when it is already open at ``generation``, else None."""
        return self._reader.opened_at(generation) if self._reader is not None else None

    def run(self, fn: Callable[Concatenate[Store, P], T], /, *args: P.args, **kwargs: P.kwargs) -> T:
        """``fn(store, *args, **kwargs)`` within the query time limit when there is one.

        ``fn`` must be a module-level function with picklable arguments and result.
        """
        if self._pool is not None:
            return self._pool.run(fn, *args, **kwargs)
        return fn(self.store, *args, **kwargs)

    @property
    def fixed_store(self) -> Store | None:
        """The store the service was given (tests, embedded use), or None when it opens its own."""
        return self._fixed

    @property
    def vocabulary(self) -> Vocabulary:
        """The shared vocabulary (``ontology/``), read once."""
        if self._vocabulary is None:
            self._vocabulary = Vocabulary.load(self.settings.ontology_path, self.iris)
        return self._vocabulary

    @property
    def agency_iris(self) -> dict[str, str]:
        """Agency slug -> IRI, from the vocabulary (read once)."""
        return dict(self.vocabulary.agencies)

    def mapping_for(self, dataset: str) -> tuple[Path, Mapping]:
        """The mapping of ``dataset`` as a load finds it (``Platform.mapping_for``), without
        opening the store; mapping files and name rules are read again each time.

        Raises:
            NotFound: no mapping describes ``dataset``.
            MappingError: its agency or an indicator cannot be linked.
        """
        mappings = self.settings.mappings_path
        return mapping_for(mappings, dataset, self.vocabulary, NameRules.of_mappings(mappings))

    def authenticate(self, token: str) -> User | None:
        """The user holding ``token`` (with their agency's IRI), or None."""
        user = self.accounts.authenticate(token)
        if user is None or user.agency is None:
            return user
        return replace(user, agency_iri=self.agency_iris.get(user.agency))

    def observation_view(self) -> ObservationView | None:
        """The columnar view of the published observations: the one built for the current
        publication, or while it is rebuilt (in the background) the previous one; None
        before the first is ready. For the pages and warming up; questions and /sparql use
        ``current_view``.

        Only for an on-disk store, whose publication marker says when the view is stale;
        an in-memory or remote store answers every question from SPARQL.
        """
        generation = self.generation
        if generation is None or not self.settings.columnar_view:
            return None
        built = self._view.get(generation)
        return None if built is None else built[0]

    def current_view(self) -> ObservationView | None:
        """The columnar view only when it was built for the current publication, else None
        (and a build is started). Named questions and /sparql read this one: an answer must
        agree with what is published now, so while the next view is built they ask the store."""
        generation = self.generation
        if generation is None or not self.settings.columnar_view:
            return None
        built = self._view.current(generation)
        return None if built is None else built[0]

    def wait_for_view(self, timeout_s: float) -> ObservationView | None:
        """The view of the current publication, waiting up to ``timeout_s`` for its build
        (scripts and tests; requests never wait)."""
        generation = self.generation
        if generation is None or not self.settings.columnar_view:
            return None
        built = self._view.wait(generation, timeout_s)
        return None if built is None else built[0]

    def _build_view(self) -> tuple[ObservationView, ObservationTable]:
        # One read-only handle for the whole build: the following handle reopens when a
        # publication lands, and a build spanning two handles could list a version as
        # published, then scan it after the next load has removed it (a view of nothing). A
        # file a load's compaction removes under that handle starts the build again on a
        # fresh one (``on_handle``), as a query worker's read is.
        if self._build_reader is None:
            return self._build_from(self.store)
        built: tuple[ObservationView, ObservationTable] = on_handle(
            self._build_reader, self._build_from, (), {}
        )
        return built

    def _build_from(self, store: Store) -> tuple[ObservationView, ObservationTable]:
        view = read_view(store, self.iris, self.view_partitions)
        self.cube_shapes.update(store, self.iris, view)
        return view, observation_table(view, store, self.iris)

    def insight_table(self) -> ObservationTable | None:
        """Every published observation as insight reads them, built with the view: the one of
        the current publication, or while the next is built the previous one; None before the
        first (the insight pages then ask the store). Only on an on-disk store (setting
        ``columnar_view``), as the view."""
        generation = self.generation
        if generation is None or not self.settings.columnar_view:
            return None
        built = self._view.get(generation)
        return None if built is None else built[1]

    def view_status(self) -> str:
        """ "ready", "building" (a build is started if none is) or "off" (setting, or a
        store without a publication marker): for ``/health`` and for operators."""
        generation = self.generation
        if generation is None or not self.settings.columnar_view:
            return "off"
        # "building" while a publication's view is built, even as the previous one answers.
        return "ready" if self._view.is_current(generation) else "building"

    def start(self) -> None:
        """Chain what a crash kept out of the audit chain, then start the query workers (also
        started on first use) and the observation view."""
        self.record_unrecorded_publications()
        self.observation_view()
        if self._pool is not None:
            self._pool.start()
        elif self._remote is None:
            log.warning(
                "penyimpanan di memori: kueri tanpa batas waktu / in-memory store: SPARQL queries "
                "run without a time limit (query_timeout_ms needs an on-disk store)"
            )

    def record_unrecorded_publications(self) -> None:
        """Chain every published version the audit chain misses (a publication cut off by a
        crash), opening the store for writing for a moment (``graph.publish.chain_recovery``).

        A given store is left to the uploads' own writer, which does the same. When another
        process holds the store (a load), that process did it when it opened the store.
        """
        if self._fixed is not None:
            return
        try:
            with self.write_lock:
                entries = record_with_own_store(self.settings)
        except StoreError:
            log.info("penyimpanan sedang ditulis proses lain / the store is held by another writer")
            return
        except AuditChainError as exc:
            log.error("%s", exc)
            return
        for e in entries:
            log.warning(
                "dicatat saat mulai / recorded on start: %s %s (entri / entry %s)",
                e.payload["dataset"],
                e.payload["graph"],
                e.seq,
            )

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
        if self._remote is not None:
            self._remote.close()
