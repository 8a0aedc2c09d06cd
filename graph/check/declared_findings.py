"""What the declared rules on columns share: findings as the engine writes them, and joins.

A rule on columns (``graph.check.declared_relations``, ``graph.check.declared_values``) ends
with a table of hits, one row per solution its query would give: the focus figure, its
indicator (``?path``), the other dataset when it names one, and the cells its messages show.
``emit`` turns them into ``Finding``s exactly as ``graph.check.engine`` turns the query's
solutions: the same message values (``message_values``), the value as Oxigraph writes it
("100.0" as "100"), one finding per focus, path and value (``one_per_focus``).
"""

from __future__ import annotations

import math
import re

import pandas as pd
import pyoxigraph as ox

from graph.check.constraints import Constraint, MessageTemplate, message_values
from graph.check.figures import Figures
from graph.check.findings import Finding, one_per_focus
from graph.rdf.namespaces import XSD

__all__ = ["cell_number", "emit", "labelled", "number_cell", "subset_of", "value_cell"]

_INTEGER, _DECIMAL = XSD + "integer", XSD + "decimal"
# Lexical forms Oxigraph writes back unchanged.
_CANONICAL = {
    _INTEGER: re.compile(r"(0|-?[1-9][0-9]*)\Z"),
    _DECIMAL: re.compile(r"(-?(0|[1-9][0-9]*)\.[0-9]*[1-9]|0|-?[1-9][0-9]*)\Z"),
}


def number_cell(value: float, integer: bool) -> str:
    """A computed number as Oxigraph writes it: an integer, or a decimal without trailing
    zeros (12.5, 30, 33.333333333); a long fraction is rounded in messages anyway."""
    if integer:
        return str(ox.Literal(str(int(round(value))), datatype=ox.NamedNode(_INTEGER)))
    text = f"{round(value, 9):.9f}".rstrip("0").rstrip(".")
    return str(ox.Literal("0" if text in ("", "-0") else text, datatype=ox.NamedNode(_DECIMAL)))


def cell_number(cell: str) -> float | None:
    """The number in a TSV cell of a declaration ("0.3"^^xsd:decimal, or bare); None if none."""
    text = cell[1 : cell.rindex('"')] if cell.startswith('"') else cell
    try:
        return float(text)
    except ValueError:
        return None


def sparql_round(value: float) -> float:
    """SPARQL's ROUND: halves away towards positive infinity."""
    return math.floor(value + 0.5)


def value_cell(text: str, datatype: str) -> str:
    return str(ox.Literal(text, datatype=ox.NamedNode(datatype)))


def subset_of(smaller: pd.Series, larger: pd.Series) -> pd.Series:
    """Whether each breakdown key of ``smaller`` is within the one of ``larger`` (as sets of
    dimension=code pairs); decided once per distinct pair of keys."""
    pairs = pd.DataFrame({"a": smaller.to_numpy(), "b": larger.to_numpy()})
    distinct = pairs.drop_duplicates()
    verdict = {
        (a, b): set(a.split()) <= set(b.split()) for a, b in zip(distinct["a"], distinct["b"], strict=True)
    }
    return pd.Series(
        [verdict[(a, b)] for a, b in zip(pairs["a"], pairs["b"], strict=True)],
        index=smaller.index,
        dtype=bool,
    )


def labelled(hits: pd.DataFrame, figures: Figures, column: str, id_var: str, en_var: str) -> pd.DataFrame:
    """``hits`` with the labels of the indicator in ``column`` (one row per id/en label pair,
    as the query's label patterns give them); rows of an indicator without both are dropped."""
    rows = [
        (indicator, str(ox.Literal(i, language="id")), str(ox.Literal(e, language="en")))
        for indicator in hits[column].unique()
        for i, e in figures.labels.get(indicator, [])
    ]
    table = pd.DataFrame(rows, columns=[column, id_var, en_var])
    return hits.merge(table, on=column, how="inner")


def emit(c: Constraint, figures: Figures, hits: pd.DataFrame) -> list[Finding]:
    """The findings of ``hits``: focus from (source, row, obs), ?path from ``indicator``, ?value
    from (text, datatype), ``other_dataset`` when there is one, message cells by variable."""
    if hits.empty:
        return []
    focus = figures.focus(hits)
    pairs = list(zip(hits["text"], hits["datatype"], strict=True))
    written = _canonical(set(pairs))
    values = [written[p] for p in pairs]
    others = hits["other_dataset"].tolist() if "other_dataset" in hits else [None] * len(hits)
    # Each variable's cells formatted once per distinct cell: message_values reads one cell
    # at a time, and a province's findings repeat the same labels and bounds.
    shown: dict[str, tuple[list[str | None], list[str | None]]] = {}
    for name in dict.fromkeys(c.fill_id.names + c.fill_en.names):
        if name == "value":
            cell_of = {v: value_cell(*v) for v in set(values)}
            cells = [cell_of[v] for v in values]
        elif name in hits:
            cells = hits[name].tolist()
        else:
            continue
        formatted = {cell: message_values({name: cell}) for cell in set(cells)}
        shown[name] = (
            [formatted[cell][0][name] for cell in cells],
            [formatted[cell][1][name] for cell in cells],
        )
    # The messages filled column by column (as MessageTemplate.fill fills one), not row by row.
    messages_id = _filled(c.fill_id, {name: ids for name, (ids, _) in shown.items()}, len(hits))
    messages_en = _filled(c.fill_en, {name: ens for name, (_, ens) in shown.items()}, len(hits))
    found = [
        Finding(c.shape, iri, c.component, c.severity, path, value[0], message, message_en, other)
        for iri, path, value, message, message_en, other in zip(
            focus, hits["indicator"].tolist(), values, messages_id, messages_en, others, strict=True
        )
    ]
    return one_per_focus(found)


def _filled(template: MessageTemplate, columns: dict[str, list[str | None]], n: int) -> list[str]:
    """``template.fill`` of each row: a variable without a value keeps its placeholder."""
    parts = template.parts
    out = [parts[0]] * n
    for k in range(1, len(parts), 3):
        placeholder, name, text = parts[k : k + 3]
        column = columns.get(name)
        if column is None:
            out = [head + placeholder + text for head in out]
        else:
            out = [head + (v or placeholder) + text for head, v in zip(out, column, strict=True)]
    return out


def _canonical(values: set[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
    """Each (lexical form, datatype) as Oxigraph writes the value: "100.0" as "100".

    Forms already canonical (most of them) are kept; Oxigraph reads the others."""
    written = {v: v for v in values if v[1] in _CANONICAL and _CANONICAL[v[1]].match(v[0])}
    distinct = sorted(set(values) - set(written))
    if not distinct:
        return written
    rows = " ".join(f"({i} {value_cell(t, d)})" for i, (t, d) in enumerate(distinct))
    solutions = ox.Store().query(f"SELECT ?i ?v WHERE {{ VALUES (?i ?v) {{ {rows} }} }}")
    assert isinstance(solutions, ox.QuerySolutions)
    for s in solutions:
        term = s["v"]
        written[distinct[int(s["i"].value)]] = (
            term.value,
            term.datatype.value if isinstance(term, ox.Literal) else "",
        )
    return written
