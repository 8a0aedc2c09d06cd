"""One freshness truth: the home page, the ``stale-datasets`` question and the catalogue agree.

The question keeps its own SPARQL (so SPARQL users can read and reuse it); these tests hold it
to the Python rule of ``graph.describe.freshness``, dataset by dataset, on the demo store and
on a table loaded here, always as of a fixed day (never the clock).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graph.answer.answers import run_question
from graph.answer.code_lists import read_code_lists
from graph.describe.catalog import Catalog, read_catalog
from graph.describe.catalog_json import catalog_json
from graph.describe.coherence_summary import CoherenceSummary
from graph.describe.overview import Holdings, build_overview
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from tests.conftest import SMALL_MAPPING, write_small_table
from tests.graph.answer.demo_answers import CATALOGUE, answer

Demo = tuple[Platform, list[LoadReport]]
SERVICE = "http://example.test/"
NO_FINDINGS = CoherenceSummary([], [], [])  # freshness does not depend on them
# What the question's status text says, in the rule's words.
SPARQL_STATUS = {
    "terkini / up to date": "current",
    "terlambat / overdue": "late",
    "periode di masa depan / period in the future": "future",
    "tidak berkala / irregular": "irregular",
}


def statuses(platform: Platform, catalog: Catalog, today: dt.date) -> dict[str, tuple[str, str, str]]:
    """Dataset id -> (home page, question, catalogue) status as of ``today``."""
    moment = dt.datetime.combine(today, dt.time(9), tzinfo=dt.UTC)
    empty = Holdings(None, [], [], [], 0, {})
    home = build_overview(catalog, empty, NO_FINDINGS, platform.iris, moment)
    question = CATALOGUE.get("stale-datasets")
    lists = read_code_lists(platform.store, platform.iris, platform.settings.home_region)
    asked = run_question(
        platform.store, platform.iris, question, {"tahun_berjalan": str(today.year)}, lists, max_rows=1000
    )
    by_question = {r["dataset"].rsplit("/", 1)[-1]: SPARQL_STATUS[r["status"]] for r in asked.records()}
    listing = catalog_json(catalog, SERVICE, today=today)
    by_catalogue = {d["id"]: d["freshness"]["status"] for d in listing["datasets"]}
    return {d.id: (d.freshness.status, by_question[d.id], by_catalogue[d.id]) for d in home.datasets}


@pytest.mark.parametrize(
    ("today", "future", "late", "current"),
    [
        # The typo year 2027 (data/README.md C5) is a finding until it comes; the other six end
        # in 2024, due in 2025, so late in 2026.
        (dt.date(2026, 12, 4), {"dinsos-kpm-desa"}, 6, 0),
        # On 1 January 2027 that period is no longer in the future: dinsos is up to date.
        (dt.date(2027, 1, 1), set(), 6, 1),
        # In 2025 the 2024 figures were what an annual dataset promised.
        (dt.date(2025, 6, 1), {"dinsos-kpm-desa"}, 0, 6),
    ],
)
def test_home_question_and_catalogue_agree_on_every_demo_dataset(
    demo: Demo, catalog: Catalog, today: dt.date, future: set[str], late: int, current: int
) -> None:
    platform, _ = demo
    found = statuses(platform, catalog, today)
    assert len(found) == 7
    for dataset, (home, question, listing) in found.items():
        assert home == question == listing, dataset
    by_status = [home for home, _, _ in found.values()]
    assert {d for d, (home, _, _) in found.items() if home == "future"} == future
    assert (by_status.count("late"), by_status.count("current")) == (late, current)


def test_the_future_period_is_named_as_a_finding(demo: Demo, catalog: Catalog) -> None:
    platform, _ = demo
    today = dt.date(2026, 12, 4)
    moment = dt.datetime.combine(today, dt.time(9), tzinfo=dt.UTC)
    home = build_overview(catalog, Holdings(None, [], [], [], 0, {}), NO_FINDINGS, platform.iris, moment)
    dinsos = next(d for d in home.datasets if d.id == "dinsos-kpm-desa")
    assert dinsos.freshness.finding and dinsos.freshness.last_period == "2027"
    assert dinsos.freshness.label == {
        "id": "Periode di masa depan (2027)",
        "en": "Period in the future (2027)",
    }
    assert home.future == 1 and home.late == 6
    row = next(
        r
        for r in answer(demo, "stale-datasets", tahun_berjalan="2026").records()
        if r["dataset"].endswith("/dinsos-kpm-desa")
    )
    assert (row["last_period"], row["status"]) == ("2027", "periode di masa depan / period in the future")
    entry = next(
        d for d in catalog_json(catalog, SERVICE, today=today)["datasets"] if d["id"] == "dinsos-kpm-desa"
    )
    assert entry["freshness"]["status"] == "future" and entry["freshness"]["last_period"] == "2027"


@pytest.mark.parametrize(
    ("frequency", "years", "today", "expected"),
    [
        ("annual", 6, dt.date(2026, 12, 4), "current"),  # 2020..2025: last year's figures are in
        ("annual", 5, dt.date(2026, 12, 4), "late"),  # 2020..2024
        ("monthly", 6, dt.date(2026, 12, 4), "late"),  # sub-annual: must reach this year
        ("irregular", 3, dt.date(2026, 12, 4), "irregular"),
    ],
)
def test_a_table_loaded_here_is_judged_alike_everywhere(
    platform: Platform, tmp_path: Path, frequency: str, years: int, today: dt.date, expected: str
) -> None:
    mapping = write_small_table(tmp_path, [str(1000 + i) for i in range(10 * years)])
    mapping.write_text(
        SMALL_MAPPING.replace("frequency: annual", f"frequency: {frequency}").format(path="penduduk.csv"),
        encoding="utf-8",
    )
    platform.load(mapping)
    catalog = read_catalog(platform.store, platform.iris, platform.settings.home_region)
    assert statuses(platform, catalog, today) == {"uji-penduduk": (expected, expected, expected)}
