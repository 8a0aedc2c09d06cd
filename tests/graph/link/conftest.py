"""Fixtures shared by the region-linking tests: the shipped code list and name rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.link.names import NameRules
from graph.reference.regions import RegionIndex

REPO = Path(__file__).resolve().parents[3]
CODES = REPO / "ontology" / "codes" / "wilayah_lampung.csv"
RULES = REPO / "mappings" / "linking" / "name_rules.yaml"


@pytest.fixture(scope="module")
def index() -> RegionIndex:
    return RegionIndex.from_csv(CODES)


@pytest.fixture(scope="module")
def rules() -> NameRules:
    return NameRules.from_yaml(RULES)
