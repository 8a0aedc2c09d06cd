"""kill -9 between a publication's pointer move and its audit entry: the chain catches up.

A publication moves the dataset's pointer in the store (with its provenance record, one
update) and appends its ``publication`` entry to the audit chain after. Killed in between,
it left a version in force that the chain never named, and ``onecenter audit verify``
still said "intact" (issue 19, case 6). Here a real ``onecenter load`` (which publishes
its own draft, ``settle``) and a real ``onecenter publish`` (the Walidata publishing a
held draft, ``publish_held``) run against an on-disk store and are killed with SIGKILL at
exactly that moment. Then ``audit verify`` must fail naming the dataset; opening the store
for writing (the platform, the service at start) must chain the version, marked
``recovered``, with what the store's provenance says; verify must pass; and a second
opening must append nothing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.app import create_app
from graph.cli.commands import app
from graph.provenance.chain import AuditChain
from graph.provenance.chain_entries import Entry
from graph.publish.platform import Platform
from graph.rdf.iris import Iris
from graph.settings import PROJECT_DIR, Settings, load_settings
from graph.store.embedded import EmbeddedStore
from graph.store.versions import EVERYONE_INTERNAL, published_datasets
from tests.conftest import write_small_table
from tests.trust.figures import record_figures

pytestmark = pytest.mark.kill

DATASET = "uji-penduduk"
PUBLISHER = "petugas-uji"  # who runs the killed command; the one who recovers is someone else

# The killed command. It dies from inside, at the one moment under test: the store's
# pointer has moved (``settle`` and ``publish_held`` chain the publication after the store
# update) and the entry is not written yet. A monkeypatch in this child process rather than
# a hook in graph/: the product reads no test's variable, and a kill on a timer cannot hit
# a window this narrow. SIGKILL to itself: no ``finally``, no ``atexit``, no flush, as kill -9.
KILLED_AT_THE_ENTRY = """
import os, signal, sys
import graph.cli.commands
from graph.publish.instance import Instance

append_entry = Instance.audit

def audit(self, kind, *args, **kwargs):
    if kind == "publication":
        os.kill(os.getpid(), signal.SIGKILL)
    return append_entry(self, kind, *args, **kwargs)

Instance.audit = audit
sys.argv = ["onecenter", *sys.argv[1:]]
graph.cli.commands.main()
"""


def environment(folder: Path) -> dict[str, str]:
    return {
        "ONECENTER_STORE_PATH": str(folder / "store"),
        "ONECENTER_REPORTS_DIR": str(folder / "reports"),
        "ONECENTER_CONFIG": str(folder / "no-onecenter.toml"),
    }


def run_killed(folder: Path, *command: str) -> None:
    """Run ``onecenter COMMAND`` in a child process that kills itself at the publication entry."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONECENTER_")}
    env.update(environment(folder), ONECENTER_AGENT=PUBLISHER, PYTHONPATH=str(PROJECT_DIR))
    done = subprocess.run(
        [sys.executable, "-c", KILLED_AT_THE_ENTRY, *command],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == -signal.SIGKILL, f"not killed ({done.returncode}):\n{done.stderr[-3000:]}"


def pointer(settings: Settings) -> str:
    """The dataset's published version graph, read as a reader would (read-only)."""
    location = settings.store_location
    assert location is not None
    store = EmbeddedStore(location, read_only=True)
    try:
        iris = Iris(settings.base_iri)
        return published_datasets(store, iris, EVERYONE_INTERNAL)[iris.dataset(DATASET)]
    finally:
        store.close()


def publications(chain: AuditChain) -> list[Entry]:
    return [e for e in chain.entries() if e.kind == "publication"]


def verify() -> tuple[int, str]:
    result = CliRunner().invoke(app, ["audit", "verify"])
    return result.exit_code, result.output


def open_platform() -> None:
    Platform(load_settings()).close()


def start_service() -> None:
    # The lifespan runs at the client's start: the service chains what is missing then.
    with TestClient(create_app(load_settings(query_workers=1, columnar_view=False))) as client:
        assert client.get("/health").status_code == 200


OPENERS = {"platform": open_platform, "service": start_service}


def crash(folder: Path, settings: Settings, killed: str) -> tuple[str, str]:
    """Publish version 1 in full, then kill ``onecenter load`` (or ``publish``) of version 2
    at its audit entry; returns (version 1's graph, version 2's graph now in force)."""
    mapping = write_small_table(folder, [str(1000 + i) for i in range(20)])
    platform = Platform(settings)
    try:
        assert platform.load(mapping).outcome == "published"
        write_small_table(folder, [str(2000 + i) for i in range(20)])
        if killed == "publish":  # a held draft for the Walidata to publish
            assert platform.load(mapping, publish=False).outcome == "held"
    finally:
        platform.close()
    before = pointer(settings)
    run_killed(folder, *(["load", str(mapping)] if killed == "load" else ["publish", DATASET]))
    return before, pointer(settings)


def assert_verify_names_the_missing_version(in_force: str) -> None:
    """``audit verify`` fails naming the dataset and the version, and says what to do."""
    code, output = verify()
    assert code == 1, output
    flat = " ".join(output.split())
    assert "tidak lengkap / audit chain incomplete" in flat
    assert f"dataset {DATASET}: versi terbit {in_force} tidak tercatat" in flat
    assert f"dataset {DATASET}: the published version {in_force} is not in the audit chain" in flat
    assert "onecenter audit record" in flat
    as_json = json.loads(CliRunner().invoke(app, ["audit", "verify", "--json"]).stdout)
    assert as_json["ok"] is False and as_json["broken"] is None
    assert [(u["dataset_id"], u["graph"]) for u in as_json["unrecorded"]] == [(DATASET, in_force)]


def assert_recovered(entry: dict[str, Any], iris: Iris, killed: str, in_force: str) -> None:
    """The entry chains the version in force with what the store's provenance says."""
    payload = entry["payload"]
    activity = iris.load(in_force.rsplit("/", 1)[-1]) if killed == "load" else entry["subjects"][1]
    assert entry["kind"] == "publication"
    assert entry["subjects"] == [iris.dataset(DATASET), activity, in_force]
    assert entry["actor"] == PUBLISHER  # who published, as the store's provenance says
    assert payload["recovered"] is True and payload["reason"] == "interrupted"
    assert payload["note"] == (
        "dicatat saat mulai: penerbitan terputus sebelum tercatat / recorded on start: "
        "a publication interrupted before it was recorded"
    )
    assert payload["dataset"] == DATASET and payload["graph"] == in_force
    assert payload["activity"] == activity and payload["agent"] == PUBLISHER
    assert payload["started"] and payload["ended"]
    if killed == "load":  # a version graph is named by the load that wrote it
        assert payload["load_id"] == in_force.rsplit("/", 1)[-1]
    else:
        assert activity.startswith(iris.publication("")) and payload["publication_id"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("killed", "opener"),
    [("load", "platform"), ("publish", "service")],
    ids=["load-then-platform", "publish-then-service"],
)
def test_a_publication_killed_before_its_entry_is_chained_when_the_store_is_next_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, killed: str, opener: str
) -> None:
    began = time.monotonic()
    for name, value in environment(tmp_path).items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    chain_path = settings.audit_location
    assert chain_path is not None
    chain = AuditChain(chain_path)

    before, in_force = crash(tmp_path, settings, killed)
    # The crash as it was found: the new version is in force, the chain names the old one.
    assert in_force != before
    assert publications(chain)[-1].subjects[-1] == before
    log = chain_path.read_bytes()

    # (a) verify fails naming the dataset, and changes nothing.
    assert_verify_names_the_missing_version(in_force)
    assert chain_path.read_bytes() == log

    # (b) opening the store for writing chains the version in force, from the store's record.
    OPENERS[opener]()
    added = chain_path.read_bytes()[len(log) :].decode().splitlines()
    assert len(added) == 1, added
    assert_recovered(json.loads(added[0]), Iris(settings.base_iri), killed, in_force)

    # (c) verify passes.
    code, output = verify()
    assert code == 0, output

    # (d) a second opening, by each kind of writer, appends nothing.
    recorded = chain_path.read_bytes()
    open_platform()
    start_service()
    again = CliRunner().invoke(app, ["audit", "record"])
    assert again.exit_code == 0 and "nothing missing" in again.output
    assert chain_path.read_bytes() == recorded
    assert chain.verify().ok

    record_figures(
        f"audit_pointers_{killed}",
        {"killed": killed, "recovered_by": opener, "seconds": round(time.monotonic() - began, 1)},
    )
