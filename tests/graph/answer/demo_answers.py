"""Questions answered on the demo graph, shared by the tests of ``graph.answer``."""

from __future__ import annotations

from graph.answer.answers import Answer, run_question
from graph.answer.code_lists import CodeListCache, CodeLists
from graph.answer.questions import load_catalogue
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.settings import PROJECT_DIR

Demo = tuple[Platform, list[LoadReport]]
CATALOGUE = load_catalogue(PROJECT_DIR / "questions")
CHOICES = CodeListCache()
XSD = "http://www.w3.org/2001/XMLSchema#"


def choices(demo: Demo) -> CodeLists:
    """The demo graph's code lists, read once (the cache the service uses)."""
    platform, _ = demo
    return CHOICES.get(platform.store, platform.iris, platform.settings.home_region)


def answer(demo: Demo, question_id: str, **params: str) -> Answer:
    """The answer to a question of the catalogue with these parameters."""
    platform, _ = demo
    question = CATALOGUE.get(question_id)
    return run_question(
        platform.store,
        platform.iris,
        question,
        params,
        choices(demo),
        max_rows=platform.settings.max_result_rows,
    )
