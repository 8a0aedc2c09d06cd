"""Provenance for auditors: a figure, a row, a dataset, a load, a file traced along the chain."""

from __future__ import annotations

import hashlib
import warnings
from typing import Any

import pytest
import rdflib
import yaml

from graph.errors import QueryError, UnknownResource
from graph.provenance.trace import trace, trace_rdf
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.settings import PROJECT_DIR

Demo = tuple[Platform, list[LoadReport]]
OC = rdflib.Namespace("https://w3id.org/onecenter/def#")
C3_RULE = "https://w3id.org/onecenter/shapes#BagianTidakMelebihiKeseluruhan"
DINKES_FILE = PROJECT_DIR / "data" / "dinkes_balita_stunting_desa_2020_2024.xlsx"
DINKES_MAPPING = PROJECT_DIR / "mappings" / "dinkes-stunting-desa.yaml"


def c3(platform: Platform, indicator: str = "balita-stunting") -> str:
    """data/README.md C3: Gerning 2022, stunted (223) > weighed (189); xlsx row 350."""
    gerning = platform.settings.home_region + ".03.2010"
    return platform.iris.observation_prefix("dinkes-stunting-desa") + f"{gerning}/2022/{indicator}"


def c3_acceptance() -> dict[str, Any]:
    path = PROJECT_DIR / "mappings" / "publication" / "accepted_violations.yaml"
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))["accepted"]
    [entry] = [e for e in entries if e["dataset"] == "dinkes-stunting-desa"]
    return dict(entry)


def test_a_figure_traces_to_its_file_sheet_row_column_and_raw_value(demo: Demo) -> None:
    platform, _ = demo
    body = trace(platform.store, platform.iris, c3(platform), max_rows=100)
    assert body["kind"] == "observation"
    obs = body["observation"]
    assert obs["value"] == 223
    assert obs["region"]["label"] == "Gerning" and obs["region"]["level"] == "desa"
    assert obs["period"]["key"] == "2022"
    assert obs["unit"]["label"]["id"] == "Jiwa"
    source = body["source"]
    assert source["file"]["name"] == DINKES_FILE.name
    assert source["file"]["sha256"] == hashlib.sha256(DINKES_FILE.read_bytes()).hexdigest()
    assert source["file"]["byte_size"] == DINKES_FILE.stat().st_size
    assert (source["sheet"], source["row_number"]) == ("Stunting", 350)
    assert (source["column"], source["raw_value"]) == ("Jumlah Balita Stunting", "223")
    assert body["region_link"]["method"] and body["region_link"]["score"] is not None
    assert body["region_link"]["decision"] is None


def test_a_figure_traces_to_its_load_mapping_and_publisher(demo: Demo) -> None:
    platform, _ = demo
    body = trace(platform.store, platform.iris, c3(platform), max_rows=100)
    load = body["load"]
    assert load["outcome"] == "published" and load["published_now"] is True
    assert load["iri"].startswith(platform.iris.load(""))
    assert load["mapping_name"] == "mappings/dinkes-stunting-desa.yaml"
    assert load["mapping_sha256"] == hashlib.sha256(DINKES_MAPPING.read_bytes()).hexdigest()
    assert load["file_sha256"] == body["source"]["file"]["sha256"]
    assert load["agency"] == platform.iris.agency("dinkes")
    assert load["started"] <= load["ended"]
    assert body["publication"] is None  # published by the load itself
    assert body["dataset"]["published_graph"] == load["graph"]
    assert body["publisher"]["name"]["id"] == "Dinas Kesehatan"
    assert [r["label"]["id"] for r in body["publisher"]["roles"]] == ["Produsen Data"]


def test_a_figure_shows_its_validation_finding_and_the_walidata_acceptance(demo: Demo) -> None:
    platform, _ = demo
    body = trace(platform.store, platform.iris, c3(platform), max_rows=100)
    [finding] = body["findings"]
    assert finding["severity"] == "Violation" and finding["shape"] == C3_RULE
    assert finding["current"] is True and finding["report"] == body["load"]["report"]
    assert finding["value"] == "223"
    assert "223" in finding["message"]["id"] and "189" in finding["message"]["en"]
    assert body["validation"] == {
        "report": body["load"]["report"],
        "conforms": False,
        "violations": 1,
        "warnings": 1,
        "accepted": 1,
    }
    [acceptance] = body["acceptances"]
    assert finding["accepted_by"] == [acceptance["iri"]]
    expected = c3_acceptance()
    assert acceptance["reason"] == expected["reason"]
    assert acceptance["decided_by"] == expected["decided_by"]
    assert acceptance["decided_on"] == str(expected["decided_on"])
    assert acceptance["shapes"] == [C3_RULE]
    assert acceptance["rows"] == [350]
    assert acceptance["source"].endswith("accepted_violations.yaml")


def test_the_prevalence_of_the_same_row_has_its_own_warning(demo: Demo) -> None:
    platform, _ = demo
    body = trace(platform.store, platform.iris, c3(platform, "prevalensi-stunting"), max_rows=100)
    assert [f["severity"] for f in body["findings"]] == ["Warning"]
    assert body["findings"][0]["accepted_by"] == [] and body["acceptances"] == []


def test_a_source_row_lists_its_figures_and_their_findings(demo: Demo) -> None:
    platform, _ = demo
    row = trace(platform.store, platform.iris, c3(platform), max_rows=100)["source"]["row"]
    body = trace(platform.store, platform.iris, row, max_rows=100)
    assert body["kind"] == "source_row"
    assert body["source"]["row_number"] == 350 and body["source"]["sheet"] == "Stunting"
    columns = {o["column"]: o["raw_value"] for o in body["source"]["observations"]}
    assert columns["Jumlah Balita Stunting"] == "223"
    assert columns["Jumlah Balita Ditimbang"] == "189"
    assert sorted(f["severity"] for f in body["findings"]) == ["Violation", "Warning"]
    assert len(body["acceptances"]) == 1


def test_a_dataset_traces_to_the_load_behind_its_published_version(demo: Demo) -> None:
    platform, _ = demo
    body = trace(platform.store, platform.iris, platform.iris.dataset("dinkes-stunting-desa"), max_rows=100)
    assert body["kind"] == "dataset"
    assert body["load"]["file_name"] == DINKES_FILE.name
    assert body["validation"]["violations"] == 1 and body["validation"]["accepted"] == 1
    assert {f["severity"] for f in body["findings"]} == {"Violation", "Warning"}
    assert [a["iri"] for a in body["history"]] == [body["load"]["iri"]]
    assert body["acceptances"][0]["decided_by"] == c3_acceptance()["decided_by"]


def test_a_load_and_its_source_file_trace_back_and_forth(demo: Demo) -> None:
    platform, _ = demo
    observation = trace(platform.store, platform.iris, c3(platform), max_rows=100)
    load = trace(platform.store, platform.iris, observation["load"]["iri"], max_rows=100)
    assert load["kind"] == "load"
    assert load["activity"]["rows_read"] > 700 and load["activity"]["observations"] > 2000
    assert C3_RULE in {f["shape"] for f in load["findings"]}
    assert load["publications"] == []
    file = trace(platform.store, platform.iris, observation["source"]["file"]["iri"], max_rows=100)
    assert file["kind"] == "source_file"
    assert [a["iri"] for a in file["activities"]] == [observation["load"]["iri"]]


def test_unknown_and_malformed_iris_are_refused_differently(demo: Demo) -> None:
    platform, _ = demo
    with pytest.raises(UnknownResource):
        trace(platform.store, platform.iris, platform.iris.base + "id/observasi/tidak/ada", max_rows=10)
    with pytest.raises(QueryError) as error:
        trace(platform.store, platform.iris, "bukan iri", max_rows=10)
    assert not isinstance(error.value, UnknownResource)


def parse(data: bytes, fmt: str) -> rdflib.Graph:
    with warnings.catch_warnings():
        # rdflib 7.6's JSON-LD parser builds a (deprecated) ConjunctiveGraph internally.
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return rdflib.Graph().parse(data=data, format=fmt)


@pytest.mark.parametrize(
    ("media_type", "fmt"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld")]
)
def test_the_trace_as_rdf_holds_the_chain_from_figure_to_file(demo: Demo, media_type: str, fmt: str) -> None:
    platform, _ = demo
    body = trace(platform.store, platform.iris, c3(platform), max_rows=100)
    g = parse(
        trace_rdf(platform.store, platform.iris, c3(platform), max_rows=100, media_type=media_type), fmt
    )
    obs, row = rdflib.URIRef(c3(platform)), rdflib.URIRef(body["source"]["row"])
    file = rdflib.URIRef(body["source"]["file"]["iri"])
    assert (obs, OC.sourceRow, row) in g
    assert (row, OC.rowNumber, rdflib.Literal(350)) in g
    assert g.value(file, OC.sha256) == rdflib.Literal(body["source"]["file"]["sha256"])
    assert (
        rdflib.URIRef(body["load"]["iri"]),
        OC.validationReport,
        rdflib.URIRef(body["load"]["report"]),
    ) in g
    acceptance = rdflib.URIRef(body["acceptances"][0]["iri"])
    assert (acceptance, OC.acceptedResult, rdflib.URIRef(body["findings"][0]["result"])) in g
