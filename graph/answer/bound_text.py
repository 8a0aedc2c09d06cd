"""A question's SPARQL with its parameter values written into the text, to run anywhere.

A question runs with its parameters bound as RDF terms (``substitutions``, SEP-0007):
the text itself never changes. A person who copies a question into the SPARQL editor,
or into another tool, needs one text that runs on its own with the same values. This
module writes that text:

- every use of a bound variable becomes the term (``wilayah:11.01.02``, ``20.0``) within
  the scopes Oxigraph binds it in: the top-level query, and each sub-``SELECT`` that
  projects the variable (a sub-``SELECT`` that does not project it has a variable of
  the same name that is a different variable, and is left alone);
- a bound variable is dropped from sub-``SELECT`` projections, ``GROUP BY`` and ``ORDER BY``
  (grouping or sorting by a constant changes nothing); at the top level it stays as
  ``(term AS ?name)`` when it is an answer column, so the columns stay the same.

It works on the tokens of ``graph.rdf.sparql_text`` (comments, strings and IRIs are skipped
whole), not on a full parse, so it covers the forms questions use;
``tests/graph/answer/test_bound_text.py`` runs every question both ways and compares the answers.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from graph.rdf.namespaces import XSD
from graph.rdf.sparql_text import CLAUSE_END, Token, brace_pairs, code_indexes, projections, tokenize

__all__ = ["bind_into_text", "prefix_lines", "term_text", "used_prefixes"]

Term = ox.NamedNode | ox.Literal

# A local name that can be written after a prefix as it is (no escapes needed).
_SAFE_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-]*$")
_DEPTH = {"(": 1, ")": -1}


@dataclass
class _Select:
    """One SELECT: where its projection and its extent (the sub-query) are, in token indexes."""

    start: int  # the SELECT keyword
    projection_end: int  # first token after the projection
    end: int  # first token after the sub-query
    parent: _Select | None
    projected: frozenset[str]
    star: bool


def term_text(term: Term, prefixes: Mapping[str, str]) -> str:
    """The term as written in SPARQL: a prefixed name where one fits, numbers as numbers.

    >>> term_text(ox.NamedNode("https://x.id/id/periode/2024"), {"periode": "https://x.id/id/periode/"})
    'periode:2024'
    >>> term_text(ox.Literal("20", datatype=ox.NamedNode(XSD + "decimal")), {})
    '20.0'
    """
    if isinstance(term, ox.NamedNode):
        best = max(
            ((n, ns) for n, ns in prefixes.items() if term.value.startswith(ns)),
            key=lambda item: len(item[1]),
            default=None,
        )
        if best is not None and _SAFE_LOCAL.match(term.value[len(best[1]) :]):
            return f"{best[0]}:{term.value[len(best[1]) :]}"
        return str(term)
    datatype = term.datatype.value
    if datatype == XSD + "integer" and re.fullmatch(r"\d+", term.value):
        return term.value
    if datatype == XSD + "decimal" and re.fullmatch(r"\d+(\.\d+)?", term.value):
        return term.value if "." in term.value else term.value + ".0"
    return str(term)


def _selects(tokens: list[Token]) -> list[_Select]:
    """Every SELECT with its projection and extent, outermost first."""
    ends = _group_ends(tokens)
    selects: list[_Select] = []
    for p in projections(tokens):
        i = p.select
        parent = next((s for s in reversed(selects) if s.start < i < s.end), None)
        selects.append(_Select(i, p.end, ends[i], parent, p.plain | p.defined, p.star))
    return selects


def _group_ends(tokens: list[Token]) -> dict[int, int]:
    """Each SELECT keyword -> the end of the group around it (the text's end at the top)."""
    close_of = brace_pairs(tokens, strict=False)
    ends: dict[int, int] = {}
    open_braces: list[int] = []
    for i in code_indexes(tokens):
        token = tokens[i]
        if token.text == "{":
            open_braces.append(i)
        elif token.text == "}" and open_braces:
            open_braces.pop()
        elif token.keyword == "SELECT":
            ends[i] = close_of.get(open_braces[-1], len(tokens)) if open_braces else len(tokens)
    return ends


def bind_into_text(
    sparql: str,
    values: Mapping[str, Term],
    *,
    prefixes: Mapping[str, str],
    columns: Collection[str],
    parameters: Collection[str] = (),
) -> str:
    """``sparql`` with each variable of ``values`` replaced by its term (see the module).

    ``columns`` are the answer's columns: a bound top-level variable among them stays a
    column as ``(term AS ?name)``; other ``parameters`` (bound or not) leave the top-level
    projection, as they leave the answer.
    """
    tokens = tokenize(sparql)
    selects = _selects(tokens)
    if not selects:
        return sparql
    rewrite = _Rewrite(tokens, selects, values, prefixes)
    for select in selects:
        rewrite.projection(select, columns, parameters)
    rewrite.uses()
    rewrite.group_and_order()
    return "".join(rewrite.out)


class _Rewrite:
    """The text being rewritten: ``out`` holds each token's new text."""

    def __init__(
        self,
        tokens: list[Token],
        selects: list[_Select],
        values: Mapping[str, Term],
        prefixes: Mapping[str, str],
    ) -> None:
        self.tokens = tokens
        self.values = values
        self.prefixes = prefixes
        self.out = [t.text for t in tokens]
        self.code = code_indexes(tokens)
        self.position = {i: n for n, i in enumerate(self.code)}
        self._bound: dict[int, set[str]] = {}
        self.owner: list[_Select | None] = [None] * len(tokens)
        for select in selects:  # outermost first, so inner SELECTs overwrite their range
            for i in range(select.start, min(select.end, len(tokens))):
                self.owner[i] = select

    def term(self, i: int) -> str:
        """The term of the variable at token ``i``."""
        return term_text(self.values[self.tokens[i].text[1:]], self.prefixes)

    def bound_in(self, select: _Select) -> set[str]:
        """The variables bound in a (sub-)query: its parent's that it projects."""
        if select.start not in self._bound:
            outer = set(self.values) if select.parent is None else self.bound_in(select.parent)
            self._bound[select.start] = outer if select.star else outer & select.projected
        return self._bound[select.start]

    def _projected(self, select: _Select) -> list[int]:
        """The variables a SELECT projects as themselves (token indexes)."""
        found, depth = [], 0
        for i in self.code[self.position[select.start] + 1 :]:
            if i >= select.projection_end:
                break
            depth += _DEPTH.get(self.tokens[i].text, 0)
            if self.tokens[i].kind == "var" and depth == 0:
                found.append(i)
        return found

    def projection(self, select: _Select, columns: Collection[str], parameters: Collection[str]) -> None:
        """Bound variables leave the projection; at the top, a bound column becomes a constant."""
        bound = self.bound_in(select)
        top = select.parent is None
        erased: list[int] = []
        for i in self._projected(select):
            name = self.tokens[i].text[1:]
            if top and name in parameters and name not in columns:
                self.erase(i)
            elif name in bound and top and name in columns:
                self.out[i] = f"({self.term(i)} AS {self.tokens[i].text})"
            elif name in bound:
                erased.append(i)
                self.erase(i)
        if erased and not self._projection_left(select):
            # Nothing left to project: keep the first as a constant column.
            self.out[erased[0]] = f"({self.term(erased[0])} AS {self.tokens[erased[0]].text})"

    def _projection_left(self, select: _Select) -> bool:
        """Whether a projection still has something: a variable, an expression or ``*``."""
        depth = 0
        for i in self.code[self.position[select.start] + 1 :]:
            if i >= select.projection_end:
                break
            t = self.tokens[i]
            if depth == 0 and self.out[i] and (t.kind == "var" or t.text in ("(", "*")):
                return True
            depth += _DEPTH.get(t.text, 0)
        return False

    def uses(self) -> None:
        """Every other use of a bound variable becomes its term (a definition stays)."""
        for n, i in enumerate(self.code):
            t = self.tokens[i]
            scope = self.owner[i]
            if t.kind != "var" or scope is None or self.out[i] != t.text:
                continue
            if t.text[1:] not in self.bound_in(scope):
                continue
            if n > 0 and self.tokens[self.code[n - 1]].keyword == "AS":
                continue  # a variable being defined, not used
            self.out[i] = self.term(i)

    def group_and_order(self) -> None:
        """Bound variables written alone in GROUP BY / ORDER BY lists leave the list; an empty
        ORDER BY goes, an empty GROUP BY keeps one constant (grouping differs from none)."""
        for n, i in enumerate(self.code[:-1]):
            keyword = self.tokens[i].keyword
            if keyword not in ("GROUP", "ORDER") or self.tokens[self.code[n + 1]].keyword != "BY":
                continue
            items, dropped = self._list_items(n + 2)
            if not dropped:
                continue
            # The first pass wrote the term in place; take the variables out again, but keep one
            # constant in a GROUP BY that would be left empty.
            keep = dropped[0] if items == 0 and keyword == "GROUP" else None
            for k in dropped:
                if k == keep:
                    self.out[k] = f"({self.term(k)})"
                else:
                    self.erase(k)
            if items == 0 and keep is None:
                self.out[i] = self.out[self.code[n + 1]] = ""

    def _list_items(self, first: int) -> tuple[int, list[int]]:
        """A GROUP BY / ORDER BY list from ``code[first]``: how many items stay, and the
        bound variables that go (token indexes)."""
        items, dropped, depth = 0, [], 0
        for k in self.code[first:]:
            t = self.tokens[k]
            if depth == 0 and (t.text == "}" or t.keyword in CLAUSE_END):
                break
            select = self.owner[k]
            if depth == 0 and t.kind == "var" and select is not None and t.text[1:] in self.bound_in(select):
                dropped.append(k)
            elif depth == 0 and (t.kind in ("var", "word") or t.text == "("):
                items += 1
            depth += _DEPTH.get(t.text, 0)
        return items, dropped

    def erase(self, i: int) -> None:
        """Take token ``i`` out with the space around it, keeping line breaks."""
        tokens, out = self.tokens, self.out
        out[i] = ""
        after, before = i + 1, i - 1
        while before >= 0 and out[before] == "":
            before -= 1
        if after < len(tokens) and tokens[after].kind == "space" and "\n" not in tokens[after].text:
            out[after] = ""
        elif before >= 0 and tokens[before].kind == "space" and "\n" not in tokens[before].text:
            out[before] = ""


def used_prefixes(sparql: str) -> set[str]:
    """The prefix names a SPARQL text uses (in prefixed names outside comments and strings).

    >>> sorted(used_prefixes('SELECT * { ?s skos:broader/oc:x "qb:y" } # dcat:z'))
    ['oc', 'skos']
    """
    return {t.text.split(":", 1)[0] for t in tokenize(sparql) if t.kind == "word" and ":" in t.text}


def prefix_lines(sparql: str, prefixes: Mapping[str, str]) -> str:
    """PREFIX lines for the prefixes ``sparql`` uses, in the order of ``prefixes``."""
    used = used_prefixes(sparql)
    return "".join(f"PREFIX {n}: <{iri}>\n" for n, iri in prefixes.items() if n in used)
