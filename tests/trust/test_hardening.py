"""Hardening found missing in the second round (issue 19), through a real server.

Every answer carries a Content-Security-Policy, X-Content-Type-Options, X-Frame-Options
(and CSP frame-ancestors) and a Referrer-Policy; no error answer names a server path (a
mapping's path and line, a stored upload's path, the store's LOCK file); and ``onecenter
audit verify --path`` on a missing file or a folder is an error, not "intact: 0 entries"
or a traceback. That the pages still work under the policy is proved by ``tests/pages``
(Chromium fails a page on any console error, and a blocked script or style is one).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from graph.cli.commands import app
from graph.publish.platform import Platform
from tests.trust.figures import record_figures
from tests.trust.hostile import DATASET, Served, served_instance

PAGE_POLICY = {"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "object-src 'none'"}


@pytest.fixture
def served(tmp_path: Path, reference_folder: Path) -> Iterator[Served]:
    with served_instance(tmp_path, reference_folder, query_workers=1) as served:
        yield served


def policy(response: httpx.Response) -> set[str]:
    return {part.strip() for part in response.headers.get("content-security-policy", "").split(";")}


@pytest.mark.server
def test_every_answer_carries_the_security_headers(served: Served) -> None:
    html = {"accept": "text/html"}
    with httpx.Client(base_url=served.base, timeout=60) as client:
        answers = {
            "home page": client.get("/", headers=html),
            "SPARQL editor": client.get("/sparql", headers=html),
            "a static script": client.get("/static/js/sparql-editor.js"),
            "health (JSON)": client.get("/health"),
            "SPARQL results": client.get("/sparql", params={"query": "ASK {}"}),
            "a 404 page": client.get("/tidak-ada", headers=html),
            "a 400 error": client.get("/sparql", params={"query": "SELEC"}),
            "a 401 before the body": client.post(f"/ingest/{DATASET}", files={"file": ("a.csv", b"x")}),
            "a 413 before the body": client.post(
                "/sparql", content=b"x" * 200_000, headers={"content-type": "application/sparql-query"}
            ),
            "the API schema": client.get("/openapi.json"),
            "Swagger UI": client.get("/docs"),
        }
    for name, response in answers.items():
        headers = response.headers
        assert headers.get("x-content-type-options") == "nosniff", name
        assert headers.get("x-frame-options") == "DENY", name
        assert headers.get("referrer-policy") == "strict-origin-when-cross-origin", name
        assert "frame-ancestors 'none'" in policy(response), name
        if name != "Swagger UI":  # FastAPI's page loads Swagger UI from a CDN with an inline script
            assert PAGE_POLICY <= policy(response), name
            assert "'unsafe-inline'" not in next(p for p in policy(response) if p.startswith("script-src"))
    assert answers["home page"].status_code == 200 and answers["SPARQL editor"].status_code == 200
    record_figures("security_headers", {"answers_checked": len(answers)})


@pytest.mark.server
def test_error_answers_name_no_server_path(served: Served) -> None:
    folder = str(served.folder)
    upload = {"Authorization": f"Bearer {served.tokens['produsen']}"}
    answers: dict[str, httpx.Response] = {}
    with httpx.Client(base_url=served.base, timeout=120) as client:
        # Rejected cells name the stored upload (a path the server chose).
        bad_cells = b"kode_desa;tahun;jumlah\n1809012001;2023;abc\n1809012002;2023;xyz\n"
        answers["rejected cells"] = client.post(
            f"/ingest/{DATASET}", files={"file": ("t.csv", bad_cells)}, headers=upload
        )
        # A mapping that does not parse names its file and line.
        broken = served.settings.resolve(served.settings.mappings_dir) / "rusak.yaml"
        broken.write_text("dataset:\n  id: rusak\n  title: [tidak ditutup\n", encoding="utf-8")
        answers["broken mapping"] = client.post(
            f"/ingest/{DATASET}", files={"file": ("t.csv", bad_cells)}, headers=upload
        )
        broken.unlink()
        # Another writer holds the store: RocksDB's LOCK message names the store's folder.
        writer = Platform(served.settings)
        try:
            writer.store.count()
            good = b"kode_desa;tahun;jumlah\n1809012001;2023;5\n"
            for accept in ("application/json", "text/html"):
                answers[f"store locked ({accept})"] = client.post(
                    f"/ingest/{DATASET}",
                    files={"file": ("t.csv", good)},
                    headers={**upload, "accept": accept},
                )
        finally:
            writer.close()
    assert answers["rejected cells"].status_code == 422
    assert answers["broken mapping"].status_code == 422
    assert "rusak.yaml:" in answers["broken mapping"].text  # the file's name and line stay
    assert answers["store locked (application/json)"].status_code == 503
    assert "LOCK" in answers["store locked (application/json)"].json()["error"]
    for name, response in answers.items():
        assert folder not in response.text and "/tmp/" not in response.text, (name, response.text[:500])
    cells = answers["rejected cells"].json()["errors"]
    assert cells and all("/" not in cell["file"] and cell["file"].endswith(".csv") for cell in cells)


def test_audit_verify_refuses_a_missing_file_and_a_folder(tmp_path: Path) -> None:
    for given, says in ((tmp_path / "tidak-ada.jsonl", "not found"), (tmp_path, "a folder")):
        result = CliRunner().invoke(app, ["audit", "verify", "--path", str(given)])
        assert result.exit_code == 2, result.output
        assert isinstance(result.exception, SystemExit)  # no traceback
        assert "not a log file" in result.output and says in result.output
        assert "intact" not in result.output and "utuh" not in result.output
