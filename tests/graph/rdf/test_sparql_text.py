"""The one SPARQL scanner: tokens that give the text back, read in linear time whatever the text."""

from __future__ import annotations

import random
import time

import pytest

from graph.rdf.sparql_text import brace_pairs, keywords, projections, query_form, tokenize

PIECES = ["'", '"', "'''", '"""', "\\", "\n", " ", "<", ">", "{", "}", "#", "?", "$", "a", ":", "@", "SELECT"]


def test_tokens_join_back_into_any_text() -> None:
    rng = random.Random(16)
    for _ in range(2000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40)))
        assert "".join(t.text for t in tokenize(text)) == text
        assert all(text.startswith(t.text, t.start) for t in tokenize(text))


@pytest.mark.slow
@pytest.mark.parametrize(
    "hostile",
    [
        '\\"' * 100_000,  # every quote escaped: one unclosed string, found once
        "'''" + "\\'" * 100_000,  # an unclosed long string
        '"' * 3 + "a" * 200_000,
        "<" * 200_000,
        "<a" * 100_000,
        "?" * 200_000,
    ],
)
def test_hostile_text_is_scanned_in_linear_time(hostile: str) -> None:
    start = time.perf_counter()
    tokens = tokenize(hostile)
    assert "".join(t.text for t in tokens) == hostile
    assert time.perf_counter() - start < 10  # quadratic would take hours


def test_keywords_in_strings_iris_comments_and_language_tags_are_not_keywords() -> None:
    text = 'SELECT * { ?s <urn:SERVICE> "SERVICE" ; ex:SERVICE "x"@SERVICE } # SERVICE'
    assert keywords(text) == {"SELECT"}
    assert "SERVICE" in keywords("SELECT * { SERVICE <urn:x> { ?s ?p ?o } }")


def test_the_form_is_the_first_keyword_after_the_prologue() -> None:
    assert query_form("\ufeffPREFIX : <urn:x#>\nBASE <urn:y>\n# c\nDESCRIBE ?x") == "DESCRIBE"
    assert query_form('PREFIX ex: <urn:x#> "select" CONSTRUCT {}') == "CONSTRUCT"
    assert query_form("?x") is None


def test_braces_pair_outside_strings_and_unbalanced_ones_are_refused() -> None:
    tokens = tokenize('{ "}" { # }\n } }')
    assert brace_pairs(tokens) == {4: 8, 0: 10}
    with pytest.raises(Exception, match="unclosed"):
        brace_pairs(tokenize("{ {"))
    assert brace_pairs(tokenize("} {"), strict=False) == {}


def test_projections_tell_plain_variables_from_defined_ones() -> None:
    sparql = "SELECT ?a $b (COUNT(*) AS ?n) WHERE { { SELECT * { ?a ?p ?o } } }"
    outer, inner = projections(tokenize(sparql))
    assert outer.plain == {"a", "b"} and outer.defined == {"n"} and not outer.star
    assert inner.star and inner.select > outer.end
