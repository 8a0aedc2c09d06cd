"""The cube-shaped queries the view path must answer as the store does, and near-misses.

``CUBE`` holds every query of ``scripts/bench_sparql/`` that is cube-shaped and variations of
them (filters, orders, limits, DISTINCT, a region chain, a count of observations); the
queries with ``ORDER BY`` order by keys that leave no two rows tied, so that their rows must
come in the store's order. ``NEAR`` holds queries close to that shape that the view path must
leave to the store, at recognition or when it meets the data. Prefixes are the questions'
(``question_prefixes``); ``HOME`` is replaced by the instance's home kabupaten code.
"""

from __future__ import annotations

from pathlib import Path

BENCH = Path(__file__).resolve().parents[3] / "scripts" / "bench_sparql"
BENCH_CUBE = [
    "average-by-kecamatan-year",
    "join-desa-year",
    "join-province-2023",
    "point-lookup",
    "sum-by-kecamatan",
]

CUBE = {
    **{f"bench-{name}": (BENCH / f"{name}.rq").read_text(encoding="utf-8") for name in BENCH_CUBE},
    "join-ordered": """SELECT ?desa ?period ?stunting ?safe_water WHERE {
  ?s qb:measureType ind:prevalensi-stunting ; ind:prevalensi-stunting ?stunting ;
     sdmx-dimension:refArea ?desa ; sdmx-dimension:refPeriod ?period .
  ?w qb:measureType ind:persen-air-minum-layak ; ind:persen-air-minum-layak ?safe_water ;
     sdmx-dimension:refArea ?desa ; sdmx-dimension:refPeriod ?period .
} ORDER BY ?desa ?period""",
    "join-filtered-top": """SELECT ?desa ?stunting ?safe_water WHERE {
  ?s qb:measureType ind:prevalensi-stunting ; ind:prevalensi-stunting ?stunting ;
     sdmx-dimension:refArea ?desa ; sdmx-dimension:refPeriod ?period .
  ?w ind:persen-air-minum-layak ?safe_water ; sdmx-dimension:refArea ?desa ; sdmx-dimension:refPeriod ?period .
  FILTER(?stunting > 10 && ?safe_water < 90)
} ORDER BY DESC(?stunting) ?desa ?safe_water LIMIT 15""",
    "sum-ordered-by-total": """SELECT ?kecamatan (SUM(?people) AS ?population) (COUNT(*) AS ?desa) WHERE {
  ?o qb:measureType ind:jumlah-penduduk ; ind:jumlah-penduduk ?people ;
     sdmx-dimension:refArea ?area ; sdmx-dimension:refPeriod ?period .
  ?area skos:broader ?kecamatan .
} GROUP BY ?kecamatan ORDER BY DESC(?population) ?kecamatan""",
    "avg-min-max-with-label": """SELECT ?kecamatan ?name (AVG(?v) AS ?mean) (MIN(?v) AS ?low) (MAX(?v) AS ?high) WHERE {
  [] ind:prevalensi-stunting ?v ; sdmx-dimension:refArea ?desa .
  ?desa skos:broader ?kecamatan . ?kecamatan skos:prefLabel ?name .
} GROUP BY ?kecamatan ?name ORDER BY ?kecamatan""",
    "kabupaten-by-chain": """SELECT ?kabupaten ?period (SUM(?n) AS ?households) WHERE {
  ?o ind:jumlah-rumah-tangga ?n ; sdmx-dimension:refArea ?desa ; sdmx-dimension:refPeriod ?period .
  ?desa skos:broader/skos:broader ?kabupaten .
} GROUP BY ?kabupaten ?period""",
    "desa-names-filtered": """SELECT ?name ?v WHERE {
  ?o ind:balita-ditimbang ?v ; sdmx-dimension:refArea ?desa ; sdmx-dimension:refPeriod ?period .
  ?desa skos:prefLabel ?name . FILTER(?v >= 40 && ?period = periode:2023)
}""",
    "distinct-desa": """SELECT DISTINCT ?desa WHERE {
  ?o qb:measureType ind:kpm-pkh ; sdmx-dimension:refArea ?desa } """,
    "count-distinct-and-sum": """SELECT (COUNT(DISTINCT ?desa) AS ?places) (SUM(?v) AS ?total) (COUNT(?o) AS ?n) WHERE {
  ?o ind:jumlah-murid ?v ; sdmx-dimension:refArea ?desa }""",
    "periods-of-an-indicator": """SELECT ?period (COUNT(*) AS ?n) WHERE {
  ?o qb:measureType ind:rt-sanitasi-layak ; sdmx-dimension:refPeriod ?period
} GROUP BY ?period ORDER BY ?period""",
    "offset-page": """SELECT ?desa ?v WHERE {
  ?o ind:jumlah-penduduk ?v ; sdmx-dimension:refArea ?desa ; sdmx-dimension:refPeriod periode:2023 .
} ORDER BY ?desa ?v LIMIT 10 OFFSET 5""",
    "ask-join": """ASK {
  ?s ind:prevalensi-stunting ?a ; sdmx-dimension:refArea ?d ; sdmx-dimension:refPeriod ?p .
  ?w ind:persen-air-minum-layak ?b ; sdmx-dimension:refArea ?d ; sdmx-dimension:refPeriod ?p .
  FILTER(?a > 1000)
}""",
    "one-kecamatan": """SELECT ?desa ?period ?v WHERE {
  ?o ind:kpm-bpnt ?v ; sdmx-dimension:refArea ?desa ; sdmx-dimension:refPeriod ?period .
  ?desa skos:broader ?kec . ?kec skos:notation "HOME.01"^^oc:KemendagriCode .
} ORDER BY ?period ?desa""",
    "three-indicators": """SELECT ?desa ?pkh ?bpnt ?people WHERE {
  ?a ind:kpm-pkh ?pkh ; sdmx-dimension:refArea ?desa ; sdmx-dimension:refPeriod ?y .
  ?b ind:kpm-bpnt ?bpnt ; sdmx-dimension:refArea ?desa ; sdmx-dimension:refPeriod ?y .
  ?c ind:jumlah-penduduk ?people ; sdmx-dimension:refArea ?desa ; sdmx-dimension:refPeriod ?y .
}""",
    "categories-by-kecamatan": """SELECT ?kecamatan ?status (COUNT(*) AS ?desa) WHERE {
  ?o ind:status-idm ?status ; sdmx-dimension:refArea ?area ; sdmx-dimension:refPeriod ?period .
  ?area skos:broader ?kecamatan .
} GROUP BY ?kecamatan ?status ORDER BY ?kecamatan ?status""",
    "observations-by-indicator": """SELECT ?i (COUNT(*) AS ?n) WHERE {
  ?o qb:measureType ?i ; ?i ?v } GROUP BY ?i""",
    "having": """SELECT ?desa (SUM(?v) AS ?total) WHERE {
  ?o ind:kpm-pkh ?v ; sdmx-dimension:refArea ?desa } GROUP BY ?desa HAVING (SUM(?v) > 10)""",
}

NEAR = {
    "projects-observation": "SELECT * WHERE { ?o ind:kpm-pkh ?v ; sdmx-dimension:refArea ?d }",
    "observation-in-filter": """SELECT ?v WHERE { ?o ind:kpm-pkh ?v ; sdmx-dimension:refArea ?d
  FILTER(isIRI(?o)) }""",
    "function-in-projection": """SELECT ?d (STR(?v) AS ?t) WHERE {
  ?o ind:kpm-pkh ?v ; sdmx-dimension:refArea ?d }""",
    "path-to-area": "SELECT ?k ?v WHERE { ?o ind:kpm-pkh ?v ; sdmx-dimension:refArea/skos:broader ?k }",
    "graph": "SELECT ?v WHERE { GRAPH ?g { ?o ind:kpm-pkh ?v ; sdmx-dimension:refArea ?d } }",
    "other-predicate": "SELECT ?v ?t WHERE { ?o ind:kpm-pkh ?v ; sdmx-dimension:refArea ?d ; a ?t }",
    "unanchored-label": """SELECT ?l WHERE { ?o ind:kpm-pkh ?v ; sdmx-dimension:refArea ?d .
  ?x skos:prefLabel ?l }""",
    "random": "SELECT ?v (RAND() AS ?r) WHERE { ?o ind:kpm-pkh ?v ; sdmx-dimension:refArea ?d }",
    "from": "SELECT ?v FROM <urn:x> WHERE { ?o ind:kpm-pkh ?v ; sdmx-dimension:refArea ?d }",
    "no-dimension": "SELECT ?s ?l WHERE { ?s skos:prefLabel ?l } LIMIT 3",
    "optional-label": """SELECT ?k ?l WHERE { ?o ind:kpm-pkh ?v ; sdmx-dimension:refArea ?d .
  ?d skos:broader ?k OPTIONAL { ?k skos:prefLabel ?l } }""",
    "limit-without-order": """SELECT ?d ?v WHERE {
  ?o ind:kpm-pkh ?v ; sdmx-dimension:refArea ?d } LIMIT 3""",
    "limit-cutting-ties": """SELECT ?period ?d WHERE {
  ?o ind:kpm-pkh ?v ; sdmx-dimension:refArea ?d ; sdmx-dimension:refPeriod ?period }
  ORDER BY ?period LIMIT 3""",
    "sum-of-categories": """SELECT (SUM(?s) AS ?t) WHERE { ?o ind:status-idm ?s ; sdmx-dimension:refArea ?d }""",
    "string-filter": """SELECT ?name WHERE { ?o ind:kpm-pkh ?v ; sdmx-dimension:refArea ?d .
  ?d skos:prefLabel ?name FILTER(?name = "Way Layap") }""",
    "group-concat": """SELECT ?d (GROUP_CONCAT(STR(?v)) AS ?all) WHERE {
  ?o ind:kpm-pkh ?v ; sdmx-dimension:refArea ?d } GROUP BY ?d""",
    "dataset-of-observation": """SELECT ?d ?v ?set WHERE {
  ?o ind:kpm-pkh ?v ; sdmx-dimension:refArea ?d ; qb:dataSet ?set }""",
    "sample-of-many": """SELECT (SAMPLE(?v) AS ?one) WHERE { ?o ind:kpm-pkh ?v ; sdmx-dimension:refArea ?d }""",
}
