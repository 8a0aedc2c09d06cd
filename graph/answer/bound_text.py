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

It works on tokens (comments, strings and IRIs are skipped whole), not on a full parse,
so it covers the forms questions use; ``tests/graph/answer/test_bound_text.py`` runs every
question both ways and compares the answers.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from graph.rdf.namespaces import XSD

__all__ = ["bind_into_text", "prefix_lines", "term_text", "tokenize", "used_prefixes"]

Term = ox.NamedNode | ox.Literal

_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
    | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*(?::(?:[A-Za-z0-9_\-.:%]|\\.)*)?)
    | (?P<space>\s+)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
# A local name that can be written after a prefix as it is (no escapes needed).
_SAFE_LOCAL = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_\-]*$")
# The clause keywords that end a projection, GROUP BY or ORDER BY list.
_CLAUSE_END = {"WHERE", "FROM", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"}


@dataclass
class _Token:
    kind: str
    text: str

    @property
    def upper(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


@dataclass
class _Select:
    """One SELECT: where its projection and its extent (the sub-query) are, in token indexes."""

    start: int  # the SELECT keyword
    projection_end: int  # first token after the projection
    end: int  # first token after the sub-query
    parent: _Select | None
    projected: set[str]
    star: bool


def tokenize(text: str) -> list[_Token]:
    """The text as tokens; joined again they give the text back unchanged."""
    tokens = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        tokens.append(_Token(kind, match.group()))
    return tokens


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


def _significant(tokens: list[_Token]) -> list[int]:
    return [i for i, t in enumerate(tokens) if t.kind not in ("space", "comment")]


def _selects(tokens: list[_Token]) -> list[_Select]:
    """Every SELECT with its projection and extent, outermost first."""
    sig = _significant(tokens)
    # The enclosing open brace of every token, to find where a sub-SELECT ends.
    close_of: dict[int, int] = {}
    stack: list[int] = []
    for i in sig:
        if tokens[i].text == "{":
            stack.append(i)
        elif tokens[i].text == "}" and stack:
            close_of[stack.pop()] = i
    selects: list[_Select] = []
    open_braces: list[int] = []
    for n, i in enumerate(sig):
        token = tokens[i]
        if token.text == "{":
            open_braces.append(i)
        elif token.text == "}" and open_braces:
            open_braces.pop()
        elif token.upper == "SELECT":
            end = close_of.get(open_braces[-1], len(tokens)) if open_braces else len(tokens)
            depth, projected, star, previous = 0, set(), False, ""
            k = n + 1
            while k < len(sig):
                t = tokens[sig[k]]
                if depth == 0 and (t.text == "{" or t.upper in _CLAUSE_END):
                    break
                if t.text == "(":
                    depth += 1
                elif t.text == ")":
                    depth -= 1
                elif t.text == "*" and depth == 0:
                    star = True
                elif t.kind == "var" and (depth == 0 or previous == "AS"):
                    projected.add(t.text[1:])
                previous = t.upper
                k += 1
            projection_end = sig[k] if k < len(sig) else len(tokens)
            parent = next((s for s in reversed(selects) if s.start < i < s.end), None)
            selects.append(_Select(i, projection_end, end, parent, projected, star))
    return selects


def _bound_in(select: _Select, values: Collection[str], cache: dict[int, set[str]]) -> set[str]:
    """The variables bound in a (sub-)query: its parent's that it projects."""
    if select.start in cache:
        return cache[select.start]
    outer = set(values) if select.parent is None else _bound_in(select.parent, values, cache)
    bound = outer if select.star else outer & select.projected
    cache[select.start] = bound
    return bound


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
    cache: dict[int, set[str]] = {}
    owner: list[_Select | None] = [None] * len(tokens)
    for select in selects:  # outermost first, so inner SELECTs overwrite their range
        for i in range(select.start, min(select.end, len(tokens))):
            owner[i] = select
    out = [t.text for t in tokens]
    sig = _significant(tokens)
    position = {i: n for n, i in enumerate(sig)}

    for select in selects:
        bound = _bound_in(select, values, cache)
        top = select.parent is None
        firsts: list[int] = []
        depth = 0
        for i in sig[position[select.start] + 1 :]:
            if i >= select.projection_end:
                break
            t = tokens[i]
            depth += {"(": 1, ")": -1}.get(t.text, 0)
            name = t.text[1:]
            if t.kind != "var" or depth != 0:
                continue
            if top and name in parameters and name not in columns:
                _erase(tokens, out, i)
            elif name in bound:
                if top and name in columns:
                    out[i] = f"({term_text(values[name], prefixes)} AS {t.text})"
                else:
                    firsts.append(i)
                    _erase(tokens, out, i)
        if firsts and not _projection_left(tokens, out, sig, position[select.start], select.projection_end):
            # Nothing left to project: keep the first as a constant column.
            i = firsts[0]
            out[i] = f"({term_text(values[tokens[i].text[1:]], prefixes)} AS {tokens[i].text})"

    for i in sig:
        t = tokens[i]
        scope = owner[i]
        if t.kind != "var" or scope is None or out[i] != t.text:
            continue
        name = t.text[1:]
        if name not in _bound_in(scope, values, cache):
            continue
        previous = sig[position[i] - 1] if position[i] > 0 else None
        if previous is not None and tokens[previous].upper == "AS":
            continue  # a variable being defined, not used
        out[i] = term_text(values[name], prefixes)

    _drop_constant_conditions(tokens, out, sig, values, owner, cache, prefixes)
    return "".join(out)


def _erase(tokens: list[_Token], out: list[str], i: int) -> None:
    """Take token ``i`` out with the space around it, keeping line breaks."""
    out[i] = ""
    after, before = i + 1, i - 1
    while before >= 0 and out[before] == "":
        before -= 1
    if after < len(tokens) and tokens[after].kind == "space" and "\n" not in tokens[after].text:
        out[after] = ""
    elif before >= 0 and tokens[before].kind == "space" and "\n" not in tokens[before].text:
        out[before] = ""


def _projection_left(tokens: list[_Token], out: list[str], sig: list[int], start: int, end: int) -> bool:
    """Whether a projection still has something: a variable, an expression or ``*``."""
    depth = 0
    for i in sig[start + 1 :]:
        if i >= end:
            break
        t = tokens[i]
        if depth == 0 and out[i] and (t.kind == "var" or t.text in ("(", "*")):
            return True
        depth += {"(": 1, ")": -1}.get(t.text, 0)
    return False


def _drop_constant_conditions(
    tokens: list[_Token],
    out: list[str],
    sig: list[int],
    values: Mapping[str, Term],
    owner: list[_Select | None],
    cache: dict[int, set[str]],
    prefixes: Mapping[str, str],
) -> None:
    """Bound variables written alone in GROUP BY / ORDER BY lists leave the list; an empty
    ORDER BY goes, an empty GROUP BY keeps one constant (grouping differs from none)."""
    for n, i in enumerate(sig[:-1]):
        keyword = tokens[i].upper
        if keyword not in ("GROUP", "ORDER") or tokens[sig[n + 1]].upper != "BY":
            continue
        items, dropped, depth = 0, [], 0
        for k in sig[n + 2 :]:
            t = tokens[k]
            if depth == 0 and (t.text == "}" or t.upper in _CLAUSE_END):
                break
            if depth == 0:
                select = owner[k]
                if t.kind == "var" and select is not None and t.text[1:] in _bound_in(select, values, cache):
                    dropped.append(k)
                elif t.kind in ("var", "word") or t.text == "(":
                    items += 1
            depth += {"(": 1, ")": -1}.get(t.text, 0)
        if not dropped:
            continue
        # The first pass wrote the term in place; take the variables out again, but keep one
        # constant in a GROUP BY that would be left empty.
        keep = dropped[0] if items == 0 and keyword == "GROUP" else None
        for k in dropped:
            if k == keep:
                out[k] = f"({term_text(values[tokens[k].text[1:]], prefixes)})"
            else:
                _erase(tokens, out, k)
        if items == 0 and keep is None:
            out[i] = out[sig[n + 1]] = ""


def used_prefixes(sparql: str) -> set[str]:
    """The prefix names a SPARQL text uses (in prefixed names outside comments and strings)."""
    return {t.text.split(":", 1)[0] for t in tokenize(sparql) if t.kind == "word" and ":" in t.text}


def prefix_lines(sparql: str, prefixes: Mapping[str, str]) -> str:
    """PREFIX lines for the prefixes ``sparql`` uses, in the order of ``prefixes``."""
    used = used_prefixes(sparql)
    return "".join(f"PREFIX {n}: <{iri}>\n" for n, iri in prefixes.items() if n in used)
