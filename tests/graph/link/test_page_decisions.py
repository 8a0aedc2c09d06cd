"""Decisions taken on the pages: written beside aliases.yaml, read with it, the hand-kept file winning."""

from __future__ import annotations

import datetime as dt
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from graph.errors import MappingError
from graph.link.names import Decisions, NameRules
from graph.link.page_decisions import page_decisions_path, read_none_of_these, record_decision
from graph.link.regions import RegionLinker
from graph.reference.regions import RegionIndex
from tests.graph.link.conftest import REPO

AT = dt.datetime(2026, 12, 6, 5, 0, tzinfo=dt.UTC)
BAGELEN, CIPADANG = "18.09.01.2007", "18.09.01.2003"


@pytest.fixture
def mappings(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "mappings" / "linking", tmp_path / "linking")
    return tmp_path


def decide(mappings: Path, variant: str, code: str | None, who: str = "ani") -> None:
    record_decision(
        mappings,
        variant=variant,
        level="desa",
        parent="Gedong Tataan",
        code=code,
        decided_by=who,
        dataset="uji",
        at=AT,
    )


def test_a_page_decision_links_the_name_for_the_cli_s_linker(mappings: Path) -> None:
    linker = RegionLinker.from_folders(REPO / "ontology", mappings, "18.09")
    assert linker.resolve_name("Bagelan", "Gedong Tataan", "desa").code is None
    decide(mappings, "Bagelan", BAGELEN)
    linker = RegionLinker.from_folders(REPO / "ontology", mappings, "18.09")
    link = linker.resolve_name("Bagelan", "Gedong Tataan", "desa")
    assert (link.code, link.method) == (BAGELEN, "keputusan")
    written = yaml.safe_load(page_decisions_path(mappings).read_text(encoding="utf-8"))
    assert written["decisions"][0]["decided_by"] == "ani"
    assert written["decisions"][0]["decided_at"] == "2026-12-06T05:00:00+00:00"
    assert page_decisions_path(mappings).read_text(encoding="utf-8").startswith("# Keputusan")


def test_a_later_decision_replaces_and_aliases_yaml_wins(
    mappings: Path, rules: NameRules, index: RegionIndex
) -> None:
    decide(mappings, "Bagelan", CIPADANG)
    decide(mappings, "bagelan", BAGELEN, who="budi")  # the same name, written otherwise
    written = yaml.safe_load(page_decisions_path(mappings).read_text(encoding="utf-8"))
    assert [(d["code"], d["decided_by"]) for d in written["decisions"]] == [(BAGELEN, "budi")]
    aliases = mappings / "linking" / "aliases.yaml"
    entry = {
        "variant": "Bagelan",
        "level": "desa",
        "parent": "Gedong Tataan",
        "code": CIPADANG,
        "decided_by": "walidata",
        "decided_on": "2026-12-01",
    }
    aliases.write_text(yaml.safe_dump({"decisions": [entry]}), encoding="utf-8")
    found = Decisions.of_mappings(mappings, rules, set(index.names)).find("Bagelan", "Gedong Tataan", "desa")
    assert found is not None and (found.code, found.decided_by) == (CIPADANG, "walidata")


def test_none_of_these_is_kept_apart_and_links_nothing(mappings: Path) -> None:
    decide(mappings, "Bagelan", BAGELEN)
    decide(mappings, "Bagelan", None)
    refused = read_none_of_these(mappings)
    assert ("desa", "Bagelan", "Gedong Tataan") in refused
    assert ("desa", "Bagelen", "Gedong Tataan") not in refused
    written = yaml.safe_load(page_decisions_path(mappings).read_text(encoding="utf-8"))
    assert written["decisions"] == []  # the earlier choice is withdrawn


def test_decisions_at_once_lose_nothing(mappings: Path) -> None:
    names = [f"Nama {i}" for i in range(24)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda n: decide(mappings, n, BAGELEN), names))
    written = yaml.safe_load(page_decisions_path(mappings).read_text(encoding="utf-8"))
    assert sorted(d["variant"] for d in written["decisions"]) == sorted(names)


def test_an_unknown_level_is_refused(mappings: Path) -> None:
    with pytest.raises(MappingError, match="unknown level"):
        record_decision(
            mappings, variant="X", level="dusun", parent=None, code=None, decided_by="a", dataset="d", at=AT
        )
