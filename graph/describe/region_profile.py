"""A region's profile: key figures by theme with trend, rank, source and targets; children; questions.

The HTML face of ``/id/wilayah/<code>`` for a regent's staff ("show me Kecamatan X"). Every
figure comes from ``graph.describe.region_values`` (published at the region's level, else
computed from the regions below as the indicator's aggregation declares) and is grouped
by its declared theme (``oc:theme``, ``ontology/themes.ttl``); an indicator without a theme
is shown under "Lainnya / Other", never dropped. Targets come from
``graph.describe.region_targets``; the map's polygons from ``graph.insight.boundaries``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from graph.answer.questions import Catalogue
from graph.describe.freshness import Freshness, freshness
from graph.describe.region_targets import Categories, Progress, read_categories, target_progress
from graph.describe.region_values import RegionValues, Value, level_of, parent_of, read_region_values
from graph.insight.boundaries import load_boundaries
from graph.rdf.iris import Iris
from graph.store.interface import Store
from graph.store.public import PublicGraphs
from graph.text import Text, published_decimals

__all__ = [
    "Card",
    "ChildRow",
    "Column",
    "QuestionLink",
    "RegionProfile",
    "Theme",
    "profile_area",
    "region_profile",
]

OTHER = Text("Lainnya", "Other")
LEVEL_NAMES = {
    "provinsi": Text("provinsi", "provinces"),
    "kabupaten": Text("kabupaten", "regencies"),
    "kecamatan": Text("kecamatan", "districts"),
    "desa": Text("desa", "villages"),
}

_FREQUENCIES = (
    "SELECT ?dataset ?frequency WHERE { ?dataset a qb:DataSet ; dcterms:accrualPeriodicity ?frequency }"
)

_INDICATORS = """
SELECT ?indicator ?label_id ?label_en ?unit_id ?unit_en ?theme ?theme_id ?theme_en ?theme_order
       ?order ?key ?higher ?list
WHERE {
  ?indicator a oc:Indicator .
  OPTIONAL { ?indicator rdfs:label ?label_id FILTER(lang(?label_id) = "id") }
  OPTIONAL { ?indicator rdfs:label ?label_en FILTER(lang(?label_en) = "en") }
  OPTIONAL { ?indicator oc:unit/skos:prefLabel ?unit_id FILTER(lang(?unit_id) = "id") }
  OPTIONAL { ?indicator oc:unit/skos:prefLabel ?unit_en FILTER(lang(?unit_en) = "en") }
  OPTIONAL {
    ?indicator oc:theme ?theme .
    OPTIONAL { ?theme skos:prefLabel ?theme_id FILTER(lang(?theme_id) = "id") }
    OPTIONAL { ?theme skos:prefLabel ?theme_en FILTER(lang(?theme_en) = "en") }
    OPTIONAL { ?theme oc:displayOrder ?theme_order }
  }
  OPTIONAL { ?indicator oc:displayOrder ?order }
  OPTIONAL { ?indicator oc:keyIndicator ?key }
  OPTIONAL { ?indicator oc:higherIsBetter ?higher }
  OPTIONAL { ?indicator qb:codeList ?list }
}
"""


@dataclass(frozen=True)
class Card:
    """One indicator's latest figure for the region."""

    indicator: str
    label: Text
    unit: Text | None
    period: str
    value: Value
    decimals: int | None  # for ``id_number``
    category: Text | None = None  # a categorical value's label
    trend: tuple[tuple[str, float], ...] = ()  # (period, value), oldest first
    rank: tuple[int, int] | None = None  # (rank, peers): 1 is the highest
    peers: Text | None = None  # what the peers are ("kecamatan")
    higher_is_better: bool | None = None  # only when declared
    agency: Text | None = None
    dataset: str | None = None
    dataset_title: Text | None = None
    synthetic: bool = False
    distribution: tuple[tuple[Text, int], ...] = ()  # a category counted over the regions below
    freshness: Freshness | None = None  # the period shown against its dataset's frequency, today

    @property
    def previous(self) -> tuple[str, float] | None:
        return self.trend[-2] if len(self.trend) > 1 else None


@dataclass(frozen=True)
class Theme:
    iri: str | None  # None: "Lainnya", the indicators without a declared theme
    label: Text
    cards: tuple[Card, ...]


@dataclass(frozen=True)
class Column:
    indicator: str
    label: Text
    unit: Text | None
    period: str


@dataclass(frozen=True)
class ChildRow:
    code: str
    iri: str
    name: str
    cells: tuple[tuple[Value | None, Text | None, int | None], ...]  # (value, category, decimals)


@dataclass(frozen=True)
class QuestionLink:
    id: str
    title: Text
    parameter: str
    code: str


@dataclass(frozen=True)
class RegionProfile:
    code: str
    level: str
    name: str
    themes: tuple[Theme, ...]
    children_level: Text | None
    columns: tuple[Column, ...]
    children: tuple[ChildRow, ...]
    targets: tuple[Progress, ...]
    questions: tuple[QuestionLink, ...]
    map: dict[str, Any] | None  # a GeoJSON FeatureCollection; properties kode, nama, peran

    def card(self, indicator: str) -> Card | None:
        return next((c for t in self.themes for c in t.cards if c.indicator == indicator), None)


@dataclass(frozen=True)
class _Info:
    label: Text
    unit: Text | None
    theme: str | None
    theme_label: Text
    theme_order: int
    order: int
    key: bool
    higher: bool | None
    categorical: bool


def region_profile(
    store: Store,
    iris: Iris,
    region: str,
    *,
    codes_dir: Path | None = None,
    catalogue: Catalogue | None = None,
    today: dt.date | None = None,
    observed: pd.DataFrame | None = None,
) -> RegionProfile:
    """The profile of the region with IRI ``region`` (a Kemendagri code's IRI); ``today``
    judges each figure's freshness (``graph.describe.freshness``, the one rule). ``observed``:
    the observations under the region's parent (``profile_area``) when the caller has them."""
    graphs = PublicGraphs(store, iris)
    code = region.removeprefix(iris.region_prefix)
    level = level_of(code)
    # Peers share the parent: read everything under it (the region itself for a province).
    values = read_region_values(graphs, profile_area(code), observed)
    categories = read_categories(graphs)
    infos = _indicators(graphs)
    frequencies = {r["dataset"]: r["frequency"] for r in graphs.values(_FREQUENCIES)}
    when = today or dt.date.today()
    cards = [
        _fresh(c, frequencies, when)
        for i in values.indicators()
        if (c := _card(values, categories, infos, i, code))
    ]
    themes = _themes(cards, infos)
    below = values.children.get(code, [])
    columns = _columns(values, infos, below)
    children = tuple(
        ChildRow(c, iris.region(c), values.names.get(c, c), _cells(values, categories, columns, c))
        for c in below
    )
    targets = tuple(target_progress(graphs, values, code, categories))
    return RegionProfile(
        code,
        level,
        values.names.get(code, code),
        themes,
        LEVEL_NAMES.get(level_of(below[0])) if below else None,
        columns,
        children,
        targets,
        tuple(region_questions(catalogue, level, code)) if catalogue else (),
        region_map(codes_dir, code, values.names) if codes_dir else None,
    )


def profile_area(code: str) -> str:
    """The area whose values a region's profile reads: its parent's (the region itself for a
    province), so that its peers are there too."""
    return parent_of(code) or code


def _fresh(card: Card, frequencies: dict[str, str], today: dt.date) -> Card:
    if card.dataset is None or card.dataset not in frequencies:
        return card
    return replace(card, freshness=freshness(card.period, frequencies[card.dataset], today))


def _indicators(graphs: PublicGraphs) -> dict[str, _Info]:
    found = {}
    for r in graphs.values(_INDICATORS):
        iri = r["indicator"]
        unit = Text.of({"id": r.get("unit_id"), "en": r.get("unit_en")}) if r.get("unit_id") else None
        found[iri] = _Info(
            label=Text.of({"id": r.get("label_id"), "en": r.get("label_en")}, iri.rsplit("/", 1)[-1]),
            unit=unit,
            theme=r.get("theme"),
            theme_label=Text.of({"id": r.get("theme_id"), "en": r.get("theme_en")})
            if r.get("theme")
            else OTHER,
            theme_order=int(r.get("theme_order") or 1000),
            order=int(r.get("order") or 1000),
            key=r.get("key") in ("true", "1"),
            higher=None if r.get("higher") is None else r["higher"] in ("true", "1"),
            categorical=bool(r.get("list")),
        )
    return found


def _decimals(value: Value, unit: Text | None) -> int | None:
    if value.computed and value.number is not None and not value.number.is_integer():
        return 1  # a recomputed percentage: one decimal, as the agencies publish theirs
    return published_decimals(repr(value.number)) if value.number is not None else None


def _card(
    values: RegionValues, categories: Categories, infos: dict[str, _Info], indicator: str, code: str
) -> Card | None:
    """The indicator's card, with the agency and dataset its figures are taken from."""
    card = _figure_card(values, categories, infos, indicator, code)
    dataset = values.sources.choose(indicator).dataset
    if card is None or dataset is None:
        return card
    return replace(
        card,
        agency=dataset.agency_label,
        dataset=dataset.iri,
        dataset_title=dataset.title,
        synthetic=dataset.synthetic,
    )


def _figure_card(
    values: RegionValues, categories: Categories, infos: dict[str, _Info], indicator: str, code: str
) -> Card | None:
    info = infos.get(indicator) or _Info(
        Text(indicator.rsplit("/", 1)[-1]), None, None, OTHER, 1000, 1000, False, None, False
    )
    series = values.series(indicator, code)
    if not series:
        distribution = _distribution(values, categories, indicator, code) if info.categorical else None
        if not distribution:
            return None
        period, counted = distribution
        total = sum(n for _, n in counted)
        return Card(indicator, info.label, info.unit, period, Value(None, computed=True, parts=total),
                    None, distribution=counted)  # fmt: skip
    # A computed value from only some of the children (a year few desa have reported yet)
    # is not the region's latest figure when a year all of them reported is there.
    complete = [(p, v) for p, v in series if not (v.computed and v.parts < v.of)]
    series = complete or series
    period, value = series[-1]
    if value.category is not None:
        label = categories.labels.get(value.category, Text(value.category.rsplit("/", 1)[-1]))
        return Card(indicator, info.label, info.unit, period, value, None, category=label)
    peers = values.peers(code)
    return Card(
        indicator,
        info.label,
        info.unit,
        period,
        value,
        _decimals(value, info.unit),
        trend=tuple((p, v.number) for p, v in series if v.number is not None),
        rank=values.rank(indicator, code, period),
        peers=LEVEL_NAMES.get(level_of(peers[0])),
        higher_is_better=info.higher,
    )


def _distribution(
    values: RegionValues, categories: Categories, indicator: str, code: str
) -> tuple[str, tuple[tuple[Text, int], ...]] | None:
    """A category counted over the regions below, in its latest period, in rank order."""
    below, todo = [], list(values.children.get(code, []))
    while todo:
        region = todo.pop()
        below.append(region)
        todo.extend(values.children.get(region, []))
    for period in reversed(values.periods.get(indicator, [])):
        counts = Counter(
            own.category for r in below if (own := values.own.get((indicator, r, period))) and own.category
        )
        if counts:
            order = sorted(counts, key=lambda c: (categories.ranks.get(c, 0), c))
            return period, tuple(
                (categories.labels.get(c, Text(c.rsplit("/", 1)[-1])), counts[c]) for c in order
            )
    return None


def _themes(cards: list[Card], infos: dict[str, _Info]) -> tuple[Theme, ...]:
    def info(card: Card) -> _Info | None:
        return infos.get(card.indicator)

    groups: dict[str | None, list[Card]] = {}
    for card in cards:
        found = info(card)
        groups.setdefault(found.theme if found else None, []).append(card)
    themes = []
    for theme, members in groups.items():
        members.sort(key=lambda c: ((i.order if (i := info(c)) else 1000), c.label.id))
        first = info(members[0])
        label = first.theme_label if first and theme else OTHER
        order = first.theme_order if first and theme else 10_000
        themes.append((order, label.id, Theme(theme, label, tuple(members))))
    return tuple(t for _, _, t in sorted(themes, key=lambda t: (t[0], t[1])))


def _columns(values: RegionValues, infos: dict[str, _Info], below: list[str]) -> tuple[Column, ...]:
    """The key indicators with a value for some child, each in its latest such period."""
    columns = []
    keys = sorted(
        (i for i in values.indicators() if (f := infos.get(i)) and f.key),
        key=lambda i: (infos[i].theme_order, infos[i].order),
    )
    for indicator in keys:
        period = next(
            (
                p
                for p in reversed(values.periods[indicator])
                if any(values.value(indicator, c, p) for c in below)
            ),
            None,
        )
        if period is not None:
            columns.append(Column(indicator, infos[indicator].label, infos[indicator].unit, period))
    return tuple(columns)


def _cells(
    values: RegionValues, categories: Categories, columns: tuple[Column, ...], code: str
) -> tuple[tuple[Value | None, Text | None, int | None], ...]:
    cells = []
    for column in columns:
        value = values.value(column.indicator, code, column.period)
        category = categories.labels.get(value.category) if value and value.category else None
        cells.append((value, category, _decimals(value, column.unit) if value else None))
    return tuple(cells)


def region_questions(catalogue: Catalogue, level: str, code: str) -> list[QuestionLink]:
    """The named questions with a region parameter that accepts the level, this region filled in."""
    found = []
    for question in sorted(catalogue.questions.values(), key=lambda q: q.spec.title.id):
        for name, parameter in question.spec.parameters.items():
            if parameter.type == "region" and (parameter.levels is None or level in parameter.levels):
                found.append(QuestionLink(question.id, question.spec.title, name, code))
                break
    return found


def region_map(codes_dir: Path, code: str, names: dict[str, str]) -> dict[str, Any] | None:
    """The region among its peers, and its children: the shipped polygons, small enough to inline."""
    level = level_of(code)
    parent = parent_of(code)
    features: list[dict[str, Any]] = []

    def add(area: str | None, at: str, role: Any) -> None:
        if area is None or at not in ("kecamatan", "desa"):
            return
        found = load_boundaries(codes_dir, area, at)
        for f in found.features if found else ():
            kode = str(f["properties"]["kode"])
            peran = role(kode)
            if peran:
                props = {"kode": kode, "nama": names.get(kode, kode), "peran": peran}
                features.append({"type": "Feature", "geometry": f["geometry"], "properties": props})

    if level == "kabupaten":
        add(code, "kecamatan", lambda k: "anak")
    elif level == "kecamatan":
        add(parent, "kecamatan", lambda k: "sekitar" if k != code else None)
        add(code, "desa", lambda k: "anak")
    elif level == "desa":
        add(parent, "desa", lambda k: "ini" if k == code else "sekitar")
    return {"type": "FeatureCollection", "features": features} if features else None
