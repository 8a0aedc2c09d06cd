"""The shared vocabulary read from ``ontology/*.ttl``: indicators, units, dimensions, agencies.

The Turtle files are the source of truth; this module reads them (relative IRIs
resolved against the instance's base IRI) so that mappings can be checked
against them and the transform can mint the right terms.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from graph.errors import ReferenceDataError
from graph.rdf.iris import Iris
from graph.rdf.namespaces import sparql_prefixes
from graph.rdf.results import solution_values
from graph.reference.categories import CodeList, read_code_lists
from graph.reference.declarations import declaration_problems, shortener
from graph.reference.indicators import Indicator
from graph.text import Text

__all__ = ["Dimension", "Vocabulary"]


@dataclass(frozen=True)
class Dimension:
    slug: str
    iri: str
    codes: dict[str, str]  # notation -> code IRI


@dataclass(frozen=True)
class Vocabulary:
    indicators: dict[str, Indicator]
    dimensions: dict[str, Dimension]
    agencies: dict[str, str]  # slug -> IRI
    units: dict[str, str]  # slug -> IRI
    files: tuple[Path, ...]
    labels: dict[str, list[str]] = field(default_factory=dict)  # IRI -> labels, abbreviations
    code_lists: dict[str, CodeList] = field(default_factory=dict)  # categorical indicator slug -> list

    @classmethod
    def load(cls, folder: Path, iris: Iris) -> Vocabulary:
        files = tuple(sorted(folder.glob("*.ttl")))
        if not files:
            raise ReferenceDataError(f"tidak ada ontologi / no ontology files in {folder}")
        store = ox.Store()
        for path in files:
            try:
                store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=iris.base)
            except SyntaxError as exc:
                raise ReferenceDataError(f"{path}: Turtle tidak valid / invalid Turtle: {exc}") from None

        def select(query: str) -> list[dict[str, str]]:
            return solution_values(store.query(sparql_prefixes() + query))

        def slug(iri: str, prefix: str) -> str:
            return iri[len(prefix) :] if iri.startswith(prefix) else iri

        problems = declaration_problems(select, shortener(iris.base))
        if problems:
            raise ReferenceDataError(
                "deklarasi indikator tidak sah / unsound indicator declarations (ontology/*.ttl):\n- "
                + "\n- ".join(problems)
            )
        agency_prefix = iris.agency("")
        unit_prefix = f"{iris.base}id/satuan/"
        agencies = {
            slug(r["a"], agency_prefix): r["a"]
            for r in select("SELECT ?a WHERE { ?a a org:Organization }")
            if r["a"].startswith(agency_prefix)
        }
        units = {slug(r["u"], unit_prefix): r["u"] for r in select("SELECT ?u WHERE { ?u a oc:Unit }")}
        code_lists = read_code_lists(select)
        indicators = {}
        for r in select(
            """SELECT ?i ?lid ?len ?u ?dt ?p WHERE {
                 ?i a oc:Indicator ; oc:unit ?u ; rdfs:range ?dt ; oc:producer ?p .
                 OPTIONAL { ?i rdfs:label ?lid FILTER(lang(?lid) = "id") }
                 OPTIONAL { ?i rdfs:label ?len FILTER(lang(?len) = "en") }
               }"""
        ):
            s = slug(r["i"], iris.indicator(""))
            indicators[s] = Indicator(
                slug=s,
                iri=r["i"],
                label=Text(r.get("lid", s), r.get("len", s)),
                unit=slug(r["u"], unit_prefix),
                unit_iri=r["u"],
                datatype=r["dt"],
                agency=slug(r["p"], agency_prefix),
                code_list=code_lists[r["i"]].iri if r["i"] in code_lists else None,
            )
        dimension_prefix = f"{iris.base}id/dimensi/"
        codes: dict[str, dict[str, str]] = {}
        for r in select(
            """SELECT ?d ?c ?n WHERE {
                 ?d a qb:DimensionProperty ; qb:codeList ?cl .
                 ?c skos:inScheme ?cl ; skos:notation ?n .
               }"""
        ):
            codes.setdefault(r["d"], {})[r["n"]] = r["c"]
        dimensions = {
            slug(d, dimension_prefix): Dimension(slug(d, dimension_prefix), d, c)
            for d, c in codes.items()
            if d.startswith(dimension_prefix)
        }
        labels: dict[str, list[str]] = {}
        for r in select(
            """SELECT ?x ?l WHERE { ?x rdfs:label|skos:prefLabel|skos:altLabel|skos:notation ?l }
               ORDER BY ?x ?l"""
        ):
            labels.setdefault(r["x"], [])
            if r["l"] not in labels[r["x"]]:
                labels[r["x"]].append(r["l"])
        categorical = {s: code_lists[i.iri] for s, i in indicators.items() if i.iri in code_lists}
        return cls(indicators, dimensions, agencies, units, files, labels, categorical)

    def term_labels(self, kind: str) -> dict[str, list[str]]:
        """Every agency's or indicator's slug with its labels (Indonesian, English, abbreviations)."""
        slugs = self.agencies if kind == "agency" else {s: i.iri for s, i in self.indicators.items()}
        return {slug: self.labels.get(iri, []) for slug, iri in slugs.items()}
