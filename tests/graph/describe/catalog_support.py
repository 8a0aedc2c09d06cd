"""For the catalogue's tests: the demo datasets, DCAT-AP 3.0.1 shapes and validation, independent
RDF readers, and a small table rewritten so that its load is held."""

from __future__ import annotations

import warnings

import pyoxigraph as ox
import pyshacl
import rdflib
from rdflib.namespace import SH

from graph.settings import PROJECT_DIR

SHAPES = PROJECT_DIR / "tests" / "fixtures" / "dcat-ap"
DATASETS = [  # the published demo datasets, in the catalogue's order
    "bps-luas-penduduk-kecamatan",
    "dinkes-stunting-desa",
    "dinsos-kpm-desa",
    "disdik-sekolah-kecamatan",
    "disdukcapil-penduduk-desa",
    "dpmd-idm-desa",  # real figures: Kemendesa's IDM 2024
    "dpupr-air-sanitasi-desa",
]


def dcat_ap_shapes() -> rdflib.Graph:
    """DCAT-AP 3.0.1 (shapes + ranges) without the references to undefined property shapes."""
    shapes = rdflib.Graph()
    shapes.parse(SHAPES / "dcat-ap-3.0.1-SHACL.ttl")
    shapes.parse(SHAPES / "dcat-ap-3.0.1-ranges.ttl")
    dangling = [(s, p) for s, p in shapes.subject_objects(SH.property) if (p, SH.path, None) not in shapes]
    # SEMICeu/DCAT-AP#448: exactly these five references point at nothing (see SOURCES.md).
    assert len(dangling) == 5, dangling
    for s, p in dangling:
        shapes.remove((s, SH.property, p))
    return shapes


def validate(data: rdflib.Graph) -> tuple[bool, rdflib.Graph]:
    conforms, report, _ = pyshacl.validate(data, shacl_graph=dcat_ap_shapes(), inference="none")
    assert isinstance(report, rdflib.Graph)
    return bool(conforms), report


def parse(data: bytes, rdflib_format: str) -> rdflib.Graph:
    """Parse with rdflib, an independent reader of what pyoxigraph wrote."""
    with warnings.catch_warnings():
        # rdflib 7.6's JSON-LD parser builds a (deprecated) ConjunctiveGraph internally.
        warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
        return rdflib.Graph().parse(data=data, format=rdflib_format)


def as_rdflib(triples: list[ox.Triple]) -> rdflib.Graph:
    return rdflib.Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
