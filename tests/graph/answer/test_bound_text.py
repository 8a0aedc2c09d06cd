"""A question's SPARQL with its values written in runs on its own and answers the same."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.answer.answers import run_question
from graph.answer.bound_text import bind_into_text, prefix_lines, term_text
from graph.answer.code_lists import CodeListCache
from graph.answer.editor_texts import question_sparql
from graph.answer.questions import load_catalogue, prefix_map
from graph.answer.sparql import run_query
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.rdf.sparql_text import tokenize
from graph.settings import PROJECT_DIR

Demo = tuple[Platform, list[LoadReport]]
CATALOGUE = load_catalogue(PROJECT_DIR / "questions")
XSD = "http://www.w3.org/2001/XMLSchema#"
# Values other than the defaults, so that every kind of parameter is written in at least once.
OTHER_VALUES: dict[str, list[tuple[str, str]]] = {
    "agency-coverage": [("agency", "dinkes"), ("level", "desa")],
    "stunting-water-priority-villages": [("region", "18.09.05"), ("min_stunting_pct", "15,5")],
    "village-ranking": [("region", "18.09.02"), ("indicator", "kpm-pkh"), ("period", "2023")],
    "indicator-by-region": [("level", "desa"), ("indicator", "jumlah-penduduk")],
    "indicator-change": [("from_period", "2021"), ("to_period", "2023"), ("region", "18.09.03")],
}


def _rows(outcome_rows: list[list[object]]) -> list[list[str]]:
    return [[str(t) for t in row] for row in outcome_rows]


CASES: list[tuple[str, list[tuple[str, str]]]] = [(q, []) for q in sorted(CATALOGUE.questions)] + sorted(
    OTHER_VALUES.items()
)


@pytest.mark.slow
@pytest.mark.parametrize(("question_id", "given"), CASES)
def test_every_question_written_out_answers_the_same_rows_in_the_same_order(
    demo: Demo, question_id: str, given: list[tuple[str, str]]
) -> None:
    platform, _ = demo
    question = CATALOGUE.get(question_id)
    lists = CodeListCache().get(platform.store, platform.iris, platform.settings.home_region)
    answer = run_question(platform.store, platform.iris, question, given, lists, max_rows=100_000)
    text = question_sparql(question, answer.parameters, platform.iris)
    outcome = run_query(platform.store, platform.iris, text, max_rows=100_000)
    assert outcome.variables == answer.columns
    assert _rows(outcome.rows) == _rows(answer.rows)
    for name, parameter in answer.parameters.items():
        if parameter.value is not None:
            assert f"#   {name} = {parameter.value}" in text  # the header names each value


def test_values_are_written_only_where_the_variable_is_bound() -> None:
    # The second sub-SELECT does not project ?region: its ?region is another variable.
    sparql = """# ?region in a comment stays
SELECT ?region ?name WHERE {
  { SELECT ?region ?x WHERE { ?x <urn:in> ?region } }
  { SELECT ?x ?name WHERE { ?x <urn:name> ?name . OPTIONAL { ?x <urn:r> ?region } } }
  FILTER(?name != "?region")
} GROUP BY ?region ?name ORDER BY ?region"""
    region = ox.NamedNode("urn:r1")
    text = bind_into_text(sparql, {"region": region}, prefixes={}, columns=["name"], parameters=["region"])
    assert text.startswith("# ?region in a comment stays\nSELECT ?name WHERE {")
    assert "{ SELECT ?x WHERE { ?x <urn:in> <urn:r1> } }" in text
    assert "OPTIONAL { ?x <urn:r> ?region }" in text
    assert 'FILTER(?name != "?region")' in text
    assert "GROUP BY ?name ORDER BY" not in text and text.rstrip().endswith("GROUP BY ?name")
    ox.Store().query(text)  # it parses


def test_a_bound_column_stays_a_column_and_an_emptied_group_by_keeps_a_constant() -> None:
    sparql = "SELECT ?period (COUNT(*) AS ?n) WHERE { ?o <urn:period> ?period } GROUP BY ?period"
    period = ox.NamedNode("https://x.id/id/periode/2024")
    text = bind_into_text(
        sparql,
        {"period": period},
        prefixes={"periode": "https://x.id/id/periode/"},
        columns=["period", "n"],
        parameters=["period"],
    )
    assert text == (
        "SELECT (periode:2024 AS ?period) (COUNT(*) AS ?n) WHERE { ?o <urn:period> periode:2024 } "
        "GROUP BY (periode:2024)"
    )
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:o"), ox.NamedNode("urn:period"), period))
    solutions = store.query(prefix_lines(text, {"periode": "https://x.id/id/periode/"}) + text)
    assert isinstance(solutions, ox.QuerySolutions)
    assert [s["n"].value for s in solutions] == ["1"]


def test_terms_are_written_readably_and_safely() -> None:
    prefixes = {"wilayah": "https://x.id/id/wilayah/", "ind": "https://x.id/id/indikator/"}
    decimal = ox.NamedNode(XSD + "decimal")
    assert term_text(ox.NamedNode("https://x.id/id/indikator/prevalensi-stunting"), prefixes) == (
        "ind:prevalensi-stunting"
    )
    # Oxigraph does not parse a local name with two dots well: those stay whole IRIs.
    assert term_text(ox.NamedNode("https://x.id/id/wilayah/18.09.01"), prefixes) == (
        "<https://x.id/id/wilayah/18.09.01>"
    )
    assert term_text(ox.Literal("20", datatype=decimal), prefixes) == "20.0"
    assert term_text(ox.Literal("-3.5", datatype=decimal), prefixes) == f'"-3.5"^^<{XSD}decimal>'
    assert term_text(ox.Literal("7", datatype=ox.NamedNode(XSD + "integer")), prefixes) == "7"


def test_the_header_cannot_be_broken_by_a_label_with_a_line_break(demo: Demo) -> None:
    platform, _ = demo
    question = CATALOGUE.get("village-ranking")
    lists = CodeListCache().get(platform.store, platform.iris, platform.settings.home_region)
    answer = run_question(platform.store, platform.iris, question, [], lists, max_rows=10)
    region = answer.parameters["region"]
    sneaky = {**answer.parameters, "region": type(region)(**{**region.__dict__, "label": "x\nDROP ALL"})}
    text = question_sparql(question, sneaky, platform.iris)
    assert "\nDROP ALL" not in text and "(x DROP ALL)" in text


def test_tokens_give_the_text_back_and_prefixes_are_the_ones_used() -> None:
    sparql = 'SELECT * { ?s skos:broader/oc:x "a # not a comment" . } # skos:y'
    assert "".join(t.text for t in tokenize(sparql)) == sparql
    assert prefix_lines(sparql, {"oc": "urn:oc#", "skos": "urn:skos#", "qb": "urn:qb#"}) == (
        "PREFIX oc: <urn:oc#>\nPREFIX skos: <urn:skos#>\n"
    )


def test_prefix_map_has_the_instance_prefixes(demo: Demo) -> None:
    platform, _ = demo
    prefixes = prefix_map(platform.iris)
    assert prefixes["wilayah"] == platform.iris.region_prefix and prefixes["skos"].endswith("core#")
