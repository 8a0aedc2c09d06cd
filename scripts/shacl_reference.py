"""pySHACL's validation report read as the keys of One Center's findings.

pySHACL is the reference semantics for the SHACL engine (``graph/check/engine.py``): the
validation benchmark (``scripts/bench_validation.py``) and the engine's tests run both on one
graph and compare what each found by focus node, constraint component, path, severity and
node shape, which is ``Finding.key()``. This module is that one reading of a pySHACL report,
so that the benchmark and the tests judge agreement alike. It needs only rdflib: whoever
calls it runs pySHACL.
"""

from __future__ import annotations

import rdflib
from rdflib.namespace import RDF, SH

Key = tuple[str, str, str | None, str, str]


def pyshacl_keys(report: rdflib.Graph, shapes: rdflib.Graph) -> set[Key]:
    """(focus, component, path, severity, node shape) of each result in a pySHACL ``report``.

    A result from a property shape is keyed by the node shape that holds it, as our findings are.
    """
    owner = {str(ps): str(ns) for ns, ps in shapes.subject_objects(SH.property)}
    keys = set()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        source = str(report.value(r, SH.sourceShape))
        path = report.value(r, SH.resultPath)
        keys.add(
            (
                str(report.value(r, SH.focusNode)),
                str(report.value(r, SH.sourceConstraintComponent)),
                None if path is None else str(path),
                str(report.value(r, SH.resultSeverity)),
                owner.get(source, source),
            )
        )
    return keys
