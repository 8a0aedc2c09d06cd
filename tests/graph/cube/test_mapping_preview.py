"""The assistant's choices for a demo table read it exactly as the demo's hand-written mapping does."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.cube.mapping_preview import full_check, preview
from graph.link.regions import RegionLinker
from graph.rdf.iris import Iris
from graph.read.mapping_builder import (
    DatasetChoice,
    DropChoice,
    MappingChoices,
    MeasureChoice,
    PeriodChoice,
    RegionChoice,
    mapping_data,
    mapping_yaml,
)
from graph.read.mappings import load_mapping
from graph.read.tables import ReadBudget
from graph.reference.vocabulary import Vocabulary
from graph.settings import PROJECT_DIR, load_settings

DINKES = PROJECT_DIR / "data" / "dinkes_balita_stunting_desa_2020_2024.xlsx"


# Slow: reads the demo's whole Dinkes workbook twice, through both mappings (an integration test).
@pytest.mark.slow
def test_an_excel_table_with_names_only_reads_as_its_hand_written_mapping(tmp_path: Path) -> None:
    settings = load_settings(store_path=":memory:")
    vocab = Vocabulary.load(settings.ontology_path, Iris(settings.base_iri))
    linker = RegionLinker.from_folders(settings.ontology_path, settings.mappings_path, settings.home_region)
    choices = MappingChoices(
        format="xlsx",
        sheet="Stunting",
        header_row=4,
        decimal="comma",
        region=RegionChoice(level="desa", name_column="Desa", parent_column="Kecamatan"),
        period=PeriodChoice(year_column="Tahun"),
        measures=[
            MeasureChoice(column="Jumlah Balita Ditimbang", indicator="balita-ditimbang"),
            MeasureChoice(column="Jumlah Balita Stunting", indicator="balita-stunting"),
            MeasureChoice(column="Prevalensi (%)", indicator="prevalensi-stunting"),
        ],
        drops=[DropChoice(column="No", starts_with="jumlah")],
        dataset=DatasetChoice(id="dinkes-stunting-lagi", title_id="Stunting per desa"),
    )
    shown = preview(choices, DINKES, linker, vocab, ReadBudget())
    assert shown.sheet == "Stunting" and "Desa" in shown.columns
    desa = shown.rows[0][1][shown.columns.index("Desa")]
    assert desa.reading.startswith("18.09.") and not desa.problem  # linked by name under its kecamatan
    path = tmp_path / "dinkes-stunting-lagi.yaml"
    path.write_text(mapping_yaml(mapping_data(choices, "dinkes", str(DINKES)), "uji"), encoding="utf-8")
    ours = full_check(load_mapping(path), DINKES, linker, vocab, ReadBudget())
    theirs = full_check(
        load_mapping(settings.mappings_path / "dinkes-stunting-desa.yaml"),
        DINKES,
        linker,
        vocab,
        ReadBudget(),
    )
    assert ours == theirs
    assert ours.observations > 1000 and ours.rows_dropped == 1
    # The demo's misspelt desa are rejected here as the load rejects them, with the same reasons.
    assert ours.rows_rejected == theirs.rows_rejected > 0
