"""N-Triples / N-Quads term writing, for single values and for whole columns.

Graphs are built as N-Quads text and bulk-loaded, never triple by triple.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np
import pyarrow as pa

__all__ = ["NQuadsChunk", "chunk_bytes", "escape", "lang_literal", "line_count", "literal"]

# N-Quads text handed to a store: Python text, bytes, or an Arrow buffer as the quad
# writer builds it (passed on without copying).
NQuadsChunk: TypeAlias = str | bytes | pa.Buffer

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


def chunk_bytes(chunk: NQuadsChunk) -> bytes | pa.Buffer:
    """The chunk as UTF-8 bytes, or as the Arrow buffer it is."""
    return chunk.encode("utf-8") if isinstance(chunk, str) else chunk


def line_count(chunk: NQuadsChunk) -> int:
    """Lines (quads) in a chunk, without copying a buffer."""
    if isinstance(chunk, str):
        return chunk.count("\n")
    if isinstance(chunk, bytes):
        return chunk.count(b"\n")
    return int(np.count_nonzero(np.frombuffer(chunk, dtype=np.uint8) == ord("\n")))
