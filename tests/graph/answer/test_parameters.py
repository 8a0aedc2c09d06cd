"""Parameter values checked against their type and choices, and bound as RDF terms only."""

from __future__ import annotations

import re
from typing import Any

import pyoxigraph as ox
import pytest

from graph.answer.answers import run_question
from graph.answer.parameters import bind_parameters
from graph.answer.questions import question_prefixes
from graph.answer.sparql import run_query
from graph.errors import ParameterError
from tests.graph.answer.demo_answers import CATALOGUE, XSD, Demo, answer, choices


def test_parameters_are_bound_as_typed_terms_never_written_into_the_query(demo: Demo) -> None:
    platform, _ = demo
    result = answer(demo, "stunting-water-priority-villages", region="18.09.06", min_stunting_pct="22,5")
    assert result.sparql == question_prefixes(platform.iris) + CATALOGUE.get(result.question.id).sparql
    assert "22.5" not in result.sparql and "18.09.06" not in result.sparql
    terms = {n: p.term for n, p in result.parameters.items()}
    assert terms["region"] == ox.NamedNode(platform.iris.region("18.09.06"))
    assert terms["period"] == ox.NamedNode(platform.iris.period("2024"))
    assert terms["min_stunting_pct"] == ox.Literal("22.5", datatype=ox.NamedNode(XSD + "decimal"))
    assert result.rows and all(r["stunting_pct"] >= 22.5 for r in result.records())
    assert {r["district"] for r in result.records()} == {"Punduh Pidada"}


def refused(demo: Demo, question_id: str, **params: str) -> list[dict[str, Any]]:
    with pytest.raises(ParameterError) as caught:
        answer(demo, question_id, **params)
    return caught.value.problems


def test_unknown_parameter_is_named_with_the_known_ones(demo: Demo) -> None:
    [problem] = refused(demo, "population-density", tahun="2024")
    assert problem["parameter"] == "tahun" and problem["allowed"] == ["period", "sumber"]
    assert str(problem["message"]).startswith("parameter 'tahun' tidak dikenal")
    assert "/ unknown parameter 'tahun'" in str(problem["message"])


def test_value_not_among_the_choices_names_parameter_value_and_choices(demo: Demo) -> None:
    [problem] = refused(demo, "village-ranking", region="18.09.01.2005")
    assert problem["parameter"] == "region" and problem["value"] == "18.09.01.2005"
    assert problem["allowed"] == [f"18.09.{i:02d}" for i in range(1, 12)]
    message = str(problem["message"])
    assert message.index("tidak ada di daftar pilihan") < message.index("is not among the choices")


def test_wrong_type_out_of_range_and_repeated_values_are_all_reported(demo: Demo) -> None:
    platform, _ = demo
    with pytest.raises(ParameterError) as caught:
        run_question(
            platform.store,
            platform.iris,
            CATALOGUE.get("stunting-water-priority-villages"),
            [
                ("min_stunting_pct", "banyak"),
                ("max_safe_water_pct", "120"),
                ("period", "2024"),
                ("period", "2023"),
            ],
            choices(demo),
            max_rows=100,
        )
    problems = {p["parameter"]: p for p in caught.value.problems}
    assert "bukan bilangan desimal / value 'banyak' is not a decimal number" in str(
        problems["min_stunting_pct"]["message"]
    )
    assert "di luar rentang" in str(problems["max_safe_water_pct"]["message"])
    assert problems["max_safe_water_pct"]["allowed"] == [0, 100]
    assert "lebih dari sekali" in str(problems["period"]["message"])


INJECTIONS = [
    "2024> } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o",
    '" } UNION { ?s ?p ?o } #',
    "18.09' . ?x ?y ?z } #",
    "<http://example.org/x> . } INSERT DATA { <urn:a> <urn:b> <urn:c> } #",
]


@pytest.mark.slow
@pytest.mark.parametrize("question_id", sorted(CATALOGUE.questions))
def test_a_hostile_term_bound_past_validation_is_only_a_value(demo: Demo, question_id: str) -> None:
    """Even with the checks bypassed, a bound term cannot change the query: it stays one value."""
    platform, _ = demo
    question = CATALOGUE.get(question_id)
    bound = bind_parameters(question, [], choices(demo))
    defaults = {n: p.term for n, p in bound.items() if p.term is not None and p.variable}
    before = platform.store.count()
    sparql = question_prefixes(platform.iris) + question.sparql
    hostile: list[ox.NamedNode | ox.Literal] = [
        ox.Literal(" ".join(INJECTIONS)),
        ox.NamedNode("urn:x:" + re.sub(r"\W", "_", INJECTIONS[0])),
    ]
    # Every variable bound from outside: parameters (a dataset parameter is none: it chooses the
    # datasets the source variables are bound to) and source variables.
    variables = [n for n, p in question.spec.parameters.items() if p.type != "dataset"]
    for name in variables + list(question.spec.sources):
        for term in hostile:
            outcome = run_query(
                platform.store, platform.iris, sparql, max_rows=50, substitutions={**defaults, name: term}
            )
            assert outcome.variables == list(question.projection)
            assert all(row[outcome.variables.index(name)] == term for row in outcome.rows)
    assert platform.store.count() == before
