"""What ``/questions`` says as JSON: a question's metadata and parameters, and an answer.

The catalogue lists each question with its parameters and their choices (from the code
lists), so that a program can build a request without reading the YAML; an answer carries
the question, the parameters used (defaults included), the dataset each indicator's figures
come from with the other datasets publishing it (``sources``), the columns with their labels,
the rows, and the SPARQL that ran with its bindings (the source variables' too). The service
adds the links (they need the request's address).
"""

from __future__ import annotations

from typing import Any

from graph.answer.answers import Answer
from graph.answer.code_lists import CodeLists
from graph.answer.questions import Question

__all__ = ["answer_json", "question_defaults", "question_meta", "question_summary"]


def question_meta(question: Question) -> dict[str, Any]:
    """Id, titles, description, keywords, the suggested chart and the theme."""
    spec = question.spec
    return {
        "id": spec.id,
        "title": spec.title,
        "description": spec.description,
        "keywords": spec.keywords,
        "chart": spec.chart.model_dump(exclude_defaults=True),
        "theme": spec.theme,
    }


def _columns(question: Question, columns: list[str]) -> list[dict[str, Any]]:
    return [{"name": c, "label": question.spec.columns[c]} for c in columns]


def question_summary(question: Question, lists: CodeLists) -> dict[str, Any]:
    """A question as the catalogue lists it: metadata, parameters (numbers with their range,
    codes with their choices) and columns."""
    parameters = []
    for name, p in question.spec.parameters.items():
        entry: dict[str, Any] = {
            "name": name,
            "type": p.type,
            "label": p.label,
            "description": p.description,
            "default": None if p.default is None else str(p.default),
            "optional": p.optional,
        }
        if p.type in ("integer", "decimal"):
            entry.update({"min": p.min, "max": p.max})
        else:
            entry["choices"] = [c.as_dict() for c in lists.for_parameter(p)]
        parameters.append(entry)
    return {
        **question_meta(question),
        "parameters": parameters,
        "columns": _columns(question, question.columns),
    }


def question_defaults(question: Question) -> dict[str, str]:
    """The parameters that have a default, with it (the values of the catalogue's links)."""
    return {n: str(p.default) for n, p in question.spec.parameters.items() if p.default is not None}


def answer_json(answer: Answer) -> dict[str, Any]:
    """An answer: the question, parameters used, columns, rows, and the SPARQL that ran."""
    return {
        "ok": True,
        "question": question_meta(answer.question),
        "parameters": {n: p.as_dict() for n, p in answer.parameters.items() if p.source is None},
        "sources": [use.as_dict() for use in answer.sources],
        "columns": _columns(answer.question, answer.columns),
        "rows": answer.records(),
        "row_count": len(answer.rows),
        "truncated": answer.truncated,
        "sparql": answer.sparql,
        "bindings": answer.bindings,
    }
