"""WilayahDiBawahIndukYangDisebut (a row's region lies under the parent the row names),
answered graph by graph when a load judges what it touches.

The rule reads only the draft's rows and observations and the region hierarchy
(``graph.check.scope.OWN_GRAPHS``), yet in the store, even over the draft and the graphs that
are not dataset versions alone, its cost grew with what was published: 1.3 s into an empty
store and 3.4 s into one holding the other five on the province generator's Dinsos table
(docs/benchmarks.md), for the reason told in ``graph.check.code_checks``. Here each triple
pattern of its query is read from each graph alone (one graph is answered from its own
index) and the patterns are joined here: their union over the graphs is the union default
graph the query reads, so the solutions are the query's, as TSV cells, for
``graph.check.engine`` to read as it reads the query's.

``None`` (judged in the store) where a comparison is not plain (a parent that is a literal).
``tests/graph/publish/test_touched_judging.py`` holds the load's findings equal to the whole
judgement's on tables naming parents, the store running the query there.
"""

from __future__ import annotations

from collections.abc import Iterable

from graph.check.constraints import KEMENDAGRI_CODE, ShapeQuery
from graph.check.solutions import tsv_table
from graph.rdf.namespaces import OC, QB, RDF_TYPE, SDMX_DIMENSION, SKOS
from graph.store.interface import Store

__all__ = ["NAMES", "stated_parents"]

_SHAPE = "https://w3id.org/onecenter/shapes#WilayahDiBawahIndukYangDisebut"
_SUBCLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
_AREA = SDMX_DIMENSION + "refArea"
# The query's variables, as its solutions give them.
NAMES = ["this", "path", "value", "statedName", "code", "actualName"]

Pairs = dict[str, set[str]]


def _pairs(
    store: Store, graphs: list[str], predicate: str, objects: Iterable[str] = (), condition: str = ""
) -> Pairs:
    """Subject -> objects of ``predicate`` (TSV cells) over the union of ``graphs``, read one
    graph at a time, whole (a ``VALUES`` block of a draft's rows cost 1 ms a row in each
    graph); only the triples with one of ``objects`` (IRIs) or meeting the query's own
    ``condition`` on ``?o``, when given."""
    values = f"VALUES ?o {{ {' '.join(sorted(objects))} }}" if objects else ""
    found: Pairs = {}
    for graph in graphs:
        _, rows = tsv_table(
            store.query(
                f"SELECT ?s ?o WHERE {{ {values} ?s <{predicate}> ?o {condition} }}", default_graph=[graph]
            )
        )
        for s, o in rows:
            found.setdefault(s, set()).add(o)
    return found


def _named(cells: Iterable[str]) -> bool:
    """Whether every cell is an IRI, which a ``VALUES`` block can name."""
    return all(cell.startswith("<") for cell in cells)


def stated_parents(query: ShapeQuery, store: Store, graphs: list[str]) -> list[list[str]] | None:
    """The solutions of WilayahDiBawahIndukYangDisebut over the union of ``graphs`` (rows of
    ``NAMES`` cells), or None: not decided here."""
    if query.constraints[0].shape != _SHAPE:
        return None
    stated = _pairs(store, graphs, OC + "statedParent")
    if not stated:
        return []
    if not _named(p for parents in stated.values() for p in parents):
        return None  # a literal parent: the query's != is not a plain comparison
    named = _pairs(store, graphs, OC + "statedParentName")
    rows = {row for row in stated if row in named}
    if not rows:
        return []
    observations: Pairs = {}  # row -> its observations
    for this, sources in _pairs(store, graphs, OC + "sourceRow").items():
        for row in sources & rows:
            observations.setdefault(row, set()).add(this)
    kinds = _subclasses(store, graphs, f"<{QB}Observation>")
    if not _named(kinds):
        return None  # a blank node class: not named in a VALUES block
    typed_as = _pairs(store, graphs, RDF_TYPE, kinds)  # observations -> their kinds
    areas = _pairs(store, graphs, _AREA)
    broader = _pairs(store, graphs, SKOS + "broader")
    codes = _pairs(store, graphs, SKOS + "notation", condition=f"FILTER(datatype(?o) = <{KEMENDAGRI_CODE}>)")
    labels = _pairs(store, graphs, SKOS + "prefLabel", condition='FILTER(lang(?o) = "id")')
    solutions: list[list[str]] = []
    for row in sorted(rows):
        for this in sorted(t for t in observations.get(row, ()) if t in typed_as):
            for value in sorted(areas.get(this, ())):
                ends = [  # (parent, code, its name) the region gives
                    (actual, code, label)
                    for actual in sorted(broader.get(value, ()))
                    for code in sorted(codes.get(value, ()))
                    for label in sorted(labels.get(actual, ()))
                ]
                solutions += [
                    [this, f"<{_AREA}>", value, name, code, label]
                    for actual, code, label in ends
                    for parent in sorted(stated[row])
                    if parent != actual
                    for name in sorted(named[row])
                ]
    return solutions


def _subclasses(store: Store, graphs: list[str], cls: str) -> set[str]:
    """``cls`` and every class ``rdfs:subClassOf*`` it (``rdf:type/rdfs:subClassOf*``)."""
    sub_of = _pairs(store, graphs, _SUBCLASS_OF)
    below: Pairs = {}
    for sub, supers in sub_of.items():
        for sup in supers:
            below.setdefault(sup, set()).add(sub)
    found, todo = {cls}, [cls]
    while todo:
        for sub in below.get(todo.pop(), ()):
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found
