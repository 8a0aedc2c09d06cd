"""Shipped boundaries, one indicator's values per region, quantile classes and the join."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.errors import ParameterError
from graph.insight.choropleth import (
    PALETTES,
    Boundaries,
    boundary_file,
    choropleth,
    classify,
    load_boundaries,
    map_values,
)
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.settings import PROJECT_DIR

Demo = tuple[Platform, list[LoadReport]]
CODES = PROJECT_DIR / "ontology" / "codes"


def write_collection(path: Path, codes: list[str]) -> None:
    square = {"type": "Polygon", "coordinates": [[[105, -5], [105.1, -5], [105.1, -5.1], [105, -5]]]}
    features = [
        {"type": "Feature", "properties": {"kode": c, "nama": f"Wilayah {c}"}, "geometry": square}
        for c in codes
    ]
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")


def test_the_shipped_files_are_found_for_the_home_region() -> None:
    kecamatan = load_boundaries(CODES, "18.09", "kecamatan")
    desa = load_boundaries(CODES, "18.09", "desa")
    assert kecamatan is not None and desa is not None
    assert kecamatan.path.name == "boundaries_kecamatan_18.geojson" and len(kecamatan.features) == 11
    assert desa.path.name == "boundaries_desa_18.09.geojson" and len(desa.features) == 144
    assert all(c.startswith("18.09.") for c in kecamatan.codes + desa.codes)
    # Another kabupaten of the province: its kecamatan, and no desa file.
    other = load_boundaries(CODES, "18.01", "kecamatan")
    assert other is not None and other.features and all(c.startswith("18.01.") for c in other.codes)
    assert (
        load_boundaries(CODES, "18.01", "desa") is None and boundary_file(CODES, "31.71", "kecamatan") is None
    )


def test_the_nearest_enclosing_areas_file_is_used_and_filtered(tmp_path: Path) -> None:
    write_collection(
        tmp_path / "boundaries_desa_18.09.geojson",
        ["18.09.01.2001", "18.09.01.2002", "18.09.02.2001", "18.09.01", "18.10.01.2001"],
    )
    found = load_boundaries(tmp_path, "18.09.01", "desa")
    assert found is not None and found.codes == ["18.09.01.2001", "18.09.01.2002"]
    assert boundary_file(tmp_path, "18.09.01", "desa") == tmp_path / "boundaries_desa_18.09.geojson"
    whole = load_boundaries(tmp_path, "18.09", "desa")
    assert whole is not None and whole.codes == ["18.09.01.2001", "18.09.01.2002", "18.09.02.2001"]


def test_quantile_classes() -> None:
    classes = classify([float(v) for v in range(1, 101)])
    assert classes is not None and len(classes.upper) == 5 and classes.counts == (20, 20, 20, 20, 20)
    assert classes.colours == PALETTES[5] and classes.lower[0] == 1 and classes.upper[-1] == 100
    assert [classes.index(v) for v in (1, 20, 21, 100)] == [0, 0, 1, 4]
    # Ties merge classes: few distinct values give fewer classes, each with its palette.
    tied = classify([0, 0, 0, 0, 0, 0, 5, 10])
    assert tied is not None and len(tied.upper) < 5 and sum(tied.counts) == 8
    assert tied.colours == PALETTES[len(tied.upper)]
    single = classify([7, 7])
    assert single is not None and single.counts == (2,) and single.index(7) == 0
    assert classify([]) is None and classify([float("nan")]) is None
    # ColorBrewer's sequential schemes get darker class by class.
    for palette in PALETTES.values():
        lightness = [sum(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in palette]
        assert lightness == sorted(lightness, reverse=True)


@pytest.mark.slow
def test_map_values_follow_the_insight_rules(demo: Demo) -> None:
    platform, _ = demo
    home = platform.settings.home_region
    values = map_values(
        platform.store, platform.iris, "prevalensi-stunting", "desa", "2023", home_region=home
    )
    assert len(values.values) == 147 and values.period == "2023" and values.indicator.unit == "persen"
    assert values.values["18.09.10.2004"] == pytest.approx(24.0)  # Hanura
    assert "18.09.06.2005" not in values.values.index  # Rusaba
    summed = map_values(platform.store, platform.iris, "jumlah-penduduk", "kecamatan", None, home_region=home)
    assert len(summed.values) == 11 and "sum" in summed.rule["en"]
    default = map_values(platform.store, platform.iris, None, "kecamatan", None, home_region=home)
    assert default.indicator.kind == "percentage" and default.period == "2024"


@pytest.mark.parametrize(
    ("indicator", "level", "period", "parameter"),
    [
        ("prevalensi-stunting", "rt", None, "level"),
        ("stunting", "desa", None, "indicator"),
        ("jumlah-murid", "desa", None, "indicator"),
        ("prevalensi-stunting", "desa", "1999", "period"),
    ],
)
def test_map_values_refuse_bad_parameters(
    demo: Demo, indicator: str, level: str, period: str | None, parameter: str
) -> None:
    platform, _ = demo
    with pytest.raises(ParameterError) as refused:
        map_values(platform.store, platform.iris, indicator, level, period, home_region="18.09")
    problem = refused.value.problems[0]
    assert problem["parameter"] == parameter and problem["allowed"] and problem["message"]


def test_the_join_lists_what_the_map_cannot_show(demo: Demo) -> None:
    platform, _ = demo
    values = map_values(
        platform.store, platform.iris, "prevalensi-stunting", "desa", "2023", home_region="18.09"
    )
    desa = load_boundaries(CODES, "18.09", "desa")
    assert desa is not None
    labels = {"18.09.01.2001": "Padang Ratu", "18.09.06.2005": "Rusaba", "18.09.02.2020": "Pujodadi"}
    joined = choropleth(
        desa, values, labels, href=lambda c: f"/id/wilayah/{c}", describe=lambda v: f"{v:g} %"
    )
    collection = joined.feature_collection()
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 144
    props = {f["properties"]["kode"]: f["properties"] for f in collection["features"]}
    assert props["18.09.01.2001"]["label"] == "14.8 %" and props["18.09.01.2001"]["nama"] == "Padang Ratu"
    assert joined.without_value == [
        {
            "code": "18.09.06.2005",
            "label": "Rusaba",
            "reason": {"id": "tidak ada observasi", "en": "no observation"},
            "href": "/id/wilayah/18.09.06.2005",
        }
    ]
    assert [r["code"] for r in joined.without_polygon] == ["18.09.02.2020"]
    assert joined.without_polygon[0]["value"] == pytest.approx(18.4)
    assert joined.classes is not None and sum(joined.classes.counts) == 147  # every value, drawn or not
    empty = choropleth(Boundaries("desa", desa.path, ()), values, {}, href=str, describe=str)
    assert empty.features == [] and empty.without_polygon == []
