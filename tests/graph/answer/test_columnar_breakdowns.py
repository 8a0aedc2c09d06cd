"""A breakdown's figures are kept for the view in force, and a new view never gets the old ones."""

from __future__ import annotations

import dataclasses
from typing import Any

from graph.answer.columnar_breakdowns import broken_down
from graph.answer.view import read_view
from graph.publish.platform import Platform


def test_a_new_view_is_answered_from_its_own_rows_not_the_kept_figures(
    demo: tuple[Platform, Any],
) -> None:
    platform, _ = demo
    base = platform.iris.base
    view = read_view(platform.store, platform.iris)
    pupils = f"{base}id/indikator/jumlah-murid"
    period = max(p for (i, p) in view.values if i == pupils)
    primary = {f"{base}id/dimensi/jenjang": f"{base}id/kode/jenjang/SD"}
    found = broken_down(view, pupils, period, None, primary)
    assert found and all(found.values())  # the demo's primary pupils, by kecamatan
    assert broken_down(view, pupils, period, None, primary) is found  # kept for this view
    emptied = dataclasses.replace(view, rows=view.rows.slice(0, 0))
    assert broken_down(emptied, pupils, period, None, primary) == {}
    junior = {f"{base}id/dimensi/jenjang": f"{base}id/kode/jenjang/SMP"}
    assert broken_down(view, pupils, period, None, junior) != found
