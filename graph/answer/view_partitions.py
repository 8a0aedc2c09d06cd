"""The observation view's partitions: one per published version graph, kept between builds.

A dataset version graph never changes under its name (``graph.store.versions``: each load
writes a new graph, publication moves a pointer). So the observations of one published
graph, read once, stay right for as long as that graph is published: after a publication
only the graphs that are new are scanned, and the partitions of graphs no longer published
are dropped. The always-public graphs (catalogue, provenance, ...) do change, so whatever
observations they hold (normally none) are read again at every build.

Partitions are merged into the view the readers see (``graph.answer.view``). The order of the
literals of one region is the order of one scan of the union of the published graphs, which
Oxigraph evaluates graph after graph in the order the graphs are given: partitions are merged
in that order, so the view is the one a single scan would give, literal for literal.

Memory: the literals are read once per partition and interned (a figure that recurs, like
``"12"^^xsd:integer``, is one object), and an indicator-period published by one dataset (the
usual case) shares one dict between ``sourced`` and ``values`` instead of a copy. A
partition also keeps its scanned rows (Arrow, dictionary-encoded), which insight's table is
built from (``graph.insight.observation_table``): the store is scanned once per graph for both.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pyarrow as pa
import pyoxigraph as ox

from graph.answer.view_files import read_partition_file, remove_other_files, write_partition_file
from graph.answer.view_rows import dimension_properties, empty_rows, scan_rows, view_dicts
from graph.rdf.iris import Iris
from graph.store.interface import Store
from graph.store.versions import PUBLIC, graphs_of, published

__all__ = ["Partition", "Partitions", "merge", "merged_extras"]

Sourced = dict[tuple[str, str, str], dict[str, list[ox.Literal]]]
Coded = dict[tuple[str, str], set[str]]
Categories = dict[tuple[str, str, str], dict[str, list[str]]]
T = TypeVar("T")


@dataclass(frozen=True)
class Partition:
    """The observations of one graph (or of the changing graphs together), as the view holds them.

    ``sourced[(indicator, period, dataset)][area]``: literals in store order; ``coded``: the
    regions with a categorical value; ``count``: every observation read (coded ones too);
    ``categories``: the categorical values (concept IRIs) as ``sourced`` holds literals;
    ``rows``: the scanned rows (``graph.answer.view_rows``), observation IRIs and breakdown keys
    included, which insight's table reads; ``dimensions``: the breakdown properties the scan read.
    """

    graph: str
    sourced: Sourced
    coded: Coded
    count: int
    categories: Categories = field(default_factory=dict)
    rows: pa.Table = field(default_factory=empty_rows)
    dimensions: tuple[str, ...] = ()


def scan(store: Store, graphs: list[str], name: str, dimensions: tuple[str, ...] = ()) -> Partition:
    """The observations of ``graphs`` (queried as their union), read from the store."""
    rows, count = scan_rows(store, graphs, dimensions)
    return of_rows(name, rows, count, dimensions)


def of_rows(name: str, rows: pa.Table, count: int, dimensions: tuple[str, ...]) -> Partition:
    """The partition of scanned rows (just scanned, or read back from a file)."""
    sourced, coded, categories = view_dicts(rows)
    return Partition(name, sourced, coded, count, categories, rows, dimensions)


class Partitions:
    """The partitions of the published graphs, kept between builds of the view.

    ``folder``: where partitions are kept as files (``graph.answer.view_files``) so that a
    restarted service reads them instead of scanning the store; None keeps them in memory
    only. ``store_id`` names the store the files belong to (files of another store are
    ignored). ``before_scan(graph)`` is called before a graph is scanned (tests use it to
    hold a build while they look at what the service answers meanwhile).
    """

    def __init__(self, folder: Path | None = None, store_id: str = "") -> None:
        self.folder = folder
        self.store_id = store_id
        self.before_scan: Callable[[str], None] | None = None
        self.scanned: list[str] = []  # graphs scanned by the last update (figures, tests)
        self.from_files: list[str] = []  # graphs read from files by the last update
        self._kept: dict[str, Partition] = {}
        self._lock = threading.Lock()  # one update at a time: they share the kept partitions

    def update(self, store: Store, iris: Iris) -> tuple[list[Partition], list[str]]:
        """The partitions of the graphs published now, in query order, and those graphs."""
        with self._lock:
            datasets = published(store, iris)
            graphs = graphs_of(store, iris, datasets, PUBLIC)
            versions = sorted({d.graph for d in datasets if PUBLIC.may_read(d)})
            changing = [g for g in graphs if g not in versions]
            dimensions = dimension_properties(store, graphs)
            self.scanned, self.from_files = [], []
            parts = [self._scan(store, changing, "", dimensions)]
            kept: dict[str, Partition] = {}
            for g in versions:
                had = self._kept.get(g)
                if had is None or had.dimensions != dimensions:  # new, or a breakdown declared since
                    had = self._read(store, g, dimensions)
                kept[g] = had
            self._kept = kept
            parts.extend(kept[g] for g in versions)
            if self.folder is not None:
                remove_other_files(self.folder, versions)
            return parts, graphs

    def _scan(self, store: Store, graphs: list[str], name: str, dimensions: tuple[str, ...]) -> Partition:
        if self.before_scan is not None:
            self.before_scan(name)
        self.scanned.append(name)
        return scan(store, graphs, name, dimensions)

    def _read(self, store: Store, graph: str, dimensions: tuple[str, ...]) -> Partition:
        if self.folder is not None:
            found = read_partition_file(self.folder, graph, self.store_id, dimensions)
            if found is not None:
                self.from_files.append(graph)
                return of_rows(graph, *found, dimensions)
        part = self._scan(store, [graph], graph, dimensions)
        if self.folder is not None:
            write_partition_file(self.folder, graph, self.store_id, part.rows, part.count, dimensions)
        return part


Values = dict[tuple[str, str], dict[str, list[ox.Literal]]]


def merge(parts: Iterable[Partition]) -> tuple[Values, Sourced, Coded, int]:
    """``values``, ``sourced``, ``coded`` and the count of the view, from its partitions in order."""
    sourced: Sourced = {}
    coded: Coded = {}
    count = 0
    for part in parts:
        count += part.count
        for key, areas in part.sourced.items():
            had = sourced.get(key)
            sourced[key] = areas if had is None else _joined([had, areas])
        for pair, regions in part.coded.items():
            seen = coded.get(pair)
            coded[pair] = regions if seen is None else seen | regions
    by_pair: dict[tuple[str, str], list[dict[str, list[ox.Literal]]]] = {}
    for (indicator, period, _), areas in sourced.items():
        by_pair.setdefault((indicator, period), []).append(areas)
    # One dataset: its dict is the indicator's (shared, not copied). Several: joined in order.
    values: Values = {
        pair: found[0] if len(found) == 1 else _joined(found) for pair, found in by_pair.items()
    }
    return values, sourced, coded, count


def merged_extras(parts: Iterable[Partition]) -> tuple[Categories, pa.Table]:
    """The view's ``categories`` and ``rows``, from its partitions in order."""
    parts = list(parts)
    categories: Categories = {}
    for part in parts:
        for key, areas in part.categories.items():
            had = categories.get(key)
            categories[key] = areas if had is None else _joined([had, areas])
    rows = [p.rows for p in parts if p.rows.num_rows]
    return categories, (pa.concat_tables(rows) if rows else empty_rows())


def _joined(dicts: list[dict[str, list[T]]]) -> dict[str, list[T]]:
    """The regions of several dicts with their literals one after the other (new lists)."""
    joined: dict[str, list[T]] = {}
    for areas in dicts:
        for area, literals in areas.items():
            joined.setdefault(area, []).extend(literals)
    return joined
