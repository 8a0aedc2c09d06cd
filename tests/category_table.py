"""A synthetic DPMD export of village status (IDM) over three kecamatan, loaded on top of the demo.

Written the way such exports arrive: a title row above the header, semicolons, capitals and
trailing spaces, the agency's abbreviation ("Sgt. Tertinggal", mapped by the mapping's
``codes``), a blank cell, and a decimal comma in a column the mapping leaves out. The mapping
is ``tests/graph/answer/test_category_count.py``'s. The insight, API and page tests of the map's
categories share it.
"""

from __future__ import annotations

from pathlib import Path

from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.settings import Settings
from graph.store.interface import Store
from tests.graph.answer.test_category_count import MAPPING

__all__ = ["COUNTS", "EXPECTED", "ROWS", "platform_with_status"]

# Desa of Gedong Tataan (18.09.01), Negeri Katon (18.09.02) and Tegineneng (18.09.03).
ROWS = [
    ("1809012001", "MAJU "),
    ("1809012002", "Berkembang"),
    ("1809012003", "Sgt. Tertinggal"),
    ("1809012004", ""),  # blank: this desa has no status
    ("1809012005", "mandiri"),
    ("1809022001", "berkembang"),
    ("1809022002", "TERTINGGAL"),
    ("1809022003", "Maju"),
    ("1809032001", "Berkembang "),
    ("1809032002", "berkembang"),
    ("1809032003", "Sangat  Tertinggal"),
]
# Desa code -> the code of its published category.
EXPECTED = {
    "18.09.01.2001": "maju",
    "18.09.01.2002": "berkembang",
    "18.09.01.2003": "sangat-tertinggal",
    "18.09.01.2005": "mandiri",
    "18.09.02.2001": "berkembang",
    "18.09.02.2002": "tertinggal",
    "18.09.02.2003": "maju",
    "18.09.03.2001": "berkembang",
    "18.09.03.2002": "berkembang",
    "18.09.03.2003": "sangat-tertinggal",
}
# The legend: every category of kode:status-idm, lowest rank first, with its desa.
COUNTS = [("sangat-tertinggal", 2), ("tertinggal", 1), ("berkembang", 4), ("maju", 2), ("mandiri", 1)]


def write_status_table(folder: Path) -> Path:
    """The CSV and its mapping in ``folder``; returns the mapping."""
    lines = ["REKAP STATUS IDM DESA TAHUN 2024;;;;", "No;Kode Desa;Tahun;Status Desa;Nilai IDM"]
    lines += [f"{i};{code};2024;{status};0,{640 + i}" for i, (code, status) in enumerate(ROWS, 1)]
    (folder / "status_idm.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = folder / "uji-status-idm.yaml"
    mapping.write_text(MAPPING, encoding="utf-8")
    return mapping


def platform_with_status(
    settings: Settings, folder: Path, demo_copy: Store | None = None
) -> tuple[Platform, LoadReport]:
    """The demo graph with the status table published; the caller closes it. ``demo_copy``: a
    store already holding the demo (a copy of the session's build, seconds cheaper than building
    it again), else the demo is built into a fresh store."""
    platform = Platform(settings, demo_copy)
    if demo_copy is None:
        _, failures = platform.build()
        assert not failures, failures
    report = platform.load(write_status_table(folder))
    assert report.outcome == "published" and report.violations == 0, report
    return platform, report
