"""Dataset-level triples (DCAT metadata, the Data Cube structure) and the shared period list.

Written into the dataset's version graph with its observations, so that a
dataset's description is replaced together with its figures.
"""

from __future__ import annotations

import datetime as dt

from graph.cube.measure_groups import Cube
from graph.rdf.iris import Iris
from graph.rdf.namespaces import (
    CSVW,
    DCAT,
    DCTERMS,
    OC,
    PREFIXES,
    QB,
    RDF_TYPE,
    SDMX_ATTRIBUTE,
    SDMX_DIMENSION,
)
from graph.rdf.ntriples import lang_literal, literal
from graph.read.mappings import Mapping, normalise_header
from graph.reference.vocabulary import Vocabulary

__all__ = ["dataset_quads", "period_lines", "periods_ntriples"]

# Periods are described once, in their own graph: Oxigraph's union of graphs keeps
# duplicates, so a triple written into every dataset graph would multiply query answers.
PERIOD_YEARS = range(1950, 2101)

_XSD = PREFIXES["xsd"]
_RDFS = PREFIXES["rdfs"]
# DCAT-AP asks for the EU frequency and access-right authority tables.
FREQUENCY = {
    "annual": "http://publications.europa.eu/resource/authority/frequency/ANNUAL",
    "semiannual": "http://publications.europa.eu/resource/authority/frequency/ANNUAL_2",
    "quarterly": "http://publications.europa.eu/resource/authority/frequency/QUARTERLY",
    "monthly": "http://publications.europa.eu/resource/authority/frequency/MONTHLY",
    "irregular": "http://publications.europa.eu/resource/authority/frequency/IRREG",
}
ACCESS = {
    "terbuka": (
        "accessOpen",
        "http://publications.europa.eu/resource/authority/access-right/PUBLIC",
    ),
    "terbatas": (
        "accessRestricted",
        "http://publications.europa.eu/resource/authority/access-right/RESTRICTED",
    ),
}


def period_lines(key: str, iris: Iris) -> list[str]:
    """Triples describing one period key ("2024", "2024-S1", "2024-03")."""
    s = f"<{iris.period(key)}>"
    year = key[:4]
    lines = [f"{s} <{RDF_TYPE}> <{OC}Period>", f"{s} <{OC}year> {literal(year, _XSD + 'integer')}"]
    if len(key) == 4:
        lines += [f"{s} <{OC}periodType> <{OC}periodYear>", f"{s} <{_RDFS}label> {literal(key)}"]
        return lines
    if key[5] == "S":
        lines += [
            f"{s} <{OC}periodType> <{OC}periodSemester>",
            f"{s} <{OC}semester> {literal(key[6:], _XSD + 'integer')}",
            f"{s} <{_RDFS}label> {lang_literal(f'Semester {key[6:]} {year}', 'id')}",
        ]
    else:
        lines += [
            f"{s} <{OC}periodType> <{OC}periodMonth>",
            f"{s} <{OC}month> {literal(str(int(key[5:])), _XSD + 'integer')}",
            f"{s} <{_RDFS}label> {literal(key)}",
        ]
    lines.append(f"{s} <{OC}withinYear> <{iris.period(year)}>")
    return lines


def periods_ntriples(iris: Iris) -> str:
    """Every year, semester and month of PERIOD_YEARS (N-Triples)."""
    lines: list[str] = []
    for year in PERIOD_YEARS:
        keys = [str(year), f"{year}-S1", f"{year}-S2", *(f"{year}-{m:02d}" for m in range(1, 13))]
        for key in keys:
            lines += period_lines(key, iris)
    return "".join(line + " .\n" for line in lines)


def dataset_quads(
    mapping: Mapping,
    vocab: Vocabulary,
    iris: Iris,
    graph: str,
    *,
    home_region: str,
    periods: list[str],
    cubes: list[Cube],
    modified: dt.datetime,
) -> str:
    """N-Quads for the dataset's metadata and the structure of each of its cubes
    (``graph.cube.measure_groups``: the dataset itself, and one more per group of measures
    observed at other points)."""
    meta = mapping.dataset
    ds = f"<{iris.dataset(meta.id)}>"
    agency = f"<{vocab.agencies[meta.agency]}>"
    t = f"<{RDF_TYPE}>"
    access_concept, access_right = ACCESS[meta.access]
    lines = [
        f"{ds} {t} <{QB}DataSet>",
        f"{ds} {t} <{DCAT}Dataset>",
        f"{ds} <{DCTERMS}identifier> {literal(meta.id)}",
        f"{ds} <{DCTERMS}title> {lang_literal(meta.title.id, 'id')}",
        f"{ds} <{DCTERMS}title> {lang_literal(meta.title.en, 'en')}",
        f"{ds} <{_RDFS}label> {lang_literal(meta.title.id, 'id')}",
        f"{ds} <{_RDFS}label> {lang_literal(meta.title.en, 'en')}",
        f"{ds} <{DCTERMS}description> {lang_literal(meta.description.id, 'id')}",
        f"{ds} <{DCTERMS}description> {lang_literal(meta.description.en, 'en')}",
        f"{ds} <{DCTERMS}publisher> {agency}",
        f"{ds} <{DCTERMS}creator> {agency}",
        f"{ds} <{DCTERMS}license> <{meta.license}>",
        f"{ds} <{DCTERMS}accrualPeriodicity> <{FREQUENCY[meta.frequency]}>",
        f"{ds} <{DCTERMS}accessRights> <{access_right}>",
        f"{ds} <{OC}accessLevel> <{OC}{access_concept}>",
        f"{ds} <{OC}syntheticData> {literal(str(meta.synthetic).lower(), _XSD + 'boolean')}",
        f"{ds} <{DCTERMS}spatial> <{iris.region(home_region)}>",
        f"{ds} <{DCTERMS}modified> {literal(modified.isoformat(), _XSD + 'dateTime')}",
    ]
    lines += [f"{ds} <{DCAT}keyword> {lang_literal(k, 'id')}" for k in meta.keywords]
    if periods:
        lines += [
            f"{ds} <{OC}firstPeriod> <{iris.period(periods[0])}>",
            f"{ds} <{OC}lastPeriod> <{iris.period(periods[-1])}>",
        ]

    dims = sorted({*mapping.dimensions, *(d for m in mapping.measures for d in m.dimensions)})
    for cube in cubes:
        lines += _cube_lines(cube, ds, meta.title.id, meta.title.en, dims, vocab)
    lines += _table_schema(mapping, vocab, ds, f"<{iris.structure(meta.id)}/tabel>")
    g = f" <{graph}> .\n"
    return "".join(line + g for line in lines)


def _cube_lines(
    cube: Cube, ds: str, title_id: str, title_en: str, dims: list[str], vocab: Vocabulary
) -> list[str]:
    """One ``qb:DataSet`` of the table and its structure: the fixed dimensions, the table's
    dimensions, the cube's measures and the unit attribute."""
    t = f"<{RDF_TYPE}>"
    iri, dsd = f"<{cube.iri}>", f"<{cube.structure}>"
    lines = [
        f"{iri} <{QB}structure> {dsd}",
        f"{iri} <{OC}cubeOf> {ds}",
        f"{dsd} {t} <{QB}DataStructureDefinition>",
    ]
    if not cube.main:
        # Not typed qb:DataSet here: whatever is typed so is a catalogue dataset to the
        # Satu Data metadata shape and to the readers that list datasets. The type follows
        # from its observations' qb:dataSet (the Recommendation's normalisation, phase 1).
        names = ", ".join(cube.indicators)
        lines += [
            f"{iri} <{DCTERMS}isPartOf> {ds}",
            f"{iri} <{_RDFS}label> {lang_literal(f'{title_id} (kubus: {names})', 'id')}",
            f"{iri} <{_RDFS}label> {lang_literal(f'{title_en} (cube: {names})', 'en')}",
        ]

    def component(name: str, kind: str, prop: str, order: int | None = None) -> None:
        # Both forms: qb:dimension (or measure, attribute) says the kind, and
        # qb:componentProperty is what the W3C integrity constraints read (the closure of
        # the Recommendation's normalisation, published rather than left to each client).
        c = f"<{cube.structure}/komponen/{name}>"
        lines.extend(
            [
                f"{dsd} <{QB}component> {c}",
                f"{c} {t} <{QB}ComponentSpecification>",
                f"{c} <{QB}{kind}> <{prop}>",
                f"{c} <{QB}componentProperty> <{prop}>",
            ]
        )
        if order is not None:
            lines.append(f"{c} <{QB}order> {literal(str(order), _XSD + 'integer')}")

    component("wilayah", "dimension", SDMX_DIMENSION + "refArea", 1)
    component("periode", "dimension", SDMX_DIMENSION + "refPeriod", 2)
    component("jenis-ukuran", "dimension", QB + "measureType", 3)
    for i, name in enumerate(dims, start=4):
        component(f"dimensi-{name}", "dimension", vocab.dimensions[name].iri, i)
    for slug in cube.indicators:
        component(f"ukuran-{slug}", "measure", vocab.indicators[slug].iri)
    component("satuan", "attribute", SDMX_ATTRIBUTE + "unitMeasure")
    return lines


def _table_schema(mapping: Mapping, vocab: Vocabulary, dataset: str, schema: str) -> list[str]:
    """Which column of the agency's table holds the region, the period and each dimension
    (W3C CSVW: ``csvw:title`` the header, ``csvw:propertyUrl`` the dimension it gives).

    A finding about a row's region or period is traced to that cell (the code cell, the
    Tahun cell) instead of to every figure of the row (``graph.check.trace``). A period
    given per measure, or a fixed value, names no column.
    """
    region = mapping.region
    # (header, what the cell holds: csvw:name, the dimension it gives)
    columns: list[tuple[str, str, str]] = []
    area = SDMX_DIMENSION + "refArea"
    if region.code is not None:
        columns.append((region.code.column, f"kode-{region.code.system}", area))
    elif region.name is not None and region.name.column:
        columns.append((region.name.column, "nama-wilayah", area))
    if mapping.period is not None and mapping.period.year.column:
        columns.append((mapping.period.year.column, "tahun", SDMX_DIMENSION + "refPeriod"))
    for name, spec in sorted(mapping.dimensions.items()):
        if spec.column:
            columns.append((spec.column, f"dimensi-{name}", vocab.dimensions[name].iri))
    if not columns:
        return []
    t = f"<{RDF_TYPE}>"
    lines = [f"{dataset} <{CSVW}tableSchema> {schema}", f"{schema} {t} <{CSVW}Schema>"]
    for i, (header, name, prop) in enumerate(columns, start=1):
        column = f"<{schema[1:-1]}/kolom/{i}>"
        lines += [
            f"{schema} <{CSVW}column> {column}",
            f"{column} {t} <{CSVW}Column>",
            f"{column} <{CSVW}title> {literal(normalise_header(header))}",
            f"{column} <{CSVW}name> {literal(name)}",
            f"{column} <{CSVW}propertyUrl> {literal(prop, _XSD + 'anyURI')}",
        ]
    return lines
