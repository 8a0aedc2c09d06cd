"""The mapping assistant's choices become a mapping the CLI's own loader accepts."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from graph.errors import MappingError
from graph.read.mapping_builder import (
    DatasetChoice,
    DropChoice,
    MappingChoices,
    MeasureChoice,
    PeriodChoice,
    RegionChoice,
    drop_pattern,
    mapping_data,
    mapping_yaml,
    new_indicator_slug,
    source_spec,
)
from graph.read.mappings import load_mapping
from graph.read.tables import read_table
from tests.mapping_assistant_table import COLUMNS, HEADER_ROW, messy_table


def choices() -> MappingChoices:
    return MappingChoices(
        format="csv",
        delimiter=";",
        header_row=HEADER_ROW,
        decimal="comma",
        region=RegionChoice(
            level="desa", code_column="Kode Desa", code_system="kemendagri", name_column="Nama Desa"
        ),
        period=PeriodChoice(year=2024),
        measures=[
            MeasureChoice(column="Jumlah Rumah Tangga", indicator="jumlah-rumah-tangga"),
            MeasureChoice(
                column="RT Akses Air Minum Layak",
                new_label="Rumah tangga akses air (baru)",
                unit="rumah-tangga",
            ),
        ],
        drops=[
            DropChoice(column="No", starts_with="JUMLAH", reason="baris jumlah / total row"),
            DropChoice(column="No", starts_with="Sumber:", reason="catatan / note"),
        ],
        dataset=DatasetChoice(id="perkim-air", title_id="Akses air minum per desa", frequency="annual"),
    )


def test_the_choices_write_a_mapping_that_load_mapping_accepts(tmp_path: Path) -> None:
    (tmp_path / "contoh").mkdir()
    (tmp_path / "contoh" / "perkim-air.csv").write_bytes(messy_table())
    data = mapping_data(choices(), "dpupr", "contoh/perkim-air.csv")
    path = tmp_path / "perkim-air.yaml"
    path.write_text(mapping_yaml(data, "proposed by ani\nwhen"), encoding="utf-8")
    mapping = load_mapping(path)
    assert path.read_text(encoding="utf-8").startswith("# proposed by ani\n# when\n")
    assert mapping.dataset.agency == "dpupr" and mapping.dataset.title["en"] == "Akses air minum per desa"
    assert (
        mapping.source.delimiter == ";"
        and mapping.source.header_rows == [3]
        and mapping.source.decimal == "comma"
    )
    assert mapping.region.code is not None and mapping.region.code.system == "kemendagri"
    assert mapping.period is not None and mapping.period.year.value == 2024
    assert [m.indicator for m in mapping.measures] == ["jumlah-rumah-tangga", "rumah-tangga-akses-air-baru"]
    assert mapping.measures[1].unit == "rumah-tangga"
    # The CLI's reader, with this source, drops the total and the note and keeps the ten desa.
    table = read_table(mapping.source_path, mapping.source)
    assert table.columns == COLUMNS
    assert len(table.frame) == 10
    assert [(value, why) for _, _, value, why in table.dropped] == [
        ("JUMLAH", "baris jumlah / total row"),
        ("Sumber: Dinas Perumahan dan Permukiman", "catatan / note"),
    ]


def test_a_year_column_and_names_only_regions() -> None:
    picked = choices().model_copy(
        update={
            "region": RegionChoice(level="desa", name_column="Desa", parent_column="Kecamatan"),
            "period": PeriodChoice(year_column="Tahun"),
        }
    )
    data = mapping_data(picked, "dinkes", "contoh/x.csv")
    assert data["region"] == {"level": "desa", "name": {"column": "Desa"}, "parent": {"column": "Kecamatan"}}
    assert data["period"] == {"year": {"column": "Tahun"}}


def test_the_yaml_round_trips_and_a_wrong_choice_is_refused_by_the_schema(tmp_path: Path) -> None:
    data = mapping_data(choices(), "dpupr", "contoh/perkim-air.csv")
    assert yaml.safe_load(mapping_yaml(data, "x")) == data
    data["region"]["level"] = "dusun"  # what the schema refuses, the assistant never writes
    path = tmp_path / "bad.yaml"
    path.write_text(mapping_yaml(data, "x"), encoding="utf-8")
    with pytest.raises(MappingError, match="level"):
        load_mapping(path)


def test_unanswered_or_contradictory_steps_are_refused() -> None:
    with pytest.raises(ValueError, match="region"):
        mapping_data(MappingChoices(format="csv"), "dpupr", "x.csv")
    with pytest.raises(ValidationError, match="code system"):
        RegionChoice(level="desa", code_column="Kode")
    with pytest.raises(ValidationError, match="year column or one year"):
        PeriodChoice(year_column="Tahun", year=2024)
    with pytest.raises(ValidationError, match="needs a unit"):
        MeasureChoice(column="A", new_label="Jumlah petani")
    with pytest.raises(ValidationError, match="starting text"):
        DropChoice(column="No")
    with pytest.raises(ValidationError, match="slug"):
        DatasetChoice(id="Bukan Slug", title_id="Judul")


def test_drop_rules_match_the_start_of_the_text_literally() -> None:
    import re

    rule = re.compile(drop_pattern("Jumlah (total)"), re.IGNORECASE)
    assert rule.search("  JUMLAH (TOTAL) kecamatan")
    assert not rule.search("Jumlah total")
    assert new_indicator_slug("Jumlah Petani (orang)") == "jumlah-petani-orang"


def test_source_spec_of_an_early_step_reads_the_file(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(messy_table())
    early = MappingChoices(format="csv", delimiter=";", header_row=1)
    table = read_table(path, source_spec(early, path.name))
    assert table.columns[0].startswith("REKAP RUMAH TANGGA")
    assert int(table.frame["__row__"].iloc[0]) == 3  # the blank row 2 is not a data row
