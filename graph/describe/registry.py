"""The registry the Walidata keeps: the declared agencies, their datasets and the indicators.

What is *declared*, not what is published: the agencies and indicators of ``ontology/*.ttl``
(as the store's ontology graph holds them: names, Satu Data roles, units, definitions, the
producing agency and the authoritative dataset of each indicator, the Walidata's decision)
and the datasets the mapping files describe (agency, access level, frequency, indicators),
whether or not a version of them was ever loaded. A mapping that cannot be read or linked
is listed with its problem, so the registry shows what a load would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from graph.cube.mapping_checks import resolve_terms
from graph.errors import OneCenterError
from graph.link.names import NameRules
from graph.rdf.iris import Iris
from graph.rdf.labels import texts_by
from graph.read.mappings import discover_mappings, load_mapping
from graph.reference.vocabulary import Vocabulary
from graph.store.interface import Store
from graph.store.public import PublicGraphs
from graph.store.versions import EVERYONE_INTERNAL
from graph.text import Text

__all__ = ["DeclaredAgency", "DeclaredDataset", "DeclaredIndicator", "Registry", "read_registry"]


@dataclass
class DeclaredDataset:
    """A dataset as its mapping file declares it (``problem``: why the file cannot be used)."""

    file: str  # the mapping file's name
    id: str = ""
    iri: str = ""
    title: Text = field(default_factory=lambda: Text(""))
    agency: str = ""  # agency slug
    access: str = ""  # terbuka | terbatas
    frequency: str = ""
    indicators: list[str] = field(default_factory=list)  # slugs ("" for a column naming them)
    published: bool = False
    problem: str = ""


@dataclass
class DeclaredAgency:
    slug: str
    iri: str
    name: Text
    roles: list[Text]  # Satu Data roles (Produsen Data, Walidata, Pembina Data ...)
    comment: Text
    datasets: list[DeclaredDataset] = field(default_factory=list)


@dataclass(frozen=True)
class DeclaredIndicator:
    slug: str
    iri: str
    label: Text
    definition: Text
    unit: Text
    producer: str | None  # agency IRI
    authoritative: tuple[str, ...]  # dataset IRIs (oc:authoritativeDataset)


@dataclass
class Registry:
    agencies: list[DeclaredAgency]
    indicators: list[DeclaredIndicator]
    unplaced: list[DeclaredDataset]  # mappings whose agency is not declared, or unreadable


def _agencies(view: PublicGraphs) -> list[DeclaredAgency]:
    rows = view.select(
        """SELECT ?org ?name ?role ?roleName ?comment WHERE { ?org a org:Organization .
  OPTIONAL { ?org skos:prefLabel ?name } OPTIONAL { ?org rdfs:comment ?comment }
  OPTIONAL { ?org oc:satuDataRole ?role OPTIONAL { ?role skos:prefLabel ?roleName } } }""",
        graphs=[view.iris.ontology_graph],
    )
    names, comments = texts_by(rows, "org", "name"), texts_by(rows, "org", "comment")
    role_names = texts_by(rows, "role", "roleName")
    roles: dict[str, set[str]] = {}
    for r in rows:
        roles.setdefault(r["org"].value, set()).update([r["role"].value] if "role" in r else [])
    prefix = view.iris.agency("")
    return [
        DeclaredAgency(
            slug=org.removeprefix(prefix),
            iri=org,
            name=names.get(org, Text(org.removeprefix(prefix))),
            roles=[role_names.get(role, Text(role)) for role in sorted(roles[org])],
            comment=comments.get(org, Text("")),
        )
        for org in sorted(roles)
    ]


def _indicators(view: PublicGraphs) -> list[DeclaredIndicator]:
    rows = view.select(
        """SELECT ?ind ?label ?definition ?unit ?unitLabel ?producer ?authoritative WHERE {
  ?ind a oc:Indicator . OPTIONAL { ?ind rdfs:label ?label } OPTIONAL { ?ind skos:definition ?definition }
  OPTIONAL { ?ind oc:unit ?unit OPTIONAL { ?unit skos:prefLabel ?unitLabel } }
  OPTIONAL { ?ind oc:producer ?producer } OPTIONAL { ?ind oc:authoritativeDataset ?authoritative } }""",
        graphs=[view.iris.ontology_graph],
    )
    label, definition = texts_by(rows, "ind", "label"), texts_by(rows, "ind", "definition")
    unit_label = texts_by(rows, "unit", "unitLabel")
    parts: dict[str, dict[str, set[str]]] = {}
    for r in rows:
        found = parts.setdefault(r["ind"].value, {})
        for key in ("unit", "producer", "authoritative"):
            if key in r:
                found.setdefault(key, set()).add(r[key].value)
    prefix = view.iris.indicator("")
    out = []
    for iri in sorted(parts):
        p = parts[iri]
        unit = min(p.get("unit", {""}))
        out.append(
            DeclaredIndicator(
                slug=iri.removeprefix(prefix),
                iri=iri,
                label=label.get(iri, Text(iri.removeprefix(prefix))),
                definition=definition.get(iri, Text("")),
                unit=unit_label.get(unit, Text(unit.rsplit("/", 1)[-1])),
                producer=min(p["producer"]) if "producer" in p else None,
                authoritative=tuple(sorted(p.get("authoritative", ()))),
            )
        )
    return out


def _dataset(
    path: Path, iris: Iris, vocab: Vocabulary, rules: NameRules, published: set[str]
) -> DeclaredDataset:
    try:
        mapping = resolve_terms(load_mapping(path), vocab, rules)
    except OneCenterError as exc:
        # Named by its file alone: an answer never shows a server path.
        return DeclaredDataset(path.name, problem=str(exc).replace(str(path.parent) + "/", ""))
    meta = mapping.dataset
    iri = iris.dataset(meta.id)
    return DeclaredDataset(
        file=path.name,
        id=meta.id,
        iri=iri,
        title=Text(meta.title.id, meta.title.en),
        agency=meta.agency,
        access=meta.access,
        frequency=meta.frequency,
        indicators=[m.indicator if isinstance(m.indicator, str) else "" for m in mapping.measures],
        published=iri in published,
    )


def read_registry(store: Store, iris: Iris, vocab: Vocabulary, mappings: Path) -> Registry:
    """The declared agencies (each with the datasets its mappings declare), the indicators, and
    the mappings that name no declared agency or cannot be read."""
    view = PublicGraphs(store, iris, EVERYONE_INTERNAL)
    agencies = _agencies(view)
    by_slug = {a.slug: a for a in agencies}
    rules = NameRules.of_mappings(mappings)
    published = set(view.versions) | set(view.restricted)
    unplaced = []
    for path in discover_mappings(mappings):
        dataset = _dataset(path, iris, vocab, rules, published)
        home = by_slug.get(dataset.agency)
        if home is None or dataset.problem:
            unplaced.append(dataset)
        else:
            home.datasets.append(dataset)
    return Registry(agencies, _indicators(view), unplaced)
