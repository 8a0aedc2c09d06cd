"""A published dataset's downloads: its observations as a tidy table, its version graph as Turtle.

``dataset_table`` is the CSV distribution the catalogue lists (``/catalog/{id}.csv``): one
row per observation with region code, name and level, period, indicator, the dataset's
own dimensions, value, unit and observation IRI; ``DatasetTable.to_csv`` writes it in
either dialect of ``graph.spreadsheet``. ``dataset_turtle`` is the Turtle distribution
(``/catalog/{id}.ttl``): the published version graph as it is. Only published versions
are served: an id without one is an ``UnknownDataset``; a restricted (terbatas) dataset is
served only to an audience that reads it, anyone else gets a ``RestrictedDataset``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pyoxigraph as ox

from graph.describe.catalog import dimension_labels, unknown_dataset
from graph.describe.catalog_terms import STRUCTURAL_DIMENSIONS
from graph.errors import RestrictedDataset
from graph.rdf.iris import Iris
from graph.rdf.namespaces import PREFIXES
from graph.spreadsheet import CsvDialect, csv_bytes
from graph.store.interface import Store
from graph.store.public import PublicGraphs
from graph.store.versions import PUBLIC, Audience

__all__ = ["CSV_COLUMNS", "DatasetTable", "dataset_table", "dataset_turtle"]

# Tidy-table columns: name for programs, Indonesian header for Excel. A dataset's own
# dimensions come between the first six and the rest.
CSV_COLUMNS = {
    "region_code": "Kode wilayah",
    "region_label": "Nama wilayah",
    "region_level": "Tingkat wilayah",
    "period": "Periode",
    "indicator": "Indikator",
    "indicator_label": "Nama indikator",
    "value": "Nilai",
    "unit": "Satuan",
    "observation": "Observasi (IRI)",
}
_LEADING = 6  # columns before the dimensions


@dataclass(frozen=True)
class DatasetTable:
    """A published dataset as a tidy table: one row per observation."""

    columns: list[str]
    headers: list[str]  # Indonesian headers (Excel dialect)
    rows: list[list[Any]]

    def to_csv(self, dialect: CsvDialect = "standard") -> bytes:
        """CSV bytes. ``standard``: RFC 4180, ',', decimal point, column names (for programs).
        ``excel``: UTF-8 with BOM, ';', decimal comma, Indonesian headers (Excel, Indonesian
        regional settings), and text Excel would run as a formula quoted."""
        return csv_bytes(self.headers if dialect == "excel" else self.columns, self.rows, dialect)


def _published_graph(view: PublicGraphs, dataset: str) -> str:
    iri = view.iris.dataset(dataset)
    graph = view.versions.get(iri)
    if graph is None and iri in view.restricted:
        raise RestrictedDataset.of(dataset)
    if graph is None:
        raise unknown_dataset(dataset, (d.rsplit("/", 1)[-1] for d in view.versions))
    return graph


def _tail(iri: str, prefix: str) -> str:
    return iri[len(prefix) :] if iri.startswith(prefix) else iri


@dataclass(frozen=True)
class _Lookups:
    """What a row shows besides its observation's own terms: names, levels, notations."""

    dimensions: list[str]  # IRIs, sorted
    codes: dict[tuple[str, str], str]  # (observation, dimension) -> code IRI
    region_label: dict[str, str]
    region_level: dict[str, str]
    notation: dict[str, str]  # indicator, unit or code IRI -> skos:notation
    label: dict[str, str]  # indicator IRI -> Indonesian label


def _lookups(view: PublicGraphs, graph: str) -> _Lookups:
    iris = view.iris
    dims = sorted(
        r["d"].value
        for r in view.select(
            "SELECT DISTINCT ?d WHERE { ?ds qb:structure/qb:component/qb:dimension ?d }", graphs=[graph]
        )
        if r["d"].value not in STRUCTURAL_DIMENSIONS
    )
    codes: dict[tuple[str, str], str] = {}
    for d in dims:
        for r in view.select(
            "SELECT ?d ?obs ?code WHERE { ?obs ?d ?code }", graphs=[graph], d=ox.NamedNode(d)
        ):
            codes[(r["obs"].value, d)] = r["code"].value
    regions = view.select(
        """SELECT ?area ?label ?level WHERE {
  { SELECT DISTINCT ?area WHERE { GRAPH ?g { ?o sdmx-dimension:refArea ?area } } }
  ?area skos:prefLabel ?label OPTIONAL { ?area oc:regionLevel ?level } }""",
        graphs=[graph, iris.regions_graph],
    )
    vocabulary = view.select(
        """SELECT ?x ?notation ?label WHERE {
  { ?x a oc:Indicator } UNION { ?x a oc:Unit } UNION { ?x a skos:Concept ; skos:inScheme ?s }
  OPTIONAL { ?x skos:notation ?notation } OPTIONAL { ?x rdfs:label ?label FILTER(lang(?label) = "id") } }""",
        graphs=[iris.ontology_graph],
    )
    return _Lookups(
        dimensions=dims,
        codes=codes,
        region_label={r["area"].value: r["label"].value for r in regions},
        region_level={
            r["area"].value: r["level"].value.rsplit("level", 1)[-1].lower() for r in regions if "level" in r
        },
        notation={r["x"].value: r["notation"].value for r in vocabulary if "notation" in r},
        label={r["x"].value: r["label"].value for r in vocabulary if "label" in r},
    )


def _row(r: dict[str, Any], known: _Lookups, iris: Iris) -> list[Any]:
    """One observation as a row of the table."""
    obs = r["obs"].value
    area = r["area"].value if "area" in r else ""
    indicator = r["indicator"].value
    value = r["value"]
    number: Any = Decimal(value.value) if isinstance(value, ox.Literal) else value.value
    unit = r["unit"].value if "unit" in r else ""
    codes = [known.codes.get((obs, d)) for d in known.dimensions]
    return [
        _tail(area, iris.region_prefix) if area else None,
        known.region_label.get(area),
        known.region_level.get(area),
        _tail(r["period"].value, iris.period_prefix) if "period" in r else None,
        indicator.rsplit("/", 1)[-1],
        known.label.get(indicator),
        *(known.notation.get(code or "", code) for code in codes),
        number,
        known.notation.get(unit, unit.rsplit("/", 1)[-1]) if unit else None,
        obs,
    ]


def dataset_table(store: Store, iris: Iris, dataset: str, audience: Audience = PUBLIC) -> DatasetTable:
    """The observations of a published dataset with region, period, indicator, dimensions,
    value and unit, sorted by region code, period, indicator and dimensions.

    Raises:
        UnknownDataset: no published dataset has the id ``dataset``.
        RestrictedDataset: it is restricted and ``audience`` may not read it.
    """
    view = PublicGraphs(store, iris, audience)
    graph = _published_graph(view, dataset)
    observations = view.select(
        """SELECT ?obs ?area ?period ?indicator ?value ?unit WHERE {
  ?obs a qb:Observation ; qb:measureType ?indicator ; ?indicator ?value .
  OPTIONAL { ?obs sdmx-dimension:refArea ?area } OPTIONAL { ?obs sdmx-dimension:refPeriod ?period }
  OPTIONAL { ?obs sdmx-attribute:unitMeasure ?unit } }""",
        graphs=[graph],
    )
    known = _lookups(view, graph)
    rows = [_row(r, known, iris) for r in observations]
    width = _LEADING + len(known.dimensions)
    rows.sort(key=lambda row: tuple("" if v is None else str(v) for v in row[:width]))
    labels = dimension_labels(view)
    dim_names = [d.rsplit("/", 1)[-1] for d in known.dimensions]
    dim_headers = [
        labels[d].id if d in labels else n for d, n in zip(known.dimensions, dim_names, strict=True)
    ]
    names, headers = list(CSV_COLUMNS), list(CSV_COLUMNS.values())
    return DatasetTable(
        [*names[:_LEADING], *dim_names, *names[_LEADING:]],
        [*headers[:_LEADING], *dim_headers, *headers[_LEADING:]],
        rows,
    )


def dataset_turtle(store: Store, iris: Iris, dataset: str, audience: Audience = PUBLIC) -> bytes:
    """The published version graph of a dataset as Turtle.

    Raises:
        UnknownDataset: no published dataset has the id ``dataset``.
        RestrictedDataset: it is restricted and ``audience`` may not read it.
    """
    view = PublicGraphs(store, iris, audience)
    graph = _published_graph(view, dataset)
    result = store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", default_graph=[graph])
    assert isinstance(result, ox.QueryTriples)
    prefixes = {
        **PREFIXES,
        "wilayah": iris.region_prefix,
        "periode": iris.period_prefix,
        "indikator": iris.indicator(""),
        "observasi": iris.observation_prefix(dataset),
    }
    return ox.serialize(result, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
