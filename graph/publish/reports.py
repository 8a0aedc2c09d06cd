"""Reports for agency staff: rejected cells per dataset, the region and category review queues,
coherence.

Every CSV is written by ``graph.spreadsheet.write_csv`` in its ``excel`` dialect
(semicolons, a byte-order mark, decimal comma), so that Excel with an Indonesian locale
opens them with the columns split and the text intact, and a cell that Excel would run
as a formula (an agency's cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return) stays text, while an agency's plain number ("-5", "-0,5") stays a number. Cells
are the agency's text as it was read: none is converted here.
"""

from __future__ import annotations

import json
from pathlib import Path

from graph.check.findings import Finding
from graph.link.links import ReviewItem
from graph.publish.load_report import LoadReport
from graph.spreadsheet import write_csv

__all__ = [
    "CATEGORY_REVIEW_FILE",
    "REVIEW_FILE",
    "write_category_review_queue",
    "write_findings",
    "write_problems",
    "write_review_queue",
]

REVIEW_FILE = "tinjauan-wilayah.csv"
CATEGORY_REVIEW_FILE = "tinjauan-kategori.csv"
_CANDIDATES = 3

PROBLEM_COLUMNS = ["berkas", "lembar", "baris", "kolom", "nilai", "jenis", "alasan"]
FINDING_COLUMNS = [
    "tingkat",
    "aturan",
    "berkas",
    "lembar",
    "baris",
    "kolom",
    "nilai",
    "pesan",
    "message",
    "fokus",
    "dataset",
    "dibandingkan_dengan",
]


def write_problems(report: LoadReport, folder: Path) -> Path | None:
    """Rejected cells and dropped rows of one load; None when there are none."""
    if not report.problems and not report.dropped:
        return None
    rows: list[list[object]] = [
        [p.file, p.sheet or "", p.row, p.column, p.value, "ditolak", p.reason] for p in report.problems
    ]
    rows += [
        [report.source, "", row, column, value, "dibuang", why] for row, column, value, why in report.dropped
    ]
    return write_csv(folder / f"{report.dataset}-masalah.csv", PROBLEM_COLUMNS, rows)


def write_review_queue(reports: list[LoadReport], folder: Path) -> tuple[Path, int]:
    """Every unlinked region reference of these loads, with candidates and a ready decision.

    The last column is a line to paste into mappings/linking/aliases.yaml once the
    Walidata has chosen the code. Returns the file and the number of entries; the file
    is written (with its header) even when the queue is empty, so an old queue never
    lingers after its names were fixed.
    """
    header = ["dataset", "berkas", "tingkat", "nama", "induk", "jumlah_baris", "baris", "alasan"]
    for i in range(1, _CANDIDATES + 1):
        header += [f"calon{i}_kode", f"calon{i}_nama", f"calon{i}_skor"]
    header.append("usulan_keputusan_yaml")
    rows = [_review_row(report, item) for report in reports for item in report.review]
    return write_csv(folder / REVIEW_FILE, header, rows), len(rows)


def _review_row(report: LoadReport, item: ReviewItem) -> list[object]:
    row: list[object] = [
        report.dataset,
        report.source,
        item.level,
        item.name,
        item.parent or "",
        len(item.rows),
        " ".join(str(r) for r in item.rows[:50]),
        item.reason,
    ]
    for j in range(_CANDIDATES):
        if j < len(item.candidates):
            c = item.candidates[j]
            row += [c.code, c.name, f"{c.score:.0f}"]
        else:
            row += ["", "", ""]
    best = item.candidates[0].code if item.candidates else "KODE"
    parent = f", parent: {item.parent!r}" if item.parent else ""
    # Indented as it stands under ``decisions:``; the indent also keeps Excel from reading the
    # leading "-" as a formula, so the line needs no quote that would spoil the paste.
    row.append(
        f"  - {{variant: {item.name!r}, level: {item.level}{parent}, code: '{best}', "
        "decided_by: NAMA, decided_on: YYYY-MM-DD}"
    )
    return row


def write_category_review_queue(reports: list[LoadReport], folder: Path) -> tuple[Path, int]:
    """Every cell text of a categorical column that fits no category, with candidates.

    Like the region queue: one line per distinct text of a column, its rows, the closest
    categories and, last, a line for the measure's ``codes:`` in the mapping once the
    agency or the Walidata has chosen. Written (with its header) even when empty.
    """
    header = ["dataset", "berkas", "indikator", "kolom", "nilai", "jumlah_baris", "baris", "alasan"]
    for i in range(1, _CANDIDATES + 1):
        header += [f"calon{i}_kode", f"calon{i}_nama", f"calon{i}_skor"]
    header.append("usulan_codes_yaml")
    rows: list[list[object]] = []
    for report in reports:
        for item in report.category_review:
            row: list[object] = [
                report.dataset,
                report.source,
                item.indicator,
                item.column,
                item.value,
                len(item.rows),
                " ".join(str(r) for r in item.rows[:50]),
                item.reason,
            ]
            for j in range(_CANDIDATES):
                c = item.candidates[j] if j < len(item.candidates) else None
                row += [c.code, c.name, f"{c.score:.0f}"] if c else ["", "", ""]
            best = item.candidates[0].code if item.candidates else "KODE"
            # Indented, as under the measure's ``codes:``; it also keeps Excel from a formula.
            row.append(f"    {item.value!r}: {best}")
            rows.append(row)
    return write_csv(folder / CATEGORY_REVIEW_FILE, header, rows), len(rows)


def write_findings(findings: list[Finding], folder: Path) -> list[Path]:
    """The coherence report: all findings as JSON, and one CSV per agency to act on.

    A finding of a rule comparing two datasets is in the CSV of both agencies: the other
    agency's reads which of its datasets was compared (``dibandingkan_dengan``).
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = [folder / "koherensi.json"]
    ordered = sorted(findings, key=lambda f: (f.agency or "", f.file or "", f.row or 0, f.shape))
    written[0].write_text(
        json.dumps([f.as_dict() for f in ordered], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    by_agency: dict[str, list[Finding]] = {}
    for f in ordered:
        agency = f.agency_slug or "tanpa-instansi"
        by_agency.setdefault(agency, []).append(f)
        other = f.other_agency_slug
        if other and other != agency:
            by_agency.setdefault(other, []).append(f)
    for agency, items in by_agency.items():
        rows = [_finding_row(f) for f in items]
        written.append(write_csv(folder / f"koherensi-{agency}.csv", FINDING_COLUMNS, rows))
    return written


def _finding_row(f: Finding) -> list[object]:
    return [
        f.severity_label.id,
        f.shape.rsplit("#", 1)[-1],
        f.file or "",
        f.sheet or "",
        f.row or "",
        f.column or "",
        f.raw if f.raw is not None else (f.value or ""),
        f.message_id,
        f.message_en,
        f.focus,
        f.dataset_id or "",
        f.other_dataset_id or "",
    ]
