"""The code-list conditions of IC-19 and KodeReferensiWilayah, decided on the triples read
graph by graph (``graph.check.code_checks.CodeTriples``), equal their SPARQL over the union of
the same graphs, on code lists made to break them: triples of one concept split over graphs,
a nested collection, a concept of another scheme, a region without a level, a scheme that is
also a collection, a literal and a blank node where an IRI is expected."""

from __future__ import annotations

import pytest

from graph.check.code_checks import CodeTriples
from graph.rdf.namespaces import OC, SKOS
from graph.rdf.results import solution_rows
from graph.store.embedded import EmbeddedStore

E = "https://contoh.test/"
PREFIXES = f"@prefix skos: <{SKOS}> . @prefix oc: <{OC}> . @prefix e: <{E}> .\n"
GRAPHS = {
    E + "g/referensi": """
e:wilayah a skos:ConceptScheme .
e:r1 a skos:Concept ; skos:inScheme e:wilayah ; oc:regionLevel e:desa .
e:r2 a skos:Concept ; skos:inScheme e:wilayah .
e:r3 a skos:Concept ; skos:inScheme e:lain ; oc:regionLevel e:desa .
e:lain a skos:Collection .
e:kelamin a skos:ConceptScheme .
e:l a skos:Concept ; skos:inScheme e:kelamin .
e:p skos:inScheme e:kelamin .
e:kelompok a skos:Collection ; skos:member e:a , e:sub , "e:lit" .
e:sub skos:member e:b .
e:campur a skos:ConceptScheme , skos:Collection ; skos:member e:m1 .
e:m1 a skos:Concept ; skos:inScheme e:campur .
e:m2 a skos:Concept ; skos:inScheme e:campur .
e:kosong a skos:ConceptScheme .
""",
    # The rest of r4 and of p (a concept here), and a deeper member, in other graphs.
    E + "g/draf": """
e:r4 a skos:Concept ; oc:regionLevel e:desa .
e:p a skos:Concept .
e:b skos:member e:c .
e:m3 skos:inScheme e:campur .
_:x a skos:Concept ; skos:inScheme e:kelamin .
""",
    E + "g/lain": """
e:r4 skos:inScheme e:wilayah .
e:m3 a skos:Concept .
e:campur skos:member e:m3 .
""",
}
VALUES = [f"<{E}{n}>" for n in "r1 r2 r3 r4 l p a sub b c m1 m2 m3 x lit wilayah kelamin".split()]
LISTS = [f"<{E}{n}>" for n in "wilayah kelamin kelompok campur kosong lain tiada".split()]


@pytest.fixture(scope="module")
def store() -> EmbeddedStore:
    store = EmbeddedStore(None)
    for graph, text in GRAPHS.items():
        store.load_rdf(PREFIXES + text, fmt="turtle", graph=graph)
    return store


def failing(store: EmbeddedStore, condition: str) -> set[str]:
    """The candidate values meeting ``condition`` over the union of every graph, in the store."""
    rows = solution_rows(
        store.query(
            f"SELECT ?value WHERE {{ VALUES ?value {{ {' '.join(VALUES)} }} {condition} }}",
            default_graph=list(GRAPHS),
        )
    )
    return {str(row["value"]) for row in rows}


def test_region_condition_equals_its_query(store: EmbeddedStore) -> None:
    triples = CodeTriples.read(store, list(GRAPHS))
    expected = failing(
        store,
        f"""FILTER NOT EXISTS {{ ?value a <{SKOS}Concept> ; <{SKOS}inScheme> ?scheme ;
      <{OC}regionLevel> ?level . ?scheme a <{SKOS}ConceptScheme> . }}""",
    )
    assert {v for v in VALUES if not triples.reference_region(v)} == expected
    assert f"<{E}r4>" not in expected and f"<{E}r2>" in expected  # not vacuous


@pytest.mark.parametrize("code_list", LISTS)
def test_code_list_condition_equals_its_query(store: EmbeddedStore, code_list: str) -> None:
    fails = CodeTriples.read(store, list(GRAPHS)).outside_list(code_list)
    expected = failing(
        store,
        f"""FILTER((EXISTS {{ {code_list} a <{SKOS}ConceptScheme> . }}
      && NOT EXISTS {{ ?value a <{SKOS}Concept> ; <{SKOS}inScheme> {code_list} . }})
    || (EXISTS {{ {code_list} a <{SKOS}Collection> . }} && NOT EXISTS {{ {code_list} <{SKOS}member>+ ?value . }}))""",
    )
    assert {v for v in VALUES if fails(v)} == expected
    if code_list in (f"<{E}kelamin>", f"<{E}kelompok>", f"<{E}campur>"):
        assert expected and set(VALUES) - expected  # some pass, some fail
