"""Benchmark: every answer an analyst opens, through HTTP, at province scale (issue 23).

On an on-disk store of about N observations of Lampung (by default the province generator's
six agency tables loaded one by one, ``bench_questions.build_agencies``; ``--source
synthetic``: one synthetic table over every desa; reused with ``--keep``), a real
``onecenter serve`` is started and, once warm (``/health`` no longer says ``building``:
the columnar view is built in the background after the start; the time it takes is
printed), this times through HTTP, one request at a time:

* every named question of ``questions/`` with its default parameters
  (``GET /questions/{id}.json``);
* the pages a browser opens (``Accept: text/html``): home, map, insight, discovery, a
  correlation of two desa-level indicators, and the region pages of one kecamatan and one desa;
* the cube-shaped SPARQL of ``scripts/bench_sparql/*.rq`` (joins, sums and averages by
  region and year, a point look-up, a label search, an ASK), sent to ``POST /sparql`` and
  then to ``oxigraph serve-read-only`` on the same store with the same default graphs (the
  published ones), checking that both give the same number of rows.

Each figure is the median and 95th percentile of ``--repeat`` runs after one warm-up run.
A request gets ``--timeout`` seconds (the service's query limit is set to the same, so it
stops working when the client gives up); a timeout or an error answer is reported as such.
An item whose runs have taken ``--budget`` seconds is not run again (the slow baseline
would otherwise take hours). Not a test.

    python scripts/bench_answers.py --observations 1000000 --keep var/bench-answers [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import platform as host
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_endpoint import free_port, stop_server, wait_until_up  # noqa: E402
from bench_load import append_figures  # noqa: E402
from bench_questions import build_agencies, build_province, ensure  # noqa: E402

from graph.answer.questions import load_catalogue, question_prefixes  # noqa: E402
from graph.rdf.iris import Iris  # noqa: E402
from graph.settings import PROJECT_DIR, load_settings  # noqa: E402
from graph.store.embedded import EmbeddedStore  # noqa: E402
from graph.store.versions import published_graphs  # noqa: E402

BIN = Path(sys.executable).parent
SPARQL_DIR = Path(__file__).resolve().parent / "bench_sparql"
# Two desa-level indicators of two agencies in the demo (Dinkes, DPUPR), and a kecamatan and a
# desa of the default home kabupaten; the synthetic table has all three at every desa.
CORRELATE = ("prevalensi-stunting", "persen-air-minum-layak")
PAGES = {
    "home": "/",
    "map": "/map",
    "insight": "/insight",
    "insight-discover": "/insight/discover",
    "insight-correlate": f"/insight/correlate?x={CORRELATE[0]}&y={CORRELATE[1]}&level=desa",
    "region-kecamatan": "/id/wilayah/18.09.01",
    "region-desa": "/id/wilayah/18.09.01.2001",
}
# Queries whose speed-up over Oxigraph server the issue asks to be >= 10x; the others >= 1x.
HEAVY = ("join", "sum", "average")

Call = Callable[[httpx.Client], tuple[int, int | None, str]]


@dataclass
class Timing:
    """Milliseconds of the timed runs of one item, and what its last answer was."""

    times: list[float] = field(default_factory=list)
    status: str = "200"  # the HTTP status, or "timeout" / "error: ..."
    rows: int | None = None  # rows of a question or a SPARQL answer; bytes of a page
    engine: str = ""  # a question's X-Answer-Engine

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    @property
    def p95(self) -> float | None:
        if len(self.times) < 2:
            return self.median
        return statistics.quantiles(self.times, n=20, method="inclusive")[-1]

    def figures(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "runs": len(self.times),
            "median_ms": self.median,
            "p95_ms": self.p95,
            "rows": self.rows,
            "engine": self.engine,
        }


def measure(client: httpx.Client, call: Call, repeat: int, budget: float) -> Timing:
    """One warm-up run, then up to ``repeat`` timed runs while under ``budget`` seconds.

    The warm-up is kept as the only figure when the budget ends before a second run (a
    page of 40 s is not run six times); a timeout or an error answer ends the item.
    """
    timing = Timing()
    started = time.monotonic()
    for n in range(repeat + 1):
        t0 = time.perf_counter()
        try:
            status, rows, engine = call(client)
        except httpx.TimeoutException:
            timing.status = "timeout"
            return timing
        except httpx.HTTPError as exc:
            timing.status = f"error: {type(exc).__name__}"
            return timing
        elapsed = (time.perf_counter() - t0) * 1000
        timing.rows, timing.engine = rows, engine or timing.engine
        if status != 200:
            timing.status = str(status)
            timing.times = [elapsed]
            return timing
        if n <= 1:  # the warm-up's figure, replaced by the first timed run's
            timing.times = [elapsed]
        else:
            timing.times.append(elapsed)
        if time.monotonic() - started > budget:
            break
    return timing


def fetch(client: httpx.Client, method: str, url: str, **options: Any) -> tuple[int, bytes, httpx.Headers]:
    """One request whose whole answer must arrive within the client's timeout.

    httpx's read timeout is per chunk: a server that streams its rows as it finds them (Oxigraph
    server does) would keep a query of twenty minutes alive chunk by chunk. The deadline here is
    for the whole answer, for both servers alike."""
    limit = client.timeout.read or 60.0
    t0 = time.perf_counter()
    chunks: list[bytes] = []
    with client.stream(method, url, **options) as response:
        for chunk in response.iter_bytes():
            chunks.append(chunk)
            if time.perf_counter() - t0 > limit:
                raise httpx.ReadTimeout(f"no whole answer within {limit:.0f} s")
        return response.status_code, b"".join(chunks), response.headers


def question_call(qid: str) -> Call:
    def call(client: httpx.Client) -> tuple[int, int | None, str]:
        status, body, headers = fetch(client, "GET", f"/questions/{qid}.json")
        rows = len(json.loads(body).get("rows", [])) if status == 200 else None
        return status, rows, headers.get("x-answer-engine", "")

    return call


def page_call(path: str) -> Call:
    def call(client: httpx.Client) -> tuple[int, int | None, str]:
        status, body, _ = fetch(client, "GET", path, headers={"Accept": "text/html"})
        return status, len(body), ""

    return call


def sparql_call(endpoint: str, query: str, graphs: list[str]) -> Call:
    def call(client: httpx.Client) -> tuple[int, int | None, str]:
        status, raw, _ = fetch(
            client,
            "POST",
            endpoint,
            data={"query": query, "default-graph-uri": graphs},
            headers={"Accept": "application/sparql-results+json"},
        )
        if status != 200:
            return status, None, ""
        body = json.loads(raw)
        return 200, (len(body["results"]["bindings"]) if "results" in body else 1), ""

    return call


def sparql_mix(iris: Iris) -> dict[str, str]:
    """Name -> query text of ``bench_sparql/*.rq``, with the prefixes questions may use."""
    prefixes = question_prefixes(iris)
    return {p.stem: prefixes + p.read_text(encoding="utf-8") for p in sorted(SPARQL_DIR.glob("*.rq"))}


def start(command: list[str], env: dict[str, str], url: str, log: Path) -> subprocess.Popen[bytes]:
    """A server process, once ``url`` answers: a store of millions may take a minute to open
    on a busy machine, past ``bench_endpoint``'s own limit. Its output goes to ``log``: a pipe
    nobody reads would stop the server once its log filled the pipe."""
    with log.open("ab") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=out, start_new_session=True)
    try:
        wait_until_up(url, process, seconds=600)
    except SystemExit:
        print(log.read_text(encoding="utf-8", errors="replace")[-3000:], file=sys.stderr)
        raise
    return process


def wait_warm(client: httpx.Client, limit: float) -> tuple[float, dict[str, Any]]:
    """Seconds until ``/health`` names nothing as ``building``, and its last answer."""
    t0 = time.monotonic()
    while True:
        health: dict[str, Any] = client.get("/health").json()
        if "building" not in health.values():
            return time.monotonic() - t0, health
        if time.monotonic() - t0 > limit:
            raise SystemExit(f"the service was not warm after {limit:.0f} s: {health}")
        time.sleep(0.5)


@dataclass
class Run:
    """What one benchmark run measured."""

    observations: int
    started_s: float = 0.0  # from the process start to /health answering
    warm_s: float = 0.0  # from then to nothing building
    health: dict[str, Any] = field(default_factory=dict)
    answers: dict[str, tuple[str, Timing]] = field(default_factory=dict)  # name -> (kind, timing)
    onecenter: dict[str, Timing] = field(default_factory=dict)  # SPARQL mix on POST /sparql
    oxigraph: dict[str, Timing] = field(default_factory=dict)  # the same on Oxigraph server


def bench_onecenter(
    store: Path, args: argparse.Namespace, mix: dict[str, str], graphs: list[str], run: Run
) -> None:
    catalogue = load_catalogue(load_settings().resolve("questions"))
    port = free_port()
    env = {
        **os.environ,
        "ONECENTER_STORE_PATH": str(store),
        "ONECENTER_QUERY_TIMEOUT_MS": str(int(args.timeout * 1000)),
    }
    t0 = time.monotonic()
    server = start(
        [str(BIN / "onecenter"), "serve", "--port", str(port)],
        env,
        f"http://127.0.0.1:{port}/health",
        store.parent / "onecenter-serve.log",
    )
    run.started_s = time.monotonic() - t0
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=args.timeout) as client:
            run.warm_s, run.health = wait_warm(client, args.warm_limit)
            print(f"onecenter serve: up in {run.started_s:.1f} s, warm {run.warm_s:.1f} s later", flush=True)
            items = [("question", q, question_call(q)) for q in sorted(catalogue.questions)]
            items += [("page", name, page_call(path)) for name, path in PAGES.items()]
            for kind, name, call in items:
                timing = measure(client, call, args.repeat, args.budget)
                run.answers[name] = (kind, timing)
                print(f"  {kind} {name}: {describe(timing)}", flush=True)
            for name, query in mix.items():
                run.onecenter[name] = measure(
                    client, sparql_call("/sparql", query, graphs), args.repeat, args.budget
                )
                print(f"  sparql {name} (onecenter): {describe(run.onecenter[name])}", flush=True)
    finally:
        stop_server(server)


def bench_oxigraph(
    store: Path, args: argparse.Namespace, mix: dict[str, str], graphs: list[str], run: Run
) -> None:
    port = free_port()
    command = [
        str(BIN / "oxigraph"),
        "serve-read-only",
        "--location",
        str(store),
        "--bind",
        f"127.0.0.1:{port}",
    ]
    server = start(
        command, dict(os.environ), f"http://127.0.0.1:{port}/", store.parent / "oxigraph-serve.log"
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=args.timeout) as client:
            for name, query in mix.items():
                run.oxigraph[name] = measure(
                    client, sparql_call("/query", query, graphs), args.repeat, args.budget
                )
                print(f"  sparql {name} (oxigraph): {describe(run.oxigraph[name])}", flush=True)
    finally:
        stop_server(server)


def ms(value: float | None) -> str:
    return "—" if value is None else f"{value:,.1f}"


def describe(t: Timing) -> str:
    if t.status != "200":
        return t.status if not t.times else f"{t.status} after {ms(t.times[-1])} ms"
    return f"{ms(t.median)} ms median, {ms(t.p95)} p95 ({len(t.times)} runs)"


def cell(t: Timing) -> str:
    return (
        ms(t.median) if t.status == "200" else (t.status if not t.times else f"{t.status} {ms(t.times[-1])}")
    )


def ratio(run: Run, name: str) -> float | None:
    ours, theirs = run.onecenter[name], run.oxigraph[name]
    if ours.status != "200" or theirs.status != "200" or not ours.median or not theirs.median:
        return None
    return theirs.median / ours.median


def report(run: Run, args: argparse.Namespace) -> dict[str, Any]:
    """Print the tables and return the figures for ``--json``."""
    print(
        f"\n{run.observations:,} observations; service up in {run.started_s:.1f} s, warm {run.warm_s:.1f} s "
        f"later; {args.repeat} timed runs after a warm-up (fewer past {args.budget:.0f} s), "
        f"timeout {args.timeout:.0f} s"
    )
    print(
        f"{'kind':9} {'answer':34} {'status':>8} {'runs':>4} {'rows/bytes':>10} {'median ms':>11} {'p95 ms':>11}  engine"
    )
    for name, (kind, t) in run.answers.items():
        print(
            f"{kind:9} {name:34} {t.status:>8} {len(t.times):4} {t.rows if t.rows is not None else '—':>10} "
            f"{cell(t):>11} {ms(t.p95) if t.status == '200' else '—':>11}  {t.engine}"
        )
    print(f"\n{'SPARQL':28} {'rows':>11} {'One Center ms (p95)':>22} {'Oxigraph ms (p95)':>22} {'ratio':>7}")
    for name in run.onecenter:
        ours, theirs = run.onecenter[name], run.oxigraph[name]
        same = ours.rows == theirs.rows
        rows = f"{ours.rows}" if same else f"{ours.rows}≠{theirs.rows}"
        r = ratio(run, name)
        print(
            f"{name:28} {rows:>11} {f'{cell(ours)} ({ms(ours.p95)})':>22} "
            f"{f'{cell(theirs)} ({ms(theirs.p95)})':>22} {f'{r:.2f}×' if r else '—':>7}"
        )
        if not same and ours.status == theirs.status == "200":
            print(f"  ANSWERS DIFFER: {name}: One Center {ours.rows} rows, Oxigraph server {theirs.rows}")
    return {
        "bench": "answers",
        "graph": f"province {run.observations:,} observations",
        "observations": run.observations,
        "repeat": args.repeat,
        "timeout_s": args.timeout,
        "started_s": run.started_s,
        "warm_s": run.warm_s,
        "answers": {name: {"kind": kind, **t.figures()} for name, (kind, t) in run.answers.items()},
        "sparql": {
            name: {
                "onecenter": run.onecenter[name].figures(),
                "oxigraph": run.oxigraph[name].figures(),
                "ratio": ratio(run, name),
                "heavy": name.startswith(HEAVY),
            }
            for name in run.onecenter
        },
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per answer, after one warm-up")
    parser.add_argument("--timeout", type=float, default=60, help="seconds a request may take")
    parser.add_argument(
        "--budget", type=float, default=120, help="seconds after which an answer is not rerun"
    )
    parser.add_argument(
        "--warm-limit", type=float, default=1800, help="seconds to wait for the service to be warm"
    )
    parser.add_argument(
        "--source",
        choices=("agencies", "synthetic"),
        default="agencies",
        help="the province generator's six agency tables (default), or one synthetic table",
    )
    parser.add_argument(
        "--kabupaten",
        nargs="+",
        help="with --source agencies: only these kabupaten (default: all of Lampung)",
    )
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the built store in this folder")
    parser.add_argument("--json", type=Path, help="append the figures to this JSON-lines file")
    args = parser.parse_args(argv)
    json_path = args.json.resolve() if args.json else None
    folder = (args.keep or Path(tempfile.mkdtemp(prefix="bench-answers-"))).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    os.chdir(PROJECT_DIR)
    print(
        f"machine: {host.machine()}, {os.cpu_count()} cores, Python {host.python_version()}, "
        f"pyoxigraph {ox.__version__}",
        flush=True,
    )
    try:
        if args.source == "agencies":
            store = folder / f"province-agencies-{args.observations}"
            build = partial(build_agencies, observations=args.observations, kabupaten=args.kabupaten)
            ensure(store, build, "province graph (six agencies)")
        else:
            store = folder / f"province-{args.observations}"
            ensure(store, lambda p: build_province(p, args.observations), "province graph (one table)")
        iris = Iris(load_settings(store_path=str(store)).base_iri)
        reader = EmbeddedStore(store, read_only=True)
        graphs = published_graphs(reader, iris)
        reader.close()
        mix = sparql_mix(iris)
        run = Run(args.observations)
        bench_onecenter(store, args, mix, graphs, run)
        bench_oxigraph(store, args, mix, graphs, run)
        append_figures(json_path, report(run, args))
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
