"""What the Wawasan (``/insight``) and Peta (``/map``) routes share: how an analysis runs, the
forms' choices, the links to region pages.

Both run ``graph.insight``'s analyses on the service's store, in its query workers, from the
insight catalogue it keeps until the next publication (``api.shared_reads``), with the datasets
the request asks for (``sumber`` or ``dataset``, repeatable: used instead of an indicator's
authoritative dataset where they publish it); both offer the same indicators, grouped by
agency, and the same years; both link each region to its page.
Routers do not import each other, so these live here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from fastapi import Request
from pydantic import BeforeValidator

from api.pages import root_of
from api.shared_reads import insight_catalogue, insight_observations
from graph.insight.catalogue import LEVELS, InsightCatalogue
from graph.insight.wording import unit_symbol
from graph.rdf.iris import local_path
from graph.read.numbers import typed_number

__all__ = [
    "SOURCE_HELP",
    "TYPED_DECIMAL",
    "TYPED_WHOLE",
    "asked_sources",
    "form_choices",
    "indicator_choices",
    "region_href",
    "run_analysis",
]


def _typed(whole: bool) -> Callable[[object], object]:
    def read(value: object) -> object:
        number = typed_number(value, whole=whole) if isinstance(value, str) else None
        return value if number is None else (int(number) if whole else float(number))

    return read


# A number field of the forms reads "0,05" and "1.000" as people type them, by the reader of
# agency cells; "0.05" still works for the API, and what is not a number is left to the
# parameter's own type check (422 as before).
TYPED_DECIMAL = BeforeValidator(_typed(whole=False))
TYPED_WHOLE = BeforeValidator(_typed(whole=True))


SOURCE_HELP = (
    "Dataset sumber / source dataset (slug), repeatable; alias `dataset`. Left out: each indicator's "
    "authoritative dataset (oc:authoritativeDataset). Given: its figures are used for the indicators "
    "it publishes. Figures of different datasets are never summed; the others are shown beside."
)

T = TypeVar("T")


def run_analysis(request: Request, analysis: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``analysis(store, iris, *args, **kwargs)`` (``correlate``, ``discover``, ``map_values``) for
    the service's home region, from its kept catalogue, in its query workers."""
    service = request.app.state.service
    return analysis(
        service.store,
        service.iris,
        *args,
        home_region=service.settings.home_region,
        catalogue=insight_catalogue(service),
        run=service.run,
        sources=asked_sources(request),
        observations=insight_observations(service),
        **kwargs,
    )


def asked_sources(request: Request) -> tuple[str, ...]:
    """The datasets the request asks for (``sumber`` or ``dataset``, each may repeat), in order."""
    return tuple(v for k, v in request.query_params.multi_items() if k in ("sumber", "dataset") and v)


def region_href(request: Request, iri: str) -> str:
    """The region's page on this service (the IRI itself when it is not one of ours)."""
    path = local_path(request.app.state.service.iris, iri)
    return root_of(request) + path if path else iri


def indicator_choices(cat: InsightCatalogue, categorical: bool | None = False) -> list[dict[str, Any]]:
    """Indicators with values, grouped by agency for the forms' ``<optgroup>``s; an indicator with
    values at one level only says which. Numeric ones only by default (what Wawasan correlates);
    ``categorical`` None: every one (the map colours categories too)."""
    groups: dict[str, dict[str, Any]] = {}
    for slug, info in sorted(cat.indicators.items(), key=lambda item: item[1].label.id):
        if categorical is not None and cat.is_categorical(slug) != categorical:
            continue
        years = {level: cat.years(slug, level) for level in LEVELS}
        if not any(years.values()):
            continue
        only = [level for level in LEVELS if years[level]]
        group = groups.setdefault(info.agency, {"label": info.agency_label, "options": []})
        group["options"].append(
            {
                "value": slug,
                "label": info.label.id,
                "unit": unit_symbol(info),
                "only": only[0] if len(only) == 1 else None,
            }
        )
    return sorted(groups.values(), key=lambda g: g["label"]["id"])


def form_choices(cat: InsightCatalogue, categorical: bool | None = False) -> dict[str, Any]:
    """The forms' ``choices`` (indicators by agency) and ``years`` (latest first): of numeric
    indicators by default, of every one with ``categorical`` None (the map)."""
    return {"choices": indicator_choices(cat, categorical), "years": cat.all_years(categorical)}
