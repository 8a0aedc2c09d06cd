"""What the declared rules on columns share: values written as Oxigraph writes them, numbers
computed as SPARQL computes them, and one finding per focus whichever order they came in."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.check.declared_findings import _canonical, number_cell, sparql_round
from graph.check.findings import Finding, one_per_focus
from graph.rdf.namespaces import XSD

FORMS = ["100.0", "007", "-0", "+5", "1.50", "0.0", "-0.5", "0", "12", "-12", "3.25", ".5", "5.", "-0.0"]


@pytest.mark.parametrize("datatype", [XSD + "integer", XSD + "decimal"])
def test_values_are_written_as_oxigraph_writes_them(datatype: str) -> None:
    forms = [f for f in FORMS if datatype.endswith("decimal") or "." not in f]
    ours = _canonical({(f, datatype) for f in forms})
    for form in forms:
        answer = ox.Store().query(f'SELECT ?v WHERE {{ BIND("{form}"^^<{datatype}> AS ?v) }}')
        assert isinstance(answer, ox.QuerySolutions)
        term = next(iter(answer))["v"]
        assert isinstance(term, ox.Literal)
        assert ours[(form, datatype)] == (term.value, term.datatype.value), form


@pytest.mark.parametrize(
    ("expression", "value", "integer"),
    [
        ("(1 + 2) / 2", 1.5, False),
        ("100 * 0.3", 100 * 0.3, False),
        ("100 * 1 / 8", 12.5, False),
        ("3 + 4", 7, True),
    ],
)
def test_computed_numbers_read_as_sparql_writes_them(expression: str, value: float, integer: bool) -> None:
    answer = ox.Store().query(f"SELECT ({expression} AS ?v) {{}}")
    assert isinstance(answer, ox.QuerySolutions)
    assert number_cell(value, integer) == str(next(iter(answer))["v"])


def test_round_halves_towards_positive_infinity() -> None:
    assert [sparql_round(x) for x in (2.5, -2.5, 2.4, -2.6)] == [3, -2, 2, -3]


def test_one_finding_per_focus_whatever_the_order() -> None:
    def finding(message: str, other: str) -> Finding:
        return Finding("s", "o", "c", "v", "p", "1", message, message, other_dataset=other)

    found = [finding("b", "x"), finding("a", "y"), finding("a", "x")]
    assert one_per_focus(found) == one_per_focus(found[::-1]) == [finding("a", "x")]
