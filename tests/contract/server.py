"""Real servers for the contract suite: an ``oxigraph serve`` process, and a small HTTP proxy
in front of it that asks for credentials and can drop, delay or refuse requests on cue."""

from __future__ import annotations

import base64
import ctypes
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx


def oxigraph_binary() -> Path:
    """The ``oxigraph`` command of the dev extra (``pip install oxigraph``), beside this Python."""
    here = Path(sys.executable).parent / "oxigraph"
    found = here if here.exists() else shutil.which("oxigraph")
    if found is None:
        raise RuntimeError(
            "perintah oxigraph tidak ada / the oxigraph command is missing: run "
            "`pip install -e '.[dev]'` (the PyPI package oxigraph ships the server)"
        )
    return Path(found)


def _die_with_parent() -> None:
    """In the child: be stopped when the test process dies, even if it is killed outright."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class OxigraphServer:
    """``oxigraph serve`` on 127.0.0.1 and a free port, in memory or in ``location``."""

    def __init__(self, log: Path, location: Path | None = None) -> None:
        self.log = log
        self.location = location
        self.process: subprocess.Popen[bytes] | None = None
        self.url = ""

    def start(self) -> OxigraphServer:
        for _ in range(3):  # another process may take the free port before the server does
            port = free_port()
            command = [str(oxigraph_binary()), "serve", "--bind", f"127.0.0.1:{port}"]
            if self.location is not None:
                command += ["--location", str(self.location)]
            with self.log.open("ab") as out:
                self.process = subprocess.Popen(
                    command, stdout=out, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent
                )
            self.url = f"http://127.0.0.1:{port}"
            if self._ready():
                return self
            self.stop()
        raise RuntimeError(f"oxigraph serve did not start; see {self.log}")

    def _ready(self) -> bool:
        assert self.process is not None
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                if httpx.get(self.url + "/query", timeout=1).status_code == 200:
                    return True
            except httpx.TransportError:
                time.sleep(0.05)
        return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def clear(self) -> None:
        httpx.post(
            self.url + "/update",
            content=b"DROP ALL",
            headers={"Content-Type": "application/sparql-update"},
        ).raise_for_status()


Fault = Callable[["_Handler"], bool]  # True when the fault answered (or dropped) the request


@dataclass
class Seen:
    method: str
    path: str
    authorization: str | None


@dataclass
class Proxy:
    """A real HTTP server forwarding to ``upstream``: checks ``Authorization`` when
    ``expected_auth`` is set, and applies ``faults`` (one per request, in order) first."""

    upstream: str
    expected_auth: str | None = None
    faults: list[tuple[str, Fault]] = field(default_factory=list)  # (path prefix, fault)
    seen: list[Seen] = field(default_factory=list)
    url: str = ""

    def __post_init__(self) -> None:
        proxy = self

        class Handler(_Handler):
            owner = proxy

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def requests_to(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path.startswith(path)]


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


class _Handler(BaseHTTPRequestHandler):
    owner: Proxy
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _handle(self) -> None:
        proxy = self.owner
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        proxy.seen.append(Seen(self.command, self.path, self.headers.get("Authorization")))
        for i, (prefix, fault) in enumerate(proxy.faults):
            if self.path.startswith(prefix):
                del proxy.faults[i]
                if fault(self):
                    return
                break
        if proxy.expected_auth is not None and self.headers.get("Authorization") != proxy.expected_auth:
            self._reply(401, b"unauthorized", {"WWW-Authenticate": 'Basic realm="onecenter"'})
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "authorization")}
        upstream = httpx.request(self.command, proxy.upstream + self.path, content=body, headers=headers)
        keep = {"Content-Type": upstream.headers.get("content-type", "text/plain")}
        self._reply(upstream.status_code, upstream.content, keep)

    def _reply(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = _handle


def drop(handler: _Handler) -> bool:
    """Close the connection without an answer, as a crashed server or a proxy time-out does."""
    handler.close_connection = True
    handler.connection.shutdown(socket.SHUT_RDWR)
    return True


def status(code: int) -> Fault:
    def fault(handler: _Handler) -> bool:
        handler._reply(code, b"busy", {"Content-Type": "text/plain"})
        return True

    return fault


def delay(seconds: float) -> Fault:
    def fault(handler: _Handler) -> bool:
        time.sleep(seconds)
        return False  # then answer normally

    return fault
