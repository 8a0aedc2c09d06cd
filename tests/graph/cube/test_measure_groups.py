"""Measures observed at other points get a cube of their own: IC-17 holds, a missing cell stays missing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from graph.answer.question_sources import indicator_agencies
from graph.check.cube_ic import check_published
from graph.cube.measure_groups import measure_cubes
from graph.publish.platform import Platform
from graph.rdf.iris import Iris
from graph.rdf.namespaces import sparql_prefixes
from graph.rdf.results import solution_rows
from graph.store.versions import EVERYONE_INTERNAL, published_graphs

IRIS = Iris("https://data.example.go.id/")


def _tidy(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"region": r, "period": p, "indicator": i, "dims": ""} for r, p, i in rows],
        columns=["region", "period", "indicator", "dims"],
    )


def test_a_table_without_gaps_is_one_cube_the_dataset_itself() -> None:
    tidy = _tidy([(r, "2023", i) for r in ("a", "b") for i in ("x", "y")])
    [cube] = measure_cubes(tidy, "uji", IRIS)
    assert cube.main and cube.indicators == ("x", "y")
    assert (cube.iri, cube.structure) == (IRIS.dataset("uji"), IRIS.structure("uji"))


def test_measures_at_other_points_go_to_a_cube_of_their_own() -> None:
    # x at every point; y for one year only; z missing at one point.
    rows = [(r, p, "x") for r in ("a", "b") for p in ("2022", "2023")]
    rows += [(r, "2023", "y") for r in ("a", "b")]
    rows += [("a", p, "z") for p in ("2022", "2023")] + [("b", "2022", "z")]
    main, *parts = measure_cubes(_tidy(rows), "uji", IRIS)
    assert main.main and main.indicators == ("x",) and main.iri == IRIS.dataset("uji")
    assert [(p.iri, p.indicators, p.main) for p in parts] == [
        (IRIS.dataset("uji") + "/kubus/z", ("z",), False),
        (IRIS.dataset("uji") + "/kubus/y", ("y",), False),
    ]
    assert parts[0].structure == IRIS.structure("uji") + "/kubus/z"


# A table the demo never had: households by desa given for 2023 only, beside population for
# 2022 and 2023 (as BPS gives area beside years of population), and one population cell
# left empty (desa 1809012003, 2023).
_CODES = [f"180901200{i}" for i in range(1, 6)]
_POPULATION: dict[str, list[int | None]] = {
    "2022": [1200, 1500, 900, 2100, 1750],
    "2023": [1230, 1525, None, 2150, 1790],
}
_HOUSEHOLDS = [340, 420, 260, 600, 500]

MAPPING = """\
dataset:
  id: uji-rumah-tangga
  title: {id: Penduduk dan rumah tangga uji, en: Test population and households}
  description: {id: Tabel uji, en: Test table}
  agency: disdukcapil
  frequency: annual
source:
  path: rumah-tangga.csv
  delimiter: ";"
region:
  level: desa
  code: {column: kode_desa, system: kemendagri}
measures:
  - column: penduduk_2022
    indicator: jumlah-penduduk
    unit: jiwa
    period: {year: {value: 2022}}
  - column: penduduk_2023
    indicator: jumlah-penduduk
    unit: jiwa
    period: {year: {value: 2023}}
  - column: rumah_tangga_2023
    indicator: jumlah-rumah-tangga
    unit: rumah-tangga
    period: {year: {value: 2023}}
"""


def _write(folder: Path) -> Path:
    lines = ["kode_desa;penduduk_2022;penduduk_2023;rumah_tangga_2023"]
    for i, code in enumerate(_CODES):
        p23 = _POPULATION["2023"][i]
        lines.append(f"{code};{_POPULATION['2022'][i]};{'' if p23 is None else p23};{_HOUSEHOLDS[i]}")
    (folder / "rumah-tangga.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = folder / "uji-rumah-tangga.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    return mapping


def _select(platform: Platform, sparql: str) -> list[dict[str, str]]:
    graphs = published_graphs(platform.store, platform.iris, EVERYONE_INTERNAL)
    found = platform.store.query(sparql_prefixes() + sparql, default_graph=graphs)
    return [{k: v.value for k, v in row.items()} for row in solution_rows(found)]


@pytest.mark.slow
def test_a_fresh_table_with_gaps_passes_all_21_and_its_missing_cell_counts_as_nothing(
    platform: Platform, tmp_path: Path
) -> None:
    report = platform.load(_write(tmp_path))
    assert report.outcome == "published", report.message
    assert report.cells_empty == 1  # the load report still says a cell was empty
    counts = check_published(platform.store, platform.iris)
    assert len(counts) == 21
    assert {c.constraint.id: c.violations for c in counts if c.violations} == {}

    dataset = platform.iris.dataset("uji-rumah-tangga")
    cubes = _select(platform, f"SELECT ?cube WHERE {{ ?cube oc:cubeOf <{dataset}> }} ORDER BY ?cube")
    # Population (at ten points, one missing) is the dataset's main cube; households (five) its part.
    assert [c["cube"] for c in cubes] == [dataset, dataset + "/kubus/jumlah-rumah-tangga"]

    # A naive analyst's aggregates over the measure: the empty cell is no value and no zero.
    present = [v for v in _POPULATION["2023"] if v is not None]
    population = f"<{platform.iris.indicator('jumlah-penduduk')}>"
    [naive] = _select(
        platform,
        f"""SELECT (SUM(?v) AS ?sum) (COUNT(?v) AS ?n) (AVG(?v) AS ?avg) (MIN(?v) AS ?min) WHERE {{
             ?o qb:measureType {population} ; {population} ?v ; sdmx-dimension:refPeriod/oc:year 2023 . }}""",
    )
    assert int(naive["sum"]) == sum(present) and int(naive["n"]) == 4
    assert float(naive["avg"]) == pytest.approx(sum(present) / 4) and int(naive["min"]) == min(present)

    # Every observation of the table, wherever its measure went, through qb:dataSet/oc:cubeOf.
    [whole] = _select(platform, f"SELECT (COUNT(?o) AS ?n) WHERE {{ ?o qb:dataSet/oc:cubeOf <{dataset}> }}")
    assert int(whole["n"]) == 5 + 4 + 5
    assert indicator_agencies(platform.store, platform.iris)[
        platform.iris.indicator("jumlah-rumah-tangga")
    ] == (platform.iris.agency("disdukcapil"),)
