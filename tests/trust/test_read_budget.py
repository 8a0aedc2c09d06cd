"""A workbook too big to read is refused within its budget, and never holds the upload lock.

Found in the second round (issue 19): a 27.6 MB xlsx, within every size limit, took 120 s
and 2.9 GB to read while holding the upload lock, so every other agency's upload waited.
Now an upload's table is read before the lock is taken, within ``read_max_cells`` and
``read_max_seconds``. Against a real server on an on-disk store: a Dinas Kesehatan workbook
(made here with openpyxl) over a small cell budget is refused with a message naming the
sheet, the cells, the limit and what to do; while it is being read, a Dinas Dukcapil upload
is judged into a draft; afterwards no file of it is left, and uploads go on.
"""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import Workbook

import graph.read.tables as tables
from graph.publish.accounts import Accounts
from graph.reference.regions import RegionIndex
from graph.settings import PROJECT_DIR
from tests.trust.figures import record_figures
from tests.trust.hostile import DATASET, Served, served_instance

pytestmark = pytest.mark.server

BUDGET = 5_000  # read_max_cells for these tests
WORKBOOK_DATASET = "uji-balita-ditimbang"
WORKBOOK_MAPPING = """\
dataset:
  id: uji-balita-ditimbang
  title: {id: Balita ditimbang uji, en: Test weighed toddlers}
  description: {id: Rekap posyandu uji, en: Test posyandu recap}
  agency: dinkes
  frequency: annual
source:
  path: balita.xlsx
  sheet: Rekap Posyandu
region:
  level: desa
  code: {column: kode_desa, system: kemendagri}
period:
  year: {column: tahun}
measures:
  - {column: balita_ditimbang, indicator: balita-ditimbang, unit: jiwa}
"""
REGIONS = RegionIndex.from_csv(PROJECT_DIR / "ontology" / "codes" / "wilayah_lampung.csv")
DESA = [c.replace(".", "") for c in REGIONS.descendants("18.09", "desa")]  # undotted, as agencies write
CSV_TABLE = b"kode_desa;tahun;jumlah\n" + b"".join(
    f"18090120{i:02d};2023;{98000 + i}\n".encode() for i in range(1, 11)
)


def posyandu_workbook(rows: int) -> bytes:
    """A Dinkes posyandu recap: one row per desa and year, six columns (three of notes)."""
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Rekap Posyandu"
    ws.append(["kode_desa", "tahun", "balita_ditimbang", "posyandu", "kader", "catatan"])
    for i in range(rows):
        ws.append([DESA[i % len(DESA)], 2024 - i // len(DESA), 300 + i % 97, f"Posyandu {i}", i % 7, ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, reference_folder: Path) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("anggaran-baca")
    with served_instance(
        folder, reference_folder, read_max_cells=BUDGET, upload_max_bytes=2_000_000
    ) as served:
        (folder / "mappings" / f"{WORKBOOK_DATASET}.yaml").write_text(WORKBOOK_MAPPING, encoding="utf-8")
        accounts = Accounts(served.settings.resolve(served.settings.accounts_path))
        served.tokens["dinkes"] = accounts.add("budi.dinkes", "produsen", "dinkes")[1]
        yield served


def post(served: Served, dataset: str, who: str, name: str, body: bytes, **params: Any) -> httpx.Response:
    with httpx.Client(base_url=served.base, timeout=180) as client:
        return client.post(
            f"/ingest/{dataset}", files={"file": (name, body)}, headers=served.auth(who), params=params
        )


def uploaded_files(served: Served) -> list[Path]:
    uploads = served.settings.resolve(served.settings.uploads_dir)
    return [p for p in uploads.rglob("*") if p.is_file()] if uploads.exists() else []


def test_a_workbook_over_the_read_budget_is_refused_while_another_agency_uploads(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = posyandu_workbook(1_000)  # 6,006 cells > 5,000: refused at row 834
    reading, other_answered = threading.Event(), threading.Event()
    seen: dict[str, Any] = {"cells": 0}
    cell_text = tables._cell_text

    def pausing_cell_text(value: Any, number_format: str | None) -> str:
        # The server thread reading the workbook stops half-way, until the other upload is answered.
        seen["cells"] += 1
        if seen["cells"] == 600:
            reading.set()
            seen["other_answered_meanwhile"] = other_answered.wait(90)
        return cell_text(value, number_format)

    monkeypatch.setattr(tables, "_cell_text", pausing_cell_text)
    answers: dict[str, httpx.Response] = {}
    began = time.monotonic()
    big_upload = threading.Thread(
        target=lambda: answers.update(
            big=post(served, WORKBOOK_DATASET, "dinkes", "rekap_posyandu.xlsx", big)
        )
    )
    big_upload.start()
    assert reading.wait(90), "the workbook was never read"
    other = post(served, DATASET, "produsen", "penduduk.csv", CSV_TABLE)
    other_seconds = time.monotonic() - began
    other_answered.set()
    big_upload.join(120)

    assert other.status_code == 200, other.text[:500]  # a draft, judged while the workbook was read
    assert other.json()["outcome"] == "held"
    assert seen["other_answered_meanwhile"] is True
    refused = answers["big"]
    assert refused.status_code == 422, refused.text[:500]
    message = refused.json()["error"]
    for words in (
        "lembar 'Rekap Posyandu'",
        "sheet 'Rekap Posyandu'",
        f"lebih dari {BUDGET:,} sel",
        f"more than {BUDGET:,} cells",
        "5,004 cells read by this row",
        "baris/row 834",
        "read_max_cells",
        "pisahkan tabel",
        "split the table",
        "remove unused columns and cell formatting",
        "ask the Walidata to raise the setting read_max_cells",
    ):
        assert words in message, (words, message)
    assert ".xlsx" in message  # the file, by the name the server gave it (no folder)
    assert str(served.folder) not in message
    assert seen["cells"] < 6_006 - 6  # abandoned before the last row

    # Nothing of the refused workbook is kept (the draft's table is); the lock is free.
    assert [p.suffix for p in uploaded_files(served)] == [".csv"]
    within = post(served, WORKBOOK_DATASET, "dinkes", "rekap_posyandu.xlsx", posyandu_workbook(100))
    assert within.status_code == 200, within.text[:500]
    assert within.json()["rows_mapped"] == 100
    record_figures(
        "read_budget_upload",
        {"refused_cells_read": seen["cells"], "other_upload_answered_after_s": round(other_seconds, 2)},
    )


def test_a_csv_over_the_read_budget_is_refused_upload_and_dry_run(served: Served) -> None:
    rows = [f"{DESA[i % len(DESA)]};{2024 - i // len(DESA)};{i}" for i in range(2_000)]
    body = ("kode_desa;tahun;jumlah\n" + "\n".join(rows) + "\n").encode()  # 6,003 cells
    before = uploaded_files(served)
    for params in ({}, {"dry_run": "true"}):
        refused = post(served, DATASET, "produsen", "penduduk_besar.csv", body, **params)
        assert refused.status_code == 422, refused.text[:500]
        message = refused.json()["error"]
        assert "berkas ini berisi lebih dari 5,000 sel" in message, message
        assert "the file holds more than 5,000 cells" in message and "read_max_cells" in message
    assert uploaded_files(served) == before
