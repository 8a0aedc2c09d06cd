"""The choices a question's code parameters offer, read from the published code lists.

A region, period, indicator, level, agency or dataset given to a question must be one the
published graph knows: a region of the home region, a period or indicator that has
observations, a level of the region scheme, an agency that publishes datasets, a published
dataset (a ``sumber``: which dataset's figures to use, ``graph.answer.authoritative``).
``read_code_lists`` reads them (with their labels, Indonesian first); ``CodeListCache``
keeps them until the next publication, so that a form or a check of parameters does not read
them again. ``CodeLists.as_of`` leaves out the periods whose year has not come by a given day
(a mistyped 2027): the service applies it at each request, with the day it reads once.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from graph.answer.authoritative import Sources, sources_of
from graph.answer.bounds import read_bounds
from graph.answer.questions import ParameterSpec
from graph.answer.runners import Runner, run_here
from graph.answer.view import ObservationView
from graph.rdf.iris import Iris
from graph.read.periods import has_come
from graph.reference.indicators import Bounds
from graph.store.interface import Store
from graph.store.public import PublicGraphs
from graph.store.versions import published_graphs
from graph.text import Text

__all__ = ["Choice", "CodeListCache", "CodeLists", "read_code_lists"]


@dataclass(frozen=True)
class Choice:
    """One allowed value of a code parameter."""

    value: str  # as written in a URL: a region code, "2024", "prevalensi-stunting", "desa"
    label: Text
    iri: str
    levels: tuple[str, ...] = ()  # region: its level; indicator: levels it is observed at
    categorical: bool = False  # indicator: its values are concepts of a code list

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "label": self.label}


@dataclass(frozen=True)
class CodeLists:
    """Choices of every code parameter type, read from the published graph."""

    region: tuple[Choice, ...]
    period: tuple[Choice, ...]
    indicator: tuple[Choice, ...]
    level: tuple[Choice, ...]
    agency: tuple[Choice, ...]
    dataset: tuple[Choice, ...] = ()
    # The published datasets as sources of each indicator: what a dataset parameter chooses
    # among, and the authoritative dataset bound to a question's source variables by default.
    sources: Sources = Sources({})
    # The categories of published categorical indicators, as "status-idm/maju" (id/kode/...).
    category: tuple[Choice, ...] = ()
    # Indicator IRI -> the bounds its values cannot leave: a value outside is marked where shown.
    bounds: dict[str, Bounds] = field(default_factory=dict)

    def as_of(self, today: dt.date) -> CodeLists:
        """The choices as offered on ``today``: no period after the current year."""
        return replace(self, period=tuple(c for c in self.period if has_come(c.value, today)))

    def for_parameter(self, spec: ParameterSpec) -> tuple[Choice, ...]:
        choices: tuple[Choice, ...] = getattr(self, spec.type)
        if spec.categorical is not None:
            choices = tuple(c for c in choices if c.categorical == spec.categorical)
        if spec.levels is None:
            return choices
        if spec.type == "level":
            return tuple(c for c in choices if c.value in spec.levels)
        return tuple(c for c in choices if set(c.levels) & set(spec.levels))

    def label_of(self, spec: ParameterSpec, value: str) -> str:
        """The Indonesian label of a parameter's value (the value itself when it is no choice)."""
        chosen = next((c for c in self.for_parameter(spec) if c.value == value), None)
        return chosen.label.id if chosen else value


class CodeListCache:
    """Code lists read once per publication: the key is the list of published graphs,
    whose version graphs change with every load."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cached: tuple[tuple[int, tuple[str, ...], str, int], CodeLists] | None = None

    def get(
        self,
        store: Store,
        iris: Iris,
        home_region: str,
        *,
        run: Runner | None = None,
        view: ObservationView | None = None,
    ) -> CodeLists:
        """The choices, read again only after a publication changes the published graphs.

        ``run`` runs store work (``run(fn, *args)`` calls ``fn(store, *args)``), e.g. in a
        worker process with a time limit; by default it is called here, on ``store``.
        ``view``, the columnar view (of the current publication, or of the previous one while
        the current one is built), gives the periods and indicators that have observations
        without scanning them again (on a province store on disk that scan took minutes);
        the rest are small look-ups.
        """
        # The view is part of the key: while a publication's view is built the previous one
        # answers (stale), and the lists read through it must not outlive it.
        key = (id(store), tuple(published_graphs(store, iris)), home_region, id(view))
        with self._lock:
            if self._cached is not None and self._cached[0] == key:
                return self._cached[1]
        if view is not None:
            lists = read_code_lists(store, iris, home_region, view=view)
        else:
            lists = (run or run_here(store))(read_code_lists, iris, home_region)
        with self._lock:
            self._cached = (key, lists)
        return lists


def read_code_lists(
    store: Store, iris: Iris, home_region: str, *, view: ObservationView | None = None
) -> CodeLists:
    """Choices from the published graph: regions of the home region, periods and indicators
    that have observations, region levels, and agencies that publish datasets.

    With ``view`` (the columnar view of the same publication), which periods and indicators
    have observations, and at which levels, come from the view; only their labels are read
    from the store. Without it they come from one scan of the observations.
    """
    graphs = PublicGraphs(store, iris)
    sources = sources_of(graphs)
    return CodeLists(
        _regions(graphs, home_region),
        _periods(graphs, view),
        _indicators(graphs, view),
        _levels(graphs),
        _agencies(graphs),
        tuple(
            Choice(d.slug, d.title, d.iri) for d in sorted(sources.datasets.values(), key=lambda d: d.slug)
        ),
        sources,
        _categories(graphs),
        read_bounds(graphs),
    )


def _labelled(v: str, prop: str = "skos:prefLabel") -> str:
    """Optional Indonesian (``?lid``) and English (``?len``) labels of ``v``."""
    return f"""OPTIONAL {{ {v} {prop} ?lid . FILTER(lang(?lid) = "id") }}
               OPTIONAL {{ {v} {prop} ?len . FILTER(lang(?len) = "en") }}"""


def _iris(values: Iterable[str]) -> str:
    """IRIs for a VALUES block (an empty block matches nothing, as no observation would)."""
    return " ".join(f"<{v}>" for v in sorted(values))


def _regions(graphs: PublicGraphs, home_region: str) -> tuple[Choice, ...]:
    regions = []
    for r in graphs.values(
        f"""SELECT ?r ?code ?name ?level ?parent WHERE {{
              ?r skos:inScheme <{graphs.iris.region_scheme}> ; skos:notation ?code ; skos:prefLabel ?name ;
                 oc:regionLevel/skos:notation ?level .
              FILTER(datatype(?code) = oc:KemendagriCode)
              OPTIONAL {{ ?r skos:broader/skos:prefLabel ?parent }}
            }} ORDER BY ?code"""
    ):
        code = r["code"]
        if code == home_region or code.startswith(home_region + "."):
            regions.append(Choice(code, _region_label(r), r["r"], (r["level"],)))
    return tuple(regions)


def _region_label(row: dict[str, str]) -> Text:
    """A desa name can recur in several kecamatan, and a kecamatan can share its name with
    a desa: the labels tell them apart."""
    if row["level"] == "desa" and "parent" in row:
        return Text(f"{row['name']} ({row['parent']})")
    if row["level"] == "kecamatan":
        return Text(f"Kecamatan {row['name']}", f"{row['name']} District")
    return Text(row["name"])


def _periods(graphs: PublicGraphs, view: ObservationView | None) -> tuple[Choice, ...]:
    if view is None:
        observed = "{ SELECT DISTINCT ?p WHERE { ?o sdmx-dimension:refPeriod ?p } }"
    else:
        observed = f"VALUES ?p {{ {_iris(view.periods())} }}"
    rows = graphs.values(
        f"""SELECT ?p (SAMPLE(?l) AS ?label) WHERE {{
             {observed}
             ?p rdfs:label ?l
           }} GROUP BY ?p ORDER BY ?p"""
    )
    prefix = graphs.iris.period_prefix
    return tuple(Choice(r["p"].removeprefix(prefix), Text(r["label"]), r["p"]) for r in rows)


def _indicators(graphs: PublicGraphs, view: ObservationView | None) -> tuple[Choice, ...]:
    levels: dict[str, set[str]] = {}
    if view is None:
        rows = graphs.values(
            f"""SELECT ?i ?lid ?len ?level WHERE {{
                  {{ SELECT DISTINCT ?i ?level WHERE {{
                       ?o qb:measureType ?i ; sdmx-dimension:refArea/oc:regionLevel/skos:notation ?level }} }}
                  {_labelled("?i", "rdfs:label")}
                }} ORDER BY ?i"""
        )
        for r in rows:
            levels.setdefault(r["i"], set()).add(r["level"])
    else:
        # An indicator observed only at regions without a level is left out, as the scan
        # above leaves it out.
        levels = {i: found for i, found in view.indicator_levels().items() if found}
        rows = graphs.values(
            f"""SELECT ?i ?lid ?len WHERE {{
                  VALUES ?i {{ {_iris(levels)} }}
                  {_labelled("?i", "rdfs:label")}
                }} ORDER BY ?i"""
        )
    coded = {r["i"] for r in graphs.values("SELECT ?i WHERE { ?i a oc:Indicator ; qb:codeList ?l }")}
    namespace = graphs.iris.indicator("")
    indicators = {
        r["i"]: Choice(
            r["i"].removeprefix(namespace),
            Text(r.get("lid", r["i"]), r.get("len", r.get("lid", r["i"]))),
            r["i"],
            tuple(sorted(levels[r["i"]])),
            r["i"] in coded,
        )
        for r in rows
    }
    return tuple(indicators.values())


def _categories(graphs: PublicGraphs) -> tuple[Choice, ...]:
    """The concepts of the code lists of categorical indicators, in rank (else code) order."""
    rows = graphs.values(
        f"""SELECT DISTINCT ?c ?lid ?len ?rank WHERE {{
              ?i a oc:Indicator ; qb:codeList ?l . ?c skos:inScheme ?l .
              OPTIONAL {{ ?c oc:categoryRank ?rank }}
              {_labelled("?c")}
            }} ORDER BY ?l ?rank ?c"""
    )
    namespace = graphs.iris.base + "id/kode/"
    return tuple(
        Choice(r["c"].removeprefix(namespace), Text(r.get("lid", r["c"]), r.get("len", r["c"])), r["c"])
        for r in rows
    )


def _levels(graphs: PublicGraphs) -> tuple[Choice, ...]:
    rows = graphs.values(
        f"""SELECT ?l ?n ?lid ?len ?rank WHERE {{
              ?l skos:inScheme oc:RegionLevelScheme ; skos:notation ?n ; oc:levelRank ?rank .
              {_labelled("?l")}
            }} ORDER BY ?rank"""
    )
    return tuple(Choice(r["n"], Text(r.get("lid", r["n"]), r.get("len", r["n"])), r["l"]) for r in rows)


def _agencies(graphs: PublicGraphs) -> tuple[Choice, ...]:
    rows = graphs.values(
        f"""SELECT DISTINCT ?a ?lid ?len WHERE {{
              ?d a qb:DataSet ; dcterms:publisher ?a .
              {_labelled("?a")}
            }} ORDER BY ?a"""
    )
    namespace = graphs.iris.agency("")
    return tuple(
        Choice(r["a"].removeprefix(namespace), Text(r.get("lid", r["a"]), r.get("len", r["a"])), r["a"])
        for r in rows
    )
