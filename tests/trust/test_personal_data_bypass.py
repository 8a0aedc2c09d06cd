"""A NIK or phone number in disguise is still refused, and its digits end up nowhere.

What an attacker tried (issue 19): a NIK written with thousands separators
("1,809,011,505,900,001", "1.809.011.505.900.001"), as Excel's display of a NIK typed as a
number ("1,809,011,505,900,000.00": 15 significant digits, still 16 digits long), with a
leading zero or a decimal part, in fullwidth or Arabic-Indic digits, with a zero-width space,
a soft hyphen, non-breaking, thin or narrow spaces inside; a phone number with the same
disguises. Each was read as a number (and published: the figure, and the validation
report's ``sh:value`` of the held draft) or reported in full as a cell that is not a number.

Each form goes through the real ``onecenter load`` and ``onecenter load --dry-run`` on an
on-disk store, in the measure column and, for one form, in the region name, period,
dimension and drop-rule columns. Every load must be refused and the dry run must name the
cell as personal data; afterwards the digits must be in no file under the reports folder,
no line of the audit log, no line the command printed, and no quad of the store.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.cli.commands import app
from graph.rdf.iris import Iris
from graph.read.personal_data import PersonalDataGuard
from graph.reference.regions import RegionIndex
from graph.settings import PROJECT_DIR, load_settings
from graph.store.connect import open_store
from graph.store.versions import draft_datasets, published_datasets
from tests.conftest import copy_reference
from tests.trust.figures import record_figures
from tests.trust.leaks import digits_of, files_holding, lines_holding, quads_holding

NIK = "1809011505900001"  # a Pesawaran (Gedong Tataan) man born 15 May 1990
NIK_EXCEL = "1809011505900000"  # the same typed into Excel as a number: 15 significant digits
PHONE = "081234567890"


def _digits(text: str, script: int) -> str:
    return "".join(chr(script + int(c)) for c in text)


# name -> (the cell as written, the identifier's digits)
FORMS: dict[str, tuple[str, str]] = {
    "thousands-comma": ("1,809,011,505,900,001", NIK),
    "thousands-dot": ("1.809.011.505.900.001", NIK),
    "excel-display": ("1,809,011,505,900,000.00", NIK_EXCEL),
    "rupiah": ("Rp 1.809.011.505.900.001,00", NIK),
    "leading-zero": ("0" + NIK, NIK),
    "decimal-part": (NIK + ".000", NIK),
    "fullwidth": (_digits(NIK, 0xFF10), NIK),
    "arabic-indic": (_digits(NIK, 0x0660), NIK),
    "zero-width-space": (NIK[:4] + "\u200b" + NIK[4:], NIK),
    "soft-hyphen": (NIK[:8] + "\u00ad" + NIK[8:], NIK),
    "word-joiner": (NIK[:6] + "\u2060" + NIK[6:12] + "\u2060" + NIK[12:], NIK),
    "no-break-spaces": ("180901\u00a0150590\u00a00001", NIK),
    "thin-spaces": ("1809\u20090115\u20090590\u20090001", NIK),
    "narrow-no-break-thousands": ("1\u202f809\u202f011\u202f505\u202f900\u202f001", NIK),
    "phone-zero-width": ("0812\u200b3456\u200b7890", PHONE),
    "phone-fullwidth": (_digits(PHONE, 0xFF10), PHONE),
    "phone-no-break": ("0812\u00a03456\u00a07890", PHONE),
}
# Where a cell can hold it: the measure column for every form, the other columns the mapping
# reads for one of them (the drop-rule cell of a dropped note row, too).
COLUMNS = ["nama_desa", "tahun", "jenis_kelamin", "keterangan"]

MAPPING = """\
dataset:
  id: uji-nik
  title: {id: Penduduk uji, en: Test population}
  description: {id: Tabel uji, en: Test table}
  agency: disdukcapil
  frequency: annual
source:
  path: penduduk.csv
  delimiter: ";"
  drop_rows:
    - {column: keterangan, matches: '^catatan', reason: catatan / note}
region:
  level: desa
  code: {column: kode_desa, system: kemendagri}
  name: {column: nama_desa}
period:
  year: {column: tahun}
dimensions:
  jenis-kelamin:
    column: jenis_kelamin
    values: {Laki-laki: L, Perempuan: P}
measures:
  - {column: jumlah, indicator: jumlah-penduduk, unit: jiwa}
"""
REGIONS = RegionIndex.from_csv(PROJECT_DIR / "ontology" / "codes" / "wilayah_lampung.csv")
DESA = REGIONS.descendants("18.09.01", "desa")[:10]


def write_table(folder: Path, column: str, cell: str) -> Path:
    """Twenty rows of Gedong Tataan desa by sex, and a note row the drop rule removes; the
    cell goes into ``column`` of the fifth row (of the note row for ``keterangan``)."""
    lines = ["kode_desa;nama_desa;tahun;jenis_kelamin;keterangan;jumlah"]
    for i in range(20):
        code = DESA[i // 2]
        row = {
            "kode_desa": code.replace(".", ""),
            "nama_desa": REGIONS.label(code),
            "tahun": "2024",
            "jenis_kelamin": "Laki-laki" if i % 2 == 0 else "Perempuan",
            "keterangan": "",
            "jumlah": str(1500 + 37 * i),
        }
        if i == 3 and column != "keterangan":
            row[column] = cell
        lines.append(";".join(row.values()))
    note = f"catatan: petugas {cell}" if column == "keterangan" else "catatan: data sementara"
    lines.append(f";;;;{note};")
    (folder / "penduduk.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = folder / "uji-nik.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    return mapping


@dataclass
class Workspace:
    folder: Path
    store: Path
    reports: Path


@pytest.fixture
def workspace(reference_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    """An on-disk store with the reference graphs, named by the CLI's environment."""
    store, reports = copy_reference(reference_folder, tmp_path), tmp_path / "reports"
    monkeypatch.setenv("ONECENTER_STORE_PATH", str(store))
    monkeypatch.setenv("ONECENTER_REPORTS_DIR", str(reports))
    monkeypatch.setenv("ONECENTER_CONFIG", str(tmp_path / "no-onecenter.toml"))
    (tmp_path / "tabel").mkdir()
    yield Workspace(tmp_path / "tabel", store, reports)


GUARD = PersonalDataGuard.from_regions(REGIONS)


@pytest.mark.parametrize("name", FORMS)
def test_every_disguise_is_found_and_masked(name: str) -> None:
    cell, digits = FORMS[name]
    assert [h.kind for h in GUARD.find(cell)] == ["telepon" if digits == PHONE else "nik"], name
    masked = GUARD.mask(cell)
    assert digits not in digits_of(masked) and "*" in masked, masked


@pytest.mark.slow
def test_a_disguised_identifier_is_refused_and_its_digits_are_written_nowhere(workspace: Workspace) -> None:
    runner = CliRunner()
    cases = [(name, "jumlah") for name in FORMS] + [("thousands-dot", c) for c in COLUMNS]
    not_refused, not_named, printed = [], [], []
    for name, column in cases:
        cell, digits = FORMS[name]
        mapping = write_table(workspace.folder, column, cell)
        dry = runner.invoke(app, ["load", "--dry-run", str(mapping)])
        problems = workspace.reports / "uji-nik-masalah.csv"
        said = problems.read_text(encoding="utf-8-sig") if problems.exists() else ""
        named = [line for line in said.splitlines() if f";{column};" in line and "data pribadi" in line]
        if dry.exit_code != 1 or not named:
            not_named.append(f"{name} in {column}: exit {dry.exit_code}, {said[:300]!r}")
        load = runner.invoke(app, ["load", str(mapping)])
        if load.exit_code != 1 or "data pribadi terdeteksi" not in " ".join(load.output.split()):
            not_refused.append(f"{name} in {column}: exit {load.exit_code}, {load.output[-300:]!r}")
        printed += lines_holding([digits], dry.output.splitlines() + load.output.splitlines())

    everything = {d for _, d in FORMS.values()}
    in_reports = files_holding(everything, workspace.reports)
    in_audit = files_holding(everything, workspace.store.parent / "audit")
    in_store = quads_holding(everything, workspace.store)
    reader = open_store(workspace.store, read_only=True)
    try:
        iris = Iris(load_settings().base_iri)
        published, drafts = published_datasets(reader, iris), draft_datasets(reader, iris)
        assert reader.count() == sum(reader.count(g) for g in reader.named_graphs())  # all quads read
    finally:
        reader.close()

    assert not_refused == [], "loads not refused as personal data"
    assert not_named == [], "dry runs that did not name the cell as personal data"
    assert in_reports == {}, "identifier digits in the reports folder"
    assert in_audit == {}, "identifier digits in the audit log"
    assert in_store == [], "identifier digits in the store"
    assert printed == [], "identifier digits printed by the command"
    assert "uji-nik" not in published and "uji-nik" not in drafts
    record_figures(
        "personal_data_bypass",
        {
            "forms": len(FORMS),
            "cases": len(cases),
            "columns": ["jumlah", *COLUMNS],
            "cli_runs": 2 * len(cases),
        },
    )


@pytest.mark.slow
@pytest.mark.parametrize("where", ["header", "file-name"])
def test_an_identifier_in_a_header_or_the_file_name_is_refused_and_written_nowhere(
    workspace: Workspace, where: str
) -> None:
    """A NIK typed into a header cell of an unread column ("petugas 1.809…"), or naming the
    file itself, goes into reports, provenance and the audit log as the table's own words."""
    runner = CliRunner()
    mapping = write_table(workspace.folder, "jumlah", "1500")
    table = workspace.folder / "penduduk.csv"
    if where == "header":
        lines = table.read_text(encoding="utf-8").splitlines()
        lines = [lines[0] + ";petugas 1.809.011.505.900.001"] + [line + ";" for line in lines[1:]]
        table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        named = workspace.folder / f"penduduk_{NIK}.csv"
        table.rename(named)
        mapping.write_text(MAPPING.replace("penduduk.csv", named.name), encoding="utf-8")
    dry = runner.invoke(app, ["load", "--dry-run", str(mapping)])
    load = runner.invoke(app, ["load", str(mapping)])
    said = " ".join(load.output.split())
    shown = "judul kolom / column header" if where == "header" else "nama berkas / file name"
    assert load.exit_code == 1 and "data pribadi terdeteksi" in said and shown in said, said[-400:]
    assert dry.exit_code == 1, dry.output[-400:]
    # The file name is the operator's own argument; what the platform writes must not repeat it.
    assert files_holding({NIK}, workspace.reports) == {}
    assert files_holding({NIK}, workspace.store.parent / "audit") == {}
    assert quads_holding({NIK}, workspace.store) == []
    if where == "header":
        assert lines_holding([NIK], dry.output.splitlines() + load.output.splitlines()) == []
