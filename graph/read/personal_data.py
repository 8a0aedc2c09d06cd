"""The personal-data guard: identifiers of people are found, masked and refused, never published.

Personal data (UU 27/2022 on Personal Data Protection) must never enter the public
graph. Mappings declare the columns that hold it (``source.personal_data``) and
those columns are never read. Independently of what a mapping says, this module
looks at the cells of a table for values that *are* identifiers of people:

- a NIK (16 digits: Kemendagri province-kabupaten-kecamatan of registration, birth
  date DDMMYY with 40 added to the day for women, a serial). A family-card number
  (No. KK) has the same layout with the issue date, and is caught as well;
- an Indonesian mobile number (``08…``, ``+62 8…``, ``62 8…``), checked against the
  numbering plan with ``phonenumbers``;
- names next to them: a person's name in the same row as a found identifier.

Every finding is reported with the cell's text *masked* (``1809**********01``): the
full value never goes into reports, logs or provenance.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import pandas as pd
import phonenumbers

from graph.errors import CellProblem
from graph.read.mappings import Mapping, normalise_header
from graph.read.tables import ROW, Table
from graph.read.visible_text import NOT_PLAIN, fold
from graph.reference.regions import RegionIndex

__all__ = ["Detection", "Hit", "PersonalDataGuard"]

Kind = Literal["nik", "telepon", "nama"]

# Kemendagri province codes (Kepmendagri 100.1.1-6117/2022 onwards: 38 provinces). The code
# list shipped in ontology/codes covers one province; a NIK can come from any of them.
PROVINCES = frozenset(
    "11 12 13 14 15 16 17 18 19 21 31 32 33 34 35 36 51 52 53 61 62 63 64 65 "
    "71 72 73 74 75 76 81 82 91 92 93 94 95 96".split()
)
# Kabupaten are numbered from 01 and kota from 71. No province has ever had more than 29
# kabupaten (Jawa Tengah, Jawa Timur), so 01-39 and 71-79 leave room without taking 40-70.
_PLAUSIBLE_KABUPATEN = frozenset(f"{n:02d}" for n in [*range(1, 40), *range(71, 80)])

# The layouts a NIK is written in: plain, region/date/serial, dotted region, groups of four.
# An apostrophe before it (Excel's "keep as text") or ".0" after it (a float) does not hide it.
_SEP = r"[ .\-]"
_NIK = re.compile(
    r"(?<![\d.,])(?:\d{16}"
    rf"|\d{{6}}{_SEP}\d{{6}}{_SEP}\d{{4}}"
    rf"|\d{{2}}\.\d{{2}}\.\d{{2}}{_SEP}\d{{6}}{_SEP}\d{{4}}"
    r"|\d{4}([ .\-])\d{4}\1\d{4}\1\d{4})(?!\d|[.,]\d{3})"
)
# Excel shows a 16-digit number typed as a number as 1.80901550590000E+15: 15 significant
# digits keep the region, the birth date and 3 of the 4 serial digits, so it still points at
# one person. Shorter forms (1.80901E+15) keep only the kecamatan and identify nobody.
_NIK_FLOAT = re.compile(r"(?<![\d.,])(\d)[.,](\d{14,15})[eE]\+?15(?!\d)")
# A NIK written as a number, as the number reader takes it: with leading zeros, a decimal part
# ("1809011505900001.000") or thousands separators ("1.809.011.505.900.001", "1,809,…,001.00",
# Excel's "#,##0" display of a NIK typed as a number). 16 digits are one digit and five
# groups of three; a decimal part after the same separator is a longer number instead.
_NIK_NUMBER = re.compile(
    r"(?<![\d.,])0*(?:\d{16}|\d(?P<sep>[.,' ])\d{3}(?:(?P=sep)\d{3}){4})(?P<fraction>[.,]\d+)?(?!\d)"
)
# A mobile number: 0 8.. / +62 8.. / (+62) 8.. / 62 8.., groups split by spaces, dots or hyphens.
# A leading 0 is never followed by a separator ("0.8123456789" is a fraction), and a number
# never starts inside another ("5.088.712.345.688" is an amount).
_PHONE = re.compile(
    r"(?<![\w+])(?<!\d[.,])(?:(?P<country>\+62|\(\+?62\)|62)[ .\-]?|(?P<trunk>0))"
    r"(?P<national>8\d{1,3}(?:[ .\-]?\d{2,5}){1,4})(?!\w)"
)


# Which national numbers are mobile, and how long they are, from libphonenumber's metadata
# (kept up to date there as ranges are allocated; 0800 is toll-free, 0721 a landline).
# Matched directly: parsing each number took 130 us, this takes 1.
def _mobile_numbers() -> tuple[re.Pattern[str], frozenset[int]]:
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("ID")
    mobile = metadata.mobile if metadata is not None else None
    if mobile is None or mobile.national_number_pattern is None:
        raise RuntimeError("libphonenumber has no metadata for Indonesian mobile numbers")
    return re.compile(mobile.national_number_pattern), frozenset(mobile.possible_length)


_MOBILE, _MOBILE_LENGTHS = _mobile_numbers()
# 62.812.345.678 is an amount in thousands, not a phone.
_THOUSANDS = re.compile(r"^\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*$")
# A first pass over whole columns (Arrow's RE2, so no look-arounds): every text the patterns
# above can match matches this too, and most cells of a statistics table do not.
# Sixteen digits with at most one character between two covers every layout of a NIK;
# a text that is not plain ASCII is folded first (``graph.read.visible_text``), so any
# such cell is a candidate.
_CANDIDATE = (
    r"\d(?:[^0-9]?\d){15}"
    r"|\d[.,]\d{14,15}[eE]"
    r"|(?:^|\D)(?:\(?\+?62\)?[ .\-]?|0)8\d"
)
_CANDIDATE_RE = re.compile(_CANDIDATE)
_NON_DIGIT = re.compile(r"\D")

# A person's name: 1-6 words of letters (with ' . - and commas for titles), no digits.
_NAME = re.compile(r"^[^\W\d_][^\W\d_'.\-]*(?:[ ,'.\-]+[^\W\d_][^\W\d_'.\-]*){0,5}\.?$")
_PERSON_HEADER = re.compile(
    r"\b(nama|name|kepala keluarga|penerima|pemilik|pasien|pendamping|petugas|ibu|ayah|wali)\b", re.I
)
_PLACE_HEADER = re.compile(
    r"\b(desa|kelurahan|kecamatan|kabupaten|kota|provinsi|wilayah|dusun|pekon|kampung|puskesmas|"
    r"posyandu|sekolah|instansi|dinas|program|kegiatan|indikator|satuan|jalan)\b",
    re.I,
)
_REGION_PREFIX = re.compile(
    r"^(desa|ds|kelurahan|kel|kecamatan|kec|kabupaten|kab|kota|provinsi|prov)\b\.?\s*"
)

DESCRIPTION: dict[Kind, str] = {
    "nik": "NIK atau nomor KK (16 digit: kode wilayah dan tanggal yang sah) / NIK or family-card number",
    "telepon": "nomor telepon seluler / mobile phone number",
    "nama": "nama orang di baris yang memuat NIK atau telepon / a person's name next to an identifier",
}


@dataclass(frozen=True)
class Hit:
    """An identifier found in a cell's text: what, and where in the text."""

    kind: Kind
    start: int
    end: int
    ambiguous: bool = False  # "62812…" with no + nor separators also reads as an amount


@dataclass(frozen=True)
class Detection:
    """One cell holding personal data, with its text masked."""

    row: int
    column: str
    kind: Kind
    masked: str
    mapped: bool  # the mapping reads the column, so its values would be published

    def problem(self, file: str, sheet: str | None) -> CellProblem:
        if self.mapped:
            todo = (
                "kolom ini dipetakan, nilainya akan diterbitkan: hapus nilai itu dari tabel / this column "
                "is mapped and its values would be published: remove the value from the table"
            )
        else:
            todo = (
                "hapus kolom dari tabel, atau nyatakan di source.personal_data / remove the column from "
                "the table, or declare it under source.personal_data"
            )
        reason = f"data pribadi terdeteksi / personal data detected: {DESCRIPTION[self.kind]}; {todo}"
        return CellProblem(file, sheet, self.row, self.column, self.masked, reason)


def _mask_digits(text: str) -> str:
    """Keep the first four and the last two digits; every other digit becomes '*'."""
    positions = [i for i, ch in enumerate(text) if ch.isdigit()]
    hidden = set(positions[4:-2])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(text))


def _mask_name(text: str) -> str:
    return re.sub(r"(?<=[^\W\d_])[^\W\d_]+", lambda m: "*" * len(m.group()), text)


def _valid_birth_date(digits: str) -> bool:
    """DDMMYY, with 40 added to the day for women; the century is not written."""
    day, month, year = int(digits[:2]), int(digits[2:4]), int(digits[4:6])
    if day > 40:
        day -= 40
    if not 1 <= month <= 12 or day < 1:
        return False
    # 29 February needs a leap year in 19YY or 20YY: both are leap when YY % 4 == 0 (2000 too).
    return day <= calendar.monthrange(2000 + year if year % 4 == 0 else 2001, month)[1]


def _name_key(text: str) -> str:
    return re.sub(r"[^a-z]", "", _REGION_PREFIX.sub("", text.casefold().strip()))


class PersonalDataGuard:
    """Finds NIKs, mobile numbers and the names beside them in a table's cells."""

    def __init__(self, kabupaten: dict[str, frozenset[str]], place_names: frozenset[str]) -> None:
        # province code -> kabupaten codes, for the provinces the reference code list covers
        self.kabupaten = kabupaten
        self.place_names = place_names  # name keys of regions: "Padang Ratu" is a desa, not a person

    @classmethod
    def from_regions(cls, regions: RegionIndex) -> PersonalDataGuard:
        kabupaten: dict[str, set[str]] = {}
        for code in regions.codes_by_level.get("kabupaten", []):
            province, number = code.split(".")
            kabupaten.setdefault(province, set()).add(number)
        names = {
            _name_key(name)
            for column in ("nama", "nama_2022", "nama_bps_2024", "nama_bps_2018")
            if column in regions.frame
            for name in regions.frame[column]
        }
        return cls({p: frozenset(k) for p, k in kabupaten.items()}, frozenset(names - {""}))

    # One text ---------------------------------------------------------------------------

    def is_nik(self, digits: str) -> bool:
        """16 digits with a real province, a kabupaten of it, a kecamatan part and a birth date.

        The kecamatan part is only required to be non-zero: a NIK keeps the kecamatan where
        it was first issued, and kecamatan have been split and moved to new kabupaten since
        (whole kabupaten have been carved out of others), so the current code list would miss some.
        """
        if len(digits) != 16 or not digits.isdigit():
            return False
        province, kabupaten, kecamatan = digits[:2], digits[2:4], digits[4:6]
        if province not in PROVINCES or kecamatan == "00":
            return False
        known = self.kabupaten.get(province)
        if kabupaten not in (known if known is not None else _PLAUSIBLE_KABUPATEN):
            return False
        return _valid_birth_date(digits[6:12])

    def find(self, text: str) -> list[Hit]:
        """The NIKs and mobile numbers in one cell's text, wherever they are hidden.

        The text is matched as it reads (``fold``): fullwidth or other digits, invisible
        characters and odd spaces inside an identifier do not hide it. The hits are spans of
        the original text.
        """
        folded = fold(text)
        hits = self._find_plain(folded.text)
        return [Hit(h.kind, *folded.span(h.start, h.end), ambiguous=h.ambiguous) for h in hits]

    def _find_plain(self, text: str) -> list[Hit]:
        if not _CANDIDATE_RE.search(text):
            return []
        hits = self._niks(text)
        hits += self._phones(text, hits)
        return sorted(hits, key=lambda h: h.start)

    def _niks(self, text: str) -> list[Hit]:
        hits: list[Hit] = []
        for m in _NIK.finditer(text):
            if self.is_nik(_NON_DIGIT.sub("", m.group())):
                hits.append(Hit("nik", m.start(), m.end()))
        for m in _NIK_FLOAT.finditer(text):
            if self.is_nik((m.group(1) + m.group(2)).ljust(16, "0")):
                hits.append(Hit("nik", m.start(), m.end()))
        for m in _NIK_NUMBER.finditer(text):
            fraction, separator = m.group("fraction"), m.group("sep")
            if separator and fraction and fraction[0] == separator:
                continue  # a longer number in thousands: 1.809.011.505.900.001.234
            whole = m.group()[: -len(fraction)] if fraction else m.group()
            if not _overlaps(m, hits) and self.is_nik(_NON_DIGIT.sub("", whole).lstrip("0")):
                hits.append(Hit("nik", m.start(), m.end()))
        return hits

    def _phones(self, text: str, niks: list[Hit]) -> list[Hit]:
        hits: list[Hit] = []
        for m in _PHONE.finditer(text):
            if _overlaps(m, niks):
                continue  # digits of a NIK already found
            country, national = m.group("country"), _NON_DIGIT.sub("", m.group("national"))
            if not 9 <= len(national) <= 12:
                continue
            if country == "62" and _THOUSANDS.match(m.group()):
                continue
            if _is_mobile(national):
                bare = country == "62" and m.group().isdigit()
                hits.append(Hit("telepon", m.start(), m.end(), ambiguous=bare))
        return hits

    def mask(self, text: str, hits: Iterable[Hit] | None = None) -> str:
        """The text with every identifier in it masked (written with ASCII digits, nothing invisible)."""
        out, last = [], 0
        for h in hits if hits is not None else self.find(text):
            out += [text[last : h.start], _mask_digits(fold(text[h.start : h.end]).text)]
            last = h.end
        return "".join(out) + text[last:]

    def looks_like_person(self, text: str) -> bool:
        """A name of one to six words, no digits, that is not the name of a region."""
        text = text.strip()
        return (
            2 <= len(text) <= 60 and _NAME.match(text) is not None and _name_key(text) not in self.place_names
        )

    # A whole table ----------------------------------------------------------------------

    def scan(self, frame: pd.DataFrame, mapped: set[str]) -> list[Detection]:
        """Every cell of ``frame`` holding an identifier, and the person names in those rows.

        All columns are scanned, not only the ``mapped`` ones: a column holding personal
        data must be declared even when nothing reads it yet, so that mapping it later is
        refused by the schema instead of publishing it.
        """
        columns = [c for c in frame.columns if c != ROW]
        row_numbers = [int(n) for n in frame[ROW]]
        texts = {c: frame[c].fillna("").astype(str).tolist() for c in columns}
        found: dict[tuple[int, str], list[Hit]] = {}  # (position, column) -> hits
        for column in columns:
            cells = frame[column]
            candidate = (
                cells.str.contains(_CANDIDATE, regex=True, na=False)
                | cells.str.contains(NOT_PLAIN, regex=True, na=False)
            ).to_numpy(bool)
            positions = candidate.nonzero()[0].tolist()
            # Tables repeat values (codes, years): each distinct text is looked at once.
            by_text = {text: self.find(text) for text in {texts[column][i] for i in positions}}
            hits = {i: by_text[texts[column][i]] for i in positions if by_text[texts[column][i]]}
            ambiguous = [i for i, row_hits in hits.items() if all(h.ambiguous for h in row_hits)]
            if ambiguous and len(ambiguous) * 2 < sum(1 for t in texts[column] if t.strip()):
                # Bare "62…" numbers read as phones only where most of the column is phones;
                # elsewhere they are amounts.
                for i in ambiguous:
                    del hits[i]
            found.update({(i, column): row_hits for i, row_hits in hits.items()})
        detections = [
            Detection(row_numbers[i], c, hits[0].kind, self.mask(texts[c][i], hits), c in mapped)
            for (i, c), hits in found.items()
        ]
        rows = sorted({i for i, _ in found})
        for column in self._name_columns(texts, rows):
            for i in rows:
                text = texts[column][i]
                if (i, column) not in found and self.looks_like_person(text):
                    detections.append(
                        Detection(row_numbers[i], column, "nama", _mask_name(text), column in mapped)
                    )
        return sorted(detections, key=lambda d: (d.row, d.column))

    def _name_columns(self, texts: dict[str, list[str]], rows: list[int]) -> list[str]:
        """Columns of person names: said by the header, or by values that are mostly distinct names."""
        if not rows:
            return []
        names = []
        for column, cells in texts.items():
            if _PLACE_HEADER.search(column):
                continue
            if _PERSON_HEADER.search(column):
                names.append(column)
                continue
            filled = [t.strip() for t in cells if t.strip()]
            if len(filled) < 5:
                continue  # too few cells to tell names from categories
            distinct = set(filled)
            if len(distinct) < 0.5 * len(filled):
                continue  # categories (sex, units), not names
            person = sum(self.looks_like_person(t) for t in filled)
            if person >= 0.8 * len(filled):
                names.append(column)
        return names

    def screen(self, mapping: Mapping, table: Table) -> list[CellProblem]:
        """Look for personal data in a table; mask what is found *in the table itself*.

        Every cell the mapping can read is looked at: every column of the table (region,
        period, dimensions, measures, and those nothing reads yet) and the cells the drop
        rules read in the rows they dropped. Masking in place means no later step (mapping,
        row problems, dropped rows) can carry a full identifier into a report, a log or
        provenance. The load is refused when anything is found, so the masked cells are
        never published either.
        """
        # Drop rules and the declaration itself read columns without publishing them.
        mapped = {normalise_header(c) for loc, c in mapping.column_references() if loc[0] != "source"}
        detections = self.scan(table.frame, mapped)
        if detections:
            positions = {int(row): i for i, row in enumerate(table.frame[ROW])}
            for column in {d.column for d in detections}:
                values = table.frame[column].tolist()
                for d in detections:
                    if d.column == column:
                        values[positions[d.row]] = d.masked
                table.frame[column] = pd.Series(values, index=table.frame.index, dtype="string")
        detections += self._screen_dropped(table)
        detections.sort(key=lambda d: (d.row, d.column))
        file = self.mask(table.path.name)
        return self._screen_names(table, file) + [d.problem(file, table.sheet) for d in detections]

    def _screen_names(self, table: Table, file: str) -> list[CellProblem]:
        """Identifiers in the header cells and in the file's name: both are written into
        reports, provenance and the audit log as the table's own words, so they are refused
        like a cell (and only their masked form is ever shown)."""
        header_row = max(table.spec.header_rows) if table.spec is not None else 1
        found = []
        for column in table.columns:
            hits = [h for h in self.find(column) if not h.ambiguous]
            if hits:
                masked = self.mask(column, hits)
                reason = (
                    f"data pribadi di judul kolom / personal data in a column header: "
                    f"{DESCRIPTION[hits[0].kind]}; hapus dari judul kolom / remove it from the header"
                )
                found.append(CellProblem(file, table.sheet, header_row, masked, masked, reason))
        if file != table.path.name:
            reason = (
                "data pribadi di nama berkas / personal data in the file name; ganti nama berkas "
                "dan muat ulang / rename the file and load again"
            )
            found.append(CellProblem(file, table.sheet, 0, "", file, reason))
        return found

    def _screen_dropped(self, table: Table) -> list[Detection]:
        """The identifiers in the cells drop rules read (masked there too); the other cells
        of a dropped row are never read."""
        found, dropped = [], []
        for row, column, value, why in table.dropped:
            hits = [h for h in self.find(value) if not h.ambiguous]
            masked = self.mask(value, hits)
            if hits:
                found.append(Detection(row, column, hits[0].kind, masked, mapped=False))
            dropped.append((row, column, masked, why))
        table.dropped = dropped
        return found


def _overlaps(m: re.Match[str], hits: list[Hit]) -> bool:
    return any(h.start < m.end() and m.start() < h.end for h in hits)


def _is_mobile(national: str) -> bool:
    """A national number (without 0 or 62) in Indonesia's mobile ranges."""
    return len(national) in _MOBILE_LENGTHS and _MOBILE.fullmatch(national) is not None
