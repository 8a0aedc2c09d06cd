"""Two reference-code rules answered from a draft's columns when a load judges what it touches.

IC-19 (a coded dimension's value is in its code list) and KodeReferensiWilayah (a region is
a reference region code) read only the observation, its structure and the reference graphs
(``graph.check.scope.OWN_GRAPHS``). In the store, even over the draft and reference graphs
alone, their cost grew with the whole store: Oxigraph evaluates a default graph made of
several named graphs against indexes holding every graph, and on the province generator's
tables at 20,000 observations IC-19 took 2 s into an empty store and 23 s into one holding
the other five (docs/benchmarks.md); a ``VALUES`` query of a draft's few thousand region
codes, 0.3 s and 3.7 s.

So the few triples the two conditions join are read graph by graph (one query per graph, a
graph alone answered from its own index: what it costs follows that graph, not the store)
and joined here: the types ``skos:Concept``, ``skos:ConceptScheme`` and ``skos:Collection``,
``skos:inScheme``, ``oc:regionLevel`` and ``skos:member``. Their union over the graphs is
the union default graph the queries read, so each condition is decided on it exactly as the
query decides it; the observations holding a code that fails are the findings, as the query
gives them. A draft has few distinct codes: each is decided once.

``None`` (judged in the store, as before) when a code is not a plain IRI: the triples are
keyed by IRI.
``tests/graph/publish/test_touched_judging.py`` holds the load's findings equal to the whole
judgement's, where the queries run in the store, and ``tests/graph/check/test_code_checks.py``
holds each condition equal to its query on code lists made to break it.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graph.check.column_checks import DraftContext
from graph.check.constraints import ShapeQuery, finding_of
from graph.check.findings import Finding, one_per_focus
from graph.check.solutions import tsv_table
from graph.cube.draft_columns import DraftObservations
from graph.rdf.namespaces import OC, QB, RDF_TYPE, SDMX_DIMENSION, SKOS
from graph.rdf.results import solution_values
from graph.store.interface import Store

__all__ = ["CodeTriples", "on_codes"]

_SHAPES = "https://w3id.org/onecenter/shapes#"
_AREA = SDMX_DIMENSION + "refArea"
_PLAIN_IRI = re.compile(r"^[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", re.IGNORECASE)
_CONCEPT, _SCHEME, _COLLECTION = (f"<{SKOS}{n}>" for n in ("Concept", "ConceptScheme", "Collection"))
_IN_SCHEME, _LEVEL, _MEMBER = f"<{SKOS}inScheme>", f"<{OC}regionLevel>", f"<{SKOS}member>"

# The triples the two conditions join, in one graph (terms as SPARQL TSV cells, N-Triples
# form: an IRI, a blank node and a literal of the same text stay apart, as in the store).
_READ = f"""SELECT ?s ?p ?o WHERE {{
  {{ VALUES ?o {{ {_CONCEPT} {_SCHEME} {_COLLECTION} }} ?s <{RDF_TYPE}> ?o . BIND(<{RDF_TYPE}> AS ?p) }}
  UNION {{ VALUES ?p {{ {_IN_SCHEME} {_LEVEL} {_MEMBER} }} ?s ?p ?o }} }}"""


@dataclass
class CodeTriples:
    """The code-list triples of the union of some graphs, for the two conditions."""

    types: dict[str, set[str]] = field(default_factory=dict)  # class -> its members
    schemes: dict[str, set[str]] = field(default_factory=dict)  # concept -> skos:inScheme
    levelled: set[str] = field(default_factory=set)  # subjects with an oc:regionLevel
    members: dict[str, set[str]] = field(default_factory=dict)  # collection -> skos:member

    @classmethod
    def read(cls, store: Store, graphs: list[str]) -> CodeTriples:
        """Read graph by graph: over one graph the store answers from that graph's entries."""
        triples = cls()
        for graph in graphs:
            _, rows = tsv_table(store.query(_READ, default_graph=[graph]))
            for s, p, o in rows:
                if p == _IN_SCHEME:
                    triples.schemes.setdefault(s, set()).add(o)
                elif p == _LEVEL:
                    triples.levelled.add(s)
                elif p == _MEMBER:
                    triples.members.setdefault(s, set()).add(o)
                else:
                    triples.types.setdefault(o, set()).add(s)
        return triples

    @classmethod
    def lazily(cls, store: Store, graphs: list[str]) -> Callable[[], CodeTriples]:
        """``read`` once, when first called (from any of the validation's threads)."""
        read: list[CodeTriples] = []
        lock = threading.Lock()

        def once() -> CodeTriples:
            with lock:
                if not read:
                    read.append(cls.read(store, graphs))
                return read[0]

        return once

    def reference_region(self, value: str) -> bool:
        """``?value a skos:Concept ; skos:inScheme ?scheme ; oc:regionLevel ?level .
        ?scheme a skos:ConceptScheme``."""
        return (
            value in self.types.get(_CONCEPT, set())
            and value in self.levelled
            and bool(self.schemes.get(value, set()) & self.types.get(_SCHEME, set()))
        )

    def outside_list(self, code_list: str) -> Callable[[str], bool]:
        """IC-19's condition for one code list: ``(EXISTS { list a skos:ConceptScheme } && NOT
        EXISTS { ?value a skos:Concept ; skos:inScheme list }) || (EXISTS { list a
        skos:Collection } && NOT EXISTS { list skos:member+ ?value })``."""
        scheme = code_list in self.types.get(_SCHEME, set())
        collection = code_list in self.types.get(_COLLECTION, set())
        concepts = self.types.get(_CONCEPT, set())
        reached = self._reached(code_list) if collection else set()

        def fails(value: str) -> bool:
            in_scheme = value in concepts and code_list in self.schemes.get(value, set())
            return (scheme and not in_scheme) or (collection and value not in reached)

        return fails

    def _reached(self, start: str) -> set[str]:
        """What ``start skos:member+`` reaches (one step or more)."""
        reached: set[str] = set()
        todo = [start]
        while todo:
            for member in self.members.get(todo.pop(), ()):
                if member not in reached:
                    reached.add(member)
                    todo.append(member)
        return reached


def on_codes(
    query: ShapeQuery,
    store: Store,
    graphs: list[str],
    draft: DraftObservations,
    context: DraftContext,
    triples: Callable[[], CodeTriples] | None = None,
) -> list[Finding] | None:
    """The findings of IC-19 or KodeReferensiWilayah on ``draft`` (None: not decided here).
    ``graphs``: the draft and the graphs that are not dataset versions; ``triples`` gives
    their code-list triples (``CodeTriples.read``), read once for both rules."""
    shape = query.constraints[0].shape
    if shape not in (_SHAPES + "KodeReferensiWilayah", _SHAPES + "IC-19-KodeDariDaftarKode"):
        return None
    read = triples() if triples is not None else CodeTriples.read(store, graphs)
    if shape == _SHAPES + "KodeReferensiWilayah":
        return _failing(query, draft, [(None, _AREA, lambda v: not read.reference_region(v))])
    cubes = " ".join(f"<{cube}>" for cube in sorted(context.cubes))
    if not cubes:
        return []
    coded = solution_values(
        store.query(
            f"""SELECT DISTINCT ?dataset ?path ?list WHERE {{ VALUES ?dataset {{ {cubes} }}
  ?dataset <{QB}structure> ?dsd . ?dsd <{QB}component> ?component .
  ?component <{QB}dimension> ?path . ?path <{QB}codeList> ?list . }}""",
            default_graph=graphs,
        )
    )
    checks: list[tuple[str | None, str, Callable[[str], bool]]] = [
        (row["dataset"], row["path"], read.outside_list(f"<{row['list']}>"))
        for row in sorted(coded, key=lambda r: (r["dataset"], r["path"], r["list"]))
    ]
    return _failing(query, draft, checks)


def _failing(
    query: ShapeQuery,
    draft: DraftObservations,
    checks: list[tuple[str | None, str, Callable[[str], bool]]],
) -> list[Finding] | None:
    """For each (data set or any, dimension, condition on a code as ``<IRI>``): the
    observations whose value of the dimension meets the condition."""
    c = query.constraints[0]
    cube = draft.objects(QB + "dataSet")
    found: list[Finding] = []
    for data_set, path, condition in checks:
        values = draft.objects(path)
        mine = pc.is_valid(values)
        if data_set is not None:
            mine = pc.and_(pc.fill_null(pc.equal(cube, data_set), False), mine)
        codes = sorted(set(pc.filter(values, mine).to_pylist()))
        if any(not _PLAIN_IRI.match(code) for code in codes):
            return None
        failing = [code for code in codes if condition(f"<{code}>")]
        if not failing:
            continue
        hit = pc.and_(mine, pc.is_in(values, value_set=pa.array(failing, pa.string())))
        rows = pa.array(np.flatnonzero(pc.fill_null(hit, False).to_numpy(zero_copy_only=False)))
        foci = draft.subjects(rows).to_pylist()
        shown = pc.take(values, rows).to_pylist()
        found += [
            finding_of(c, focus, path, value, {"this": focus, "path": path, "value": value})
            for focus, value in zip(foci, shown, strict=True)
        ]
    return one_per_focus(found)
