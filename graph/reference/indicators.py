"""An indicator as the shared vocabulary describes it: one type for every reader.

The vocabulary (``ontology/*.ttl``) gives each indicator its slug, label, unit, datatype and
producing agency; the catalogue adds its definition and concept; insight adds its kind of
measure and, for a percentage, its numerator and denominator. Every reader fills the
fields it reads and leaves the others at their defaults, so the same indicator is the same
type on the mapping checks, the catalogue, the insight pages and the home page.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.text import Text

__all__ = ["IMPOSSIBLE_VALUE", "Bounds", "Indicator"]

# What a page writes beside a value outside its indicator's declared bounds (104,2 % of households).
IMPOSSIBLE_VALUE = Text("nilai mustahil", "impossible value")


@dataclass(frozen=True)
class Bounds:
    """The lowest and highest value an indicator may take (None: not declared): ``oc:minValue``
    and ``oc:maxValue`` of the indicator, else of its unit (a percentage lies in 0–100), as the
    coherence rule NilaiDalamBatas (``graph.check.declared_values``) reads them."""

    lowest: float | None = None
    highest: float | None = None

    def impossible(self, value: float | None) -> bool:
        """Whether ``value`` lies outside: a data error to flag wherever it is shown, never
        drawn as an ordinary value."""
        if value is None or value != value:  # no value, or NaN
            return False
        return (self.lowest is not None and value < self.lowest) or (
            self.highest is not None and value > self.highest
        )


def _no_text() -> Text:
    return Text("")


@dataclass(frozen=True)
class Indicator:
    """An indicator (a measure of the Data Cube) with what the ontology says about it."""

    iri: str
    slug: str = ""
    label: Text = field(default_factory=_no_text)
    unit: str = ""  # the unit's slug ("persen", "jiwa")
    unit_iri: str = ""
    unit_label: Text = field(default_factory=_no_text)
    datatype: str = ""  # the XSD datatype IRI of its values
    agency: str = ""  # the producing agency's slug
    agency_label: Text = field(default_factory=_no_text)
    kind: str = "unknown"  # count, percentage, ratio, area, currency
    definition: Text = field(default_factory=_no_text)
    concept: str | None = None  # IRI of the concept it measures
    concept_label: Text = field(default_factory=_no_text)
    numerator: str | None = None  # slugs, for a percentage
    denominator: str | None = None
    synthetic: bool = False  # published in a dataset marked oc:syntheticData
    code_list: str | None = None  # IRI of its qb:codeList, for a categorical indicator
    bounds: Bounds = field(default_factory=Bounds)  # declared, as insight reads them

    @property
    def is_categorical(self) -> bool:
        """Its values are concepts of a code list, not numbers."""
        return self.code_list is not None

    def impossible(self, value: float | None) -> bool:
        """Whether ``value`` lies outside the indicator's declared bounds."""
        return self.bounds.impossible(value)

    @property
    def is_integer(self) -> bool:
        return self.datatype.endswith("#integer")

    def __hash__(self) -> int:  # its Text fields are dicts: the IRI names an indicator
        return hash(self.iri)
