"""One indicator from two datasets: no answer anywhere sums them, the authoritative one is used by
default, ``sumber`` switches, and the other source is shown beside it.

A new synthetic agency table the demo never had (a BPS village survey) publishes two indicators
the demo already has: stunting prevalence (Dinkes is authoritative) and the population
(Disdukcapil is authoritative), for the ten first desa of Gedong Tataan in 2023 and 2024. Its
prevalences are 90–94.5 %: added to Dinkes' they would exceed 100, the way a 0–1 index loaded
twice was reported as 1.69.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.answer.answers import Answer, run_question
from graph.answer.authoritative import DatasetSource, Declaration, Sources, read_sources
from graph.answer.code_lists import CodeLists, read_code_lists
from graph.answer.editor_texts import question_sparql
from graph.answer.questions import load_catalogue, question_prefixes
from graph.answer.sparql import run_query
from graph.answer.view import read_view
from graph.describe.coherence import read_coherence
from graph.describe.coherence_selection import select_findings
from graph.describe.figures import region_figures
from graph.errors import ParameterError
from graph.insight.catalogue import read_catalogue
from graph.insight.choropleth import map_values, value_table
from graph.insight.correlate import correlate
from graph.insight.discover import discover
from graph.publish.load_report import LoadReport
from graph.publish.platform import Platform
from graph.settings import PROJECT_DIR, Settings
from graph.store.embedded import EmbeddedStore
from graph.text import Text
from tests.conftest import nquads_of

# Slow: a graph of its own (a copy of the session's demo, and the survey loaded on it).
pytestmark = pytest.mark.slow

CATALOGUE = load_catalogue(PROJECT_DIR / "questions")
SURVEY = "bps-survei-desa"
DESA = [f"18.09.01.20{i:02d}" for i in range(1, 11)]
SURVEY_PREVALENCE = {code: 90 + i * 0.5 for i, code in enumerate(DESA)}  # both years
SURVEY_POPULATION = {code: 1500 + 10 * i for i, code in enumerate(DESA)}

MAPPING = """\
dataset:
  id: bps-survei-desa
  title: {id: Survei Sosial Desa (uji), en: Village Social Survey (test)}
  description: {id: Tabel uji yang memuat indikator dinas lain, en: A test table with other agencies' indicators}
  agency: bps
  frequency: annual
  synthetic: true
source:
  path: survei.csv
  delimiter: ";"
  decimal: comma
region:
  level: desa
  code: {column: kode_desa, system: kemendagri}
period:
  year: {column: tahun}
measures:
  - column: prevalensi
    indicator: prevalensi-stunting
    unit: persen
  - column: penduduk
    indicator: jumlah-penduduk
    unit: jiwa
"""


@pytest.fixture(scope="module")
def two(
    memory_settings: Settings,
    demo: tuple[Platform, list[LoadReport]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Platform]:
    """The demo graph (a copy of the session's build) and the survey, published (the Walidata
    accepts what its checks find)."""
    folder = tmp_path_factory.mktemp("survei")
    lines = ["kode_desa;tahun;prevalensi;penduduk"]
    for year in (2023, 2024):
        for code in DESA:
            prevalence = f"{SURVEY_PREVALENCE[code]:.1f}".replace(".", ",")
            lines.append(f"{code.replace('.', '')};{year};{prevalence};{SURVEY_POPULATION[code]}")
    (folder / "survei.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / f"{SURVEY}.yaml").write_text(MAPPING, encoding="utf-8")
    store = EmbeddedStore(None)
    store.bulk_load([nquads_of(demo[0].store)])
    platform = Platform(memory_settings, store)
    report = platform.load(folder / f"{SURVEY}.yaml")
    if report.outcome == "held":
        report = platform.publish_draft(SURVEY, accept_reason="uji dua sumber / a test of two sources")
    assert report.outcome == "published"
    yield platform
    platform.close()


@pytest.fixture(scope="module")
def lists(two: Platform) -> CodeLists:
    return read_code_lists(two.store, two.iris, two.settings.home_region)


def _published(platform: Platform, dataset: str, indicator: str, *, every: bool = False) -> dict[str, float]:
    """Region code -> the dataset's 2024 figure (summed over breakdowns such as sex), read from the
    store: of the ten desa the survey covers, or ``every`` region."""
    rows = run_query(
        platform.store,
        platform.iris,
        question_prefixes(platform.iris)
        + f"""SELECT ?code (SUM(?v) AS ?value) WHERE {{
              ?o qb:dataSet/oc:cubeOf dataset:{dataset} ; qb:measureType ind:{indicator} ; ind:{indicator} ?v ;
                 sdmx-dimension:refArea ?r ; sdmx-dimension:refPeriod periode:2024 .
              ?r skos:notation ?code . FILTER(datatype(?code) = oc:KemendagriCode)
            }} GROUP BY ?code""",
        max_rows=10_000,
    ).rows
    found = {str(code.value): float(value.value) for code, value in rows}
    return {c: v for c, v in found.items() if every or c in DESA}


def _ask(platform: Platform, lists: CodeLists, question: str, **given: str) -> Answer:
    """The answer by SPARQL; with a columnar plan, the same rows from the view too."""
    q = CATALOGUE.get(question)
    answer = run_question(platform.store, platform.iris, q, given, lists, max_rows=100_000)
    if q.spec.columnar is not None:
        view = read_view(platform.store, platform.iris)
        planned = run_question(platform.store, platform.iris, q, given, lists, max_rows=100_000, view=view)
        assert planned.engine == "columnar" and planned.rows == answer.rows, question
    # The text with every value written in (the SPARQL editor's) answers the same.
    text = question_sparql(q, answer.parameters, platform.iris)
    written = run_query(platform.store, platform.iris, text, max_rows=100_000)
    assert [[str(t) for t in r] for r in written.rows] == [[str(t) for t in r] for r in answer.rows]
    return answer


def _by(records: list[dict[str, Any]], key: str, value: str) -> dict[str, float]:
    return {r[key]: r[value] for r in records if r[key] in DESA}


# --- the named questions ----------------------------------------------------------------------


def test_the_questions_use_the_authoritative_dataset_and_never_add_the_survey(
    two: Platform, lists: CodeLists
) -> None:
    dinkes = _published(two, "dinkes-stunting-desa", "prevalensi-stunting")
    dukcapil = _published(two, "disdukcapil-penduduk-desa", "jumlah-penduduk")
    assert len(dinkes) == len(dukcapil) == 10 and all(v < 50 for v in dinkes.values())

    ranking = _ask(two, lists, "village-ranking", region="18.09.01", period="2024").records()
    assert _by(ranking, "village_code", "value") == dinkes
    assert all(r["value"] <= 100 for r in ranking)

    pairs = _ask(two, lists, "stunting-vs-safe-water", region="18.09.01", period="2024").records()
    assert _by(pairs, "village_code", "stunting_pct") == dinkes
    assert len(pairs) == len({r["village_code"] for r in pairs})  # one row per desa, not one per dataset

    change = _ask(
        two, lists, "indicator-change", region="18.09.01", from_period="2023", to_period="2024"
    ).records()
    assert _by(change, "village_code", "to_value") == dinkes
    assert all(r["from_value"] <= 100 and r["to_value"] <= 100 for r in change)

    trend = _ask(two, lists, "indicator-trend", region=DESA[0]).records()
    assert {r["year"]: r["value"] for r in trend}[2024] == dinkes[DESA[0]]
    assert all(r["value"] <= 100 for r in trend)

    sizes = _ask(two, lists, "household-size", region="18.09.01", period="2024")
    assert _by(sizes.records(), "village_code", "population") == dukcapil
    # Summed up to the kecamatan: Dukcapil's desa only, the survey's ten not added in.
    every = _published(two, "disdukcapil-penduduk-desa", "jumlah-penduduk", every=True)
    totals = _ask(two, lists, "population-density", period="2024").records()
    gedong_tataan = next(r for r in totals if r["district_code"] == "18.09.01")
    assert gedong_tataan["population"] == sum(v for c, v in every.items() if c.startswith("18.09.01."))


def test_the_answer_names_the_dataset_used_and_the_other_source_beside_it(
    two: Platform, lists: CodeLists
) -> None:
    answer = _ask(two, lists, "village-ranking", region="18.09.01", period="2024")
    [use] = answer.sources
    assert use.dataset is not None and use.dataset.slug == "dinkes-stunting-desa"
    assert use.how == "declared" and use.reason.en == "the authoritative dataset the Walidata declared"
    assert [o.slug for o in use.others] == [SURVEY]
    assert "sumber" not in answer.canonical and "source" not in answer.canonical  # links keep their meaning
    assert answer.bindings["source"] == f"<{two.iris.dataset('dinkes-stunting-desa')}>"


def test_sumber_switches_the_indicators_the_dataset_publishes_and_only_those(
    two: Platform, lists: CodeLists
) -> None:
    ranking = _ask(two, lists, "village-ranking", region="18.09.01", period="2024", sumber=SURVEY)
    assert {r["village_code"]: r["value"] for r in ranking.records()} == SURVEY_PREVALENCE
    [use] = ranking.sources
    assert use.how == "asked" and [o.slug for o in use.others] == ["dinkes-stunting-desa"]
    # The English alias, and a question joining two indicators: only the survey's one switches.
    sizes = _ask(two, lists, "household-size", region="18.09.01", period="2024", dataset=SURVEY).records()
    assert _by(sizes, "village_code", "population") == SURVEY_POPULATION
    used = {
        s.indicator.rsplit("/", 1)[-1]: s.slug
        for s in run_question(
            two.store, two.iris, CATALOGUE.get("household-size"), {"sumber": SURVEY}, lists, max_rows=10
        ).sources
    }
    assert used == {"jumlah-penduduk": SURVEY, "jumlah-rumah-tangga": "dpupr-air-sanitasi-desa"}


def test_a_dataset_that_holds_none_of_the_questions_indicators_is_refused(
    two: Platform, lists: CodeLists
) -> None:
    with pytest.raises(ParameterError) as refused:
        run_question(
            two.store,
            two.iris,
            CATALOGUE.get("village-ranking"),
            {"sumber": "dinsos-kpm-desa"},
            lists,
            max_rows=10,
        )
    [problem] = refused.value.problems
    assert problem["parameter"] == "sumber" and problem["allowed"] == [SURVEY, "dinkes-stunting-desa"]
    with pytest.raises(ParameterError):
        run_question(
            two.store, two.iris, CATALOGUE.get("village-ranking"), {"sumber": "tidak-ada"}, lists, max_rows=10
        )


def test_every_question_answers_the_same_by_sparql_and_by_plan_with_two_sources(
    two: Platform, lists: CodeLists
) -> None:
    for question in CATALOGUE.questions.values():
        _ask(two, lists, question.id)


# --- insight, the map, the region page --------------------------------------------------------


def test_correlate_uses_the_authoritative_values_and_gives_the_survey_beside_them(two: Platform) -> None:
    home = two.settings.home_region
    dinkes = _published(two, "dinkes-stunting-desa", "prevalensi-stunting")
    found = correlate(
        two.store, two.iris, "prevalensi-stunting", "persen-air-minum-layak", "desa", "2024", home_region=home
    )
    by_code = {r["code"]: r for r in found.records()}
    assert {c: by_code[c]["x"] for c in DESA} == dinkes
    assert by_code[DESA[0]]["x_other_sources"] == {SURVEY: SURVEY_PREVALENCE[DESA[0]]}
    assert not any("dataset" in str(e["missing"]) for e in found.excluded)  # nobody left out for it
    source = found.as_dict()["x"]["source"]
    assert source["used"]["dataset"] == "dinkes-stunting-desa" and source["others"][0]["dataset"] == SURVEY
    asked = correlate(
        two.store,
        two.iris,
        "prevalensi-stunting",
        "persen-air-minum-layak",
        "desa",
        "2024",
        home_region=home,
        sources=[SURVEY],
    )
    assert {r["code"]: r["x"] for r in asked.records()} == SURVEY_PREVALENCE
    assert asked.records()[0]["x_other_sources"] == {
        "dinkes-stunting-desa": dinkes[asked.records()[0]["code"]]
    }
    with pytest.raises(ParameterError):
        correlate(
            two.store,
            two.iris,
            "kpm-pkh",
            "persen-air-minum-layak",
            "desa",
            "2024",
            home_region=home,
            sources=[SURVEY],
        )


def test_the_map_and_discovery_use_one_dataset_per_indicator(two: Platform) -> None:
    home = two.settings.home_region
    dinkes = _published(two, "dinkes-stunting-desa", "prevalensi-stunting")
    mapped = map_values(two.store, two.iris, "prevalensi-stunting", "desa", "2024", home_region=home)
    assert {c: mapped.values[c] for c in DESA} == dinkes and mapped.values.max() <= 100
    assert mapped.source is not None and mapped.source.slug == "dinkes-stunting-desa"
    cat = read_catalogue(two.store, two.iris, home)
    rows = {r["code"]: r for r in value_table(mapped, cat, None, href=lambda code: code)}
    assert rows[DESA[0]]["others"] == {SURVEY: SURVEY_PREVALENCE[DESA[0]]}
    assert rows["18.09.01.2011"]["others"] == {}  # the survey has no figure there
    asked = map_values(
        two.store, two.iris, "prevalensi-stunting", "desa", "2024", home_region=home, sources=[SURVEY]
    )
    assert asked.values.to_dict() == SURVEY_PREVALENCE

    found = discover(two.store, two.iris, "desa", "2024", home_region=home)
    entry = next(i for i in found.indicators if i["indicator"] == "prevalensi-stunting")
    assert entry["source"]["used"]["dataset"] == "dinkes-stunting-desa"
    assert entry["regions"] == mapped.values.size  # every desa kept, none dropped as "several datasets"


def test_the_region_page_shows_the_authoritative_figure_with_the_survey_beside_it(two: Platform) -> None:
    desa = two.iris.region(DESA[0])
    found = region_figures(two.store, two.iris, desa)
    stunting = [
        f for f in found.figures if f.indicator.endswith("/prevalensi-stunting") and "2024" in f.period
    ]
    [figure] = stunting
    assert figure.dataset == two.iris.dataset("dinkes-stunting-desa") and figure.main
    assert [(o.dataset, float(o.value.value)) for o in figure.others] == [
        (two.iris.dataset(SURVEY), SURVEY_PREVALENCE[DESA[0]])
    ]
    assert {u.indicator.rsplit("/", 1)[-1] for u in found.sources} == {
        "jumlah-penduduk",
        "prevalensi-stunting",
    }
    # The survey gives the population without a breakdown, Dukcapil by sex: a row of its own, marked.
    survey_population = [
        f for f in found.figures if f.dataset == two.iris.dataset(SURVEY) and "2024" in f.period
    ]
    assert [f.main for f in survey_population] == [False]
    asked = region_figures(two.store, two.iris, desa, sources=[SURVEY])
    [figure] = [
        f for f in asked.figures if f.indicator.endswith("/prevalensi-stunting") and "2024" in f.period
    ]
    assert figure.dataset == two.iris.dataset(SURVEY) and figure.others[0].dataset.endswith(
        "dinkes-stunting-desa"
    )


def test_the_pages_and_json_show_the_other_source(two: Platform) -> None:
    html = {"Accept": "text/html"}
    with TestClient(create_app(two.settings, two.store)) as client:
        body = client.get("/questions/village-ranking", params={"region": "18.09.01"}).json()
        assert body["sources"][0]["used"]["dataset"] == "dinkes-stunting-desa"
        assert body["sources"][0]["others"][0]["dataset"] == SURVEY
        assert set(body["parameters"]) == {"region", "indicator", "period", "sumber"}
        page = client.get("/questions/village-ranking", params={"region": "18.09.01"}, headers=html).text
        assert 'id="answer-sources"' in page and f"sumber={SURVEY}" in page
        region = client.get(f"/id/wilayah/{DESA[0]}", headers=html).text
        assert "Sumber lain" in region and f"?sumber={SURVEY}" in region
        mapped = client.get("/map", params={"indicator": "prevalensi-stunting", "level": "desa"}).text
        assert 'id="map-sources"' in mapped and f"sumber={SURVEY}" in mapped
        correlated = client.get(
            "/insight/correlate",
            params={"x": "prevalensi-stunting", "y": "persen-air-minum-layak", "sumber": SURVEY},
        ).json()
        assert correlated["x"]["source"]["how"] == "asked"


# --- the rule, on its own ---------------------------------------------------------------------


def _dataset(slug: str, agency: str, *measures: str) -> DatasetSource:
    return DatasetSource(
        f"https://x.id/id/dataset/{slug}",
        slug,
        Text(slug),
        f"urn:a:{agency}",
        Text(agency),
        frozenset(measures),
    )


def test_without_a_declaration_the_producers_dataset_then_the_first_by_slug_is_chosen() -> None:
    datasets = [
        _dataset("b-kemendesa", "kemendesa", "urn:i:idm"),
        _dataset("a-bps", "bps", "urn:i:idm", "urn:i:other"),
        _dataset("c-kemendesa", "kemendesa", "urn:i:idm"),
    ]
    sources = Sources(
        {d.iri: d for d in datasets},
        {
            "urn:i:idm": Declaration(None, "urn:a:kemendesa", None, None),
            "urn:i:other": Declaration("https://x.id/id/dataset/gone", None, None, None),
        },
    )
    use = sources.choose("urn:i:idm")
    assert (use.slug, use.how) == ("b-kemendesa", "producer")
    assert [d.slug for d in use.others] == ["a-bps", "c-kemendesa"]
    assert sources.choose("urn:i:idm", ["c-kemendesa"]).how == "asked"
    other = sources.choose("urn:i:other")
    assert (other.slug, other.how) == ("a-bps", "first")
    assert other.reason.en.startswith("the authoritative dataset gone is not published")
    assert sources.choose("urn:i:none").how == "none"


def test_the_demo_declares_an_authoritative_dataset_for_every_indicator_it_publishes(
    two: Platform,
) -> None:
    sources = read_sources(two.store, two.iris)
    for indicator in {m for d in sources.datasets.values() for m in d.measures}:
        assert sources.choose(indicator).how == "declared", indicator


def test_a_disagreement_between_the_two_sources_is_a_finding_for_both_agencies(two: Platform) -> None:
    """The survey's prevalence (90 % and more) disagrees with Dinkes': the survey's load finds it on
    each of its figures, names Dinkes' dataset, and both agencies' coherence lists hold it."""
    coherence = read_coherence(two.store, two.iris, shapes=two.settings.shapes_path, max_rows=100_000)
    survey = two.iris.dataset(SURVEY)
    dinkes = two.iris.dataset("dinkes-stunting-desa")
    prevalence = two.iris.indicator("prevalensi-stunting")
    between = [f for f in coherence.findings if f.rule == "BesaranSamaSesuaiAntarSumber"]
    assert {(f.dataset, f.other_dataset, f.path) for f in between} == {(survey, dinkes, prevalence)}
    assert len(between) == 2 * len(DESA)  # each desa, both years
    for agency in ("bps", "dinkes"):
        _, shown = select_findings(coherence, agency=agency, rule="BesaranSamaSesuaiAntarSumber")
        assert shown == between, agency
    _, others = select_findings(coherence, agency="dpupr", rule="BesaranSamaSesuaiAntarSumber")
    assert others == []
