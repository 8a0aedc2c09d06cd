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
usual case) shares one dict between ``sourced`` and ``values`` instead of a copy.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.answer.view_files import read_partition_file, remove_other_files, write_partition_file
from graph.rdf.iris import Iris
from graph.rdf.namespaces import OC, PREFIXES
from graph.store.interface import Store
from graph.store.versions import PUBLIC, graphs_of, published

__all__ = ["Partition", "Partitions", "merge"]

_OBSERVATIONS = f"""
PREFIX oc: <{OC}>
PREFIX qb: <{PREFIXES["qb"]}>
PREFIX sdmx-dimension: <{PREFIXES["sdmx-dimension"]}>
SELECT ?indicator ?area ?period ?value ?dataset WHERE {{
  ?o qb:measureType ?indicator ; ?indicator ?value ; qb:dataSet/oc:cubeOf ?dataset ;
     sdmx-dimension:refArea ?area ; sdmx-dimension:refPeriod ?period .
}}"""

Sourced = dict[tuple[str, str, str], dict[str, list[ox.Literal]]]
Coded = dict[tuple[str, str], set[str]]


@dataclass(frozen=True)
class Partition:
    """The observations of one graph (or of the changing graphs together), as the view holds them.

    ``sourced[(indicator, period, dataset)][area]``: literals in store order; ``coded``: the
    regions with a categorical value; ``count``: every observation read (coded ones too).
    """

    graph: str
    sourced: Sourced
    coded: Coded
    count: int


def scan(store: Store, graphs: list[str], name: str) -> Partition:
    """The observations of ``graphs`` (queried as their union), read from the store."""
    rows = store.query(_OBSERVATIONS, default_graph=graphs)
    assert isinstance(rows, ox.QuerySolutions)
    sourced: Sourced = {}
    coded: Coded = {}
    texts: dict[str, str] = {}  # one string per IRI, however many observations name it
    literals: dict[ox.Literal, ox.Literal] = {}  # one object per distinct literal
    count = 0
    for s in rows:
        count += 1
        value = s["value"]
        indicator = texts.setdefault(s["indicator"].value, s["indicator"].value)
        period = texts.setdefault(s["period"].value, s["period"].value)
        area = texts.setdefault(s["area"].value, s["area"].value)
        if not isinstance(value, ox.Literal):  # a category (a concept): counted, never computed with
            coded.setdefault((indicator, period), set()).add(area)
            continue
        dataset = texts.setdefault(s["dataset"].value, s["dataset"].value)
        value = literals.setdefault(value, value)
        sourced.setdefault((indicator, period, dataset), {}).setdefault(area, []).append(value)
    return Partition(name, sourced, coded, count)


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
            self.scanned, self.from_files = [], []
            parts = [self._scan(store, changing, "")]
            kept = {g: self._kept.get(g) or self._read(store, g) for g in versions}
            self._kept = kept
            parts.extend(kept[g] for g in versions)
            if self.folder is not None:
                remove_other_files(self.folder, versions)
            return parts, graphs

    def _scan(self, store: Store, graphs: list[str], name: str) -> Partition:
        if self.before_scan is not None:
            self.before_scan(name)
        self.scanned.append(name)
        return scan(store, graphs, name)

    def _read(self, store: Store, graph: str) -> Partition:
        if self.folder is not None:
            found = read_partition_file(self.folder, graph, self.store_id)
            if found is not None:
                self.from_files.append(graph)
                return Partition(graph, *found)
        part = self._scan(store, [graph], graph)
        if self.folder is not None:
            write_partition_file(self.folder, graph, self.store_id, part.sourced, part.coded, part.count)
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


def _joined(dicts: list[dict[str, list[ox.Literal]]]) -> dict[str, list[ox.Literal]]:
    """The regions of several dicts with their literals one after the other (new lists)."""
    joined: dict[str, list[ox.Literal]] = {}
    for areas in dicts:
        for area, literals in areas.items():
            joined.setdefault(area, []).extend(literals)
    return joined
