"""A columnar plan gives exactly the rows of its question's SPARQL, for every parameter value."""

from __future__ import annotations

import pytest

from graph.answer.answers import run_question
from graph.answer.code_lists import read_code_lists
from graph.answer.columnar import answer_rows
from graph.answer.parameters import bind_parameters
from graph.answer.questions import Catalogue, load_catalogue
from graph.answer.view import ObservationView, read_view
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform

# Slow: answers every planned question both ways for every region and period.
pytestmark = pytest.mark.slow

Demo = tuple[Platform, list[LoadReport]]


@pytest.fixture(scope="module")
def view(demo: Demo) -> ObservationView:
    platform, _ = demo
    return read_view(platform.store, platform.iris)


@pytest.fixture(scope="module")
def catalogue(demo: Demo) -> Catalogue:
    platform, _ = demo
    return load_catalogue(platform.settings.resolve("questions"))


def planned(catalogue: Catalogue) -> list[str]:
    return sorted(q.id for q in catalogue.questions.values() if q.spec.columnar is not None)


def test_the_benchmarked_questions_have_plans(catalogue: Catalogue) -> None:
    assert {"household-size", "stunting-vs-safe-water", "village-ranking"} <= set(planned(catalogue))


def test_the_view_holds_every_published_observation(demo: Demo, view: ObservationView) -> None:
    platform, _ = demo
    counted = platform.store.query(
        "SELECT (COUNT(*) AS ?n) WHERE { ?o <http://purl.org/linked-data/cube#measureType> ?i ; ?i ?v }",
        default_graph=platform.store.named_graphs(),
    )
    assert view.observation_count == int(next(iter(counted))["n"].value)  # type: ignore[arg-type]
    assert view.observation_count > 8_000


@pytest.mark.parametrize("question_id", ["household-size", "stunting-vs-safe-water", "village-ranking"])
def test_plan_and_sparql_give_the_same_rows_for_every_region_and_period(
    demo: Demo, view: ObservationView, catalogue: Catalogue, question_id: str
) -> None:
    platform, _ = demo
    question = catalogue.questions[question_id]
    lists = read_code_lists(platform.store, platform.iris, platform.settings.home_region)
    regions = [c.value for c in lists.for_parameter(question.spec.parameters["region"])]
    periods = [c.value for c in lists.period]
    # The ranking also takes an indicator: every desa-level one, summed or not.
    indicators: list[dict[str, str]] = [{}]
    if "indicator" in question.spec.parameters:
        indicators = [
            {"indicator": c.value} for c in lists.for_parameter(question.spec.parameters["indicator"])
        ]
    compared = 0
    for given in ({"region": r, "period": p, **i} for r in regions[:6] for p in periods for i in indicators):
        by_sparql = run_question(platform.store, platform.iris, question, given, lists, max_rows=100_000)
        bound = bind_parameters(question, list(given.items()), lists)
        terms = {n: p.term for n, p in bound.items() if p.term is not None}
        by_plan = answer_rows(view, platform.iris, question, terms)
        assert by_plan == by_sparql.rows, (question_id, given)
        compared += len(by_plan)
    assert compared > 500  # the comparison covered real rows, not empty answers


def test_code_lists_from_the_view_are_the_code_lists_from_the_scan(demo: Demo, view: ObservationView) -> None:
    # The service reads the questions' choices through the view when it is ready: on a
    # province store on disk the scan took 176 s, the view a fraction of a second.
    platform, _ = demo
    home = platform.settings.home_region
    scanned = read_code_lists(platform.store, platform.iris, home)
    from_view = read_code_lists(platform.store, platform.iris, home, view=view)
    assert from_view == scanned
    assert len(scanned.period) >= 3 and len(scanned.indicator) >= 10
    assert {lvl for c in scanned.indicator for lvl in c.levels} >= {"desa", "kecamatan"}


def test_an_indicator_only_at_regions_without_a_level_is_not_offered(
    demo: Demo, view: ObservationView
) -> None:
    platform, _ = demo
    home = platform.settings.home_region
    some_indicator, some_period = next(iter(view.values))
    levelless = ObservationView(
        {(some_indicator + "-x", some_period): {"http://example.org/nowhere": []}, **view.values},
        view.regions,
        view.children,
        view.observation_count,
        view.units,
        view.levels,
        coded=view.coded,  # the categorical observations (the demo's IDM status)
    )
    assert some_indicator + "-x" in levelless.indicator_levels()
    assert levelless.indicator_levels()[some_indicator + "-x"] == set()
    assert levelless.indicator_levels()[some_indicator] == view.indicator_levels()[some_indicator]
    # As the scan leaves it out (its level path does not match), so does the view.
    offered = read_code_lists(platform.store, platform.iris, home, view=levelless)
    assert offered == read_code_lists(platform.store, platform.iris, home)
