"""The demo platform served in-process: one app per test module, over the session's demo store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform


@pytest.fixture(scope="module")
def client(demo: tuple[Platform, list[LoadReport]]) -> Iterator[TestClient]:
    platform, _ = demo
    with TestClient(create_app(platform.settings, platform.store)) as c:
        yield c
