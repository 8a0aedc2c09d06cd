"""The Walidata's pages: drafts and their diff, the decisions, the registry, the accounts.

On the upload tests' instance (a real platform on an in-memory store, real accounts): a
Produsen Data uploads through the API a table the demo never had (some figures changed, some
added, some removed); the Walidata, signed in to the pages, reads the diff, the findings, and
decides with CSRF-checked forms. The diff's numbers are checked against the uploaded table,
the publication against ``/sparql``.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from graph.describe.draft_diff import draft_diff
from graph.publish.accounts import Accounts, token_hash
from tests.api.test_ingest import DESA, Instance, running_instance, upload, values_of
from tests.api.test_sign_in import HTML, NAMES, SITE, form_token, sign_in

# Slow: uploads and judges tables through the API.
pytestmark = pytest.mark.slow

DATASET = "uji-penduduk"
OLD = {code: 98000 + i for i, code in enumerate(DESA)}  # the published 2023 figures
# The new table: three 2023 figures changed, four the same, three removed, two 2024 added.
CHANGED = {DESA[0]: 98100, DESA[1]: 98200, DESA[2]: 97950}
SAME = {code: OLD[code] for code in DESA[3:7]}
ADDED = {DESA[0]: 98300, DESA[1]: 98400}  # for 2024
REMOVED = DESA[7:]


def dotted(code: str) -> str:
    """A Kemendagri code as the graph writes it: 1809012001 -> 18.09.01.2001."""
    return f"{code[:2]}.{code[2:4]}.{code[4:6]}.{code[6:]}"


def next_table() -> bytes:
    lines = ["kode_desa;tahun;jumlah"]
    lines += [f"{code};2023;{value}" for code, value in {**CHANGED, **SAME}.items()]
    lines += [f"{code};2024;{value}" for code, value in ADDED.items()]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[Instance]:
    with running_instance(tmp_path) as running:
        yield running


def as_walidata(inst: Instance, who: str = "walidata") -> str:
    """Sign the test browser in; the session's CSRF token (from any page's sign-out form)."""
    inst.client.cookies.clear()
    response = sign_in(inst.client, NAMES[who], inst.tokens[who])
    assert response.status_code == 303, response.text
    return form_token(inst.client.get("/walidata/draf", headers=HTML).text)


def post(inst: Instance, path: str, data: dict[str, str]):
    return inst.client.post(path, data=data, headers={**HTML, **SITE}, follow_redirects=False)


def held(inst: Instance, body: bytes) -> None:
    response = upload(inst, "dukcapil", DATASET, body)
    assert response.status_code == 200, response.text
    assert response.json()["outcome"] == "held"


def row_of(page: str, attrs: str) -> str:
    found = re.search(rf"<tr[^>]*{attrs}[^>]*>(.*?)</tr>", page, re.S)
    assert found, f"no row {attrs}"
    return found.group(1)


def cell(row: str, col: str) -> str:
    found = re.search(rf'data-col="{col}"[^>]*>([^<]*)<', row)
    assert found, f"no {col} cell"
    return found.group(1)


def test_the_diff_counts_and_sums_match_the_uploaded_table(instance: Instance) -> None:
    held(instance, next_table())
    csrf = as_walidata(instance)
    assert csrf
    listed = instance.client.get("/walidata/draf", headers=HTML)
    assert listed.status_code == 200 and 'data-dataset="uji-penduduk"' in listed.text
    assert "ani.dukcapil" in listed.text and "WIB" in listed.text and "penduduk" in listed.text
    page = instance.client.get(f"/walidata/draf/{DATASET}", headers=HTML).text
    counts = dict(re.findall(r'data-kind="(\w+)"><strong>([\d.]+)</strong>', page))
    assert counts == {"changed": "3", "added": "2", "removed": "3", "unchanged": "4"}
    y2023 = row_of(page, 'data-indicator="jumlah-penduduk" data-year="2023"')
    assert [cell(y2023, c) for c in ("changed", "added", "removed")] == ["3", "0", "3"]
    old_sum, new_sum = sum(OLD.values()), sum(CHANGED.values()) + sum(SAME.values())
    assert cell(y2023, "old-sum") == f"{old_sum:,}".replace(",", ".")
    assert cell(y2023, "new-sum") == f"{new_sum:,}".replace(",", ".")
    y2024 = row_of(page, 'data-indicator="jumlah-penduduk" data-year="2024"')
    assert cell(y2024, "added") == "2" and cell(y2024, "new-sum") == f"{sum(ADDED.values()):,}".replace(
        ",", "."
    )
    # Detail rows: one per change, old -> new and the difference.
    first = row_of(page, f'data-kind="changed" data-region="{dotted(DESA[0])}" data-period="2023"')
    assert (
        cell(first, "old") == "98.000" and cell(first, "new") == "98.100" and cell(first, "change") == "100"
    )
    third = row_of(page, f'data-kind="changed" data-region="{dotted(DESA[2])}"')
    assert cell(third, "change") == "−52"
    for code in REMOVED:
        assert f'data-kind="removed" data-region="{dotted(code)}"' in page
    # The whole diff as CSV (standard dialect): every change, with the regions' names.
    download = instance.client.get(f"/walidata/draf/{DATASET}/perubahan.csv?_dialect=standard")
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert len(rows) == 8
    by = {(r["perubahan"], r["kode_wilayah"], r["periode"]): r for r in rows}
    second = by[("berubah", dotted(DESA[1]), "2023")]
    assert (second["nilai_terbit"], second["nilai_draf"], second["selisih"]) == ("98001", "98200", "199")
    assert by[("baru", dotted(DESA[0]), "2024")]["nilai_draf"] == "98300"
    assert by[("hilang", dotted(DESA[9]), "2023")]["nilai_terbit"] == "98009"
    assert all(r["nama_wilayah"] for r in rows)


def test_the_diff_reads_only_the_two_versions(instance: Instance) -> None:
    held(instance, next_table())
    store, iris = instance.platform.store, instance.platform.iris
    drafts = instance.drafts()
    graph = drafts[iris.dataset(DATASET)]
    published = instance.published()[iris.dataset(DATASET)]
    diff = draft_diff(store, iris, DATASET, graph, published)
    assert diff.draft_figures == 9 and diff.published_figures == 10
    assert (diff.count("changed"), diff.count("added"), diff.count("removed"), diff.unchanged) == (3, 2, 3, 4)
    assert sum((c.change or Decimal(0)) for c in diff.changes) == Decimal(100 + 199 - 52)
    # A draft of a dataset never published: every figure is new.
    fresh = draft_diff(store, iris, DATASET, graph, None)
    assert fresh.count("added") == 9 and fresh.published_figures == 0


def test_publishing_through_the_page_makes_the_figures_public(instance: Instance) -> None:
    held(instance, next_table())
    csrf = as_walidata(instance)
    done = post(instance, f"/walidata/draf/{DATASET}/terbitkan", {"csrf": csrf})
    assert done.status_code == 200, done.text
    assert 'data-action="published"' in done.text and NAMES["walidata"] in done.text and "WIB" in done.text
    published = sorted(int(float(v)) for v in values_of(instance, DATASET))
    assert published == sorted([*CHANGED.values(), *SAME.values(), *ADDED.values()])
    assert instance.drafts() == {}
    gone = instance.client.get(f"/walidata/draf/{DATASET}", headers=HTML)
    assert gone.status_code == 404


def test_the_file_as_sent_is_shown_and_a_decision_posted_twice_is_harmless(instance: Instance) -> None:
    sent = "C:\\Data Dinas\\penduduk 2024 (revisi).csv"  # a Windows path: only its name is kept
    assert upload(instance, "dukcapil", DATASET, next_table(), name=sent).json()["outcome"] == "held"
    csrf = as_walidata(instance)
    page = instance.client.get(f"/walidata/draf/{DATASET}", headers=HTML).text.replace("<wbr>", "")
    shown = page.split('id="draft-file">', 1)[1].split("</dd>", 1)[0]
    assert re.search(r'class="upload-name">penduduk 2024 \(revisi\)\.csv<', shown), shown
    assert re.search(r"disimpan sebagai.*\d{8}T\d{6}-[0-9a-f]{12}\.csv", shown), shown
    assert "Data Dinas" not in page and "C:" not in page
    listed = instance.client.get("/walidata/draf", headers=HTML).text.replace("<wbr>", "")
    assert "penduduk 2024 (revisi).csv" in listed
    # The decision forms are one jump from the counts, before the 300-row detail table.
    assert page.index('id="diff-counts"') < page.index('href="#h-keputusan"') < page.index("diff-detail")
    assert page.count('data-busy="Sedang menerbitkan') == 1 and "/static/js/busy-submit.js" in page
    assert 'id="terbitkan-walau"' not in page  # no violation to accept
    assert post(instance, f"/walidata/draf/{DATASET}/terbitkan", {"csrf": csrf}).status_code == 200
    for path in ("terbitkan", "tolak"):  # a second click, a second tab: nothing happens, and it says so
        again = post(instance, f"/walidata/draf/{DATASET}/{path}", {"csrf": csrf, "reason": "x"})
        assert again.status_code == 409 and 'data-action="gone"' in again.text, again.text[:500]
        assert "sudah diputuskan" in again.text
    published = instance.client.get(f"/catalog/{DATASET}", headers=HTML)
    assert published.status_code == 200 and "penduduk 2024 (revisi).csv" not in published.text


def test_publishing_despite_violations_needs_a_reason(instance: Instance) -> None:
    future = next_table().replace(f"{DESA[3]};2023;".encode(), f"{DESA[3]};2031;".encode())
    held(instance, future)
    csrf = as_walidata(instance)
    page = instance.client.get(f"/walidata/draf/{DATASET}", headers=HTML).text
    assert 'id="terbitkan-walau"' in page and "own-findings" in page and "Pelanggaran" in page
    still = post(instance, f"/walidata/draf/{DATASET}/terbitkan", {"csrf": csrf})
    assert still.status_code == 409 and "pelanggaran" in still.text and 'id="terbitkan-walau"' in still.text
    no_reason = post(
        instance, f"/walidata/draf/{DATASET}/terbitkan", {"csrf": csrf, "accept_violations": "1"}
    )
    assert no_reason.status_code == 422 and "Alasan wajib" in no_reason.text
    assert instance.drafts()  # nothing was published
    accepted = post(
        instance,
        f"/walidata/draf/{DATASET}/terbitkan",
        {"csrf": csrf, "accept_violations": "1", "reason": "tahun 2031 salah ketik, dikonfirmasi dinas"},
    )
    assert accepted.status_code == 200, accepted.text
    assert "1 pelanggaran diterima" in accepted.text and "salah ketik" in accepted.text
    assert instance.drafts() == {}


def test_rejecting_records_the_reason(instance: Instance) -> None:
    held(instance, next_table())
    before = values_of(instance, DATASET)
    csrf = as_walidata(instance)
    empty = post(instance, f"/walidata/draf/{DATASET}/tolak", {"csrf": csrf, "reason": "  "})
    assert empty.status_code == 422 and instance.drafts()
    done = post(instance, f"/walidata/draf/{DATASET}/tolak", {"csrf": csrf, "reason": "angka desa 3 keliru"})
    assert done.status_code == 200 and 'data-action="rejected"' in done.text
    assert instance.drafts() == {} and values_of(instance, DATASET) == before
    recorded = instance.platform.store.query(
        "SELECT ?why ?who WHERE { ?r a <https://w3id.org/onecenter/def#Rejection> ; "
        "<http://www.w3.org/2000/01/rdf-schema#comment> ?why ; "
        "<http://www.w3.org/ns/prov#wasAssociatedWith> ?p . ?p <http://www.w3.org/2000/01/rdf-schema#label> ?who }",
        default_graph=[instance.platform.iris.provenance_graph],
    )
    assert isinstance(recorded, ox.QuerySolutions)
    assert [(s["why"].value, s["who"].value) for s in recorded] == [
        ("angka desa 3 keliru", NAMES["walidata"])
    ]


WALIDATA_PAGES = ["/walidata/draf", f"/walidata/draf/{DATASET}", "/walidata/registri", "/walidata/akun"]
WALIDATA_POSTS = [
    f"/walidata/draf/{DATASET}/terbitkan",
    f"/walidata/draf/{DATASET}/tolak",
    "/walidata/akun",
    "/walidata/akun/ani.dukcapil/ganti-token",
    "/walidata/akun/ani.dukcapil/cabut",
]


def test_a_produsen_gets_403_and_the_public_is_sent_to_sign_in(instance: Instance) -> None:
    held(instance, next_table())
    instance.client.cookies.clear()
    for path in WALIDATA_PAGES:
        anonymous = instance.client.get(path, headers=HTML, follow_redirects=False)
        assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/masuk?next=")
    assert sign_in(instance.client, NAMES["dukcapil"], instance.tokens["dukcapil"]).status_code == 303
    csrf = form_token(instance.client.get("/", headers=HTML).text)
    for path in WALIDATA_PAGES:
        assert instance.client.get(path, headers=HTML).status_code == 403, path
    for path in WALIDATA_POSTS:
        refused = post(instance, path, {"csrf": csrf, "reason": "x", "name": "x.y", "role": "produsen"})
        assert refused.status_code == 403, path
    assert instance.drafts() and len(instance.platform.store.named_graphs()) > 0


def test_a_post_without_the_csrf_token_is_refused(instance: Instance) -> None:
    held(instance, next_table())
    csrf = as_walidata(instance)
    for path in WALIDATA_POSTS:
        assert post(instance, path, {"reason": "x"}).status_code == 403, path
        assert post(instance, path, {"csrf": csrf + "x", "reason": "x"}).status_code == 403, path
    assert instance.drafts()  # neither published nor rejected
    assert instance.platform.settings  # the accounts are untouched:
    assert instance.client.get("/me", headers=instance.auth("dukcapil")).status_code == 200


def test_the_registry_lists_agencies_datasets_and_indicators(instance: Instance) -> None:
    as_walidata(instance)
    page = instance.client.get("/walidata/registri", headers=HTML)
    assert page.status_code == 200
    text = page.text.replace("<wbr>", "")
    assert 'data-agency="disdukcapil"' in text and 'data-agency="dinsos"' in text
    dukcapil = text.split('data-agency="disdukcapil"', 1)[1].split("</article>", 1)[0]
    assert 'data-dataset="uji-penduduk"' in dukcapil and "uji-penduduk.yaml" in dukcapil
    assert 'href="/id/dataset/uji-penduduk"' in dukcapil
    dinsos = text.split('data-agency="dinsos"', 1)[1].split("</article>", 1)[0]
    assert 'data-dataset="uji-kpm-terbatas"' in dinsos and "data terbatas" in dinsos
    row = row_of(text, 'data-indicator="jumlah-penduduk"')
    assert 'href="/id/indikator/jumlah-penduduk"' in row and "jiwa" in row.lower()
    assert "disdukcapil-penduduk-desa" in row  # its authoritative dataset
    assert "Produsen Data" in dukcapil and "tahunan" in dukcapil  # its Satu Data role; the frequency
    api = instance.client.get("/registry", headers=instance.auth("walidata"))
    assert api.status_code == 200 and any(a["slug"] == "dinsos" for a in api.json()["agencies"])
    assert instance.client.get("/registry", headers=instance.auth("dukcapil")).status_code == 403


# --- accounts ------------------------------------------------------------------------------------


def new_token(page: str) -> str:
    found = re.search(r'<code id="new-token">([^<]+)</code>', page)
    assert found, "no token on the page"
    return found.group(1)


def test_the_walidata_adds_a_produsen_and_sees_the_token_once(
    instance: Instance, caplog: pytest.LogCaptureFixture
) -> None:
    csrf = as_walidata(instance)
    form = instance.client.get("/walidata/akun", headers=HTML).text
    assert '<option value="dinkes"' in form and '<option value="admin"' not in form  # agencies; no admin
    with caplog.at_level("INFO", logger="onecenter.accounts"):
        added = post(
            instance,
            "/walidata/akun",
            {"csrf": csrf, "name": "fitri.dinkes", "role": "produsen", "agency": "dinkes"},
        )
    assert (
        added.status_code == 200
        and 'data-action="added"' in added.text
        and "hanya ditampilkan sekali" in added.text
    )
    assert "no-store" in added.headers["cache-control"]
    token = new_token(added.text)
    me = instance.client.get("/me", headers={"Authorization": f"Bearer {token}"}).json()
    assert (me["name"], me["role"], me["agency"]) == ("fitri.dinkes", "produsen", "dinkes")
    listing = instance.client.get("/walidata/akun", headers=HTML).text
    assert 'data-account="fitri.dinkes" data-active="yes"' in listing
    assert token not in listing and token_hash(token) not in listing
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "fitri.dinkes" in logged and NAMES["walidata"] in logged and token not in logged
    # An agency that is not declared, a name taken: the list again, with the reason.
    unknown = post(
        instance, "/walidata/akun", {"csrf": csrf, "name": "x.y", "role": "produsen", "agency": "dinas-x"}
    )
    assert unknown.status_code == 400 and "tidak dideklarasikan" in unknown.text
    taken = post(
        instance,
        "/walidata/akun",
        {"csrf": csrf, "name": "fitri.dinkes", "role": "produsen", "agency": "dinkes"},
    )
    assert taken.status_code == 400 and "sudah ada" in taken.text


def test_a_walidata_cannot_make_or_touch_an_admin(instance: Instance) -> None:
    csrf = as_walidata(instance)
    made = post(
        instance, "/walidata/akun", {"csrf": csrf, "name": "jahat.admin", "role": "admin", "agency": ""}
    )
    assert made.status_code == 403 and "hanya admin" in made.text
    for action in ("ganti-token", "cabut"):
        assert post(instance, f"/walidata/akun/{NAMES['admin']}/{action}", {"csrf": csrf}).status_code == 403
    assert instance.client.get("/me", headers=instance.auth("admin")).status_code == 200
    api = instance.client.post(
        "/accounts", json={"name": "jahat.admin", "role": "admin"}, headers=instance.auth("walidata")
    )
    assert api.status_code == 403
    accounts = Accounts(instance.platform.settings.resolve(instance.platform.settings.accounts_path))
    assert "jahat.admin" not in [u.name for u, _ in accounts.users()]


def test_rotating_ends_the_old_token_and_the_session(instance: Instance) -> None:
    app = instance.client.app
    with TestClient(app) as produsen:
        assert sign_in(produsen, NAMES["dukcapil"], instance.tokens["dukcapil"]).status_code == 303
        assert produsen.get("/", headers=HTML).text.count(NAMES["dukcapil"]) >= 1
        csrf = as_walidata(instance)
        rotated = post(instance, f"/walidata/akun/{NAMES['dukcapil']}/ganti-token", {"csrf": csrf})
        assert rotated.status_code == 200 and 'data-action="rotated"' in rotated.text
        token = new_token(rotated.text)
        assert instance.client.get("/me", headers=instance.auth("dukcapil")).status_code == 401
        assert instance.client.get("/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert 'class="site-user"' not in produsen.get("/", headers=HTML).text  # signed out


def test_revoking_asks_first_then_stops_the_token(instance: Instance) -> None:
    csrf = as_walidata(instance)
    confirm = instance.client.get(f"/walidata/akun/{NAMES['dinsos']}/cabut", headers=HTML)
    assert confirm.status_code == 200 and 'id="confirm-revoke"' in confirm.text
    assert instance.client.get("/me", headers=instance.auth("dinsos")).status_code == 200  # not yet
    done = post(instance, f"/walidata/akun/{NAMES['dinsos']}/cabut", {"csrf": csrf})
    assert done.status_code == 200 and 'data-action="revoked"' in done.text and "new-token" not in done.text
    assert instance.client.get("/me", headers=instance.auth("dinsos")).status_code == 401
    listing = instance.client.get("/walidata/akun", headers=HTML).text
    assert f'data-account="{NAMES["dinsos"]}" data-active="no"' in listing
    own = post(instance, f"/walidata/akun/{NAMES['walidata']}/cabut", {"csrf": csrf})
    assert own.status_code == 409  # nobody revokes their own account


def test_the_accounts_api_does_the_same(instance: Instance) -> None:
    admin, walidata = instance.auth("admin"), instance.auth("walidata")
    listed = instance.client.get("/accounts", headers=walidata)
    assert listed.status_code == 200
    rows = {a["name"]: a for a in listed.json()["accounts"]}
    assert rows[NAMES["revoked"]]["active"] is False and rows[NAMES["dukcapil"]]["created"]
    assert "token" not in listed.text and "sha256" not in listed.text
    assert instance.client.get("/accounts", headers=instance.auth("dukcapil")).status_code == 403
    made = instance.client.post(
        "/accounts", json={"name": "gita.walidata", "role": "walidata"}, headers=admin
    )
    assert made.status_code == 200 and made.json()["token"].startswith("oc_")
    first = made.json()["token"]
    rotated = instance.client.post("/accounts/gita.walidata/rotate", headers=admin)
    assert rotated.status_code == 200 and rotated.json()["token"] != first
    assert instance.client.get("/me", headers={"Authorization": f"Bearer {first}"}).status_code == 401
    assert instance.client.post("/accounts/gita.walidata/revoke", headers=walidata).status_code == 403
    assert instance.client.post("/accounts/gita.walidata/revoke", headers=admin).status_code == 200
    assert instance.client.post("/accounts/nobody/rotate", headers=admin).status_code == 404
    # A session never authorizes an API write: the pages post their own forms.
    as_walidata(instance)
    assert (
        instance.client.post(
            "/accounts", json={"name": "h.x", "role": "produsen", "agency": "dinkes"}
        ).status_code
        == 401
    )
