"""Fixtures of the describe tests: the catalogue of the demo graph, read once."""

from __future__ import annotations

import pytest

from graph.describe.catalog import Catalog, read_catalog
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform

Demo = tuple[Platform, list[LoadReport]]


@pytest.fixture(scope="session")
def catalog(demo: Demo) -> Catalog:
    platform, _ = demo
    return read_catalog(platform.store, platform.iris, platform.settings.home_region)
