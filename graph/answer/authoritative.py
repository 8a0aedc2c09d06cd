"""Which dataset an indicator's figures are taken from: the authoritative one, or the one asked for.

Two agencies may publish the same indicator (a Kemendesa index in a yearly file and in a
per-village series; a population count from Dukcapil and from a survey). Their figures are
never summed or averaged together: every answer takes each indicator's figures from one
dataset and shows the others beside it. Which one:

1. the dataset asked for (a ``sumber`` / ``dataset`` parameter), when it publishes the indicator;
2. else the dataset the Walidata declared authoritative (``oc:authoritativeDataset`` in the
   ontology: Satu Data's *data prioritas* with its *produsen*), when it is published;
3. else, with no declaration (or a declared dataset not published), a deterministic default
   said in the answer: the first dataset (by slug) of the indicator's producer
   (``oc:producer``), else the first dataset by slug.

``read_sources`` reads what this needs from the published graphs (two small queries: the
datasets with the indicators their structure measures, and the indicators' declarations);
``Sources.choose`` applies the rule. Questions, insight, the map and the region pages all
choose here, so they always agree.

Each dataset also says whether its figures are synthetic (``oc:syntheticData true``: made-up
demo values) or real, so that every answer can say so per source. A dataset without the
statement counts as real (``synthetic`` False), as a mapping without ``synthetic: true`` does:
the pipeline writes the statement for every dataset it publishes, so only a dataset loaded
from elsewhere lacks it, and marking made-up data is the publisher's duty.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.rdf.iris import Iris
from graph.store.interface import Store
from graph.store.public import PublicGraphs
from graph.store.versions import PUBLIC, Audience
from graph.text import Text

__all__ = [
    "DatasetSource",
    "Declaration",
    "SourceUse",
    "Sources",
    "asked_problems",
    "read_sources",
    "sources_of",
]

_HOW = {
    "asked": Text("dipilih dengan parameter sumber", "chosen with the sumber (dataset) parameter"),
    "declared": Text(
        "dataset utama yang ditetapkan Walidata", "the authoritative dataset the Walidata declared"
    ),
    "producer": Text(
        "belum ada dataset utama yang ditetapkan: dipakai dataset produsen indikator ini "
        "(yang pertama menurut nama)",
        "no authoritative dataset declared: the dataset of the indicator's producer is used "
        "(the first by name)",
    ),
    "first": Text(
        "belum ada dataset utama yang ditetapkan: dipakai dataset pertama menurut nama",
        "no authoritative dataset declared: the first dataset by name is used",
    ),
    "none": Text(
        "tidak ada dataset terbit yang memuat indikator ini", "no published dataset holds this indicator"
    ),
}


@dataclass(frozen=True)
class DatasetSource:
    """A published dataset as a source of figures: its slug, title, agency, the indicators it
    measures and whether its figures are synthetic (``oc:syntheticData true``) or real."""

    iri: str
    slug: str
    title: Text
    agency: str | None
    agency_label: Text | None
    measures: frozenset[str]  # indicator IRIs of its structure
    synthetic: bool = False  # oc:syntheticData true; without the statement: real (see the module)

    def as_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.slug,
            "iri": self.iri,
            "title": self.title,
            "agency": self.agency,
            "agency_label": self.agency_label,
            "synthetic": self.synthetic,
        }


@dataclass(frozen=True)
class Declaration:
    """What the ontology says about an indicator that the choice needs."""

    authoritative: str | None
    producer: str | None
    numerator: str | None
    denominator: str | None


@dataclass(frozen=True)
class SourceUse:
    """The dataset one indicator's figures are taken from, why, and the other datasets publishing it."""

    indicator: str  # IRI
    dataset: DatasetSource | None  # None: no published dataset holds the indicator
    how: str  # asked, declared, producer, first, none
    others: tuple[DatasetSource, ...] = ()
    declared: str | None = None  # the declared authoritative dataset's IRI, published or not

    @property
    def reason(self) -> Text:
        """Why this dataset, in words (a declared dataset that is not published is named)."""
        text = _HOW[self.how]
        if self.declared is not None and self.how in ("producer", "first", "none"):
            slug = self.declared.rsplit("/", 1)[-1]
            return Text(
                f"dataset utama {slug} belum terbit; " + text.id.split(": ", 1)[-1],
                f"the authoritative dataset {slug} is not published; " + text.en.split(": ", 1)[-1],
            )
        return text

    @property
    def slug(self) -> str | None:
        return None if self.dataset is None else self.dataset.slug

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "used": None if self.dataset is None else self.dataset.as_dict(),
            "how": self.how,
            "reason": self.reason,
            "others": [d.as_dict() for d in self.others],
        }


@dataclass(frozen=True)
class Sources:
    """The published datasets as sources of each indicator, and the Walidata's declarations."""

    datasets: dict[str, DatasetSource]  # IRI -> dataset
    declarations: dict[str, Declaration] = field(default_factory=dict)  # indicator IRI -> declaration
    namespace: str = ""  # of the indicators: namespace + slug is an indicator's IRI

    def by_slug(self, slug: str) -> DatasetSource | None:
        return next((d for d in self.datasets.values() if d.slug == slug), None)

    def publishing(self, indicator: str) -> tuple[DatasetSource, ...]:
        """The published datasets measuring the indicator, by slug."""
        return tuple(sorted((d for d in self.datasets.values() if indicator in d.measures), key=_slug))

    def part(self, indicator: str, which: str) -> str | None:
        """The indicator's numerator or denominator (IRI), as the ontology declares it."""
        declared = self.declarations.get(indicator)
        if declared is None:
            return None
        found: str | None = getattr(declared, which)
        return found

    def choose(self, indicator: str, asked: Collection[str] = ()) -> SourceUse:
        """The dataset to take the indicator's figures from (see the module).

        ``asked``: dataset slugs or IRIs asked for; the first that publishes the indicator wins.
        """
        candidates = self.publishing(indicator)
        declared = self.declarations.get(indicator, Declaration(None, None, None, None))
        chosen: DatasetSource | None = None
        how = "none"
        for wanted in asked:
            chosen = next((d for d in candidates if wanted in (d.slug, d.iri)), None)
            if chosen is not None:
                how = "asked"
                break
        if chosen is None:
            chosen = next((d for d in candidates if d.iri == declared.authoritative), None)
            how = "declared"
        if chosen is None:
            chosen = next((d for d in candidates if d.agency and d.agency == declared.producer), None)
            how = "producer"
        if chosen is None and candidates:
            chosen, how = candidates[0], "first"
        if chosen is None:
            how = "none"
        others = tuple(d for d in candidates if d is not chosen)
        return SourceUse(indicator, chosen, how, others, declared.authoritative)

    def chosen_iris(self, indicators: Iterable[str], asked: Collection[str] = ()) -> dict[str, str | None]:
        """Indicator IRI -> the IRI of the dataset its figures are taken from (None: none published)."""
        chosen = {i: self.choose(i, asked).dataset for i in indicators}
        return {i: None if d is None else d.iri for i, d in chosen.items()}


def asked_problems(
    parameter: str, asked: Sequence[str], sources: Sources, indicators: Collection[str]
) -> list[dict[str, Any]]:
    """Why the datasets asked for cannot be used: unknown, or publishing none of ``indicators``.

    Each problem is ``{"parameter", "value", "message", "allowed"}``, the shape every refusal has;
    ``allowed`` lists the datasets that publish one of the indicators.
    """
    allowed = sorted({d.slug for i in indicators for d in sources.publishing(i)})
    problems = []
    for value in asked:
        dataset = sources.by_slug(value)
        if dataset is None:
            what = f"dataset {value!r} tidak terbit / is not a published dataset"
        elif not dataset.measures & set(indicators):
            what = (
                f"dataset {value!r} tidak memuat indikator yang dibaca di sini / holds none of the "
                "indicators read here"
            )
        else:
            continue
        problems.append(
            {
                "parameter": parameter,
                "value": value,
                "message": f"parameter {parameter!r}: {what}; allowed: {', '.join(allowed) or '(none)'}",
                "allowed": allowed,
            }
        )
    return problems


def read_sources(store: Store, iris: Iris, audience: Audience = PUBLIC) -> Sources:
    """The published datasets with the indicators they measure, and the indicators' declarations."""
    return sources_of(PublicGraphs(store, iris, audience))


def sources_of(graphs: PublicGraphs) -> Sources:
    """``read_sources`` over graphs already found (one publication state)."""
    prefix = graphs.iris.dataset("")
    datasets: dict[str, dict[str, Any]] = {}
    for r in graphs.values(
        """SELECT ?d ?measure ?tid ?ten ?agency ?aid ?aen ?synthetic WHERE {
             ?d a qb:DataSet . ?cube oc:cubeOf ?d ; qb:structure/qb:component/qb:measure ?measure .
             OPTIONAL { ?d oc:syntheticData ?synthetic }
             OPTIONAL { ?d dcterms:title ?tid FILTER(lang(?tid) = "id") }
             OPTIONAL { ?d dcterms:title ?ten FILTER(lang(?ten) = "en") }
             OPTIONAL { ?d dcterms:publisher ?agency .
                        OPTIONAL { ?agency skos:prefLabel ?aid FILTER(lang(?aid) = "id") }
                        OPTIONAL { ?agency skos:prefLabel ?aen FILTER(lang(?aen) = "en") } }
           }"""
    ):
        found = datasets.setdefault(r["d"], {"row": r, "measures": set()})
        found["measures"].add(r["measure"])
    sources = {}
    for iri, found in datasets.items():
        r = found["row"]
        slug = iri.removeprefix(prefix)
        agency = r.get("agency")
        sources[iri] = DatasetSource(
            iri,
            slug,
            Text.of({"id": r.get("tid"), "en": r.get("ten")}, slug),
            agency,
            None if agency is None else Text.of({"id": r.get("aid"), "en": r.get("aen")}, agency),
            frozenset(found["measures"]),
            r.get("synthetic") in ("true", "1"),
        )
    declarations = {
        r["i"]: Declaration(
            r.get("authoritative"), r.get("producer"), r.get("numerator"), r.get("denominator")
        )
        for r in graphs.values(
            """SELECT ?i (MIN(STR(?a)) AS ?authoritative) (MIN(STR(?p)) AS ?producer)
                      (MIN(STR(?n)) AS ?numerator) (MIN(STR(?q)) AS ?denominator) WHERE {
                 ?i a oc:Indicator .
                 OPTIONAL { ?i oc:authoritativeDataset ?a }
                 OPTIONAL { ?i oc:producer ?p }
                 OPTIONAL { ?i oc:numerator ?n }
                 OPTIONAL { ?i oc:denominator ?q }
               } GROUP BY ?i"""
        )
    }
    return Sources(sources, declarations, graphs.iris.indicator(""))


def _slug(dataset: DatasetSource) -> str:
    return dataset.slug
