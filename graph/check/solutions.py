"""Many large SELECTs at once: run on threads, their solutions read as TSV cells.

Validation runs some thirty whole-graph queries, and tracing its findings to their source
runs one query per 500 foci; on a province both answer hundreds of thousands of rows.
pyoxigraph releases the GIL while it evaluates a query and while it serializes the
answer, so the queries run in parallel on threads (``on_threads``), and the answers are
read as SPARQL TSV (``tsv_table``, ``tsv_value``) instead of row by row as Python objects,
which cost twice the query itself for 100,000 findings (measured).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pyoxigraph as ox

__all__ = ["on_threads", "tsv_table", "tsv_value"]

T = TypeVar("T")
R = TypeVar("R")


def on_threads(fn: Callable[[T], R], items: Sequence[T], workers: int | None, name: str) -> list[R]:
    """``fn`` of each item, in order, on ``workers`` threads (default: one per CPU).

    pyoxigraph releases the GIL while it evaluates a query and serializes its answer, so
    store work runs in parallel on threads; with one worker it runs here, in order.

    >>> on_threads(len, ["a", "bb"], 1, "demo")
    [1, 2]
    """
    n = max(1, min(workers or os.cpu_count() or 1, len(items)))
    if n == 1:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=n, thread_name_prefix=name) as pool:
        return list(pool.map(fn, items))


def tsv_table(
    result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples,
) -> tuple[list[str], list[list[str]]]:
    """The solutions of a SELECT as (variable names, rows of SPARQL TSV cells), unparsed.

    Serializing runs inside pyoxigraph without the GIL, so the other threads' queries go on
    meanwhile.
    """
    assert isinstance(result, ox.QuerySolutions), "a SELECT query was expected"
    text = result.serialize(format=ox.QueryResultsFormat.TSV)
    assert text is not None
    lines = text.decode("utf-8").split("\n")
    names = [name[1:] for name in lines[0].split("\t")]
    return names, [line.split("\t") for line in lines[1:] if line]


_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)")


def tsv_value(cell: str) -> str | None:
    """The value of one TSV cell as pyoxigraph's ``term.value`` gives it; None when unbound.

    >>> tsv_value("<https://example.org/a>"), tsv_value('"Way\\\\tLima"@id'), tsv_value("")
    ('https://example.org/a', 'Way\\tLima', None)
    """
    if not cell:
        return None
    first = cell[0]
    if first == "<":
        return cell[1:-1]
    if first == '"':
        lexical = cell[1 : cell.rindex('"')]
        return _ESCAPE.sub(_unescape, lexical) if "\\" in lexical else lexical
    if cell.startswith("_:"):
        return cell[2:]
    return cell  # a number or boolean written bare


def _unescape(m: re.Match[str]) -> str:
    code = m.group(1)
    return chr(int(code[1:], 16)) if len(code) > 1 else _ESCAPES.get(code, code)
