"""The choices of code parameters, read from the published code lists and cached."""

from __future__ import annotations

from graph.answer.code_lists import CodeListCache
from tests.graph.answer.demo_answers import CATALOGUE, Demo, choices


def test_choices_come_from_the_published_code_lists(demo: Demo) -> None:
    platform, _ = demo
    lists = choices(demo)
    levels = {c.value: c.levels for c in lists.region}
    assert sum(1 for lv in levels.values() if lv == ("desa",)) == 148
    assert sum(1 for lv in levels.values() if lv == ("kecamatan",)) == 11
    assert levels["18.09"] == ("kabupaten",) and "18.01" not in levels  # home region only
    # Years with observations: 2020-2024, and the Dinsos row dated 2027 (data/README.md C5).
    assert [c.value for c in lists.period] == ["2020", "2021", "2022", "2023", "2024", "2027"]
    assert len(lists.indicator) == 21  # 15 of the synthetic tables, 6 of the real IDM 2024
    assert [c.value for c in lists.level] == ["provinsi", "kabupaten", "kecamatan", "desa"]
    assert {c.value for c in lists.agency} == {
        "bps",
        "dinkes",
        "dinsos",
        "disdik",
        "disdukcapil",
        "dpmd",
        "dpupr",
    }
    village_indicators = CATALOGUE.get("village-ranking").spec.parameters["indicator"]
    assert {c.value for c in lists.for_parameter(village_indicators)} == {
        c.value for c in lists.indicator if c.levels == ("desa",) and not c.categorical
    }
    assert choices(demo) is lists  # cached until the published graphs change
    assert CodeListCache().get(platform.store, platform.iris, "18.09") == lists
