"""``/coherence`` over HTTP: the demo's deliberate problems C1–C9 as findings, filters, CSV, JSON, errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from tests.graph.describe.test_resources import load_held_draft

Demo = tuple[Platform, list[LoadReport]]
HTML = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}

# data/README.md, "Deliberate problems": (case, agency, rule, severity, file, row, column, cell).
EXPECTED = [
    ("C1", "disdukcapil", "NilaiSesuaiDeretWaktu", "warning",
     "disdukcapil_penduduk_desa_jk_2020_2024.csv", 894, "jumlah_penduduk", "819"),
    ("C2", "disdukcapil", "NilaiSesuaiDeretWaktu", "warning",
     "disdukcapil_penduduk_desa_jk_2020_2024.csv", 1042, "jumlah_penduduk", "752"),
    ("C3", "dinkes", "BagianTidakMelebihiKeseluruhan", "violation",
     "dinkes_balita_stunting_desa_2020_2024.xlsx", 350, "Jumlah Balita Stunting", "223"),
    ("C3", "dinkes", "RasioSesuaiHitungan", "warning",
     "dinkes_balita_stunting_desa_2020_2024.xlsx", 350, "Prevalensi (%)", "14,3"),
    ("C4", "disdik", "BagianTidakMelebihiKeseluruhan", "violation",
     "disdik_sekolah_kecamatan_2020_2024.csv", 20, "Putus Sekolah SMP", "2.534"),
    # C5 and C9: one finding for the row, at the cell that is wrong (the year; the code).
    ("C5", "dinsos", "PeriodeTidakDiMasaDepan", "violation", "dinsos_kpm_desa_2020_2024.csv", 129, "Tahun", "2027"),
    ("C6", "bps", "BesaranSamaSesuaiJumlahWilayahBawah", "warning",
     "bps_luas_penduduk_kecamatan_2020_2024.csv", 8, "Proyeksi Penduduk (jiwa) 2022", "42.943"),
    ("C7", "dpupr", "BagianTidakMelebihiKeseluruhan", "violation",
     "dpupr_air_sanitasi_desa_2020_2024.xlsx", 229, "RT Akses Air Minum Layak", "913"),
    ("C7", "dpupr", "RasioSesuaiHitungan", "warning",
     "dpupr_air_sanitasi_desa_2020_2024.xlsx", 229, "% Air Minum Layak", "66,3%"),
    ("C8", "dpupr", "NilaiDalamBatas", "violation",
     "dpupr_air_sanitasi_desa_2020_2024.xlsx", 578, "% Air Minum Layak", "104,2%"),
    ("C8", "dpupr", "RasioSesuaiHitungan", "warning",
     "dpupr_air_sanitasi_desa_2020_2024.xlsx", 578, "% Air Minum Layak", "104,2%"),
    ("C9", "dinsos", "WilayahDiBawahIndukYangDisebut", "warning", "dinsos_kpm_desa_2020_2024.csv", 290,
     "Kode Wilayah", "18.09.04.2002"),
]  # fmt: skip


@pytest.fixture(scope="module")
def report(client: TestClient) -> dict[str, Any]:
    response = client.get("/coherence.json")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def assert_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"ok", "status", "error", "errors"}
    assert body["ok"] is False and body["status"] == status and body["error"]
    return body


def rows_of(data: bytes, delimiter: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


def test_every_deliberate_demo_problem_is_a_finding_with_file_row_column_and_cell(
    report: dict[str, Any],
) -> None:
    found = sorted(
        (f["agency"], f["rule"], f["severity"], f["file"], f["row"], f["column"], f["cell"])
        for f in report["findings"]
    )
    assert found == sorted(e[1:] for e in EXPECTED)
    assert report["total"] == report["count"] == 12 and report["truncated"] is False
    assert report["summary"] == {
        "findings": 12,
        "violations": 5,
        "violations_accepted": 5,
        "warnings": 7,
        "info": 0,
    }
    assert report["filters"] == {"agency": None, "severity": None, "rule": None}
    assert report["held_drafts"] == []


def test_a_finding_names_its_focus_message_rule_label_report_and_who_accepted_it(
    report: dict[str, Any], demo: Demo
) -> None:
    platform, _ = demo
    c3 = next(
        f
        for f in report["findings"]
        if f["rule"] == "BagianTidakMelebihiKeseluruhan" and f["dataset"] == "dinkes-stunting-desa"
    )
    gerning = platform.settings.home_region + ".03.2010"
    assert (
        c3["focus"]
        == platform.iris.observation_prefix("dinkes-stunting-desa") + f"{gerning}/2022/balita-stunting"
    )
    assert c3["dataset"] == "dinkes-stunting-desa" and c3["sheet"] == "Stunting"
    assert c3["focus_label"] == "Gerning · 2022 · Balita stunting"
    assert c3["value"] == "223"
    assert "223" in c3["message"]["id"] and "189" in c3["message"]["en"]
    assert c3["rule_label"] == {
        "id": "Bagian tidak melebihi keseluruhannya",
        "en": "A part does not exceed its whole",
    }
    assert c3["result"].startswith(c3["report"] + "/hasil/")
    assert c3["accepted"] is True and len(c3["accepted_by"]) == 1
    decision = next(a for a in report["acceptances"] if a["iri"] == c3["accepted_by"][0])
    assert decision["decided_by"] and "C3" in decision["reason"]
    assert decision["source"].endswith("accepted_violations.yaml")
    assert 350 in decision["rows"]
    # Warnings never need a decision; every demo violation has one (data/README.md, docs/publication.md).
    assert all(f["accepted"] for f in report["findings"] if f["severity"] == "violation")
    assert not any(f["accepted"] for f in report["findings"] if f["severity"] == "warning")


def test_counts_per_agency_and_rule_and_the_reports_in_force(report: dict[str, Any]) -> None:
    counts = {
        (c["agency"], c["rule"]): (c["severity"], c["findings"], c["accepted"]) for c in report["counts"]
    }
    assert counts[("dpupr", "RasioSesuaiHitungan")] == ("warning", 2, 0)
    assert counts[("dinsos", "PeriodeTidakDiMasaDepan")] == ("violation", 1, 1)
    assert counts[("disdik", "BagianTidakMelebihiKeseluruhan")] == ("violation", 1, 1)
    assert sum(n for _, n, _ in counts.values()) == 12
    datasets = {d["id"]: d for d in report["datasets"]}
    assert len(datasets) == 7  # six synthetic tables and the real IDM 2024 (dpmd-idm-desa)
    assert datasets["dpupr-air-sanitasi-desa"]["violations"] == 2
    assert datasets["dpupr-air-sanitasi-desa"]["accepted"] == 2
    assert datasets["bps-luas-penduduk-kecamatan"]["agency"] == "bps"
    assert {d["kind"] for d in datasets.values()} == {"load"}
    assert set(report["agencies"]) == {"bps", "dinkes", "dinsos", "disdik", "disdukcapil", "dpmd", "dpupr"}
    assert report["agencies"]["dinkes"]["name"]["id"] == "Dinas Kesehatan"


def test_filters_by_agency_severity_and_rule_and_the_links_keep_them(client: TestClient) -> None:
    dinkes = client.get("/coherence.json", params={"agency": "dinkes"}).json()
    assert dinkes["count"] == 2 and {f["agency"] for f in dinkes["findings"]} == {"dinkes"}
    assert dinkes["total"] == 12 and dinkes["filters"]["agency"] == "dinkes"
    assert dinkes["links"]["csv"] == "/coherence.csv?agency=dinkes"
    violations = client.get("/coherence.json", params={"severity": "violation"}).json()
    assert violations["count"] == 5 and violations["summary"]["warnings"] == 0
    both = client.get("/coherence.json", params={"agency": "dpupr", "severity": "warning"}).json()
    assert [(f["rule"], f["row"]) for f in both["findings"]] == [
        ("RasioSesuaiHitungan", 229),
        ("RasioSesuaiHitungan", 578),
    ]
    rule = client.get("/coherence.json", params={"rule": "WilayahDiBawahIndukYangDisebut"}).json()
    assert {(f["agency"], f["row"]) for f in rule["findings"]} == {("dinsos", 290)}
    # A rule that exists but found nothing is a valid, empty answer; an empty value is no filter.
    none = client.get("/coherence.json", params={"rule": "IC-12-TanpaObservasiGanda", "agency": ""}).json()
    assert none["count"] == 0 and none["findings"] == [] and none["filters"]["agency"] is None


def test_bad_filter_values_are_400_naming_the_parameter_and_what_is_allowed(client: TestClient) -> None:
    body = assert_error(client.get("/coherence.json", params={"severity": "fatal"}), 400)
    assert body["errors"] == [
        {
            "parameter": "severity",
            "value": "fatal",
            "message": body["errors"][0]["message"],
            "allowed": ["violation", "warning", "info"],
        }
    ]
    assert "tidak dikenal / unknown severity 'fatal'" in body["error"]
    body = assert_error(client.get("/coherence.csv", params={"agency": "dinas-x", "rule": "Nope"}), 400)
    assert [e["parameter"] for e in body["errors"]] == ["agency", "rule"]
    assert "dinkes" in body["errors"][0]["allowed"]
    assert "BagianTidakMelebihiKeseluruhan" in body["errors"][1]["allowed"]
    assert_error(
        client.get("/coherence", params={"agency": "x"}, headers={"Accept": "application/json"}), 400
    )
    assert_error(client.get("/coherence.csv", params={"_dialect": "latin1"}), 422)


def test_csv_for_excel_has_bom_semicolons_decimal_comma_and_indonesian_headers(client: TestClient) -> None:
    response = client.get("/coherence.csv", params={"agency": "dpupr"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="koherensi.csv"' in response.headers["content-disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = rows_of(response.content, ";")
    assert list(rows[0])[:6] == ["Tingkat", "Aturan", "Nama aturan", "Instansi", "Dataset", "Berkas"]
    assert {r["Instansi"] for r in rows} == {"dpupr"} and len(rows) == 4
    c8 = next(r for r in rows if r["Aturan"] == "NilaiDalamBatas")
    assert c8["Nilai"] == "104,2" and c8["Isi sel"] == "104,2%" and c8["Baris"] == "578"
    assert c8["Diterima"] == "ya" and c8["Diterima oleh"] and "C8" in c8["Alasan penerimaan"]


def test_standard_csv_is_rfc4180_with_column_names_and_decimal_points(client: TestClient) -> None:
    response = client.get("/coherence.csv", params={"rule": "NilaiDalamBatas", "_dialect": "standard"})
    assert response.status_code == 200 and not response.content.startswith(b"\xef\xbb\xbf")
    rows = rows_of(response.content, ",")
    assert len(rows) == 1
    assert rows[0]["value"] == "104.2" and rows[0]["cell"] == "104,2%" and rows[0]["accepted"] == "true"
    assert rows[0]["focus"].endswith("/18.09.10.2004/2023/persen-air-minum-layak")


def test_the_one_url_negotiates_html_json_and_csv(client: TestClient) -> None:
    assert client.get("/coherence").json()["count"] == 12  # no Accept: the machine form
    csv_answer = client.get("/coherence", params={"severity": "violation"}, headers={"Accept": "text/csv"})
    assert csv_answer.content.startswith(b"\xef\xbb\xbf") and len(rows_of(csv_answer.content, ";")) == 5
    assert_error(client.get("/coherence", headers={"Accept": "image/png"}), 406)
    page = client.get("/coherence", headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "Accept" in page.headers["vary"]


def test_the_page_shows_counts_findings_sources_and_decisions(client: TestClient) -> None:
    html = client.get("/coherence", params={"agency": "dinkes"}, headers=HTML).text
    assert 'Koherensi <span lang="en" class="en">/ Coherence</span>' in html
    assert '<option value="dinkes" selected>' in html and 'id="f-agency"' in html and 'for="f-agency"' in html
    assert html.count('<tr class="severity-') == 2
    assert 'data-agency="dinkes"' in html and 'data-agency="dpupr"' not in html
    assert "dinkes_<wbr>balita_<wbr>stunting_<wbr>desa_<wbr>2020_<wbr>2024.<wbr>xlsx" in html
    assert "Jumlah Balita Stunting" in html and "<code>223</code>" in html
    assert "Gerning · 2022 · Balita stunting</a>" in html
    assert 'href="/id/observasi/dinkes-stunting-desa/18.09.03.2010/2022/balita-stunting"' in html
    assert 'href="/coherence.csv?agency=dinkes"' in html and 'href="/coherence.json?agency=dinkes"' in html
    assert 'id="penerimaan-1"' in html and "Walidata Diskominfo (demo)" in html
    assert "/static/vendor/sortable/sortable.min.js" in html and "/static/css/coherence.css" in html


def test_a_bad_filter_in_the_browser_is_a_400_page_that_says_what_is_allowed(client: TestClient) -> None:
    response = client.get("/coherence", params={"severity": "fatal"}, headers=HTML)
    assert response.status_code == 400 and response.headers["content-type"].startswith("text/html")
    assert 'class="error-box" role="alert"' in response.text
    assert "allowed: violation, warning, info" in response.text
    assert 'id="f-severity" name="severity" aria-invalid="true"' in response.text


@pytest.mark.slow
def test_a_held_draft_is_listed_apart_and_its_findings_are_not_public(
    platform: Platform, tmp_path: Path
) -> None:
    load_held_draft(platform, tmp_path)  # a year that has not come: the draft is held
    with TestClient(create_app(platform.settings, platform.store)) as c:
        body = c.get("/coherence.json").json()
        # Only the published version's report: the draft's 2031 violation is not among the findings.
        assert body["summary"]["violations"] == 0
        assert not any("/2031/" in f["focus"] for f in body["findings"])
        [held] = body["held_drafts"]
        assert held["id"] == "uji-penduduk" and held["agency"] == "disdukcapil" and held["violations"] == 1
        assert [d["id"] for d in body["datasets"]] == ["uji-penduduk"]
        html = c.get("/coherence", headers=HTML).text
        assert "uji-penduduk" in html and "/provenance?iri=" in html
        home = c.get("/").text
        assert 'data-agency="disdukcapil"' in home and "Ada draf ditahan" in home
