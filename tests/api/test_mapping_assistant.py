"""The mapping assistant through HTTP: a Produsen Data walks the steps, the Walidata decides.

Runs on the upload tests' instance (a temporary mappings folder, users of every role) with its
own proposals folder and audit chain. Pages are posted as a browser posts them (CSRF token,
Origin); the API with Bearer tokens.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import pytest
from fastapi import FastAPI

from api.mapping_assistant import Assistant
from graph.provenance.chain import AuditChain
from graph.read.mappings import load_mapping
from tests.api.test_ingest import Instance, running_instance
from tests.api.test_sign_in import HTML, NAMES, SITE, form_token, sign_in
from tests.mapping_assistant_table import messy_table

pytestmark = pytest.mark.slow
PAGE = "/saya/pemetaan-baru"


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instance]:
    folder = tmp_path_factory.mktemp("asisten")
    extra = {"mapping_proposals_dir": str(folder / "usulan"), "audit_path": str(folder / "chain.jsonl")}
    with running_instance(folder, **extra) as inst:
        yield inst


def as_user(inst: Instance, who: str) -> str:
    """Sign the test client in as ``who``; the CSRF token of the assistant's page."""
    inst.client.cookies.clear()
    assert sign_in(inst.client, NAMES[who], inst.tokens[who]).status_code == 303
    page = inst.client.get(PAGE, headers=HTML)
    assert page.status_code == 200, page.text
    return form_token(page.text)


def step(inst: Instance, csrf: str, n: int, **fields: str) -> str:
    """Post step ``n``; the page of the step it leads to."""
    response = inst.client.post(
        f"{PAGE}/langkah/{n}", data={"csrf": csrf, **fields}, headers={**HTML, **SITE}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"] == f"{PAGE}?langkah={n + 1}"
    page: str = inst.client.get(response.headers["location"], headers=HTML).text
    return page


def walk_every_step(inst: Instance, csrf: str, dataset: str) -> str:
    staged = inst.client.post(
        f"{PAGE}/contoh",
        data={"csrf": csrf},
        files={"berkas": ("rekap air.csv", messy_table(), "text/csv")},
        headers=SITE,
        follow_redirects=False,
    )
    assert staged.status_code == 303, staged.text
    first = inst.client.get(staged.headers["location"], headers=HTML).text
    assert "REKAP RUMAH TANGGA" in first and 'value=";" selected' in first  # semicolons sniffed
    page = step(inst, csrf, 1, header_row="3", delimiter=";", encoding="utf-8-sig")
    assert '<th scope="col">Kode Desa</th>' in page
    page = step(
        inst,
        csrf,
        2,
        level="desa",
        code_column="Kode Desa",
        code_system="kemendagri",
        name_column="Nama Desa",
    )
    assert "→ 18.09.01.2001 Padang Ratu" in page  # the undotted code, linked by the load's linker
    page = step(inst, csrf, 3, year="2024")
    page = step(inst, csrf, 4, decimal="comma", ind_3="jumlah-rumah-tangga", ind_4="rt-air-minum-layak")
    # The total and the note rows are rejected too until step 5 drops them.
    assert "→ 1234" in page and "✗" in page and "4 sel ditolak" in page
    page = step(
        inst, csrf, 5, drop_column_0="No", drop_text_0="JUMLAH", drop_reason_0="baris jumlah",
        drop_column_1="No", drop_text_1="Sumber", drop_reason_1="catatan",
    )  # fmt: skip
    assert "2 baris dibuang" in page and "1 sel ditolak" in page and "1.200,5" in page
    page = step(
        inst, csrf, 6, id=dataset, title_id="Akses air minum rumah tangga per desa", frequency="annual"
    )
    assert f"id: {dataset}" in page and "delimiter: ;" in page
    return page


def test_a_produsen_walks_the_steps_proposes_and_the_walidata_approves(instance: Instance) -> None:
    csrf = as_user(instance, "dukcapil")
    walk_every_step(instance, csrf, "uji-air-minum")
    proposed = instance.client.post(
        f"{PAGE}/usulkan", data={"csrf": csrf}, headers=SITE, follow_redirects=False
    )
    assert proposed.status_code == 303, proposed.text
    mappings = instance.platform.settings.mappings_path
    assert not (mappings / "uji-air-minum.yaml").exists()  # not used until approved

    # Another agency's Produsen Data neither sees nor approves it, on the pages or the API.
    other = as_user(instance, "dinsos")
    assert "uji-air-minum" not in instance.client.get(PAGE, headers=HTML).text
    assert instance.client.get("/walidata/pemetaan", headers=HTML).status_code == 403
    refused = instance.client.post(
        "/walidata/pemetaan/uji-air-minum/setujui", data={"csrf": other}, headers=SITE, follow_redirects=False
    )
    assert refused.status_code == 403
    listed = instance.client.get("/mapping-proposals", headers=instance.auth("dinsos")).json()
    assert listed["proposals"] == []
    assert (
        instance.client.get("/mapping-proposals/uji-air-minum", headers=instance.auth("dinsos")).status_code
        == 404
    )
    assert (
        instance.client.post(
            "/mapping-proposals/uji-air-minum/approve", headers=instance.auth("dinsos")
        ).status_code
        == 403
    )

    walidata = as_user(instance, "walidata")
    page = instance.client.get("/walidata/pemetaan", headers=HTML).text
    assert "uji-air-minum" in page and "column: Kode Desa" in page and "<strong>18</strong> angka" in page
    forged = instance.client.post(
        "/walidata/pemetaan/uji-air-minum/setujui",
        data={"csrf": "salah"},
        headers=SITE,
        follow_redirects=False,
    )
    assert forged.status_code == 403 and not (mappings / "uji-air-minum.yaml").exists()
    approved = instance.client.post(
        "/walidata/pemetaan/uji-air-minum/setujui",
        data={"csrf": walidata},
        headers=SITE,
        follow_redirects=False,
    )
    assert approved.status_code == 303, approved.text
    mapping = load_mapping(mappings / "uji-air-minum.yaml")
    assert mapping.dataset.agency == "disdukcapil" and mapping.source_path.is_file()
    entry = list(AuditChain(instance.platform.settings.audit_location).entries())[-1]  # type: ignore[arg-type]
    assert (entry.kind, entry.actor, entry.payload["proposed_by"]) == (
        "mapping-approval",
        NAMES["walidata"],
        NAMES["dukcapil"],
    )
    # Uploads now find the mapping: a dry run of the same table through the upload API.
    dry = instance.client.post(
        "/ingest/uji-air-minum",
        files={"file": ("air.csv", messy_table(), "text/csv")},
        headers=instance.auth("dukcapil"),
        params={"dry_run": "true"},
    )
    assert dry.status_code == 200, dry.text


def test_forms_without_the_csrf_token_are_refused(instance: Instance) -> None:
    as_user(instance, "dukcapil")
    for path in (f"{PAGE}/langkah/2", f"{PAGE}/usulkan", f"{PAGE}/batal"):
        response = instance.client.post(path, data={"level": "desa"}, headers=SITE, follow_redirects=False)
        assert response.status_code == 403, path
    staged = instance.client.post(
        f"{PAGE}/contoh",
        files={"berkas": ("a.csv", messy_table(), "text/csv")},
        headers=SITE,
        follow_redirects=False,
    )
    assert staged.status_code == 403


def test_a_wrong_step_answer_is_shown_on_the_step_with_why(instance: Instance) -> None:
    csrf = as_user(instance, "dukcapil")
    instance.client.post(
        f"{PAGE}/contoh",
        data={"csrf": csrf},
        files={"berkas": ("a.csv", messy_table(), "text/csv")},
        headers=SITE,
    )
    step(instance, csrf, 1, header_row="3", delimiter=";")
    response = instance.client.post(
        f"{PAGE}/langkah/2",
        data={"csrf": csrf, "level": "desa", "code_column": "Tidak Ada"},
        headers={**HTML, **SITE},
    )
    assert response.status_code == 422 and "no such column" in response.text
    bad = instance.client.post(
        f"{PAGE}/contoh",
        data={"csrf": csrf},
        files={"berkas": ("a.pdf", b"%PDF-1.4", "application/pdf")},
        headers=SITE,
    )
    assert bad.status_code == 422 and ".csv atau .xlsx" in bad.text
    assert "/tmp/" not in bad.text


def test_the_api_proposes_with_json_choices_and_the_walidata_rejects(instance: Instance) -> None:
    staged = instance.client.post(
        "/mapping-assistant/samples",
        files={"file": ("air.csv", messy_table(), "text/csv")},
        headers=instance.auth("dukcapil"),
    )
    assert staged.status_code == 200, staged.text
    body = staged.json()
    assert body["choices"]["delimiter"] == ";" and body["choices"]["encoding"] == "utf-8-sig"
    choices = {
        **body["choices"],
        "header_row": 3,
        "decimal": "comma",
        "region": {"level": "desa", "code_column": "Kode Desa", "code_system": "kemendagri"},
        "period": {"year": 2024},
        "measures": [{"column": "Jumlah Rumah Tangga", "indicator": "jumlah-rumah-tangga"}],
        "drops": [{"column": "No", "starts_with": "JUMLAH"}, {"column": "No", "starts_with": "Sumber"}],
        "dataset": {"id": "uji-rt-api", "title_id": "Rumah tangga per desa"},
    }
    shown = instance.client.post(
        f"/mapping-assistant/samples/{body['sample']}/preview",
        json=choices,
        headers=instance.auth("dukcapil"),
    ).json()
    assert shown["rows"][0]["cells"][3] == {"text": "1.234", "reading": "1234", "problem": ""}
    # Another user cannot use this sample id.
    stolen = instance.client.post(
        "/mapping-proposals",
        json={"sample": body["sample"], "choices": choices},
        headers=instance.auth("dinsos"),
    )
    assert stolen.status_code == 404
    proposed = instance.client.post(
        "/mapping-proposals",
        json={"sample": body["sample"], "choices": choices},
        headers=instance.auth("dukcapil"),
    )
    assert proposed.status_code == 200, proposed.text
    assert proposed.json()["check"]["observations"] == 10 and "uji-rt-api" in proposed.json()["mapping_yaml"]
    assert (
        instance.client.post(
            "/mapping-proposals/uji-rt-api/approve", headers=instance.auth("dukcapil")
        ).status_code
        == 403
    )
    rejected = instance.client.post(
        "/mapping-proposals/uji-rt-api/reject",
        json={"reason": "pakai dataset yang ada"},
        headers=instance.auth("walidata"),
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "ditolak"
    mine = instance.client.get("/mapping-proposals/uji-rt-api", headers=instance.auth("dukcapil")).json()
    assert mine["reason"] == "pakai dataset yang ada"
    assert not Path(instance.platform.settings.mappings_path / "uji-rt-api.yaml").exists()
    paths = instance.client.get("/openapi.json").json()["paths"]
    assert {
        "/mapping-proposals",
        "/mapping-proposals/{dataset}/approve",
        "/mapping-assistant/samples",
    } <= set(paths)


def test_a_produsen_cannot_propose_for_another_agency(instance: Instance) -> None:
    staged = instance.client.post(
        "/mapping-assistant/samples",
        files={"file": ("a.csv", messy_table(), "text/csv")},
        headers=instance.auth("dinsos"),
    ).json()
    choices = {
        **staged["choices"],
        "header_row": 3,
        "region": {"level": "desa", "code_column": "Kode Desa", "code_system": "kemendagri"},
        "period": {"year": 2024},
        "measures": [{"column": "Jumlah Rumah Tangga", "indicator": "jumlah-rumah-tangga"}],
        "dataset": {"id": "uji-lain", "title_id": "Tabel lain"},
    }
    response = instance.client.post(
        "/mapping-proposals",
        json={"sample": staged["sample"], "choices": choices, "agency": "disdukcapil"},
        headers=instance.auth("dinsos"),
    )
    assert response.status_code == 403
    assert re.search("own agency", response.text)


def test_the_sample_and_choices_belong_to_the_session_and_expire(instance: Instance) -> None:
    csrf = as_user(instance, "dukcapil")
    instance.client.post(
        f"{PAGE}/contoh",
        data={"csrf": csrf},
        files={"berkas": ("a.csv", messy_table(), "text/csv")},
        headers=SITE,
    )
    assert "Contoh / sample: <strong>a.csv</strong>" in instance.client.get(PAGE, headers=HTML).text
    assistant = Assistant.of(cast(FastAPI, instance.client.app).state)
    staged = sorted(assistant.folder.rglob("*.csv"))
    assert staged and all(p.stat().st_mode & 0o077 == 0 for p in staged)  # readable by the service alone
    # The same account signed in again (another browser): a new session, no sample of the old one.
    as_user(instance, "dukcapil")
    assert 'name="berkas"' in instance.client.get(PAGE, headers=HTML).text
    # Untouched past mapping_assistant_hours: forgotten and deleted.
    clock = assistant.clock
    try:
        assistant.clock = lambda: time.time() + assistant.ttl_s + 60
        assistant.sweep()
    finally:
        assistant.clock = clock
    assert not any(p.exists() for p in staged)
