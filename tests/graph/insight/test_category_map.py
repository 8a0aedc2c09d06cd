"""A categorical indicator on the map, and kept out of the numeric analyses (issue 17, item 4).

A never-seen DPMD status table (``tests/category_table.py``) is loaded on top of the demo: the
map gives each desa its category as published, the legend counts the desa of each category in
rank order with a sequential palette, a desa without a status has no data, and correlate,
discover and the numeric questions neither offer status-idm nor take it. The demo publishes the
real IDM status of every desa (``dpmd-idm-desa``, the authoritative dataset), so the test table's
categories are mapped by asking for its dataset (``sumber``).
"""

from __future__ import annotations

import pandas as pd
import pytest

from graph.answer.answers import run_question
from graph.answer.code_lists import read_code_lists
from graph.answer.questions import load_catalogue
from graph.errors import ParameterError
from graph.insight.boundaries import Boundaries
from graph.insight.catalogue import InsightCatalogue, read_catalogue
from graph.insight.category_map import QUALITATIVE, palette
from graph.insight.choropleth import choropleth, load_boundaries, map_values, value_table
from graph.insight.correlate import correlate
from graph.insight.discover import discover
from graph.publish.platform import Platform
from graph.reference.categories import Category, CodeList
from graph.settings import PROJECT_DIR
from graph.text import Text
from tests.category_table import COUNTS, EXPECTED

# Slow: builds the demo graph and loads a table in a fresh store.
pytestmark = pytest.mark.slow

HOME = "18.09"
TABLE = ("uji-status-idm",)  # the test table's dataset, asked for instead of the authoritative one


@pytest.fixture(scope="module")
def platform(status_demo: Platform) -> Platform:
    return status_demo  # read only


@pytest.fixture(scope="module")
def cat(platform: Platform) -> InsightCatalogue:
    return read_catalogue(platform.store, platform.iris, HOME)


def _code(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


def test_the_map_gives_each_desa_its_category_and_the_legend_counts_them(
    platform: Platform, cat: InsightCatalogue
) -> None:
    found = map_values(
        platform.store, platform.iris, "status-idm", "desa", None, home_region=HOME, catalogue=cat,
        sources=TABLE,
    )  # fmt: skip
    assert found.categorical and found.period == "2024"
    assert {code: _code(iri) for code, iri in found.values.items()} == EXPECTED
    assert [(c.code, c.count) for c in found.categories] == COUNTS
    assert found.categories[2].label == Text("Berkembang", "Developing")
    assert found.source is not None and found.source.dataset is not None
    assert found.source.dataset.slug == "uji-status-idm"
    assert "never summed" in found.rule.en


def test_an_ordinal_list_is_coloured_lightest_to_darkest_by_rank(
    platform: Platform, cat: InsightCatalogue
) -> None:
    found = map_values(
        platform.store, platform.iris, "status-idm", "desa", "2024", home_region=HOME, catalogue=cat
    )
    ranks = [c.rank for c in found.categories]
    assert ranks == [1, 2, 3, 4, 5] and cat.code_lists["status-idm"].ordinal
    colours = [c.colour for c in found.categories]
    assert colours == list(palette(cat.code_lists["status-idm"]))
    # Sequential: each colour darker (lower luminance) than the one below it in rank.
    luminance = [
        sum(int(c[i : i + 2], 16) * w for i, w in ((1, 0.299), (3, 0.587), (5, 0.114))) for c in colours
    ]
    assert luminance == sorted(luminance, reverse=True)


def test_an_unranked_list_takes_a_qualitative_palette_and_a_long_ranked_one_spreads() -> None:
    unranked = CodeList("l", tuple(Category(c, c, Text(c)) for c in ("A", "B", "C")))
    assert palette(unranked) == QUALITATIVE[:3]
    ranked = CodeList("l", tuple(Category(str(i), str(i), Text(str(i)), rank=i) for i in range(1, 8)))
    seven = palette(ranked)
    assert len(set(seven)) == 7 and seven[0] == "#ffffd9" and seven[-1] == "#081d58"


def test_a_desa_without_a_status_is_no_data_on_the_map_and_in_the_table(
    platform: Platform, cat: InsightCatalogue
) -> None:
    found = map_values(
        platform.store, platform.iris, "status-idm", "desa", "2024", home_region=HOME, catalogue=cat,
        sources=TABLE,
    )  # fmt: skip
    boundaries = load_boundaries(PROJECT_DIR / "ontology" / "codes", HOME, "desa")
    assert isinstance(boundaries, Boundaries)
    joined = choropleth(boundaries, found, cat.labels("desa"), href=lambda c: c, describe=str)
    assert joined.classes is None
    props = {f["properties"]["kode"]: f["properties"] for f in joined.features}
    assert props["18.09.01.2001"]["value"] == "maju" and props["18.09.01.2001"]["label"] == "Maju / Developed"
    assert (
        props["18.09.01.2001"]["fill"] == found.categories[3].colour and props["18.09.01.2001"]["class"] == 3
    )
    blank = props["18.09.01.2004"]
    assert (blank["value"], blank["fill"], blank["class"]) == (None, None, None)
    assert "18.09.01.2004" in {r["code"] for r in joined.without_value}
    assert sum(1 for p in props.values() if p["fill"]) == len(EXPECTED)
    rows = {r["code"]: r for r in value_table(found, cat, None, href=lambda c: c)}
    assert rows["18.09.03.2003"]["value"] == "sangat-tertinggal" and rows["18.09.03.2003"]["class"] == 0
    assert rows["18.09.03.2003"]["category"].label.en == "Very underdeveloped"
    assert rows["18.09.01.2004"]["value"] is None and rows["18.09.01.2004"]["category"] is None


def test_categories_are_never_aggregated_to_kecamatan(platform: Platform, cat: InsightCatalogue) -> None:
    with pytest.raises(ParameterError) as refused:
        map_values(
            platform.store, platform.iris, "status-idm", "kecamatan", None, home_region=HOME, catalogue=cat
        )
    assert "has no values at kecamatan level" in refused.value.problems[0]["message"]


def test_the_default_map_is_still_a_numeric_indicator(platform: Platform, cat: InsightCatalogue) -> None:
    found = map_values(platform.store, platform.iris, None, "desa", None, home_region=HOME, catalogue=cat)
    assert not found.categorical and found.indicator.slug != "status-idm"
    assert pd.api.types.is_float_dtype(found.values)


def test_correlate_and_discover_neither_offer_nor_take_a_categorical_indicator(
    platform: Platform, cat: InsightCatalogue
) -> None:
    assert "status-idm" not in cat.with_data("desa")
    assert "status-idm" in cat.with_data("desa", categorical=None)
    assert cat.with_data("desa", categorical=True) == ["status-idm", "target-status-idm"]  # the demo's
    with pytest.raises(ParameterError) as refused:
        correlate(
            platform.store, platform.iris, "status-idm", "prevalensi-stunting", "desa", "2024",
            home_region=HOME, catalogue=cat,
        )  # fmt: skip
    [problem] = refused.value.problems
    assert problem["parameter"] == "x" and problem["value"] == "status-idm"
    assert "indikator kategori" in problem["message"] and "is a categorical indicator" in problem["message"]
    assert "category-count" in problem["message"] and "/map?indicator=status-idm" in problem["message"]
    assert "status-idm" not in problem["allowed"] and "prevalensi-stunting" in problem["allowed"]
    found = discover(platform.store, platform.iris, "desa", None, home_region=HOME, catalogue=cat)
    listed = {i["indicator"] for i in found.indicators} | {s["indicator"] for s in found.skipped}
    paired = {p[k]["indicator"] for p in found.pairs for k in ("x", "y")}
    assert "status-idm" not in listed | paired


def test_a_numeric_question_refuses_a_categorical_indicator_by_name(platform: Platform) -> None:
    lists = read_code_lists(platform.store, platform.iris, HOME)
    question = load_catalogue(PROJECT_DIR / "questions").get("indicator-by-region")
    with pytest.raises(ParameterError) as refused:
        run_question(
            platform.store, platform.iris, question,
            {"indicator": "status-idm", "level": "desa", "period": "2024"}, lists, max_rows=10,
        )  # fmt: skip
    [problem] = refused.value.problems
    assert problem["parameter"] == "indicator" and "status-idm" not in problem["allowed"]
    assert "adalah indikator kategori" in problem["message"] and "category-count" in problem["message"]
