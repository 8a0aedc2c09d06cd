"""The coherence report as CSV for Excel and for programs, and its filters, on a report made by hand."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest

from graph.check.acceptances import Acceptance
from graph.check.findings import SH, Finding
from graph.describe.coherence import Coherence
from graph.describe.coherence_output import findings_csv
from graph.describe.coherence_selection import select_findings
from graph.errors import ParameterError


def rows_of(data: bytes, delimiter: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


def _finding(**changes: Any) -> Finding:
    base: dict[str, Any] = dict(
        result="https://x.test/id/validasi/1/hasil/1",
        severity=SH + "Violation",
        shape="https://x.test/shapes#R",
        component="",
        message_id="pesan",
        message_en="message",
        focus="https://x.test/id/observasi/d/1",
        path=None,
        value="-0.5",
        agency="https://x.test/id/organisasi/a",
        dataset="https://x.test/id/dataset/d",
        file="f.csv",
        sheet=None,
        row=3,
        column="k",
        raw="=SUM(A1)",
        report="https://x.test/id/validasi/1",
        activity="https://x.test/id/pemuatan/1",
        accepted_by=("https://x.test/id/penerimaan-pelanggaran/1",),
    )
    return Finding(**{**base, **changes})


def test_csv_quotes_text_excel_would_run_and_converts_only_the_read_value() -> None:
    note = Acceptance(
        dataset="d",
        shapes=("https://x.test/shapes#R",),
        reason="+why",
        decided_by="Walidata",
        decided_on=dt.date(2024, 1, 1),
        source="cli",
        iri="https://x.test/id/penerimaan-pelanggaran/1",
    )
    finding = _finding()
    assert finding.rule == "R" and finding.agency_slug == "a" and finding.severity_key == "violation"
    report = Coherence(
        [finding], {note.iri or "": note}, {}, [], [], {"R": {"shape": finding.shape, "label": {}}}, False
    )
    [excel] = rows_of(findings_csv(report, [finding], "excel"), ";")
    assert excel["Isi sel"] == "'=SUM(A1)" and excel["Nilai"] == "-0,5"
    assert excel["Alasan penerimaan"] == "'+why" and excel["Diterima oleh"] == "Walidata"
    [standard] = rows_of(findings_csv(report, [finding], "standard"), ",")
    assert standard["cell"] == "=SUM(A1)" and standard["value"] == "-0.5" and standard["accepted"] == "true"
    with pytest.raises(ParameterError) as refused:
        select_findings(report, agency="b", severity="Violation")
    assert [p["parameter"] for p in refused.value.problems] == ["agency", "severity"]
    assert select_findings(report, agency="a", rule="R")[1] == [finding]
