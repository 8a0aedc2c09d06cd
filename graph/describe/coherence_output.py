"""The coherence report as JSON for programs and as CSV for agency staff.

JSON (``coherence_json``) gives the summary, the counts per agency × rule, each finding
with its rule label and who accepted it, the decisions, the reports in force and the held
drafts. CSV (``findings_csv``) is one row per finding, written by ``graph.spreadsheet``:
``excel`` (UTF-8 with BOM, ';', decimal comma, Indonesian headers, text Excel would run
as a formula quoted) or ``standard`` (RFC 4180, ',', decimal point, column names).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from graph.check.acceptances import Acceptance
from graph.check.findings import Finding
from graph.describe.coherence import Coherence
from graph.describe.coherence_selection import count_by_agency_and_rule, summary
from graph.spreadsheet import CsvDialect, cell_text, csv_bytes, verbatim

__all__ = ["CSV_COLUMNS", "acceptance_json", "coherence_json", "finding_json", "findings_csv"]

# CSV columns: (name for programs, Indonesian header for Excel).
CSV_COLUMNS = [
    ("severity", "Tingkat"),
    ("rule", "Aturan"),
    ("rule_label", "Nama aturan"),
    ("agency", "Instansi"),
    ("dataset", "Dataset"),
    ("file", "Berkas"),
    ("sheet", "Lembar"),
    ("row", "Baris"),
    ("column", "Kolom"),
    ("cell", "Isi sel"),
    ("value", "Nilai"),
    ("message_id", "Pesan"),
    ("message_en", "Pesan (Inggris)"),
    ("focus", "Fokus (IRI)"),
    ("accepted", "Diterima"),
    ("accepted_by", "Diterima oleh"),
    ("accepted_reason", "Alasan penerimaan"),
    ("result", "Hasil validasi (IRI)"),
    ("other_dataset", "Dibandingkan dengan dataset"),
    ("other_agency", "Instansi dataset pembanding"),
]


def finding_json(f: Finding, coherence: Coherence, agency: str | None = None) -> dict[str, Any]:
    """One finding as the JSON answer gives it (agency and dataset by slug, severity by key).

    ``agency``: the agency the report was filtered by; ``involving_your_data`` is true for a
    finding on another agency's figure that a rule compared with that agency's data.
    """
    return {
        "result": f.result,
        "severity": f.severity_key,
        "severity_label": f.severity_label,
        "rule": f.rule,
        "shape": f.shape,
        "component": f.component or None,
        "message": f.message,
        "focus": f.focus,
        "path": f.path,
        "value": f.value,
        "agency": f.agency_slug,
        "dataset": f.dataset_id,
        "file": f.file,
        "sheet": f.sheet,
        "row": f.row,
        "column": f.column,
        "cell": f.raw,
        "report": f.report,
        "activity": f.activity,
        "accepted_by": list(f.accepted_by),
        "focus_label": f.focus_label,
        "accepted": f.accepted,
        "rule_label": coherence.rules.get(f.rule, {}).get("label", {}),
        "other_dataset": f.other_dataset_id,
        "other_agency": f.other_agency_slug,
        "involving_your_data": agency is not None and f.agency_slug != agency and f.involves(agency),
    }


def acceptance_json(a: Acceptance) -> dict[str, Any]:
    """A recorded decision as the JSON answer gives it."""
    return {
        "iri": a.iri,
        "reason": a.reason or None,
        "decided_by": a.decided_by or None,
        "decided_on": a.decided_on.isoformat(),
        "source": a.source or None,
        "shapes": list(a.shapes),
        "rows": list(a.rows or ()),
    }


def coherence_json(
    coherence: Coherence, findings: list[Finding] | None = None, agency: str | None = None
) -> dict[str, Any]:
    """JSON-ready; ``findings`` (default: all) are the ones to list, ``agency`` the agency
    they were chosen for (``finding_json``)."""
    shown = coherence.findings if findings is None else findings
    noted = sorted({a for f in shown for a in f.accepted_by})
    return {
        "summary": summary(shown),
        "counts": [asdict(c) for c in count_by_agency_and_rule(shown)],
        "findings": [finding_json(f, coherence, agency) for f in shown],
        "acceptances": [
            acceptance_json(coherence.acceptances[a]) for a in noted if a in coherence.acceptances
        ],
        "datasets": [asdict(d) for d in coherence.datasets],
        "held_drafts": [asdict(h) for h in coherence.held],
        "agencies": coherence.agencies,
        "rules": coherence.rules,
    }


def _csv_row(f: Finding, coherence: Coherence, excel: bool) -> list[Any]:
    notes = [coherence.acceptances[a] for a in f.accepted_by if a in coherence.acceptances]
    label = coherence.rules.get(f.rule, {}).get("label", {})
    return [
        f.severity_label.id if excel else f.severity_key,  # Excel is for people: Pelanggaran
        f.rule,
        label.get("id") or label.get("en") or "",
        f.agency_slug,
        f.dataset_id,
        f.file,
        f.sheet,
        f.row,
        f.column,
        f.raw,
        # Only the read value is a number in the graph's notation; the cell stays as the agency wrote it.
        verbatim(cell_text(f.value, excel, number=True)),
        f.message.id,
        f.message.en,
        f.focus,
        f.accepted,
        ", ".join(n.decided_by for n in notes),
        " | ".join(n.reason for n in notes),
        f.result,
        f.other_dataset_id,
        f.other_agency_slug,
    ]


def findings_csv(coherence: Coherence, findings: list[Finding], dialect: CsvDialect = "excel") -> bytes:
    """The findings as CSV, one row each, in ``dialect`` (see the module docstring)."""
    excel = dialect == "excel"
    header = [title if excel else name for name, title in CSV_COLUMNS]
    return csv_bytes(header, (_csv_row(f, coherence, excel) for f in findings), dialect)
