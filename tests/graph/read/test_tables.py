"""read_table: agency CSV/XLSX tables become text frames with agency-visible row numbers."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from openpyxl import Workbook

from graph.errors import SourceError
from graph.read.mappings import DropRule, SourceSpec
from graph.read.tables import ROW, normalise_header, read_table

REPO = Path(__file__).resolve().parents[3]
DATA = REPO / "data"


def spec(path: Path, **kwargs) -> SourceSpec:
    return SourceSpec(path=path.name, **kwargs)


def rows_of(table) -> list[int]:
    return [int(n) for n in table.frame[ROW]]


def column(table, name: str) -> list[str]:
    return list(table.frame[name])


# --- header names ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("kemendagri_kode\n_desa", "kemendagri_kode_desa"),
        ("kemendagri_kode_\ndesa", "kemendagri_kode_desa"),
        ("kemendagri_nama\n_provinsi\n", "kemendagri_nama_provinsi"),
        ("  Jumlah   Balita\r\nDitimbang ", "Jumlah Balita Ditimbang"),
        ("Luas (km²)", "Luas (km²)"),
    ],
)
def test_normalise_header_joins_wrapped_names(raw, expected):
    assert normalise_header(raw) == expected


# --- CSV ----------------------------------------------------------------------------------------


def dukcapil_csv(tmp_path: Path) -> Path:
    """Semicolon CSV, UTF-8 with BOM, header record with embedded newlines (Dukcapil export)."""
    text = (
        '"kemendagri_kode\n_desa";"kemendagri_nama_\ndesa\n";tahun;jumlah_penduduk\n'
        "1809012001;Bagelen;2024;1575\n"
        '1809012002;"Kurungan\nNyawa";2024;819\n'
        "1809012003;Gedung Tataan;2024;1446\n"
    )
    path = tmp_path / "dukcapil.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    return path


def test_semicolon_csv_with_bom_and_wrapped_header_names(tmp_path):
    path = dukcapil_csv(tmp_path)
    table = read_table(path, spec(path, delimiter=";"))
    assert table.columns == [
        "kemendagri_kode_desa",
        "kemendagri_nama_desa",
        "tahun",
        "jumlah_penduduk",
    ]
    assert column(table, "kemendagri_kode_desa") == ["1809012001", "1809012002", "1809012003"]
    assert column(table, "jumlah_penduduk") == ["1575", "819", "1446"]
    assert table.sheet is None


def test_bom_does_not_stick_to_the_first_header_name(tmp_path):
    path = dukcapil_csv(tmp_path)
    table = read_table(path, spec(path, delimiter=";"))
    assert not table.columns[0].startswith("\ufeff")


def test_csv_row_numbers_are_record_numbers_not_physical_lines(tmp_path):
    # The header record spans 3 physical lines and data record 3 spans 2:
    # records 2, 3, 4 are on physical lines 4, 5-6, 7.
    path = dukcapil_csv(tmp_path)
    table = read_table(path, spec(path, delimiter=";"))
    assert rows_of(table) == [2, 3, 4]
    record_3 = table.frame.loc[table.frame[ROW] == 3, "kemendagri_nama_desa"]
    assert record_3.item() == "Kurungan\nNyawa"


def test_cells_are_kept_as_text_exactly_as_written(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('Kode,Nilai\n0018,"1.234,50"\n 18.09 ,007\n', encoding="utf-8")
    table = read_table(path, spec(path))
    assert column(table, "Kode") == ["0018", " 18.09 "]
    assert column(table, "Nilai") == ["1.234,50", "007"]
    assert all(str(t) == "string" for c, t in table.frame.dtypes.items() if c != ROW)


def test_header_on_a_later_row_below_title_lines(tmp_path):
    path = tmp_path / "disdik.csv"
    path.write_text(
        "Jumlah Sekolah per Kecamatan\n"
        "Dinas Pendidikan Kabupaten Pesawaran\n"
        "Kecamatan,Tahun,Jumlah SD\n"
        "Kec. Gedong Tataan,2024,41\n"
        "Way Lima,2024,22\n",
        encoding="utf-8",
    )
    table = read_table(path, spec(path, header_rows=[3]))
    assert table.columns == ["Kecamatan", "Tahun", "Jumlah SD"]
    assert column(table, "Kecamatan") == ["Kec. Gedong Tataan", "Way Lima"]
    assert rows_of(table) == [4, 5]


def bps_csv(tmp_path: Path) -> Path:
    """BPS web-table export: title, source note, two-row header, total row and footnote."""
    lines = [
        '"Luas Wilayah dan Proyeksi Penduduk, 2020-2021","","","",""',
        '"Sumber/Source: BPS","","","",""',
        '"Kode BPS","Kecamatan","Luas (km²)","Proyeksi Penduduk",""',
        '"","","","2020","2021"',
        '"1809050","Gedong Tataan","97,06","75.855","76.300"',
        '"","","","",""',
        '"1809020","Way Lima","104,51","34.104","34.500"',
        '"","Kabupaten Pesawaran","201,57","109.959","110.800"',
        '"Sumber: Proyeksi Penduduk Indonesia","","","",""',
    ]
    path = tmp_path / "bps.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode("utf-8") + b"\r\n")
    return path


def test_two_header_rows_are_joined_with_forward_fill_of_merged_cells(tmp_path):
    path = bps_csv(tmp_path)
    table = read_table(path, spec(path, header_rows=[3, 4]))
    assert table.columns == [
        "Kode BPS",
        "Kecamatan",
        "Luas (km²)",
        "Proyeksi Penduduk 2020",
        "Proyeksi Penduduk 2021",
    ]
    assert column(table, "Proyeksi Penduduk 2021")[:2] == ["76.300", "34.500"]


def test_blank_rows_are_counted_with_their_row_numbers(tmp_path):
    path = bps_csv(tmp_path)
    table = read_table(path, spec(path, header_rows=[3, 4]))
    assert table.blank_rows == [6]
    assert 6 not in rows_of(table)


def test_drop_rows_are_counted_in_dropped_with_row_numbers(tmp_path):
    path = bps_csv(tmp_path)
    rules = [
        {"column": "Kecamatan", "matches": r"^\s*(kabupaten|jumlah)\b", "reason": "total row"},
        {"column": "Kode BPS", "matches": r"^\s*sumber\b", "reason": "footnote"},
    ]
    table = read_table(path, spec(path, header_rows=[3, 4], drop_rows=rules))
    assert table.dropped == [
        (8, "Kecamatan", "Kabupaten Pesawaran", "total row"),
        (9, "Kode BPS", "Sumber: Proyeksi Penduduk Indonesia", "footnote"),
    ]
    assert rows_of(table) == [5, 7]
    assert column(table, "Kode BPS") == ["1809050", "1809020"]
    # Every row below the header is accounted for: 2 data + 1 blank + 2 dropped.
    assert table.rows_read == 5


def test_drop_rows_match_case_insensitively(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("No,Desa,Jumlah\n1,Bagelen,5\nJUMLAH,,5\n2,Gerning,3\n", encoding="utf-8")
    table = read_table(path, spec(path, drop_rows=[{"column": "No", "matches": "^jumlah"}]))
    assert [d[0] for d in table.dropped] == [3]
    assert rows_of(table) == [2, 4]


def test_drop_rows_on_an_unknown_column_drops_nothing(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("No,Desa\n1,Bagelen\n", encoding="utf-8")
    table = read_table(path, spec(path, drop_rows=[{"column": "Nomor", "matches": "."}]))
    assert table.dropped == [] and rows_of(table) == [2]


def test_skip_rows_are_left_out_and_not_counted_as_blank_or_dropped(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Desa,Tahun,Jumlah\n(1),(2),(3)\nBagelen,2024,5\n\nGerning,2024,3\n", encoding="utf-8")
    table = read_table(path, spec(path, skip_rows=[2]))
    assert rows_of(table) == [3, 5]
    assert table.blank_rows == [4]
    assert table.dropped == []
    assert "(1)" not in column(table, "Desa")


def test_short_records_are_padded_to_the_header_width(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Desa,Tahun,Jumlah\nBagelen,2024\n", encoding="utf-8")
    table = read_table(path, spec(path))
    assert column(table, "Jumlah") == [""]


def test_duplicate_header_names_are_made_unique(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Desa,Jumlah,Jumlah,\nBagelen,1,2,3\n", encoding="utf-8")
    table = read_table(path, spec(path))
    assert table.columns == ["Desa", "Jumlah", "Jumlah (2)", "(kolom 4)"]


def test_header_only_file_gives_an_empty_frame_with_the_columns(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Desa,Jumlah\n", encoding="utf-8")
    table = read_table(path, spec(path))
    assert table.columns == ["Desa", "Jumlah"]
    assert len(table.frame) == 0 and ROW in table.frame.columns


def test_header_row_beyond_the_file_is_a_source_error(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("Desa,Jumlah\nBagelen,1\n", encoding="utf-8")
    with pytest.raises(SourceError, match="header_rows"):
        read_table(path, spec(path, header_rows=[5]))


def test_missing_file_is_a_source_error_naming_the_file(tmp_path):
    path = tmp_path / "tidak_ada.csv"
    with pytest.raises(SourceError) as info:
        read_table(path, spec(path))
    assert info.value.file == str(path)
    assert "tidak_ada.csv" in str(info.value)
    assert "not found" in str(info.value)


def test_non_utf8_file_is_a_source_error_telling_to_set_the_encoding(tmp_path):
    path = tmp_path / "cp1252.csv"
    path.write_bytes("Desa;Keterangan\nBagelen;Caf\u00e9 \u2013 dekat pasar\n".encode("cp1252"))
    with pytest.raises(SourceError) as info:
        read_table(path, spec(path, delimiter=";"))
    message = str(info.value)
    assert "source.encoding" in message
    assert info.value.file == str(path)


def test_declared_cp1252_encoding_reads_the_same_file(tmp_path):
    path = tmp_path / "cp1252.csv"
    path.write_bytes("Desa;Keterangan\nBagelen;Caf\u00e9 \u2013 dekat pasar\n".encode("cp1252"))
    table = read_table(path, spec(path, delimiter=";", encoding="cp1252"))
    assert column(table, "Keterangan") == ["Caf\u00e9 \u2013 dekat pasar"]


def test_sha256_and_byte_size_are_of_the_file_bytes(tmp_path):
    path = dukcapil_csv(tmp_path)
    data = path.read_bytes()
    table = read_table(path, spec(path, delimiter=";"))
    assert table.sha256 == hashlib.sha256(data).hexdigest()
    assert table.byte_size == len(data)
    assert table.path == path


# --- XLSX -------------------------------------------------------------------------------------


def dinkes_xlsx(tmp_path: Path) -> Path:
    """Dinkes-style workbook: a cover sheet, then 'Stunting' with merged titles, header row 4."""
    wb = Workbook()
    cover = wb.active
    cover.title = "Sampul"
    cover["A1"] = "Sampul laporan"
    ws = wb.create_sheet("Stunting")
    ws["A1"] = "DATA BALITA STUNTING PER DESA"
    ws.merge_cells("A1:F1")
    ws["A2"] = "DINAS KESEHATAN KABUPATEN PESAWARAN"
    ws.merge_cells("A2:F2")
    # Row 3 left blank.
    for col, name in zip(
        "ABCDEF", ["No", "Desa", "Tahun", "Ditimbang", "Prevalensi", "Catatan"], strict=True
    ):
        ws[f"{col}4"] = name
    ws.append([1, "Bagelen", 2024, 187.0, 0.125, "21,4"])  # row 5
    ws["E5"].number_format = "0.0%"
    ws.append([2, "Kota Dalam", 2024.0, 203, 0.2, None])  # row 6
    ws["E6"].number_format = "0%"
    # Row 7 blank; row 8 has column A empty.
    ws["B8"] = "Gerning"
    ws["C8"] = 2023
    ws["D8"] = 189
    ws["E8"] = 14.3
    ws["A9"] = "JUMLAH"
    ws.merge_cells("A9:C9")
    ws["D9"] = 579
    path = tmp_path / "dinkes.xlsx"
    wb.save(path)
    return path


def dinkes_spec(path: Path, **kwargs) -> SourceSpec:
    return spec(path, sheet="Stunting", header_rows=[4], **kwargs)


def test_xlsx_named_sheet_with_merged_title_rows_and_header_on_row_4(tmp_path):
    path = dinkes_xlsx(tmp_path)
    table = read_table(path, dinkes_spec(path))
    assert table.sheet == "Stunting"
    assert table.columns == ["No", "Desa", "Tahun", "Ditimbang", "Prevalensi", "Catatan"]
    assert column(table, "Desa") == ["Bagelen", "Kota Dalam", "Gerning", ""]


def test_xlsx_row_numbers_are_the_sheet_row_numbers(tmp_path):
    path = dinkes_xlsx(tmp_path)
    table = read_table(path, dinkes_spec(path))
    assert rows_of(table) == [5, 6, 8, 9]
    assert table.blank_rows == [7]


def test_xlsx_drop_rows_report_the_sheet_row(tmp_path):
    path = dinkes_xlsx(tmp_path)
    table = read_table(path, dinkes_spec(path, drop_rows=[{"column": "No", "matches": r"^\s*jumlah\b"}]))
    assert [(d[0], d[1], d[2]) for d in table.dropped] == [(9, "No", "JUMLAH")]
    assert rows_of(table) == [5, 6, 8]


def test_xlsx_percent_formatted_cell_gives_the_percent_the_agency_sees(tmp_path):
    path = dinkes_xlsx(tmp_path)
    table = read_table(path, dinkes_spec(path))
    prevalensi = dict(zip(rows_of(table), column(table, "Prevalensi"), strict=True))
    assert prevalensi[5] == "12.5"
    assert prevalensi[6] == "20"
    # A plain number cell (no percent format) is kept as written.
    assert prevalensi[8] == "14.3"


def test_xlsx_integer_valued_numbers_have_no_trailing_point_zero(tmp_path):
    path = dinkes_xlsx(tmp_path)
    table = read_table(path, dinkes_spec(path))
    assert column(table, "Ditimbang")[:3] == ["187", "203", "189"]
    assert column(table, "Tahun")[:3] == ["2024", "2024", "2023"]
    assert column(table, "No")[:2] == ["1", "2"]


def test_xlsx_text_cells_are_kept_as_text(tmp_path):
    path = dinkes_xlsx(tmp_path)
    table = read_table(path, dinkes_spec(path))
    assert column(table, "Catatan")[:2] == ["21,4", ""]


def test_xlsx_without_sheet_reads_the_first_sheet(tmp_path):
    path = dinkes_xlsx(tmp_path)
    table = read_table(path, spec(path))
    assert table.sheet == "Sampul"
    assert table.columns == ["Sampul laporan"]


def test_xlsx_missing_sheet_is_a_source_error_naming_the_available_sheets(tmp_path):
    path = dinkes_xlsx(tmp_path)
    with pytest.raises(SourceError) as info:
        read_table(path, spec(path, sheet="Data"))
    message = str(info.value)
    assert "'Data'" in message
    assert "Sampul" in message and "Stunting" in message


def test_broken_xlsx_is_a_source_error(tmp_path):
    path = tmp_path / "rusak.xlsx"
    path.write_bytes(b"this is not a zip file")
    with pytest.raises(SourceError, match="Excel"):
        read_table(path, spec(path))


def test_xlsx_sha256_and_byte_size_are_of_the_file_bytes(tmp_path):
    path = dinkes_xlsx(tmp_path)
    data = path.read_bytes()
    table = read_table(path, dinkes_spec(path))
    assert (table.sha256, table.byte_size) == (hashlib.sha256(data).hexdigest(), len(data))


def test_xlsx_whole_number_percent_cell_gives_the_percent_the_agency_sees(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["Desa", "Akses Air Minum"])
    ws.append(["Bagelen", 1])  # Excel shows 100%
    ws["B2"].number_format = "0%"
    path = tmp_path / "persen.xlsx"
    wb.save(path)
    table = read_table(path, spec(path))
    assert column(table, "Akses Air Minum") == ["100"]


# --- the shipped demo tables (row numbers documented in data/README.md) ---------------------


def test_shipped_dukcapil_csv_row_numbers_match_the_documented_record_numbers():
    path = DATA / "disdukcapil_penduduk_desa_jk_2020_2024.csv"
    table = read_table(path, SourceSpec(path=path.name, delimiter=";"))
    assert "kemendagri_kode_desa" in table.columns
    assert len(table.frame) == 1480
    by_row = table.frame.set_index(ROW)
    # data/README.md C1/C2: record 894 and 1042 (physical lines 906 and 1054) hold 819 / 752.
    assert by_row.loc[894, "jumlah_penduduk"] == "819"
    assert by_row.loc[1042, "jumlah_penduduk"] == "752"
    assert by_row.loc[894, "jenis_kelamin"] == "Laki-laki"


def test_shipped_dinkes_xlsx_row_numbers_match_the_documented_sheet_rows():
    path = DATA / "dinkes_balita_stunting_desa_2020_2024.xlsx"
    table = read_table(
        path,
        SourceSpec(
            path=path.name,
            sheet="Stunting",
            header_rows=[4],
            drop_rows=[DropRule(column="No", matches=r"^\s*jumlah\b")],
        ),
    )
    assert len(table.frame) == 740
    by_row = table.frame.set_index(ROW)
    assert by_row.loc[350, "Jumlah Balita Stunting"] == "223"  # C3
    assert by_row.loc[121, "Jumlah Balita Ditimbang"] == "n.a."  # P1
    assert str(by_row.loc[362, "Desa"]).strip() == "Kuta Dalom"  # L6
    assert by_row.loc[541, "Jumlah Balita Stunting"] == ""  # M1
    assert [d[0] for d in table.dropped] == [745]  # D1


def test_shipped_bps_csv_two_row_header_and_dropped_rows():
    path = DATA / "bps_luas_penduduk_kecamatan_2020_2024.csv"
    table = read_table(
        path,
        SourceSpec(
            path=path.name,
            header_rows=[3, 4],
            drop_rows=[
                DropRule(column="Kecamatan", matches=r"^\s*(kabupaten|jumlah|total)\b"),
                DropRule(column="Kode BPS", matches=r"^\s*(sumber|catatan)\b"),
            ],
        ),
    )
    assert [f"Proyeksi Penduduk (jiwa) {y}" for y in range(2020, 2025)] == table.columns[3:8]
    assert len(table.frame) == 11
    assert rows_of(table) == list(range(5, 16))
    assert [d[0] for d in table.dropped] == [16, 17]  # D2, D3
    by_row = table.frame.set_index(ROW)
    assert by_row.loc[8, "Proyeksi Penduduk (jiwa) 2022"] == "42.943"  # C6


def idm_like_xlsx(tmp_path: Path) -> Path:
    """Kemendesa's IDM layout: title on row 2, header on row 4, codes as number cells, and
    continuation rows whose region cells are blank under each desa row."""
    book = Workbook()
    sheet = book.active
    sheet["A2"] = "REKOMENDASI IDM TAHUN 2024 PER DESA"
    sheet.append([])
    sheet.append(["KODE DESA", "NAMA DESA", "NILAI IDM 2024", "KETERANGAN"])
    sheet.append([1809012001, "PADANG RATU", 0.6719, "Jumlah Dokter Tidak ada"])
    sheet.append([None, None, None, "Ruang Publik tidak terdapat didesa"])
    sheet.append([1809012002, "KURUNGAN NYAWA", 0.8123, "Jarak ke Poskesdes 501 s.d 1000 Meter"])
    sheet.append([None, None, None, "Jumlah pasar permanen = 0"])
    path = tmp_path / "idm.xlsx"
    book.save(path)
    return path


def test_drop_rows_blank_drops_continuation_rows_and_lists_them(tmp_path):
    path = idm_like_xlsx(tmp_path)
    rule = {"column": "KODE DESA", "blank": True, "reason": "baris lanjutan"}
    table = read_table(path, spec(path, header_rows=[4], drop_rows=[rule]))
    assert rows_of(table) == [5, 7]
    assert table.dropped == [(6, "KODE DESA", "", "baris lanjutan"), (8, "KODE DESA", "", "baris lanjutan")]
    assert table.rows_read == 4


def test_drop_rows_match_number_cells_as_their_digits(tmp_path):
    path = idm_like_xlsx(tmp_path)
    rules = [
        {"column": "KODE DESA", "matches": r"^1809012002$"},
        {"column": "NILAI IDM 2024", "matches": r"^0\.67"},
    ]
    table = read_table(path, spec(path, header_rows=[4], drop_rows=rules))
    assert [row for row, *_ in table.dropped] == [7, 5]


@pytest.mark.parametrize(
    "rule",
    [{"column": "KODE DESA"}, {"column": "KODE DESA", "matches": "^$", "blank": True}],
)
def test_a_drop_rule_needs_matches_or_blank_one_of_them(rule):
    with pytest.raises(ValueError, match="'matches'.*'blank: true', one of them"):
        DropRule.model_validate(rule)
