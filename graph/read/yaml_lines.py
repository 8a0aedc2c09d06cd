"""YAML files checked by a schema, with the line of every key for error messages.

Mapping files and question files are YAML written by hand and checked by pydantic; a
mistake must name the file and the line, not a key path the author has to count. This
module reads such a file into data and a table of lines (key path -> line), and turns a
schema error into one message with its line, the same way for every kind of file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from graph.errors import MappingError

__all__ = ["Lines", "parse_yaml", "record_yaml_lines", "schema_problem", "yaml_line_for"]

# Key path (keys and list indexes from the top) -> the line it stands on, from 1.
Lines = dict[tuple[Any, ...], int]


def parse_yaml(
    text: str, path: Path, error: type[MappingError], not_a_mapping: str
) -> tuple[dict[str, Any], Lines]:
    """The YAML mapping in ``text`` and the line of each of its key paths.

    Raises:
        error: the text is not YAML (with the line of the problem), or not a mapping
            (``not_a_mapping`` says so in the file's terms).
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise error(
            f"YAML tidak valid / invalid YAML: {getattr(exc, 'problem', exc)}",
            file=path,
            line=mark.line + 1 if mark else None,
        ) from None
    if not isinstance(data, dict) or node is None:
        raise error(not_a_mapping, file=path)
    lines: Lines = {}
    record_yaml_lines(node, (), lines)
    return data, lines


def schema_problem(exc: ValidationError, lines: Lines, guide: str) -> tuple[str, int | None]:
    """The first problem of a schema check as one message, and the line it is on.

    An unknown key is usually the cause of a "field required" next to it, so it is named
    first; ``guide`` is the document listing the allowed keys.
    """
    errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
    first = errors[0]
    loc = tuple(first["loc"])
    where = ".".join(str(p) for p in loc) or "(top)"
    hint = ""
    if first["type"] == "extra_forbidden":
        hint = f" — kunci tidak dikenal / unknown key; see {guide} for the allowed keys"
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where}: {first['msg']}{hint}{more}", yaml_line_for(lines, loc)


def record_yaml_lines(
    node: yaml.Node, path: tuple[Any, ...], out: Lines, _seen: set[int] | None = None
) -> None:
    """Fill ``out`` with the YAML line of every key path below ``node`` (for error messages).

    A node reached again through an alias (``*name``) is not walked again: its lines are
    those of its anchor, and walking nested aliases ("billion laughs") takes exponential time.
    """
    out[path] = node.start_mark.line + 1
    seen = set() if _seen is None else _seen
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key_path = (*path, key_node.value)
            record_yaml_lines(value_node, key_path, out, seen)
            out[key_path] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            record_yaml_lines(item, (*path, i), out, seen)


def yaml_line_for(lines: Lines, loc: tuple[Any, ...]) -> int | None:
    """The line of a pydantic error location, or of its nearest recorded parent.

    >>> lines = {(): 1, ("measures",): 4, ("measures", 0): 5, ("measures", 0, "column"): 5}
    >>> yaml_line_for(lines, ("measures", 0, "column"))
    5
    >>> yaml_line_for(lines, ("measures", 0, "str", "unit"))  # a union member, an unknown key
    5
    """
    # Pydantic locations may carry extra entries (union members); use the longest known prefix.
    known = {p for path in lines for p in path if isinstance(p, str)}
    clean = tuple(p for p in loc if isinstance(p, int) or p in known)
    for end in range(len(clean), -1, -1):
        if clean[:end] in lines:
            return lines[clean[:end]]
    return None
