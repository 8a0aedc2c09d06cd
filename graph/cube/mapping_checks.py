"""A mapping checked against the shared vocabulary and the table's header, before any row.

A mapping names an agency, indicators, dimensions with their codes, units and columns;
each must exist in ``ontology/*.ttl`` or in the table, or the load stops at once with the
mapping's file and line (and the closest name, where one is close). Agency and indicator
names written as people write them ("Dinas Kesehatan") are linked to their slugs first.
"""

from __future__ import annotations

from pathlib import Path

from rapidfuzz import process

from graph.errors import NotFound
from graph.link.names import NameRules
from graph.link.terms import TermLinker
from graph.read.mappings import Mapping, MeasureSpec, discover_mappings, load_mapping
from graph.read.tables import normalise_header
from graph.reference.vocabulary import Vocabulary

__all__ = ["check_mapping", "mapping_for", "resolve_terms"]


def mapping_for(folder: Path, dataset: str, vocab: Vocabulary, rules: NameRules) -> tuple[Path, Mapping]:
    """The mapping file in ``folder`` of ``dataset`` and its mapping, agency resolved to a slug.

    Needs no store: the upload route finds the mapping (and checks the uploader's agency)
    before it takes the upload lock.

    Raises:
        NotFound: no mapping in ``folder`` describes ``dataset``.
        MappingError: that mapping's agency or an indicator cannot be linked.
    """
    for path in discover_mappings(folder):
        mapping = load_mapping(path)
        if mapping.dataset.id == dataset:
            return path, resolve_terms(mapping, vocab, rules)
    raise NotFound(
        f"dataset {dataset!r} tidak dikenal: belum ada pemetaannya / unknown dataset {dataset!r}: "
        "no mapping describes it; the Walidata adds its mapping first"
    )


def resolve_terms(mapping: Mapping, vocab: Vocabulary, rules: NameRules) -> Mapping:
    """The mapping with its agency and fixed indicators written as slugs.

    Agency staff may write "Dinas Kesehatan" or "Jumlah Balita Stunting"; these are
    linked to the vocabulary like region names, and refused (with the closest
    candidates) when they fit nothing or several terms.

    Raises:
        MappingError: a name that cannot be linked, with the mapping's file and line.
    """
    agency = TermLinker.of(vocab, "agency", rules).resolve(mapping.dataset.agency)
    if agency.code is None:
        raise mapping.error(f"instansi / agency: {agency.problem}", "dataset", "agency")
    indicators = TermLinker.of(vocab, "indicator", rules)
    measures = []
    for i, measure in enumerate(mapping.measures):
        if isinstance(measure.indicator, str):
            found = indicators.resolve(measure.indicator)
            if found.code is None:
                raise mapping.error(f"indikator / indicator: {found.problem}", "measures", i, "indicator")
            measure = measure.model_copy(update={"indicator": found.code})
        measures.append(measure)
    dataset = mapping.dataset.model_copy(update={"agency": agency.code})
    return mapping.model_copy(update={"dataset": dataset, "measures": measures})


def check_mapping(mapping: Mapping, vocab: Vocabulary, columns: list[str] | None = None) -> None:
    """Check a mapping against the vocabulary (and the table's header, when given).

    Raises:
        MappingError: an unknown indicator, agency, dimension, code, unit or column,
            naming the mapping file and line.
    """
    if mapping.dataset.agency not in vocab.agencies:
        raise mapping.error(
            f"instansi {mapping.dataset.agency!r} tidak dikenal / unknown agency; known: "
            f"{', '.join(sorted(vocab.agencies))}",
            "dataset",
            "agency",
        )
    _check_dimensions(mapping, vocab)
    for i, measure in enumerate(mapping.measures):
        if isinstance(measure.indicator, str):  # else named per row; linked row by row in prepare()
            _check_measure(mapping, vocab, i, measure)
    if columns is not None:
        _check_columns(mapping, columns)


def _check_dimensions(mapping: Mapping, vocab: Vocabulary) -> None:
    """Each dimension taken from a column is known, and so is each code its values map to."""
    for name, spec in mapping.dimensions.items():
        dimension = vocab.dimensions.get(name)
        if dimension is None:
            raise mapping.error(
                f"dimensi {name!r} tidak dikenal / unknown dimension; known: "
                f"{', '.join(sorted(vocab.dimensions))}",
                "dimensions",
                name,
            )
        for source_value, notation in (spec.values or {}).items():
            if notation not in dimension.codes:
                raise mapping.error(
                    f"kode {notation!r} (for {source_value!r}) tidak ada di dimensi {name} / "
                    f"not a code of {name}; codes: {', '.join(sorted(dimension.codes))}",
                    "dimensions",
                    name,
                    "values",
                    source_value,
                )


def _check_measure(mapping: Mapping, vocab: Vocabulary, i: int, measure: MeasureSpec) -> None:
    """A measure's fixed indicator is known, its unit is the indicator's, its codes exist."""
    assert isinstance(measure.indicator, str)
    indicator = vocab.indicators.get(measure.indicator)
    if indicator is None:
        guess = process.extractOne(measure.indicator, list(vocab.indicators))
        hint = f"; did you mean {guess[0]!r}?" if guess and guess[1] > 70 else ""
        raise mapping.error(
            f"indikator {measure.indicator!r} tidak dikenal / unknown indicator{hint}",
            "measures",
            i,
            "indicator",
        )
    if measure.unit is not None and measure.unit != indicator.unit:
        raise mapping.error(
            f"satuan {measure.unit!r} berbeda dari satuan indikator {indicator.unit!r} / the "
            f"unit differs from the indicator's unit {indicator.unit!r}",
            "measures",
            i,
            "unit",
        )
    _check_codes(mapping, vocab, i, measure)
    for name, notation in measure.dimensions.items():
        dimension = vocab.dimensions.get(name)
        if dimension is None or notation not in dimension.codes:
            raise mapping.error(
                f"dimensi/kode {name}={notation!r} tidak dikenal / unknown dimension or code",
                "measures",
                i,
                "dimensions",
                name,
            )


def _check_codes(mapping: Mapping, vocab: Vocabulary, i: int, measure: MeasureSpec) -> None:
    """A measure's ``codes`` map is for a categorical indicator, onto concepts of its list."""
    if not measure.codes:
        return
    assert isinstance(measure.indicator, str)
    code_list = vocab.code_lists.get(measure.indicator)
    if code_list is None:
        raise mapping.error(
            f"indikator {measure.indicator!r} bukan kategori; 'codes' hanya untuk indikator kategori / "
            "not a categorical indicator; 'codes' is only for categorical indicators",
            "measures",
            i,
            "codes",
        )
    notations = [c.notation for c in code_list.categories]
    for text, notation in measure.codes.items():
        if notation not in notations:
            raise mapping.error(
                f"kode {notation!r} (for {text!r}) tidak ada di daftar kode {measure.indicator} / not "
                f"a code of its list; codes: {', '.join(notations)}",
                "measures",
                i,
                "codes",
                text,
            )


def _check_columns(mapping: Mapping, columns: list[str]) -> None:
    """Every column the mapping names is in the table's header."""
    for loc, column in mapping.column_references():
        if normalise_header(column) not in columns:
            guess = process.extractOne(normalise_header(column), columns)
            hint = f"; did you mean {guess[0]!r}?" if guess and guess[1] > 60 else ""
            raise mapping.error(
                f"kolom {column!r} tidak ada di tabel / no such column in the table{hint} "
                f"(columns: {', '.join(repr(c) for c in columns)})",
                *loc,
            )
