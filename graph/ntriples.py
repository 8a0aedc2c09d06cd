"""N-Triples / N-Quads term writing, for single values and for whole columns.

Graphs are built as N-Quads text and bulk-loaded, never triple by triple.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["escape", "escape_column", "lang_literal", "literal"]

_XSD = "http://www.w3.org/2001/XMLSchema#"
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def escape(text: str) -> str:
    return text.translate(_ESCAPES)


def literal(text: str, datatype: str | None = None) -> str:
    body = f'"{escape(text)}"'
    if datatype is None or datatype == _XSD + "string":
        return body
    return f"{body}^^<{datatype}>"


def lang_literal(text: str, lang: str) -> str:
    return f'"{escape(text)}"@{lang}'


def escape_column(texts: pd.Series) -> pd.Series:
    """Escape a column of strings for use inside N-Triples quotes."""
    return (
        texts.astype("string")
        .str.replace("\\", "\\\\", regex=False)
        .str.replace('"', '\\"', regex=False)
        .str.replace("\n", "\\n", regex=False)
        .str.replace("\r", "\\r", regex=False)
    )
