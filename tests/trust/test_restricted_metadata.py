"""What the public may know of a restricted (terbatas) dataset, and that it learns nothing more.

The decision (docs/uploads.md, "Access levels"): the public may know that a restricted
dataset exists — its title, description, agency, access level, update frequency, the
indicators it covers and when it was last published — so an analyst can ask the agency
for it. It may not see its figures, observation IRIs, source file names, file or graph
hashes, row, observation or finding counts, validation results, regions, who loaded it,
nor its load history. A token that reads the dataset (Walidata, admin, its agency's
Produsen Data) sees all of it.

The instance of the upload tests, with an audit chain, goes through a restricted
dataset's life by the API: its agency uploads a table that the Walidata publishes,
another that the Walidata rejects with a reason, one refused as unreadable, and one left
waiting. Every secret the pipeline recorded about it (file names, SHA-256s of files,
mappings, graphs and findings, the uploader's name, the rejection's reason) is then
looked for in every public answer.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, unquote

import pyoxigraph as ox
import pytest

from graph.provenance.activities import Activity, activities
from graph.provenance.chain import AuditChain
from graph.provenance.chain_entries import canonical_json
from graph.rdf.namespaces import DCAT, DCTERMS, OC, PREFIXES, QB, RDF_TYPE
from graph.store.public import PublicGraphs
from graph.store.versions import CARD_PROPERTIES, EVERYONE_INTERNAL
from tests.api.test_ingest import DESA, Instance, running_instance
from tests.graph.describe.catalog_support import parse, validate
from tests.trust.figures import record_figures

# Slow: four uploads and two decisions through the API, then ~90 requests.
pytestmark = pytest.mark.slow

SLUG = "uji-kpm-terbatas"
UPLOADER = "budi.dinsos"  # the Dinsos Produsen Data: acts on the restricted dataset only
REASON = "alasan-penolakan-rahasia-7c1f"
RESTRICTED_RIGHTS = "http://publications.europa.eu/resource/authority/access-right/RESTRICTED"
_HEX64 = re.compile(r"\b[0-9a-f]{64}\b")


def kpm_csv(first: int) -> bytes:
    lines = ["kode_desa;tahun;kpm"] + [f"{code};2023;{first + i}" for i, code in enumerate(DESA)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def upload(inst: Instance, body: bytes, name: str) -> dict[str, object]:
    response = inst.client.post(
        f"/ingest/{SLUG}", files={"file": (name, body, "text/csv")}, headers=inst.auth("dinsos")
    )
    assert response.status_code in (200, 422), response.text
    answer: dict[str, object] = response.json()
    return answer


@pytest.fixture(scope="module")
def restricted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Instance]:
    """The upload tests' instance with an audit chain, after a restricted dataset's life."""
    folder: Path = tmp_path_factory.mktemp("terbatas")
    with pytest.MonkeyPatch.context() as env:
        for name in [n for n in os.environ if n.startswith("ONECENTER_")]:
            env.delenv(name)
        with running_instance(folder, audit_path=str(folder / "audit" / "chain.jsonl")) as inst:
            walidata = inst.auth("walidata")
            assert upload(inst, kpm_csv(97541), "kpm-desa-rahasia.csv")["outcome"] == "held"
            published = inst.client.post(f"/datasets/{SLUG}/publish", headers=walidata)
            assert published.status_code == 200, published.text
            assert upload(inst, kpm_csv(97561), "kpm-revisi-rahasia.csv")["outcome"] == "held"
            rejected = inst.client.post(f"/datasets/{SLUG}/reject", json={"reason": REASON}, headers=walidata)
            assert rejected.status_code == 200, rejected.text
            unknown = b"kode_desa;tahun;kpm\n" + b"9999999999;2023;5\n" * 10
            assert upload(inst, unknown, "kpm-salah-rahasia.csv")["ok"] is False
            assert upload(inst, kpm_csv(97581), "kpm-menunggu-rahasia.csv")["outcome"] == "held"
            yield inst


def restricted_activities(inst: Instance) -> list[Activity]:
    view = PublicGraphs(inst.platform.store, inst.platform.iris, EVERYONE_INTERNAL)
    return [a for a in activities(view) if a.dataset_id == SLUG]


def secrets(inst: Instance) -> set[str]:
    """Every file name, hash and name the pipeline recorded about the restricted dataset."""
    found = {UPLOADER, REASON}
    for a in restricted_activities(inst):
        found |= {v for v in (a.file_name, a.file_sha256, a.mapping_sha256) if v}
        found |= set(a.people) - {"citra.walidata", "uji"}  # the Walidata also acts on open data
    chain = AuditChain(inst.folder / "audit" / "chain.jsonl")
    for entry in chain.entries():
        if entry.payload.get("dataset") == SLUG:
            found |= set(_HEX64.findall(canonical_json(entry.payload).decode()))
    # Files, mapping and every graph's hash, the findings' hash; the store's own record agrees.
    assert len([s for s in found if _HEX64.fullmatch(s)]) >= 5, found
    assert {"kpm.csv", UPLOADER, REASON} <= found
    return found


def public_paths(inst: Instance) -> list[str]:
    """Every public way in, and the restricted dataset's own resources by their IRIs."""
    iris = inst.platform.iris
    base = iris.base.rstrip("/")
    dataset = iris.dataset(SLUG)
    paths = [
        "/loads",
        "/loads.json",
        "/loads.csv",
        "/loads.csv?_dialect=standard",
        f"/loads?dataset={SLUG}",
        "/audit",
        "/catalog",
        "/catalog.ttl",
        "/catalog.jsonld",
        "/catalog.rdf",
        "/catalog.json",
        f"/catalog/{SLUG}",
        f"/catalog/{SLUG}.csv",
        f"/catalog/{SLUG}.ttl",
        f"/provenance?iri={quote(dataset)}",
        f"/provenance.ttl?iri={quote(dataset)}",
        f"/provenance.jsonld?iri={quote(dataset)}",
        "/coherence",
        "/coherence.json",
        "/coherence.csv",
        "/",
        "/questions/agency-coverage",
        "/questions/stale-datasets",
        "/sparql",
        "/health",
    ]
    for a in restricted_activities(inst):
        for iri in (a.iri, a.file):
            if iri:
                paths += [f"/provenance?iri={quote(iri)}", iri.removeprefix(base)]
        if a.graph:  # its version graphs, held or published, at their own paths (/graph/...)
            paths += [a.graph.removeprefix(base) + suffix for suffix in ("", ".nq", ".trig")]
    return paths


def get_as_the_public(inst: Instance, path: str, accept: str) -> str:
    response = inst.client.get(path, headers={"Accept": accept})
    assert response.status_code < 500, (path, response.status_code, response.text[:300])
    body: str = response.text
    return body


def sparql(inst: Instance, query: str, who: str | None = None) -> list[dict[str, str]]:
    headers = {"Accept": "application/sparql-results+json", **(inst.auth(who) if who else {})}
    response = inst.client.get("/sparql", params={"query": query}, headers=headers)
    assert response.status_code == 200, response.text
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


def test_no_public_answer_names_a_restricted_tables_files_hashes_or_people(restricted: Instance) -> None:
    hidden = secrets(restricted)
    asked = 0
    for path in public_paths(restricted):
        for accept in ("text/html", "application/json", "text/turtle", "text/csv"):
            body = get_as_the_public(restricted, path, accept)
            # An error may repeat what was asked (a file's IRI holds its hash); nothing more.
            leaked = sorted(s for s in hidden if s in body and s not in unquote(path))
            assert not leaked, (path, accept, leaked)
            asked += 1
    # The whole public store, read through SPARQL: no literal or IRI holds any of them.
    for secret in sorted(hidden):
        found = sparql(
            restricted,
            f'SELECT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(CONTAINS(STR(?s), "{secret}") '
            f'|| CONTAINS(STR(?o), "{secret}")) }}',
        )
        assert found == [], (secret, found[:3])
        asked += 1
    # The probes can see: the open dataset's load is public, file name and hash included.
    loads = restricted.client.get("/loads").json()["loads"]
    assert {a["dataset_id"] for a in loads} == {"uji-penduduk"}
    assert any(a["file_name"] == "penduduk.csv" and a["file_sha256"] for a in loads)
    record_figures("restricted-metadata", {"secrets": len(hidden), "public requests": asked, "leaked": 0})


def test_the_public_learns_that_it_exists_who_publishes_it_and_when(restricted: Instance) -> None:
    iris = restricted.platform.iris
    dataset = iris.dataset(SLUG)
    listing = restricted.client.get("/catalog.json").json()
    entry = next(d for d in listing["datasets"] if d["id"] == SLUG)
    assert entry["title"] == {"id": "KPM PKH uji", "en": "Test PKH beneficiaries"}
    assert entry["access_rights"] == {"iri": RESTRICTED_RIGHTS, "level": "terbatas"}
    assert entry["restricted"] is True and entry["access_note"]["id"].startswith("Data terbatas")
    assert entry["publisher"]["iri"] == iris.agency("dinsos")
    assert entry["frequency"]["key"] == "annual"
    assert [i["iri"] for i in entry["indicators"]] == [iris.indicator("kpm-pkh")]
    assert entry["modified"]  # when its version in force was published
    for hidden in ("temporal", "published_graph", "generated_by", "published_by", "validation", "last_load"):
        assert entry[hidden] is None, hidden
    assert entry["distributions"] == [] and entry["region_levels"] == [] and entry["keywords"] == []
    assert restricted.client.get(f"/catalog/{SLUG}").json()["dataset"] == entry
    for download in (f"/catalog/{SLUG}.csv", f"/catalog/{SLUG}.ttl", f"/loads?dataset={SLUG}"):
        refused = restricted.client.get(download)
        assert refused.status_code == 403 and "terbatas" in refused.json()["error"], download

    # DCAT: the dataset with dct:accessRights RESTRICTED, its card only, no distribution.
    triples = list(ox.parse(restricted.client.get("/catalog.ttl").content, format=ox.RdfFormat.TURTLE))
    about = {(t.predicate.value, t.object.value) for t in triples if t.subject.value == dataset}
    assert (DCTERMS + "accessRights", RESTRICTED_RIGHTS) in about
    assert (RDF_TYPE, DCAT + "Dataset") in about
    assert {p for p, _ in about} <= {*CARD_PROPERTIES, RDF_TYPE, DCTERMS + "modified", DCAT + "theme"}
    assert not [
        t for t in triples if t.object.value == dataset and t.predicate.value == DCAT + "servesDataset"
    ]

    # The catalogue graph, as SPARQL reads it: the pointer and the card, no file, size or checksum.
    card = sparql(
        restricted, f"SELECT ?p ?o WHERE {{ GRAPH <{iris.catalog_graph}> {{ <{dataset}> ?p ?o }} }}"
    )
    assert {r["p"] for r in card} <= {*CARD_PROPERTIES, RDF_TYPE, DCTERMS + "modified", OC + "publishedGraph"}
    assert {r["p"] for r in card} >= {DCTERMS + "title", DCTERMS + "publisher", OC + "accessLevel"}
    catalog_graph = sparql(restricted, f"SELECT ?p WHERE {{ GRAPH <{iris.catalog_graph}> {{ ?s ?p ?o }} }}")
    used = {r["p"] for r in catalog_graph}
    for never in (
        DCAT + "distribution",
        DCAT + "byteSize",
        "http://spdx.org/rdf/terms#checksum",
        OC + "draftGraph",
    ):
        assert never not in used, never  # the waiting draft is not announced either
    measures = sparql(
        restricted,
        f"SELECT ?m WHERE {{ GRAPH <{iris.catalog_graph}> {{ <{dataset}> <{QB}structure>/<{QB}component>/<{QB}measure> ?m }} }}",
    )
    assert [r["m"] for r in measures] == [iris.indicator("kpm-pkh")]
    nothing_else = sparql(
        restricted,
        f"SELECT ?g WHERE {{ GRAPH ?g {{ {{ ?a <{OC}loadedDataset> <{dataset}> }} UNION "
        f"{{ ?v <{PREFIXES['prov']}specializationOf> <{dataset}> }} }} }}",
    )
    assert nothing_else == []  # no load, publication, rejection or version record

    # Its page, the home page and its provenance: the card, marked restricted, without figures.
    page = restricted.client.get(f"/id/dataset/{SLUG}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "KPM PKH uji" in page.text
    home = restricted.client.get("/", headers={"Accept": "text/html"}).text
    row = home[home.index(f'data-dataset="{SLUG}"') :].split("</tr>", 1)[0]
    assert "KPM PKH uji" in row and "data terbatas" in row and ".csv" not in row
    trace = restricted.client.get("/provenance", params={"iri": dataset}).json()
    assert trace["history"] == [] and trace["dataset"]["title"]["id"] == "KPM PKH uji"
    coherence = restricted.client.get("/coherence.json").json()
    assert SLUG not in {d["id"] for d in coherence["datasets"]} | {h["id"] for h in coherence["held_drafts"]}


def test_a_token_that_reads_the_dataset_sees_its_whole_history(restricted: Instance) -> None:
    hidden = secrets(restricted)
    for who, sees in (("walidata", True), ("admin", True), ("dinsos", True), ("dukcapil", False)):
        headers = restricted.auth(who)
        loads = restricted.client.get("/loads", headers=headers).json()["loads"]
        mine = [a for a in loads if a["dataset_id"] == SLUG]
        assert bool(mine) == sees, who
        filtered = restricted.client.get(f"/loads?dataset={SLUG}", headers=headers)
        download = restricted.client.get(f"/catalog/{SLUG}.csv", headers=headers)
        assert (filtered.status_code, download.status_code) == ((200, 200) if sees else (403, 403)), who
        if not sees:
            continue
        # Every load, the publication and the rejection, with files, hashes, counts and people.
        assert {a["outcome"] for a in mine} >= {"published", "held", "rejected"}
        assert any(a["file_name"] == "kpm.csv" and a["rows_read"] == 10 for a in mine)
        assert any(UPLOADER in a["people"] for a in mine)
        assert "97541" in download.text  # the published table's figures
        trace = restricted.client.get(
            "/provenance", params={"iri": restricted.platform.iris.dataset(SLUG)}, headers=headers
        ).json()
        assert len(trace["history"]) == len(mine)
        files = sparql(restricted, f"SELECT ?n WHERE {{ ?f <{OC}fileName> ?n }}", who)
        assert "kpm.csv" in {r["n"] for r in files}
        assert hidden & {r["n"] for r in files}


def test_the_audit_page_shows_a_restricted_entry_by_number_time_and_hash_only(restricted: Instance) -> None:
    page = restricted.client.get("/audit", headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text
    assert UPLOADER not in page.text and "data terbatas" in page.text
    chain = list(AuditChain(restricted.folder / "audit" / "chain.jsonl").entries())
    mine = [e for e in chain if e.payload.get("dataset") == SLUG]
    shown = [e for e in chain[-20:] if e in mine]
    assert shown and all(e.hash[:16] in page.text for e in shown)  # the chain stays checkable
    answer = restricted.client.get("/audit").json()
    assert answer["ok"] is True and answer["entries"] == len(chain)


def test_a_catalogue_listing_a_restricted_dataset_conforms_to_dcat_ap_3_0_1(restricted: Instance) -> None:
    """A dataset without distributions, as DCAT-AP allows; CKAN harvests its RDF/XML."""
    data = parse(restricted.client.get("/catalog", headers={"Accept": "application/rdf+xml"}).content, "xml")
    conforms, report = validate(data)
    assert conforms, report.serialize(format="turtle")
