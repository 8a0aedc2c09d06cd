"""A categorical indicator's value must be a concept of its code list (shapes/struktur.ttl);
the numeric measure rule leaves it alone. Our engine and pySHACL agree (``run``)."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.namespace import SH

from tests.graph.check.test_shapes import BASE, OCS, SHAPE_FILES, data_graph, dataset, obs_iri, run

# Slow: each graph is judged by pySHACL and by the engine.
pytestmark = pytest.mark.slow

CODE_LIST = f"""
<{BASE}id/indikator/status-x> a oc:Indicator , qb:MeasureProperty ; oc:unit satuan:kategori ;
    rdfs:range skos:Concept ; qb:codeList kode:status-x ;
    skos:definition "Definisi status-x."@id ; qb:concept <{BASE}id/konsep/status-x> .
kode:status-x a skos:ConceptScheme .
kode:status-x-maju a skos:Concept ; skos:inScheme kode:status-x .
kode:status-x-tertinggal a skos:Concept ; skos:inScheme kode:status-x .
kode:lain a skos:Concept ; skos:inScheme kode:jenjang .
"""


def observation(name: str, value: str | None) -> str:
    given = f" ; ind:status-x {value}" if value else ""
    return (
        f"o:{name} a qb:Observation ; qb:dataSet ds:a ; sdmx-dimension:refArea w:D1 ;"
        f" sdmx-dimension:refPeriod per:2024 ; qb:measureType ind:status-x ;"
        f" sdmx-attribute:unitMeasure satuan:kategori ; oc:sourceRow <{BASE}id/berkas/abc/baris/1>{given} .\n"
    )


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    g = rdflib.Graph()
    for path in SHAPE_FILES:
        g.parse(path)
    return g


def test_a_concept_of_the_list_passes_and_anything_else_is_a_violation(shapes: rdflib.Graph) -> None:
    data = data_graph(
        CODE_LIST,
        dataset("a", ["status-x"]),
        observation("ok", "kode:status-x-maju"),
        observation("other-list", "kode:lain"),
        observation("text", '"Maju"'),
        observation("number", '"4"^^xsd:integer'),
        observation("none", None),
    )
    results = run(data, shapes)
    found = {r["focus"]: r for r in results if r["shape"] == OCS.NilaiKategoriDalamDaftarKode}
    assert set(found) == {obs_iri(n) for n in ("other-list", "text", "number", "none")}
    assert all(r["severity"] == SH.Violation for r in found.values())
    messages = {str(m) for m in found[obs_iri("other-list")]["messages"]}  # type: ignore[attr-defined]
    assert any("bukan kategori dari daftar kodenya" in m for m in messages)
    assert any("not a category of its code list" in m for m in messages)
    # The numeric rule leaves categorical indicators to this one.
    assert not [r for r in results if r["shape"] == OCS.NilaiUkuranSesuaiRange]
