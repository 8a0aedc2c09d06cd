"""The Produsen Data's pages in Chromium: sign in, my datasets, an upload dropped on the form,
its preview with a misspelt desa, the name decided, the table submitted as a held draft.

Its own server: the upload tests' instance (users of every role) with a table the demo never
had, desa populations by name (``tests.api.test_my_data``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import FilePayload, Page, expect

from tests.api.test_ingest import Instance, running_instance
from tests.api.test_my_data import BAGELEN, DATASET, MAPPING, table
from tests.pages.conftest import screenshot
from tests.pages.test_sign_in_page import sign_in
from tests.servers import running_server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instance]:
    with running_instance(tmp_path_factory.mktemp("saya-halaman")) as inst:
        mappings = inst.platform.settings.mappings_path
        (mappings / "penduduk-nama.csv").write_bytes(table(2021, misspelt=False))
        (mappings / f"{DATASET}.yaml").write_text(MAPPING, encoding="utf-8")
        assert inst.platform.load(mappings / f"{DATASET}.yaml").outcome == "published"
        yield inst


@pytest.fixture(scope="module")
def base(instance: Instance) -> Iterator[str]:
    with running_server(instance.client.app, "uvicorn-my-data") as url:  # type: ignore[arg-type]
        yield url


def no_sideways_scroll(page: Page) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"))


def drop_file(page: Page, name: str, body: bytes) -> None:
    """Drop a file on the drop zone as a person dragging it from their files would."""
    page.locator("[data-drop-zone]").evaluate(
        """(zone, [name, text]) => {
            const data = new DataTransfer();
            data.items.add(new File([text], name, {type: "text/csv"}));
            zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: data, bubbles: true, cancelable: true}));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true}));
        }""",
        [name, body.decode("utf-8")],
    )


def test_phone_my_data_and_the_preview_fit_360_px(phone_on_base: Page, base: str, instance: Instance) -> None:
    sign_in(phone_on_base, base, "ani.dukcapil", instance.tokens["dukcapil"])
    phone_on_base.goto(base + "/saya")
    expect(phone_on_base.locator(f'tr[data-dataset="{DATASET}"]')).to_be_visible()
    assert no_sideways_scroll(phone_on_base)
    screenshot(phone_on_base, "my-data-phone")
    phone_on_base.goto(f"{base}/saya/unggah/{DATASET}")
    upload: FilePayload = {"name": "penduduk-2022.csv", "mimeType": "text/csv", "buffer": table(2022)}
    phone_on_base.locator("#berkas").set_input_files(files=[upload])
    phone_on_base.get_by_role("button", name="Periksa dan tampilkan pratinjau").click()
    expect(phone_on_base.locator("#pratinjau")).to_be_visible()
    assert no_sideways_scroll(phone_on_base)
    screenshot(phone_on_base, "my-data-preview-phone")
    phone_on_base.get_by_role("button", name="Batal / Cancel").click()
    expect(phone_on_base.get_by_role("heading", level=1)).to_contain_text("Data saya")


def test_a_produsen_uploads_decides_a_name_and_submits(laptop: Page, base: str, instance: Instance) -> None:
    page = laptop
    sign_in(page, base, "ani.dukcapil", instance.tokens["dukcapil"])
    page.get_by_role("link", name="Data saya / My data").click()
    rows = page.locator("tr[data-dataset]")
    expect(rows).to_have_count(2)  # the agency's two datasets, none of Dinsos's
    screenshot(page, "my-data")
    page.locator(f'tr[data-dataset="{DATASET}"]').get_by_role("link", name="Unggah tabel baru").click()
    drop_file(page, "penduduk-2022.csv", table(2022))
    expect(page.locator("[data-drop-name]")).to_have_text("penduduk-2022.csv")
    page.get_by_role("button", name="Periksa dan tampilkan pratinjau").click()
    preview = page.locator("#pratinjau")
    expect(preview).to_contain_text("penduduk-2022.csv")
    expect(page.locator("table.preview-problems")).to_contain_text("Bagelan")
    choice = page.locator('fieldset[data-name="Bagelan"]')
    expect(choice).to_contain_text("Bagelen")
    expect(choice.locator(f'input[value="{BAGELEN}"]')).to_be_checked()
    screenshot(page, "my-data-preview")
    choice.get_by_role("button", name="Simpan keputusan").click()
    expect(page.locator('fieldset[data-name="Bagelan"]')).to_have_count(0)
    expect(page.locator("#wilayah")).to_contain_text("(0)")
    expect(page.locator("table.preview-figures")).to_contain_text("13")
    page.get_by_role("button", name="Kirim ke Walidata / Submit").click()
    expect(page.locator("#terkirim")).to_contain_text("Terkirim ke Walidata")
    screenshot(page, "my-data-submitted")
    drafts = instance.client.get("/drafts", headers=instance.auth("walidata")).json()["drafts"]
    assert [(d["dataset"], d["loaded_by"]) for d in drafts] == [(DATASET, ["ani.dukcapil"])]
    page.goto(base + "/saya")
    expect(page.locator(f'tr[data-dataset="{DATASET}"]')).to_have_attribute("data-status", "held")
