"""What the insight tests share: the demo graph's insight catalogue."""

from __future__ import annotations

import pytest

from graph.insight.catalogue import InsightCatalogue, read_catalogue
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform

Demo = tuple[Platform, list[LoadReport]]


@pytest.fixture(scope="module")
def catalogue(demo: Demo) -> InsightCatalogue:
    platform, _ = demo
    return read_catalogue(platform.store, platform.iris, platform.settings.home_region)
