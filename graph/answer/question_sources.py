"""Where a question's figures come from: the indicators it reads and the agencies publishing them.

A question names indicators in its SPARQL (``ind:...``) or lets a parameter choose one; the
agencies are those whose published datasets measure them. The pages show both, linked to
their ``/id/...`` pages, so that a reader knows whose data an answer joins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pyoxigraph as ox

from graph.answer.code_lists import CodeLists
from graph.answer.parameters import BoundParameter
from graph.answer.questions import Question
from graph.rdf.iris import Iris, local_path
from graph.rdf.sparql_text import tokenize
from graph.store.interface import Store
from graph.store.public import PublicGraphs

__all__ = ["Source", "chosen_indicators", "indicator_agencies", "question_indicators", "shown_sources"]


def question_indicators(question: Question, iris: Iris) -> tuple[str, ...]:
    """The indicators a question's SPARQL names (``ind:...`` or in full), in order of use."""
    namespace = iris.indicator("")
    found: dict[str, None] = {}
    for token in tokenize(question.sparql):
        if token.kind == "word" and token.text.startswith("ind:"):
            local = token.text[len("ind:") :].rstrip(".")
            if local:
                found[namespace + local] = None
        elif token.kind == "iri" and token.text[1:-1].startswith(namespace):
            found[token.text[1:-1]] = None
    return tuple(found)


def indicator_agencies(store: Store, iris: Iris) -> dict[str, tuple[str, ...]]:
    """Indicator IRI -> the agencies whose published datasets measure it."""
    rows = PublicGraphs(store, iris).values(
        "SELECT DISTINCT ?m ?a WHERE { ?d a qb:DataSet ; dcterms:publisher ?a . "
        "?cube oc:cubeOf ?d ; qb:structure/qb:component/qb:measure ?m } ORDER BY ?m ?a"
    )
    agencies: dict[str, list[str]] = {}
    for row in rows:
        agencies.setdefault(row["m"], []).append(row["a"])
    return {m: tuple(a) for m, a in agencies.items()}


def chosen_indicators(parameters: Iterable[BoundParameter], types: Mapping[str, str]) -> tuple[str, ...]:
    """Indicators chosen through ``indicator`` parameters (their IRIs)."""
    return tuple(
        p.term.value
        for p in parameters
        if types.get(p.name) == "indicator" and isinstance(p.term, ox.NamedNode)
    )


@dataclass(frozen=True)
class Source:
    """An indicator or agency as a page shows it: its label and its page (a local path)."""

    label: str
    href: str | None


def shown_sources(
    indicators: Iterable[str], lists: CodeLists, by_indicator: Mapping[str, tuple[str, ...]], iris: Iris
) -> tuple[list[Source], list[Source]]:
    """The indicators (by IRI) as shown, and the agencies publishing them, each once.

    ``by_indicator`` is ``indicator_agencies`` of the published graphs.
    """
    indicator_labels = {c.iri: c.label.id for c in lists.indicator}
    agency_labels = {c.iri: c.label.id for c in lists.agency}
    shown = []
    agencies: dict[str, Source] = {}
    for iri in indicators:
        label = indicator_labels.get(iri, iri.removeprefix(iris.indicator("")))
        shown.append(Source(label, local_path(iris, iri)))
        for agency in by_indicator.get(iri, ()):
            agencies[agency] = Source(agency_labels.get(agency, agency), local_path(iris, agency))
    return shown, list(agencies.values())
