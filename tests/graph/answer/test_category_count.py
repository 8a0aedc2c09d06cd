"""A categorical measure end to end: a never-seen DPMD export of village status (IDM) is mapped
to the code list, its unknown text queued for review, and counted and filtered by category.

The table is written the way such exports arrive: semicolons, capitals with a trailing space,
an abbreviation the agency uses ("Sgt. Tertinggal", given in the mapping's ``codes``), an old
name of a category ("Pra-Madya"), a blank cell and one text that is no category ("Swadaya").
"""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.answer.answers import run_question
from graph.answer.code_lists import read_code_lists
from graph.answer.questions import load_catalogue, question_prefixes
from graph.answer.sparql import run_query
from graph.errors import ParameterError
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.publish.reports import CATEGORY_REVIEW_FILE, write_category_review_queue
from graph.settings import PROJECT_DIR

# Slow: loads and validates a table in a fresh store.
pytestmark = pytest.mark.slow

CATALOGUE = load_catalogue(PROJECT_DIR / "questions")

# Desa of Gedong Tataan (18.09.01) and Negeri Katon (18.09.02), with the status as written.
ROWS = [
    ("1809012001", "MAJU "),
    ("1809012002", "Berkembang"),
    ("1809012003", "Sgt. Tertinggal"),
    ("1809012004", ""),
    ("1809012005", "Pra-Madya"),
    ("1809012006", "mandiri"),
    ("1809012007", "TERTINGGAL"),
    ("1809012008", "Swadaya"),
    ("1809022001", "berkembang"),
    ("1809022002", "MAJU"),
]

MAPPING = """\
dataset:
  id: uji-status-idm
  title: {id: Status IDM uji, en: Test IDM status}
  description: {id: Tabel uji, en: Test table}
  agency: DPMD
  frequency: annual
source:
  path: status_idm.csv
  delimiter: ";"
  header_rows: [2]
region:
  level: desa
  code: {column: Kode Desa, system: kemendagri}
period:
  year: {column: Tahun}
measures:
  - column: Status Desa
    indicator: status-idm
    codes: {"Sgt. Tertinggal": sangat-tertinggal}
"""


@pytest.fixture
def loaded(platform: Platform, tmp_path: Path) -> LoadReport:
    lines = ["REKAP STATUS IDM DESA 2024;;;;", "No;Kode Desa;Tahun;Status Desa;Nilai IDM"]
    lines += [f"{i};{code};2024;{status};0,{600 + i}" for i, (code, status) in enumerate(ROWS, 1)]
    (tmp_path / "status_idm.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "uji-status-idm.yaml").write_text(MAPPING, encoding="utf-8")
    return platform.load(tmp_path / "uji-status-idm.yaml")


def _status(platform: Platform) -> dict[str, str]:
    """Desa code -> the notation of its published status."""
    rows = run_query(
        platform.store,
        platform.iris,
        question_prefixes(platform.iris)
        + """SELECT ?code ?n WHERE {
              ?o qb:measureType ind:status-idm ; ind:status-idm ?c ; sdmx-dimension:refArea ?r .
              ?c skos:notation ?n . ?r skos:notation ?code . FILTER(datatype(?code) = oc:KemendagriCode)
            }""",
        max_rows=100,
    ).rows
    return {str(code.value): str(n.value) for code, n in rows}


def test_cell_texts_become_concepts_of_the_code_list(platform: Platform, loaded: LoadReport) -> None:
    assert loaded.outcome == "published" and loaded.violations == 0
    assert _status(platform) == {
        "18.09.01.2001": "maju",
        "18.09.01.2002": "berkembang",
        "18.09.01.2003": "sangat-tertinggal",
        "18.09.01.2005": "tertinggal",
        "18.09.01.2006": "mandiri",
        "18.09.01.2007": "tertinggal",
        "18.09.02.2001": "berkembang",
        "18.09.02.2002": "maju",
    }
    assert loaded.cells_empty == 1 and loaded.rows_without_values == 2  # the blank and "Swadaya"


def test_unknown_text_is_reported_at_its_cell_and_queued_with_candidates(
    loaded: LoadReport, tmp_path: Path
) -> None:
    [problem] = loaded.problems
    assert (problem.row, problem.column, problem.value) == (10, "Status Desa", "Swadaya")
    assert "bukan kategori status-idm / not a category of status-idm" in problem.reason
    [item] = loaded.category_review
    assert (item.indicator, item.column, item.value, item.rows) == (
        "status-idm",
        "Status Desa",
        "Swadaya",
        [10],
    )
    assert len(item.candidates) == 3
    path, entries = write_category_review_queue([loaded], tmp_path / "laporan")
    assert entries == 1 and path.name == CATEGORY_REVIEW_FILE
    text = path.read_text(encoding="utf-8-sig")
    assert "uji-status-idm;status_idm.csv;status-idm;Status Desa;Swadaya;1;10;" in text
    assert f"'Swadaya': {item.candidates[0].code}" in text


def test_the_count_question_counts_and_filters_by_category(platform: Platform, loaded: LoadReport) -> None:
    lists = read_code_lists(platform.store, platform.iris, "18.09")
    assert [c.value for c in lists.indicator if c.categorical] == ["status-idm"]
    question = CATALOGUE.get("category-count")

    def ask(**given: str) -> list[tuple[str, str, int]]:
        answer = run_question(platform.store, platform.iris, question, given, lists, max_rows=100)
        return [(r["parent_code"], r["category_code"], r["regions"]) for r in answer.records()]

    assert ask(indicator="status-idm", period="2024") == [
        ("18.09.01", "sangat-tertinggal", 1),
        ("18.09.01", "tertinggal", 2),
        ("18.09.01", "berkembang", 1),
        ("18.09.01", "maju", 1),
        ("18.09.01", "mandiri", 1),
        ("18.09.02", "berkembang", 1),
        ("18.09.02", "maju", 1),
    ]
    assert ask(period="2024", kategori="status-idm/maju") == [
        ("18.09.01", "maju", 1),
        ("18.09.02", "maju", 1),
    ]
    numeric = [c.value for c in lists.indicator if not c.categorical]
    with pytest.raises(ParameterError):  # a numeric indicator is no choice here
        ask(indicator=numeric[0] if numeric else "jumlah-penduduk", period="2024")
