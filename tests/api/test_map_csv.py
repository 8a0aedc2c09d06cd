"""``/map/data.csv``: the map's table of values for Excel with Indonesian settings, or standard."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_the_map_csv_holds_the_geojsons_values_in_either_dialect(client: TestClient) -> None:
    query = {"indicator": "prevalensi-stunting", "level": "desa", "period": "2023"}
    features = client.get("/map/data.geojson", params=query).json()["features"]
    excel = client.get("/map/data.csv", params=query)
    assert excel.status_code == 200 and excel.headers["content-type"].startswith("text/csv")
    assert excel.content.startswith(b"\xef\xbb\xbf")
    header, *rows = excel.content.decode("utf-8-sig").splitlines()
    assert header.split(";")[:2] == ["Kode wilayah", "Wilayah"]
    # Every desa of the regency, including those without a polygon, whose values the GeoJSON lacks.
    assert len(rows) >= len(features)
    by_code = {r.split(";")[0]: r.split(";")[5] for r in rows}
    for f in features:
        value = f["properties"]["value"]
        written = by_code[f["properties"]["kode"]]
        assert written == ("" if value is None else f"{value:g}".replace(".", ",")), f["properties"]["kode"]
    standard = client.get("/map/data.csv", params={**query, "_dialect": "standard"}).text
    assert standard.splitlines()[0].startswith("code,region,kecamatan,indicator,period,value")


def test_a_refused_indicator_is_a_400_in_the_one_error_shape(client: TestClient) -> None:
    refused = client.get("/map/data.csv", params={"indicator": "tidak-ada"})
    assert refused.status_code == 400 and refused.json()["ok"] is False
