"""Code lists of categorical indicators: the concepts an observation's value may be.

A categorical indicator (``oc:kindCategorical``) names a ``skos:ConceptScheme`` with
``qb:codeList``; each concept has a code (``skos:notation``), labels in Indonesian and
English, the spellings agencies use (``skos:altLabel``) and, in an ordered list, a rank
(``oc:categoryRank``, 1 the lowest). The mapping links cell text to these concepts
(``graph.link.categories``), the map colours them in rank order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from graph.text import Text

__all__ = ["Category", "CodeList", "read_code_lists"]


@dataclass(frozen=True)
class Category:
    """One concept of a code list."""

    iri: str
    notation: str
    label: Text
    alt_labels: tuple[str, ...] = ()
    rank: int | None = None

    @property
    def names(self) -> tuple[str, ...]:
        """Every text that means this category: code, labels, variants."""
        return (self.notation, self.label.id, self.label.en, *self.alt_labels)


@dataclass(frozen=True)
class CodeList:
    """A categorical indicator's code list, its categories in rank (else code) order."""

    iri: str
    categories: tuple[Category, ...]

    @property
    def ordinal(self) -> bool:
        return all(c.rank is not None for c in self.categories)

    def by_notation(self, notation: str) -> Category | None:
        return next((c for c in self.categories if c.notation == notation), None)

    def by_iri(self, iri: str) -> Category | None:
        return next((c for c in self.categories if c.iri == iri), None)


_QUERY = """SELECT ?i ?list ?c ?n ?lid ?len ?alt ?rank WHERE {
  ?i a oc:Indicator ; qb:codeList ?list .
  ?c skos:inScheme ?list ; skos:notation ?n .
  OPTIONAL { ?c skos:prefLabel ?lid FILTER(lang(?lid) = "id") }
  OPTIONAL { ?c skos:prefLabel ?len FILTER(lang(?len) = "en") }
  OPTIONAL { ?c skos:altLabel ?alt }
  OPTIONAL { ?c oc:categoryRank ?rank }
} ORDER BY ?i ?c ?alt"""


def read_code_lists(select: Callable[[str], list[dict[str, str]]]) -> dict[str, CodeList]:
    """Indicator IRI -> its code list, read with ``select`` (a SPARQL SELECT over the ontology)."""
    found: dict[str, tuple[str, dict[str, dict[str, object]]]] = {}
    for r in select(_QUERY):
        _, concepts = found.setdefault(r["i"], (r["list"], {}))
        concept = concepts.setdefault(
            r["c"],
            {"n": r["n"], "lid": r.get("lid", r["n"]), "len": r.get("len"), "alt": [], "rank": r.get("rank")},
        )
        alts = concept["alt"]
        assert isinstance(alts, list)
        if r.get("alt") and r["alt"] not in alts:
            alts.append(r["alt"])
    lists = {}
    for indicator, (iri, concepts) in found.items():
        categories = [
            Category(
                iri=c,
                notation=str(v["n"]),
                label=Text(str(v["lid"]), str(v["len"]) if v["len"] else None),
                alt_labels=tuple(str(a) for a in v["alt"]),  # type: ignore[attr-defined]
                rank=int(str(v["rank"])) if v["rank"] is not None else None,
            )
            for c, v in concepts.items()
        ]
        categories.sort(key=lambda c: (c.rank if c.rank is not None else 1 << 30, c.notation))
        lists[indicator] = CodeList(iri, tuple(categories))
    return lists
