"""Time the cube-shaped SPARQL mix from the observation view against the store (issue 23 item 2).

For every query of ``bench_sparql/*.rq`` on a province graph (built by ``bench_questions``'s
generator, or an existing store given with ``--store``, opened read-only):

* in process: the store's answer (``answer_query``) against the view's (``answer_cube``), and
  the first sight of a text (rdflib's parse) apart; the answers are compared in full;
* over HTTP: ``POST /sparql`` on ``onecenter serve`` (with the path it names in
  ``X-OneCenter-Path``) against ``oxigraph serve-read-only`` on the same store and graphs;
* what the text test costs a small query that is not cube-shaped (``may_be_cube``).

    .venv/bin/python scripts/bench_cube_sparql.py --observations 100000 --keep /tmp/bench
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from functools import partial
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_answers import BIN, Timing, describe, measure, sparql_mix, start, wait_warm  # noqa: E402
from bench_endpoint import free_port, stop_server  # noqa: E402
from bench_questions import build_province, ensure  # noqa: E402

from graph.answer import cube_sparql  # noqa: E402
from graph.answer.cube_shape import CubeShapes  # noqa: E402
from graph.answer.sparql import ProtocolQuery, answer_query  # noqa: E402
from graph.answer.view import read_view  # noqa: E402
from graph.rdf.iris import Iris  # noqa: E402
from graph.settings import PROJECT_DIR, load_settings  # noqa: E402
from graph.store.embedded import EmbeddedStore  # noqa: E402
from graph.store.versions import published_graphs  # noqa: E402


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def rows(body: bytes) -> Counter[str]:
    answer = json.loads(body)
    if "boolean" in answer:
        return Counter([str(answer["boolean"])])
    return Counter(json.dumps(b, sort_keys=True) for b in answer["results"]["bindings"])


def in_process(store_path: Path, mix: dict[str, str], repeat: int) -> None:
    store = EmbeddedStore(store_path, read_only=True)
    iris = Iris(load_settings(store_path=str(store_path)).base_iri)
    t0 = time.perf_counter()
    view = read_view(store, iris)
    t1 = time.perf_counter()
    complete = CubeShapes().update(store, iris, view)
    t2 = time.perf_counter()
    print(
        f"view: {view.observation_count} observations, built in {t1 - t0:.1f} s; shape check "
        f"{t2 - t1:.1f} s: {'complete' if complete else 'NOT complete'}"
    )
    print(
        f"\n{'in process':28} {'rows':>6} {'store ms':>10} {'view ms':>9} {'first ms':>9} {'ratio':>7}  same"
    )
    for name, query in mix.items():
        request = ProtocolQuery(query, max_rows=10_000)
        cube_sparql._recognised.clear()
        t0 = time.perf_counter()
        cube = cube_sparql.recognise(query)
        first = (time.perf_counter() - t0) * 1000
        stored = answer_query(store, iris, request)
        columnar = cube_sparql.answer_cube(view, cube, request) if cube else None
        if cube is None or columnar is None:
            print(f"{name:28} {sum(rows(stored.body).values()):6} {'—':>10} {'store':>9} {first:9.1f}")
            continue
        store_ms = median_ms(partial(answer_query, store, iris, request), repeat)
        view_ms = median_ms(partial(cube_sparql.answer_cube, view, cube, request), repeat)
        ordered = "ORDER BY" in query
        same = columnar.body == stored.body if ordered else rows(columnar.body) == rows(stored.body)
        print(
            f"{name:28} {sum(rows(stored.body).values()):6} {store_ms:10.1f} {view_ms:9.1f} "
            f"{first + view_ms:9.1f} {store_ms / view_ms:6.1f}×  {same}"
        )
    for name in ("small-ask", "label-search"):
        query = mix[name]
        t0 = time.perf_counter()
        for _ in range(10_000):
            cube_sparql.may_be_cube(query)
        cost = (time.perf_counter() - t0) / 10_000 * 1e6
        print(f"text test on {name}: {cost:.2f} µs per request")
    store.close()


def path_call(
    endpoint: str, query: str, graphs: list[str]
) -> Callable[[httpx.Client], tuple[int, int | None, str]]:
    def call(client: httpx.Client) -> tuple[int, int | None, str]:
        response = client.post(
            endpoint,
            data={"query": query, "default-graph-uri": graphs},
            headers={"Accept": "application/sparql-results+json"},
        )
        if response.status_code != 200:
            return response.status_code, None, ""
        body = response.json()
        found = len(body["results"]["bindings"]) if "results" in body else 1
        return 200, found, response.headers.get("x-onecenter-path", "")

    return call


def over_http(store_path: Path, mix: dict[str, str], graphs: list[str], args: argparse.Namespace) -> None:
    ours: dict[str, Timing] = {}
    theirs: dict[str, Timing] = {}
    port = free_port()
    env = {**os.environ, "ONECENTER_STORE_PATH": str(store_path), "ONECENTER_QUERY_TIMEOUT_MS": "60000"}
    server = start(
        [str(BIN / "onecenter"), "serve", "--port", str(port)],
        env,
        f"http://127.0.0.1:{port}/health",
        store_path.parent / "cube-serve.log",
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            warm, _ = wait_warm(client, 1800)
            print(f"\nonecenter serve warm after {warm:.1f} s")
            for name, query in mix.items():
                ours[name] = measure(client, path_call("/sparql", query, graphs), args.repeat, 120)
    finally:
        stop_server(server)
    port = free_port()
    command = [
        str(BIN / "oxigraph"),
        "serve-read-only",
        "--location",
        str(store_path),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    server = start(
        command, dict(os.environ), f"http://127.0.0.1:{port}/", store_path.parent / "cube-oxigraph.log"
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            for name, query in mix.items():
                theirs[name] = measure(client, path_call("/query", query, graphs), args.repeat, 120)
    finally:
        stop_server(server)
    print(
        f"\n{'over HTTP (median ms, p95)':28} {'rows':>11} {'One Center':>20} {'path':>9} {'Oxigraph':>20} ratio"
    )
    for name in mix:
        a, b = ours[name], theirs[name]
        ratio = f"{b.median / a.median:6.1f}×" if a.median and b.median else "—"
        found = f"{a.rows}" if a.rows == b.rows else f"{a.rows}≠{b.rows}"
        print(f"{name:28} {found:>11} {cell(a):>20} {a.engine:>9} {cell(b):>20} {ratio}")


def cell(t: Timing) -> str:
    if t.status != "200" or t.median is None or t.p95 is None:
        return describe(t)
    return f"{t.median:,.1f} ({t.p95:,.1f})"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--observations", type=int, default=100_000)
    parser.add_argument("--store", type=Path, help="an existing province store (read only)")
    parser.add_argument("--keep", type=Path, help="build (or reuse) the province store in this folder")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-http", action="store_true", help="only the in-process figures")
    args = parser.parse_args(argv)
    os.chdir(PROJECT_DIR)
    store_path = args.store
    if store_path is None:
        folder = (args.keep or Path(tempfile.mkdtemp(prefix="bench-cube-"))).resolve()
        folder.mkdir(parents=True, exist_ok=True)
        store_path = folder / f"province-{args.observations}"
        ensure(store_path, lambda p: build_province(p, args.observations), "province graph")
    iris = Iris(load_settings(store_path=str(store_path)).base_iri)
    mix = sparql_mix(iris)
    print(f"machine: {os.cpu_count()} cores (timings on a shared machine are indicative)")
    in_process(store_path, mix, args.repeat)
    if not args.no_http:
        reader = EmbeddedStore(store_path, read_only=True)
        graphs = published_graphs(reader, iris)
        reader.close()
        over_http(store_path, mix, graphs, args)


if __name__ == "__main__":
    main()
