"""The browser faces of ``/provenance`` (a figure's trace) and ``/loads`` (the load history).

A browser asking the same URLs gets a readable page built from exactly the JSON a program
gets (``graph.provenance.trace`` and ``graph.provenance.history``), so a page never shows
more than the JSON would to the same reader: a restricted dataset stays as hidden here as
there. Programs keep the JSON, Turtle, JSON-LD and CSV they always had.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse

from api.pages import render, root_of
from graph.provenance.history import LoadHistory
from graph.rdf.iris import Iris, local_path
from graph.text import Text

__all__ = ["OUTCOME_LABELS", "loads_page", "trace_page"]

# The load outcomes (oc:LoadOutcomeScheme) as people read them on these pages.
OUTCOME_LABELS = {
    "published": Text("Diterbitkan", "Published"),
    "held": Text("Ditahan", "Held"),
    "rejected": Text("Ditolak", "Refused"),
    "failed": Text("Gagal", "Failed"),
}
# What a traced IRI is, as the page's heading says it.
KIND_LABELS = {
    "observation": Text("Angka", "Figure"),
    "source_row": Text("Baris sumber", "Source row"),
    "dataset": Text("Dataset", "Dataset"),
    "load": Text("Pemuatan", "Load"),
    "publication": Text("Penerbitan", "Publication"),
    "source_file": Text("Berkas sumber", "Source file"),
}


def _links(request: Request, iris: Iris) -> dict[str, Any]:
    """The helpers every provenance page uses to link IRIs to this service's own pages."""
    root = root_of(request)

    def href(iri: str | None) -> str | None:
        path = local_path(iris, iri) if iri else None
        return root + path if path else None

    def trace_href(iri: str) -> str:
        return f"{root}/provenance?{urlencode({'iri': iri})}"

    def loads_href(**query: str) -> str:
        given = {k: v for k, v in query.items() if v}
        return f"{root}/loads" + (f"?{urlencode(given)}" if given else "")

    return {
        "href": href,
        "trace_href": trace_href,
        "loads_href": loads_href,
        "outcomes": OUTCOME_LABELS,
    }


def trace_page(request: Request, iris: Iris, body: dict[str, Any]) -> HTMLResponse:
    """``/provenance?iri=`` for a browser: the chain from the figure to its source cell."""
    iri = body["iri"]
    query = urlencode({"iri": iri})
    root = root_of(request)
    machine = {
        "json": f"{root}/provenance.json?{query}",
        "turtle": f"{root}/provenance.ttl?{query}",
        "jsonld": f"{root}/provenance.jsonld?{query}",
    }
    kind = KIND_LABELS.get(body["kind"], Text(body["kind"], body["kind"]))
    return render(request, "trace.html", t=body, kind=kind, machine=machine, **_links(request, iris))


def loads_page(
    request: Request, iris: Iris, history: LoadHistory, *, dataset: str | None, outcome: str | None
) -> HTMLResponse:
    """``/loads`` for a browser: the loads (of one dataset), newest first, with their outcome."""
    root = root_of(request)
    query = urlencode({k: v for k, v in {"dataset": dataset, "outcome": outcome}.items() if v})
    machine = {
        "json": f"{root}/loads.json" + (f"?{query}" if query else ""),
        "csv": f"{root}/loads.csv" + (f"?{query}" if query else ""),
        "csv_standard": f"{root}/loads.csv?" + (f"{query}&" if query else "") + "_dialect=standard",
    }
    return render(
        request,
        "loads.html",
        history=history,
        loads=[a.as_dict() for a in history.items],
        dataset=dataset,
        outcome=outcome,
        machine=machine,
        **_links(request, iris),
    )
