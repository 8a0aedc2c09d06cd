"""Indicator declarations that cannot be right, found when the ontology is read.

The coherence checks (shapes/deklarasi.ttl) are generated from what indicators declare
(ontology/onecenter.ttl, "Indicator declarations"). A declaration that points nowhere, goes
round in a circle or contradicts itself would make every check built on it wrong without a
word, so the platform refuses to start on it and says what to fix, in the ontology's terms.

Each rule is one SPARQL query over the ontology files; a solution is one problem.
"""

from __future__ import annotations

from collections.abc import Callable

__all__ = ["declaration_problems", "shortener"]

Select = Callable[[str], list[dict[str, str]]]

# (query, Indonesian / English message with {placeholders} filled from the solution)
_RULES: tuple[tuple[str, str], ...] = (
    (
        """SELECT ?indicator ?relation ?target WHERE {
             VALUES ?relation { oc:partOf oc:atMost oc:sameQuantityAs oc:numerator oc:denominator }
             ?indicator ?relation ?target .
             FILTER NOT EXISTS { ?target a oc:Indicator } }""",
        "{indicator} {relation} {target}: {target} bukan indikator yang dinyatakan; nyatakan indikatornya "
        "atau perbaiki namanya / is not a declared indicator; declare it or correct the name",
    ),
    (
        """SELECT DISTINCT ?indicator WHERE { ?indicator (oc:partOf|oc:atMost)+ ?indicator }""",
        "{indicator}: rantai oc:partOf/oc:atMost kembali ke dirinya sendiri; suatu bagian tidak bisa "
        "memuat keseluruhannya / its oc:partOf/oc:atMost chain comes back to itself; a part cannot "
        "contain its whole",
    ),
    (
        """SELECT ?indicator ?relation ?value WHERE {
             VALUES ?relation { oc:relativeTolerance oc:absoluteTolerance oc:maxYearlyChange }
             ?indicator ?relation ?value .
             FILTER(!isNumeric(?value) || ?value < 0) }""",
        "{indicator} {relation} {value}: harus angka tidak negatif / must be a number not below zero",
    ),
    (
        """SELECT ?indicator ?min ?max WHERE {
             ?indicator oc:minValue ?min ; oc:maxValue ?max .
             FILTER(!isNumeric(?min) || !isNumeric(?max) || ?min > ?max) }""",
        "{indicator}: oc:minValue {min} lebih besar daripada oc:maxValue {max}, atau bukan angka / "
        "oc:minValue {min} is above oc:maxValue {max}, or not a number",
    ),
    (
        """SELECT ?indicator ?range WHERE {
             ?indicator oc:plausibleRange ?range .
             FILTER NOT EXISTS { ?range oc:rangeLevel ?level ; oc:minValue ?min ; oc:maxValue ?max } }""",
        "{indicator} oc:plausibleRange {range}: rentang wajar perlu oc:rangeLevel, oc:minValue dan "
        "oc:maxValue / a plausible range needs oc:rangeLevel, oc:minValue and oc:maxValue",
    ),
    (
        """SELECT DISTINCT ?indicator ?level WHERE {
             ?indicator oc:plausibleRange ?one , ?other .
             ?one oc:rangeLevel ?level . ?other oc:rangeLevel ?level .
             FILTER(?one != ?other) }""",
        "{indicator}: dua rentang wajar untuk {level}; nyatakan satu per tingkat wilayah / two "
        "plausible ranges for {level}; declare one per region level",
    ),
    (
        """SELECT ?indicator ?whole ?unit ?wholeUnit WHERE {
             ?indicator oc:partOf ?whole ; oc:unit ?unit .
             ?whole oc:unit ?wholeUnit .
             FILTER(?unit != ?wholeUnit) }""",
        "{indicator} oc:partOf {whole}: satuannya berbeda ({unit}, {wholeUnit}); bagian dan "
        "keseluruhan dihitung dalam satuan yang sama, gunakan oc:atMost untuk satuan lain "
        "(keluarga ≤ jiwa) / their units differ ({unit}, {wholeUnit}); a part and its whole count "
        "the same unit, use oc:atMost across units",
    ),
    (
        """SELECT ?indicator WHERE {
             { ?indicator oc:numerator ?n FILTER NOT EXISTS { ?indicator oc:denominator ?d } }
             UNION { ?indicator oc:denominator ?d FILTER NOT EXISTS { ?indicator oc:numerator ?n } } }""",
        "{indicator}: rasio perlu oc:numerator dan oc:denominator sekaligus / a ratio needs both "
        "oc:numerator and oc:denominator",
    ),
    (
        """SELECT ?indicator ?unit WHERE {
             ?indicator oc:aggregation oc:aggregationSum ; oc:unit ?unit .
             ?unit oc:ratioScale ?scale }""",
        "{indicator}: satuannya {unit} adalah rasio, jadi tidak dijumlahkan ke wilayah di atasnya; "
        "nyatakan oc:aggregationWeightedMean atau oc:aggregationNone / its unit {unit} is a ratio, "
        "never summed up the region hierarchy; declare oc:aggregationWeightedMean or oc:aggregationNone",
    ),
)


def declaration_problems(select: Select, shorten: Callable[[str], str] = lambda iri: iri) -> list[str]:
    """Every problem of the declarations, one line each (empty when they are sound).

    ``select`` runs a SPARQL SELECT (with the project's prefixes) over the ontology and returns
    each solution's values by variable name; ``shorten`` writes an IRI as the ontology's reader
    knows it (``ind:jumlah-petani``).
    """
    problems = []
    for query, message in _RULES:
        for solution in select(query):
            problems.append(message.format_map({k: shorten(v) for k, v in solution.items()}))
    return sorted(set(problems))


def shortener(base: str) -> Callable[[str], str]:
    """Write an IRI with the prefix the ontology files use (``ind:``, ``satuan:``, ``oc:``)."""
    prefixes = (
        (f"{base}id/indikator/", "ind:"),
        (f"{base}id/satuan/", "satuan:"),
        ("https://w3id.org/onecenter/def#", "oc:"),
        (f"{base}", "<"),
    )

    def shorten(iri: str) -> str:
        for prefix, short in prefixes:
            if iri.startswith(prefix):
                rest = iri[len(prefix) :]
                return f"<{rest}>" if short == "<" else short + rest
        return iri

    return shorten
