"""kill -9 of ``onecenter load`` at random points: one version published, never a mix.

Version A of the Dinsos KPM table is published into an on-disk store; then loads
of the other version are started as real ``onecenter load`` processes and killed
with SIGKILL after a random delay spanning the whole load. After every kill the
store is reopened (read-only, as the API's workers do) and the dataset's
observations, read through the public query path, must be exactly A's or exactly
B's; the catalogue must name one published graph; and the loads that follow
(killed again, or run to the end) must succeed and publish.

The random delays come from a seeded RNG (``TRUST_CRASH_SEED`` overrides the seed;
it is printed and recorded with the figures).
"""

from __future__ import annotations

import os
import random
import select
import signal
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from graph.publish.platform import Platform
from graph.rdf.iris import Iris
from graph.settings import PROJECT_DIR, Settings, load_settings
from graph.store.embedded import EmbeddedStore
from tests.conftest import copy_reference
from tests.trust.figures import record_figures
from tests.trust.versions import (
    DATASET,
    Version,
    published_observations,
    published_pointers,
    stray_version_graphs,
    which_version,
    write_versions,
)

pytestmark = pytest.mark.kill

SEED = int(os.environ.get("TRUST_CRASH_SEED", "20261128"))
KILLS = 16  # kills wanted
MIN_KILLS = 8  # kills required even when the machine is slow
BUDGET_S = 30.0  # no new kill is started after this long (the figures say how many ran): the
# suite's time; every kill point is still drawn from the seeded sequence, at least MIN_KILLS
COMPLETE_EVERY = 4  # after every fourth kill, a load runs to the end and must publish

# A small fork server: it imports the CLI once, then forks one ``onecenter load`` process per
# mapping it is sent and says "pid N"; it reaps each and says "exit N CODE". The loads are
# real processes running the real CLI, killed by pid; forking spares each one the seconds of
# imports (and on 2 busy cores, an import beside a load would slow the load it races).
# Each load's output goes to the log file, so a full pipe never blocks it.
FORK_SERVER = """
import os, sys
import graph.cli.commands
log = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT | os.O_APPEND)
print("ready", flush=True)
for line in sys.stdin:
    pid = os.fork()
    if pid == 0:
        os.dup2(log, 1)
        os.dup2(log, 2)
        sys.argv = ["onecenter", "load", line.strip()]
        try:
            graph.cli.commands.main()
        except SystemExit as exc:
            os._exit(exc.code if isinstance(exc.code, int) else 1)
        os._exit(0)
    print(f"pid {pid}", flush=True)
    _, status = os.waitpid(pid, 0)
    print(f"exit {pid} {os.waitstatus_to_exitcode(status)}", flush=True)
"""


class Loads:
    """Runs ``onecenter load`` processes through the fork server; kills them on request."""

    def __init__(self, folder: Path, env: dict[str, str], log: Path) -> None:
        self.log = log
        self.server = subprocess.Popen(
            [sys.executable, "-c", FORK_SERVER, str(log)],
            cwd=folder,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self._pending = b""
        assert self._line(120.0) == "ready", "the load fork server did not start"

    def _line(self, timeout_s: float) -> str | None:
        """The server's next line, or None when none came within ``timeout_s``."""
        assert self.server.stdout is not None
        fd = self.server.stdout.fileno()  # read unbuffered: select sees the pipe, not a buffer
        deadline = time.monotonic() + timeout_s
        while b"\n" not in self._pending:
            ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                return None
            data = os.read(fd, 4096)
            assert data, f"the load fork server died; see {self.log}"
            self._pending += data
        line, self._pending = self._pending.split(b"\n", 1)
        return line.decode().strip()

    def run(self, mapping: Path, kill_after_s: float | None) -> tuple[bool, float]:
        """One load, killed with SIGKILL after ``kill_after_s`` unless it ended first.

        Returns (killed, seconds it ran).
        """
        assert self.server.stdin is not None
        self.server.stdin.write(f"{mapping}\n")
        self.server.stdin.flush()
        started = time.monotonic()
        reply = self._line(60.0)
        assert reply is not None and reply.startswith("pid "), reply
        pid = int(reply.split()[1])
        ended = self._line(kill_after_s if kill_after_s is not None else 300.0)
        killed = ended is None and kill_after_s is not None
        if killed:
            os.kill(pid, signal.SIGKILL)
            ended = self._line(60.0)
        seconds = time.monotonic() - started
        assert ended is not None and ended.startswith(f"exit {pid} "), ended
        code = int(ended.split()[2])
        if killed:
            # It may have ended by itself just before the signal.
            killed = code == -signal.SIGKILL
        assert killed or code == 0, (
            f"load exited with {code}; see {self.log}:\n{self.log.read_text()[-3000:]}"
        )
        return killed, seconds

    def close(self) -> None:
        assert self.server.stdin is not None and self.server.stdout is not None
        self.server.stdin.close()
        self.server.wait(timeout=30)
        self.server.stdout.close()


def child_env(settings: Settings, folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONECENTER_")}
    env.update(
        ONECENTER_STORE_PATH=str(settings.store_location),
        ONECENTER_REPORTS_DIR=str(folder / "reports"),
        ONECENTER_CONFIG=str(folder / "no-onecenter.toml"),
        PYTHONPATH=str(PROJECT_DIR),
    )
    return env


def published_quads(location: Path, iris: Iris) -> int:
    store = EmbeddedStore(location, read_only=True)
    try:
        (graph,) = published_pointers(store, iris)
        return store.count(graph)
    finally:
        store.close()


def inspect(location: Path, iris: Iris, versions: dict[str, Version]) -> tuple[str | None, list[str], int]:
    """Reopen the store read-only: (published version, stray graphs, quads in the strays)."""
    store = EmbeddedStore(location, read_only=True)
    try:
        pointers = published_pointers(store, iris)
        assert len(pointers) == 1, f"the catalogue names {len(pointers)} published graphs: {pointers}"
        version = which_version(published_observations(store, iris), versions)
        strays = stray_version_graphs(store, iris)
        return version, strays, sum(store.count(g) for g in strays)
    finally:
        store.close()


@dataclass
class Campaign:
    """Loads killed at random points, one run to the end every few kills, and what each left."""

    loads: Loads
    location: Path
    iris: Iris
    versions: dict[str, Version]
    published: str  # the version the public sees now
    durations: list[float]  # of loads that ran to the end: they set the kill window
    version_quads: int
    outcomes: Counter[str] = field(default_factory=Counter)
    kills: int = 0
    completed: int = 0
    largest_stray: int = 0
    delays: list[float] = field(default_factory=list)

    def _target(self) -> str:
        return "A" if self.published == "B" else "B"

    def complete_one(self) -> None:
        """The next load after a kill succeeds, publishes and clears the leftovers."""
        target = self._target()
        killed, seconds = self.loads.run(self.versions[target].mapping, None)
        self.durations.append(seconds)
        after, strays, _ = inspect(self.location, self.iris, self.versions)
        assert not killed and after == target and not strays, (after, strays)
        self.published = after
        self.completed += 1

    def kill_one(self, rng: random.Random) -> None:
        """Start a load of the other version, kill it after a random delay, and check the store."""
        target = self._target()
        # Loads on a busy machine vary: the window follows the loads that ran to the end.
        delay = rng.uniform(0.0, statistics.median(self.durations) * 1.05)
        killed, seconds = self.loads.run(self.versions[target].mapping, delay)
        after, strays, stray_quads = inspect(self.location, self.iris, self.versions)
        assert after in (self.published, target), (
            f"after a kill {delay:.2f} s into loading {target} over {self.published}, the public "
            f"observations are neither A nor B (seed {SEED})"
        )
        if not killed:
            self.outcomes["finished before the kill"] += 1
            self.durations.append(seconds)
            assert after == target and not strays
            self.published = after
            return
        self.kills += 1
        self.delays.append(round(delay, 2))
        self.largest_stray = max(self.largest_stray, stray_quads)
        if after == target:
            point = "after publication"
        elif not strays:
            point = "before writing"
        elif stray_quads < self.version_quads:
            point = "while writing the version graph"
        else:
            point = "after writing, before publication"
        self.outcomes[point] += 1
        self.published = after
        if self.kills % COMPLETE_EVERY == 0:
            self.complete_one()


@pytest.mark.slow
def test_kill_9_during_load_leaves_previous_or_new_version(tmp_path: Path, reference_folder: Path) -> None:
    print(f"\n[trust] crash safety seed {SEED} (set TRUST_CRASH_SEED to replay)")
    rng = random.Random(SEED)
    versions = write_versions(tmp_path)
    # The worker's reference store copied (loading it on disk takes seconds), its chain beside it.
    store = copy_reference(reference_folder, tmp_path)
    settings = load_settings(store_path=str(store), reports_dir=str(tmp_path / "reports"))
    location = settings.store_location
    assert location is not None
    iris = Iris(settings.base_iri)

    platform = Platform(settings)
    try:
        assert platform.load(versions["A"].mapping).outcome == "published"
    finally:
        platform.close()
    assert inspect(location, iris, versions)[0] == "A"

    loads = Loads(tmp_path, child_env(settings, tmp_path), tmp_path / "loads.log")
    began = time.monotonic()
    try:
        # One load run to the end: it must publish B, and its length sets the kill window.
        _, first_s = loads.run(versions["B"].mapping, None)
        published, strays, _ = inspect(location, iris, versions)
        assert published == "B" and not strays
        run = Campaign(loads, location, iris, versions, published, [first_s], published_quads(location, iris))
        while run.kills < KILLS and (run.kills < MIN_KILLS or time.monotonic() - began < BUDGET_S):
            run.kill_one(rng)
        run.complete_one()  # and after the last kill, one more load to the end
    finally:
        loads.close()

    assert run.kills >= MIN_KILLS
    record_figures(
        "crash_safety",
        {
            "seed": SEED,
            "kills": run.kills,
            "kills_survived": run.kills,  # every kill passed the checks above, or the test failed
            "kills_by_point": dict(run.outcomes),
            "loads_completed_after_kills": run.completed,
            "version_graph_quads": run.version_quads,
            "largest_stray_graph_quads": run.largest_stray,
            "load_seconds_median": round(statistics.median(run.durations), 2),
            "kill_delays_s": run.delays,
            "seconds": round(time.monotonic() - began, 1),
            "dataset": DATASET,
            "observations_per_version": len(versions["A"].observations),
        },
    )
