"""What the hostile-request tests share: a served on-disk store, accounts, and raw HTTP.

``served_instance`` builds what ``onecenter serve`` serves (an on-disk store with the
reference graphs, query worker processes, an accounts file with a Produsen Data and the
Walidata, the small test dataset's mapping) and runs it in a real uvicorn server.
``raw_exchange`` sends a request head and only the start of a body over a socket, then
reads the answer: it proves that the server answered *before* the rest of the body came
(the old server waited for all of it, and the read timed out).
"""

from __future__ import annotations

import http.client
import shutil
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from api.app import create_app
from graph.publish.accounts import Accounts
from graph.settings import PROJECT_DIR, Settings, load_settings
from tests.conftest import SMALL_MAPPING, copy_reference
from tests.servers import running_server

DATASET = "uji-penduduk"


@dataclass
class Served:
    base: str
    settings: Settings
    tokens: dict[str, str]
    folder: Path

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


@contextmanager
def served_instance(folder: Path, reference: Path, **overrides: Any) -> Iterator[Served]:
    """A real server over a fresh on-disk store in ``folder`` (settings ``overrides``): a copy
    of ``reference`` (the ``reference_folder`` fixture), its audit chain beside it."""
    copy_reference(reference, folder)
    mappings = folder / "mappings"
    for part in ("linking", "publication"):
        shutil.copytree(PROJECT_DIR / "mappings" / part, mappings / part)
    (mappings / f"{DATASET}.yaml").write_text(SMALL_MAPPING.format(path="penduduk.csv"), encoding="utf-8")
    settings = load_settings(
        store_path=str(folder / "store"),
        reports_dir=str(folder / "reports"),
        mappings_dir=str(mappings),
        accounts_path=str(folder / "accounts.sqlite3"),
        uploads_dir=str(folder / "uploads"),
        **{"query_workers": 2, "upload_max_bytes": 20_000, **overrides},
    )
    accounts = Accounts(settings.resolve(settings.accounts_path))
    tokens = {
        "produsen": accounts.add("ani.dukcapil", "produsen", "disdukcapil")[1],
        "walidata": accounts.add("citra.walidata", "walidata")[1],
    }
    with running_server(create_app(settings), "uvicorn-hostile") as base:
        yield Served(base, settings, tokens, folder)


@dataclass
class RawAnswer:
    status: int
    headers: dict[str, str]
    body: bytes


def raw_exchange(
    base: str,
    method: str,
    target: str,
    headers: dict[str, str],
    body_start: bytes = b"",
    *,
    timeout_s: float = 20.0,
) -> RawAnswer:
    """Send the head and ``body_start`` (however long the head says the body is), then read
    the answer. ``socket.timeout`` when the server waits for the rest instead of answering."""
    url = urlsplit(base)
    with socket.create_connection((url.hostname or "127.0.0.1", url.port or 80), timeout=timeout_s) as sock:
        head = [f"{method} {target} HTTP/1.1", f"Host: {url.netloc}"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body_start)
        response = http.client.HTTPResponse(sock, method=method)
        response.begin()
        return RawAnswer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
