"""SPARQL SELECT answers as rows: the one place a solution sequence becomes dictionaries.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.Literal("x")))
>>> solution_values(store.query("SELECT ?s ?o ?none WHERE { ?s ?p ?o OPTIONAL { ?s <urn:q> ?none } }"))
[{'s': 'urn:a', 'o': 'x'}]
"""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

__all__ = ["solution_rows", "solution_values"]


def solution_rows(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> list[dict[str, Any]]:
    """A SELECT answer as ``{variable: term}`` rows, unbound variables left out."""
    assert isinstance(result, ox.QuerySolutions), "a SELECT query was expected"
    names = [v.value for v in result.variables]
    return [{n: s[n] for n in names if s[n] is not None} for s in result]


def solution_values(result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> list[dict[str, str]]:
    """A SELECT answer as ``{variable: text}`` rows (an IRI's or a literal's value)."""
    return [{name: term.value for name, term in row.items()} for row in solution_rows(result)]
