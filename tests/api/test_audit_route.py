"""``/audit`` over HTTP (JSON and the page) and the chain's head on the catalogue and home page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.publish.platform import Platform
from graph.settings import load_settings
from tests.conftest import write_small_table


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, Path]]:
    """A small table loaded with an audit log, served in-process."""
    folder = tmp_path_factory.mktemp("audit-api")
    log = folder / "audit" / "chain.jsonl"
    platform = Platform(load_settings(store_path=":memory:", audit_path=str(log)))
    platform.load_reference()
    assert platform.load(write_small_table(folder, [str(1000 + i) for i in range(20)])).outcome == "published"
    with TestClient(create_app(platform.settings, platform.store)) as client:
        yield client, log
    platform.close()


def last_hash(log: Path) -> str:
    return str(json.loads(log.read_text(encoding="utf-8").splitlines()[-1])["hash"])


def test_audit_json_reports_an_intact_chain_and_its_head(served: tuple[TestClient, Path]) -> None:
    client, log = served
    response = client.get("/audit")
    assert response.status_code == 200
    body = response.json()
    assert body == {"ok": True, "entries": 5, "verified": 5, "head": last_hash(log), "broken": None}


def test_audit_names_the_first_broken_entry_after_tampering(served: tuple[TestClient, Path]) -> None:
    client, log = served
    original = log.read_bytes()
    try:
        lines = original.decode().splitlines(keepends=True)
        lines[3] = lines[3].replace('"violations":0', '"violations":9', 1)
        log.write_text("".join(lines), encoding="utf-8")
        body = client.get("/audit").json()
        assert body["ok"] is False and body["verified"] == 3
        assert body["broken"]["line"] == 4 and body["broken"]["seq"] == 4
        assert body["broken"]["reason"] == "hash-mismatch"
        page = client.get("/audit", headers={"Accept": "text/html"})
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert "Rantai audit rusak" in page.text and "Audit chain broken" in page.text
        assert "hash-mismatch" in page.text
    finally:
        log.write_bytes(original)


def test_audit_checks_a_recorded_head(served: tuple[TestClient, Path]) -> None:
    client, log = served
    assert client.get("/audit", params={"head": last_hash(log)}).json()["ok"] is True
    body = client.get("/audit", params={"head": "ab" * 32}).json()
    assert body["ok"] is False and body["broken"]["reason"] == "head-missing"


def test_audit_page_shows_the_head_to_record_and_the_latest_entries(served: tuple[TestClient, Path]) -> None:
    client, log = served
    page = client.get("/audit", headers={"Accept": "text/html"}).text
    assert "Rantai utuh" in page and "Chain intact" in page
    assert last_hash(log) in page
    assert "publication" in page and "link-decisions" in page


def test_catalogue_and_home_page_show_the_head(served: tuple[TestClient, Path]) -> None:
    client, log = served
    head = client.get("/catalog.json").json()["audit_head"]
    assert head == {
        "hash": last_hash(log),
        "seq": 5,
        "time": json.loads(log.read_text(encoding="utf-8").splitlines()[-1])["time"],
        "verify": "http://testserver/audit",
    }
    home = client.get("/").text
    assert "Kepala rantai audit" in home and last_hash(log) in home


def test_audit_is_404_when_the_chain_is_off() -> None:
    settings = load_settings(store_path=":memory:")
    assert settings.audit_location is None
    with TestClient(create_app(settings)) as client:
        response = client.get("/audit")
        assert response.status_code == 404 and "audit" in response.json()["error"]
        assert client.get("/catalog.json").json()["audit_head"] is None
