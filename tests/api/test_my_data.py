"""The Produsen Data's pages through HTTP: my datasets, an upload previewed, a region name decided, submitted.

The upload tests' instance (``running_instance``: a real platform on an in-memory store,
real accounts) with one more mapping, a table the demo never had: desa populations written
by *name* under their kecamatan, one desa misspelt ("Bagelan" for Bagelen), which the
linker sends to review with its candidates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import cast

import httpx
import pytest
import yaml
from fastapi import FastAPI

from api.sessions import Sessions
from api.staging import StagedUploads
from graph.link.names import Decisions, NameRules
from graph.link.page_decisions import page_decisions_path
from graph.reference.regions import RegionIndex
from tests.api.test_ingest import Instance, running_instance
from tests.api.test_sign_in import HTML, SITE, Clock, form_token, signed_in_as

pytestmark = pytest.mark.slow

DATASET = "uji-penduduk-nama"
MAPPING = """\
dataset:
  id: uji-penduduk-nama
  title: {id: Penduduk per desa menurut nama (uji), en: Population by desa name (test)}
  description: {id: Tabel uji dengan nama desa, en: Test table with desa names}
  agency: disdukcapil
  frequency: annual
source:
  path: penduduk-nama.csv
  delimiter: ";"
region:
  level: desa
  name: {column: Desa}
  parent: {column: Kecamatan}
period:
  year: {column: Tahun}
measures:
  - column: Jumlah
    indicator: jumlah-penduduk
    unit: jiwa
"""
DESA = [
    "Padang Ratu",
    "Pampangan",
    "Cipadang",
    "Way Layap",
    "Sukadadi",
    "Bagelen",
    "Sukaraja",
    "Kebagusan",
    "Sungai Langka",
    "Kurungan Nyawa",
    "Negeri Sakti",
    "Bernung",
    "Suka Banjar",
]
BAGELEN = "18.09.01.2007"


def table(year: int, misspelt: bool = True) -> bytes:
    names = [("Bagelan" if misspelt and n == "Bagelen" else n) for n in DESA]
    lines = ["Desa;Kecamatan;Tahun;Jumlah"] + [
        f"{n};Gedong Tataan;{year};{4100 + i}" for i, n in enumerate(names)
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instance]:
    folder = tmp_path_factory.mktemp("saya")
    with running_instance(folder) as inst:
        mappings = inst.platform.settings.mappings_path
        (mappings / "penduduk-nama.csv").write_bytes(table(2021, misspelt=False))
        (mappings / f"{DATASET}.yaml").write_text(MAPPING, encoding="utf-8")
        assert inst.platform.load(mappings / f"{DATASET}.yaml").outcome == "published"
        yield inst


@pytest.fixture
def instance(running: Instance) -> Instance:
    """Fresh sessions on a clock the test moves, and fresh staged uploads on the same clock."""
    clock = Clock()
    settings = running.platform.settings
    app = cast(FastAPI, running.client.app)
    app.state.sessions = Sessions(
        settings.session_idle_minutes * 60, settings.session_max_hours * 3600, clock
    )
    staging: StagedUploads = app.state.staged_uploads
    app.state.staged_uploads = StagedUploads(staging.folder, staging.ttl_s, clock)
    app.state.test_clock = clock
    running.client.cookies.clear()
    return running


def as_user(instance: Instance, who: str) -> None:
    """Sign in afresh (a signed-in page's first form is the header's sign-out)."""
    instance.client.cookies.clear()
    signed_in_as(instance, who)


def csrf_of(instance: Instance, path: str = "/saya") -> str:
    page = instance.client.get(path, headers=HTML)
    assert page.status_code == 200, page.text
    return form_token(page.text)


def stage(instance: Instance, body: bytes, name: str = "penduduk-2022.csv") -> str:
    """Post the upload form; returns the preview's URL."""
    token = csrf_of(instance, f"/saya/unggah/{DATASET}")
    response = instance.client.post(
        f"/saya/unggah/{DATASET}",
        data={"csrf": token},
        files={"file": (name, body, "text/csv")},
        headers={**HTML, **SITE},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    location = str(response.headers["location"])
    assert location.startswith(f"/saya/unggah/{DATASET}?pratinjau=")
    return location


def row_of(instance: Instance, dataset: str = DATASET) -> str:
    """The row of ``dataset`` on /saya, from its opening tag (with its status) to its end."""
    page: str = instance.client.get("/saya", headers=HTML).text
    return page.split(f'data-dataset="{dataset}"', 1)[1].split("</tr>", 1)[0]


def region_form(instance: Instance, url: str, code: str) -> httpx.Response:
    token = csrf_of(instance, url)
    data = {"csrf": token, "pratinjau": staged_id(url), "level": "desa", "variant": "Bagelan"}
    data.update(parent="Gedong Tataan", code=code)
    response: httpx.Response = instance.client.post(
        f"/saya/unggah/{DATASET}/wilayah", data=data, headers={**HTML, **SITE}, follow_redirects=False
    )
    return response


def staged_id(url: str) -> str:
    return url.split("pratinjau=", 1)[1]


def test_a_produsen_sees_their_agency_s_datasets_only(instance: Instance) -> None:
    as_user(instance, "dukcapil")
    page = instance.client.get("/saya", headers=HTML)
    assert page.status_code == 200
    shown = set(re.findall(r'data-dataset="([^"]+)"', page.text))
    assert shown == {"uji-penduduk", DATASET}
    row = row_of(instance)
    assert 'data-status="published"' in row
    assert "Terkini" in row or "Terlambat" in row  # freshness from the published 2021
    assert f"/saya/unggah/{DATASET}" in row
    as_user(instance, "dinsos")
    shown = set(re.findall(r'data-dataset="([^"]+)"', instance.client.get("/saya", headers=HTML).text))
    assert shown == {"uji-kpm-terbatas"}
    as_user(instance, "admin")  # every agency's, each with its upload link
    page = instance.client.get("/saya", headers=HTML)
    assert set(re.findall(r'data-dataset="([^"]+)"', page.text)) == {
        "uji-penduduk",
        DATASET,
        "uji-kpm-terbatas",
    }
    assert "/saya/unggah/uji-kpm-terbatas" in page.text


def test_upload_preview_decide_the_name_and_submit_a_held_draft(instance: Instance) -> None:
    as_user(instance, "dukcapil")
    url = stage(instance, table(2022))
    staged = instance.client.app.state.staged_uploads  # type: ignore[attr-defined]
    files = list(staged.folder.glob("*/*"))
    assert len(files) == 1 and files[0].stat().st_mode & 0o077 == 0  # private to the service
    preview = instance.client.get(url, headers=HTML)
    assert preview.status_code == 200, preview.text
    text = preview.text
    assert "Pratinjau" in text and "penduduk-2022.csv" in text
    assert "Bagelan" in text  # the rejected cell, with its file, row, column and reason
    problems = text.split('class="preview-problems"', 1)[1].split("</table>", 1)[0]
    assert "Bagelan" in problems and "Desa" in problems and "penduduk-2022.csv" in problems
    figures = text.split('class="preview-figures"', 1)[1].split("</table>", 1)[0]
    assert "2022" in figures and ">12<" in figures  # 12 of the 13 rows linked
    # The name waits with its candidates, Bagelen first.
    form = text.split('data-name="Bagelan"', 1)[1].split("</form>", 1)[0]
    assert f'value="{BAGELEN}"' in form and "Bagelen" in form
    # Picking a code the page did not offer is refused; the offered one is recorded.
    wrong = region_form(instance, url, "18.09.01.2001")
    assert wrong.status_code == 400 and "kandidat" in wrong.text
    decided = region_form(instance, url, BAGELEN)
    assert decided.status_code == 303, decided.text
    mappings = instance.platform.settings.mappings_path
    written = yaml.safe_load(page_decisions_path(mappings).read_text(encoding="utf-8"))
    entry = written["decisions"][-1]
    assert (entry["variant"], entry["code"], entry["decided_by"]) == ("Bagelan", BAGELEN, "ani.dukcapil")
    assert entry["decided_at"]
    # The CLI's reader honours it as a line of aliases.yaml would be honoured.
    rules = NameRules.of_mappings(mappings)
    codes = set(
        RegionIndex.from_csv(instance.platform.settings.ontology_path / "codes" / "wilayah_lampung.csv").names
    )
    found = Decisions.of_mappings(mappings, rules, codes).find("Bagelan", "Gedong Tataan", "desa")
    assert found is not None and found.code == BAGELEN
    # Previewed again, the name is linked: nothing rejected, nothing to decide.
    again = instance.client.get(decided.headers["location"].split("#")[0], headers=HTML).text
    assert 'data-name="Bagelan"' not in again
    figures = again.split('class="preview-figures"', 1)[1].split("</table>", 1)[0]
    assert ">13<" in figures
    # Submitted: a held draft the API's /drafts lists, the staged file gone.
    submitted = instance.client.post(
        f"/saya/unggah/{DATASET}/kirim",
        data={"csrf": csrf_of(instance, url), "pratinjau": staged_id(url)},
        headers={**HTML, **SITE},
    )
    assert submitted.status_code == 200, submitted.text
    assert 'id="terkirim"' in submitted.text
    assert not list(staged.folder.glob("*/*"))
    drafts = instance.client.get("/drafts", headers=instance.auth("dukcapil")).json()["drafts"]
    assert [d["dataset"] for d in drafts] == [DATASET]
    assert drafts[0]["loaded_by"] == ["ani.dukcapil"]
    assert 'data-status="held"' in row_of(instance)
    # The Walidata rejects it with a reason; the Produsen sees who, when and why.
    reason = "Angka 2022 belum final dari kecamatan"
    rejected = instance.client.post(
        f"/datasets/{DATASET}/reject", json={"reason": reason}, headers=instance.auth("walidata")
    )
    assert rejected.status_code == 200, rejected.text
    row = row_of(instance)
    assert 'data-status="rejected"' in row
    assert reason in row and "citra.walidata" in row and "Ditolak" in row


def test_a_review_reason_points_at_the_form_not_at_the_alias_file(instance: Instance) -> None:
    # "Gedong Tataan" in the desa column of Kecamatan Gedong Tataan: the kecamatan's name, or
    # its desa Gedung Tataan? The linker asks; the CLI's reason says to edit aliases.yaml.
    body = table(2022, misspelt=False) + b"Gedong Tataan;Gedong Tataan;2022;4300\n"
    as_user(instance, "dukcapil")
    url = stage(instance, body)
    preview = instance.client.get(url, headers=HTML).text
    cancelled = instance.client.post(  # the staged file goes: the module's tests share its folder
        f"/saya/unggah/{DATASET}/batal",
        data={"csrf": csrf_of(instance, url), "pratinjau": staged_id(url)},
        headers={**HTML, **SITE},
        follow_redirects=False,
    )
    assert cancelled.status_code == 303
    form = preview.split('data-name="Gedong Tataan"', 1)[1].split("</form>", 1)[0]
    assert "pilih wilayah yang benar di bawah" in form and "pick the right region below" in form
    assert "aliases.yaml" not in preview
    # A count's figures add up: the sum, so labelled.
    figures = preview.split('class="preview-figures"', 1)[1].split("</table>", 1)[0]
    assert 'data-figure="sum"' in figures and 'data-figure="mean"' not in figures
    cli = instance.client.post(
        f"/ingest/{DATASET}",
        files={"file": ("p.csv", body, "text/csv")},
        params={"dry_run": "true"},
        headers=instance.auth("dukcapil"),
    )
    assert cli.status_code == 200 and "catat keputusan di mappings/linking/aliases.yaml" in cli.text


def test_cancel_deletes_the_staged_file_and_a_refused_file_says_why(instance: Instance) -> None:
    as_user(instance, "dukcapil")
    url = stage(instance, table(2020))
    staged = instance.client.app.state.staged_uploads  # type: ignore[attr-defined]
    assert list(staged.folder.glob("*/*"))
    token = csrf_of(instance, url)
    cancelled = instance.client.post(
        f"/saya/unggah/{DATASET}/batal",
        data={"csrf": token, "pratinjau": staged_id(url)},
        headers={**HTML, **SITE},
        follow_redirects=False,
    )
    assert cancelled.status_code == 303
    assert not list(staged.folder.glob("*/*"))
    assert instance.client.get(url, headers=HTML).status_code == 410
    # Too large: refused on the page, nothing kept.
    token = csrf_of(instance, f"/saya/unggah/{DATASET}")
    big = instance.client.post(
        f"/saya/unggah/{DATASET}",
        data={"csrf": token},
        files={"file": ("besar.csv", b"x" * 25_000, "text/csv")},
        headers={**HTML, **SITE},
    )
    assert big.status_code == 413 and "agency-problem" in big.text
    assert not list(staged.folder.glob("*/*"))


def test_another_agency_can_neither_see_nor_post(instance: Instance) -> None:
    as_user(instance, "dukcapil")
    url = stage(instance, table(2022))
    as_user(instance, "dinsos")
    assert instance.client.get(f"/saya/unggah/{DATASET}", headers=HTML).status_code == 403
    assert instance.client.get(url, headers=HTML).status_code == 403
    token = csrf_of(instance)
    for action in ("", "/kirim", "/wilayah", "/batal"):
        response = instance.client.post(
            f"/saya/unggah/{DATASET}{action}",
            data={
                "csrf": token,
                "pratinjau": staged_id(url),
                "level": "desa",
                "variant": "Bagelan",
                "code": "",
            },
            files={"file": ("x.csv", table(2022), "text/csv")} if not action else None,
            headers={**HTML, **SITE},
        )
        assert response.status_code == 403, action
    assert instance.client.get("/saya/unggah/tidak-ada", headers=HTML).status_code == 404
    # Through the API too: another agency's token may not decide its names.
    body = {"dataset": DATASET, "level": "desa", "variant": "Bagelan", "code": BAGELEN}
    assert (
        instance.client.post("/region-decisions", json=body, headers=instance.auth("dinsos")).status_code
        == 403
    )
    assert instance.client.post("/region-decisions", json=body).status_code == 401
    # The Walidata sees every agency's datasets but uploads none.
    as_user(instance, "walidata")
    assert instance.client.get(f"/saya/unggah/{DATASET}", headers=HTML).status_code == 403


def test_forms_without_csrf_and_expired_sessions(instance: Instance) -> None:
    as_user(instance, "dukcapil")
    url = stage(instance, table(2022))
    refused = instance.client.post(
        f"/saya/unggah/{DATASET}/kirim", data={"pratinjau": staged_id(url)}, headers={**HTML, **SITE}
    )
    assert refused.status_code == 403 and "CSRF" in refused.text
    assert instance.drafts() == {} or DATASET not in str(instance.drafts())
    clock: Clock = instance.client.app.state.test_clock  # type: ignore[attr-defined]
    clock.advance(instance.platform.settings.session_idle_minutes + 1)
    gone = instance.client.get(url, headers=HTML, follow_redirects=False)
    assert gone.status_code == 303
    assert gone.headers["location"].startswith("/masuk?next=/saya/unggah/")


def test_the_api_decides_a_name_with_who_and_when(instance: Instance) -> None:
    body = {
        "dataset": DATASET,
        "level": "desa",
        "variant": "Bagelenn",
        "parent": "Gedong Tataan",
        "code": BAGELEN,
    }
    response = instance.client.post("/region-decisions", json=body, headers=instance.auth("dukcapil"))
    assert response.status_code == 200, response.text
    assert response.json()["decided_by"] == "ani.dukcapil" and response.json()["decision"]
    wrong = {**body, "code": "18.09.01"}  # a kecamatan, not a desa
    refused = instance.client.post("/region-decisions", json=wrong, headers=instance.auth("dukcapil"))
    assert refused.status_code == 400
    none = {**body, "variant": "Desa Entah", "code": None}
    assert (
        instance.client.post("/region-decisions", json=none, headers=instance.auth("dukcapil")).status_code
        == 200
    )
    written = yaml.safe_load(page_decisions_path(instance.platform.settings.mappings_path).read_text())
    assert any(e["variant"] == "Desa Entah" for e in written["none_of_these"])
    assert "/region-decisions" in instance.client.get("/openapi.json").json()["paths"]


def test_a_restricted_dataset_page_is_whole_for_those_who_may_read_it(instance: Instance) -> None:
    path = "/id/dataset/uji-kpm-terbatas"

    def page() -> str:
        response = instance.client.get(path, headers=HTML)
        assert response.status_code == 200, response.text
        return str(response.text)

    instance.client.cookies.clear()
    public = page()
    assert "restricted-note" in public and 'id="fakta-observasi"' not in public
    assert 'id="h-unduh"' not in public and "97531" not in public
    as_user(instance, "dukcapil")  # another agency's Produsen Data: the card only
    assert "restricted-note" in page() and 'id="h-unduh"' not in page()
    for who in ("dinsos", "walidata"):  # its own agency's Produsen Data, and the Walidata
        as_user(instance, who)
        whole = page()
        assert "restricted-note" not in whole, who
        assert 'id="fakta-observasi"' in whole and 'id="h-unduh"' in whole and 'id="h-berkas"' in whole
        assert 'data-src="' not in whole  # no public coverage polygons for restricted figures
