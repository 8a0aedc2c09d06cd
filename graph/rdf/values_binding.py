"""Variables bound to RDF terms as ``VALUES`` blocks, for servers that take query text only.

The SPARQL 1.1 Protocol has no way to send pre-bound variables (SEP-0007, pyoxigraph's
``substitutions``), so ``RemoteStore`` writes them into the query with ``bind_values``.
The query's structure (its form, groups and SELECT projections) is read from the tokens of
``graph.rdf.sparql_text``, so a brace or keyword in a string, IRI or comment is never taken
for one.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

import pyoxigraph as ox

from graph.errors import QueryError
from graph.rdf.sparql_text import Token, brace_pairs, code_indexes, projections, tokenize

__all__ = ["bind_values"]

_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


@dataclass(frozen=True)
class _Scope:
    """A query or sub-SELECT that bindings reach: token indexes of its keyword and of its
    WHERE group's ``{``, and the variables it projects as themselves (None: all of them)."""

    keyword: int
    group: int
    projected: set[str] | None


def bind_values(sparql: str, substitutions: dict[str, ox.NamedNode | ox.Literal]) -> str:
    """The query with each variable bound to its term by ``VALUES`` blocks (SEP-0007 over HTTP).

    A block goes first in the query's ``WHERE`` group, and first in every sub-SELECT that
    projects the variable (as do all the sub-SELECTs around it): the same scoping as the
    embedded store's substitutions, which reach into sub-SELECTs through their projection.

    Safe because terms are written by pyoxigraph, never pasted: ``ox.NamedNode`` refuses an
    IRI holding ``>``, a space, quote or backslash, so ``<...>`` cannot be closed early; a
    literal comes out in N-Triples syntax with every ``"`` and ``\\`` escaped, so its value
    stays inside its quotes. Even a server that decodes ``\\u`` escapes before parsing cannot
    be tricked: each backslash of the value is written doubled, so a decoded ``\\u0022``
    becomes an escaped quote. Variable names must be valid (``ox.Variable``).

    >>> bind_values('SELECT ?x WHERE { ?x ?p ?o }', {"x": ox.NamedNode("http://example.org/a")})
    'SELECT ?x WHERE { VALUES (?x) { (<http://example.org/a>) } ?x ?p ?o }'

    Raises:
        QueryError: the query's structure cannot be read, or a variable is not one it projects.
    """
    names = [ox.Variable(name).value for name in substitutions]  # ValueError for a bad name
    terms = []
    for term in substitutions.values():
        if not isinstance(term, ox.NamedNode | ox.Literal):
            raise QueryError(f"hanya IRI atau literal / only IRIs and literals can be bound, got {term!r}")
        terms.append(str(term))
    tokens = tokenize(sparql)
    closing = brace_pairs(tokens)
    scopes = _scopes(tokens, closing)
    top = scopes[0]
    for name in names:
        if top.projected is not None and name not in top.projected:
            raise QueryError(
                f"variabel ?{name} tidak diproyeksikan kueri / the query does not project ?{name} "
                "(as a plain variable), so it cannot be bound"
            )
    out = [t.text for t in tokens]
    for scope in scopes:
        chain = [s for s in scopes if s.group < scope.keyword < closing[s.group] or s is scope]
        bound = [
            i
            for i, name in enumerate(names)
            if all(s.projected is None or name in s.projected for s in chain)
        ]
        if not bound:
            continue
        variables = " ".join(f"?{names[i]}" for i in bound)
        block = f" VALUES ({variables}) {{ ({' '.join(terms[i] for i in bound)}) }}"
        if _only_a_select(tokens, scope.group):
            # A group that is only a sub-SELECT cannot take more; nest the sub-SELECT in it.
            out[scope.group] += block + " {"
            out[closing[scope.group]] = "} " + out[closing[scope.group]]
        else:
            out[scope.group] += block
    return "".join(out)


def _scopes(tokens: list[Token], closing: dict[int, int]) -> list[_Scope]:
    """The query itself, then every sub-SELECT in it, in text order."""
    code = code_indexes(tokens)
    form = next((n for n, i in enumerate(code) if tokens[i].keyword in _FORMS), None)
    if form is None:
        raise QueryError("SPARQL tidak valid / invalid query: no SELECT, ASK, CONSTRUCT or DESCRIBE")
    keyword = tokens[code[form]].keyword
    if keyword == "SELECT":
        return _select_scopes(tokens, code, after=-1)
    start = code[form]
    if keyword == "CONSTRUCT":
        if form + 1 < len(code) and tokens[code[form + 1]].keyword == "WHERE":
            raise QueryError(
                "CONSTRUCT WHERE tidak dapat diberi parameter / parameters cannot be bound in a "
                "CONSTRUCT WHERE query over HTTP; write its template out"
            )
        template = _next_brace(tokens, code, start)
        start = closing[template] if template is not None else len(tokens)
    group = _next_brace(tokens, code, start)
    if group is None:
        raise QueryError("SPARQL tidak valid / invalid query: no WHERE group to bind parameters in")
    return [_Scope(code[form], group, None), *_select_scopes(tokens, code, after=group)]


def _select_scopes(tokens: list[Token], code: list[int], *, after: int) -> list[_Scope]:
    """The SELECTs after token ``after``, each with its WHERE group and plain projection."""
    scopes = []
    for p in projections(tokens):
        if p.select <= after:
            continue
        group = _next_brace(tokens, code, p.end - 1)
        if group is None:
            raise QueryError("SPARQL tidak valid / invalid query: a SELECT without a WHERE group")
        scopes.append(_Scope(p.select, group, None if p.star else set(p.plain)))
    return scopes


def _next_brace(tokens: list[Token], code: list[int], after: int) -> int | None:
    """The first ``{`` after token ``after``."""
    return next((i for i in code[bisect_right(code, after) :] if tokens[i].text == "{"), None)


def _only_a_select(tokens: list[Token], group: int) -> bool:
    """Whether the first thing in the group is a SELECT (a group that is only a sub-SELECT)."""
    following = next((t for t in tokens[group + 1 :] if t.kind not in ("space", "comment")), None)
    return following is not None and following.keyword == "SELECT"
