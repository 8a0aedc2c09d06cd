"""Uploads through the API: roles, tokens, the Walidata's decisions, and refused files.

A real platform on an in-memory store with its own mappings folder (a Dukcapil table
anyone may read, a Dinsos table that is restricted) and real users made with
``graph.publish.accounts``; requests go through the app in process.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.errors import UploadRejected
from graph.publish.accounts import Accounts
from graph.publish.platform import Platform
from graph.read.uploads import check_upload
from graph.settings import PROJECT_DIR, Settings, load_settings
from graph.store.embedded import EmbeddedStore
from graph.store.versions import EVERYONE_INTERNAL, draft_datasets, published_datasets
from tests.conftest import SMALL_MAPPING, all_quads, nquads_of

# Slow: uploads, judges and publishes tables through the API.
pytestmark = pytest.mark.slow

DESA = [f"18090120{i:02d}" for i in range(1, 11)]

RESTRICTED_MAPPING = """\
dataset:
  id: uji-kpm-terbatas
  title: {id: KPM PKH uji, en: Test PKH beneficiaries}
  description: {id: Tabel uji terbatas, en: Restricted test table}
  agency: dinsos
  frequency: annual
  access: terbatas
source:
  path: kpm.csv
  delimiter: ";"
region:
  level: desa
  code: {column: kode_desa, system: kemendagri}
period:
  year: {column: tahun}
measures:
  - column: kpm
    indicator: kpm-pkh
    unit: keluarga
"""

# Figures that exist only in the restricted table (below the test population, as KPM families
# must be): no public answer may contain them.
SECRET_VALUES = [str(97531 + i) for i in range(10)]


def population_csv(values: list[int]) -> bytes:
    lines = ["kode_desa;tahun;jumlah"] + [f"{DESA[i]};2023;{v}" for i, v in enumerate(values)]
    return ("\n".join(lines) + "\n").encode("utf-8")


@dataclass
class Instance:
    platform: Platform
    client: TestClient
    tokens: dict[str, str]
    folder: Path

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def published(self) -> dict[str, str]:
        return published_datasets(self.platform.store, self.platform.iris, EVERYONE_INTERNAL)

    def drafts(self) -> dict[str, str]:
        return draft_datasets(self.platform.store, self.platform.iris)


@pytest.fixture
def instance(tmp_path: Path) -> Iterator[Instance]:
    with running_instance(tmp_path) as running:
        yield running


@contextmanager
def running_instance(tmp_path: Path, **extra: object) -> Iterator[Instance]:
    """The instance the upload tests use, with ``extra`` settings (e.g. an audit chain)."""
    mappings = tmp_path / "mappings"
    for part in ("linking", "publication"):
        shutil.copytree(PROJECT_DIR / "mappings" / part, mappings / part)
    (mappings / "penduduk.csv").write_bytes(population_csv([98000 + i for i in range(10)]))
    (mappings / "uji-penduduk.yaml").write_text(SMALL_MAPPING.format(path="penduduk.csv"), encoding="utf-8")
    kpm = ["kode_desa;tahun;kpm"] + [f"{DESA[i]};2023;{v}" for i, v in enumerate(SECRET_VALUES)]
    (mappings / "kpm.csv").write_text("\n".join(kpm) + "\n", encoding="utf-8")
    (mappings / "uji-kpm-terbatas.yaml").write_text(RESTRICTED_MAPPING, encoding="utf-8")
    settings = load_settings(
        store_path=":memory:",
        mappings_dir=str(mappings),
        accounts_path=str(tmp_path / "accounts.sqlite3"),
        uploads_dir=str(tmp_path / "uploads"),
        upload_max_bytes=20_000,
        agent="uji",
        **extra,
    )
    platform = _with_both_published(settings, mappings, copy=not extra)
    accounts = Accounts(settings.resolve(settings.accounts_path))
    tokens = {
        "dukcapil": accounts.add("ani.dukcapil", "produsen", "disdukcapil")[1],
        "dinsos": accounts.add("budi.dinsos", "produsen", "dinsos")[1],
        "walidata": accounts.add("citra.walidata", "walidata")[1],
        "admin": accounts.add("dewi.admin", "admin")[1],
    }
    revoked = accounts.add("eko.lama", "produsen", "disdukcapil")[1]
    accounts.revoke("eko.lama")
    tokens["revoked"] = revoked
    with TestClient(create_app(settings, platform.store)) as client:
        yield Instance(platform, client, tokens, tmp_path)
    platform.close()


# The store once the reference and both tables are published, as N-Quads, made by the first
# instance of each worker: the others start from a copy (the loads took seconds a test). With
# other settings (``extra``, e.g. an audit chain that must record the loads) they load again.
_PUBLISHED: list[str] = []


def _with_both_published(settings: Settings, mappings: Path, *, copy: bool) -> Platform:
    if copy and _PUBLISHED:
        store = EmbeddedStore(None)
        store.bulk_load(_PUBLISHED)
        return Platform(settings, store)
    platform = Platform(settings)
    platform.load_reference()
    for name in ("uji-penduduk", "uji-kpm-terbatas"):
        assert platform.load(mappings / f"{name}.yaml").outcome == "published"
    if copy:
        _PUBLISHED.append(nquads_of(platform.store))
    return platform


def values_of(instance: Instance, dataset: str, audience: str | None = None) -> list[str]:
    """The published figures of a dataset as the public (or a token's holder) sees them."""
    query = f"""SELECT ?v WHERE {{ ?o <http://purl.org/linked-data/cube#dataSet> <{instance.platform.iris.dataset(dataset)}> ;
        <http://purl.org/linked-data/cube#measureType> ?m ; ?m ?v }} ORDER BY ?v"""
    headers = {"Accept": "application/sparql-results+json", **(instance.auth(audience) if audience else {})}
    response = instance.client.get("/sparql", params={"query": query}, headers=headers)
    assert response.status_code == 200, response.text
    return [b["v"]["value"] for b in response.json()["results"]["bindings"]]


def upload(
    instance: Instance,
    who: str | None,
    dataset: str,
    body: bytes,
    name: str = "penduduk.csv",
    *,
    dry_run: bool = False,
):
    headers = instance.auth(who) if who else {}
    return instance.client.post(
        f"/ingest/{dataset}",
        files={"file": (name, body, "text/csv")},
        headers=headers,
        params={"dry_run": "true"} if dry_run else None,
    )


def test_an_upload_waits_as_a_draft_until_the_walidata_publishes_it(instance: Instance) -> None:
    before = values_of(instance, "uji-penduduk")
    response = upload(instance, "dukcapil", "uji-penduduk", population_csv([99000 + i for i in range(10)]))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["outcome"] == "held" and "Walidata" in body["message"]
    assert body["rows_mapped"] == 10 and body["observations"] == 10 and body["upload"] == "penduduk.csv"
    # A clean upload is still a draft: the public sees the old figures.
    assert values_of(instance, "uji-penduduk") == before
    listed = instance.client.get("/drafts", headers=instance.auth("walidata")).json()["drafts"]
    assert [d["dataset"] for d in listed] == ["uji-penduduk"]
    assert listed[0]["loaded_by"] == ["ani.dukcapil"]

    refused = instance.client.post("/datasets/uji-penduduk/publish", headers=instance.auth("dukcapil"))
    assert refused.status_code == 403
    published = instance.client.post("/datasets/uji-penduduk/publish", headers=instance.auth("walidata"))
    assert published.status_code == 200, published.text
    assert published.json()["outcome"] == "published"
    assert sorted(float(v) for v in values_of(instance, "uji-penduduk")) == [99000.0 + i for i in range(10)]
    # Who uploaded and who published are on record.
    people = instance.platform.store.query(
        "SELECT DISTINCT ?name WHERE { ?a <http://www.w3.org/ns/prov#wasAssociatedWith> ?p . "
        "?p <http://www.w3.org/2000/01/rdf-schema#label> ?name }",
        default_graph=[instance.platform.iris.provenance_graph],
    )
    assert isinstance(people, ox.QuerySolutions)
    assert {"ani.dukcapil", "citra.walidata"} <= {s["name"].value for s in people}


def test_the_walidata_rejects_a_draft_with_a_reason_on_record(instance: Instance) -> None:
    before = instance.published()
    assert upload(instance, "dukcapil", "uji-penduduk", population_csv([5] * 10)).status_code == 200
    assert "uji-penduduk" in " ".join(instance.drafts())
    no_reason = instance.client.post(
        "/datasets/uji-penduduk/reject", json={"reason": " "}, headers=instance.auth("walidata")
    )
    assert no_reason.status_code == 422
    response = instance.client.post(
        "/datasets/uji-penduduk/reject",
        json={"reason": "angka tidak masuk akal"},
        headers=instance.auth("walidata"),
    )
    assert response.status_code == 200, response.text
    assert instance.drafts() == {} and instance.published() == before
    recorded = instance.platform.store.query(
        "SELECT ?why WHERE { ?r a <https://w3id.org/onecenter/def#Rejection> ; "
        "<http://www.w3.org/2000/01/rdf-schema#comment> ?why }",
        default_graph=[instance.platform.iris.provenance_graph],
    )
    assert isinstance(recorded, ox.QuerySolutions)
    assert [s["why"].value for s in recorded] == ["angka tidak masuk akal"]
    again = instance.client.post(
        "/datasets/uji-penduduk/reject", json={"reason": "lagi"}, headers=instance.auth("walidata")
    )
    assert again.status_code == 404


def test_a_dry_run_upload_says_what_the_upload_would_do_and_keeps_nothing(instance: Instance) -> None:
    before, uploads = all_quads(instance.platform.store), instance.folder / "uploads"
    future = population_csv([99000 + i for i in range(10)]).replace(b";2023;", b";2031;", 1)
    dry = upload(instance, "dukcapil", "uji-penduduk", future, dry_run=True)
    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert body["dry_run"] is True and body["draft_graph"] is None
    assert body["outcome"] == "would-be-held" and body["violations"] == 1, body
    assert "would be held" in body["message"]
    clean = upload(instance, "dukcapil", "uji-penduduk", population_csv([99000] * 10), dry_run=True).json()
    # An upload waits for the Walidata even without a violation; its dry run says so.
    assert clean["outcome"] == "would-be-held" and clean["violations"] == 0
    assert "would await the Walidata's decision" in clean["message"]
    unknown = b"kode_desa;tahun;jumlah\n" + b"9999999999;2023;5\n" * 10
    refused = upload(instance, "dukcapil", "uji-penduduk", unknown, dry_run=True).json()
    assert refused["outcome"] == "would-be-rejected" and refused["message"]
    assert all_quads(instance.platform.store) == before and instance.drafts() == {}
    assert not [f for f in uploads.rglob("*") if f.is_file()]  # no file kept either

    real = upload(instance, "dukcapil", "uji-penduduk", future).json()
    assert real["outcome"] == "held" and real["violations"] == body["violations"]


def test_a_draft_that_breaks_a_rule_is_published_only_with_a_reason(instance: Instance) -> None:
    future = population_csv([99000 + i for i in range(10)]).replace(b";2023;", b";2031;", 1)
    body = upload(instance, "dukcapil", "uji-penduduk", future).json()
    assert body["outcome"] == "held" and body["violations"] == 1, body
    walidata = instance.auth("walidata")
    path = "/datasets/uji-penduduk/publish"
    still = instance.client.post(path, headers=walidata)
    assert still.status_code == 409 and "accept-violations" in still.json()["error"]
    no_reason = instance.client.post(path, json={"accept_violations": True}, headers=walidata)
    assert no_reason.status_code == 422
    assert "a reason is required" in no_reason.json()["errors"][0]["message"]
    accepted = instance.client.post(
        path, json={"accept_violations": True, "reason": "tahun salah ketik, dikonfirmasi"}, headers=walidata
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["violations_accepted"] == 1 and instance.drafts() == {}


WRITE_ROUTES = [
    ("post", "/ingest/uji-penduduk"),
    ("post", "/datasets/uji-penduduk/publish"),
    ("post", "/datasets/uji-penduduk/reject"),
    ("get", "/drafts"),
    ("get", "/me"),
]


def test_every_write_route_refuses_a_missing_or_bad_token_and_changes_nothing(instance: Instance) -> None:
    before = (instance.published(), instance.drafts())
    tried = 0
    for method, path in WRITE_ROUTES:
        for headers in (
            {},
            {"Authorization": "Bearer oc_not-a-real-token"},
            {"Authorization": "Bearer "},
            {"Authorization": "Basic YWRtaW46YWRtaW4="},
            {"Authorization": f"Bearer {instance.tokens['revoked']}"},
        ):
            kwargs: dict[str, object] = {"headers": headers}
            if path.startswith("/ingest"):
                kwargs["files"] = {"file": ("x.csv", population_csv([1] * 10), "text/csv")}
            elif method == "post":
                kwargs["json"] = {"reason": "x"}
            response = getattr(instance.client, method)(path, **kwargs)
            assert response.status_code == 401, (path, headers, response.text)
            assert response.json()["ok"] is False and response.headers["www-authenticate"] == "Bearer"
            tried += 1
    assert tried == 25
    assert (instance.published(), instance.drafts()) == before


def test_roles_and_agencies_decide_who_may_upload_and_decide(instance: Instance) -> None:
    before = (instance.published(), instance.drafts())
    csv = population_csv([3] * 10)
    # Another agency's Produsen Data, and the Walidata, may not upload a Dukcapil table.
    assert upload(instance, "dinsos", "uji-penduduk", csv).status_code == 403
    assert upload(instance, "walidata", "uji-penduduk", csv).status_code == 403
    # Unknown dataset: 404, whoever asks.
    assert upload(instance, "admin", "tidak-ada", csv).status_code == 404
    assert upload(instance, "dukcapil", "../../etc", csv).status_code == 404
    for who in ("dukcapil", "dinsos"):
        for action in ("publish", "reject"):
            response = instance.client.post(
                f"/datasets/uji-penduduk/{action}", json={"reason": "x"}, headers=instance.auth(who)
            )
            assert response.status_code == 403, (who, action)
    assert (instance.published(), instance.drafts()) == before
    # An admin may upload for any agency.
    kpm = b"kode_desa;tahun;kpm\n1809012001;2023;4\n"
    assert upload(instance, "admin", "uji-kpm-terbatas", kpm).status_code == 200
    me = instance.client.get("/me", headers=instance.auth("dinsos"))
    assert (me.json()["name"], me.json()["role"], me.json()["agency"]) == (
        "budi.dinsos",
        "produsen",
        "dinsos",
    )
    # An answer to a token may hold restricted data: never kept by a shared cache.
    assert me.headers["cache-control"] == "private, no-store" and "Authorization" in me.headers["vary"]


def test_unsafe_or_oversized_files_are_refused_before_they_are_read(instance: Instance) -> None:
    before = (instance.published(), instance.drafts())
    too_big = b"kode_desa;tahun;jumlah\n" + b"1809012001;2023;1\n" * 2000
    response = upload(instance, "dukcapil", "uji-penduduk", too_big)
    assert response.status_code == 413 and "limit" in response.json()["error"]
    zipped = io.BytesIO()
    with zipfile.ZipFile(zipped, "w") as z:
        z.writestr("a.txt", "x")
    response = upload(instance, "dukcapil", "uji-penduduk", zipped.getvalue(), name="tabel.csv")
    assert response.status_code == 422 and "zip" in response.json()["error"]
    binary = upload(instance, "dukcapil", "uji-penduduk", b"kode\x00\x01\x02")
    assert binary.status_code == 422
    # The client's file name never becomes a path: it is stored under the server's name.
    sneaky = upload(instance, "dukcapil", "uji-penduduk", population_csv([7] * 10), name="../../../evil.csv")
    assert sneaky.status_code == 200 and sneaky.json()["upload"] == "evil.csv"
    assert not any(instance.folder.parent.glob("evil.csv"))
    stored = list((instance.folder / "uploads").rglob("*"))
    assert all(p.is_relative_to(instance.folder / "uploads" / "uji-penduduk") for p in stored)
    assert all("evil" not in p.name for p in stored)
    # Refused uploads leave no file behind.
    assert len([p for p in stored if p.is_file()]) == 1
    assert instance.published() == before[0]


def _xlsx(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


WORKBOOK = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}


@pytest.mark.parametrize(
    ("members", "expected"),
    [
        ({**WORKBOOK, "xl/vbaProject.bin": b"macro"}, "macros"),
        ({**WORKBOOK, "xl/externalLinks/externalLink1.xml": b"<x/>"}, "links to other workbooks"),
        ({**WORKBOOK, "../../evil.sh": b"x"}, "leaves the archive"),
        ({"[Content_Types].xml": b"<Types/>"}, "not an Excel workbook"),
        ({**WORKBOOK, "xl/worksheets/sheet1.xml": b"\0" * 30_000_000}, "packed too tightly"),
    ],
)
def test_workbooks_that_are_unsafe_to_open_are_refused(
    tmp_path: Path, members: dict[str, bytes], expected: str
) -> None:
    path = tmp_path / "upload.xlsx"
    path.write_bytes(_xlsx(members))
    with pytest.raises(UploadRejected, match=expected):
        check_upload(path, "xlsx", max_bytes=50 * 1024 * 1024)


def test_a_workbook_that_unpacks_past_the_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "upload.xlsx"
    path.write_bytes(_xlsx({**WORKBOOK, "xl/sharedStrings.xml": b"a" * 300_000}, zipfile.ZIP_STORED))
    with pytest.raises(UploadRejected, match="unpacks to"):
        check_upload(path, "xlsx", max_bytes=10_000)
    check_upload(path, "xlsx", max_bytes=1_000_000)  # the same file under a larger limit is fine
    (tmp_path / "old.xlsx").write_bytes(b"\xd0\xcf\x11\xe0 an old .xls")
    with pytest.raises(UploadRejected, match="not an .xlsx workbook"):
        check_upload(tmp_path / "old.xlsx", "xlsx", max_bytes=1_000_000)
