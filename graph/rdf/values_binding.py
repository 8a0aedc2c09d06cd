"""Variables bound to RDF terms as ``VALUES`` blocks, for servers that take query text only.

The SPARQL 1.1 Protocol has no way to send pre-bound variables (SEP-0007, pyoxigraph's
``substitutions``), so ``RemoteStore`` writes them into the query with ``bind_values``.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from graph.errors import QueryError

__all__ = ["bind_values"]

# Strings, IRIs and comments, which may contain any character; masked before reading structure.
_OPAQUE = re.compile(
    "|".join(
        (
            r'"""(?:[^"\\]|\\.|"(?!""))*"""',
            r"'''(?:[^'\\]|\\.|'(?!''))*'''",
            r'"(?:[^"\\\n]|\\.)*"',
            r"'(?:[^'\\\n]|\\.)*'",
            r'<[^<>"{}|^`\\\s]*>',
            r"#[^\n]*",
        )
    )
)
_KEYWORD = r"(?<![\w:?$@.\-])({})(?![\w:\-])"
_FORM = re.compile(_KEYWORD.format("SELECT|ASK|CONSTRUCT|DESCRIBE"), re.IGNORECASE)
_SELECT = re.compile(_KEYWORD.format("SELECT"), re.IGNORECASE)
_WHERE_FIRST = re.compile(r"\s*WHERE\b", re.IGNORECASE)
_VARIABLE = re.compile(r"[?$]([A-Za-z0-9_\u00b7\u00c0-\uffff]+)")


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
    names = [str(ox.Variable(name)) for name in substitutions]  # ValueError for a bad name
    terms = []
    for term in substitutions.values():
        if not isinstance(term, ox.NamedNode | ox.Literal):
            raise QueryError(f"hanya IRI atau literal / only IRIs and literals can be bound, got {term!r}")
        terms.append(str(term))
    code = _OPAQUE.sub(lambda m: " " * len(m.group(0)), sparql)
    closing = _matching_braces(code)
    form = _FORM.search(code)
    if form is None:
        raise QueryError("SPARQL tidak valid / invalid query: no SELECT, ASK, CONSTRUCT or DESCRIBE")
    kind = form.group(1).upper()
    # Each scope: (keyword position, its WHERE group's "{" position, projected names or None for all).
    scopes: list[tuple[int, int, set[str] | None]] = []
    if kind == "SELECT":
        scopes = [_select_scope(code, m.start(), m.end()) for m in _SELECT.finditer(code)]
    else:
        start = form.end()
        if kind == "CONSTRUCT":
            if _WHERE_FIRST.match(code, start):
                raise QueryError(
                    "CONSTRUCT WHERE tidak dapat diberi parameter / parameters cannot be bound in a "
                    "CONSTRUCT WHERE query over HTTP; write its template out"
                )
            template = code.find("{", start)
            start = closing.get(template, len(code))
        group = code.find("{", start)
        if group == -1:
            raise QueryError("SPARQL tidak valid / invalid query: no WHERE group to bind parameters in")
        scopes.append((form.start(), group, None))
        scopes += [_select_scope(code, m.start(), m.end()) for m in _SELECT.finditer(code, group)]
    top = scopes[0]
    for name in names:
        if top[2] is not None and name not in top[2]:
            raise QueryError(
                f"variabel {name} tidak diproyeksikan kueri / the query does not project {name} "
                "(as a plain variable), so it cannot be bound"
            )
    inserts: list[tuple[int, str]] = []
    for keyword, group, _ in scopes:
        chain = [s for s in scopes if s[1] < keyword < closing[s[1]] or s[0] == keyword]
        bound = [i for i, name in enumerate(names) if all(s[2] is None or name in s[2] for s in chain)]
        if not bound:
            continue
        block = f" VALUES ({' '.join(names[i] for i in bound)}) {{ ({' '.join(terms[i] for i in bound)}) }}"
        if _SELECT.match(code, group + 1 + _leading_space(code, group + 1)):
            # A group that is only a sub-SELECT cannot take more; nest the sub-SELECT in it.
            inserts += [(group + 1, block + " {"), (closing[group], "} ")]
        else:
            inserts.append((group + 1, block))
    text = sparql
    for position, insert in sorted(inserts, key=lambda p: p[0], reverse=True):
        text = text[:position] + insert + text[position:]
    return text


def _leading_space(code: str, position: int) -> int:
    return len(code[position:]) - len(code[position:].lstrip())


def _matching_braces(code: str) -> dict[int, int]:
    """Position of each ``{`` -> position of its ``}``."""
    stack: list[int] = []
    pairs: dict[int, int] = {}
    for i, char in enumerate(code):
        if char == "{":
            stack.append(i)
        elif char == "}":
            if not stack:
                raise QueryError(f"SPARQL tidak valid / invalid query: unmatched '}}' at offset {i}")
            pairs[stack.pop()] = i
    if stack:
        raise QueryError(f"SPARQL tidak valid / invalid query: unclosed '{{' at offset {stack[-1]}")
    return pairs


def _select_scope(code: str, start: int, end: int) -> tuple[int, int, set[str] | None]:
    """A SELECT's WHERE group and the variables it projects as themselves (None for ``*``)."""
    depth = 0
    for i in range(end, len(code)):
        char = code[i]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "{" and depth == 0:
            projection = code[end:i]
            plain = _without_parentheses(projection)
            if "*" in plain:
                return start, i, None
            return start, i, {f"?{name}" for name in _VARIABLE.findall(plain)}
    raise QueryError("SPARQL tidak valid / invalid query: a SELECT without a WHERE group")


def _without_parentheses(text: str) -> str:
    """``text`` less every parenthesised part (``(expression AS ?v)`` binds, not projects, ``?v``)."""
    out = []
    depth = 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif depth == 0:
            out.append(char)
    return "".join(out)
