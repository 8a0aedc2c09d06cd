"""Benchmark: the SPARQL endpoint under concurrent load, next to Oxigraph server.

A bounded load generator on 127.0.0.1 (``--clients`` threads, each sending its next
request when the last one is answered, for ``--seconds``) sends the same mix of queries
to ``onecenter serve`` (``POST /sparql``) and to Oxigraph's own server
(``oxigraph serve-read-only``) on the same on-disk store, one after the other. The mix:
three named questions written out with their parameter values (the text the question
pages show under "show the SPARQL"), a label lookup, an ASK and a one-triple SELECT, each with the published graphs as
the dataset (``default-graph-uri``), so both servers answer the same question over the
same triples. Answers are checked to have the same number of rows on both.

It prints requests/s and p50/p99 latency for each server. Not a test.

    python scripts/bench_endpoint.py [--store var/store] [--clients 4] [--seconds 20]

Without ``--store`` the demo graph is built into a temporary folder.
"""

from __future__ import annotations

import argparse
import os
import platform as host
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_load import append_figures  # noqa: E402
from bench_questions import QUESTIONS  # noqa: E402

from graph.answer.code_lists import read_code_lists
from graph.answer.editor_texts import question_sparql
from graph.answer.parameters import bind_parameters
from graph.answer.questions import load_catalogue
from graph.publish.platform import Platform
from graph.rdf.iris import Iris
from graph.settings import PROJECT_DIR, load_settings
from graph.store.embedded import EmbeddedStore
from graph.store.versions import published_graphs

BIN = Path(sys.executable).parent
# A developer's small query: a desa by its Kemendagri code, with its label and kecamatan.
LOOKUP = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX oc: <https://w3id.org/onecenter/def#>
SELECT ?region ?label ?kecamatan WHERE {
  ?region skos:notation "18.09.01.2001"^^oc:KemendagriCode ; skos:prefLabel ?label ; skos:broader ?kecamatan
}"""
# The smallest queries, which measure what each server adds to every request.
ASK = "ASK { ?s ?p ?o }"
ONE_TRIPLE = "SELECT * WHERE { ?s ?p ?o } LIMIT 1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def workload(store_path: Path) -> tuple[list[tuple[str, str]], list[str]]:
    """(name, SPARQL text) of the mix, and the published graphs to query."""
    settings = load_settings(store_path=str(store_path))
    iris = Iris(settings.base_iri)
    catalogue = load_catalogue(settings.resolve("questions"))
    store = EmbeddedStore(store_path, read_only=True)
    lists = read_code_lists(store, iris, settings.home_region)
    graphs = published_graphs(store, iris)
    store.close()
    mix = []
    for qid, params in QUESTIONS.items():
        question = catalogue.questions[qid]
        bound = bind_parameters(question, list(params.items()), lists)
        mix.append((qid, question_sparql(question, bound, iris)))
    mix += [("label-lookup", LOOKUP), ("ask", ASK), ("one-triple", ONE_TRIPLE)]
    return mix, graphs


def wait_until_up(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(
                f"server exited: {(process.stderr.read() if process.stderr else b'').decode()[-2000:]}"
            )
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"server at {url} did not start")


def load_test(
    endpoint: str, mix: list[tuple[str, str]], graphs: list[str], clients: int, seconds: float
) -> tuple[list[float], dict[str, int], int]:
    """Latencies (ms) of every answered request, rows per query, and failures."""
    latencies: list[float] = []
    per_query: dict[str, list[float]] = {}
    rows: dict[str, int] = {}
    failures = 0
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(offset: int) -> None:
        nonlocal failures
        with httpx.Client(timeout=120, headers={"Accept": "application/sparql-results+json"}) as http:
            i = offset
            while time.monotonic() < stop:
                name, sparql = mix[i % len(mix)]
                i += 1
                data = {"query": sparql, "default-graph-uri": graphs}
                t0 = time.perf_counter()
                response = http.post(endpoint, data=data)
                elapsed = (time.perf_counter() - t0) * 1000
                with lock:
                    if response.status_code != 200:
                        failures += 1
                        if failures <= 3:
                            print(
                                f"  {name}: HTTP {response.status_code} {response.text[:300]}",
                                file=sys.stderr,
                            )
                        continue
                    latencies.append(elapsed)
                    per_query.setdefault(name, []).append(elapsed)
                    answer = response.json()
                    rows[name] = len(answer["results"]["bindings"]) if "results" in answer else 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    medians = {name: round(statistics.median(values), 1) for name, values in sorted(per_query.items())}
    print(f"  {endpoint}: median ms per query {medians}", file=sys.stderr)
    return latencies, rows, failures


def run_server(command: list[str], env: dict[str, str], url: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    wait_until_up(url, process)
    return process


def stop_server(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100)[p - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="an on-disk store (default: build the demo)")
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=20, help="duration of each load run")
    parser.add_argument("--json", type=Path, help="append the figures to this JSON-lines file")
    args = parser.parse_args()
    os.chdir(PROJECT_DIR)

    with tempfile.TemporaryDirectory() as tmp:
        store_path = args.store
        if store_path is None:
            store_path = Path(tmp) / "demo"
            platform = Platform(load_settings(store_path=str(store_path)))
            _, broken = platform.build()
            platform.close()
            if broken:
                raise SystemExit(f"demo build failed: {broken}")
        mix, graphs = workload(store_path)
        results = {}
        port = free_port()
        env = {**os.environ, "ONECENTER_STORE_PATH": str(store_path), "ONECENTER_QUERY_TIMEOUT_MS": "120000"}
        ours = run_server(
            [str(BIN / "onecenter"), "serve", "--port", str(port)], env, f"http://127.0.0.1:{port}/health"
        )
        try:
            load_test(f"http://127.0.0.1:{port}/sparql", mix, graphs, args.clients, 3)  # warm-up
            results["One Center /sparql"] = load_test(
                f"http://127.0.0.1:{port}/sparql", mix, graphs, args.clients, args.seconds
            )
        finally:
            stop_server(ours)
        port = free_port()
        oxigraph = run_server(
            [
                str(BIN / "oxigraph"),
                "serve-read-only",
                "--location",
                str(store_path),
                "--bind",
                f"127.0.0.1:{port}",
            ],
            dict(os.environ),
            f"http://127.0.0.1:{port}/",
        )
        try:
            load_test(f"http://127.0.0.1:{port}/query", mix, graphs, args.clients, 3)
            results["Oxigraph server 0.5"] = load_test(
                f"http://127.0.0.1:{port}/query", mix, graphs, args.clients, args.seconds
            )
        finally:
            stop_server(oxigraph)

    print(
        f"machine: {host.machine()}, {os.cpu_count()} cores, Python {host.python_version()}; "
        f"{args.clients} clients for {args.seconds:.0f} s each, closed loop, mix: "
        + ", ".join(name for name, _ in mix)
    )
    print(f"{'server':24} {'requests/s':>11} {'p50 ms':>8} {'p99 ms':>8} {'failed':>7}  rows per query")
    figures = {"bench": "endpoint", "clients": args.clients, "seconds": args.seconds}
    for name, (latencies, rows, failures) in results.items():
        rate = len(latencies) / args.seconds
        p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
        print(f"{name:24} {rate:11.1f} {p50:8.1f} {p99:8.1f} {failures:7}  {rows}")
        figures[name] = {
            "requests_per_s": rate,
            "p50_ms": p50,
            "p99_ms": p99,
            "failed": failures,
            "rows": rows,
        }
    (ours_rows, other_rows) = (results["One Center /sparql"][1], results["Oxigraph server 0.5"][1])
    if ours_rows != other_rows:
        print(f"ANSWERS DIFFER: {ours_rows} vs {other_rows}")
    ratio = len(results["One Center /sparql"][0]) / max(1, len(results["Oxigraph server 0.5"][0]))
    print(f"throughput ratio (ours / Oxigraph server): {ratio:.0%}")
    append_figures(args.json, figures)


if __name__ == "__main__":
    main()
