"""Restricted (terbatas) data never reaches the public, through any query form or page.

One open and one restricted dataset are published (tests/api/test_ingest.py builds the
instance); the restricted table's figures and observation IRIs are then searched for in
every public answer: SPARQL with the default graph, ``GRAPH ?g``, ``FROM``, ``FROM
NAMED``, ``SERVICE``, the protocol's dataset parameters, every result form, and the
catalogue, downloads, linked-data pages, provenance, loads and coherence pages.
Holders of a token see what their role allows.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import quote, unquote

import pytest

from tests.api.test_ingest import SECRET_VALUES, Instance, instance, running_instance, values_of

# Slow: loads restricted datasets and reads them as each role.
pytestmark = pytest.mark.slow

__all__ = ["instance"]  # the fixture, shared with the upload tests

QB = "http://purl.org/linked-data/cube#"


@pytest.fixture(scope="module")
def reading(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instance]:
    """One instance for the tests that only read (every probe is a query or a page), built
    once; a test that uploads takes its own ``instance``."""
    with running_instance(tmp_path_factory.mktemp("terbatas")) as running:
        yield running


def restricted_iris(inst: Instance) -> tuple[str, str, str]:
    """(dataset IRI, its version graph, one of its observations)."""
    iris = inst.platform.iris
    dataset = iris.dataset("uji-kpm-terbatas")
    graph = inst.published()[dataset]
    found = inst.platform.store.query(
        f"SELECT ?o WHERE {{ ?o <{QB}dataSet> <{dataset}> }} LIMIT 1", default_graph=[graph]
    )
    observation = next(iter(found))["o"].value  # type: ignore[arg-type]
    return dataset, graph, observation


def probes(inst: Instance) -> list[tuple[str, str, dict[str, object]]]:
    """(label, path, request options) of every public way in."""
    dataset, graph, observation = restricted_iris(inst)
    obs = f"<{observation}>"
    every = "SELECT * WHERE { ?s ?p ?o }"
    queries = {
        "default graph": every,
        "GRAPH ?g": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
        "FROM the graph": f"SELECT * FROM <{graph}> WHERE {{ ?s ?p ?o }}",
        "FROM NAMED the graph": f"SELECT * FROM NAMED <{graph}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        "FROM in lower case": f"select * from <{graph}> where {{ ?s ?p ?o }}",
        "GRAPH <the graph>": f"SELECT * WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}",
        "SERVICE": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
        "the observation's triples": f"SELECT * WHERE {{ {obs} ?p ?o }}",
        "CONSTRUCT everything": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "CONSTRUCT in every graph": "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
        "DESCRIBE the observation": f"DESCRIBE {obs}",
        "DESCRIBE the dataset": f"DESCRIBE <{dataset}>",
        "ASK for a figure": f'SELECT * WHERE {{ ?s ?p ?v FILTER(STR(?v) = "{SECRET_VALUES[0]}") }}',
        "every literal": "SELECT DISTINCT ?v WHERE { GRAPH ?g { ?s ?p ?v FILTER(isLiteral(?v)) } }",
        "property paths": f"SELECT * WHERE {{ ?s (<{QB}dataSet>|^<{QB}dataSet>)+ ?o }}",
        "subquery over graphs": "SELECT * WHERE { { SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
        "GROUP BY ?g } }",
    }
    out: list[tuple[str, str, dict[str, object]]] = []
    for label, q in queries.items():
        for fmt in ("application/sparql-results+json", "text/csv", "text/turtle"):
            out.append(
                (f"GET {label} ({fmt})", "/sparql", {"params": {"query": q}, "headers": {"Accept": fmt}})
            )
        out.append((f"POST form {label}", "/sparql", {"method": "post", "data": {"query": q}}))
        out.append(
            (
                f"POST sparql-query {label}",
                "/sparql",
                {"method": "post", "content": q, "headers": {"Content-Type": "application/sparql-query"}},
            )
        )
    for label, params in {
        "default-graph-uri": {"query": every, "default-graph-uri": graph},
        "named-graph-uri": {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": graph},
        "both": {"query": every, "default-graph-uri": graph, "named-graph-uri": graph},
    }.items():
        out.append((f"protocol {label}", "/sparql", {"params": params}))
    pages = [
        "/sparql",  # service description with VoID counts
        "/catalog",
        "/catalog.json",
        "/catalog.ttl",
        "/catalog/uji-kpm-terbatas",
        "/catalog/uji-kpm-terbatas.csv",
        "/catalog/uji-kpm-terbatas.ttl",
        f"/provenance?iri={quote(observation)}",
        f"/provenance?iri={quote(dataset)}",
        "/loads",
        "/coherence.json",
        "/coherence.csv",
        "/health",
        "/",
        "/questions",
        "/insight/discover?level=desa&period=2023",
        "/insight/correlate?x=kpm-pkh&y=jumlah-penduduk&level=desa&period=2023",
        "/map?indicator=kpm-pkh&level=desa&period=2023",
        "/reconcile?queries=" + quote('{"q0":{"query":"Hanura"}}'),
    ]
    for path in pages:
        out.append((f"page {path}", path, {}))
    for iri in (observation, dataset):
        path = iri.removeprefix(inst.platform.iris.base.rstrip("/"))
        for accept in ("text/html", "text/turtle", "application/ld+json"):
            out.append((f"linked data {path} ({accept})", path, {"headers": {"Accept": accept}}))
    return out


def leaks(body: str, observation: str, asked: str) -> list[str]:
    found = [v for v in SECRET_VALUES if v in body]
    # The observation's IRI, or its path (pages write it relative to the site), unless the
    # request itself named it (an error message may repeat what was asked).
    path = observation.split("/id/", 1)[-1]
    if path not in asked and (observation in body or path in body):
        found.append("observation IRI")
    return found


def test_restricted_data_never_reaches_the_public(reading: Instance) -> None:
    _, _, observation = restricted_iris(reading)
    tried = 0
    for label, path, options in probes(reading):
        asked = unquote(path + repr(options))
        method = str(options.pop("method", "get"))
        response = getattr(reading.client, method)(path, **options)
        assert response.status_code < 500, (label, response.status_code, response.text[:300])
        assert not leaks(response.text, observation, asked), (label, response.text[:500])
        tried += 1
    print(f"\nleak probes tried: {tried}, leaked: 0")
    assert tried > 100
    # And the probes can see: the open dataset's figures are answered to the same public.
    assert len(values_of(reading, "uji-penduduk")) == 10


@pytest.mark.parametrize(
    ("who", "sees"),
    [("walidata", True), ("admin", True), ("dinsos", True), ("dukcapil", False), (None, False)],
)
def test_a_token_reads_what_its_role_allows(reading: Instance, who: str | None, sees: bool) -> None:
    figures = values_of(reading, "uji-kpm-terbatas", who)
    assert (sorted(figures) == SECRET_VALUES) if sees else figures == []
    _, graph, _ = restricted_iris(reading)
    headers = reading.auth(who) if who else {}
    named = reading.client.get(
        "/sparql",
        params={"query": f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}"},
        headers={"Accept": "application/sparql-results+json", **headers},
    )
    assert named.status_code == (200 if sees else 400), named.text


def test_a_restricted_datasets_validation_results_stay_out_of_the_public_provenance(
    instance: Instance,
) -> None:
    """Results about a restricted dataset (focus, value, message) go to its own graph."""
    iris = instance.platform.iris
    upload = b"kode_desa;tahun;kpm\n1809012001;2023;12\n1809012002;2023;97999\n"
    response = instance.client.post(
        "/ingest/uji-kpm-terbatas",
        files={"file": ("kpm.csv", upload, "text/csv")},
        headers=instance.auth("dinsos"),
    )
    assert response.status_code == 200, response.text
    prefix = iris.observation_prefix("uji-kpm-terbatas")
    dataset = iris.dataset("uji-kpm-terbatas")
    focus = "SELECT ?focus WHERE { ?r <http://www.w3.org/ns/shacl#focusNode> ?focus }"
    public = instance.platform.store.query(focus, default_graph=[iris.provenance_graph])
    own = instance.platform.store.query(
        focus, default_graph=[iris.restricted_provenance_graph("uji-kpm-terbatas")]
    )

    def about_it(focus: str) -> bool:
        return focus == dataset or focus.startswith(prefix)

    # A table ending in 2023 is out of date (a warning on the dataset): that result is its own.
    assert [s for s in own if about_it(s["focus"].value)]  # type: ignore[union-attr]
    assert not [s for s in public if about_it(s["focus"].value)]  # type: ignore[union-attr]
