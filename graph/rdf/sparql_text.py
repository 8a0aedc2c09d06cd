"""SPARQL text as tokens: the one scanner for every place that reads a query without parsing it.

The endpoint finds a query's form and refuses ``SERVICE`` calls, the remote store writes
``VALUES`` blocks into the right groups, the SPARQL editor writes a question's values into
its text. None of them needs a full parse, but all need the same care: a keyword inside a
string, an IRI or a comment is no keyword, and a brace there is no brace. So the text is
scanned here, once, into tokens that join back into the text unchanged; the structure the
others read (the form, the keywords, matching braces, SELECT projections) is read from them.

Queries come from anyone, so the scan takes time linear in the text whatever it holds: no
pattern here can backtrack over the text, and a string that is never closed is found
unclosed once, not again from every quote inside it.

>>> [(t.kind, t.text) for t in tokenize('ASK { ?s <urn:p> "a # b"@id } # end')]
... # doctest: +NORMALIZE_WHITESPACE
[('word', 'ASK'), ('space', ' '), ('other', '{'), ('space', ' '), ('var', '?s'), ('space', ' '),
 ('iri', '<urn:p>'), ('space', ' '), ('string', '"a # b"'), ('langtag', '@id'), ('space', ' '),
 ('other', '}'), ('space', ' '), ('comment', '# end')]
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from graph.errors import QueryError

__all__ = [
    "CLAUSE_END",
    "Projection",
    "Token",
    "brace_pairs",
    "code_indexes",
    "iter_tokens",
    "keywords",
    "nesting",
    "projections",
    "query_form",
    "tokenize",
]

# Each pattern matches at one position; the alternatives start with different characters,
# and none can fail after a partial match except an IRI, which fails at its first character
# that no IRI holds (and none of those characters starts another IRI): nothing to backtrack over.
_PLAIN = re.compile(
    r"""(?P<space>\s+)
      | (?P<word>[A-Za-z_][A-Za-z0-9_\-]*(?::(?:[A-Za-z0-9_\-.:%]|\\.)*)?)
      | (?P<var>[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+)
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<comment>\#[^\n]*)""",
    re.VERBOSE | re.DOTALL,
)
_LANGTAG = re.compile(r"@[A-Za-z]+(?:-[A-Za-z0-9]+)*")
# String bodies (a body always matches; the caller checks the closing quote).
_SHORT_BODY = {q: re.compile(rf"(?:[^{q}\\\n]|\\.)*", re.DOTALL) for q in "'\""}
_LONG_BODY = {q: re.compile(rf"(?:[^{q}\\]|\\.|{q}(?!{q}{q}))*", re.DOTALL) for q in "'\""}

# The clause keywords that end a SELECT's projection (and a GROUP BY or ORDER BY list).
CLAUSE_END = frozenset({"WHERE", "FROM", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "VALUES"})


class Token(NamedTuple):
    """One token: ``kind`` is comment, string, iri, var, word (keywords and prefixed names),
    langtag (``@id`` after a string), space or other (one character: braces, dots, ...)."""

    kind: str
    text: str
    start: int  # offset in the text

    @property
    def keyword(self) -> str:
        """The word in capitals when it can be a keyword (no prefix), else ``""``."""
        return self.text.upper() if self.kind == "word" and ":" not in self.text else ""


class _Strings:
    """Finds strings; remembers where an unclosed one ended, so that no quote inside it
    starts the same failing scan again (which would make the whole scan quadratic)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.short_unclosed_until = {"'": -1, '"': -1}
        self.long_unclosed = {"'": False, '"': False}

    def end(self, start: int) -> int | None:
        """Where the string opening at ``start`` ends, or None when it is never closed."""
        text, quote = self.text, self.text[start]
        if text.startswith(quote * 3, start) and not self.long_unclosed[quote]:
            body = _LONG_BODY[quote].match(text, start + 3).end()  # type: ignore[union-attr]
            if text.startswith(quote * 3, body):
                return body + 3
            # Unclosed to the end: every later long string of this quote is unclosed too.
            self.long_unclosed[quote] = True
        if start < self.short_unclosed_until[quote]:
            return None  # inside a short string already found unclosed: this one is too
        body = _SHORT_BODY[quote].match(text, start + 1).end()  # type: ignore[union-attr]
        if body < len(text) and text[body] == quote:
            return body + 1
        self.short_unclosed_until[quote] = body
        return None


def iter_tokens(text: str) -> Iterator[Token]:
    """The tokens of ``text`` one by one (see ``tokenize``)."""
    strings = _Strings(text)
    plain = _PLAIN.match
    position, size, after_string = 0, len(text), False
    while position < size:
        found = plain(text, position)
        if found is not None:
            kind, end = found.lastgroup or "other", found.end()
        else:
            kind, end = _quoted(text, position, strings, after_string)
        yield Token(kind, text[position:end], position)
        after_string = kind == "string"
        position = end


def _quoted(text: str, position: int, strings: _Strings, after_string: bool) -> tuple[str, int]:
    """The string or language tag at ``position``, else one other character."""
    char = text[position]
    if char in "'\"":
        closed = strings.end(position)
        if closed is not None:
            return "string", closed
    elif char == "@" and after_string:
        tag = _LANGTAG.match(text, position)
        if tag is not None:
            return "langtag", tag.end()
    return "other", position + 1


def tokenize(text: str) -> list[Token]:
    """The text as tokens; joined again they give the text back unchanged.

    >>> [t.text for t in tokenize("SELECT ?x { ?x ex:p 'it''s' }")]
    ['SELECT', ' ', '?x', ' ', '{', ' ', '?x', ' ', 'ex:p', ' ', "'it'", "'s'", ' ', '}']
    >>> [t.kind for t in tokenize('"never closed ?x')][:3]
    ['other', 'word', 'space']
    """
    return list(iter_tokens(text))


def code_indexes(tokens: Sequence[Token]) -> list[int]:
    """Indexes of the tokens that are code (not space, not comments)."""
    return [i for i, t in enumerate(tokens) if t.kind not in ("space", "comment")]


def keywords(sparql: str) -> set[str]:
    """The keywords a query uses, in capitals (never a word of a string, IRI or comment).

    >>> sorted(keywords('select * { SERVICE <urn:x> { ?service ?p "FROM" } } # ORDER'))
    ['SELECT', 'SERVICE']
    """
    return {t.text.upper() for t in iter_tokens(sparql) if t.kind == "word" and ":" not in t.text}


_OPENS, _CLOSES = frozenset("{(["), frozenset("})]")
# Prefix operators (and ``^^``): a run of them nests in a parser as brackets do.
_PREFIX_OPERATORS = frozenset("!+-^")


def nesting(sparql: str) -> tuple[int, int]:
    """How deep the query nests, and the offset where it first gets that deep.

    Each open brace, bracket or parenthesis counts one level until it is closed, and each
    operator of a run of ``!``, ``+``, ``-`` or ``^`` one more: a parser descends once for
    each. Characters in strings, IRIs and comments do not count. One pass, linear time.

    >>> nesting('SELECT * { FILTER(!(?x > "((((")) }')
    (3, 18)
    >>> nesting("ASK { ?s ?p - - - 1 }")[0]
    4
    """
    depth = deepest = at = run = 0
    for token in iter_tokens(sparql):
        if token.kind in ("space", "comment"):
            continue
        text = token.text if token.kind == "other" else ""
        run = run + 1 if text in _PREFIX_OPERATORS else 0
        if text in _OPENS:
            depth += 1
        elif text in _CLOSES:
            depth = max(depth - 1, 0)
        if depth + run > deepest:
            deepest, at = depth + run, token.start
    return deepest, at


def query_form(sparql: str) -> str | None:
    """The first keyword after the prologue (BASE and PREFIX declarations): SELECT, ASK,
    CONSTRUCT, DESCRIBE, or an update operation such as INSERT or DROP; None when there is none.

    >>> query_form("PREFIX ex: <http://example.org/#> # a comment\\n ask { ?s ?p ?o }")
    'ASK'
    >>> query_form("BASE <http://example.org/> drop all"), query_form("{ }")
    ('DROP', None)
    """
    declaring = False  # after PREFIX: the prefix name comes next
    for token in iter_tokens(sparql.lstrip("\ufeff")):
        if token.kind in ("space", "comment", "iri", "string"):
            continue
        if declaring and (":" in token.text and token.kind == "word" or token.text == ":"):
            declaring = False
            continue
        if token.keyword in ("BASE", "PREFIX"):
            declaring = token.keyword == "PREFIX"
            continue
        letters = re.match(r"[A-Za-z]+", token.text) if token.kind == "word" else None
        return letters.group(0).upper() if letters else None
    return None


def brace_pairs(tokens: Sequence[Token], *, strict: bool = True) -> dict[int, int]:
    """Index of each ``{`` token -> index of its ``}``.

    Raises:
        QueryError: (``strict``) a ``}`` closes nothing or a ``{`` is never closed; without
            ``strict`` such braces are left out.

    >>> brace_pairs(tokenize("{ { } '}' }"))
    {2: 4, 0: 8}
    """
    stack: list[int] = []
    pairs: dict[int, int] = {}
    for i, token in enumerate(tokens):
        if token.kind != "other":
            continue
        if token.text == "{":
            stack.append(i)
        elif token.text == "}":
            if stack:
                pairs[stack.pop()] = i
            elif strict:
                raise QueryError(
                    f"SPARQL tidak valid / invalid query: unmatched '}}' at offset {token.start}"
                )
    if stack and strict:
        raise QueryError(
            f"SPARQL tidak valid / invalid query: unclosed '{{' at offset {tokens[stack[-1]].start}"
        )
    return pairs


@dataclass(frozen=True)
class Projection:
    """A SELECT's projection: what it projects and where it ends (token indexes)."""

    select: int  # the SELECT keyword
    end: int  # the first token after the projection: ``{``, a clause keyword, or the end
    plain: frozenset[str]  # variables projected as themselves (names without ``?``)
    defined: frozenset[str]  # variables bound by ``(expression AS ?name)``
    star: bool  # ``SELECT *``


def projections(tokens: Sequence[Token]) -> list[Projection]:
    """Every SELECT of the query in text order, with its projection.

    >>> [(p.plain, p.defined, p.star) for p in projections(tokenize("SELECT ?a (1 AS ?b) { }"))]
    [(frozenset({'a'}), frozenset({'b'}), False)]
    """
    code = code_indexes(tokens)
    found = []
    for n, i in enumerate(code):
        if tokens[i].keyword == "SELECT":
            found.append(_projection(tokens, code, n))
    return found


def _projection(tokens: Sequence[Token], code: list[int], n: int) -> Projection:
    """The projection of the SELECT at ``code[n]``."""
    depth, plain, defined, star, previous = 0, set(), set(), False, ""
    k = n + 1
    while k < len(code):
        token = tokens[code[k]]
        if depth == 0 and (token.text == "{" or token.keyword in CLAUSE_END):
            break
        if token.text == "(":
            depth += 1
        elif token.text == ")":
            depth -= 1
        elif token.text == "*" and depth == 0:
            star = True
        elif token.kind == "var" and depth == 0:
            plain.add(token.text[1:])
        elif token.kind == "var" and previous == "AS":
            defined.add(token.text[1:])
        previous = token.keyword
        k += 1
    end = code[k] if k < len(code) else len(tokens)
    return Projection(code[n], end, frozenset(plain), frozenset(defined), star)
