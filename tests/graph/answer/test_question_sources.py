"""Which indicators a question reads and which agencies publish them."""

from __future__ import annotations

from graph.answer.question_sources import indicator_agencies, question_indicators, shown_sources
from tests.graph.answer.demo_answers import CATALOGUE, Demo, choices


def test_sources_name_the_indicators_and_their_agencies(demo: Demo) -> None:
    platform, _ = demo
    indicators = question_indicators(CATALOGUE.get("stunting-vs-safe-water"), platform.iris)
    assert indicators == (
        platform.iris.indicator("prevalensi-stunting"),
        platform.iris.indicator("persen-air-minum-layak"),
    )
    agencies = indicator_agencies(platform.store, platform.iris)
    assert agencies[indicators[0]] == (platform.iris.agency("dinkes"),)
    assert agencies[indicators[1]] == (platform.iris.agency("dpupr"),)


def test_sources_are_shown_by_label_with_their_pages(demo: Demo) -> None:
    platform, _ = demo
    question = CATALOGUE.get("stunting-vs-safe-water")
    by_indicator = indicator_agencies(platform.store, platform.iris)
    indicators, agencies = shown_sources(
        question_indicators(question, platform.iris), choices(demo), by_indicator, platform.iris
    )
    assert [a.href for a in agencies] == ["/id/organisasi/dinkes", "/id/organisasi/dpupr"]
    assert indicators[0].href == "/id/indikator/prevalensi-stunting" and indicators[0].label
