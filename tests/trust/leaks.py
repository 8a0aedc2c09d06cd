"""Where a person's identifier could end up after a load: every file, log line and quad.

A leak is looked for as the digits themselves, however they were written: each line is
reduced to its digits (escapes such as ``\\u200b`` removed, every script's digits read as
ASCII), so "1.809.011.505.900.001", "１８０９…" and "1809\\u200b0115…" all show the NIK,
while a masked "1809**********01" does not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

from graph.store.connect import open_store
from tests.conftest import all_quads

_ESCAPE = re.compile(r"\\(?:u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2})")


def digits_of(line: str) -> str:
    text = unicodedata.normalize("NFKC", _ESCAPE.sub("", line))
    return "".join(str(d) for c in text if (d := unicodedata.digit(c, None)) is not None)


def lines_holding(digits: Iterable[str], lines: Iterable[str]) -> list[str]:
    """The lines that hold one of ``digits`` (first 200 characters of each)."""
    wanted = list(digits)
    return [line[:200] for line in lines if any(d in digits_of(line) for d in wanted)]


def files_holding(digits: Iterable[str], folder: Path) -> dict[str, list[str]]:
    """Every file under ``folder`` that holds one of ``digits``, with the lines."""
    wanted = list(digits)
    found = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        text = path.read_bytes().decode("utf-8", errors="replace")
        hits = lines_holding(wanted, text.splitlines())
        if hits:
            found[str(path.relative_to(folder))] = hits
    return found


def quads_holding(digits: Iterable[str], store: Path) -> list[str]:
    """The quads of an on-disk store that hold one of ``digits``."""
    reader = open_store(store, read_only=True)
    try:
        quads = [" ".join(q) for q in all_quads(reader)]
    finally:
        reader.close()
    return lines_holding(digits, quads)
