"""The reconciliation service (W3C Entity Reconciliation API 0.2 and 1.0-draft), over HTTP.

Every request sent and every response body received is checked against the
specification's JSON schemas, copied into tests/fixtures/reconciliation/.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft7Validator
from referencing import Registry
from referencing.jsonschema import DRAFT7

from api.app import create_app
from graph.link.names import NameRules
from graph.link.reconcile import Reconciler
from graph.link.regions import RegionLinker
from graph.reference.regions import LEVELS, RegionIndex
from graph.settings import PROJECT_DIR, Settings

SCHEMAS = Path(__file__).resolve().parent.parent / "fixtures" / "reconciliation"
V1_ACCEPT = {"accept": "application/reconciliation.v1+json"}
# What OpenRefine sends for a desa column with its kecamatan as the "induk" property.
BAGELEN_UNDER_GEDONG_TATAAN = {
    "query": "Bagelen",
    "type": "desa",
    "type_strict": "should",
    "properties": [{"pid": "induk", "v": "Gedong Tataan"}],
}


def _load(version: str) -> dict[str, Draft7Validator]:
    schemas = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (SCHEMAS / version).glob("*.json")}
    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], DRAFT7.create_resource(schema)) for schema in schemas.values()
    )
    return {name: Draft7Validator(schema, registry=registry) for name, schema in schemas.items()}


SPEC = {"0.2": _load("0.2"), "1.0-draft": _load("1.0-draft")}


def check(version: str, schema: str, body: Any) -> Any:
    """``body`` is valid against the spec's schema (the failures listed if not)."""
    errors = sorted(SPEC[version][schema].iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    return body


def check_error(response: httpx.Response, status: int) -> dict[str, Any]:
    """The service's one JSON error shape."""
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"ok", "status", "error", "errors"}
    assert body["ok"] is False and body["status"] == status
    assert " / " in body["error"]  # Indonesian / English
    return body


@pytest.fixture(scope="module")
def client(memory_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(memory_settings)) as c:
        yield c


def reconcile_02(client: TestClient, queries: dict[str, Any], *, method: str = "POST") -> dict[str, Any]:
    """A 0.2 batch as OpenRefine sends it (form POST) or as a browser would (GET)."""
    check("0.2", "reconciliation-query-batch", queries)
    payload = {"queries": json.dumps(queries)}
    if method == "POST":
        response = client.post("/reconcile", data=payload)
    else:
        response = client.get("/reconcile", params=payload)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = check("0.2", "reconciliation-result-batch", response.json())
    assert list(body) == list(queries)
    return body


def reconcile_1(client: TestClient, queries: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    batch = {"queries": queries}
    check("1.0-draft", "reconciliation-query-batch", batch)
    response = client.post("/reconcile/match", json=batch)
    assert response.status_code == 200, response.text
    body = check("1.0-draft", "reconciliation-result-batch", response.json())
    assert len(body["results"]) == len(queries)
    return [result["candidates"] for result in body["results"]]


def one(
    client: TestClient, query: str, parent: str | dict[str, str] | None = None, **extra: Any
) -> list[dict[str, Any]]:
    q: dict[str, Any] = {"query": query, **extra}
    if parent is not None:
        q["properties"] = [{"pid": "induk", "v": parent}]
    result: list[dict[str, Any]] = reconcile_02(client, {"q0": q})["q0"]["result"]
    return result


def matched(candidates: list[dict[str, Any]]) -> list[str]:
    return [c["id"] for c in candidates if c["match"]]


def feature(candidate: dict[str, Any], name: str) -> Any:
    return next((f["value"] for f in candidate["features"] if f["id"] == name), None)


def test_copied_schemas_are_valid_json_schemas() -> None:
    for validators in SPEC.values():
        assert {"manifest", "reconciliation-result-batch", "suggest-entities-response"} <= set(validators)
        for validator in validators.values():
            Draft7Validator.check_schema(validator.schema)
    assert "8d66bdba2e351a890a1126f2a8f139c9afd47553" in (SCHEMAS / "SOURCES.md").read_text(encoding="utf-8")


# --- manifest ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_manifest_is_valid_0_2_and_names_the_region_types(client: TestClient) -> None:
    response = client.get("/reconcile")
    assert response.status_code == 200
    manifest = check("0.2", "manifest", response.json())
    assert manifest["versions"] == ["0.2", "1.0-draft"]
    assert manifest["name"].startswith("One Center — Wilayah (Kemendagri)")
    assert manifest["identifierSpace"] == "https://data.pesawarankab.go.id/id/wilayah/"
    assert manifest["schemaSpace"] == "https://w3id.org/onecenter/def#"
    assert manifest["view"] == {"url": "https://data.pesawarankab.go.id/id/wilayah/{{id}}"}
    assert manifest["defaultTypes"] == [
        {"id": "provinsi", "name": "Provinsi"},
        {"id": "kabupaten", "name": "Kabupaten/Kota"},
        {"id": "kecamatan", "name": "Kecamatan"},
        {"id": "desa", "name": "Desa/Kelurahan"},
    ]
    assert manifest["preview"]["url"] == "http://testserver/reconcile/preview?id={{id}}"
    assert manifest["suggest"]["entity"] == {
        "service_url": "http://testserver/reconcile",
        "service_path": "/suggest/entity",
    }


def test_default_manifest_is_valid_1_0_but_for_the_0_2_suggest_block(client: TestClient) -> None:
    manifest = client.get("/reconcile").json()
    assert SPEC["1.0-draft"]["manifest"].is_valid({**manifest, "suggest": {}}) is False  # needs booleans
    del manifest["suggest"]
    check("1.0-draft", "manifest", manifest)


def test_1_0_clients_get_a_1_0_manifest_by_accept_header(client: TestClient) -> None:
    response = client.get("/reconcile", headers=V1_ACCEPT)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/reconciliation.v1+json")
    assert "accept" in response.headers["vary"].lower()
    manifest = check("1.0-draft", "manifest", response.json())
    assert "1.0-draft" in manifest["versions"]
    assert manifest["view"] == {"url": "https://data.pesawarankab.go.id/id/wilayah/{id}"}
    assert manifest["suggest"] == {"entity": True, "property": True, "type": True}
    assert manifest["standardizedScore"] is True


def test_endpoint_with_trailing_slash_serves_the_manifest_without_redirect(client: TestClient) -> None:
    response = client.get("/reconcile/", follow_redirects=False)
    assert response.status_code == 200
    check("0.2", "manifest", response.json())


@pytest.mark.slow
def test_openapi_lists_the_routes_with_unique_operation_ids(memory_settings: Settings) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        paths = create_app(memory_settings).openapi()["paths"]
    assert not [w for w in caught if "reconcile" in str(w.message)]
    assert {"/reconcile", "/reconcile/match", "/reconcile/suggest/entity", "/reconcile/preview"} <= set(paths)
    assert set(paths["/reconcile"]) == {"get", "post"}


# --- reconciliation 0.2 -----------------------------------------------------------------------


def test_gedung_tataan_under_gedong_tataan_matches_18_09_01_2006(client: TestClient) -> None:
    candidates = one(client, "Gedung Tataan", "Gedong Tataan")
    first = candidates[0]
    assert first["id"] == "18.09.01.2006" and first["match"] is True
    assert first["name"] == "Gedung Tataan"
    assert first["description"] == "Kec. Gedong Tataan, Kabupaten Pesawaran"
    assert first["type"] == [{"id": "desa", "name": "Desa/Kelurahan"}]
    assert first["score"] == 100
    assert feature(first, "link_method:nama-baku") is True
    assert feature(first, "parent_match") is True
    assert matched(candidates) == ["18.09.01.2006"]
    assert len(candidates) == 5  # the default limit
    assert all(0 <= c["score"] <= 100 for c in candidates)
    assert [c["score"] for c in candidates] == sorted((c["score"] for c in candidates), reverse=True)


def test_tanjung_rejo_without_parent_is_ambiguous_so_nothing_matches(client: TestClient) -> None:
    candidates = one(client, "Tanjung Rejo")
    assert {c["id"] for c in candidates[:2]} == {"18.09.02.2011", "18.09.09.2010"}
    assert [c["score"] for c in candidates[:2]] == [100, 100]
    assert matched(candidates) == []
    # The description tells the namesakes apart.
    assert candidates[0]["description"] != candidates[1]["description"]


def test_tanjung_rejo_under_way_khilau_matches_18_09_09_2010(client: TestClient) -> None:
    candidates = one(client, "Tanjung Rejo", "Way Khilau")
    assert candidates[0]["id"] == "18.09.09.2010" and candidates[0]["match"] is True
    assert matched(candidates) == ["18.09.09.2010"]


def test_kuta_dalom_under_way_lima_matches_by_the_spelling_rule(client: TestClient) -> None:
    candidates = one(client, "Kuta Dalom", "Way Lima")
    first = candidates[0]
    assert first["id"] == "18.09.04.2006" and first["match"] is True
    assert feature(first, "link_method:aturan-ejaan") is True
    assert first["score"] < 100


def test_kecamatan_type_query_with_prefix_finds_way_lima(client: TestClient) -> None:
    candidates = one(client, "Kec. Way Lima", type="kecamatan")
    assert candidates[0]["id"] == "18.09.04" and candidates[0]["match"] is True
    assert candidates[0]["type"] == [{"id": "kecamatan", "name": "Kecamatan"}]
    assert all(c["type"][0]["id"] == "kecamatan" for c in candidates)


def test_nonsense_name_gets_candidates_but_no_match(client: TestClient) -> None:
    candidates = one(client, "Xqzzy Blorp Qwv")
    assert matched(candidates) == []
    assert all(c["score"] < 60 for c in candidates)


def test_openrefine_form_post_with_type_strict_and_induk_property(client: TestClient) -> None:
    queries = {"q0": BAGELEN_UNDER_GEDONG_TATAAN}
    check("0.2", "reconciliation-query-batch", queries)
    response = client.post(
        "/reconcile",
        content=urlencode({"queries": json.dumps(queries)}),
        headers={"content-type": "application/x-www-form-urlencoded; charset=UTF-8"},
    )
    assert response.status_code == 200, response.text
    body = check("0.2", "reconciliation-result-batch", response.json())
    assert body["q0"]["result"][0]["id"] == "18.09.01.2007"
    assert matched(body["q0"]["result"]) == ["18.09.01.2007"]


def test_get_and_post_give_the_same_answers_for_a_batch(client: TestClient) -> None:
    queries = {
        "a": {"query": "Padang Ratu", "limit": 2},
        "b": {"query": "Way Lima", "type": "kecamatan", "limit": 1},
        "c": {"query": "Pesawaran", "type": ["kabupaten"]},
    }
    by_post = reconcile_02(client, queries)
    by_get = reconcile_02(client, queries, method="GET")
    assert by_post == by_get
    assert len(by_post["a"]["result"]) == 2 and matched(by_post["a"]["result"]) == ["18.09.01.2001"]
    assert [c["id"] for c in by_post["b"]["result"]] == ["18.09.04"]
    assert matched(by_post["c"]["result"]) == ["18.09"]
    assert by_post["c"]["result"][0]["description"] == "Provinsi Lampung"


def test_blank_query_or_properties_only_give_an_empty_result(client: TestClient) -> None:
    body = reconcile_02(
        client,
        {"blank": {"query": "   "}, "props": {"properties": [{"pid": "induk", "v": "Way Lima"}]}},
    )
    assert body == {"blank": {"result": []}, "props": {"result": []}}


def test_name_in_another_kecamatan_is_offered_but_not_matched(client: TestClient) -> None:
    candidates = one(client, "Bagelen", "Way Lima")
    first = candidates[0]
    assert first["id"] == "18.09.01.2007" and first["match"] is False
    assert feature(first, "parent_match") is False
    assert all(feature(c, "parent_match") for c in candidates[1:])


def test_official_2022_name_still_matches(client: TestClient) -> None:
    candidates = one(client, "Ceringin Sari")
    assert matched(candidates) == ["18.09.11.2004"]
    assert candidates[0]["name"] == "Ceringin Asri"


def test_reconciled_parent_entity_is_used_as_the_parent(client: TestClient) -> None:
    candidates = one(client, "Tanjung Rejo", {"id": "18.09.09", "name": "Way Khilau"})
    assert matched(candidates) == ["18.09.09.2010"]


def test_parent_aliases_parent_and_kecamatan_work_like_induk(client: TestClient) -> None:
    for pid in ("parent", "kecamatan", "Induk"):
        q = {"query": "Tanjung Rejo", "properties": [{"pid": pid, "v": "Way Khilau"}]}
        assert matched(reconcile_02(client, {"q": q})["q"]["result"]) == ["18.09.09.2010"], pid


def test_a_code_as_query_returns_that_region_and_former_codes_their_successor(client: TestClient) -> None:
    current = one(client, "18.09.01.2001")
    assert [(c["id"], c["match"]) for c in current] == [("18.09.01.2001", True)]
    former = one(client, "18.09.07.2022")
    assert [c["id"] for c in former] == ["18.09.09.2010"]
    assert feature(former[0], "link_method:kode-lama") is True
    # A code of another level than the type asked for is shown, not matched.
    assert matched(one(client, "18.09.04", type="desa")) == []


def test_single_query_parameter_answers_one_result(client: TestClient) -> None:
    plain = client.get("/reconcile", params={"query": "Bagelen"})
    as_json = client.get("/reconcile", params={"query": json.dumps({"query": "Tanjung Rejo", "limit": 1})})
    for response in (plain, as_json):
        assert response.status_code == 200
        check("0.2", "reconciliation-result-batch", {"single": response.json()})
    assert plain.json()["result"][0]["id"] == "18.09.01.2007"
    assert len(as_json.json()["result"]) == 1


def test_malformed_queries_json_is_400_in_the_error_shape(client: TestClient) -> None:
    body = check_error(client.post("/reconcile", data={"queries": '{"q0": {"query": "Bagelen"'}), 400)
    assert "bukan JSON yang sah" in body["error"] and "not valid JSON" in body["error"]
    check_error(client.get("/reconcile", params={"queries": '["Bagelen"]'}), 400)
    check_error(client.get("/reconcile", params={"queries": '{"q0": "Bagelen"}'}), 400)


def test_bad_type_limit_or_properties_are_400(client: TestClient) -> None:
    for query in (
        {"query": "Bagelen", "type": "kota-besar"},
        {"query": "Bagelen", "limit": 0},
        {"query": "Bagelen", "limit": 2.5},
        {"query": "Bagelen", "properties": {"pid": "induk"}},
        {"query": ["Bagelen"]},
    ):
        body = check_error(client.get("/reconcile", params={"queries": json.dumps({"q0": query})}), 400)
        assert "'q0'" in body["error"], query


def test_post_without_queries_is_400(client: TestClient) -> None:
    body = check_error(client.post("/reconcile", data={"other": "x"}), 400)
    assert "queries" in body["error"]


@pytest.mark.slow
def test_batch_larger_than_the_announced_batch_size_is_413(client: TestClient) -> None:
    size = client.get("/reconcile").json()["batchSize"]
    queries = {f"q{i}": {"query": "Bagelen"} for i in range(size + 1)}
    check_error(client.post("/reconcile", data={"queries": json.dumps(queries)}), 413)
    assert len(reconcile_02(client, dict(list(queries.items())[:size]))) == size


# --- reconciliation 1.0-draft -----------------------------------------------------------------


def test_match_route_answers_a_1_0_batch_in_order(client: TestClient) -> None:
    results = reconcile_1(
        client,
        [
            {
                "type": "desa",
                "conditions": [
                    {"matchType": "name", "propertyValue": "Gedung Tataan"},
                    {"matchType": "property", "propertyId": "induk", "propertyValue": "Gedong Tataan"},
                ],
            },
            {"conditions": [{"matchType": "name", "propertyValue": "Tanjung Rejo"}], "limit": 2},
            {
                "conditions": [
                    {"matchType": "name", "propertyValue": "Kuta Dalom"},
                    {
                        "matchType": "property",
                        "propertyId": "induk",
                        "propertyValue": {"id": "18.09.04", "name": "Way Lima"},
                        "required": True,
                    },
                ]
            },
            {"type": "kecamatan", "conditions": [{"matchType": "id", "propertyValue": "18.09.04"}]},
            {"conditions": [{"matchType": "property", "propertyId": "induk", "propertyValue": "Way Lima"}]},
        ],
    )
    assert matched(results[0]) == ["18.09.01.2006"] and results[0][0]["id"] == "18.09.01.2006"
    assert [c["id"] for c in results[1]] == ["18.09.02.2011", "18.09.09.2010"] and matched(results[1]) == []
    assert matched(results[2]) == ["18.09.04.2006"]
    assert [(c["id"], c["match"]) for c in results[3]] == [("18.09.04", True)]
    assert results[4] == []
    # 1.0 requires a name on every feature; these are the same for 0.2 clients.
    assert all(f["name"] for c in results[0] for f in c["features"])


def test_json_body_posted_to_the_endpoint_is_read_as_a_1_0_batch(client: TestClient) -> None:
    batch = {"queries": [{"conditions": [{"matchType": "name", "propertyValue": "Bagelen"}]}]}
    for path in ("/reconcile", "/reconcile/reconcile"):
        response = client.post(path, json=batch)
        assert response.status_code == 200, path
        body = check("1.0-draft", "reconciliation-result-batch", response.json())
        assert body["results"][0]["candidates"][0]["id"] == "18.09.01.2007"


def test_bad_1_0_batches_are_400(client: TestClient) -> None:
    bad_bodies: list[Any] = [
        [],
        {"queries": {"q0": {"query": "Bagelen"}}},
        {"queries": [{"conditions": []}]},
        {"queries": [{"conditions": [{"matchType": "label", "propertyValue": "Bagelen"}]}]},
        {"queries": [{"type": ["desa"], "conditions": [{"matchType": "name", "propertyValue": "Bagelen"}]}]},
    ]
    for bad in bad_bodies:
        assert not SPEC["1.0-draft"]["reconciliation-query-batch"].is_valid(bad), bad
        check_error(client.post("/reconcile/match", json=bad), 400)
    # The schema lets this through; the spec's text requires propertyId for matchType "property".
    no_pid = {"queries": [{"conditions": [{"matchType": "property", "propertyValue": "Way Lima"}]}]}
    assert "propertyId" in check_error(client.post("/reconcile/match", json=no_pid), 400)["error"]
    body = check_error(
        client.post("/reconcile/match", content=b"{not json", headers={"content-type": "application/json"}),
        400,
    )
    assert "not valid JSON" in body["error"]


# --- suggest ----------------------------------------------------------------------------------


def suggest(client: TestClient, kind: str, **params: Any) -> list[dict[str, Any]]:
    response = client.get(f"/reconcile/suggest/{kind}", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    schema = {"entity": "suggest-entities-response", "type": "suggest-types-response"}.get(
        kind, "suggest-properties-response"
    )
    check("0.2", schema, body)
    check("1.0-draft", schema, body)
    result: list[dict[str, Any]] = body["result"]
    return result


def test_suggest_prefix_bage_returns_bagelen(client: TestClient) -> None:
    result = suggest(client, "entity", prefix="Bage")
    assert result[0]["id"] == "18.09.01.2007" and result[0]["name"] == "Bagelen"
    assert result[0]["description"] == "Kec. Gedong Tataan, Kabupaten Pesawaran"
    assert result[0]["notable"] == [{"id": "desa", "name": "Desa/Kelurahan"}]


def test_suggest_searches_where_the_linker_does_and_filters_by_type(client: TestClient) -> None:
    way = suggest(client, "entity", prefix="Way", limit=50)
    levels = {r["id"]: r["notable"][0]["id"] for r in way}
    # Desa and kecamatan of the home kabupaten; kabupaten of its province (Way Kanan).
    assert {"18.09.04", "18.09.01.2004", "18.08"} <= set(levels)
    assert all(code.startswith("18.09") for code, level in levels.items() if level in ("desa", "kecamatan"))
    assert all(code.startswith("18.") for code in levels)
    kecamatan = suggest(client, "entity", prefix="kec way", type="kecamatan")
    assert {r["id"] for r in kecamatan} >= {"18.09.04", "18.09.09", "18.09.11"}
    assert all(r["notable"][0]["id"] == "kecamatan" for r in kecamatan)
    # Whole-name matches first, then names starting with the prefix, then later words.
    rejo = [r["name"] for r in suggest(client, "entity", prefix="Tanjung Rejo")]
    assert rejo[:2] == ["Tanjung Rejo", "Tanjung Rejo"]


def test_suggest_by_code_prefix_and_cursor_pages(client: TestClient) -> None:
    assert [r["id"] for r in suggest(client, "entity", prefix="18.09.01.2001")] == ["18.09.01.2001"]
    first = suggest(client, "entity", prefix="18.09.04.", limit=3)
    second = suggest(client, "entity", prefix="18.09.04.", limit=3, cursor=3)
    assert len(first) == 3 and not {r["id"] for r in first} & {r["id"] for r in second}


def test_suggest_types_and_the_parent_property(client: TestClient) -> None:
    assert [t["id"] for t in suggest(client, "type", prefix="")] == list(LEVELS)
    assert [t["id"] for t in suggest(client, "type", prefix="kota")] == ["kabupaten"]
    assert [p["id"] for p in suggest(client, "property", prefix="ind")] == ["induk"]
    assert suggest(client, "property", prefix="luas") == []


# --- preview ----------------------------------------------------------------------------------


def test_preview_shows_name_codes_and_parent_chain(client: TestClient) -> None:
    response = client.get("/reconcile/preview", params={"id": "18.09.01.2001"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    for text in ("Padang Ratu", "18.09.01.2001", "1809050001", "Kec. Gedong Tataan, Kabupaten Pesawaran"):
        assert text in page
    assert "Nama 2022" not in page  # same name in 2022


def test_preview_shows_the_2022_name_when_it_differs(client: TestClient) -> None:
    page = client.get("/reconcile/preview", params={"id": "18.09.11.2004"}).text
    assert "Ceringin Asri" in page and "Ceringin Sari" in page


def test_preview_of_unknown_id_is_404_in_the_error_shape(client: TestClient) -> None:
    body = check_error(client.get("/reconcile/preview", params={"id": "18.09.99.9999"}), 404)
    assert "18.09.99.9999" in body["error"]
    check_error(client.get("/reconcile/preview"), 422)


def test_preview_escapes_names(memory_settings: Settings) -> None:
    frame = pd.DataFrame(
        [
            ["99", "provinsi", "provinsi", "Uji", "", "Uji", "99", "", "", ""],
            ["99.01", "kabupaten", "kabupaten", "Kabupaten Uji", "99", "", "9901", "", "", ""],
            ["99.01.01", "kecamatan", "kecamatan", "A & B", "99.01", "", "9901010", "", "", ""],
            ["99.01.01.2001", "desa", "desa", '<script>alert("x")</script>', "99.01.01", "Lama", "", "", "", ""],
        ],
        columns=[
            "kode", "tingkat", "jenis", "nama", "induk", "nama_2022",
            "kode_bps", "nama_bps_2024", "nama_bps_2018", "kode_lama",
        ],
        dtype="string",
    )  # fmt: skip
    rules = NameRules.from_yaml(PROJECT_DIR / "mappings" / "linking" / "name_rules.yaml")
    app = create_app(memory_settings.model_copy(update={"home_region": "99.01"}))
    app.state.reconciler = Reconciler(RegionLinker(RegionIndex(frame), rules, "99.01"))
    with TestClient(app) as c:
        page = c.get("/reconcile/preview", params={"id": "99.01.01.2001"}).text
        assert "<script>" not in page
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
        assert "Kec. A &amp; B" in page and "Lama" in page
        result = suggest(c, "entity", prefix="<scr")
        assert result[0]["name"] == '<script>alert("x")</script>'  # JSON carries the name as it is


# --- CORS -------------------------------------------------------------------------------------


def test_cors_preflight_from_another_origin_is_allowed(client: TestClient) -> None:
    origin = "http://localhost:3333"
    preflight = client.options(
        "/reconcile",
        headers={
            "origin": origin,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "content-type" in preflight.headers["access-control-allow-headers"].lower()
    for path in ("/reconcile", "/reconcile/suggest/entity?prefix=Ba", "/reconcile/preview?id=18.09"):
        assert client.get(path, headers={"origin": origin}).headers["access-control-allow-origin"] == "*"


# --- a real server ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.server
def test_openrefine_session_against_a_real_server(tmp_path: Path) -> None:
    """What OpenRefine does when a user adds the service and reconciles a column."""
    env = {**os.environ, "ONECENTER_STORE_PATH": ":memory:"}
    port = free_port()
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "graph", "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=tmp_path,  # no onecenter.toml here: the defaults and the environment
        )
        try:
            base = f"http://127.0.0.1:{port}/reconcile"
            deadline = time.monotonic() + 30
            while True:
                try:
                    manifest_response = httpx.get(base, timeout=2)
                    break
                except httpx.TransportError:
                    assert server.poll() is None and time.monotonic() < deadline, log_path.read_text()
                    time.sleep(0.2)
            manifest = check("0.2", "manifest", manifest_response.json())
            assert manifest["preview"]["url"] == f"{base}/preview?id={{{{id}}}}"

            queries = {
                "q0": BAGELEN_UNDER_GEDONG_TATAAN,
                "q1": {"query": "Tanjung Rejo", "type": "desa", "type_strict": "should"},
            }
            check("0.2", "reconciliation-query-batch", queries)
            answered = httpx.post(
                base,
                data={"queries": json.dumps(queries)},
                headers={"origin": "http://127.0.0.1:3333"},
                timeout=30,
            )
            assert answered.headers["access-control-allow-origin"] == "*"
            body = check("0.2", "reconciliation-result-batch", answered.json())
            assert matched(body["q0"]["result"]) == ["18.09.01.2007"]
            assert matched(body["q1"]["result"]) == []

            entity = manifest["suggest"]["entity"]
            suggest_url = entity["service_url"] + entity["service_path"]
            suggested = httpx.get(suggest_url, params={"prefix": "Bage"}, timeout=10).json()
            assert check("0.2", "suggest-entities-response", suggested)["result"][0]["id"] == "18.09.01.2007"

            preview = httpx.get(manifest["preview"]["url"].replace("{{id}}", "18.09.01.2001"), timeout=10)
            assert "Padang Ratu" in preview.text

            v1 = httpx.post(
                f"{base}/match",
                json={"queries": [{"conditions": [{"matchType": "name", "propertyValue": "Bagelen"}]}]},
                timeout=10,
            )
            assert check("1.0-draft", "reconciliation-result-batch", v1.json())["results"][0]["candidates"]
        finally:
            server.terminate()
            server.wait(timeout=10)
