"""The aggregation rules on a constructed table: totals, breakdowns, recomputed shares, sums to kecamatan."""

from __future__ import annotations

import pandas as pd

from graph.insight.observations import IndicatorValues, InsightInputs, indicator_values
from graph.reference.indicators import Indicator
from graph.text import Text


def _indicator(
    slug: str, kind: str, numerator: str | None = None, denominator: str | None = None
) -> Indicator:
    text = Text(slug)
    return Indicator(
        iri=f"urn:x:{slug}",
        slug=slug,
        label=text,
        unit="unit",
        unit_label=text,
        kind=kind,
        agency="agency",
        agency_label=text,
        numerator=numerator,
        denominator=denominator,
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
        ("dup", "D1", "", 5),  # one dataset gives the same figure twice, differently
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
    assert dup.values.to_dict() == {"D2": 6.0}
    assert dup.missing["D1"]["en"] == "more than one value for this region in one dataset"
    refused = indicator_values(inputs, indicators, "rate", "desa")
    assert isinstance(refused, dict) and "cannot be summed" in refused["en"]
    assert isinstance(
        indicator_values(inputs, indicators, "rate", "kecamatan"), dict
    )  # a ratio is never summed up
    assert isinstance(indicator_values(inputs, indicators, "loop", "desa"), dict)  # no endless recursion
