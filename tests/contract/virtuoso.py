"""A real Virtuoso 7 for the contract suite: its own database folder, free ports, a user with
the SPARQL_UPDATE role reached through digest authentication, stopped at the end."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import httpx
import pyoxigraph as ox

from graph.store.sparql_server import Endpoints
from graph.store.virtuoso import VirtuosoStore
from tests.contract.server import _die_with_parent, free_port

TEMPLATE = Path(__file__).with_name("virtuoso.ini.in")
USER, PASSWORD = "onecenter", "uji-rahasia-7"
INSTALL = "apt-get install virtuoso-opensource-7 (Debian/Ubuntu), or run scripts/ensure_virtuoso.sh"


def missing() -> str | None:
    """Why Virtuoso cannot be started here, or None when it can."""
    absent = [name for name in ("virtuoso-t", "isql-vt") if shutil.which(name) is None]
    return (
        f"Virtuoso tidak terpasang / Virtuoso is not installed ({', '.join(absent)} missing): {INSTALL}"
        if absent
        else None
    )


class VirtuosoServer:
    """``virtuoso-t -f`` on 127.0.0.1 with its database in ``folder``."""

    def __init__(self, folder: Path, buffers: int = 20_000) -> None:
        self.folder = folder
        self.buffers = buffers
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""
        self.sql_port = 0

    def start(self) -> VirtuosoServer:
        for _ in range(3):  # another process may take a free port before the server does
            self.sql_port, http_port = free_port(), free_port()
            ini = self.folder / "virtuoso.ini"
            ini.write_text(
                TEMPLATE.read_text(encoding="utf-8").format(
                    dir=self.folder,
                    sql_port=self.sql_port,
                    http_port=http_port,
                    buffers=self.buffers,
                    dirty_buffers=self.buffers * 3 // 4,
                ),
                encoding="utf-8",
            )
            with (self.folder / "server.out").open("ab") as out:
                self.process = subprocess.Popen(
                    ["virtuoso-t", "-f", "-c", str(ini)],
                    cwd=self.folder,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    preexec_fn=_die_with_parent,
                )
            self.url = f"http://127.0.0.1:{http_port}"
            if self._ready():
                self._grant()
                return self
            self.stop()
        raise RuntimeError(f"virtuoso-t did not start; see {self.folder}/virtuoso.log")

    def _ready(self) -> bool:
        assert self.process is not None
        deadline = time.monotonic() + 60  # a new database is created on first start
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                if httpx.get(self.url + "/sparql", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    return True
            except httpx.TransportError:
                time.sleep(0.1)
        return False

    def _grant(self) -> None:
        """A user that may update through /sparql-auth (dba's password is the default on a
        database made here, on 127.0.0.1 only)."""
        sql = f"DB.DBA.USER_CREATE('{USER}', '{PASSWORD}'); GRANT SPARQL_UPDATE TO \"{USER}\";"
        done = subprocess.run(
            ["isql-vt", str(self.sql_port), "dba", "dba", f"exec={sql}"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if done.returncode != 0 or "Error" in done.stdout + done.stderr:
            raise RuntimeError(f"isql-vt could not create the user: {done.stdout}{done.stderr}")

    def store(self, **options: object) -> VirtuosoStore:
        endpoints = Endpoints.for_server(self.url, "virtuoso", authenticated=True)
        return VirtuosoStore(endpoints, user=USER, password=PASSWORD, **options)  # type: ignore[arg-type]

    def clear(self) -> None:
        with self.store() as store:
            for graph in [*store.named_graphs(), "urn:x-onecenter:default-graph"]:
                store.update(f"DROP SILENT GRAPH {ox.NamedNode(graph)}")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
