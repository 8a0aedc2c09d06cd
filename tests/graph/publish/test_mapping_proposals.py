"""A proposed mapping waits apart, is previewed with the load's own reader, and is used once approved."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from graph.cube.mapping_preview import full_check, preview
from graph.errors import NotFound, UploadRejected
from graph.link.regions import RegionLinker
from graph.provenance.chain import AuditChain
from graph.publish.mapping_proposals import (
    APPROVAL,
    REJECTION,
    approve_proposal,
    find_proposal,
    list_proposals,
    propose_mapping,
    reject_proposal,
)
from graph.rdf.iris import Iris
from graph.read.mapping_builder import MappingChoices, MeasureChoice
from graph.read.mappings import discover_mappings, load_mapping
from graph.read.tables import ReadBudget
from graph.reference.vocabulary import Vocabulary
from graph.settings import PROJECT_DIR, load_settings
from tests.graph.read.test_mapping_builder import choices
from tests.mapping_assistant_table import messy_table


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    settings = load_settings(store_path=":memory:")
    return Vocabulary.load(settings.ontology_path, Iris(settings.base_iri))


@pytest.fixture(scope="module")
def linker() -> RegionLinker:
    settings = load_settings(store_path=":memory:")
    return RegionLinker.from_folders(settings.ontology_path, PROJECT_DIR / "mappings", settings.home_region)


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path, Path]:
    mappings = tmp_path / "mappings"
    for part in ("linking", "publication"):
        shutil.copytree(PROJECT_DIR / "mappings" / part, mappings / part)
    sample = tmp_path / "staged.csv"
    sample.write_bytes(messy_table())
    return tmp_path / "usulan", mappings, sample


def declared() -> MappingChoices:
    """The test choices with both columns on declared indicators."""
    picked = choices()
    measures = [
        picked.measures[0],
        MeasureChoice(column="RT Akses Air Minum Layak", indicator="rt-air-minum-layak"),
    ]
    return picked.model_copy(update={"measures": measures})


def test_the_preview_shows_each_mapped_cell_read_or_rejected(
    folders: tuple[Path, Path, Path], linker: RegionLinker, vocab: Vocabulary
) -> None:
    _, _, sample = folders
    shown = preview(declared(), sample, linker, vocab, ReadBudget())
    assert shown.columns[:3] == ["No", "Kode Desa", "Nama Desa"]
    number, cells = shown.rows[0]
    assert number == 4  # as the agency's editor numbers it: title, blank, header
    assert cells[1].reading.startswith("18.09.01.2001") and cells[3].reading == "1234"
    way_layap = shown.rows[3][1]
    assert way_layap[4].text == "1.200,5" and way_layap[4].problem  # not a whole number of households
    assert shown.problem_count == 1 and [p[0] for p in shown.problems] == [7]
    assert [d[2] for d in shown.dropped][0] == "JUMLAH"


def test_a_proposal_is_kept_apart_until_the_walidata_approves_it(
    folders: tuple[Path, Path, Path], linker: RegionLinker, vocab: Vocabulary, tmp_path: Path
) -> None:
    folder, mappings, sample = folders
    chain = AuditChain(tmp_path / "chain.jsonl")
    proposal = propose_mapping(
        folder,
        mappings,
        declared(),
        agency="dpupr",
        sample=sample,
        proposed_by="ani",
        vocab=vocab,
    )
    assert proposal.status == "menunggu" and proposal.new_indicators == []
    assert discover_mappings(mappings) == []  # not used by loads or uploads yet
    assert "# oleh / by ani (dpupr)" in proposal.yaml_text()
    check = full_check(load_mapping(proposal.mapping_file), proposal.sample, linker, vocab, ReadBudget())
    assert (check.observations, check.rows_mapped, check.cells_rejected) == (
        18,
        10,
        1,
    )  # 20 cells, one "-" (no data), one refused
    with pytest.raises(UploadRejected, match="already waiting"):
        propose_mapping(
            folder, mappings, declared(), agency="dpupr", sample=sample, proposed_by="x", vocab=vocab
        )

    target = approve_proposal(folder, mappings, "perkim-air", decided_by="citra", vocab=vocab, chain=chain)
    assert discover_mappings(mappings) == [target]
    mapping = load_mapping(target)
    assert mapping.source_path == (mappings / "contoh" / "perkim-air.csv").resolve()
    assert mapping.source_path.read_bytes() == messy_table()
    entry = list(chain.entries())[-1]
    assert entry.kind == APPROVAL and entry.actor == "citra"
    assert entry.payload["proposed_by"] == "ani" and len(entry.payload["mapping_sha256"]) == 64
    assert find_proposal(folder, "perkim-air").status == "disetujui"
    with pytest.raises(UploadRejected, match="already decided"):
        approve_proposal(folder, mappings, "perkim-air", decided_by="citra", vocab=vocab, chain=chain)
    # Another proposal of the same dataset id is refused: the approved mapping is never overwritten.
    with pytest.raises(UploadRejected, match="already has a mapping"):
        propose_mapping(
            folder, mappings, declared(), agency="dpupr", sample=sample, proposed_by="x", vocab=vocab
        )


def test_approval_refuses_to_overwrite_and_waits_for_new_indicators(
    folders: tuple[Path, Path, Path], vocab: Vocabulary
) -> None:
    folder, mappings, sample = folders
    with_new = propose_mapping(
        folder, mappings, choices(), agency="dpupr", sample=sample, proposed_by="ani", vocab=vocab
    )
    assert [n["slug"] for n in with_new.new_indicators] == ["rumah-tangga-akses-air-baru"]
    with pytest.raises(UploadRejected, match="not declared yet"):
        approve_proposal(folder, mappings, "perkim-air", decided_by="citra", vocab=vocab, chain=None)
    reject_proposal(folder, "perkim-air", decided_by="citra", reason="indikator sudah ada", chain=None)
    again = propose_mapping(
        folder, mappings, declared(), agency="dpupr", sample=sample, proposed_by="ani", vocab=vocab
    )
    (mappings / "perkim-air.yaml").write_text("# someone else's file\n", encoding="utf-8")
    with pytest.raises(UploadRejected, match="never overwritten"):
        approve_proposal(folder, mappings, again.dataset, decided_by="citra", vocab=vocab, chain=None)
    assert (mappings / "perkim-air.yaml").read_text(encoding="utf-8") == "# someone else's file\n"


def test_a_rejection_keeps_the_record_and_reason_and_deletes_the_sample(
    folders: tuple[Path, Path, Path], vocab: Vocabulary, tmp_path: Path
) -> None:
    folder, mappings, sample = folders
    chain = AuditChain(tmp_path / "chain.jsonl")
    proposal = propose_mapping(
        folder, mappings, declared(), agency="dpupr", sample=sample, proposed_by="ani", vocab=vocab
    )
    with pytest.raises(UploadRejected, match="reason is required"):
        reject_proposal(folder, proposal.dataset, decided_by="citra", reason=" ", chain=chain)
    rejected = reject_proposal(
        folder, proposal.dataset, decided_by="citra", reason="kolom salah", chain=chain
    )
    assert not rejected.sample.exists()
    record = json.loads((folder / "perkim-air" / "usulan.json").read_text(encoding="utf-8"))
    assert (record["status"], record["reason"], record["decided_by"]) == ("ditolak", "kolom salah", "citra")
    assert list(chain.entries())[-1].kind == REJECTION
    assert [p.dataset for p in list_proposals(folder)] == ["perkim-air"]
    with pytest.raises(NotFound):
        find_proposal(folder, "../etc")
