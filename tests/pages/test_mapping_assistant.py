"""In Chromium: a Produsen Data builds the mapping of a table the demo never had, step by step,
the Walidata approves it, and the same mapping file loads from the command line.

Its own instance: a temporary mappings folder (the approval writes into it), the reference
graphs only, a Produsen Data of DPUPR and a Walidata. The table is
``tests/mapping_assistant_table.py``: BOM, semicolons, a title row, undotted Kemendagri codes,
"1.234" and "1.200,5", a JUMLAH total and a "Sumber:" note.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from api.app import create_app
from graph.publish.accounts import Accounts
from graph.publish.platform import Platform
from graph.settings import PROJECT_DIR, Settings, load_settings
from graph.store.connect import open_store
from tests.conftest import all_quads
from tests.mapping_assistant_table import DATASET, EXPECTED, messy_table
from tests.pages.conftest import screenshot
from tests.servers import running_server

pytestmark = pytest.mark.slow
PRODUSEN, WALIDATA = "ana.perkim", "citra.walidata"
REF_AREA = "http://purl.org/linked-data/sdmx/2009/dimension#refArea"


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, dict[str, str], Platform]]:
    folder = tmp_path_factory.mktemp("asisten-halaman")
    mappings = folder / "mappings"
    for part in ("linking", "publication"):
        shutil.copytree(PROJECT_DIR / "mappings" / part, mappings / part)
    settings = load_settings(
        store_path=":memory:",
        mappings_dir=str(mappings),
        accounts_path=str(folder / "accounts.sqlite3"),
        uploads_dir=str(folder / "uploads"),
        mapping_proposals_dir=str(folder / "usulan"),
        audit_path=str(folder / "chain.jsonl"),
        agent="uji",
    )
    platform = Platform(settings)
    platform.load_reference()
    accounts = Accounts(settings.resolve(settings.accounts_path))
    tokens = {
        PRODUSEN: accounts.add(PRODUSEN, "produsen", "dpupr")[1],
        WALIDATA: accounts.add(WALIDATA, "walidata")[1],
    }
    yield settings, tokens, platform
    platform.close()


@pytest.fixture(scope="module")
def base(instance: tuple[Settings, dict[str, str], Platform]) -> Iterator[str]:
    settings, _, platform = instance
    with running_server(create_app(settings, platform.store), "uvicorn-mapping-assistant") as url:
        yield url


def sign_in(page: Page, base: str, name: str, token: str, then: str) -> None:
    page.goto(f"{base}/masuk?next={then}")
    page.get_by_label("Nama akun").fill(name)
    page.get_by_label("Token").fill(token)
    page.get_by_role("button", name="Masuk / Sign in").click()


def save(page: Page, step: int) -> None:
    page.get_by_role("button", name="Simpan dan lanjut / Save and continue").click()
    page.wait_for_url(f"**/saya/pemetaan-baru?langkah={step + 1}")


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page is {width} px wide at 360 px"


def at_both_widths(page: Page, name: str) -> None:
    screenshot(page, f"{name}-1366")
    page.set_viewport_size({"width": 360, "height": 740})
    no_sideways_scroll(page)
    screenshot(page, f"{name}-360")
    page.set_viewport_size({"width": 1366, "height": 900})


def walk_the_steps(page: Page, base: str, token: str, tmp_path: Path) -> None:
    """A Produsen Data maps the messy table in the browser and proposes it."""
    table = tmp_path / "rekap_air_minum_2024.csv"
    table.write_bytes(messy_table())
    sign_in(page, base, PRODUSEN, token, "/saya/pemetaan-baru")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tabel baru tanpa YAML")
    page.locator("input[name=berkas]").set_input_files(str(table))
    page.get_by_role("button", name="Unggah / Upload").click()

    # 1. The first rows as they are; the header is row 3 (a title and a blank row above it).
    expect(page.locator(".mapping-rows")).to_contain_text("REKAP RUMAH TANGGA")
    expect(page.locator("#f-delimiter")).to_have_value(";")  # sniffed from the file
    at_both_widths(page, "pemetaan-langkah-1")
    page.locator("#f-header_row").fill("3")
    save(page, 1)
    # 2. Undotted Kemendagri codes, linked by the load's own linker.
    page.locator("#f-level").select_option("desa")
    page.locator("#f-code_column").select_option("Kode Desa")
    page.get_by_label("Kemendagri").check()
    page.locator("#f-name_column").select_option("Nama Desa")
    save(page, 2)
    expect(page.locator(".mapping-rows")).to_contain_text("→ 18.09.01.2001 Padang Ratu")
    at_both_widths(page, "pemetaan-langkah-3")
    # 3. One year for the whole table.
    page.locator("#f-year").fill("2024")
    save(page, 3)
    # 4. Which column is which indicator; numbers with a decimal comma.
    page.locator("#f-decimal").select_option("comma")
    page.locator("#f-ind_3").select_option("jumlah-rumah-tangga")
    page.locator("#f-ind_4").select_option("rt-air-minum-layak")
    save(page, 4)
    rows = page.locator(".mapping-rows")
    expect(rows).to_contain_text("→ 1234")
    expect(rows.locator("td.cell-rejected").first).to_contain_text("1.200,5")
    # 5. The total row and the note are not data.
    page.locator("#f-drop_column_0").select_option("No")
    page.locator("input[name=drop_text_0]").fill("JUMLAH")
    page.locator("input[name=drop_reason_0]").fill("baris jumlah / total row")
    page.locator("#f-drop_column_1").select_option("No")
    page.locator("input[name=drop_text_1]").fill("Sumber")
    save(page, 5)
    expect(page.locator(".mapping-preview")).to_contain_text("2 baris dibuang")
    expect(page.locator(".mapping-preview")).to_contain_text("1 sel ditolak")
    # 6. The dataset.
    page.locator("#f-id").fill(DATASET)
    page.locator("#f-title_id").fill("Rumah Tangga dan Akses Air Minum Layak per Desa 2024")
    page.locator("input[name=title_en]").fill("Households and Safe Drinking Water Access by Village 2024")
    save(page, 6)
    expect(page.locator(".mapping-yaml")).to_contain_text(f"id: {DATASET}")
    expect(page.locator(".mapping-yaml")).to_contain_text("system: kemendagri")
    at_both_widths(page, "pemetaan-langkah-7")
    page.get_by_role("button", name="Usulkan ke Walidata / Propose to the Walidata").click()
    expect(page.locator(".mapping-notice")).to_contain_text(DATASET)
    expect(page.locator(".mapping-proposals")).to_contain_text("menunggu")


def test_a_new_table_is_mapped_proposed_approved_and_loads_from_the_cli(
    laptop: Page,
    phone_on_base: Page,
    base: str,
    instance: tuple[Settings, dict[str, str], Platform],
    tmp_path: Path,
) -> None:
    settings, tokens, _ = instance
    walk_the_steps(laptop, base, tokens[PRODUSEN], tmp_path)
    mapping = settings.mappings_path / f"{DATASET}.yaml"
    assert not mapping.exists()  # a proposal is not used until the Walidata approves it

    # The Walidata, on a phone: the YAML, the preview of the sample, approve.
    walidata = phone_on_base
    sign_in(walidata, base, WALIDATA, tokens[WALIDATA], "/walidata/pemetaan")
    section = walidata.locator(".mapping-proposal")
    expect(section).to_contain_text(f"id: {DATASET}")
    expect(section).to_contain_text("18 angka")
    no_sideways_scroll(walidata)
    screenshot(walidata, "pemetaan-walidata-360")
    walidata.get_by_role("button", name="Setujui / Approve").click()
    expect(walidata.locator(".mapping-proposal")).to_contain_text("disetujui")
    assert mapping.is_file()
    loads_from_the_cli(mapping, settings, tmp_path)


def loads_from_the_cli(mapping: Path, settings: Settings, tmp_path: Path) -> None:
    """The approved file, by ``python -m graph load`` (the ``onecenter`` command), into a fresh
    on-disk store; two of its figures, on their desa, as the table wrote them."""
    store = tmp_path / "store"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("ONECENTER_")},
        "ONECENTER_STORE_PATH": str(store),
        "ONECENTER_MAPPINGS_DIR": str(settings.mappings_path),
        "ONECENTER_REPORTS_DIR": str(tmp_path / "reports"),
        "ONECENTER_AUDIT_PATH": "off",
        "ONECENTER_AGENT": "uji-cli",
    }
    cli = [sys.executable, "-m", "graph", "load", str(mapping)]
    done = subprocess.run(cli, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    reader = open_store(store, read_only=True)
    try:
        quads = all_quads(reader)
    finally:
        reader.close()
    by_subject: dict[str, dict[str, str]] = {}
    for _, subject, predicate, obj in quads:
        by_subject.setdefault(subject, {})[predicate.strip("<>")] = obj
    for code, indicator, value in EXPECTED:
        found = [
            facts[f"{settings.base_iri}id/indikator/{indicator}"]
            for facts in by_subject.values()
            if facts.get(REF_AREA, "").strip("<>").endswith(f"/wilayah/{code}")
            and f"{settings.base_iri}id/indikator/{indicator}" in facts
        ]
        assert [v.split("^^")[0].strip('"') for v in found] == [value], (code, indicator, found)
    said = " ".join((done.stdout + done.stderr).split())
    assert "│ 12 │ 10 │ 0 │ 2 │ 0 │ 0 │ 1 │ 18 │" in said and "terbit" in said  # read, mapped, ..., published
