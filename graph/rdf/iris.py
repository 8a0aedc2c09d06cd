"""All IRI minting, in one place, from templates; deterministic.

Loading the same row twice gives the same IRIs. Path segments are
percent-encoded so that any slug or sheet name gives a valid IRI.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote

import pyoxigraph as ox

__all__ = ["Iris", "local_path", "path_iris", "segment"]


def segment(value: str) -> str:
    """One IRI path segment: safe characters kept, everything else percent-encoded."""
    return quote(value, safe="-._~")


@dataclass(frozen=True)
class Iris:
    """IRI templates under an instance's base IRI (which ends with '/')."""

    base: str

    # Fixed named graphs.
    @property
    def ontology_graph(self) -> str:
        return f"{self.base}graph/ontologi"

    @property
    def regions_graph(self) -> str:
        return f"{self.base}graph/wilayah"

    @property
    def periods_graph(self) -> str:
        return f"{self.base}graph/periode"

    @property
    def catalog_graph(self) -> str:
        """Which version graph of each dataset is published (the publication pointers)."""
        return f"{self.base}graph/katalog"

    @property
    def provenance_graph(self) -> str:
        """Append-only record of loads, files and mappings."""
        return f"{self.base}graph/provenans"

    def restricted_provenance_graph(self, dataset: str) -> str:
        """A restricted (terbatas) dataset's own provenance: its loads, publications and
        rejections (files, hashes, counts, people), their validation reports and what other
        reports say about its figures; kept out of the public provenance graph, read only by
        those allowed to see the data."""
        return f"{self.restricted_graphs_prefix}{segment(dataset)}/provenans"

    @property
    def restricted_graphs_prefix(self) -> str:
        """Every restricted dataset's own provenance graph starts with this."""
        return f"{self.base}graph/terbatas/"

    @property
    def dataset_graphs_prefix(self) -> str:
        """Every dataset version graph starts with this."""
        return f"{self.base}graph/dataset/"

    def dataset_version_graph(self, dataset: str, load_id: str) -> str:
        return f"{self.dataset_graphs_prefix}{segment(dataset)}/{segment(load_id)}"

    # Reference codes.
    @property
    def region_scheme(self) -> str:
        return f"{self.base}id/skema/wilayah"

    def region(self, code: str) -> str:
        return f"{self.base}id/wilayah/{code}"

    @property
    def region_prefix(self) -> str:
        return f"{self.base}id/wilayah/"

    def period(self, key: str) -> str:
        return f"{self.base}id/periode/{key}"

    @property
    def period_prefix(self) -> str:
        return f"{self.base}id/periode/"

    # Statistics.
    def dataset(self, dataset: str) -> str:
        return f"{self.base}id/dataset/{segment(dataset)}"

    def structure(self, dataset: str) -> str:
        return f"{self.base}id/dataset/{segment(dataset)}/struktur"

    def observation_prefix(self, dataset: str) -> str:
        """Observation IRIs are this prefix + region/period/indicator[/dimension values]."""
        return f"{self.base}id/observasi/{segment(dataset)}/"

    def indicator(self, slug: str) -> str:
        return f"{self.base}id/indikator/{segment(slug)}"

    def agency(self, slug: str) -> str:
        return f"{self.base}id/organisasi/{segment(slug)}"

    def code(self, dimension: str, notation: str) -> str:
        return f"{self.base}id/kode/{segment(dimension)}/{segment(notation)}"

    # Provenance.
    def load(self, load_id: str) -> str:
        return f"{self.base}id/pemuatan/{segment(load_id)}"

    def file(self, sha256: str) -> str:
        return f"{self.base}id/berkas/{sha256}"

    def row_prefix(self, sha256: str, sheet: str | None) -> str:
        """Source-row IRIs are this prefix + the row number as the agency sees it."""
        sheet_part = f"lembar/{segment(sheet)}/" if sheet else ""
        return f"{self.base}id/berkas/{sha256}/{sheet_part}baris/"

    def validation_report(self, activity_id: str) -> str:
        """The SHACL report of one load or publication (its results hang below it)."""
        return f"{self.base}id/validasi/{segment(activity_id)}"

    def publication(self, publication_id: str) -> str:
        """Publishing a held draft on the Walidata's decision."""
        return f"{self.base}id/penerbitan/{segment(publication_id)}"

    def acceptance(self, key: str) -> str:
        """A decision to publish despite named violations."""
        return f"{self.base}id/penerimaan-pelanggaran/{key}"

    def decision(self, key: str) -> str:
        """A human linking decision from mappings/linking/aliases.yaml."""
        return f"{self.base}id/keputusan/{key}"

    @property
    def decisions_graph(self) -> str:
        return f"{self.base}graph/keputusan"

    def mapping(self, sha256: str) -> str:
        return f"{self.base}id/pemetaan/{sha256}"

    def person(self, name: str) -> str:
        return f"{self.base}id/pengguna/{segment(name)}"

    def software(self, version: str) -> str:
        return f"{self.base}id/perangkat-lunak/onecenter/{segment(version)}"


def local_path(iris: Iris, iri: str) -> str | None:
    """The path this service answers ``iri`` at (``{base}id/...`` -> ``/id/...``); None for other IRIs.

    >>> local_path(Iris("https://data.example.go.id/"), "https://data.example.go.id/id/wilayah/11.01")
    '/id/wilayah/11.01'
    >>> local_path(Iris("https://data.example.go.id/"), "http://www.w3.org/2004/02/skos/core#broader") is None
    True
    """
    prefix = iris.base + "id/"
    return "/" + iri[len(iris.base) :] if iri.startswith(prefix) and len(iri) > len(prefix) else None


def path_iris(iris: Iris, path: str) -> list[str]:
    """The IRIs a request path (``/id/...``, as sent, percent-encoding kept) may name, likeliest first.

    The path as sent comes first; then each segment decoded and encoded again the way
    ``graph.rdf.iris`` mints it, then as RFC 3986 allows (``=``, ``(`` ... unencoded), so
    ``/id/pengguna/Walidata%20Diskominfo%20(demo)`` still finds ``...%28demo%29``.

    >>> path_iris(Iris("https://data.example.go.id/"), "/id/wilayah/11.01.02.2003")
    ['https://data.example.go.id/id/wilayah/11.01.02.2003']
    """
    if not path.startswith("/id/") or len(path) <= len("/id/"):
        return []
    segments = path[1:].split("/")
    forms = [
        "/".join(segments),
        "/".join(quote(unquote(s), safe="-._~") for s in segments),
        "/".join(quote(unquote(s), safe="-._~!$&'()*+,;=:@") for s in segments),
    ]
    out: list[str] = []
    for form in forms:
        iri = iris.base + form
        if iri not in out and _valid_iri(iri):
            out.append(iri)
    return out


def _valid_iri(iri: str) -> bool:
    try:
        ox.NamedNode(iri)
    except ValueError:
        return False
    return True
