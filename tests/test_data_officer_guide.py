"""The data officer's guide (docs/panduan-petugas-data.md) runs as written.

An instance holds the demo, as the Walidata would have it (a copy of the worker's on-disk demo
store: ``onecenter build`` itself is run by tests/api/test_sparql.py's build-then-serve test);
then every block of the guide named with a file is written to that file in the instance's
project, and every command is run in order with the real CLI, as a data officer would type it.
The guide's new agency, unit and indicators must load, the dry run must publish nothing, and the
load must publish.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from graph.settings import PROJECT_DIR

pytestmark = pytest.mark.slow  # runs the CLI on a copy of the demo

GUIDE = PROJECT_DIR / "docs" / "panduan-petugas-data.md"
ONECENTER = Path(sys.executable).parent / "onecenter"
# A marker line, then a fenced block: the file it is written to, or a command to run.
BLOCK = re.compile(r"<!-- (contoh: (?P<path>\S+)|jalankan) -->\n```[a-z]*\n(?P<body>.*?)```", re.S)


def guide_blocks() -> tuple[dict[str, str], list[str]]:
    files: dict[str, str] = {}
    commands: list[str] = []
    for match in BLOCK.finditer(GUIDE.read_text(encoding="utf-8")):
        if match["path"]:
            files[match["path"]] = match["body"]
        else:
            commands += [line for line in match["body"].splitlines() if line.strip()]
    return files, commands


def run(command: str, project: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    words = shlex.split(command)
    assert words[0] == "onecenter", command
    return subprocess.run(
        [str(ONECENTER), *words[1:]], cwd=project, env=env, capture_output=True, text=True, timeout=600
    )


def test_the_guides_blocks_are_found() -> None:
    files, commands = guide_blocks()
    assert set(files) == {
        "data/diskan_perikanan_desa_2024.csv",
        "ontology/perikanan.ttl",
        "mappings/diskan-perikanan-desa.yaml",
    }
    assert [c.split()[1] for c in commands] == ["load", "load", "query"]


def test_the_guide_takes_a_new_agency_from_its_table_to_a_published_dataset(
    tmp_path: Path, demo_on_disk: Path
) -> None:
    project = tmp_path / "proyek"
    for folder in ("ontology", "shapes", "mappings", "data", "questions"):
        shutil.copytree(PROJECT_DIR / folder, project / folder)
    env = {
        **os.environ,
        "ONECENTER_PROJECT_DIR": str(project),
        "ONECENTER_STORE_PATH": str(tmp_path / "store"),
        "ONECENTER_REPORTS_DIR": str(tmp_path / "reports"),
        "ONECENTER_AUDIT_PATH": str(tmp_path / "audit.jsonl"),
        "COLUMNS": "200",
    }
    shutil.copytree(demo_on_disk, tmp_path / "store")  # the demo, as `onecenter build` writes it
    files, commands = guide_blocks()
    for path, body in files.items():
        (project / path).write_text(body, encoding="utf-8")
    dry_run, load_it, count = commands
    dry = run(dry_run, project, env)
    assert dry.returncode == 0, dry.stdout + dry.stderr
    before = run(count, project, env)
    assert re.search(r"\b0\b", before.stdout + before.stderr), "the dry run published something"
    load, query = run(load_it, project, env), run(count, project, env)
    assert load.returncode == 0, load.stdout + load.stderr
    assert "terbit" in load.stdout + load.stderr
    # Ten desa, two indicators: every observation published, the total row dropped.
    assert query.returncode == 0, query.stderr
    assert re.search(r"\b20\b", query.stdout + query.stderr), query.stdout + query.stderr
    problems = (tmp_path / "reports" / "diskan-perikanan-desa-masalah.csv").read_text(encoding="utf-8-sig")
    assert "JUMLAH" in problems and "baris jumlah" in problems
