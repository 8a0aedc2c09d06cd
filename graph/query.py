"""Run SPARQL over the published graphs and turn results into tables and SPARQL JSON.

Public queries see the published graphs only (the union of them as default
graph, each of them for ``GRAPH``), so a version being loaded is never visible.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from graph.iris import Iris
from graph.namespaces import sparql_prefixes
from graph.publication import published_graphs
from graph.store import Store

__all__ = ["QueryOutcome", "run_query"]


@dataclass
class QueryOutcome:
    """A query's answer, cut at the row cap (``truncated`` says so)."""

    kind: str  # "select" | "ask" | "graph"
    variables: list[str]
    rows: list[list[Any]]  # pyoxigraph terms or None; for "graph": [s, p, o]
    boolean: bool | None = None
    truncated: bool = False

    def to_sparql_json(self) -> dict[str, Any]:
        """W3C SPARQL 1.1 Query Results JSON (plus a ``truncated`` flag when cut)."""
        if self.kind == "ask":
            return {"head": {}, "boolean": bool(self.boolean)}
        bindings = [
            {v: _term_json(t) for v, t in zip(self.variables, row, strict=True) if t is not None}
            for row in self.rows
        ]
        out: dict[str, Any] = {"head": {"vars": self.variables}, "results": {"bindings": bindings}}
        if self.truncated:
            out["truncated"] = True
        return out

    def to_csv(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        if self.kind == "ask":
            writer.writerow(["boolean"])
            writer.writerow([str(bool(self.boolean)).lower()])
        else:
            writer.writerow(self.variables)
            writer.writerows([["" if t is None else t.value for t in row] for row in self.rows])
        return buffer.getvalue()


def _term_json(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


def run_query(
    store: Store,
    iris: Iris,
    sparql: str,
    *,
    max_rows: int,
    with_prefixes: bool = False,
    substitutions: dict[str, ox.NamedNode | ox.Literal] | None = None,
) -> QueryOutcome:
    """Run a read query over the published graphs, keeping at most ``max_rows`` rows.

    Raises:
        QueryError: the query does not parse.
    """
    text = sparql_prefixes() + sparql if with_prefixes else sparql
    graphs = published_graphs(store, iris)
    result = store.query(text, default_graph=graphs, named_graphs=graphs, substitutions=substitutions)
    if isinstance(result, ox.QueryBoolean):
        return QueryOutcome("ask", [], [], boolean=bool(result))
    rows: list[list[Any]] = []
    truncated = False
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        for solution in result:
            if len(rows) == max_rows:
                truncated = True
                break
            rows.append([solution[v] for v in variables])
        return QueryOutcome("select", variables, rows, truncated=truncated)
    for triple in result:
        if len(rows) == max_rows:
            truncated = True
            break
        rows.append([triple.subject, triple.predicate, triple.object])
    return QueryOutcome("graph", ["subject", "predicate", "object"], rows, truncated=truncated)
