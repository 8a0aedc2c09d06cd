"""The SPARQL editor's texts: a named question with its values written in, and a starter.

The editor at ``/sparql`` opens with a query that runs as it is: a named question's
SPARQL with the values of its parameters written into the text (``graph.answer.bound_text``)
under a header naming them, or a small starter query with every prefix the questions use.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pyoxigraph as ox

from graph.answer.bound_text import bind_into_text, prefix_lines, term_text
from graph.answer.parameters import BoundParameter
from graph.answer.questions import Question, prefix_map, question_prefixes
from graph.rdf.iris import Iris

__all__ = ["editor_starter", "question_sparql"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")


def question_sparql(question: Question, parameters: Mapping[str, BoundParameter], iris: Iris) -> str:
    """The question's SPARQL with the values of ``parameters`` written in: a text that runs
    as it is on ``/sparql``, with a header naming the values (see ``graph.answer.bound_text``)."""
    prefixes = prefix_map(iris)
    values = {n: p.term for n, p in parameters.items() if p.term is not None and p.variable}
    body = bind_into_text(
        question.sparql,
        values,
        prefixes=prefixes,
        columns=question.columns,
        parameters=[*question.spec.parameters, *question.spec.sources],
    )
    title = question.spec.title
    lines = [f"# {_one_line(title.id)} / {_one_line(title.en)}"]
    if parameters:
        lines.append(
            "# Nilai parameter ditulis ke dalam kueri / parameter values are written into the query:"
        )
        for name, p in parameters.items():
            if p.term is None:
                lines.append(f"#   {name} = (semua / all: variabelnya dibiarkan bebas / left unbound)")
            else:
                label = f" ({_one_line(p.label)})" if p.label and p.label != p.value else ""
                lines.append(f"#   {name} = {_one_line(p.value or '')}{label}")
    header = "\n".join(lines) + "\n"
    return header + prefix_lines(body, prefixes) + body.lstrip("\n")


def _one_line(text: str) -> str:
    """Text safe inside a SPARQL comment: a label with a line break would end the comment."""
    return _CONTROL.sub(" ", text)


def editor_starter(iris: Iris, home_region: str) -> str:
    """The SPARQL editor's first text: every prefix the questions use and a small query
    (the kecamatan of the home region, with their codes) that runs as it is."""
    home = term_text(ox.NamedNode(iris.region(home_region)), prefix_map(iris))
    return (
        "# Kueri hanya-baca atas graf terbit / a read-only query over the published graphs.\n"
        "# Contoh: wilayah tepat di bawah wilayah induk, dengan kodenya /\n"
        "# example: the regions right below the home region, with their codes.\n"
        + question_prefixes(iris)
        + "\nSELECT ?wilayah ?kode ?nama WHERE {\n"
        f"  ?wilayah skos:broader {home} ;\n"
        "           skos:notation ?kode ;\n"
        "           skos:prefLabel ?nama .\n"
        "  FILTER(datatype(?kode) = oc:KemendagriCode)\n"
        "}\n"
        "ORDER BY ?kode\n"
    )
