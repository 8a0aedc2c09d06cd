"""The Walidata's pages in Chromium: a draft's diff and findings, publishing it, the registry and
the accounts, at a laptop's width and on a phone (no sideways scroll; tables scroll in their box).

Its own server: the upload tests' instance (users of every role). The draft is uploaded through
the API by a Produsen Data, a table the demo never had (changed, added and removed figures).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.api.test_ingest import DESA, Instance, population_csv, running_instance, upload, values_of
from tests.api.test_walidata_pages import ADDED, CHANGED, DATASET, SAME, next_table
from tests.pages.conftest import PageLog, _open_page, screenshot, sort_by
from tests.pages.test_phone_width import assert_fits_a_phone
from tests.pages.test_sign_in_page import sign_in
from tests.servers import running_server


@pytest.fixture(scope="module")
def instance(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instance]:
    with running_instance(tmp_path_factory.mktemp("walidata-halaman")) as inst:
        yield inst


@pytest.fixture(scope="module")
def base(instance: Instance) -> Iterator[str]:
    with running_server(instance.client.app, "uvicorn-walidata") as url:  # type: ignore[arg-type]
        yield url


def held_draft(instance: Instance) -> None:
    if not instance.drafts():
        response = upload(instance, "dukcapil", DATASET, next_table())
        assert response.status_code == 200 and response.json()["outcome"] == "held", response.text


def as_walidata(page: Page, base: str, instance: Instance) -> None:
    sign_in(page, base, "citra.walidata", instance.tokens["walidata"])
    expect(page.locator(".site-user")).to_contain_text("citra.walidata")


def test_the_walidata_reads_the_diff_sorts_it_and_publishes(
    laptop: Page, base: str, instance: Instance
) -> None:
    held_draft(instance)
    page = laptop
    as_walidata(page, base, instance)
    page.get_by_role("link", name="Draf / Drafts").click()
    expect(page.locator("h1")).to_contain_text("Draf menunggu keputusan")
    row = page.locator('tr[data-dataset="uji-penduduk"]')
    expect(row).to_contain_text("ani.dukcapil")
    expect(row).to_contain_text("WIB")
    screenshot(page, "walidata-drafts-1366")
    row.get_by_role("link", name="uji-penduduk").click()
    counts = page.locator("#diff-counts")
    for kind, n in (("changed", 3), ("added", 2), ("removed", 3), ("unchanged", 4)):
        expect(counts.locator(f'li[data-kind="{kind}"] strong')).to_have_text(str(n))
    table = page.locator("table.diff-detail")
    expect(table.locator("tbody tr")).to_have_count(8)
    # Sorted by the difference (first click: largest first): 98.200 - 98.001 = 199, then
    # 98.100 - 98.000 = 100, and 97.950 - 98.002 = −52 last (a number, not text).
    heading = table.locator("th", has_text="Selisih")
    sort_by(page, heading)
    expect(heading).to_have_attribute("aria-sort", "descending")
    changes = table.locator('tbody td[data-col="change"]').all_inner_texts()
    assert [t for t in changes if t != "—"] == ["199", "100", "−52"], changes
    screenshot(page, "walidata-draft-1366")
    page.get_by_role("button", name="Terbitkan / Publish", exact=True).click()
    expect(page.locator("#decision-result")).to_contain_text("Draf diterbitkan")
    expect(page.locator(".decided-by")).to_have_text("citra.walidata")
    screenshot(page, "walidata-published-1366")
    published = sorted(int(float(v)) for v in values_of(instance, DATASET))
    assert published == sorted([*CHANGED.values(), *SAME.values(), *ADDED.values()])


def test_a_draft_on_a_phone_and_a_reject_without_reason_is_stopped(
    phone_on_base: Page, base: str, instance: Instance
) -> None:
    # A table that differs from whichever version is in force (the original, or the one the
    # laptop test published): one desa's 2023 figure raised, and a 2025 figure added.
    table = (
        population_csv([98000 + i + (500 if i == 4 else 0) for i in range(10)])
        + f"{DESA[0]};2025;98600\n".encode()
    )
    assert upload(instance, "dukcapil", DATASET, table).json()["outcome"] == "held"
    page = phone_on_base
    as_walidata(page, base, instance)
    page.goto(f"{base}/walidata/draf/{DATASET}")
    expect(page.locator('#diff-counts li[data-kind="added"] strong')).not_to_have_text("0")
    expect(page.locator("#diff-counts")).to_be_visible()
    assert_fits_a_phone(page, f"/walidata/draf/{DATASET}")
    screenshot(page, "walidata-draft-360")
    # The browser itself asks for the reason (required); nothing is sent without it.
    page.locator("#tolak button").click()
    assert page.locator("#alasan-reject").evaluate("el => !el.validity.valid")
    assert instance.drafts()
    page.locator("#alasan-reject").fill("angka desa keliru, mohon periksa")
    page.locator("#tolak button").click()
    expect(page.locator("#decision-result")).to_contain_text("Draf ditolak")
    expect(page.locator(".decision-reason")).to_have_text("angka desa keliru, mohon periksa")
    assert_fits_a_phone(page, "result")
    assert not instance.drafts()


def test_the_publish_button_says_it_is_working(laptop: Page, base: str, instance: Instance) -> None:
    held_draft(instance)
    page = laptop
    as_walidata(page, base, instance)
    page.goto(f"{base}/walidata/draf/{DATASET}")
    # A listener added after the page's own cancels the post: the page stays to be read.
    page.evaluate("document.querySelector('#terbitkan').addEventListener('submit', e => e.preventDefault())")
    button = page.locator("#terbitkan button")
    expect(button).to_be_enabled()
    page.locator("#to-decision").click()
    button.click()
    expect(button).to_be_disabled()
    expect(button).to_have_text("Sedang menerbitkan… / Publishing…")
    expect(button).to_have_attribute("aria-busy", "true")
    assert instance.drafts()  # nothing was posted


@pytest.mark.parametrize("width", [1366, 360])
def test_the_registry_fits_and_links(browser: Browser, base: str, instance: Instance, width: int) -> None:
    log = PageLog()
    for page in _open_page(browser, base, log, width=width, height=900):
        as_walidata(page, base, instance)
        page.goto(base + "/walidata/registri")
        agency = page.locator('article[data-agency="disdukcapil"]')
        expect(agency.locator('tr[data-dataset="uji-penduduk"]')).to_be_visible()
        expect(page.locator('tr[data-indicator="jumlah-penduduk"]')).to_contain_text(
            "disdukcapil-penduduk-desa"
        )
        if width == 360:
            assert_fits_a_phone(page, "/walidata/registri")
        screenshot(page, f"walidata-registry-{width}")
        agency.locator('tr[data-dataset="uji-penduduk"] a').first.click()
        expect(page).to_have_url(re.compile(r"/id/dataset/uji-penduduk$"))


def test_accounts_add_shows_the_token_once_then_revoke_asks_first(
    phone_on_base: Page, base: str, instance: Instance
) -> None:
    page = phone_on_base
    as_walidata(page, base, instance)
    page.goto(base + "/walidata/akun")
    assert_fits_a_phone(page, "/walidata/akun")
    screenshot(page, "walidata-accounts-360")
    expect(page.locator("#f-role option")).to_have_count(1)  # a Walidata adds Produsen Data only
    page.locator("#f-name").fill("hana.dinkes")
    page.locator("#f-agency").select_option("dinkes")
    page.get_by_role("button", name="Buat akun / Add the account").click()
    expect(page.locator("#account-result")).to_contain_text("Akun dibuat")
    token = page.locator("#new-token").inner_text()
    assert token.startswith("oc_")
    assert instance.client.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert_fits_a_phone(page, "account added")
    screenshot(page, "walidata-account-added-360")
    page.goto(base + "/walidata/akun")
    expect(page.locator("main")).not_to_contain_text(token)
    page.locator('tr[data-account="hana.dinkes"] a.revoke').click()
    expect(page.locator("h1")).to_contain_text("Cabut akun hana.dinkes?")
    page.get_by_role("button", name="Ya, cabut akun").click()
    expect(page.locator("#account-result")).to_contain_text("Akun dicabut")
    assert instance.client.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_the_accounts_page_on_a_laptop(laptop: Page, base: str, instance: Instance) -> None:
    as_walidata(laptop, base, instance)
    laptop.goto(base + "/walidata/akun")
    expect(laptop.locator('tr[data-account="dewi.admin"]')).to_contain_text("hanya admin")
    screenshot(laptop, "walidata-accounts-1366")
