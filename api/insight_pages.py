"""The Wawasan pages: the form, a correlation with its chart and tables, the discovered pairs.

``/insight``, ``/insight/correlate`` and ``/insight/discover`` answer a browser with these
pages (``api.routers.insight`` decides who gets what). A page shows what the analysis
found in ``insight.html``: the correlation in plain words (``graph.insight.summary``), the
scatter plot's data for ``static/js/insight.js``, outliers, the joined table and the regions
left out, or the ranked pairs with their *wawasan*; the form keeps what was asked and names
each refused parameter next to its field.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

from api.insight_forms import asked_sources, form_choices, region_href
from api.pages import id_number, render, root_of
from api.shared_reads import insight_catalogue
from graph.insight.correlate import Correlation
from graph.insight.discover import Discovery
from graph.insight.statistics import DEFAULT_FDR, DEFAULT_MIN_N
from graph.insight.summary import correlation_summary
from graph.insight.wording import count_caveat, en_number, p_text, rates_of, unit_symbol

__all__ = ["correlation_page", "discovery_page", "form_again", "index_page"]

PARAMETERS = ("x", "y", "level", "period", "min_n", "fdr")  # what the forms ask

# p-values in the pages' sentences, numbers written as in the tables next to them.
_p_text = functools.partial(p_text, number=id_number)


def page(request: Request, status_code: int = 200, **context: Any) -> Response:
    """``insight.html`` with the form (``form``: what was asked) and what ``context`` adds."""
    cat = insight_catalogue(request.app.state.service)
    form = {"x": "", "y": "", "level": "desa", "period": "", "min_n": DEFAULT_MIN_N, "fdr": DEFAULT_FDR}
    form.update(context.pop("form", {}))
    offered = form_choices(cat)
    slugs = [o["value"] for group in offered["choices"] for o in group["options"]]
    if not form["x"] and not form["y"] and len(slugs) >= 2:  # two different indicators to start from
        form["x"], form["y"] = slugs[0], slugs[1]
    defaults: dict[str, Any] = {
        "view": "index",
        "errors": [],
        "correlation": None,
        "discovery": None,
        "discovery_problem": None,
    }
    return render(
        request,
        "insight.html",
        status_code=status_code,
        active="insight",
        **offered,
        form=form,
        num=id_number,
        en_num=en_number,
        **{**defaults, **context},
    )


def form_again(request: Request, view: str, problems: list[dict[str, Any]], status: int) -> Response:
    """The form with what was asked, and each refused parameter named (what is allowed, too)."""
    asked = {k: v for k, v in request.query_params.items() if k in PARAMETERS}
    return page(request, status, view=view, errors=problems, form=asked)


def index_page(
    request: Request, discovery: Discovery | None, problem: list[dict[str, Any]] | None
) -> Response:
    """``/insight``: the discovered pairs by desa (or why there are none), and the strongest
    wawasan as the form's first choice: the analyst starts from what the data suggest."""
    form: dict[str, Any] = {}
    if discovery is not None and discovery.wawasan:
        first = discovery.wawasan[0]
        form = {"x": first["x"]["indicator"], "y": first["y"]["indicator"], "period": discovery.period}
    context = _discovery_context(request, discovery) if discovery is not None else {}
    return page(request, form=form, discovery_problem=problem, **context)


def correlation_page(request: Request, c: Correlation) -> Response:
    """``/insight/correlate``: the correlation in words, its chart, outliers and tables."""
    form = {"x": c.x.slug, "y": c.y.slug, "level": c.level, "period": c.period}
    params = urlencode([*form.items(), *(("sumber", s) for s in asked_sources(request))])
    root = root_of(request)
    # The same correlation with another dataset for x or y ("": the authoritative ones).
    switch = {"": f"{root}/insight/correlate?{urlencode(form)}"}
    for use in c.sources.values():
        for other in use.others:
            switch[other.slug] = f"{root}/insight/correlate?{urlencode({**form, 'sumber': other.slug})}"
    rows = [{**r, "href": region_href(request, r["region"])} for r in c.records()]
    kecamatan = {r["code"]: r.get("kecamatan", "") for r in rows}
    outliers = [
        {
            **o,
            "href": region_href(request, o["region"]),
            "kecamatan": kecamatan.get(o["code"], ""),
            "impossible": c.impossible(o),
        }
        for o in c.outliers()
    ]
    links = {
        "json": f"{root}/insight/correlate?{params}&_format=json",
        "csv": f"{root}/insight/correlate.csv?{params}",
        "csv_standard": f"{root}/insight/correlate.csv?{params}&_dialect=standard",
        "discover": f"{root}/insight/discover?{urlencode({'level': c.level, 'period': c.period})}",
        "map_x": f"{root}/map?{urlencode({'indicator': c.x.slug, 'level': c.level, 'period': c.period})}",
        "map_y": f"{root}/map?{urlencode({'indicator': c.y.slug, 'level': c.level, 'period': c.period})}",
        "source": switch,
    }
    return page(
        request,
        view="correlate",
        form={"x": c.x.slug, "y": c.y.slug, "level": c.level, "period": c.period},
        correlation={
            "c": c,
            "summary": correlation_summary(c, id_number),
            "rows": rows,
            "outliers": outliers,
            "excluded": [{**e, "href": region_href(request, e["region"])} for e in c.excluded],
            "chart": _chart(c, rows),
            "links": links,
            **_count_caveat(request, c, form),
            "x_unit": unit_symbol(c.x),
            "y_unit": unit_symbol(c.y),
            "p_text": _p_text,
        },
    )


def _count_caveat(request: Request, c: Correlation, form: dict[str, str]) -> dict[str, Any]:
    """The count-vs-rate caveat when x or y is a count, with a link to the same correlation with
    each rate declared on that count in its place."""
    known = list(insight_catalogue(request.app.state.service).indicators.values())
    root = root_of(request)
    rates = [
        {"label": rate.label, "href": f"{root}/insight/correlate?{urlencode({**form, axis: rate.slug})}"}
        for axis, count in (("x", c.x), ("y", c.y))
        if count.kind == "count"
        for rate in rates_of(count, known)
    ]
    return {"count_caveat": count_caveat(c.x, c.y, known), "rate_links": rates}


def _chart(c: Correlation, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """What the page's script draws: the points, the line across them, the axes' labels."""
    line = []
    if c.stats is not None and rows:
        xs = [r["x"] for r in rows]
        line = [{"x": v, "y": c.stats.predicted(v)} for v in (min(xs), max(xs))]
    return {
        "points": [
            {
                "x": r["x"],
                "y": r["y"],
                "label": r["label"],
                "href": r["href"],
                "outlier": r["outlier"],
                "impossible": bool(r["impossible"]),  # outside its indicator's declared bounds
            }
            for r in rows
        ],
        "line": line,
        "x_label": f"{c.x.label.id} ({unit_symbol(c.x)})",
        "y_label": f"{c.y.label.id} ({unit_symbol(c.y)})",
        # Counts and rates are read against zero; an index (IDM 0,6–0,8) is read on its own range.
        "x_zero": c.x.kind != "index",
        "y_zero": c.y.kind != "index",
        "level": c.level,
    }


def _discovery_context(request: Request, d: Discovery) -> dict[str, Any]:
    root = root_of(request)

    def with_href(pair: dict[str, Any]) -> dict[str, Any]:
        x, y = pair["x"]["indicator"], pair["y"]["indicator"]
        query = {"x": x, "y": y, "level": d.level, "period": d.period}
        return {**pair, "href": f"{root}/insight/correlate?{urlencode(query)}"}

    params = urlencode({"level": d.level, "period": d.period, "min_n": d.min_n, "fdr": d.fdr})
    return {
        "discovery": {
            "d": d,
            "pairs": [with_href(p) for p in d.pairs],
            "wawasan": [with_href(w) for w in d.wawasan],
            "caveat": d.caveat,
            "method": d.method,
            "p_text": _p_text,
            "links": {
                "json": f"{root}/insight/discover?{params}&_format=json",
                "csv": f"{root}/insight/discover.csv?{params}",
                "csv_standard": f"{root}/insight/discover.csv?{params}&_dialect=standard",
            },
        }
    }


def discovery_page(request: Request, d: Discovery) -> Response:
    """``/insight/discover``: the ranked pairs, the wawasan and their caveat."""
    form = {"level": d.level, "period": d.period, "min_n": d.min_n, "fdr": d.fdr}
    return page(request, view="discover", form=form, **_discovery_context(request, d))
