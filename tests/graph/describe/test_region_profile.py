"""Region profiles (graph/describe/region_profile.py) on the demo store and on a fresh table.

Every expected figure is counted here with SPARQL straight from the published graphs, never
written down: the profile must agree with the data, whatever the data is.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.answer.questions import load_catalogue
from graph.describe.region_profile import OTHER, RegionProfile, region_profile
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.store.public import PublicGraphs
from tests.conftest import write_small_table

ROOT = Path(__file__).resolve().parents[3]


def _profile(platform: Platform, code: str) -> RegionProfile:
    return region_profile(
        platform.store,
        platform.iris,
        platform.iris.region(code),
        codes_dir=ROOT / "ontology" / "codes",
        catalogue=load_catalogue(ROOT / "questions"),
    )


def _one(platform: Platform, sparql: str) -> str:
    rows = PublicGraphs(platform.store, platform.iris).values(sparql)
    assert len(rows) == 1, rows
    return next(iter(rows[0].values()))


def test_a_kecamatan_population_is_the_sum_of_its_desa(demo: tuple[Platform, list[LoadReport]]) -> None:
    platform, _ = demo
    profile = _profile(platform, "18.09.01")
    card = profile.card(platform.iris.indicator("jumlah-penduduk"))
    assert card is not None and card.value.computed  # the kecamatan itself publishes none
    indicator = f"<{platform.iris.indicator('jumlah-penduduk')}>"
    prefix = platform.iris.region("18.09.01.")
    expected = _one(
        platform,
        f"""SELECT (SUM(?v) AS ?total) WHERE {{
              ?o qb:measureType {indicator} ; {indicator} ?v ; sdmx-dimension:refArea ?r ;
                 sdmx-dimension:refPeriod/rdfs:label "{card.period}" .
              FILTER(STRSTARTS(STR(?r), "{prefix}")) }}""",
    )
    assert card.value.number == float(expected)
    assert card.value.parts == card.value.of == len(profile.children)


def test_a_rate_is_recomputed_from_its_parts_never_averaged(demo: tuple[Platform, list[LoadReport]]) -> None:
    platform, _ = demo
    profile = _profile(platform, "18.09.01")
    rate = profile.card(platform.iris.indicator("prevalensi-stunting"))
    stunted = profile.card(platform.iris.indicator("balita-stunting"))
    weighed = profile.card(platform.iris.indicator("balita-ditimbang"))
    assert rate and stunted and weighed and rate.period == stunted.period == weighed.period
    assert stunted.value.number is not None and weighed.value.number
    assert rate.value.number == pytest.approx(stunted.value.number / weighed.value.number * 100)


def test_a_desa_rank_agrees_with_a_direct_count(demo: tuple[Platform, list[LoadReport]]) -> None:
    platform, _ = demo
    profile = _profile(platform, "18.09.01.2001")
    card = profile.card(platform.iris.indicator("prevalensi-stunting"))
    assert card is not None and card.rank is not None and card.value.number is not None
    indicator = f"<{platform.iris.indicator('prevalensi-stunting')}>"
    prefix = platform.iris.region("18.09.01.")
    peers = f"""?o qb:measureType {indicator} ; {indicator} ?v ; sdmx-dimension:refArea ?r ;
                   sdmx-dimension:refPeriod/rdfs:label "{card.period}" .
                FILTER(STRSTARTS(STR(?r), "{prefix}"))"""
    higher = _one(platform, f"SELECT (COUNT(?o) AS ?n) WHERE {{ {peers} FILTER(?v > {card.value.number}) }}")
    counted = _one(platform, f"SELECT (COUNT(?o) AS ?n) WHERE {{ {peers} }}")
    assert card.rank == (int(higher) + 1, int(counted))
    assert card.higher_is_better is False  # declared in ontology/themes.ttl


def test_profiles_group_by_theme_and_measure_against_the_targets(
    demo: tuple[Platform, list[LoadReport]],
) -> None:
    platform, _ = demo
    kabupaten = _profile(platform, "18.09")
    themes = [t.label.id for t in kabupaten.themes]
    assert {"Kependudukan", "Kesehatan", "Pendidikan", "Infrastruktur dasar", "Pembangunan desa"} <= set(
        themes
    )
    assert OTHER.id not in themes  # every demo indicator declares its theme
    assert len(kabupaten.children) == 11 and kabupaten.columns
    stunting = next(t for t in kabupaten.targets if t.indicator.endswith("prevalensi-stunting"))
    card = kabupaten.card(platform.iris.indicator("prevalensi-stunting"))
    assert card is not None and stunting.value == card.value.number and stunting.target == 14.0
    assert stunting.met == (stunting.value is not None and stunting.value <= 14.0)
    assert stunting.source and stunting.source.startswith("https://")
    desa = _profile(platform, "18.09.01.2001")
    idm = next(t for t in desa.targets if t.indicator.endswith("/status-idm"))
    assert idm.status is not None and idm.wanted is not None and idm.met is not None
    assert [q.id for q in desa.questions if q.id == "village-profile"]
    assert not [q for q in kabupaten.questions if q.id == "village-profile"]  # desa only


def test_a_fresh_table_without_a_theme_shows_under_other(platform: Platform, tmp_path: Path) -> None:
    values = [str(500 + 7 * i) for i in range(10)]
    report = platform.load(write_small_table(tmp_path, values))
    assert report.outcome == "published"
    indicator = platform.iris.indicator("jumlah-penduduk")
    # As if the indicator were new: no theme declared for it.
    platform.store.update(
        f"DELETE WHERE {{ GRAPH ?g {{ <{indicator}> <https://w3id.org/onecenter/def#theme> ?t }} }}"
    )
    profile = _profile(platform, "18.09.01")
    other = next(t for t in profile.themes if t.label == OTHER)
    card = next(c for c in other.cards if c.indicator == indicator)
    assert card.value.number == sum(int(v) for v in values) and card.value.computed
    assert card.value.parts == 10 and card.value.of == len(profile.children)
