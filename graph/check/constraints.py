"""A shape's constraint compiled into one whole-graph SELECT, and the finding an answer makes.

``graph.check.shapes`` compiles the SHACL shapes into ``Constraint``s and groups them into
the ``ShapeQuery``s the engine runs; the engine and the column checks both turn a
solution into a ``Finding`` through ``finding_of``, so the two give the same finding for the
same broken rule (message templates filled the same way). The SPARQL spellings the
compilers share (a term in N-Triples syntax, the class path) are here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import rdflib
from rdflib.namespace import SH

from graph.check.findings import Finding
from graph.check.solutions import tsv_value
from graph.errors import ReferenceDataError
from graph.text import figure_text

__all__ = [
    "KEMENDAGRI_CODE",
    "SH_NS",
    "SUBCLASS",
    "SUBCLASS_OF",
    "TYPE",
    "Constraint",
    "MessageTemplate",
    "ShapeQuery",
    "finding_of",
    "local_name",
    "message_values",
    "messages_of",
    "n3",
    "severity_of",
]

SH_NS = str(SH)
TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
SUBCLASS_OF = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"
SUBCLASS = f"{TYPE}/{SUBCLASS_OF}*"


def local_name(iri: str | None) -> str:
    """The last segment of an IRI, after its last ``#`` or ``/``.

    >>> local_name("https://w3id.org/onecenter/shapes#IC-1-DatasetUnik"), local_name(None)
    ('IC-1-DatasetUnik', '')
    """
    return re.split(r"[#/]", iri or "")[-1]


def n3(term: Any) -> str:
    """An IRI or literal of the shapes graph as SPARQL writes it; a blank node is refused.

    >>> n3(rdflib.URIRef("https://example.org/a")), n3(rdflib.Literal(5))
    ('<https://example.org/a>', '"5"^^<http://www.w3.org/2001/XMLSchema#integer>')
    """
    if isinstance(term, rdflib.URIRef):
        return f"<{term}>"
    if isinstance(term, rdflib.Literal):
        return term.n3()
    raise ReferenceDataError(
        f"bentuk memakai simpul kosong di tempat IRI / blank node where an IRI is expected: {term}"
    )


def messages_of(graph: rdflib.Graph, *nodes: Any) -> tuple[str, str]:
    """(Indonesian, English) ``sh:message`` of the first node that has one; a message
    without a language tag stands for both."""
    for node in nodes:
        texts = {m.language: str(m) for m in graph.objects(node, SH.message) if isinstance(m, rdflib.Literal)}
        if texts:
            return texts.get("id", texts.get(None, "")), texts.get("en", texts.get(None, ""))
    return "", ""


def severity_of(graph: rdflib.Graph, node: Any) -> str:
    """The node's ``sh:severity`` IRI (``sh:Violation`` when it names none)."""
    return str(graph.value(node, SH.severity) or SH.Violation)


@dataclass(frozen=True)
class MessageTemplate:
    """A SHACL message template, {?var} or {$var} replaced by the solution's value.

    >>> t = MessageTemplate.of("Nilai {?value} di {$this}")
    >>> t.names, t.fill({"value": "12"})
    (('value', 'this'), 'Nilai 12 di {$this}')
    """

    parts: tuple[str, ...]  # literal text, then (placeholder, variable, literal text) repeated

    @classmethod
    def of(cls, text: str) -> MessageTemplate:
        return cls(tuple(re.split(r"(\{[?$](\w+)\})", text)))

    @property
    def names(self) -> tuple[str, ...]:
        return self.parts[2::3]

    def fill(self, bound: dict[str, str | None]) -> str:
        if len(self.parts) == 1:
            return self.parts[0]
        out = [self.parts[0]]
        for k in range(1, len(self.parts), 3):
            placeholder, name, text = self.parts[k : k + 3]
            out += [bound.get(name) or placeholder, text]
        return "".join(out)


@dataclass
class Constraint:
    """One constraint of one shape, as a whole-graph SELECT (?this ?path ?value)."""

    shape: str
    component: str
    severity: str
    query: str
    path: str | None
    message_id: str = ""
    message_en: str = ""
    # For a 0-or-1 count: the variable of the shared count query that shows the constraint
    # broken, and whether it is broken when that variable is bound (or when it is not).
    count_test: tuple[str, bool] | None = None
    fill_id: MessageTemplate = field(init=False, repr=False, compare=False)
    fill_en: MessageTemplate = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.fill_id = MessageTemplate.of(self.message_id)
        self.fill_en = MessageTemplate.of(self.message_en)

    @property
    def label(self) -> str:
        path = f" {local_name(self.path)}" if self.path else ""
        component = local_name(self.component).removesuffix("ConstraintComponent")
        return f"{local_name(self.shape)} {component}{path}"


@dataclass
class ShapeQuery:
    """One query the engine runs: one constraint's, or the shared count query of a shape."""

    query: str
    constraints: list[Constraint]

    @property
    def label(self) -> str:
        if len(self.constraints) == 1:
            return self.constraints[0].label
        first = local_name(self.constraints[0].shape)
        return f"{first} ({len(self.constraints)} count constraints, one pass)"


def finding_of(
    c: Constraint,
    focus: str,
    path: str | None,
    value: str | None,
    bound: dict[str, str | None],
    bound_en: dict[str, str | None] | None = None,
    other_dataset: str | None = None,
) -> Finding:
    """The finding of constraint ``c`` on ``focus``, its messages filled from ``bound``
    (the English one from ``bound_en`` when given: ``message_values``)."""
    return Finding(
        shape=c.shape,
        focus=focus,
        component=c.component,
        severity=c.severity,
        path=path,
        value=value,
        message_id=c.fill_id.fill(bound),
        message_en=c.fill_en.fill(bound if bound_en is None else bound_en),
        other_dataset=other_dataset,
    )


_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {
    _XSD + t
    for t in (
        "integer decimal double float long int short byte nonNegativeInteger positiveInteger "
        "nonPositiveInteger negativeInteger unsignedLong unsignedInt unsignedShort unsignedByte"
    ).split()
}
KEMENDAGRI_CODE = "https://w3id.org/onecenter/def#KemendagriCode"
_BARE_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def _datatype(cell: str) -> str | None:
    """The datatype IRI of a SPARQL TSV cell holding a typed literal (``None`` otherwise)."""
    if cell.startswith('"') and cell.endswith(">") and '"^^<' in cell:
        return cell[cell.rindex('"^^<') + 4 : -1]
    return None


def message_values(
    cells: dict[str, str], names: dict[str, str] | None = None
) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """The values a message shows, from a solution's TSV cells: (Indonesian, English).

    A number is written as each language writes it (``figure_text``: 42.943 and 42,943;
    14,3 and 14.3), except a year; a Kemendagri code gets its region's name beside it
    (``names``: code -> name); anything else is shown as it is.

    >>> code = f'"12.34.05.2002"^^<{KEMENDAGRI_CODE}>'
    >>> message_values({"value": "42943", "other": "14.3", "year": "2027", "code": code},
    ...                {"12.34.05.2002": "Banjar Negeri"})  # doctest: +NORMALIZE_WHITESPACE
    ({'value': '42.943', 'other': '14,3', 'year': '2027', 'code': '12.34.05.2002 (Banjar Negeri)'},
     {'value': '42,943', 'other': '14.3', 'year': '2027', 'code': '12.34.05.2002 (Banjar Negeri)'})
    """
    indonesian: dict[str, str | None] = {}
    english: dict[str, str | None] = {}
    for name, cell in cells.items():
        text = tsv_value(cell)
        indonesian[name] = english[name] = text
        if text is None or _is_year(name):
            continue
        datatype = _datatype(cell)
        if datatype in _NUMERIC or (datatype is None and _BARE_NUMBER.match(cell)):
            written = figure_text(text)
            if written is not None:
                indonesian[name], english[name] = written.id, written.en
        elif datatype == KEMENDAGRI_CODE and names and text in names:
            indonesian[name] = english[name] = f"{text} ({names[text]})"
    return indonesian, english


def _is_year(variable: str) -> bool:
    """A variable that holds a year (``?year``, ``?lastYear``, ``?tahun``): never grouped."""
    lowered = variable.lower()
    return lowered.endswith("year") or "tahun" in lowered
