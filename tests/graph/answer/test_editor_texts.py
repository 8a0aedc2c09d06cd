"""The SPARQL editor's texts run as they are."""

from __future__ import annotations

from graph.answer.editor_texts import editor_starter
from graph.answer.sparql import run_query
from tests.graph.answer.demo_answers import Demo


def test_the_editor_starter_runs(demo: Demo) -> None:
    platform, _ = demo
    text = editor_starter(platform.iris, platform.settings.home_region)
    outcome = run_query(platform.store, platform.iris, text, max_rows=100)
    assert outcome.variables == ["wilayah", "kode", "nama"] and len(outcome.rows) == 11
