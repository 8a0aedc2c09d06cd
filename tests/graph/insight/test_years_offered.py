"""Years offered: only years that have come by the day asked, in question forms, /insight and /map.

The demo's Dinsos table has a row typed 2027 (data/README.md C5): on 4 December 2026 no year
selector offers it, from 1 January 2027 it is a year like any other.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from graph.answer.code_lists import read_code_lists
from graph.insight.catalogue import LEVELS, InsightCatalogue, read_catalogue
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from tests.conftest import write_small_table
from tests.graph.answer.demo_answers import choices

Demo = tuple[Platform, list[LoadReport]]
TODAY = dt.date(2026, 12, 4)


def test_question_forms_offer_no_year_after_the_current_one(demo: Demo) -> None:
    lists = choices(demo)
    assert "2027" in [c.value for c in lists.period]  # the graph holds it ...
    offered = [c.value for c in lists.as_of(TODAY).period]
    assert offered == ["2020", "2021", "2022", "2023", "2024"]  # ... no form offers it
    assert [c.value for c in lists.as_of(dt.date(2027, 1, 1)).period][-1] == "2027"
    assert lists.as_of(TODAY).region == lists.region  # the other choices are untouched


def test_insight_and_the_map_offer_no_year_after_the_current_one(catalogue: InsightCatalogue) -> None:
    assert "2027" in catalogue.all_years()
    today = catalogue.as_of(TODAY)
    assert today.all_years() == ["2024", "2023", "2022", "2021", "2020"]
    assert today.all_years(categorical=None) == [y for y in catalogue.all_years(None) if y != "2027"]
    for slug in today.indicators:
        for level in LEVELS:
            assert "2027" not in today.years(slug, level)
            assert today.years(slug, level) == [y for y in catalogue.years(slug, level) if y <= "2026"]
    # Choosing another dataset counts again from the per-dataset figures: still none of 2027.
    assert "2027" not in today.choose(("dinsos-kpm-desa",)).all_years()


def test_a_fresh_table_offers_only_the_years_that_have_come_by_the_day_asked(
    platform: Platform, tmp_path: Path
) -> None:
    # A table this code has never seen, 2020..2022, asked about as of mid-2021.
    platform.load(write_small_table(tmp_path, [str(1000 + i) for i in range(30)]))
    home, mid_2021 = platform.settings.home_region, dt.date(2021, 6, 1)
    lists = read_code_lists(platform.store, platform.iris, home)
    assert [c.value for c in lists.period] == ["2020", "2021", "2022"]
    assert [c.value for c in lists.as_of(mid_2021).period] == ["2020", "2021"]
    cat = read_catalogue(platform.store, platform.iris, home)
    assert cat.years("jumlah-penduduk", "desa") == ["2020", "2021", "2022"]
    assert cat.as_of(mid_2021).years("jumlah-penduduk", "desa") == ["2020", "2021"]
    assert cat.as_of(mid_2021).with_data("desa", "2022") == []
