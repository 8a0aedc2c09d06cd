"""Benchmark: named questions through HTTP next to the same SPARQL run in-process.

For the demo graph and a synthetic province-scale graph (N observations over every desa
of the province), it times three named questions:

* in-process: the exact SPARQL the service runs (prefixes, published graphs as the
  dataset, parameters as substitutions), on ``pyoxigraph.Store.read_only`` of the same
  on-disk store, with every row read;
* HTTP: ``GET /questions/{id}.json`` with the same parameters against a real
  ``onecenter serve`` process (uvicorn, query worker processes, JSON built and parsed).

It prints the median and 90th percentile of each and the HTTP overhead. Not a test.

    python scripts/bench_questions.py --observations 1000000 [--keep var/bench-questions]

``--keep DIR`` keeps the built stores in DIR and reuses them on the next run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform as host
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_load import append_figures, flush, write_table  # noqa: E402

from graph.answer.code_lists import read_code_lists
from graph.answer.columnar import answer_rows  # noqa: E402
from graph.answer.parameters import bind_parameters
from graph.answer.questions import Question, load_catalogue, question_prefixes  # noqa: E402
from graph.answer.view import ObservationView, read_view  # noqa: E402
from graph.publish.platform import Platform  # noqa: E402
from graph.rdf.iris import Iris  # noqa: E402
from graph.settings import PROJECT_DIR, Settings, load_settings  # noqa: E402
from graph.store.embedded import EmbeddedStore  # noqa: E402
from graph.store.versions import draft_datasets, publish, published_graphs  # noqa: E402

# Two correlated questions (two agencies' indicators joined by desa and year) and one ranking;
# all three have columnar plans. 2023: every desa has it in both graphs.
QUESTIONS = {
    "stunting-vs-safe-water": {"region": "18.09", "period": "2023"},
    "household-size": {"region": "18.09", "period": "2023"},
    "village-ranking": {"region": "18.09.01", "indicator": "prevalensi-stunting", "period": "2023"},
}
ONECENTER = Path(sys.executable).parent / "onecenter"


def build_demo(path: Path) -> None:
    platform = Platform(load_settings(store_path=str(path)))
    _, failures = platform.build()
    platform.close()
    if failures:
        raise SystemExit(f"demo build failed: {failures}")


def build_province(path: Path, observations: int) -> None:
    """The synthetic table, loaded through the real pipeline (mapped, validated, judged).

    Its random values break the coherence rules, so the draft is held. Publishing it with
    ``publish_draft --accept-violations`` validates it twice more (minutes at 1M, measured
    by ``bench_validation.py``); this benchmark is about questions, so it moves the
    published pointer directly, as ``publish_draft`` would after its checks.
    """
    platform = Platform(load_settings(store_path=str(path)))
    platform.load_reference()
    with tempfile.TemporaryDirectory() as tmp:
        codes = platform.regions.codes_by_level["desa"]
        mapping = write_table(Path(tmp), observations, codes)
        t0 = time.perf_counter()
        report = platform.load(mapping)
        print(f"  loaded and judged in {time.perf_counter() - t0:.0f} s: {report.outcome}", flush=True)
    publish_held(platform)
    flush(platform.store)
    platform.close()


def build_agencies(path: Path, observations: int, kabupaten: list[str] | None = None) -> None:
    """The province generator's six agency tables (all of Lampung, as many years as reach
    ``observations``; or only ``kabupaten``), each loaded through the real pipeline in its README's order, as the
    agencies deliver them: several agencies, breakdowns, categorical and restricted data, so
    that every named question and page has rows to answer (the synthetic table has one
    dataset). Held drafts are then published by moving the pointer (see ``build_province``)."""
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(__file__).resolve().parent / "generate_province_data.py"
        size = ["--observations", str(observations)] + (["--kabupaten", *kabupaten] if kabupaten else [])
        subprocess.run([sys.executable, str(script), "--out", tmp, *size], check=True)
        manifest = json.loads((Path(tmp) / "manifest.json").read_text(encoding="utf-8"))
        # Names are linked within the province (the generator's README says so), or within the
        # one kabupaten asked for.
        home = kabupaten[0] if kabupaten and len(kabupaten) == 1 else "18"
        platform = Platform(load_settings(store_path=str(path), home_region=home))
        platform.load_reference()
        for table in manifest["tables"]:
            t0 = time.perf_counter()
            report = platform.load(Path(tmp) / table["mapping"])
            print(f"  {table['mapping']}: {report.outcome} in {time.perf_counter() - t0:.0f} s", flush=True)
    for dataset, graph in draft_datasets(platform.store, platform.iris).items():
        publish(platform.store, platform.iris, dataset, graph, "")
    flush(platform.store)
    platform.close()


def publish_held(platform: Platform) -> None:
    """Publish the held synthetic draft without the acceptance's re-validation (see above)."""
    dataset = platform.iris.dataset("bench-provinsi")
    graph = draft_datasets(platform.store, platform.iris).get(dataset)
    if graph is not None:
        publish(platform.store, platform.iris, dataset, graph, "")


def ensure(path: Path, build: Callable[[Path], None], what: str) -> None:
    if EmbeddedStore.marker_for(path).exists() and (path / "CURRENT").exists():
        print(f"{what}: reusing {path}", flush=True)
        return
    shutil.rmtree(path, ignore_errors=True)
    print(f"{what}: building {path} ...", flush=True)
    build(path)


def timed(fn: Callable[[], int], repeat: int, warmup: int = 3) -> tuple[list[float], int]:
    for _ in range(warmup):
        rows = fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        rows = fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times, rows


def count_answer_rows(view: ObservationView, iris: Iris, question: Question, terms: dict[str, Any]) -> int:
    """Rows of the question's answer from the columnar view."""
    return len(answer_rows(view, iris, question, terms))


def in_process(
    path: Path, settings: Settings, repeat: int, sparql_repeat: int
) -> tuple[dict[str, tuple[list[float], int]], dict[str, tuple[list[float], int]], float]:
    """Each question's SPARQL straight on pyoxigraph, as the service would run it; and each
    planned question from the columnar view (with the time to build the view)."""
    iris = Iris(settings.base_iri)
    catalogue = load_catalogue(settings.resolve("questions"))
    # EmbeddedStore.query is pyoxigraph's Store.query with the published graphs as the dataset
    # (or Oxigraph's own union when that is every graph): the service's call, minus the service.
    store = EmbeddedStore(path, read_only=True)
    lists = read_code_lists(store, iris, settings.home_region)
    graphs = published_graphs(store, iris)
    out = {}
    for qid in QUESTIONS:
        question = catalogue.questions[qid]
        bound = bind_parameters(question, list(QUESTIONS[qid].items()), lists)
        subs = {n: p.term for n, p in bound.items() if p.term is not None}
        sparql = question_prefixes(iris) + question.sparql

        def run(sparql: str = sparql, subs: dict[str, ox.NamedNode | ox.Literal] = subs) -> int:
            result = store.query(sparql, default_graph=graphs, named_graphs=graphs, substitutions=subs)
            assert isinstance(result, ox.QuerySolutions)
            variables = result.variables
            return len([[s[v] for v in variables] for s in result])

        out[qid] = timed(run, sparql_repeat, warmup=1)
    t0 = time.perf_counter()
    view = read_view(store, iris)
    built = time.perf_counter() - t0
    columnar = {}
    for qid in QUESTIONS:
        question = catalogue.questions[qid]
        if question.spec.columnar is None:
            continue
        bound = bind_parameters(question, list(QUESTIONS[qid].items()), lists)
        terms = {n: p.term for n, p in bound.items() if p.term is not None}
        columnar[qid] = timed(partial(count_answer_rows, view, iris, question, terms), repeat)
    store.close()
    return out, columnar, built


def over_http(path: Path, repeat: int, sparql_repeat: int) -> dict[str, tuple[list[float], int, str]]:
    """Each question through a real ``onecenter serve`` on the same store."""
    catalogue = load_catalogue(load_settings().resolve("questions"))
    port = 8765
    # The questions' code lists (read once per publication, then cached) took 176 s at 1M on
    # disk on 2026-11-28, past a 120 s limit: the first request gets room; warm-ups absorb it.
    env = {**os.environ, "ONECENTER_STORE_PATH": str(path), "ONECENTER_QUERY_TIMEOUT_MS": "600000"}
    server = subprocess.Popen(
        [str(ONECENTER), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    out = {}
    try:
        with httpx.Client(base_url=base, timeout=900) as client:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if client.get("/health").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start: " + (server.stderr.read() or b"").decode())  # type: ignore[union-attr]
                time.sleep(0.2)
            # The service builds its columnar view in the background after starting.
            while client.get("/health").json()["columnar_view"] != "ready":
                if time.monotonic() > deadline + 1200:
                    raise SystemExit("the service's observation view was not ready in 20 minutes")
                time.sleep(0.5)
            for qid, params in QUESTIONS.items():
                engines: set[str] = set()

                def run(qid: str = qid, params: dict[str, str] = params, engines: set[str] = engines) -> int:
                    response = client.get(f"/questions/{qid}.json", params=params)
                    response.raise_for_status()
                    engines.add(response.headers["x-answer-engine"])
                    return len(response.json()["rows"])

                planned = catalogue.questions[qid].spec.columnar is not None
                times = timed(run, repeat) if planned else timed(run, sparql_repeat, warmup=1)
                out[qid] = (*times, "+".join(sorted(engines)))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return out


def report(
    name: str,
    direct: dict[str, tuple[list[float], int]],
    columnar: dict[str, tuple[list[float], int]],
    built: float,
    http: dict[str, tuple[list[float], int, str]],
    json_path: Path | None = None,
) -> None:
    print(f"\n{name}; columnar view built in {built:.1f} s")
    figures: dict[str, object] = {"bench": "questions", "graph": name, "view_seconds": built}
    print(
        f"{'question':24} {'rows':>5} {'SPARQL in-process':>18} {'columnar in-process':>20} "
        f"{'HTTP (engine)':>22} {'HTTP overhead':>14}"
    )
    for qid in QUESTIONS:
        d, rows = direct[qid]
        h, http_rows, engine = http[qid]
        assert rows == http_rows, (qid, rows, http_rows)
        dm, hm = statistics.median(d), statistics.median(h)
        base = dm
        col = "—"
        if qid in columnar:
            c, crows = columnar[qid]
            assert crows == rows, (qid, crows, rows)
            col = f"{statistics.median(c):.1f} (p90 {p90(c):.1f})"
            if engine == "columnar":
                base = statistics.median(c)
        figures[qid] = {
            "rows": rows,
            "sparql_ms": dm,
            "columnar_ms": statistics.median(columnar[qid][0]) if qid in columnar else None,
            "http_ms": hm,
            "engine": engine,
        }
        print(
            f"{qid:24} {rows:5} {f'{dm:.1f} (p90 {p90(d):.1f})':>18} {col:>20} "
            f"{f'{hm:.1f} ({engine})':>22} {f'{(hm - base):+.1f} ms = {(hm - base) / base:+.0%}':>14}"
        )
    append_figures(json_path, figures)


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per figure")
    parser.add_argument(
        "--sparql-repeat", type=int, default=5, help="timed runs of the SPARQL answers (seconds each at 1M)"
    )
    parser.add_argument("--keep", type=Path, help="keep (and reuse) the built stores in this folder")
    parser.add_argument("--json", type=Path, help="append the figures to this JSON-lines file")
    args = parser.parse_args()
    json_path = args.json.resolve() if args.json else None

    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-questions-"))
    folder.mkdir(parents=True, exist_ok=True)
    os.chdir(PROJECT_DIR)
    settings = load_settings()
    print(
        f"machine: {host.machine()}, {os.cpu_count()} cores, Python {host.python_version()}, "
        f"pyoxigraph {ox.__version__}; median and p90 of {args.repeat} runs after 3 warm-ups "
        f"({args.sparql_repeat} after 1 for SPARQL answers)"
    )
    try:
        demo = folder / "demo"
        ensure(demo, build_demo, "demo graph")
        province = folder / f"province-{args.observations}"
        ensure(province, lambda p: build_province(p, args.observations), "province graph")
        for name, path in (
            ("demo graph", demo),
            (f"province graph ({args.observations:,} observations)", province),
        ):
            direct, columnar, built = in_process(path, settings, args.repeat, args.sparql_repeat)
            http = over_http(path, args.repeat, args.sparql_repeat)
            report(name, direct, columnar, built, http, json_path)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
