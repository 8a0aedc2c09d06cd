"""Progress of one region against the declared targets (``ontology/targets.ttl``).

A target names its indicator, a value (14 % stunting) or the indicator holding each
region's own target (each desa's IDM status for 2025), how to compare (at most / at
least; a category by its ``oc:categoryRank``), the year, the levels it is shown at and the
regulation it comes from. A value target is compared with the region's value for the
target's year, else its latest (published or computed from the regions below, as
``graph.describe.region_values`` gives it). A per-region target above the level it is
set at is counted: how many of the desa below already reach theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graph.describe.region_values import RegionValues, level_of
from graph.store.public import PublicGraphs
from graph.text import Text

__all__ = ["Categories", "Progress", "read_categories", "target_progress"]

_TARGETS = """
SELECT ?target ?label_id ?label_en ?indicator ?value ?from ?comparison ?year ?cite_id ?cite_en
       ?source ?coverage_id ?coverage_en (GROUP_CONCAT(STR(?level); separator=" ") AS ?levels)
WHERE {
  ?target a oc:Target ; oc:targetIndicator ?indicator ; oc:targetComparison ?comparison .
  OPTIONAL { ?target rdfs:label ?label_id FILTER(lang(?label_id) = "id") }
  OPTIONAL { ?target rdfs:label ?label_en FILTER(lang(?label_en) = "en") }
  OPTIONAL { ?target oc:targetValue ?value }
  OPTIONAL { ?target oc:targetFromIndicator ?from }
  OPTIONAL { ?target oc:targetYear ?year }
  OPTIONAL { ?target oc:targetLevel/skos:notation ?level }
  OPTIONAL { ?target dcterms:bibliographicCitation ?cite_id FILTER(lang(?cite_id) = "id") }
  OPTIONAL { ?target dcterms:bibliographicCitation ?cite_en FILTER(lang(?cite_en) = "en") }
  OPTIONAL { ?target dcterms:source ?source }
  OPTIONAL { ?target dcterms:coverage ?coverage_id FILTER(lang(?coverage_id) = "id") }
  OPTIONAL { ?target dcterms:coverage ?coverage_en FILTER(lang(?coverage_en) = "en") }
}
GROUP BY ?target ?label_id ?label_en ?indicator ?value ?from ?comparison ?year ?cite_id ?cite_en
         ?source ?coverage_id ?coverage_en
ORDER BY ?year ?target
"""

_CATEGORIES = """
SELECT ?concept ?label_id ?label_en ?rank WHERE {
  ?indicator qb:codeList ?list .
  ?concept skos:inScheme ?list .
  OPTIONAL { ?concept skos:prefLabel ?label_id FILTER(lang(?label_id) = "id") }
  OPTIONAL { ?concept skos:prefLabel ?label_en FILTER(lang(?label_en) = "en") }
  OPTIONAL { ?concept oc:categoryRank ?rank }
}
"""


@dataclass(frozen=True)
class Categories:
    """The concepts of the code lists: labels and ranks (ordinal lists)."""

    labels: dict[str, Text]
    ranks: dict[str, int]


def read_categories(graphs: PublicGraphs) -> Categories:
    labels: dict[str, Text] = {}
    ranks: dict[str, int] = {}
    for r in graphs.values(_CATEGORIES):
        concept = r["concept"]
        labels[concept] = Text.of(
            {"id": r.get("label_id"), "en": r.get("label_en")}, concept.rsplit("/", 1)[-1]
        )
        if r.get("rank"):
            ranks[concept] = int(r["rank"])
    return Categories(labels, ranks)


@dataclass(frozen=True)
class Progress:
    """One target and where the region stands."""

    label: Text
    indicator: str
    at_most: bool  # else at least
    year: int | None
    citation: Text
    source: str | None  # the regulation's address
    coverage: Text
    period: str | None = None  # the period of the value compared
    value: float | None = None  # the region's value (a value target)
    target: float | None = None
    computed: bool = False  # the value is computed from the regions below
    status: Text | None = None  # the region's category, and its own target (per-region target)
    wanted: Text | None = None
    met: bool | None = None  # None: nothing to compare
    steps: int | None = None  # per-region target: the categories still to climb
    reached: int | None = None  # above the target's level: regions below that reach theirs
    counted: int | None = None  # ... of these, with both a status and a target

    @property
    def distance(self) -> float | None:
        """How far the value is from the target, in the indicator's unit (0 when met)."""
        if self.value is None or self.target is None:
            return None
        gap = self.value - self.target if self.at_most else self.target - self.value
        return max(gap, 0.0)


def target_progress(
    graphs: PublicGraphs, values: RegionValues, code: str, categories: Categories
) -> list[Progress]:
    """The targets shown at the region's level, each with the region's progress."""
    level = level_of(code)
    found = []
    for r in graphs.values(_TARGETS):
        levels = r.get("levels", "").split()
        if levels and level not in levels:
            continue
        common = {
            "label": Text.of({"id": r.get("label_id"), "en": r.get("label_en")}, r["target"]),
            "indicator": r["indicator"],
            "at_most": r["comparison"].endswith("comparisonAtMost"),
            "year": int(r["year"]) if r.get("year") else None,
            "citation": Text.of({"id": r.get("cite_id"), "en": r.get("cite_en")}),
            "source": r.get("source"),
            "coverage": Text.of({"id": r.get("coverage_id"), "en": r.get("coverage_en")}),
        }
        if r.get("value"):
            found.append(_against_value(values, code, float(r["value"]), common))
        elif r.get("from"):
            found.append(_against_own(values, code, r["from"], categories, common))
    return found


def _against_value(values: RegionValues, code: str, target: float, common: dict[str, Any]) -> Progress:
    series = [(p, v) for p, v in values.series(common["indicator"], code) if v.number is not None]
    if not series:
        return Progress(**common, target=target)
    year = str(common["year"])
    period, value = next(((p, v) for p, v in series if p == year), series[-1])
    assert value.number is not None
    met = value.number <= target if common["at_most"] else value.number >= target
    return Progress(
        **common, period=period, value=value.number, target=target, computed=value.computed, met=met
    )


def _against_own(
    values: RegionValues, code: str, source: str, categories: Categories, common: dict[str, Any]
) -> Progress:
    indicator = common["indicator"]
    pairs = []  # (status, target) of each region at the level the targets are set at
    for region in _descendants(values, code):
        status = _latest_category(values, indicator, region)
        wanted = _latest_category(values, source, region)
        if status and wanted and status in categories.ranks and wanted in categories.ranks:
            pairs.append((region, status, wanted))
    if not pairs:
        return Progress(**common)
    if len(pairs) == 1 and pairs[0][0] == code:
        _, status, wanted = pairs[0]
        steps = categories.ranks[wanted] - categories.ranks[status]
        if not common["at_most"]:
            met = steps <= 0
        else:
            met, steps = steps >= 0, -steps
        return Progress(
            **common,
            status=categories.labels[status],
            wanted=categories.labels[wanted],
            met=met,
            steps=max(steps, 0),
        )

    def reaches(status: str, wanted: str) -> bool:
        gap = categories.ranks[status] - categories.ranks[wanted]
        return gap <= 0 if common["at_most"] else gap >= 0

    reached = sum(1 for _, s, w in pairs if reaches(s, w))
    return Progress(**common, reached=reached, counted=len(pairs), met=reached == len(pairs))


def _descendants(values: RegionValues, code: str) -> list[str]:
    """The region and every region below it."""
    found, todo = [], [code]
    while todo:
        region = todo.pop()
        found.append(region)
        todo.extend(values.children.get(region, []))
    return found


def _latest_category(values: RegionValues, indicator: str, code: str) -> str | None:
    for period in reversed(values.periods.get(indicator, [])):
        own = values.own.get((indicator, code, period))
        if own is not None and own.category:
            return own.category
    return None
