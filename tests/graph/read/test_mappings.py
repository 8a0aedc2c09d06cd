"""load_mapping: shipped mappings load; wrong mappings are rejected naming file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.errors import MappingError
from graph.read.mappings import discover_mappings, load_mapping
from graph.read.tables import normalise_header, read_table

REPO = Path(__file__).resolve().parents[3]
MAPPINGS = REPO / "mappings"
SHIPPED = discover_mappings(MAPPINGS)

# A small valid mapping; line numbers below refer to this text.
VALID = """\
dataset:
  id: contoh-stunting
  title: {id: Balita stunting, en: Stunted toddlers}
  description: {id: Tabel uji, en: Test table}
  agency: dinkes
  frequency: annual
source:
  path: tabel.csv
  decimal: comma
region:
  level: desa
  name:
    column: Desa
  parent:
    column: Kecamatan
period:
  year:
    column: Tahun
measures:
  - column: Jumlah Balita Ditimbang
    indicator: balita-ditimbang
    unit: jiwa
  - column: Jumlah Balita Stunting
    indicator: balita-stunting
    unit: jiwa
"""


def write(tmp_path: Path, text: str, name: str = "contoh.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, fragment: str) -> int:
    """1-based number of the only line containing ``fragment``."""
    hits = [i for i, line in enumerate(text.splitlines(), start=1) if fragment in line]
    assert len(hits) == 1, hits
    return hits[0]


def rejected(tmp_path: Path, text: str) -> MappingError:
    path = write(tmp_path, text)
    with pytest.raises(MappingError) as info:
        load_mapping(path)
    assert info.value.file == str(path.resolve())
    assert str(path.resolve()) in str(info.value)
    return info.value


# --- shipped mappings ------------------------------------------------------------------------


def test_there_are_shipped_mappings():
    assert len(SHIPPED) >= 6  # the six demo tables; an empty glob would test nothing


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_mapping_loads_and_its_source_file_exists(path):
    mapping = load_mapping(path)
    assert mapping.file == path.resolve()
    assert mapping.source_path.is_file(), mapping.source_path


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_column_a_shipped_mapping_names_is_in_its_table(path):
    mapping = load_mapping(path)
    table = read_table(mapping.source_path, mapping.source)
    named = [m.column for m in mapping.measures] + [r.column for r in mapping.source.drop_rows]
    region = mapping.region
    if region.code is not None:
        named.append(region.code.column)
    for part in (region.name, region.parent, *mapping.dimensions.values()):
        if part is not None and part.column is not None:
            named.append(part.column)
    for period in [mapping.period, *(m.period for m in mapping.measures)]:
        if period is not None:
            for part in (period.year, period.semester, period.month):
                if part is not None and part.column is not None:
                    named.append(part.column)
    missing = [c for c in named if normalise_header(c) not in table.columns]
    assert missing == []


def test_valid_mapping_loads_with_its_parts_and_source_path(tmp_path):
    path = write(tmp_path, VALID)
    mapping = load_mapping(path)
    assert mapping.dataset.id == "contoh-stunting"
    assert [m.indicator for m in mapping.measures] == ["balita-ditimbang", "balita-stunting"]
    assert mapping.source.decimal == "comma"
    assert mapping.source.resolved_format == "csv"
    assert mapping.source_path == (tmp_path / "tabel.csv").resolve()
    assert mapping.line_of("measures", 1, "indicator") == line_of(VALID, "balita-stunting")
    assert len(mapping.sha256) == 64


def test_yaml_with_a_bom_loads(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + VALID.encode("utf-8"))
    assert load_mapping(path).dataset.id == "contoh-stunting"


# --- rejected mappings ---------------------------------------------------------------------


def test_unknown_key_in_a_measure_names_file_line_and_key(tmp_path):
    text = VALID.replace("    indicator: balita-stunting", "    indicatr: balita-stunting")
    error = rejected(tmp_path, text)
    assert error.line == line_of(text, "indicatr:")
    assert f":{error.line}:" in str(error)
    assert "indicatr" in str(error)
    assert "unknown key" in str(error)


def test_unknown_top_level_key_names_its_line(tmp_path):
    text = VALID + "catatan: dari puskesmas\n"
    error = rejected(tmp_path, text)
    assert error.line == line_of(text, "catatan:")
    assert "catatan" in str(error)


def test_invalid_yaml_names_the_line(tmp_path):
    text = VALID.replace("    column: Tahun", "    column: Tahun\n   salah: : indentasi")
    error = rejected(tmp_path, text)
    assert error.line == line_of(text, "salah:")
    assert "invalid YAML" in str(error)


def test_yaml_that_is_not_a_mapping_is_rejected(tmp_path):
    error = rejected(tmp_path, "- just\n- a list\n")
    assert "mapping" in str(error)


def test_measure_without_any_period_is_rejected(tmp_path):
    text = VALID.replace("period:\n  year:\n    column: Tahun\n", "")
    error = rejected(tmp_path, text)
    assert "no period" in str(error)
    assert "Jumlah Balita Ditimbang" in str(error)


def test_period_on_every_measure_is_enough(tmp_path):
    text = VALID.replace("period:\n  year:\n    column: Tahun\n", "").replace(
        "    unit: jiwa", "    unit: jiwa\n    period:\n      year: {value: 2024}"
    )
    mapping = load_mapping(write(tmp_path, text))
    assert [m.period.year.value for m in mapping.measures if m.period] == [2024, 2024]


def test_one_measure_without_period_is_rejected_even_if_another_has_one(tmp_path):
    text = VALID.replace("period:\n  year:\n    column: Tahun\n", "").replace(
        "    indicator: balita-ditimbang",
        "    indicator: balita-ditimbang\n    period:\n      year: {value: 2024}",
    )
    error = rejected(tmp_path, text)
    assert "measures[1]" in str(error) and "no period" in str(error)


def test_sheet_on_a_csv_source_is_rejected(tmp_path):
    text = VALID.replace("  decimal: comma", "  decimal: comma\n  sheet: Data")
    error = rejected(tmp_path, text)
    assert "sheet" in str(error)
    assert error.line == line_of(text, "source:")


def test_sheet_on_an_xlsx_source_is_accepted(tmp_path):
    text = VALID.replace("tabel.csv", "tabel.xlsx").replace(
        "  decimal: comma", "  decimal: comma\n  sheet: Data"
    )
    mapping = load_mapping(write(tmp_path, text))
    assert mapping.source.sheet == "Data" and mapping.source.resolved_format == "xlsx"


def test_invalid_drop_rows_regex_is_rejected_on_its_line(tmp_path):
    text = VALID.replace(
        "  decimal: comma",
        "  decimal: comma\n  drop_rows:\n    - column: \"No\"\n      matches: '(jumlah'",
    )
    error = rejected(tmp_path, text)
    assert "regular expression" in str(error)
    assert error.line == line_of(text, "matches:")


def test_region_without_code_or_name_is_rejected(tmp_path):
    text = VALID.replace("  name:\n    column: Desa\n  parent:\n    column: Kecamatan\n", "")
    error = rejected(tmp_path, text)
    assert "code" in str(error) and "name" in str(error)
    assert error.line == line_of(text, "region:")


def test_code_without_system_is_rejected(tmp_path):
    text = VALID.replace("  name:\n    column: Desa\n", "  code:\n    column: Kode\n")
    error = rejected(tmp_path, text)
    assert "system" in str(error)


def test_unknown_code_system_is_rejected(tmp_path):
    text = VALID.replace("  name:\n    column: Desa\n", "  code:\n    column: Kode\n    system: dukcapil\n")
    error = rejected(tmp_path, text)
    assert error.line == line_of(text, "system: dukcapil")


def test_column_and_value_together_are_rejected(tmp_path):
    text = VALID.replace("    column: Tahun", "    column: Tahun\n    value: 2024")
    error = rejected(tmp_path, text)
    assert "exactly one" in str(error)


def test_unknown_decimal_style_is_rejected(tmp_path):
    text = VALID.replace("  decimal: comma", "  decimal: koma")
    error = rejected(tmp_path, text)
    assert error.line == line_of(text, "decimal: koma")


def test_dataset_id_must_be_a_slug(tmp_path):
    text = VALID.replace("id: contoh-stunting", "id: Contoh Stunting")
    error = rejected(tmp_path, text)
    assert "slug" in str(error)
    assert error.line == line_of(text, "id: Contoh Stunting")


def test_mapping_without_measures_is_rejected(tmp_path):
    text = VALID.split("measures:")[0] + "measures: []\n"
    rejected(tmp_path, text)


def test_missing_mapping_file_is_a_mapping_error(tmp_path):
    with pytest.raises(MappingError, match="cannot read"):
        load_mapping(tmp_path / "tidak_ada.yaml")


def test_discover_mappings_skips_underscore_files_and_subfolders(tmp_path):
    write(tmp_path, VALID, "b.yaml")
    write(tmp_path, VALID, "a.yaml")
    write(tmp_path, VALID, "_template.yaml")
    (tmp_path / "linking").mkdir()
    write(tmp_path / "linking", "prefixes: {}\n", "name_rules.yaml")
    assert [p.name for p in discover_mappings(tmp_path)] == ["a.yaml", "b.yaml"]
