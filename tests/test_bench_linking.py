"""scripts/bench_linking.py: it runs on a tiny sample, and its metric arithmetic is right."""

from __future__ import annotations

import json
import random

import pytest

from tests.scripts import script_module


@pytest.fixture(scope="module")
def bench():
    yield from script_module("bench_linking")


def test_score_counts_links_reviews_and_negatives(bench):
    pairs = [
        ("18.09.01.2001", "18.09.01.2001"),  # correct
        ("18.09.01.2002", "18.09.01.2002"),  # correct
        ("18.09.01.2003", "18.09.01.2004"),  # wrong link
        ("18.09.01.2005", None),  # positive sent to review
        (None, None),  # negative sent to review: right, but no recall credit
        (None, "18.09.01.2006"),  # negative linked: wrong
    ]
    m = bench.score(pairs)
    assert (m.n, m.positives, m.auto, m.correct, m.wrong, m.review) == (6, 4, 4, 2, 2, 2)
    assert m.precision == pytest.approx(2 / 4)  # correct / automatic links
    assert m.recall == pytest.approx(2 / 4)  # correct / cases with a true code
    assert m.review_share == pytest.approx(2 / 6)  # not linked / all cases


def test_score_of_nothing_linked_has_no_precision(bench):
    m = bench.score([(None, None), ("18.09.01.2001", None)])
    assert (m.auto, m.precision, m.recall, m.review_share) == (0, None, 0.0, 1.0)


def test_same_name_wrong_counts_only_the_twin_when_the_kecamatan_is_given(bench):
    twins = frozenset({"18.09.02.2011", "18.09.09.2010"})  # Tanjung Rejo twice
    case = bench.Case
    cases = [
        case(
            "official", "desa", "Tanjung Rejo", "18.09.02.2011", "Negeri Katon", "official", same_name=twins
        ),
        case(
            "official", "desa", "Tanjung Rejo", "18.09.02.2011", "Negeri Katon", "official", same_name=twins
        ),
        case("official", "desa", "Tanjung Rejo", None, same_name=twins),  # no kecamatan
        case("typo", "desa", "Tanjung Rejp", "18.09.02.2011", "Negeri Katon", "messy", same_name=twins),
    ]
    linked = ["18.09.09.2010", "18.09.02.2011", "18.09.09.2010", "18.09.02.2001"]
    assert bench.same_name_wrong(cases, linked) == 1


def test_variants_are_the_kinds_agencies_write(bench):
    rng = random.Random(1)
    assert bench.v_old_spelling("Sukajaya") == "Soekadjaja"
    assert bench.v_old_spelling("Cipadang") == "Tjipadang"
    assert bench.v_old_spelling("Pulau Legundi") == "Poelau Legoendi"
    assert bench.v_old_spelling("Bagelen") is None
    assert bench.v_typo("Hurun", rng) is None  # too short for a typo
    for _ in range(50):
        typo = bench.v_typo("Cipadang", rng)
        assert typo is None or (typo != "Cipadang" and abs(len(typo) - 8) <= 1)
    assert bench.compact(" Ds. Gedong-Tataan.") == "dsgedongtataan"


@pytest.mark.slow
def test_script_runs_on_a_tiny_sample(bench, capsys):
    assert bench.main(["--limit", "3", "--variants-per-name", "1", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result["overall"]) == {"ours", "baseline-exact", "baseline-fuzzy"}
    for label, m in result["overall"].items():
        assert m["n"] == result["cases"]
        assert m["auto"] == m["correct"] + m["wrong"]
        assert m["n"] == m["auto"] + m["review"]
        assert sum(k["n"] for k in result["by_kind"][label].values()) == m["n"]
    # The fuzzy baseline always links.
    assert result["overall"]["baseline-fuzzy"]["review"] == 0
    kinds = set(result["by_kind"]["ours"])
    assert {"official", "case", "typo", "neg-invented", "code-collision-bps"} <= kinds
    methods = result["by_method"]
    assert sum(m["auto"] for m in methods.values()) == result["overall"]["ours"]["auto"]


@pytest.mark.slow
def test_same_seed_same_cases(bench):
    index = bench.RegionIndex.from_csv(bench.CODES)
    ref = bench.Reference(index)

    def draw(seed):
        return bench.Generator(ref, random.Random(seed), 1, 3).cases()

    assert draw(5) == draw(5)
    assert draw(5) != draw(6)


@pytest.mark.slow
def test_text_report_prints_the_three_systems(bench, capsys):
    assert bench.main(["--limit", "2", "--variants-per-name", "1", "--show", "0"]) == 0
    out = capsys.readouterr().out
    for label in ("ours", "baseline-exact", "baseline-fuzzy", "OURS by variant kind", "OURS by method"):
        assert label in out
