"""The W3C Data Cube integrity constraints, run as written on a normalised copy of the graph.

The 21 constraints of the Recommendation (section 11.1) and its normalisation algorithm
(section 10.2) live verbatim in ``shapes/data-cube-ic/`` (their source in SOURCES.md
there). A check copies the graphs into a scratch in-memory store, applies the two
normalisation UPDATEs, and counts each constraint's solutions: an IC is an ``ASK``, so
the query is run with that one keyword replaced by ``SELECT (COUNT(*) ...) WHERE`` and
every solution counted is one violation. IC-20 and IC-21 are templates: each value of
``?p`` their instantiation query finds is put in for ``$p``, as the Recommendation says.

IC-12 and IC-17 compare observations pair by pair: over a whole dataset that is quadratic
(IC-17 on the whole demo ran for over ten minutes). They run, unchanged, on one partition
of the observations at a time: those of one dataset with one value of
``sdmx-dimension:refArea`` and of ``refPeriod``, with the structure triples they read of
that dataset (only its own: a table with gaps has several cubes, and copying every
structure into every partition tripled the time).
Two observations of different partitions differ in a dimension of every structure
(``key_dimensions`` keeps only those of the two that are; with neither, they run on the
whole copy), so no pair is lost and none is added.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.rdf.iris import Iris
from graph.rdf.namespaces import QB, RDF_TYPE, SDMX_DIMENSION, sparql_prefixes
from graph.store.interface import Store
from graph.store.versions import EVERYONE_INTERNAL, published_graphs

__all__ = [
    "IC_FOLDER",
    "ENGINE_CORRECTIONS",
    "CubeConstraint",
    "IcCount",
    "check_published",
    "count_violations",
    "load_constraints",
    "normalise",
    "scratch_copy",
]

IC_FOLDER = Path(__file__).resolve().parent.parent.parent / "shapes" / "data-cube-ic"
_FILE = re.compile(r"^ic-(\d\d)([a-z]?)\.rq$")
_ASK = re.compile(r"^ASK\b", re.MULTILINE)
# The constraints that compare two observations: run per (dataset, refArea, refPeriod).
_PAIRWISE = {12, 17}
# The one change made to a query before it runs. IC-17's HAVING names ?count, an alias of
# its SELECT: SPARQL 1.1 evaluates HAVING before the SELECT expressions (18.2.4.1), so a
# conforming engine such as Oxigraph finds ?count unbound and the constraint can never
# fail (engines that allow the alias, like Jena, read it as meant). The aggregate itself
# is written in its place; tests/graph/check/test_cube_ic.py shows both behaviours.
ENGINE_CORRECTIONS = {17: ("HAVING (?count != ?numMeasures)", "HAVING (COUNT(?obs2) != ?numMeasures)")}
_REF_AREA = ox.NamedNode(SDMX_DIMENSION + "refArea")
_REF_PERIOD = ox.NamedNode(SDMX_DIMENSION + "refPeriod")
_DATA_SET = ox.NamedNode(QB + "dataSet")


@dataclass(frozen=True)
class CubeConstraint:
    """One IC as the Recommendation writes it: its number, title and queries (IC-19 has two)."""

    number: int
    title: str
    queries: tuple[str, ...]
    # For a template (IC-20, IC-21): the SELECT whose ?p values are put in for $p.
    instantiation: str | None = None

    @property
    def id(self) -> str:
        return f"IC-{self.number}"

    def runnable(self, store: ox.Store) -> list[str]:
        """The queries to count, templates expanded against ``store``."""
        if self.instantiation is None:
            return list(self.queries)
        found = store.query(sparql_prefixes() + self.instantiation)
        assert isinstance(found, ox.QuerySolutions)
        values = sorted({s["p"].value for s in found if isinstance(s["p"], ox.NamedNode)})
        return [q.replace("$p", p) for q in self.queries for p in values]


@dataclass(frozen=True)
class IcCount:
    """How many solutions (violations) one IC has, and how long counting them took."""

    constraint: CubeConstraint
    violations: int
    seconds: float


def _title(text: str) -> str:
    first = text.splitlines()[0]
    return first.lstrip("# ").split(". ", 1)[-1].strip()


def load_constraints(folder: Path = IC_FOLDER, *, corrected: bool = True) -> list[CubeConstraint]:
    """The ICs in ``folder``, by number: ``ic-NN.rq`` (``ic-19a.rq`` and ``ic-19b.rq`` for the
    two queries of one IC) and ``ic-NN.instances.rq`` for a template's instantiation;
    ``corrected=False`` keeps IC-17's HAVING as written (see ``ENGINE_CORRECTIONS``)."""
    texts: dict[int, list[str]] = {}
    titles: dict[int, str] = {}
    for path in sorted(folder.glob("ic-*.rq")):
        match = _FILE.match(path.name)
        if match is None:
            continue
        number = int(match.group(1))
        text = path.read_text(encoding="utf-8")
        if number in ENGINE_CORRECTIONS and corrected:
            written, meant = ENGINE_CORRECTIONS[number]
            if written not in text:
                raise ValueError(f"{path.name}: expected {written!r} as the Recommendation writes it")
            text = text.replace(written, meant)
        texts.setdefault(number, []).append(text)
        titles.setdefault(number, _title(text))
    constraints = []
    for number in sorted(texts):
        template = folder / f"ic-{number:02d}.instances.rq"
        constraints.append(
            CubeConstraint(
                number,
                titles[number],
                tuple(texts[number]),
                template.read_text(encoding="utf-8") if template.exists() else None,
            )
        )
    return constraints


def scratch_copy(triples: Iterable[ox.Triple | ox.Quad]) -> ox.Store:
    """An in-memory store holding ``triples`` in its default graph (duplicates merged: the
    union of the published graphs, as a SPARQL client reads it)."""
    scratch = ox.Store()
    scratch.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return scratch


def normalise(store: ox.Store, folder: Path = IC_FOLDER) -> None:
    """Apply the Recommendation's normalisation: phase 1, then phase 2."""
    for name in ("normalise-1.ru", "normalise-2.ru"):
        store.update((folder / name).read_text(encoding="utf-8"))


def _count(store: ox.Store, query: str) -> int:
    counting = _ASK.sub("SELECT (COUNT(*) AS ?violations) WHERE", query, count=1)
    found = store.query(sparql_prefixes() + counting)
    assert isinstance(found, ox.QuerySolutions)
    return sum(int(s["violations"].value) for s in found)


_STRUCTURE = """SELECT ?dataset ?dsd ?spec ?p ?kind WHERE {
  ?dataset qb:structure ?dsd . ?dsd qb:component ?spec . ?spec qb:componentProperty ?p .
  OPTIONAL { ?p a ?kind FILTER(?kind IN (qb:DimensionProperty, qb:MeasureProperty)) }
}"""

_NOT_IN_EVERY_STRUCTURE = """ASK {
  ?dataset qb:structure ?dsd .
  FILTER NOT EXISTS { ?dsd qb:component/qb:componentProperty <DIMENSION> .
                      <DIMENSION> a qb:DimensionProperty }
}"""


def key_dimensions(store: ox.Store) -> list[ox.NamedNode]:
    """Those of ``refArea`` and ``refPeriod`` that are a dimension of every dataset's structure."""
    return [
        d
        for d in (_REF_AREA, _REF_PERIOD)
        if not bool(store.query(sparql_prefixes() + _NOT_IN_EVERY_STRUCTURE.replace("DIMENSION", d.value)))
    ]


def _structures(store: ox.Store) -> dict[object, list[ox.Quad]]:
    """Dataset -> the structure triples IC-12 and IC-17 read of it (its DSD's components,
    their properties and kinds): a partition holds one dataset's observations, and these."""
    found = store.query(sparql_prefixes() + _STRUCTURE)
    assert isinstance(found, ox.QuerySolutions)
    by_dataset: dict[object, set[ox.Quad]] = {}
    for s in found:
        dataset, dsd, spec, p, kind = (s[v] for v in ("dataset", "dsd", "spec", "p", "kind"))
        quads = by_dataset.setdefault(dataset, set())
        quads |= {
            ox.Quad(dataset, ox.NamedNode(QB + "structure"), dsd),
            ox.Quad(dsd, ox.NamedNode(QB + "component"), spec),
            ox.Quad(spec, ox.NamedNode(QB + "componentProperty"), p),
        }
        if kind is not None:
            quads.add(ox.Quad(p, ox.NamedNode(RDF_TYPE), kind))
    return {d: list(q) for d, q in by_dataset.items()}


def _partitions(store: ox.Store, keys: list[ox.NamedNode]) -> Iterator[ox.Store]:
    """One small store per dataset and value of each key dimension: those observations and
    the structure triples of that dataset."""
    structure = _structures(store)
    values = [{q.subject: q.object for q in store.quads_for_pattern(None, k, None)} for k in keys]
    groups: dict[tuple[object, ...], list[ox.NamedNode | ox.BlankNode | ox.Triple]] = {}
    for q in store.quads_for_pattern(None, _DATA_SET, None):
        key = (q.object, *(v.get(q.subject) for v in values))
        groups.setdefault(key, []).append(q.subject)
    for (dataset, *_), observations in groups.items():
        part = ox.Store()
        part.bulk_extend(structure.get(dataset, []))
        part.bulk_extend(q for o in observations for q in store.quads_for_pattern(o, None, None))
        yield part


def count_violations(
    store: ox.Store, constraints: list[CubeConstraint] | None = None, *, partition: bool = True
) -> list[IcCount]:
    """Each IC's count of violations on ``store``, which must already be normalised;
    ``partition=False`` runs IC-12 and IC-17 on the whole store (slow on large graphs)."""
    chosen = load_constraints() if constraints is None else constraints
    keys = key_dimensions(store) if partition and any(c.number in _PAIRWISE for c in chosen) else []
    partitions = list(_partitions(store, keys)) if keys else [store]
    counts = []
    for c in chosen:
        start = time.perf_counter()
        targets = partitions if c.number in _PAIRWISE else [store]
        n = sum(_count(t, q) for t in targets for q in c.runnable(t))
        counts.append(IcCount(c, n, time.perf_counter() - start))
    return counts


def check_published(store: Store, iris: Iris) -> list[IcCount]:
    """The ICs on a normalised copy of every published graph (restricted datasets too: the
    pipeline's view), read through the store's own SPARQL so a remote store works alike."""
    graphs = published_graphs(store, iris, EVERYONE_INTERNAL)
    found = store.query("CONSTRUCT WHERE { ?s ?p ?o }", default_graph=graphs)
    assert isinstance(found, ox.QueryTriples)
    scratch = scratch_copy(found)
    normalise(scratch)
    return count_violations(scratch)
