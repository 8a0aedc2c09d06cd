"""Schemathesis against the service's own OpenAPI schema, on a real uvicorn server.

Every operation the schema describes gets generated requests (valid and not), with
and without an admin token; the service must never answer 5xx (a query past its time
limit is the one 503 the schema promises), and every JSON error must be in the one
shape ``{"ok": false, "status": N, "error": "...", "errors": [...]}``. The number of
cases run is printed (``-s``) for the notes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from api.app import create_app
from graph.publish.accounts import Accounts
from graph.settings import load_settings
from tests.api.test_sparql_server import disk_store  # noqa: F401  (fixture)
from tests.servers import running_server

pytestmark = [pytest.mark.server, pytest.mark.fuzz]

CASES: dict[str, int] = {}
EXAMPLES = 3  # per operation, each sent without and with a token (the suite stays under 15 min)
ERROR_KEYS = {"ok", "status", "error", "errors"}


@pytest.fixture(scope="module")
def fuzz_server(disk_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:  # noqa: F811
    """(base URL, admin token) of a real server on the on-disk demo store."""
    folder = tmp_path_factory.mktemp("fuzz")
    settings_ = load_settings(
        store_path=str(disk_store),
        query_timeout_ms=2000,
        query_workers=2,
        accounts_path=str(folder / "accounts.sqlite3"),
        uploads_dir=str(folder / "uploads"),
        upload_max_bytes=100_000,
    )
    _, token = Accounts(folder / "accounts.sqlite3").add("fuzz.admin", "admin")
    with running_server(create_app(settings_), "uvicorn-fuzz") as base:
        yield base, token
    print(f"\nschemathesis cases: {sum(CASES.values())} over {len(CASES)} operations")


def one_error_shape(response: schemathesis.Response) -> None:
    if response.status_code < 400:
        return
    if "json" not in response.headers.get("content-type", [""])[0]:
        return  # an HTML error page for a browser, or a 406 in the only format offered
    body = response.json()
    assert isinstance(body, dict) and ERROR_KEYS <= body.keys(), body
    assert body["ok"] is False and body["status"] == response.status_code, body


def allowed_status(response: schemathesis.Response) -> None:
    # 503 is the documented answer to a query stopped at its time limit (or a busy store).
    assert response.status_code < 500 or response.status_code == 503, response.text[:500]


def operations(base: str) -> list[Any]:
    loaded = schemathesis.openapi.from_url(f"{base}/openapi.json")
    # An operation the schema cannot describe fails the test here (``ok()`` raises its error).
    return [result.ok() for result in loaded.get_all_operations()]  # type: ignore[union-attr]


def test_the_api_keeps_its_schema_under_generated_requests(fuzz_server: tuple[str, str]) -> None:
    base, token = fuzz_server
    found = operations(base)
    assert len(found) > 30, [op.label for op in found]  # the schema describes the whole API
    for operation in found:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,  # the same cases on every run: CI is not flaky
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: Any) -> None:
            for headers in ({}, {"Authorization": f"Bearer {token}"}):
                # A correctness test, on a busy machine: a slow answer is not a failure.
                response = case.call(base_url=base, headers=headers, timeout=120)
                allowed_status(response)
                one_error_shape(response)
                CASES[case.operation.label] = CASES.get(case.operation.label, 0) + 1

        check()
    # Each operation ran (a few have fewer distinct cases than EXAMPLES).
    assert len(CASES) == len(found) and sum(CASES.values()) >= len(found) * 2 * EXAMPLES * 3 // 4
