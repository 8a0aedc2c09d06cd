"""A table the demo never had, as an agency sends it, for the mapping assistant's tests.

Modelled on ../shared/samples/: a UTF-8 byte-order mark, semicolons, a title row and a blank
row above the header, undotted Kemendagri desa codes beside the desa names, "1.234" thousands
and "1.200,5" decimal commas, a "-" for no data, a JUMLAH total row and a "Sumber:" note.
The values are made up. Way Layap's "1.200,5" households is not a whole number: the one
rejected cell.
"""

from __future__ import annotations

DESA = [
    ("1809012001", "Padang Ratu", "1.234", "987"),
    ("1809012002", "Pampangan", "2.045", "1.502"),
    ("1809012003", "Cipadang", "876", "-"),
    ("1809012004", "Way Layap", "1.510", "1.200,5"),
    ("1809012005", "Sukadadi", "1.102", "640"),
    ("1809012006", "Gedung Tataan", "3.310", "2.950"),
    ("1809012007", "Bagelen", "1.760", "1.011"),
    ("1809012008", "Sukaraja", "954", "712"),
    ("1809012009", "Kebagusan", "1.388", "1.004"),
    ("1809012010", "Sungai Langka", "2.203", "1.876"),
]
HEADER_ROW = 3
COLUMNS = ["No", "Kode Desa", "Nama Desa", "Jumlah Rumah Tangga", "RT Akses Air Minum Layak", "Keterangan"]
# Two figures a load must publish: (desa code dotted, indicator, value).
EXPECTED = [
    ("18.09.01.2001", "jumlah-rumah-tangga", "1234"),
    ("18.09.01.2002", "rt-air-minum-layak", "1502"),
]
DATASET = "perkim-air-minum-rt-desa"


def messy_table() -> bytes:
    lines = [
        "REKAP RUMAH TANGGA DAN AKSES AIR MINUM LAYAK PER DESA TAHUN 2024;;;;;",
        ";;;;;",
        ";".join(COLUMNS),
    ]
    for i, (code, name, households, water) in enumerate(DESA, start=1):
        note = "belum didata" if water == "-" else ""
        lines.append(f"{i};{code};{name};{households};{water};{note}")
    lines.append("JUMLAH;;;16.382;11.882,5;")
    lines.append("Sumber: Dinas Perumahan dan Permukiman;;;;;")
    return "\ufeff".encode() + ("\r\n".join(lines) + "\r\n").encode("utf-8")
