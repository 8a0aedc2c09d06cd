"""A refused upload leaves nothing anyone else can read: not the NIKs it was refused for.

What a crash-and-attack run found (issue 19): every upload refused for personal data stayed
in ``uploads_dir`` with mode 0644, the full NIKs inside (26 files, 88 MB after one run).
Through the real API on a real store: a Produsen Data uploads a table holding NIKs and one
with too many bad rows; both are refused, and no file of them is left. With
``refused_upload_keep_days`` set, a refused upload is kept for that long under
``uploads_dir/.ditolak/``, readable by the service alone, and deleted by the first upload
after its days; an upload that becomes a draft is kept, readable by the service alone too.
"""

from __future__ import annotations

import os
import shutil
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.publish.accounts import Accounts
from graph.publish.platform import Platform
from graph.settings import PROJECT_DIR, load_settings
from graph.store.embedded import EmbeddedStore
from tests.conftest import SMALL_MAPPING
from tests.trust.leaks import files_holding

# Slow: uploads and loads tables through the API.
pytestmark = pytest.mark.slow

DESA = [f"18090120{i:02d}" for i in range(1, 11)]
NIK = "1809011505900001"


def table(values: list[str], nik: bool = False) -> bytes:
    head = "kode_desa;tahun;jumlah" + (";nik_petugas" if nik else "")
    rows = [f"{DESA[i]};2023;{v}" + (f";{NIK}" if nik else "") for i, v in enumerate(values)]
    return ("\n".join([head, *rows]) + "\n").encode("utf-8")


GOOD = table([str(98000 + i) for i in range(10)])
PERSONAL = table([str(98000 + i) for i in range(10)], nik=True)
BAD_ROWS = table(["banyak"] * 5 + [str(98000 + i) for i in range(5)])


def instance(
    folder: Path, keep_days: float, reference_nquads: str
) -> tuple[Platform, TestClient, dict[str, str], Path]:
    mappings = folder / "mappings"
    for part in ("linking", "publication"):
        shutil.copytree(PROJECT_DIR / "mappings" / part, mappings / part)
    (mappings / "penduduk.csv").write_bytes(GOOD)
    (mappings / "uji-penduduk.yaml").write_text(SMALL_MAPPING.format(path="penduduk.csv"), encoding="utf-8")
    uploads = folder / "uploads"
    kept = {"refused_upload_keep_days": keep_days} if keep_days else {}  # 0: the default
    settings = load_settings(
        store_path=":memory:",
        mappings_dir=str(mappings),
        accounts_path=str(folder / "accounts.sqlite3"),
        uploads_dir=str(uploads),
        agent="uji",
        **kept,
    )
    store = EmbeddedStore(None)
    store.bulk_load([reference_nquads])  # the worker's reference graphs: a copy, not a reload
    platform = Platform(settings, store)
    token = Accounts(settings.resolve(settings.accounts_path)).add("ani.dukcapil", "produsen", "disdukcapil")[
        1
    ]
    client = TestClient(create_app(settings, platform.store))
    return platform, client, {"Authorization": f"Bearer {token}"}, uploads


@pytest.fixture
def deleting(tmp_path: Path, reference_nquads: str) -> Iterator[tuple[TestClient, dict[str, str], Path]]:
    platform, client, auth, uploads = instance(tmp_path, 0, reference_nquads)
    with client:
        yield client, auth, uploads
    platform.close()


@pytest.fixture
def keeping(tmp_path: Path, reference_nquads: str) -> Iterator[tuple[TestClient, dict[str, str], Path]]:
    platform, client, auth, uploads = instance(tmp_path, 2, reference_nquads)
    with client:
        yield client, auth, uploads
    platform.close()


def upload(client: TestClient, auth: dict[str, str], body: bytes) -> int:
    response = client.post(
        "/ingest/uji-penduduk", files={"file": ("penduduk.csv", body, "text/csv")}, headers=auth
    )
    return int(response.status_code)


def files(folder: Path) -> dict[str, int]:
    """Every file under ``folder`` with its permission bits."""
    return {
        str(p.relative_to(folder)): stat.S_IMODE(p.stat().st_mode) for p in folder.rglob("*") if p.is_file()
    }


def readable_by_others(folder: Path) -> list[str]:
    """Files and folders under ``folder`` (itself the administrator's) that the group or other
    users can read or enter."""
    return [str(p) for p in folder.rglob("*") if p.stat().st_mode & 0o077]


def test_a_refused_upload_leaves_no_file(deleting: tuple[TestClient, dict[str, str], Path]) -> None:
    client, auth, uploads = deleting
    assert upload(client, auth, PERSONAL) == 422
    assert upload(client, auth, BAD_ROWS) == 422
    assert files(uploads) == {}
    assert files_holding([NIK], uploads) == {}

    assert upload(client, auth, GOOD) == 200  # a draft: its file is kept, for the service alone
    assert list(files(uploads).values()) == [0o600]
    assert readable_by_others(uploads) == []


def test_a_refused_upload_is_kept_only_for_its_days_and_only_for_the_service(
    keeping: tuple[TestClient, dict[str, str], Path],
) -> None:
    client, auth, uploads = keeping
    assert upload(client, auth, PERSONAL) == 422
    kept = files(uploads)
    assert list(kept.values()) == [0o600] and all(k.startswith(".ditolak/uji-penduduk/") for k in kept)
    assert readable_by_others(uploads) == []

    (path,) = [uploads / k for k in kept]
    three_days_ago = time.time() - 3 * 86400
    os.utime(path, (three_days_ago, three_days_ago))
    assert upload(client, auth, GOOD) == 200  # the next upload deletes what outlived its days
    assert not path.exists()
    assert files_holding([NIK], uploads) == {}
    assert readable_by_others(uploads) == []


def test_the_upload_of_a_draft_the_walidata_rejects_is_deleted(
    tmp_path: Path, deleting: tuple[TestClient, dict[str, str], Path]
) -> None:
    client, auth, uploads = deleting
    walidata = Accounts(tmp_path / "accounts.sqlite3").add("citra.walidata", "walidata", None)[1]
    assert upload(client, auth, GOOD) == 200
    assert len(files(uploads)) == 1  # the draft's file, waiting for the Walidata
    response = client.post(
        "/datasets/uji-penduduk/reject",
        json={"reason": "angka belum diperiksa"},
        headers={"Authorization": f"Bearer {walidata}"},
    )
    assert response.status_code == 200, response.text
    assert files(uploads) == {}
