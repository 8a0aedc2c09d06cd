"""Two reference-code rules answered from a draft's columns when a load judges what it touches.

IC-19 (a coded dimension's value is in its code list) and KodeReferensiWilayah (a region is
a reference region code) read only the observation, its structure and the reference graphs
(``graph.check.scope.OWN_GRAPHS``). In the store, even over the draft and reference graphs
alone, Oxigraph's cost grew with the whole store: on the province generator's tables at
20,000 observations IC-19 took 2 s into an empty store and 23 s into one holding the other
five (docs/benchmarks.md). A draft has few distinct codes: each is asked of the store once,
in one ``VALUES`` query per code list, with the query's own condition; the observations
holding a code that fails it are the findings, as the query gives them.

``None`` (judged in the store, as before) when a code is not an IRI the query could name.
``tests/graph/publish/test_touched_judging.py`` holds the load's findings equal to the whole
judgement's, where the queries run in the store.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from graph.check.column_checks import DraftContext
from graph.check.constraints import ShapeQuery, finding_of
from graph.check.findings import Finding, one_per_focus
from graph.cube.draft_columns import DraftObservations
from graph.rdf.namespaces import OC, QB, SDMX_DIMENSION, SKOS
from graph.rdf.results import solution_values
from graph.store.interface import Store

__all__ = ["on_codes"]

_SHAPES = "https://w3id.org/onecenter/shapes#"
_AREA = SDMX_DIMENSION + "refArea"
_PLAIN_IRI = re.compile(r"^[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", re.IGNORECASE)


def on_codes(
    query: ShapeQuery,
    store: Store,
    graphs: list[str],
    draft: DraftObservations,
    context: DraftContext,
) -> list[Finding] | None:
    """The findings of IC-19 or KodeReferensiWilayah on ``draft`` (None: not decided here).
    ``graphs``: the draft and the graphs that are not dataset versions."""
    shape = query.constraints[0].shape
    if shape == _SHAPES + "KodeReferensiWilayah":
        condition = f"""FILTER NOT EXISTS {{ ?value a <{SKOS}Concept> ; <{SKOS}inScheme> ?scheme ;
      <{OC}regionLevel> ?level . ?scheme a <{SKOS}ConceptScheme> . }}"""
        return _failing(query, store, graphs, draft, [(None, _AREA, condition)])
    if shape == _SHAPES + "IC-19-KodeDariDaftarKode":
        cubes = " ".join(f"<{cube}>" for cube in sorted(context.cubes))
        if not cubes:
            return []
        coded = solution_values(
            store.query(
                f"""SELECT DISTINCT ?dataset ?path ?list WHERE {{ VALUES ?dataset {{ {cubes} }}
  ?dataset <{QB}structure> ?dsd . ?dsd <{QB}component> ?component .
  ?component <{QB}dimension> ?path . ?path <{QB}codeList> ?list . }}""",
                default_graph=graphs,
            )
        )
        checks: list[tuple[str | None, str, str]] = []
        for row in sorted(coded, key=lambda r: (r["dataset"], r["path"], r["list"])):
            lst = f"<{row['list']}>"
            condition = f"""FILTER((EXISTS {{ {lst} a <{SKOS}ConceptScheme> . }}
      && NOT EXISTS {{ ?value a <{SKOS}Concept> ; <{SKOS}inScheme> {lst} . }})
    || (EXISTS {{ {lst} a <{SKOS}Collection> . }} && NOT EXISTS {{ {lst} <{SKOS}member>+ ?value . }}))"""
            checks.append((row["dataset"], row["path"], condition))
        return _failing(query, store, graphs, draft, checks)
    return None


def _failing(
    query: ShapeQuery,
    store: Store,
    graphs: list[str],
    draft: DraftObservations,
    checks: list[tuple[str | None, str, str]],
) -> list[Finding] | None:
    """For each (data set or any, dimension, condition on ?value): the observations whose
    value of the dimension meets the condition."""
    c = query.constraints[0]
    cube = draft.objects(QB + "dataSet")
    found: list[Finding] = []
    for data_set, path, condition in checks:
        values = draft.objects(path)
        mine = pc.is_valid(values)
        if data_set is not None:
            mine = pc.and_(pc.fill_null(pc.equal(cube, data_set), False), mine)
        codes = sorted(set(pc.filter(values, mine).to_pylist()))
        if not codes:
            continue
        if any(not _PLAIN_IRI.match(code) for code in codes):
            return None
        listed = " ".join(f"<{code}>" for code in codes)
        failing = {
            row["value"]
            for row in solution_values(
                store.query(
                    f"SELECT ?value WHERE {{ VALUES ?value {{ {listed} }} {condition} }}",
                    default_graph=graphs,
                )
            )
        }
        if not failing:
            continue
        hit = pc.and_(mine, pc.is_in(values, value_set=pa.array(sorted(failing), pa.string())))
        rows = pa.array(np.flatnonzero(pc.fill_null(hit, False).to_numpy(zero_copy_only=False)))
        foci = draft.subjects(rows).to_pylist()
        shown = pc.take(values, rows).to_pylist()
        found += [
            finding_of(c, focus, path, value, {"this": focus, "path": path, "value": value})
            for focus, value in zip(foci, shown, strict=True)
        ]
    return one_per_focus(found)
