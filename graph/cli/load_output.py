"""How ``onecenter build`` and ``onecenter load`` tell what became of each table.

The summary table (rows read, mapped, refused; observations; violations; outcome), the
region linking table, the review queues and validation findings written for the staff,
and, for a dry run, the verdict: what a load would do, in Indonesian and English.
"""

from __future__ import annotations

from pathlib import Path

from rich.table import Table as RichTable

from graph.cli.output import console
from graph.publish.load_report import WOULD_BE, LoadReport
from graph.publish.reports import write_category_review_queue, write_findings
from graph.settings import Settings

__all__ = [
    "EMPTY_STORE",
    "EMPTY_STORE_DRY_RUN",
    "category_queue",
    "linking_summary",
    "report_findings",
    "say_verdict",
    "summary",
]

EMPTY_STORE = (
    "Penyimpanan kosong: ontologi dan kode wilayah dimuat dulu / empty store: the ontology and "
    "region codes are loaded first"
)
EMPTY_STORE_DRY_RUN = (
    "Penyimpanan kosong: pemuatan akan memuat ontologi dan kode wilayah dulu; uji coba ini "
    "memuatnya sementara untuk pemeriksaan / empty store: a load would load the ontology and "
    "region codes first; this dry run loaded them for its check only"
)

_OUTCOMES = {
    "published": "[green]terbit[/green]",
    "held": "[yellow]ditahan / held[/yellow]",
    "rejected": "[red]ditolak / rejected[/red]",
    "failed": "[red]gagal / failed[/red]",
    WOULD_BE["published"]: "[green]akan terbit / would publish[/green]",
    WOULD_BE["held"]: "[yellow]akan ditahan / would hold[/yellow]",
    WOULD_BE["rejected"]: "[red]akan ditolak / would refuse[/red]",
}


def summary(reports: list[LoadReport]) -> RichTable:
    """One row per table: what was read, mapped, refused and judged, and the outcome."""
    table = RichTable(title="Ringkasan pemuatan / load summary")
    for name in (
        "dataset",
        "baris dibaca\nrows read",
        "dipetakan\nmapped",
        "ditolak\nrejected",
        "dibuang\ndropped",
        "kosong\nblank",
        "tanpa nilai\nno values",
        "sel ditolak\ncells rej.",
        "observasi\nobservations",
        "pelanggaran\nviolations",
        "diterima\naccepted",
        "peringatan\nwarnings",
        "hasil\noutcome",
        "detik\nseconds",
    ):
        table.add_column(name, justify="left" if name == "dataset" else "right")
    for r in reports:
        table.add_row(
            r.dataset,
            str(r.rows_read),
            str(r.rows_mapped),
            # Rows of regions outside the table's scope are refused too, and said apart.
            str(r.rows_rejected) + (f"\n({r.rows_outside} luar / outside)" if r.rows_outside else ""),
            str(r.rows_dropped),
            str(r.rows_blank),
            str(r.rows_without_values),
            str(r.cells_rejected),
            f"{r.observations:,}",
            str(r.violations),
            str(r.violations_accepted),
            str(r.warnings),
            _OUTCOMES.get(r.outcome, r.outcome),
            f"{r.seconds:.2f}",
        )
    return table


def report_findings(reports: list[LoadReport], settings: Settings) -> None:
    """Write the drafts' validation findings per agency and say which drafts were held."""
    findings = [f for r in reports for f in r.findings]
    if findings:
        paths = write_findings(findings, settings.resolve(settings.reports_dir))
        console.print(f"Laporan validasi / validation reports: {', '.join(str(p) for p in paths)}")
    for r in reports:
        for note in r.notes:  # checks that could not be made (a held dataset never published)
            console.print(f"[yellow]{r.dataset}:[/yellow] {note.joined()}")
        if r.outcome == "held":
            console.print(
                f"[yellow]{r.dataset}:[/yellow] {r.message}. Perbaiki tabel lalu muat ulang, atau "
                f'`onecenter publish {r.dataset} --accept-violations "alasan"` / fix the table and '
                "load again, or publish with a recorded reason"
            )


def say_verdict(report: LoadReport) -> None:
    """What a load of the dry-run table would do, and that nothing was published."""
    if report.outcome == WOULD_BE["published"]:
        said = "[green]akan diterbitkan / would be published[/green]"
    elif report.outcome == WOULD_BE["held"]:
        said = f"[yellow]{report.message}[/yellow]"
    else:
        said = f"[red]akan ditolak / would be refused:[/red] {report.message}"
    console.print(f"{report.dataset}: {said}")
    console.print(
        "Uji coba: tidak ada yang diterbitkan atau dicatat / dry run: nothing was published or recorded"
    )


def category_queue(reports: list[LoadReport], folder: Path) -> None:
    """Write the category review queue and say where it is."""
    queue, entries = write_category_review_queue(reports, folder)
    console.print(
        f"Antrean tinjauan kategori / category review queue: {entries} nilai — {queue}"
        + (" (tambahkan ke / add to measures[].codes di pemetaan / in the mapping)" if entries else "")
    )


def linking_summary(reports: list[LoadReport]) -> RichTable:
    """Rows linked per method and names left for review, per dataset."""
    methods = sorted({m for r in reports for m in r.link_methods})
    table = RichTable(title="Penautan wilayah / region linking (baris / rows)")
    table.add_column("dataset")
    for method in methods:
        table.add_column(method, justify="right")
    table.add_column("ditinjau\nto review (rows)", justify="right")
    for r in reports:
        waiting = sum(len(item.rows) for item in r.review)
        table.add_row(r.dataset, *(str(r.link_methods.get(m, 0)) for m in methods), str(waiting))
    return table
