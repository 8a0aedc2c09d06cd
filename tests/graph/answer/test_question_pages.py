"""What the question pages show: cells, charts, sources and the form, from real answers."""

from __future__ import annotations

import re

from graph.answer.question_pages import answer_cells, chart_data, form_controls
from tests.graph.answer.demo_answers import CATALOGUE, Demo, answer, choices


def test_cells_sort_numbers_by_value_keep_years_together_and_link_regions(demo: Demo) -> None:
    platform, _ = demo
    density = answer(demo, "population-density", period="2024")
    first = dict(zip(density.columns, answer_cells(density, platform.iris)[0], strict=True))
    assert first["district_code"].href == "/id/wilayah/18.09.01" == first["district"].href
    assert first["area_km2"].sort == "97.06" and first["area_km2"].numeric and first["area_km2"].grouped
    assert first["population"].sort == "77141" and first["population"].grouped
    assert not first["area_year"].grouped  # a year keeps its four digits together
    assert not first["district"].numeric and first["district"].text == "Gedong Tataan"
    coverage = answer(demo, "agency-coverage")
    cell = dict(zip(coverage.columns, answer_cells(coverage, platform.iris)[0], strict=True))["indicator"]
    assert (
        cell.href is not None
        and cell.href.startswith("/id/indikator/")
        and cell.text.startswith("indikator/")
    )


def test_charts_follow_the_question_metadata(demo: Demo) -> None:
    ranking = answer(demo, "village-ranking", region="18.09.02")
    bar = chart_data(ranking)
    assert bar is not None and bar["type"] == "bar"
    assert bar["labels"] == [r["village"] for r in ranking.records()]
    assert bar["datasets"][0]["data"] == [r["value"] for r in ranking.records()]
    scatter = chart_data(answer(demo, "stunting-vs-safe-water", region="18.09.05"))
    assert scatter is not None and scatter["type"] == "scatter"
    assert len(scatter["datasets"][0]["data"]) == len(scatter["pointLabels"]) > 0
    assert set(scatter["datasets"][0]["data"][0]) == {"x", "y"}
    trend = chart_data(answer(demo, "indicator-trend"))
    assert (
        trend is not None
        and trend["type"] == "line"
        and trend["labels"] == ["2020", "2021", "2022", "2023", "2024"]
    )
    as_map = chart_data(answer(demo, "population-density"))
    assert as_map is not None and as_map["type"] == "bar" and "Gedong Tataan" in as_map["labels"]
    assert "peta" in as_map["summary"] and "map" in as_map["summary"]
    assert chart_data(answer(demo, "stale-datasets")) is None  # a table question has no chart


def test_form_controls_offer_the_choices_and_select_the_values(demo: Demo) -> None:
    question = CATALOGUE.get("stunting-water-priority-villages")
    controls = {c.name: c for c in form_controls(question, choices(demo), {"region": "18.09.05"})}
    region = controls["region"]
    assert region.kind == "select" and [o.value for o in region.options if o.selected] == ["18.09.05"]
    assert ("18.09", "Kabupaten Pesawaran") in [(o.value, o.text) for o in region.options]
    threshold = controls["min_stunting_pct"]
    assert threshold.kind == "number" and threshold.value == "20" and threshold.inputmode == "decimal"
    assert re.fullmatch(threshold.pattern, "1.234,5") and re.fullmatch(threshold.pattern, "22.5")
    assert not re.fullmatch(threshold.pattern, "22,5,1")
    refused = {c.name: c for c in form_controls(question, choices(demo), {"region": "99"}, ["region"])}
    assert refused["region"].invalid and [o.value for o in refused["region"].options if o.selected] == [
        "18.09"
    ]
    coverage = form_controls(CATALOGUE.get("agency-coverage"), choices(demo), {})
    assert all(c.options[0].value == "" and c.options[0].selected for c in coverage)  # optional: "all"
