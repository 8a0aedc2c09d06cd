"""Discovered pairs on the demo graph: every cross-agency pair, ranked, with Benjamini–Hochberg q-values."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from graph.errors import ParameterError
from graph.insight.catalogue import InsightCatalogue
from graph.insight.discover import discover
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.store.interface import Store

Demo = tuple[Platform, list[LoadReport]]


class CountingStore:
    """A store that counts the queries made through it."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.queries = 0

    def query(self, *args: Any, **kwargs: Any) -> Any:
        self.queries += 1
        return self._store.query(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


@pytest.fixture(scope="module")
def desa_2023(demo: Demo) -> tuple[dict[str, Any], int]:
    platform, _ = demo
    counting = CountingStore(platform.store)
    found = discover(counting, platform.iris, "desa", "2023", home_region=platform.settings.home_region)
    return found.as_dict(), counting.queries


def test_discover_ranks_every_cross_agency_pair_by_strength(
    desa_2023: tuple[dict[str, Any], int], catalogue: InsightCatalogue
) -> None:
    found, _ = desa_2023
    available = [i["indicator"] for i in found["indicators"]]
    agency = {s: catalogue.indicators[s].agency for s in available}
    expected = {frozenset(p) for p in itertools.combinations(available, 2) if agency[p[0]] != agency[p[1]]}
    pairs = found["pairs"]
    assert {frozenset((p["x"]["indicator"], p["y"]["indicator"])) for p in pairs} == expected
    assert len(pairs) == len(expected) >= 20
    assert all(p["x"]["agency"] != p["y"]["agency"] for p in pairs)
    strengths = [abs(p["pearson_r"]) for p in pairs]
    assert strengths == sorted(strengths, reverse=True)
    assert [p["rank"] for p in pairs] == list(range(1, len(pairs) + 1))
    skipped = {s["indicator"] for s in found["skipped"]}
    assert "murid-putus-sekolah" in skipped and "murid-putus-sekolah" not in available  # no desa figures


def test_discover_reads_the_store_a_few_times_not_once_per_pair(
    desa_2023: tuple[dict[str, Any], int],
) -> None:
    found, queries = desa_2023
    # The catalogue's seven (its code lists since issue 17), the year's observations, a few more.
    assert len(found["pairs"]) > 20 and queries <= 13


def test_discover_q_values_are_benjamini_hochberg_of_the_pearson_p_values(
    desa_2023: tuple[dict[str, Any], int],
) -> None:
    found, _ = desa_2023
    pairs = [p for p in found["pairs"] if p["pearson_p"] is not None]
    # The step-up rule written out: q_(i) = min over j >= i of p_(j) · m / j.
    order = sorted(range(len(pairs)), key=lambda i: pairs[i]["pearson_p"])
    m, running, expected = len(pairs), 1.0, [0.0] * len(pairs)
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, pairs[i]["pearson_p"] * m / rank)
        expected[i] = running
    assert [p["q_value"] for p in pairs] == pytest.approx(expected, rel=1e-9)
    for p in pairs:
        assert p["significant"] == (p["q_value"] <= found["fdr"] and p["n"] >= found["min_n"])


def test_the_wawasan_list_keeps_significant_pairs_that_are_not_mere_size(
    desa_2023: tuple[dict[str, Any], int],
) -> None:
    found, _ = desa_2023
    wawasan = found["wawasan"]
    key = {(p["x"]["indicator"], p["y"]["indicator"]): p for p in found["pairs"]}
    assert wawasan and all(key[(w["x"]["indicator"], w["y"]["indicator"])]["significant"] for w in wawasan)
    assert all(not key[(w["x"]["indicator"], w["y"]["indicator"])]["size_effect"] for w in wawasan)
    top = wawasan[0]
    assert {top["x"]["indicator"], top["y"]["indicator"]} == {"prevalensi-stunting", "persen-air-minum-layak"}
    assert "cenderung" in top["statement"]["id"] and "tend to have lower" in top["statement"]["en"]
    assert "bukan sebab-akibat" in found["caveat"]["id"] and "not causation" in found["caveat"]["en"]
    # Two counts of the same desa rise together with desa size: marked, and kept out of the wawasan.
    assert key[("jumlah-penduduk", "jumlah-rumah-tangga")]["size_effect"] is True


@pytest.mark.slow
def test_small_n_pairs_are_marked_and_never_called_significant(
    demo: Demo, catalogue: InsightCatalogue
) -> None:
    platform, _ = demo
    home = platform.settings.home_region

    def run(min_n: int) -> dict[str, Any]:
        return discover(
            platform.store,
            platform.iris,
            "kecamatan",
            "2023",
            home_region=home,
            min_n=min_n,
            catalogue=catalogue,
        ).as_dict()

    strict, usual = run(12), run(8)  # 11 kecamatan: every pair is below 12
    assert strict["pairs"] and all(p["small_n"] and not p["significant"] for p in strict["pairs"])
    assert strict["wawasan"] == []
    assert any(p["significant"] for p in usual["pairs"]) and not any(p["small_n"] for p in usual["pairs"])
    # The same pairs and coefficients either way: only the marking differs.
    assert [p["pearson_r"] for p in strict["pairs"]] == [p["pearson_r"] for p in usual["pairs"]]
    same = [p for p in usual["pairs"] if p["same_concept"]]
    assert {frozenset((p["x"]["indicator"], p["y"]["indicator"])) for p in same} == {
        frozenset(("jumlah-penduduk", "proyeksi-penduduk"))
    }


def test_a_pair_of_a_real_and_a_synthetic_indicator_is_marked_and_said(demo: Demo) -> None:
    # 2024: the real IDM (dpmd-idm-desa) beside the synthetic tables.
    platform, _ = demo
    found = discover(platform.store, platform.iris, "desa", "2024", home_region=platform.settings.home_region)
    body = found.as_dict()
    real = {i["indicator"] for i in body["indicators"] if not i["synthetic"]}
    assert real == {
        "indeks-ketahanan-ekonomi",
        "indeks-ketahanan-lingkungan",
        "indeks-ketahanan-sosial",
        "nilai-idm",
    }
    for p in body["pairs"]:
        assert p["mixed_data"] == (p["x"]["synthetic"] != p["y"]["synthetic"])
        assert p["mixed_data"] == ((p["x"]["indicator"] in real) != (p["y"]["indicator"] in real))
    mixed = [p for p in body["pairs"] if p["mixed_data"] and p["statement"]]
    assert len(mixed) == 4 * 10  # four real indicators x ten synthetic desa indicators, all tested
    for p in mixed:
        real_one, made_one = (p["x"], p["y"]) if p["x"]["indicator"] in real else (p["y"], p["x"])
        assert f"{real_one['label']['id']} adalah data nyata" in p["statement"]["id"]
        assert (
            f"{made_one['label']['en']} is synthetic data: their correlation means nothing"
            in p["statement"]["en"]
        )
    assert not [
        p
        for p in body["pairs"]
        if not p["mixed_data"] and "data nyata" in (p["statement"] or {}).get("id", "")
    ]
    assert [w["mixed_data"] for w in body["wawasan"]].count(True) == sum(
        1 for p in mixed if p["significant"] and not p["same_concept"] and not p["size_effect"]
    )
    # The caveat names the real ones and calls the many synthetic ones "the others".
    assert body["data_note"]["en"].startswith("Economic Resilience Index (IKE), ")
    assert (
        "; the other indicators are synthetic data: a correlation between a real and a synthetic"
        in (body["data_note"]["en"])
    )
    assert body["caveat"]["en"].endswith(body["data_note"]["en"])


def test_discover_refuses_an_unknown_level_and_a_year_without_data(
    demo: Demo, catalogue: InsightCatalogue
) -> None:
    platform, _ = demo
    home = platform.settings.home_region
    with pytest.raises(ParameterError) as caught:
        discover(platform.store, platform.iris, "dusun", None, home_region=home, catalogue=catalogue)
    assert caught.value.problems[0]["parameter"] == "level"
    with pytest.raises(ParameterError) as caught:
        discover(platform.store, platform.iris, "desa", "2010", home_region=home, catalogue=catalogue)
    assert caught.value.problems[0]["parameter"] == "period" and "2024" in caught.value.problems[0]["allowed"]
