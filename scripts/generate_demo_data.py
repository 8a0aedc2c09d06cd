"""Generate the demo agency tables for Kabupaten Pesawaran (Kemendagri 18.09).

VALUES ARE SYNTHETIC. The region codes and names are real (read from
``ontology/codes/wilayah_lampung.csv``); every number is made up by a seeded random
generator so that the six tables are plausible and related to each other (a latent
"deprivation" score per desa drives stunting, water access, welfare recipients and
school dropouts).

Six tables, each in a different real-world shape, plus ``data/README.md`` (which lists
the deliberate problems with the row numbers computed here, so the two never drift):

    data/disdukcapil_penduduk_desa_jk_2020_2024.csv   long, ';', BOM, multi-line header
    data/dinkes_balita_stunting_desa_2020_2024.xlsx   title rows, names only, total row
    data/disdik_sekolah_kecamatan_2020_2024.csv       wide by jenjang, "Kec. " prefixes
    data/dinsos_kpm_desa_2020_2024.csv                dotted codes, plain UTF-8
    data/bps_luas_penduduk_kecamatan_2020_2024.csv    BPS export, two-row header, BPS codes
    data/dpupr_air_sanitasi_desa_2020_2024.xlsx       codes as text, "67,5%" percentages

The shape writers (``write_dukcapil`` ... ``write_dpupr``) and ``build_world`` take a
``Scope`` (folder, regions, years, deliberate problems) and a ``Profile`` per kabupaten,
so ``scripts/generate_province_data.py`` writes the same six shapes for all of Lampung.

Deterministic: the same bytes on every run (the xlsx zip entries and document
properties get a fixed timestamp).

    .venv/bin/python scripts/generate_demo_data.py
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

if TYPE_CHECKING:
    from _csv import Writer as CsvWriter

ROOT = Path(__file__).resolve().parent.parent
WILAYAH = ROOT / "ontology" / "codes" / "wilayah_lampung.csv"
DATA = ROOT / "data"

KAB = "18.09"
YEARS = [2020, 2021, 2022, 2023, 2024]
SEED = 2024

# Real 2024 Dukcapil totals for Pesawaran (used only as the scale of the synthetic numbers).
TOTAL_2024, MALE_2024 = 501_047, 257_325
TOTAL_AREA = 1286.84  # km2

# Kecamatan effect on the latent deprivation score (coastal / island kecamatan higher).
KEC_EFFECT = {
    "Gedong Tataan": -0.8,
    "Negeri Katon": -0.5,
    "Tegineneng": -0.4,
    "Way Lima": 0.2,
    "Padang Cermin": 0.5,
    "Punduh Pidada": 0.9,
    "Kedondong": 0.1,
    "Marga Punduh": 1.0,
    "Way Khilau": 0.4,
    "Teluk Pandan": 0.0,
    "Way Ratai": 0.5,
}
# Synthetic areas (km2); Way Ratai takes the remainder so the sum is TOTAL_AREA exactly.
KEC_AREA = {
    "Gedong Tataan": 97.06,
    "Negeri Katon": 163.22,
    "Tegineneng": 143.16,
    "Way Lima": 105.43,
    "Padang Cermin": 158.40,
    "Punduh Pidada": 128.92,
    "Kedondong": 73.92,
    "Marga Punduh": 91.87,
    "Way Khilau": 77.09,
    "Teluk Pandan": 86.12,
}
# Illustrative puskesmas names: (puskesmas for the first desa, for the rest, split index).
PUSKESMAS = {
    "Gedong Tataan": ("Puskesmas Gedong Tataan", "Puskesmas Bernung", 10),
    "Negeri Katon": ("Puskesmas Negeri Katon", "Puskesmas Roworejo", 11),
    "Tegineneng": ("Puskesmas Tegineneng", "Puskesmas Tegineneng", 0),
    "Way Lima": ("Puskesmas Way Lima", "Puskesmas Way Lima", 0),
    "Padang Cermin": ("Puskesmas Padang Cermin", "Puskesmas Padang Cermin", 0),
    "Punduh Pidada": ("Puskesmas Pedada", "Puskesmas Pedada", 0),
    "Kedondong": ("Puskesmas Kedondong", "Puskesmas Kedondong", 0),
    "Marga Punduh": ("Puskesmas Maja", "Puskesmas Maja", 0),
    "Way Khilau": ("Puskesmas Way Khilau", "Puskesmas Way Khilau", 0),
    "Teluk Pandan": ("Puskesmas Hanura", "Puskesmas Hanura", 0),
    "Way Ratai": ("Puskesmas Way Ratai", "Puskesmas Way Ratai", 0),
}

# ---- deliberate problems (chosen by code so they never move) ---------------------------
DUKCAPIL_ODD = ("18.09.01.2005", 2023, 0.52)  # Sukadadi 2023 L and P about halved
DUKCAPIL_ODD_NOTE = (
    " Side effect: Kec. Gedong Tataan 2023 Dukcapil sum falls a few % below BPS (stays under 10 %)"
)
DINKES_STUNTED_GT_WEIGHED = ("18.09.03.2010", 2022)  # Gerning
DINKES_TWO_COMMAS = ("18.09.07.2012", 2021)  # Tempel Rejo: "x,y,4"
DINKES_NA = ("18.09.08.2010", 2020)  # Pulau Pahawang: "n.a." weighed
DINKES_EMPTY = ("18.09.06.2019", 2023)  # Pulau Legundi: empty stunted
DINKES_SPELLING = {  # official code -> (agency spelling, years)
    "18.09.01.2006": ("Gedong Tataan", (2020, 2021)),  # official Gedung Tataan
    "18.09.02.2013": ("Trisnomaju", (2021, 2022)),  # official Tresno Maju
    "18.09.04.2006": ("Kuta Dalom", (2022, 2023)),  # official Kota Dalam
    "18.09.11.2002": ("Bunut Sebrang", (2020, 2024)),  # official Bunut Seberang
    "18.09.03.2008": ("Sinarjadi", (2024,)),  # official Sinarjati (a one-letter typo)
    "18.09.06.2005": ("Rubasa", (2023,)),  # official Rusaba (letters swapped: for review)
}
DINKES_REVIEW = {"18.09.06.2005"}  # spellings too far to link: their rows wait for review
DISDIK_PLUSMINUS = ("Punduh Pidada", 2020)  # "Putus Sekolah SD" = "±40"
DISDIK_DROPOUT_GT_PUPILS = ("Marga Punduh", 2021)  # "Putus Sekolah SMP" > "Murid SMP"
DISDIK_NO_PREFIX = {"Teluk Pandan", "Way Ratai"}  # always written without "Kec. "
DINSOS_FUTURE = ("18.09.02.2007", 2022, 2027)  # Halangan Ratu 2022 written as 2027
DINSOS_WRONG_KEC = ("18.09.04.2002", 2023, "KEDONDONG")  # Banjar Negeri (Way Lima) under Kedondong
BPS_OFF = ("Teluk Pandan", 2022, 1.16)  # projection 16 % above the Dukcapil sum
DPUPR_PCT_OVER_100 = ("18.09.10.2004", 2023, "104,2%")  # Hanura
DPUPR_WATER_GT_HH = ("18.09.05.2012", 2021)  # Sanggi: RT air minum > jumlah RT
DPUPR_DASH = ("18.09.09.2009", 2020)  # Kubu Batu: "-" in RT sanitasi

# Dukcapil header names, with embedded (and some trailing) newlines like the portal export.
DUKCAPIL_HEADER = [
    "kemendagri_kode\n_provinsi",
    "kemendagri_nama\n_provinsi\n",
    "kemendagri_kode_\nkabupaten_kota\n",
    "kemendagri_nama_\nkabupaten_kota\n",
    "kemendagri_kode_\nkecamatan\n",
    "kemendagri_nama_\nkecamatan",
    "kemendagri_kode_\ndesa",
    "kemendagri_nama_\ndesa",
    "tahun",
    "jenis_kelamin",
    "jumlah_penduduk",
    "satuan",
]
DUKCAPIL_HEADER_LINES = 1 + sum(h.count("\n") for h in DUKCAPIL_HEADER)

FIXED_TIME = dt.datetime(2025, 1, 1, 0, 0, 0)

# The synthetic figures of a world (see build_world): per-year arrays by desa or kecamatan.
YearArrays = dict[int, np.ndarray]
World = dict[str, Any]
# An openpyxl worksheet, or its write-only kind (openpyxl has no type hints).
Sheet = Any


@dataclass
class Region:
    kode: str
    nama: str
    induk: str
    kode_bps: str
    jenis: str = ""


@dataclass
class Problem:
    kind: str  # coherence | linking | parsing | missing | dropped
    file: str
    row: int
    column: str
    value: str
    finding: str
    rejects_row: bool = False  # the row's region cannot be linked: the whole row is rejected


@dataclass
class Profile:
    """Scale and character of one kabupaten's synthetic world (keys are kecamatan codes)."""

    total: int  # population in the last year, exactly
    male: int  # of which male
    pop_base: float | np.ndarray  # typical desa population (one for all, or one per desa)
    pop_low: float | np.ndarray  # bounds of a desa's population in the last year
    pop_high: float | np.ndarray
    kec_effect: dict[str, float]  # kecamatan effect on the latent deprivation score
    kec_area: dict[str, float]  # km2
    total_area: float  # km2, the kabupaten
    puskesmas: dict[str, tuple[str, str, int]]  # (for the first desa, for the rest, split index)


@dataclass
class Plants:
    """Deliberate problems: where each is planted, by region code (kecamatan or desa) and year."""

    dukcapil_odd: dict[tuple[str, int], tuple[float, str]] = field(default_factory=dict)  # factor, note
    dinkes_stunted_gt_weighed: set[tuple[str, int]] = field(default_factory=set)
    dinkes_two_commas: set[tuple[str, int]] = field(default_factory=set)
    dinkes_na: set[tuple[str, int]] = field(default_factory=set)
    dinkes_empty: set[tuple[str, int]] = field(default_factory=set)
    dinkes_spelling: dict[str, tuple[str, tuple[int, ...]]] = field(default_factory=dict)
    dinkes_review: set[str] = field(default_factory=set)  # spellings expected to wait for review
    disdik_plusminus: set[tuple[str, int]] = field(default_factory=set)
    disdik_dropout_gt_pupils: set[tuple[str, int]] = field(default_factory=set)
    disdik_no_prefix: set[str] = field(default_factory=set)
    dinsos_future: dict[tuple[str, int], int] = field(default_factory=dict)  # -> year written
    dinsos_wrong_kec: dict[tuple[str, int], str] = field(default_factory=dict)  # -> kecamatan written
    bps_off: dict[tuple[str, int], float] = field(default_factory=dict)  # -> factor on the Dukcapil sum
    dpupr_pct_over_100: dict[tuple[str, int], str] = field(default_factory=dict)  # -> text written
    dpupr_water_gt_hh: set[tuple[str, int]] = field(default_factory=set)
    dpupr_dash: set[tuple[str, int]] = field(default_factory=set)

    def update(self, other: Plants) -> None:
        for f in fields(self):
            getattr(self, f.name).update(getattr(other, f.name))


@dataclass
class Scope:
    """What one run writes: where, for which regions and years, with which deliberate problems."""

    out: Path
    years: list[int]
    province: Region
    kabupaten: list[Region]
    kec: list[Region]
    desa: list[Region]
    profiles: dict[str, Profile]  # kabupaten code -> profile
    plants: Plants
    label: str  # the publisher's region in titles: "Kabupaten Pesawaran", "Provinsi Lampung"
    province_layout: bool = False  # a kabupaten column (Disdik) and kabupaten subtotals (BPS)
    stream_xlsx: bool = False  # xlsx in openpyxl's write-only mode (large tables)
    ambiguous_kec: set[str] = field(default_factory=set)  # kecamatan whose name is not unique
    ambiguous_desa: dict[str, str] = field(default_factory=dict)  # desa -> the other its name fits
    problems: list[Problem] = field(default_factory=list)
    # Problems planted after the first release of the demo: listed last so that the ids
    # data/README.md gives the earlier ones (C1..C8) stay the same.
    added_later: list[Problem] = field(default_factory=list)

    @property
    def span(self) -> str:
        return f"{self.years[0]}_{self.years[-1]}"


@dataclass
class Written:
    """One table written: its file, data rows, and the figures that should load from it."""

    name: str
    rows: int  # data rows, without title, header, total and footnote rows
    observations: int  # numeric cells in rows whose region links (what a load should map)


# ---- helpers ----------------------------------------------------------------------------
def read_regions(
    kabupaten: list[str] | None = None,
) -> tuple[Region, list[Region], list[Region], list[Region]]:
    """The province, and the kabupaten/kota, kecamatan and desa of ``kabupaten`` (all when None)."""
    with WILAYAH.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    wanted = (
        set(kabupaten) if kabupaten is not None else {r["kode"] for r in rows if r["tingkat"] == "kabupaten"}
    )

    def regions(level: str) -> list[Region]:
        out = [
            Region(r["kode"], r["nama"], r["induk"], r["kode_bps"], r["jenis"])
            for r in rows
            if r["tingkat"] == level and r["kode"][:5] in wanted
        ]
        return sorted(out, key=lambda r: r.kode)

    [province] = [Region(r["kode"], r["nama"], "", r["kode_bps"]) for r in rows if r["tingkat"] == "provinsi"]
    kabs = regions("kabupaten")
    missing = wanted - {k.kode for k in kabs}
    if missing:
        raise ValueError(f"not a kabupaten/kota code of Lampung: {', '.join(sorted(missing))}")
    return province, kabs, regions("kecamatan"), regions("desa")


def apportion(weights: np.ndarray, total: int) -> np.ndarray:
    """Integers proportional to weights summing exactly to total (largest remainder)."""
    raw = weights / weights.sum() * total
    out: np.ndarray = np.floor(raw).astype(int)
    rest = total - out.sum()
    order = np.argsort(-(raw - out), kind="stable")
    out[order[:rest]] += 1
    return out


def dots(n: int) -> str:
    """Indonesian thousands separator: 45123 -> '45.123'."""
    return f"{n:,}".replace(",", ".")


def comma(x: float, digits: int = 1) -> str:
    return f"{x:.{digits}f}".replace(".", ",")


def undotted(kode: str) -> str:
    return kode.replace(".", "")


def neighbour_years(y: int, years: list[int]) -> tuple[int, int]:
    """The years either side of ``y`` in ``years`` (the one side there is, at an end)."""
    before = y - 1 if y - 1 in years else y + 1
    after = y + 1 if y + 1 in years else y - 1
    return (before, after) if before in years and after in years else (y, y)


def fix_xlsx(path: Path) -> None:
    """Rewrite an xlsx with fixed zip timestamps so the bytes are reproducible."""
    src = path.read_bytes()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(src)) as zin,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)",
                    rb"\g<1>" + stamp + rb"\g<2>",
                    data,
                )
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zout.writestr(zi, data)
    path.write_bytes(out.getvalue())


def new_workbook(title: str, *, stream: bool = False) -> tuple[Workbook, Sheet]:
    """A workbook with one sheet; ``stream``: openpyxl's write-only mode (rows appended once,
    column widths, row heights and frozen panes set before the first row)."""
    if stream:
        wb = Workbook(write_only=True)
        ws = wb.create_sheet(title)
    else:
        wb = Workbook()
        ws = wb.active
        ws.title = title
    wb.properties.creator = "One Center demo generator"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.lastModifiedBy = "One Center demo generator"
    return wb, ws


THIN = Side(style="thin")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FONT = Font(bold=True)
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
TITLE_FONT = Font(bold=True, size=12)
CENTRE = Alignment(horizontal="center")


def style_header(ws: Sheet, row: int, ncols: int, widths: list[int]) -> None:
    for c in range(1, ncols + 1):
        cell = ws.cell(row=row, column=c)
        cell.font = HEADER_FONT
        cell.alignment = HEADER_ALIGNMENT
        cell.border = BOX
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w


def styled(ws: Sheet, value: object, **style: object) -> WriteOnlyCell:
    """A write-only cell with the given font, alignment, border or number_format."""
    cell = WriteOnlyCell(ws, value=value)
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def like(template: WriteOnlyCell, value: object) -> WriteOnlyCell:
    """A write-only cell styled as ``template`` (copying its style ids is cheap)."""
    cell = WriteOnlyCell(template.parent, value=value)
    cell._style = copy.copy(template._style)
    return cell


def stream_header(ws: Sheet, cols: list[str], widths: list[int], title_rows: int, freeze: str) -> None:
    """Column widths, frozen panes, merged title rows and the header row of a write-only sheet.

    Title rows must already be the first ``title_rows`` rows appended; widths and panes are
    written with the first row, so this is called before anything is appended."""
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = freeze
    for r in range(1, title_rows + 1):
        ws.merged_cells.add(f"A{r}:{get_column_letter(len(cols))}{r}")


def title_and_header(
    ws: Sheet, titles: list[str], cols: list[str], widths: list[int], *, stream: bool
) -> int:
    """Bold merged title rows, a blank row and the styled header row at the top of a sheet, with
    the panes frozen below the header; the header's row number.

    ``stream``: a write-only sheet, where widths, heights, merges and panes go before any row."""
    header_row = len(titles) + 2
    if stream:
        stream_header(ws, cols, widths, title_rows=len(titles), freeze=f"A{header_row + 1}")
        ws.row_dimensions[header_row].height = 32
        for text in titles:
            ws.append([styled(ws, text, font=TITLE_FONT, alignment=CENTRE)])
        ws.append([])
        ws.append([styled(ws, c, font=HEADER_FONT, alignment=HEADER_ALIGNMENT, border=BOX) for c in cols])
        return header_row
    for text in titles:
        ws.append([text])
    ws.append([])
    ws.append(cols)
    for r in range(1, len(titles) + 1):
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(cols))
        ws.cell(row=r, column=1).font = TITLE_FONT
        ws.cell(row=r, column=1).alignment = CENTRE
    style_header(ws, header_row, len(cols), widths)
    ws.row_dimensions[header_row].height = 32
    ws.freeze_panes = f"A{header_row + 1}"
    return header_row


def save_xlsx(wb: Workbook, path: Path) -> None:
    """Save with fixed timestamps (the same bytes on every run)."""
    wb.save(path)
    fix_xlsx(path)


# ---- the synthetic world ----------------------------------------------------------------
def pesawaran_profile(kec: list[Region]) -> Profile:
    """The demo's kabupaten: its real 2024 totals, kecamatan effects, areas and puskesmas."""
    code = {k.nama: k.kode for k in kec}
    areas = dict(KEC_AREA)
    areas["Way Ratai"] = round(TOTAL_AREA - sum(KEC_AREA.values()), 2)
    return Profile(
        total=TOTAL_2024,
        male=MALE_2024,
        pop_base=3400.0,
        pop_low=1650,
        pop_high=6350,
        kec_effect={code[n]: v for n, v in KEC_EFFECT.items()},
        kec_area={code[n]: v for n, v in areas.items()},
        total_area=TOTAL_AREA,
        puskesmas={code[n]: v for n, v in PUSKESMAS.items()},
    )


def pesawaran_plants(kec: list[Region]) -> Plants:
    """The demo's deliberate problems (data/README.md), keyed by region code."""
    code = {k.nama: k.kode for k in kec}
    return Plants(
        dukcapil_odd={DUKCAPIL_ODD[:2]: (DUKCAPIL_ODD[2], DUKCAPIL_ODD_NOTE)},
        dinkes_stunted_gt_weighed={DINKES_STUNTED_GT_WEIGHED},
        dinkes_two_commas={DINKES_TWO_COMMAS},
        dinkes_na={DINKES_NA},
        dinkes_empty={DINKES_EMPTY},
        dinkes_spelling=dict(DINKES_SPELLING),
        dinkes_review=set(DINKES_REVIEW),
        disdik_plusminus={(code[DISDIK_PLUSMINUS[0]], DISDIK_PLUSMINUS[1])},
        disdik_dropout_gt_pupils={(code[DISDIK_DROPOUT_GT_PUPILS[0]], DISDIK_DROPOUT_GT_PUPILS[1])},
        disdik_no_prefix={code[n] for n in DISDIK_NO_PREFIX},
        dinsos_future={DINSOS_FUTURE[:2]: DINSOS_FUTURE[2]},
        dinsos_wrong_kec={DINSOS_WRONG_KEC[:2]: DINSOS_WRONG_KEC[2]},
        bps_off={(code[BPS_OFF[0]], BPS_OFF[1]): BPS_OFF[2]},
        dpupr_pct_over_100={DPUPR_PCT_OVER_100[:2]: DPUPR_PCT_OVER_100[2]},
        dpupr_water_gt_hh={DPUPR_WATER_GT_HH},
        dpupr_dash={DPUPR_DASH},
    )


def build_world(
    kec: list[Region], desa: list[Region], years: list[int], profile: Profile, rng: np.random.Generator
) -> World:
    """The synthetic figures of one kabupaten for ``years`` (anchored on the last year).

    Trends are written per year over 2020-2024 (t = 0..4); over a longer span the same total
    change is spread over all of it. The parts are drawn in a fixed order from ``rng``: the
    same seed gives the same world.
    """
    effect = np.array([profile.kec_effect[d.induk] for d in desa])
    t = {y: (y - years[0]) * 4 / max(4, len(years) - 1) for y in years}

    # Latent deprivation, scaled to [0, 1].
    raw = effect + rng.normal(0.0, 0.6, len(desa))
    z = (raw - raw.min()) / (raw.max() - raw.min())

    world: World = {"z": z}
    world.update(desa_population(z, years, profile, rng))
    world.update(toddlers(z, world["pop"], t, rng))
    world.update(water_and_sanitation(z, world["pop"], t, rng))
    world.update(welfare_recipients(z, world["households"], years, rng))
    world.update(kecamatan_figures(kec, desa, z, world["pop"], years, rng))
    return world


def desa_population(z: np.ndarray, years: list[int], profile: Profile, rng: np.random.Generator) -> World:
    """Male and female population per desa and year ("male", "female", "pop").

    Bigger in less deprived desa, bounded, with the profile's exact totals in the last year;
    earlier years are that year shrunk by a desa-specific growth rate (~1 %/yr)."""
    n = len(z)
    end = years[-1]
    w = profile.pop_base * np.exp(rng.normal(0.0, 0.32, n) - 0.35 * (z - 0.5))
    for _ in range(50):
        w = np.clip(w * profile.total / w.sum(), profile.pop_low, profile.pop_high)
    pop_end = apportion(w, profile.total)
    male_share = 0.5136 + rng.normal(0.0, 0.006, n)
    male_end = apportion(pop_end * male_share, profile.male)
    female_end = pop_end - male_end
    growth = np.clip(0.010 + rng.normal(0.0, 0.003, n), 0.003, 0.018)

    male = {}
    female = {}
    for y in years:
        f = (1 + growth) ** (end - y)
        male[y] = male_end if y == end else np.rint(male_end / f).astype(int)
        female[y] = female_end if y == end else np.rint(female_end / f).astype(int)
    return {"male": male, "female": female, "pop": {y: male[y] + female[y] for y in years}}


def toddlers(z: np.ndarray, pop: YearArrays, t: dict[int, float], rng: np.random.Generator) -> World:
    """Dinkes: toddlers weighed 8-10 % of population, prevalence rises with z, falls slowly."""
    n = len(z)
    weigh_share = rng.uniform(0.08, 0.10, n)
    prev_base = 0.10 + 0.24 * z + rng.normal(0.0, 0.035, n)
    weighed, stunted = {}, {}
    for y in t:
        wy = np.rint(pop[y] * weigh_share * (1 + rng.normal(0.0, 0.03, n))).astype(int)
        py = np.clip(prev_base - 0.012 * t[y] + rng.normal(0.0, 0.012, n), 0.08, 0.36)
        weighed[y] = wy
        stunted[y] = np.rint(wy * py).astype(int)
    return {"weighed": weighed, "stunted": stunted}


def water_and_sanitation(
    z: np.ndarray, pop: YearArrays, t: dict[int, float], rng: np.random.Generator
) -> World:
    """Households (persons per household ~3.8) and their water / sanitation access."""
    n = len(z)
    hh_size = 3.8 * (1 + rng.normal(0.0, 0.04, n))
    water_base = 92 - 45 * z + rng.normal(0.0, 6.5, n)
    sani_base = 86 - 40 * z + rng.normal(0.0, 6.5, n)
    households, water, sani = {}, {}, {}
    for y in t:
        hh = np.rint(pop[y] / hh_size).astype(int)
        wp = np.clip(water_base + 1.5 * t[y] + rng.normal(0.0, 1.0, n), 40, 95) / 100
        sp = np.clip(sani_base + 2.0 * t[y] + rng.normal(0.0, 1.2, n), 35, 96) / 100
        households[y] = hh
        water[y] = np.rint(hh * wp).astype(int)
        sani[y] = np.rint(hh * sp).astype(int)
    return {"households": households, "water": water, "sani": sani}


def welfare_recipients(
    z: np.ndarray, households: YearArrays, years: list[int], rng: np.random.Generator
) -> World:
    """Dinsos: KPM per household rises with z; a COVID-era bump in 2021."""
    n = len(z)
    pkh_rate = np.clip(0.04 + 0.22 * z + rng.normal(0.0, 0.025, n), 0.02, 0.35)
    bpnt_rate = np.clip(0.07 + 0.28 * z + rng.normal(0.0, 0.03, n), 0.04, 0.45)
    year_factor = {2020: 1.00, 2021: 1.06, 2022: 1.03, 2023: 0.98, 2024: 0.95}
    pkh, bpnt = {}, {}
    for y in years:
        yf = year_factor.get(y, 1.0)
        pkh[y] = np.rint(households[y] * pkh_rate * yf * (1 + rng.normal(0.0, 0.03, n))).astype(int)
        bpnt[y] = np.rint(households[y] * bpnt_rate * yf * (1 + rng.normal(0.0, 0.03, n))).astype(int)
    return {"pkh": pkh, "bpnt": bpnt}


def kecamatan_figures(
    kec: list[Region],
    desa: list[Region],
    z: np.ndarray,
    pop: YearArrays,
    years: list[int],
    rng: np.random.Generator,
) -> World:
    """Kecamatan level: mean deprivation ("kz"), desa sums ("kpop"), schools, BPS projection."""
    members: dict[str, list[int]] = {k.kode: [] for k in kec}
    for i, d in enumerate(desa):
        members[d.induk].append(i)
    idx = {k.kode: members[k.kode] for k in kec}
    kz_raw = np.array([z[idx[k.kode]].mean() for k in kec])
    kz = (kz_raw - kz_raw.min()) / (kz_raw.max() - kz_raw.min())
    kpop = {y: np.array([pop[y][idx[k.kode]].sum() for k in kec]) for y in years}
    schools = school_figures(kz, kpop, rng)
    # BPS projection: a smooth series, a per-kecamatan offset (+-2 %) from the Dukcapil sum.
    bps_offset = rng.uniform(-0.02, 0.02, len(kec))
    bps = {
        y: np.rint(kpop[y] * (1 + bps_offset + rng.normal(0.0, 0.002, len(kec)))).astype(int) for y in years
    }
    return {"kz": kz, "kpop": kpop, "schools": schools, "bps": bps, "idx": idx}


def school_figures(
    kz: np.ndarray, kpop: YearArrays, rng: np.random.Generator
) -> dict[int, dict[str, np.ndarray]]:
    """Disdik per kecamatan and year: schools, pupils (a share of the population) and dropouts
    (per pupil, up with the kecamatan's mean deprivation)."""
    n = len(kz)
    sd_share = 0.115 * (1 + rng.normal(0.0, 0.04, n))
    smp_share = 0.052 * (1 + rng.normal(0.0, 0.05, n))
    schools = {}
    for y in kpop:
        m_sd = np.rint(kpop[y] * sd_share * (1 + rng.normal(0.0, 0.01, n))).astype(int)
        m_smp = np.rint(kpop[y] * smp_share * (1 + rng.normal(0.0, 0.015, n))).astype(int)
        s_sd = np.maximum(4, np.rint(m_sd / 175)).astype(int)
        s_smp = np.maximum(2, np.rint(m_smp / 260)).astype(int)
        r_sd = (0.001 + 0.006 * kz) * np.exp(rng.normal(0.0, 0.15, n))
        r_smp = (0.004 + 0.018 * kz) * np.exp(rng.normal(0.0, 0.15, n))
        schools[y] = dict(
            s_sd=s_sd,
            s_smp=s_smp,
            m_sd=m_sd,
            m_smp=m_smp,
            p_sd=np.rint(m_sd * r_sd).astype(int),
            p_smp=np.rint(m_smp * r_smp).astype(int),
        )
    return schools


# ---- writers ----------------------------------------------------------------------------
def kabupaten_label(kab: Region) -> str:
    """How agencies write a kabupaten/kota: "Kab. Lampung Selatan", "Kota Metro"."""
    return kab.nama.replace("Kabupaten ", "Kab. ", 1)


def write_dukcapil(scope: Scope, w: World) -> Written:
    name = f"disdukcapil_penduduk_desa_jk_{scope.span}.csv"
    kec_by = {k.kode: k for k in scope.kec}
    kab_by = {k.kode: k for k in scope.kabupaten}
    prov = scope.province
    header = DUKCAPIL_HEADER
    header_lines = DUKCAPIL_HEADER_LINES
    buf = io.StringIO()
    wr = csv.writer(buf, delimiter=";", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    wr.writerow(header)
    record = 1
    for y in scope.years:
        for sex, series in (("Laki-laki", w["male"]), ("Perempuan", w["female"])):
            for i, d in enumerate(scope.desa):
                k = kec_by[d.induk]
                kab = kab_by[k.induk]
                value = int(series[y][i])
                record += 1
                odd = scope.plants.dukcapil_odd.get((d.kode, y))
                if odd is not None:
                    factor, note = odd
                    value = int(round(value * factor))
                    before, after = neighbour_years(y, scope.years)
                    trend = (int(series[before][i]) + int(series[after][i])) // 2
                    level = f"{before}/{after}" if before != after else str(before)
                    finding = (
                        f"{d.nama} ({d.kode}) {sex} {y}: {value} jiwa, about half of "
                        f"its {level} level (~{trend}); L+P for {y} breaks the desa's "
                        f"time series (physical line {record + header_lines - 1})." + note
                    )
                    scope.problems.append(
                        Problem("coherence", name, record, "jumlah_penduduk", str(value), finding)
                    )
                wr.writerow(
                    [
                        prov.kode,
                        prov.nama,
                        undotted(kab.kode),
                        kab.nama,
                        undotted(k.kode),
                        k.nama,
                        undotted(d.kode),
                        d.nama,
                        y,
                        sex,
                        value,
                        "Jiwa",
                    ]
                )
    (scope.out / name).write_text(buf.getvalue(), encoding="utf-8-sig", newline="")
    return Written(name, record - 1, record - 1)


DINKES_COLUMNS = [
    "No",
    "Kecamatan",
    "Puskesmas",
    "Desa",
    "Tahun",
    "Jumlah Balita Ditimbang",
    "Jumlah Balita Stunting",
    "Prevalensi (%)",
]
DINKES_WIDTHS = [6, 18, 26, 24, 8, 14, 14, 12]


@dataclass
class DinkesRow:
    """The cells of one Dinkes data row as written, after the deliberate problems."""

    desa: str  # the desa name as Dinkes writes it
    weighed: int | str
    stunted: int | None
    prevalence: str
    rejected: bool = False  # the row's region cannot be linked
    unreadable: int = 0  # measure cells that do not load (unparseable or missing)


def write_dinkes(scope: Scope, w: World) -> Written:
    name = f"dinkes_balita_stunting_desa_{scope.span}.xlsx"
    kec_by = {k.kode: k for k in scope.kec}
    stream = scope.stream_xlsx
    wb, ws = new_workbook("Stunting", stream=stream)
    titles = [
        f"DATA BALITA STUNTING PER DESA TAHUN {scope.years[0]} - {scope.years[-1]}",
        f"DINAS KESEHATAN {scope.label.upper()}",
    ]
    row = title_and_header(ws, titles, DINKES_COLUMNS, DINKES_WIDTHS, stream=stream)
    right = styled(ws, None, alignment=Alignment(horizontal="right")) if stream else None
    pkm = puskesmas_by_desa(scope)
    no = 0
    tot_w = tot_s = 0
    observations = 0
    for y in scope.years:
        for i, d in enumerate(scope.desa):
            row += 1
            no += 1
            k = kec_by[d.induk]
            wv, sv = int(w["weighed"][y][i]), int(w["stunted"][y][i])
            desa_name, rejected = dinkes_desa_name(scope, name, row, no, y, d, k)
            cells = DinkesRow(desa_name, wv, sv, comma(100 * sv / wv), rejected)
            plant_dinkes_cells(scope, name, row, y, d, cells)
            if not cells.rejected:
                observations += 3 - cells.unreadable
            if isinstance(cells.weighed, int):
                tot_w += cells.weighed
            if isinstance(cells.stunted, int):
                tot_s += cells.stunted
            values = [no, k.nama.upper(), pkm[d.kode], cells.desa, y, cells.weighed, cells.stunted]
            append_dinkes_row(ws, row, values + [cells.prevalence], right)
    append_dinkes_total(ws, row + 1, tot_w, tot_s, stream=stream)
    finding = "total row (A:E merged), dropped by drop_rows and counted as dropped"
    scope.problems.append(Problem("dropped", name, row + 1, "No", "JUMLAH", finding))
    save_xlsx(wb, scope.out / name)
    return Written(name, no, observations)


def puskesmas_by_desa(scope: Scope) -> dict[str, str]:
    """The puskesmas serving each desa: a kecamatan's first, or its second after the split."""
    members: dict[str, list[Region]] = {k.kode: [] for k in scope.kec}
    for d in scope.desa:
        members[d.induk].append(d)
    pkm = {}
    for k in scope.kec:
        first, rest, split = scope.profiles[k.induk].puskesmas[k.kode]
        for j, d in enumerate(members[k.kode]):
            pkm[d.kode] = first if j < split or split == 0 else rest
    return pkm


def dinkes_desa_name(
    scope: Scope, name: str, row: int, no: int, y: int, d: Region, k: Region
) -> tuple[str, bool]:
    """How the row names its desa, and whether that name cannot be linked (the row is rejected):
    an ambiguous kecamatan or desa name, a deliberate misspelling, or trailing spaces."""
    plants = scope.plants
    if k.kode in scope.ambiguous_kec:
        finding = (
            f"kecamatan name {k.nama!r} is not unique in the province and the table names "
            f"no kabupaten: ambiguous, the row is rejected and {d.nama} ({d.kode}) waits "
            "for review"
        )
        scope.problems.append(
            Problem("linking", name, row, "Kecamatan", k.nama.upper(), finding, rejects_row=True)
        )
        return d.nama, True
    if d.kode in scope.ambiguous_desa:
        finding = (
            f"desa name {d.nama!r} also fits {scope.ambiguous_desa[d.kode]} in Kec. {k.nama} "
            "(an official or BPS name): ambiguous, the row is rejected and waits for review"
        )
        scope.problems.append(Problem("linking", name, row, "Desa", d.nama, finding, rejects_row=True))
        return d.nama, True
    if d.kode in plants.dinkes_spelling and y in plants.dinkes_spelling[d.kode][1]:
        desa_name = plants.dinkes_spelling[d.kode][0]
        # The kecamatan's own name in the desa column is never guessed to be the desa.
        kecamatan_name = desa_name.casefold() == k.nama.casefold()
        rejected = d.kode in plants.dinkes_review or kecamatan_name
        finding = (
            f"the kecamatan's own name in the desa column, beside the desa {d.nama} ({d.kode}): "
            f"never linked, the row is rejected and listed in the review queue with {d.nama} as "
            "a candidate"
            if kecamatan_name
            else f"misspelt desa (no exact match in Kec. {k.nama}): linked to "
            f"{d.nama} ({d.kode}) by the spelling rules or fuzzy matching with "
            "its score and runner-up recorded, or listed in the review queue "
            f"with {d.nama} as a candidate"
        )
        scope.problems.append(Problem("linking", name, row, "Desa", desa_name, finding, rejects_row=rejected))
        return desa_name, rejected
    if no % 23 == 0:
        return d.nama + "  ", False  # trailing spaces: harmless, normalised away
    return d.nama, False


def plant_dinkes_cells(scope: Scope, name: str, row: int, y: int, d: Region, cells: DinkesRow) -> None:
    """The deliberate cell problems of desa ``d`` in year ``y``, written into ``cells`` and noted."""
    plants = scope.plants
    wv = int(cells.weighed)  # as counted: "n.a." is written below
    if (d.kode, y) in plants.dinkes_stunted_gt_weighed:
        cells.stunted = int(round(wv * 1.18))
        finding = (
            f"{d.nama} {y}: stunted ({cells.stunted}) > weighed ({wv}); the row's "
            f"Prevalensi ({cells.prevalence}) also disagrees with stunted/weighed"
        )
        scope.problems.append(
            Problem("coherence", name, row, "Jumlah Balita Stunting", str(cells.stunted), finding)
        )
    if (d.kode, y) in plants.dinkes_two_commas:
        cells.prevalence = cells.prevalence + ",4"
        cells.unreadable += 1
        finding = (
            "unparseable number (two decimal commas); not in the missing list, so "
            "reported as a parse error, the row's other measures still load"
        )
        scope.problems.append(Problem("parsing", name, row, "Prevalensi (%)", cells.prevalence, finding))
    if (d.kode, y) in plants.dinkes_na:
        cells.weighed = "n.a."
        cells.unreadable += 1
        finding = "'n.a.' is not in the mapping's missing list: reported as unparseable"
        scope.problems.append(Problem("parsing", name, row, "Jumlah Balita Ditimbang", "n.a.", finding))
    if (d.kode, y) in plants.dinkes_empty:
        cells.stunted = None
        cells.unreadable += 1
        finding = "empty cell = missing value (allowed): counted as missing, not an error"
        scope.problems.append(
            Problem("missing", name, row, "Jumlah Balita Stunting", "(empty cell)", finding)
        )


def append_dinkes_row(ws: Sheet, row: int, values: list[object], right: WriteOnlyCell | None) -> None:
    """One data row, boxed, the prevalence text right-aligned (a write-only sheet: no boxes)."""
    if right is not None:
        ws.append(values[:7] + [like(right, values[7])])
        return
    ws.append(values)
    for c in range(1, len(values) + 1):
        ws.cell(row=row, column=c).border = BOX
    ws.cell(row=row, column=8).alignment = Alignment(horizontal="right")


def append_dinkes_total(ws: Sheet, row: int, tot_w: int, tot_s: int, *, stream: bool) -> None:
    """The bold ``JUMLAH`` total row (A:E merged) that a load must drop."""
    total = ["JUMLAH", None, None, None, None, tot_w, tot_s, comma(100 * tot_s / tot_w)]
    if stream:
        ws.merged_cells.add(f"A{row}:E{row}")
        ws.append([styled(ws, v, font=HEADER_FONT, border=BOX) for v in total])
        return
    ws.append(total)
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
    for c in range(1, len(total) + 1):
        ws.cell(row=row, column=c).font = Font(bold=True)
        ws.cell(row=row, column=c).border = BOX
    ws.cell(row=row, column=1).alignment = Alignment(horizontal="center")


def write_disdik(scope: Scope, w: World) -> Written:
    name = f"disdik_sekolah_kecamatan_{scope.span}.csv"
    plants = scope.plants
    kab_by = {k.kode: k for k in scope.kabupaten}
    buf = io.StringIO()
    wr = csv.writer(buf, delimiter=",", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    lead = ["Kabupaten/Kota"] if scope.province_layout else []
    wr.writerow(
        lead
        + [
            "Kecamatan",
            "Tahun",
            "Jumlah SD",
            "Jumlah SMP",
            "Murid SD",
            "Murid SMP",
            "Putus Sekolah SD",
            "Putus Sekolah SMP",
        ]
    )
    record = 1
    observations = 0
    for y in scope.years:
        s = w["schools"][y]
        for j, k in enumerate(scope.kec):
            record += 1
            label = k.nama if (k.kode in plants.disdik_no_prefix or (record % 9 == 0)) else f"Kec. {k.nama}"
            p_sd: str = dots(int(s["p_sd"][j]))
            p_smp: str = dots(int(s["p_smp"][j]))
            observations += 6
            if (k.kode, y) in plants.disdik_plusminus:
                p_sd = "±40"
                observations -= 1
                finding = "approximate value '±40' is not a number: reported as unparseable"
                scope.problems.append(Problem("parsing", name, record, "Putus Sekolah SD", p_sd, finding))
            if (k.kode, y) in plants.disdik_dropout_gt_pupils:
                p_smp = dots(int(round(int(s["m_smp"][j]) * 1.5)))
                finding = (
                    f"Kec. {k.nama} {y}: SMP dropouts ({p_smp}) > SMP pupils ({dots(int(s['m_smp'][j]))})"
                )
                scope.problems.append(Problem("coherence", name, record, "Putus Sekolah SMP", p_smp, finding))
            kab = [kabupaten_label(kab_by[k.induk])] if scope.province_layout else []
            wr.writerow(
                kab
                + [
                    label,
                    y,
                    dots(int(s["s_sd"][j])),
                    dots(int(s["s_smp"][j])),
                    dots(int(s["m_sd"][j])),
                    dots(int(s["m_smp"][j])),
                    p_sd,
                    p_smp,
                ]
            )
    (scope.out / name).write_text(buf.getvalue(), encoding="utf-8", newline="")
    return Written(name, record - 1, observations)


def write_dinsos(scope: Scope, w: World) -> Written:
    name = f"dinsos_kpm_desa_{scope.span}.csv"
    kec_by = {k.kode: k for k in scope.kec}
    plants = scope.plants
    buf = io.StringIO()
    wr = csv.writer(buf, delimiter=",", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    wr.writerow(["Kode Wilayah", "Nama Desa", "Nama Kecamatan", "Tahun", "KPM PKH", "KPM BPNT"])
    record = 1
    for i, d in enumerate(scope.desa):
        for y in scope.years:
            record += 1
            year_cell = y
            if (d.kode, y) in plants.dinsos_future:
                year_cell = plants.dinsos_future[(d.kode, y)]
                finding = (
                    f"{d.nama} ({d.kode}): year {year_cell} is in the future (the row is "
                    f"its missing {y}); a period check should reject it"
                )
                scope.problems.append(Problem("coherence", name, record, "Tahun", str(year_cell), finding))
            kec_cell = kec_by[d.induk].nama.upper()
            if (d.kode, y) in plants.dinsos_wrong_kec:
                kec_cell = plants.dinsos_wrong_kec[(d.kode, y)]
                finding = (
                    f"{d.nama} ({d.kode}) {y}: the row names Kec. {kec_cell.title()}, but the code "
                    f"belongs to Kec. {kec_by[d.induk].nama}; the region-under-stated-kecamatan "
                    "check should flag both figures of the row"
                )
                scope.added_later.append(
                    Problem("coherence", name, record, "Nama Kecamatan", kec_cell, finding)
                )
            wr.writerow(
                [
                    d.kode,
                    d.nama.upper(),
                    kec_cell,
                    year_cell,
                    int(w["pkh"][y][i]),
                    int(w["bpnt"][y][i]),
                ]
            )
    (scope.out / name).write_text(buf.getvalue(), encoding="utf-8", newline="")
    return Written(name, record - 1, 2 * (record - 1))


def write_bps(scope: Scope, w: World) -> Written:
    name = f"bps_luas_penduduk_kecamatan_{scope.span}.csv"
    years = scope.years
    kec = scope.kec
    areas = {c: a for p in scope.profiles.values() for c, a in p.kec_area.items()}
    buf = io.StringIO()
    wr = csv.writer(buf, delimiter=",", lineterminator="\r\n", quoting=csv.QUOTE_ALL)
    write_bps_head(wr, scope)
    record = 4
    # BPS order: 010, 011, 020...; a kecamatan newer than its BPS code edition has none.
    order = sorted((j for j in range(len(kec)) if kec[j].kode_bps), key=lambda j: kec[j].kode_bps)
    kab_by = {k.kode: k for k in scope.kabupaten}
    tot = {y: 0 for y in years}
    group = {y: 0 for y in years}
    group_area = 0.0
    for pos, j in enumerate(order):
        k = kec[j]
        record += 1
        values = bps_projections(scope, w, name, record, j)
        for y, v in zip(years, values, strict=True):
            tot[y] += v
            group[y] += v
        group_area += areas[k.kode]
        wr.writerow([k.kode_bps, k.nama, comma(areas[k.kode], 2)] + [dots(v) for v in values])
        last_of_kab = pos + 1 == len(order) or kec[order[pos + 1]].kode_bps[:4] != k.kode_bps[:4]
        if scope.province_layout and last_of_kab:
            # Province layout: a "Jumlah <kabupaten>" row closes each kabupaten's kecamatan.
            record += 1
            write_bps_subtotal(wr, scope, name, record, kab_by[k.induk], group, group_area)
            group = {y: 0 for y in years}
            group_area = 0.0
    write_bps_foot(wr, scope, name, record, tot, sum(areas[kec[j].kode] for j in order))
    (scope.out / name).write_text(buf.getvalue(), encoding="utf-8-sig", newline="")
    return Written(name, len(order), len(order) * (1 + len(years)))


def bps_padded(scope: Scope, cells: list[str]) -> list[str]:
    """A record padded to the table's width, as BPS exports every record."""
    return cells + [""] * (3 + len(scope.years) - len(cells))


def write_bps_head(wr: CsvWriter, scope: Scope) -> None:
    """Title, source note and the two-row header (records 1 to 4)."""
    years = scope.years
    span = f"{years[0]}-{years[-1]}"
    wr.writerow(
        bps_padded(scope, [f"Luas Wilayah dan Proyeksi Penduduk Menurut Kecamatan di {scope.label}, {span}"])
    )
    wr.writerow(bps_padded(scope, [f"Sumber/Source: BPS {scope.label}, {scope.label} Dalam Angka 2025"]))
    wr.writerow(bps_padded(scope, ["Kode BPS", "Kecamatan", "Luas (km²)", "Proyeksi Penduduk (jiwa)"]))
    wr.writerow(["", "", ""] + [str(y) for y in years])


def bps_projections(scope: Scope, w: World, name: str, record: int, j: int) -> list[int]:
    """The projections of kecamatan ``j`` by year, the deliberately high ones noted."""
    k = scope.kec[j]
    out = []
    for y in scope.years:
        v = int(w["bps"][y][j])
        off = scope.plants.bps_off.get((k.kode, y))
        if off is not None:
            v = int(round(int(w["kpop"][y][j]) * off))
            finding = (
                f"Kec. {k.nama} ({k.kode_bps}) {y}: BPS projection {dots(v)} is "
                f"{100 * (v / int(w['kpop'][y][j]) - 1):.0f} % above the Dukcapil "
                f"desa sum ({dots(int(w['kpop'][y][j]))}); cross-agency check "
                "(>10 %) should flag it"
            )
            scope.problems.append(
                Problem("coherence", name, record, f"Proyeksi Penduduk (jiwa) {y}", dots(v), finding)
            )
        out.append(v)
    return out


def write_bps_subtotal(
    wr: CsvWriter, scope: Scope, name: str, record: int, kab: Region, group: dict[int, int], area: float
) -> None:
    """The "Jumlah <kabupaten>" row after a kabupaten's kecamatan (the province layout)."""
    label = f"Jumlah {kab.nama}"
    wr.writerow([kab.kode_bps, label, comma(area, 2)] + [dots(group[y]) for y in scope.years])
    finding = "kabupaten subtotal row, dropped by drop_rows"
    scope.problems.append(Problem("dropped", name, record, "Kecamatan", label, finding))


def write_bps_foot(
    wr: CsvWriter, scope: Scope, name: str, record: int, tot: dict[int, int], listed_area: float
) -> None:
    """The total row (of the kabupaten, or of the province: its listed kecamatan) and the footnote,
    after data record ``record``."""
    if scope.province_layout:
        total_area = listed_area
        total_label = scope.label
        why = "province total row, dropped by drop_rows"
    else:
        [profile] = scope.profiles.values()
        total_area = profile.total_area
        total_label = scope.kabupaten[0].nama
        why = "kabupaten total row, dropped by drop_rows"
    wr.writerow(["", total_label, comma(total_area, 2)] + [dots(tot[y]) for y in scope.years])
    scope.problems.append(Problem("dropped", name, record + 1, "Kecamatan", total_label, why))
    wr.writerow(
        bps_padded(
            scope,
            [
                "Sumber: Proyeksi Penduduk Indonesia 2020-2050 Hasil SP2020; luas wilayah "
                "menurut Kepmendagri (angka sintetis untuk demo)"
            ],
        )
    )
    finding = "footnote row, dropped by drop_rows"
    scope.problems.append(Problem("dropped", name, record + 2, "Kode BPS", "Sumber: ...", finding))


DPUPR_COLUMNS = [
    "Kode Desa",
    "Desa",
    "Kecamatan",
    "Tahun",
    "Jumlah Rumah Tangga",
    "RT Akses Air Minum Layak",
    "RT Akses Sanitasi Layak",
    "% Air Minum Layak",
]
DPUPR_WIDTHS = [16, 24, 18, 8, 14, 14, 14, 12]


@dataclass
class DpuprRow:
    """The figures of one DPUPR data row as written, after the deliberate problems."""

    households: int
    water: int
    sanitation: int | str
    percent: str  # "67,5%"
    missing: int = 0  # measure cells counted as missing


def write_dpupr(scope: Scope, w: World) -> Written:
    name = f"dpupr_air_sanitasi_desa_{scope.span}.xlsx"
    kec_by = {k.kode: k for k in scope.kec}
    stream = scope.stream_xlsx
    wb, ws = new_workbook("Data", stream=stream)
    title = (
        "REKAPITULASI AKSES AIR MINUM DAN SANITASI LAYAK RUMAH TANGGA PER DESA "
        f"{scope.label.upper()} {scope.years[0]}-{scope.years[-1]} (DINAS PUPR / PERKIM)"
    )
    row = title_and_header(ws, [title], DPUPR_COLUMNS, DPUPR_WIDTHS, stream=stream)
    # Write-only rows are styled by copying these cells: codes as text, the share right-aligned.
    templates = (
        (styled(ws, None, number_format="@"), styled(ws, None, alignment=Alignment(horizontal="right")))
        if stream
        else None
    )
    n = 0
    observations = 0
    for y in scope.years:
        for i, d in enumerate(scope.desa):
            row += 1
            n += 1
            hh, wa = int(w["households"][y][i]), int(w["water"][y][i])
            cells = DpuprRow(hh, wa, int(w["sani"][y][i]), comma(100 * wa / hh) + "%")
            plant_dpupr_cells(scope, name, row, y, d, cells)
            observations += 4 - cells.missing
            values = [
                d.kode,
                d.nama,
                kec_by[d.induk].nama,
                y,
                hh,
                cells.water,
                cells.sanitation,
                cells.percent,
            ]
            append_dpupr_row(ws, row, values, templates)
    save_xlsx(wb, scope.out / name)
    return Written(name, n, observations)


def plant_dpupr_cells(scope: Scope, name: str, row: int, y: int, d: Region, cells: DpuprRow) -> None:
    """The deliberate problems of desa ``d`` in year ``y``, written into ``cells`` and noted."""
    plants = scope.plants
    hh = cells.households
    if (d.kode, y) in plants.dpupr_water_gt_hh:
        cells.water = int(round(hh * 1.09))
        finding = (
            f"{d.nama} ({d.kode}) {y}: households with safe water ({cells.water}) > all "
            f"households ({hh}); '% Air Minum Layak' ({cells.percent}) disagrees with the counts"
        )
        scope.problems.append(
            Problem("coherence", name, row, "RT Akses Air Minum Layak", str(cells.water), finding)
        )
    if (d.kode, y) in plants.dpupr_pct_over_100:
        cells.percent = plants.dpupr_pct_over_100[(d.kode, y)]
        finding = (
            f"{d.nama} ({d.kode}) {y}: a share above 100 % (counts say {comma(100 * cells.water / hh)}%)"
        )
        scope.problems.append(Problem("coherence", name, row, "% Air Minum Layak", cells.percent, finding))
    if (d.kode, y) in plants.dpupr_dash:
        cells.sanitation = "-"
        cells.missing += 1
        finding = "'-' is in the default missing list: counted as missing (allowed)"
        scope.problems.append(Problem("missing", name, row, "RT Akses Sanitasi Layak", "-", finding))


def append_dpupr_row(
    ws: Sheet, row: int, values: list[object], templates: tuple[WriteOnlyCell, WriteOnlyCell] | None
) -> None:
    """One data row: the code stored as text, boxed, the share right-aligned (a write-only sheet
    copies the ``templates`` of the code and share cells, and has no boxes)."""
    if templates is not None:
        text, right = templates
        ws.append([like(text, values[0])] + values[1:7] + [like(right, values[7])])
        return
    ws.append(values)
    code_cell = ws.cell(row=row, column=1)
    code_cell.number_format = "@"  # codes stored as TEXT
    code_cell.data_type = "s"
    ws.cell(row=row, column=8).alignment = Alignment(horizontal="right")
    for c in range(1, len(values) + 1):
        ws.cell(row=row, column=c).border = BOX


WRITERS = (write_dukcapil, write_dinkes, write_disdik, write_dinsos, write_bps, write_dpupr)


# ---- README -----------------------------------------------------------------------------
README_HEAD = """\
# Demo agency tables — Kabupaten Pesawaran (18.09)

> **VALUES ARE SYNTHETIC. CODES ARE REAL.** Every number in the six tables below is made up by
> `scripts/generate_demo_data.py` (seeded, `numpy.random.default_rng({seed})`). The region codes
> and names are the real Kemendagri 2025 codes/names and the real BPS codes, taken from
> `ontology/codes/wilayah_lampung.csv` (11 kecamatan, 148 desa). Puskesmas names and
> kecamatan areas are illustrative too. Do not cite these figures as statistics of Pesawaran.
> Only the 2024 kabupaten population total (501,047 = 257,325 L + 243,722 P) is the real
> Dukcapil figure, used to scale the synthetic desa numbers.

**One table is real**: `dpmd_idm_desa_2024.xlsx` (below) holds Kemendesa's published
figures, not the generator's.

This file is written by the generator — edit `scripts/generate_demo_data.py`, not this file,
then run `.venv/bin/python scripts/generate_demo_data.py` (same bytes every run).

## Real data: `dpmd_idm_desa_2024.xlsx`

Mapping: `mappings/dpmd-idm-desa.yaml` (dataset `dpmd-idm-desa`, `synthetic: false`).
**Real figures** of Kementerian Desa, Pembangunan Daerah Tertinggal, dan Transmigrasi
(Kemendesa PDTT): *Rekomendasi Indeks Desa Membangun (IDM) Tahun 2024 per Desa*, Provinsi
Lampung, published by the ministry on its IDM portal; the copy used is the public GitHub
repository `geraldolst/tubesdatnal-k01_3`, `data/raw/rekomendasi_provinsi/REKOMENDASI_IDM_PROVINSI_18_2024.xlsx`
(commit 0ad6a41c). No licence is stated there; the figures are the ministry's public
statistics: **cite Kemendesa PDTT** when you use them. For 10 desa of Kec. Negeri Katon the
scores were checked (to 4 decimals) against the ministry's own per-desa API.

`scripts/derive_idm.py` keeps the rows of Kabupaten Pesawaran (KODE KAB 1809) in the
ministry's own layout, as DPMD would hold them: sheet `Worksheet`, title on row 2, header on
row 4, data from row 5; 148 desa rows, each followed by **continuation rows** whose region
cells are blank and which carry only the ministry's recommendation for that desa
(KETERANGAN, KEGIATAN YANG DAPAT DILAKUKAN, NILAI, PUSAT … MASYARAKAT): 2,805 rows below the
header in all. Codes are Kemendagri codes **without dots, stored as numbers** (KODE DESA
1809012001). Per desa: IKS 2024, IKE 2024, IKL 2024 (the social, economic and environmental
resilience indices, 0–1), NILAI IDM 2024 (their mean, 0–1), STATUS IDM 2024 and TARGET IDM 2025
(MANDIRI / MAJU / BERKEMBANG / TERTINGGAL / SANGAT TERTINGGAL). Pesawaran in 2024: 28 desa
MANDIRI, 49 MAJU, 71 BERKEMBANG; IDM from 0.603 to 0.961. The mapping drops the continuation
rows by their blank KODE DESA (`drop_rows: blank: true`); the recommendations themselves are
text, not figures, and are not loaded.

## How the values hang together

One latent *deprivation* score per desa (kecamatan effect + noise, scaled to 0–1) drives:
stunting prevalence (10–35 %, up with deprivation, down ~1.2 points a year), safe-water share
(40–95 %, down with deprivation, up ~1.5 points a year), sanitation share, KPM PKH/BPNT per
household (up with deprivation), and — at kecamatan level — SD/SMP dropouts per pupil (up with
the kecamatan's mean deprivation). Desa populations are 1,650–6,350 in 2024 and grow ~1 %/yr
(desa-specific rate); toddlers weighed ≈ 8–10 % of the population; households ≈ population/3.8;
SD pupils ≈ 11.5 % and SMP pupils ≈ 5.2 % of the kecamatan population. BPS projections are the
Dukcapil kecamatan sums ±2 % (the intended inconsistencies aside). Kecamatan areas sum to
1,286.84 km².

## The tables

Row numbers below are the row as the agency sees it: the Excel row for xlsx; for CSV the
1-based **record** number (a quoted multi-line header record counts as one record).

| file | agency | shape | rows of data |
| --- | --- | --- | --- |
{table_rows}

### `disdukcapil_penduduk_desa_jk_2020_2024.csv`

Mapping: `mappings/disdukcapil-penduduk-desa.yaml`.
Dukcapil portal export, long format: one record per desa × tahun × jenis kelamin (blocks:
year → sex → desa). Semicolon-delimited, UTF-8 **with BOM**, LF line ends. The header is ONE
CSV record whose quoted names contain embedded newlines (`"kemendagri_kode_\\ndesa"`; four
names also end with a newline, as in the Aceh sample), so the header spans {dk_lines} physical
lines and data record *n* is on physical line *n* + {dk_off}. Kemendagri codes **without dots**
(`18`, `1809`, `180901`, `1809012001`). Columns: `kemendagri_kode\\n_provinsi`,
`kemendagri_nama\\n_provinsi\\n`, `kemendagri_kode_\\nkabupaten_kota\\n`,
`kemendagri_nama_\\nkabupaten_kota\\n`, `kemendagri_kode_\\nkecamatan\\n`,
`kemendagri_nama_\\nkecamatan`, `kemendagri_kode_\\ndesa`, `kemendagri_nama_\\ndesa`, `tahun`,
`jenis_kelamin` (Laki-laki / Perempuan → `jenis-kelamin` L / P), `jumlah_penduduk` (plain
digits), `satuan` (Jiwa). Kabupaten totals per year: {dk_totals}.

### `dinkes_balita_stunting_desa_2020_2024.xlsx`

Mapping: `mappings/dinkes-stunting-desa.yaml`.
Sheet `Stunting`. Rows 1–2: merged title rows ("DATA BALITA STUNTING …", "DINAS KESEHATAN
KABUPATEN PESAWARAN"); row 3 blank; header on row 4; data rows 5–{dn_last} (year → desa);
row {dn_total}: `JUMLAH` total row (A:E merged) to drop. Columns: No, Kecamatan (upper case),
Puskesmas (illustrative), Desa, Tahun, Jumlah Balita Ditimbang, Jumlah Balita Stunting,
Prevalensi (%) (TEXT with decimal comma, e.g. `21,4`). **Names only, no codes**: Desa + parent
Kecamatan, official 2025 names except the deliberate spellings below; some desa names carry
trailing spaces (normalised away).

### `disdik_sekolah_kecamatan_2020_2024.csv`

Mapping: `mappings/disdik-sekolah-kecamatan.yaml`.
Comma-delimited, UTF-8 without BOM, CRLF. One row per kecamatan × tahun, **wide by jenjang**:
Kecamatan, Tahun, Jumlah SD, Jumlah SMP, Murid SD, Murid SMP, Putus Sekolah SD,
Putus Sekolah SMP. Kecamatan written `Kec. Gedong Tataan` in most rows and without the prefix
in others (Teluk Pandan and Way Ratai always, a few more at random) — names only. Thousands
written with dots (`7.412`), so the mapping says `decimal: comma`. Each measure fixes
`jenjang` SD or SMP.

### `dinsos_kpm_desa_2020_2024.csv`

Mapping: `mappings/dinsos-kpm-desa.yaml`.
Comma-delimited, plain UTF-8 (no BOM), LF. One row per desa × tahun (desa → year). Columns:
Kode Wilayah (**dotted** Kemendagri code `18.09.01.2001`), Nama Desa, Nama Kecamatan (upper
case), Tahun, KPM PKH, KPM BPNT (Keluarga Penerima Manfaat, plain integers).

### `bps_luas_penduduk_kecamatan_2020_2024.csv`

Mapping: `mappings/bps-luas-penduduk-kecamatan.yaml`.
BPS table export: UTF-8 with BOM, every field quoted, CRLF, every record padded to 8 fields.
Record 1 title, record 2 source note, records 3–4 a **two-row header**
(`"Kode BPS","Kecamatan","Luas (km²)","Proyeksi Penduduk (jiwa)","","","",""` over
`"","","","2020","2021","2022","2023","2024"`; joined with forward fill this gives
`Proyeksi Penduduk (jiwa) 2020` … `2024`), records 5–15 the kecamatan in BPS order
(7-digit **BPS** codes, e.g. `1809050` = Gedong Tataan 18.09.01), record 16 the kabupaten
total, record 17 a `Sumber:` footnote. Luas with decimal comma (`97,06`, period 2024);
population with dot thousands (`67.412`), one column per year.

### `dpupr_air_sanitasi_desa_2020_2024.xlsx`

Mapping: `mappings/dpupr-air-sanitasi-desa.yaml`.
Sheet `Data`. Row 1 merged title, row 2 blank, header on row 3, data rows 4–{dp_last}
(year → desa). Columns: Kode Desa (dotted Kemendagri code stored as **text**), Desa,
Kecamatan, Tahun, Jumlah Rumah Tangga, RT Akses Air Minum Layak, RT Akses Sanitasi Layak,
% Air Minum Layak (text with decimal comma and a percent sign, e.g. `67,5%`).

## What the reader is assumed to do (checked only with a stand-in script)

* Rows above the first header row (title rows, blank rows, the BPS title/source records) are
  not data and are skipped without `skip_rows`.
* Header names are matched exactly as written in the file; the Dukcapil mapping writes the
  embedded newline (`"kemendagri_kode_\\ndesa"` in YAML).
* A multi-row header (`header_rows: [3, 4]`) forward-fills a blank cell from its left
  neighbour within each header row, then joins the non-empty parts with one space.
* Number cells in xlsx are taken as numbers; text cells are parsed with the mapping's
  `decimal` rule (`"21,4"` → 21.4, `"8.903"` → 8903).
* The DPUPR percentage text `"67,5%"` carries a percent sign, which the value parser must
  strip (or the whole column is reported as unparseable).

## Deliberate problems

Everything not listed here should map cleanly (all names are official 2025 names; case,
extra spaces and `Kec. ` prefixes are normalised by the linker).

"""


def write_readme(
    counts: list[tuple[str, str, str, int]], extra: dict[str, Any], problems: list[Problem]
) -> None:
    table_rows = "\n".join(f"| `{f}` | {a} | {s} | {n} |" for f, a, s, n in counts)
    text = README_HEAD.format(seed=SEED, table_rows=table_rows, **extra)
    sections = [
        ("coherence", "Cross-agency / internal inconsistencies (for the coherence checks)"),
        (
            "linking",
            "Linking problems (names-only rows the exact-name linker rejects; for the fuzzy linker)",
        ),
        ("parsing", "Parsing problems (cells that must be reported as unparseable)"),
        ("missing", "Missing values (allowed: counted as missing, not errors)"),
        ("dropped", "Non-data rows (dropped by `drop_rows`, counted as dropped)"),
    ]
    for kind, title in sections:
        rows = [p for p in problems if p.kind == kind]
        text += f"### {title}\n\n| # | file | row | column | value | expected finding |\n"
        text += "| --- | --- | --- | --- | --- | --- |\n"
        for i, p in enumerate(rows, start=1):
            col = p.column.replace("|", "\\|")
            tag = f"{kind[0].upper()}{i}"
            text += f"| {tag} | `{p.file}` | {p.row} | {col} | `{p.value}` | {p.finding} |\n"
        text += "\n"
    names_rows = extra["names_rows"]
    n_link = sum(p.kind == "linking" for p in problems)
    text += (
        f"Linking problems are {n_link} of {names_rows} names-only rows "
        f"({100 * n_link / names_rows:.1f} %); the misspellings are real ones seen in a "
        "Pesawaran desa table (see `/work/shared/samples/SOURCES.md`, kemiskinan sample). "
        "Each misspelt desa is spelt officially in its other years, so a checker can also "
        "see the gap in its series.\n"
    )
    (DATA / "README.md").write_text(text, encoding="utf-8", newline="\n")


def demo_scope() -> Scope:
    province, kabs, kec, desa = read_regions([KAB])
    assert len(kec) == 11 and len(desa) == 148, (len(kec), len(desa))
    return Scope(
        out=DATA,
        years=YEARS,
        province=province,
        kabupaten=kabs,
        kec=kec,
        desa=desa,
        profiles={KAB: pesawaran_profile(kec)},
        plants=pesawaran_plants(kec),
        label=kabs[0].nama,
    )


def main() -> None:
    DATA.mkdir(exist_ok=True)
    scope = demo_scope()
    kec, desa = scope.kec, scope.desa
    w = build_world(kec, desa, YEARS, scope.profiles[KAB], np.random.default_rng(SEED))

    # Sanity checks on the clean world.
    assert int(w["pop"][2024].sum()) == TOTAL_2024 and int(w["male"][2024].sum()) == MALE_2024
    for y in YEARS:
        assert w["pop"][y].min() >= 1500 and w["pop"][y].max() <= 6500, y
        prev = w["stunted"][y] / w["weighed"][y]
        assert 0.07 <= prev.min() and prev.max() <= 0.37, (y, prev.min(), prev.max())
        ratio = w["bps"][y] / w["kpop"][y]
        assert np.all(np.abs(ratio - 1) <= 0.03), y
        s = w["schools"][y]
        assert np.all(s["p_sd"] < s["m_sd"]) and np.all(s["p_smp"] < s["m_smp"])
        assert np.all(w["water"][y] <= w["households"][y]) and np.all(w["sani"][y] <= w["households"][y])

    shapes = [
        ("Disdukcapil", "CSV `;`, BOM, long by sex, undotted codes"),
        ("Dinkes", "xlsx, title rows, header row 4, names only, total row"),
        ("Disdik", "CSV, wide by jenjang, `Kec.` names, dot thousands"),
        ("Dinsos", "CSV, dotted Kemendagri codes"),
        ("BPS", "CSV, BOM, title lines, two-row header, BPS codes, wide by year"),
        ("Dinas PUPR / Perkim", "xlsx, title row, header row 3, codes as text"),
    ]
    written = [writer(scope, w) for writer in WRITERS]
    counts = [(t.name, agency, shape, t.rows) for t, (agency, shape) in zip(written, shapes, strict=True)]
    dinkes_rows, disdik_rows = written[1].rows, written[2].rows
    scope.problems.extend(scope.added_later)

    totals = ", ".join(f"{y}: {int(w['pop'][y].sum()):,}" for y in YEARS)
    write_readme(
        counts,
        dict(
            dk_lines=DUKCAPIL_HEADER_LINES,
            dk_off=DUKCAPIL_HEADER_LINES - 1,
            dk_totals=totals + " (before the deliberate 2023 anomaly below)",
            dn_last=4 + dinkes_rows,
            dn_total=5 + dinkes_rows,
            dp_last=3 + len(desa) * len(YEARS),
            names_rows=dinkes_rows + disdik_rows,
        ),
        scope.problems,
    )
    for f, _agency, _shape, n in counts:
        print(f"{n:5d} rows  {f}")
    for p in scope.problems:
        print(f"  {p.kind:9s} {p.file}:{p.row} [{p.column}] {p.value!r}")


if __name__ == "__main__":
    main()
