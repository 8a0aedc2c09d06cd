"""``onecenter audit verify`` and ``show`` on the log a real on-disk load wrote."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from graph.cli.commands import app
from tests.conftest import copy_reference, write_small_table

# Slow: loads a table through the command line into an on-disk store.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory, reference_folder: Path) -> Path:
    """The audit log beside an on-disk store after `onecenter load` of a small table, on a copy
    of the worker's reference store (its chain beside it holds the reference's entries)."""
    folder = tmp_path_factory.mktemp("cli-audit")
    store = copy_reference(reference_folder, folder)
    env = {"ONECENTER_STORE_PATH": str(store), "ONECENTER_REPORTS_DIR": str(folder / "reports")}
    mapping = write_small_table(folder, [str(1000 + i) for i in range(20)])
    with pytest.MonkeyPatch.context() as mp:
        for name, value in env.items():
            mp.setenv(name, value)
        loaded = CliRunner().invoke(app, ["load", str(mapping)])
    assert loaded.exit_code == 0, loaded.output
    path = folder / "audit" / "chain.jsonl"  # beside the store, by default
    assert path.exists()
    return path


def test_verify_passes_on_the_log_of_a_load_and_prints_its_head(log: Path) -> None:
    result = CliRunner().invoke(app, ["audit", "verify", "--path", str(log)])
    assert result.exit_code == 0, result.output
    head = json.loads(log.read_text(encoding="utf-8").splitlines()[-1])["hash"]
    assert result.stdout.strip().splitlines()[-1] == head
    assert "utuh / chain intact" in result.output


def test_verify_fails_naming_the_first_broken_entry(log: Path, tmp_path: Path) -> None:
    lines = log.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[0], lines[1] = lines[1], lines[0]
    copy = tmp_path / "chain.jsonl"
    copy.write_text("".join(lines), encoding="utf-8")
    result = CliRunner().invoke(app, ["audit", "verify", "--path", str(copy)])
    assert result.exit_code == 1
    assert "rantai audit rusak / audit chain broken" in result.output.lower()
    assert "(reordered)" in result.output and "baris 1 / line 1" in result.output
    assert result.stdout.strip().splitlines()[-1] == "0" * 64  # nothing before it holds

    as_json = CliRunner().invoke(app, ["audit", "verify", "--path", str(copy), "--json"])
    body = json.loads(as_json.stdout)
    assert as_json.exit_code == 1 and body["ok"] is False
    assert body["broken"]["line"] == 1 and body["broken"]["seq"] == 2


def test_verify_with_a_recorded_head_catches_a_cut_tail(log: Path, tmp_path: Path) -> None:
    recorded = (
        CliRunner().invoke(app, ["audit", "verify", "--path", str(log)]).stdout.strip().splitlines()[-1]
    )
    copy = tmp_path / "chain.jsonl"
    copy.write_text("".join(log.read_text(encoding="utf-8").splitlines(keepends=True)[:-2]), encoding="utf-8")
    assert CliRunner().invoke(app, ["audit", "verify", "--path", str(copy)]).exit_code == 0
    result = CliRunner().invoke(app, ["audit", "verify", "--path", str(copy), "--head", recorded])
    assert result.exit_code == 1 and "head-missing" in result.output


def test_show_lists_the_last_entries(log: Path) -> None:
    result = CliRunner().invoke(app, ["audit", "show", "--path", str(log), "--last", "3"])
    assert result.exit_code == 0, result.output
    assert "validation" in result.output and "publication" in result.output
    assert "reference" not in result.output  # the first entries are not among the last three
