"""Prefixes of the vocabularies One Center reuses, and its own (``oc:``).

The ``oc:`` vocabulary is shared by every instance (another regency's graph uses
the same terms), so it does not live under an instance's base IRI.
"""

from __future__ import annotations

OC = "https://w3id.org/onecenter/def#"

PREFIXES: dict[str, str] = {
    "oc": OC,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "qb": "http://purl.org/linked-data/cube#",
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "sdmx-attribute": "http://purl.org/linked-data/sdmx/2009/attribute#",
    "sdmx-measure": "http://purl.org/linked-data/sdmx/2009/measure#",
    "sdmx-concept": "http://purl.org/linked-data/sdmx/2009/concept#",
    "sdmx-code": "http://purl.org/linked-data/sdmx/2009/code#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "void": "http://rdfs.org/ns/void#",
    "sh": "http://www.w3.org/ns/shacl#",
}

RDF_TYPE = PREFIXES["rdf"] + "type"
XSD = PREFIXES["xsd"]
QB = PREFIXES["qb"]
SKOS = PREFIXES["skos"]
PROV = PREFIXES["prov"]
DCTERMS = PREFIXES["dcterms"]
DCAT = PREFIXES["dcat"]
SDMX_DIMENSION = PREFIXES["sdmx-dimension"]
SDMX_ATTRIBUTE = PREFIXES["sdmx-attribute"]
# W3C CSV on the Web: which column of the agency's table holds a dimension (``graph.cube.metadata``).
CSVW = "http://www.w3.org/ns/csvw#"


def sparql_prefixes(*names: str) -> str:
    """PREFIX lines for a SPARQL query (all known prefixes when no name is given)."""
    chosen = names or tuple(PREFIXES)
    return "".join(f"PREFIX {n}: <{PREFIXES[n]}>\n" for n in chosen)


def turtle_prefixes() -> str:
    """@prefix lines for generated Turtle."""
    return "".join(f"@prefix {n}: <{iri}> .\n" for n, iri in PREFIXES.items())
