"""Insight on the demo graph, checked against the agencies' raw tables read with pandas.

The independent side never touches the graph: it reads data/*.csv|xlsx, joins on the
codes (or names, where an agency writes names only) and computes with numpy/scipy.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from graph.errors import ParameterError
from graph.insight.correlate import (
    CAVEAT,
    Correlation,
    IndicatorInfo,
    IndicatorValues,
    InsightCatalogue,
    InsightInputs,
    adjust_p_values,
    correlate,
    correlation_stats,
    discover,
    indicator_values,
    read_catalogue,
    studentized_residuals,
)
from graph.publish.platform import LoadReport, Platform
from graph.settings import PROJECT_DIR
from graph.store.embedded import Store

Demo = tuple[Platform, list[LoadReport]]
DATA = PROJECT_DIR / "data"


# --- the raw agency tables, read independently ------------------------------------------------


def _number(text: object) -> float:
    """'67,5%' -> 67.5; '8.903' -> 8903 (the agencies' Indonesian number writing)."""
    raw = str(text).strip().rstrip("%")
    if "," in raw:
        return float(raw.replace(".", "").replace(",", "."))
    return float(raw.replace(".", "")) if raw.count(".") and len(raw.split(".")[-1]) == 3 else float(raw)


def dinsos(year: int) -> pd.DataFrame:
    frame = pd.read_csv(DATA / "dinsos_kpm_desa_2020_2024.csv", dtype=str)
    frame = frame[frame["Tahun"] == str(year)]
    return pd.DataFrame({"code": frame["Kode Wilayah"], "kpm_pkh": frame["KPM PKH"].astype(float)})


def dpupr(year: int) -> pd.DataFrame:
    frame = pd.read_excel(DATA / "dpupr_air_sanitasi_desa_2020_2024.xlsx", header=2, dtype=str)
    frame = frame[frame["Tahun"].str.strip() == str(year)]
    return pd.DataFrame(
        {
            "code": frame["Kode Desa"].str.strip(),
            "desa": frame["Desa"].str.strip().str.casefold(),
            "kecamatan": frame["Kecamatan"].str.strip().str.casefold(),
            "households": frame["Jumlah Rumah Tangga"].map(_number),
            "water_households": frame["RT Akses Air Minum Layak"].map(_number),
            "water_percent": frame["% Air Minum Layak"].map(_number),
        }
    )


def dinkes(year: int) -> pd.DataFrame:
    frame = pd.read_excel(DATA / "dinkes_balita_stunting_desa_2020_2024.xlsx", header=3, dtype=str)
    frame = frame[pd.to_numeric(frame["Tahun"], errors="coerce") == year]
    return pd.DataFrame(
        {
            "desa": frame["Desa"].str.strip().str.casefold(),
            "kecamatan": frame["Kecamatan"].str.strip().str.casefold(),
            "prevalence": frame["Prevalensi (%)"].map(_number),
        }
    )


def disdik_dropouts(year: int, home_region: str) -> pd.Series:
    """SD + SMP dropouts per kecamatan code (names matched to the shipped code list)."""
    frame = pd.read_csv(DATA / "disdik_sekolah_kecamatan_2020_2024.csv", dtype=str)
    frame = frame[frame["Tahun"] == str(year)]
    codes = pd.read_csv(PROJECT_DIR / "ontology" / "codes" / "wilayah_lampung.csv", dtype=str)
    codes = codes[(codes["tingkat"] == "kecamatan") & codes["kode"].str.startswith(home_region + ".")]
    by_name = dict(zip(codes["nama"].str.casefold(), codes["kode"], strict=True))
    names = frame["Kecamatan"].str.strip().str.removeprefix("Kec. ").str.casefold()
    dropouts = frame["Putus Sekolah SD"].map(_number) + frame["Putus Sekolah SMP"].map(_number)
    return pd.Series(dropouts.to_numpy(), index=names.map(by_name).to_numpy()).sort_index()


# --- helpers ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalogue(demo: Demo) -> InsightCatalogue:
    platform, _ = demo
    return read_catalogue(platform.store, platform.iris, platform.settings.home_region)


def run_correlate(
    demo: Demo, catalogue: InsightCatalogue, x: str, y: str, level: str, period: str | None
) -> Correlation:
    platform, _ = demo
    return correlate(
        platform.store,
        platform.iris,
        x,
        y,
        level,
        period,
        home_region=platform.settings.home_region,
        catalogue=catalogue,
    )


def assert_same_stats(found: Correlation, x: np.ndarray, y: np.ndarray) -> None:
    assert found.stats is not None
    assert found.stats.n == len(x)
    pearson, spearman, line = stats.pearsonr(x, y), stats.spearmanr(x, y), stats.linregress(x, y)
    assert found.stats.pearson_r == pytest.approx(pearson.statistic, abs=1e-12)
    assert found.stats.pearson_p == pytest.approx(pearson.pvalue, rel=1e-9)
    assert found.stats.spearman_rho == pytest.approx(spearman.statistic, abs=1e-12)
    assert found.stats.spearman_p == pytest.approx(spearman.pvalue, rel=1e-9)
    assert found.stats.slope == pytest.approx(line.slope, rel=1e-9)
    assert found.stats.intercept == pytest.approx(line.intercept, rel=1e-9)
    assert found.stats.r_squared == pytest.approx(np.corrcoef(x, y)[0, 1] ** 2, rel=1e-9)


# --- correlate ------------------------------------------------------------------------------------


def test_desa_correlation_equals_the_raw_tables_joined_on_codes(
    demo: Demo, catalogue: InsightCatalogue
) -> None:
    home = demo[0].settings.home_region
    raw = dinsos(2023).merge(dpupr(2023), on="code")
    raw = raw[raw["code"].str.startswith(home + ".")].set_index("code").sort_index()
    found = run_correlate(demo, catalogue, "kpm-pkh", "persen-air-minum-layak", "desa", "2023")
    table = found.table.set_index("code").sort_index()
    assert list(table.index) == list(raw.index) and len(raw) > 100
    assert table["x"].tolist() == raw["kpm_pkh"].tolist()
    assert table["y"].to_numpy() == pytest.approx(raw["water_percent"].to_numpy())
    assert_same_stats(found, raw["kpm_pkh"].to_numpy(), raw["water_percent"].to_numpy())
    assert found.excluded == [] and not found.small_n
    assert found.x_rule["en"] == "values as published"


def test_stunting_against_safe_water_by_desa_matches_the_name_only_health_table(
    demo: Demo, catalogue: InsightCatalogue
) -> None:
    # Dinkes writes names only: join them to DPUPR's coded rows by (kecamatan, desa) name.
    raw = dinkes(2023).merge(dpupr(2023), on=["kecamatan", "desa"]).set_index("code")
    found = run_correlate(demo, catalogue, "prevalensi-stunting", "persen-air-minum-layak", "desa", "2023")
    table = found.table.set_index("code")
    matched = table.index.intersection(raw.index)
    # The desa the names match carry the same figures in the graph; a matched desa missing from
    # the table is listed as excluded, and the graph may hold a few more (misspelt names it linked).
    assert len(matched) >= 140
    assert set(raw.index.difference(table.index)) <= {e["code"] for e in found.excluded}
    assert table.loc[matched, "x"].to_numpy() == pytest.approx(raw.loc[matched, "prevalence"].to_numpy())
    assert table.loc[matched, "y"].to_numpy() == pytest.approx(raw.loc[matched, "water_percent"].to_numpy())
    assert len(table) - len(matched) <= 2
    assert_same_stats(found, table["x"].to_numpy(), table["y"].to_numpy())
    expected = stats.pearsonr(raw.loc[matched, "prevalence"], raw.loc[matched, "water_percent"]).statistic
    assert found.stats is not None and found.stats.pearson_r == pytest.approx(expected, abs=0.02)
    assert found.stats.pearson_r < -0.5  # the demo data are built with this link
    every = {code for code in found.table["code"]} | {e["code"] for e in found.excluded}
    assert len(every) == len(dpupr(2023))  # every desa is in the table or says why it is not


def test_kecamatan_level_sums_desa_counts_and_education_levels(
    demo: Demo, catalogue: InsightCatalogue
) -> None:
    home = demo[0].settings.home_region
    pkh = dinsos(2023)
    pkh = pkh[pkh["code"].str.startswith(home + ".")]
    pkh_by_kecamatan = pkh.groupby(pkh["code"].str[: len(home) + 3])["kpm_pkh"].sum().sort_index()
    dropouts = disdik_dropouts(2023, home)
    found = run_correlate(demo, catalogue, "kpm-pkh", "murid-putus-sekolah", "kecamatan", "2023")
    table = found.table.set_index("code").sort_index()
    assert list(table.index) == list(pkh_by_kecamatan.index) == list(dropouts.index)
    assert table["x"].tolist() == pkh_by_kecamatan.tolist()
    assert table["y"].tolist() == dropouts.tolist()
    assert_same_stats(found, pkh_by_kecamatan.to_numpy(), dropouts.to_numpy())
    assert "sum over every desa" in found.x_rule["en"] and "summed over jenjang" in found.y_rule["en"]
    # Each kecamatan figure keeps the observations it was summed from.
    first = found.records()[0]
    assert (
        len(first["y_observations"]) == 2
        and len(first["x_observations"]) == (pkh["code"].str.startswith(first["code"] + ".")).sum()
    )


def test_percentage_at_kecamatan_is_recomputed_from_numerator_and_denominator(
    demo: Demo, catalogue: InsightCatalogue
) -> None:
    home = demo[0].settings.home_region
    raw = dpupr(2023)
    raw = raw[raw["code"].str.startswith(home + ".")]
    sums = raw.groupby(raw["code"].str[: len(home) + 3])[["water_households", "households"]].sum()
    expected = (100 * sums["water_households"] / sums["households"]).sort_index()
    averaged = raw.groupby(raw["code"].str[: len(home) + 3])["water_percent"].mean().sort_index()
    found = run_correlate(
        demo, catalogue, "persen-air-minum-layak", "murid-putus-sekolah", "kecamatan", "2023"
    )
    table = found.table.set_index("code").sort_index()
    assert table["x"].to_numpy() == pytest.approx(expected.to_numpy())
    assert not np.allclose(table["x"].to_numpy(), averaged.to_numpy())  # never a mean of percentages
    assert found.x_rule["en"].startswith("recomputed: 100 × rt-air-minum-layak ÷ jumlah-rumah-tangga")


def test_a_kecamatan_with_a_desa_missing_is_left_out_of_the_sum_and_says_why(
    demo: Demo, catalogue: InsightCatalogue
) -> None:
    home = demo[0].settings.home_region
    rows = pd.read_csv(DATA / "dinsos_kpm_desa_2020_2024.csv", dtype=str)
    rows = rows[rows["Kode Wilayah"].str.startswith(home + ".")]
    reported_2022 = set(rows.loc[rows["Tahun"] == "2022", "Kode Wilayah"])
    gaps = sorted(set(rows["Kode Wilayah"]) - reported_2022)
    assert gaps  # the demo's dinsos table lacks a desa in 2022
    incomplete = {code[: len(home) + 3] for code in gaps}
    found = run_correlate(demo, catalogue, "kpm-pkh", "murid-putus-sekolah", "kecamatan", "2022")
    assert incomplete.isdisjoint(found.table["code"])
    excluded = {e["code"]: e for e in found.excluded}
    assert set(excluded) == incomplete
    reason = excluded[sorted(incomplete)[0]]["missing"][0]
    assert reason["indicator"] == "x" and "desa without a value" in reason["reason"]["en"]
    assert "tanpa nilai" in reason["reason"]["id"]


def test_the_deliberate_share_above_100_percent_is_named_an_outlier(
    demo: Demo, catalogue: InsightCatalogue
) -> None:
    raw = dpupr(2023)
    above = raw.loc[raw["water_percent"] > 100, "code"].tolist()
    assert len(above) == 1
    found = run_correlate(demo, catalogue, "prevalensi-stunting", "persen-air-minum-layak", "desa", "2023")
    outliers = found.outliers()
    assert outliers[0]["code"] == above[0] and outliers[0]["direction"] == "above"
    assert outliers[0]["label"] and outliers[0]["studentized_residual"] > 2.5
    assert outliers[0]["region"].endswith("/" + above[0])
    marked = found.table.loc[found.table["outlier"], "code"].tolist()
    assert sorted(marked) == sorted(o["code"] for o in outliers)


def test_correlate_refuses_unknown_values_naming_parameter_value_and_allowed(
    demo: Demo, catalogue: InsightCatalogue
) -> None:
    def refused(**kwargs: Any) -> list[dict[str, Any]]:
        params: dict[str, Any] = {
            "x": "kpm-pkh",
            "y": "prevalensi-stunting",
            "level": "desa",
            "period": "2023",
        }
        params.update(kwargs)
        with pytest.raises(ParameterError) as caught:
            run_correlate(demo, catalogue, params["x"], params["y"], params["level"], params["period"])
        return caught.value.problems

    [problem] = refused(x="stunting")
    assert problem["parameter"] == "x" and problem["value"] == "stunting"
    assert "kpm-pkh" in problem["allowed"] and "unknown indicator" in problem["message"]
    [problem] = refused(level="provinsi")
    assert problem == {**problem, "parameter": "level", "value": "provinsi", "allowed": ["desa", "kecamatan"]}
    [problem] = refused(period="1999")
    assert (
        problem["parameter"] == "period" and "2023" in problem["allowed"] and "1999" not in problem["allowed"]
    )
    [problem] = refused(period="dua ribu")
    assert problem["parameter"] == "period" and "four-digit year" in problem["message"]
    [problem] = refused(x="murid-putus-sekolah")  # reported by kecamatan only
    assert problem["parameter"] == "x" and "murid-putus-sekolah" not in problem["allowed"]
    [problem] = refused(y="kpm-pkh")
    assert problem["parameter"] == "y" and "differ" in problem["message"]


def test_the_caveat_says_correlation_is_not_causation_and_is_area_level(
    demo: Demo, catalogue: InsightCatalogue
) -> None:
    found = run_correlate(demo, catalogue, "kpm-pkh", "prevalensi-stunting", "desa", "2023")
    caveat = found.caveat
    assert list(caveat) == ["id", "en"]
    assert "bukan sebab-akibat" in caveat["id"] and "ekologis" in caveat["id"]
    assert "not causation" in caveat["en"] and "not for individuals" in caveat["en"]
    assert caveat["en"].startswith(CAVEAT["en"]) and "synthetic" in caveat["en"]  # the demo data are


def test_without_a_period_the_latest_well_covered_year_is_used(
    demo: Demo, catalogue: InsightCatalogue
) -> None:
    years = pd.read_csv(DATA / "dinsos_kpm_desa_2020_2024.csv", dtype=str)["Tahun"].astype(int)
    stray = years.max()  # one mistyped row (a future year) must not become the default
    assert (years == stray).sum() == 1
    found = run_correlate(demo, catalogue, "kpm-pkh", "kpm-bpnt", "desa", None)
    assert found.period == str(sorted(set(years))[-2]) and len(found.table) > 100
    assert str(stray) in catalogue.years("kpm-pkh", "desa")


# --- aggregation rules on a constructed table ------------------------------------------------------


def _indicator(
    slug: str, kind: str, numerator: str | None = None, denominator: str | None = None
) -> IndicatorInfo:
    text = {"id": slug, "en": slug}
    return IndicatorInfo(
        slug, f"urn:x:{slug}", text, "unit", text, kind, "agency", text, None, numerator, denominator
    )


def test_aggregation_rules_on_a_constructed_table() -> None:
    regions = pd.DataFrame(
        {
            "code": ["K1", "K2", "D1", "D2", "D3"],
            "iri": [f"urn:r:{c}" for c in ("K1", "K2", "D1", "D2", "D3")],
            "label": ["K1", "K2", "D1", "D2", "D3"],
            "level": ["kecamatan", "kecamatan", "desa", "desa", "desa"],
            "parent": ["", "", "K1", "K1", "K2"],
        }
    ).set_index("code")
    rows = [
        ("pop", "D1", "jenis-kelamin=L", 10),
        ("pop", "D1", "jenis-kelamin=P", 12),
        ("pop", "D2", "jenis-kelamin=L", 5),  # P missing: an incomplete breakdown
        ("pop", "D3", "", 7),  # a published total wins over its parts
        ("pop", "D3", "jenis-kelamin=L", 3),
        ("num", "D1", "", 1),
        ("num", "D2", "", 2),
        ("num", "D3", "", 0),
        ("den", "D1", "", 10),
        ("den", "D2", "", 0),
        ("den", "D3", "", 5),
        ("dup", "D1", "", 4),
        ("dup", "D1", "", 5),  # two datasets give the same figure differently
        ("dup", "D2", "", 6),
        ("rate", "D1", "jenjang=SD", 0.5),  # a ratio broken down, without a total
        ("rate", "D1", "jenjang=SMP", 0.7),
    ]
    observations = pd.DataFrame(
        [
            {
                "indicator": i,
                "code": c,
                "level": regions.at[c, "level"],
                "dims": d,
                "value": float(v),
                "obs": f"urn:o:{n}",
            }
            for n, (i, c, d, v) in enumerate(rows)
        ]
    )
    indicators = {
        "pop": _indicator("pop", "count"),
        "num": _indicator("num", "count"),
        "den": _indicator("den", "count"),
        "share": _indicator("share", "percentage", "num", "den"),
        "dup": _indicator("dup", "count"),
        "rate": _indicator("rate", "ratio"),
        "loop": _indicator("loop", "percentage", "pool", "den"),
        "pool": _indicator("pool", "percentage", "loop", "den"),
    }
    inputs = InsightInputs("2023", regions, observations)

    def values(slug: str, level: str) -> IndicatorValues:
        found = indicator_values(inputs, indicators, slug, level)
        assert isinstance(found, IndicatorValues), found
        return found

    pop = values("pop", "desa")
    assert pop.values.to_dict() == {"D1": 22.0, "D3": 7.0}
    assert pop.sources["D1"] == ["urn:o:0", "urn:o:1"] and pop.sources["D3"] == ["urn:o:3"]
    assert pop.missing["D2"]["en"] == "incomplete breakdown by jenis-kelamin"
    kecamatan = values("pop", "kecamatan")
    assert kecamatan.values.to_dict() == {"K2": 7.0}
    assert kecamatan.missing["K1"]["en"].startswith("1 of 2 desa without a value")
    share = values("share", "desa")
    assert share.values.to_dict() == {"D1": 10.0, "D3": 0.0}
    assert share.missing["D2"]["en"] == "zero denominator"
    assert share.sources["D1"] == ["urn:o:5", "urn:o:8"]
    assert values("share", "kecamatan").values.to_dict() == {
        "K1": 30.0,
        "K2": 0.0,
    }  # 100 × (1 + 2) / (10 + 0)
    dup = values("dup", "desa")
    assert dup.values.to_dict() == {"D2": 6.0} and "several datasets" in dup.missing["D1"]["en"]
    refused = indicator_values(inputs, indicators, "rate", "desa")
    assert isinstance(refused, dict) and "cannot be summed" in refused["en"]
    assert isinstance(
        indicator_values(inputs, indicators, "rate", "kecamatan"), dict
    )  # a ratio is never summed up
    assert isinstance(indicator_values(inputs, indicators, "loop", "desa"), dict)  # no endless recursion


# --- statistics on constructed cases ----------------------------------------------------------------


def test_studentized_residuals_equal_leave_one_out_prediction_t_statistics() -> None:
    x = np.arange(20, dtype=float)
    y = 2 * x + 5 + np.sin(x)  # a line with small, deterministic wiggles
    y[13] += 30  # one region far above the line
    found = studentized_residuals(x, y)
    for i in range(len(x)):
        rest = np.arange(len(x)) != i
        line = stats.linregress(x[rest], y[rest])
        residuals = y[rest] - (line.intercept + line.slope * x[rest])
        s = math.sqrt((residuals**2).sum() / (rest.sum() - 2))
        xs = x[rest]
        se = s * math.sqrt(1 + 1 / len(xs) + (x[i] - xs.mean()) ** 2 / ((xs - xs.mean()) ** 2).sum())
        assert found[i] == pytest.approx((y[i] - (line.intercept + line.slope * x[i])) / se, rel=1e-9)
    assert np.flatnonzero(np.abs(found) > 2.5).tolist() == [13]


def test_statistics_need_three_points_and_varying_values() -> None:
    assert correlation_stats([1, 2], [3, 4]) is None
    assert correlation_stats([1, 2, 3, 4], [5, 5, 5, 5]) is None
    found = correlation_stats([1, 2, 3, 4], [1, 3, 2, 4])
    assert found is not None and found.n == 4 and found.pearson_r == pytest.approx(0.8)
    with pytest.raises(ValueError):
        studentized_residuals([1, 2, 3], [1, 2, 4])


def test_benjamini_hochberg_on_a_known_example() -> None:
    # By hand: sorted p 0.005, 0.01, 0.03, 0.04 (m = 4) -> p·m/rank 0.02, 0.02, 0.04, 0.04,
    # then the running minimum from the largest rank down.
    assert adjust_p_values([0.01, 0.04, 0.03, 0.005]).tolist() == pytest.approx([0.02, 0.04, 0.04, 0.02])
    assert adjust_p_values([0.01, 0.02, 0.03, 0.04, 0.05]).tolist() == pytest.approx([0.05] * 5)
    assert adjust_p_values([0.5, 0.001]).tolist() == pytest.approx([0.5, 0.002])
    assert adjust_p_values([]).tolist() == []


# --- discover ------------------------------------------------------------------------------------


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
    found = discover(counting, platform.iris, "desa", "2023", home_region=platform.settings.home_region)  # type: ignore[arg-type]
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
    assert len(found["pairs"]) > 20 and queries <= 12


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


def test_docstring_examples_run() -> None:
    import doctest

    import graph.insight.correlate

    assert doctest.testmod(graph.insight.correlate).failed == 0
