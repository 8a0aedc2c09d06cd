"""Two versions of one agency table, and what the public query path says is published.

Version A is the demo Dinsos KPM table (740 desa x year rows, 1,480 observations);
version B is the same table with every value raised by one. Both are loaded as the
same dataset, so the observation IRIs are equal and only the values tell them apart:
a public answer that mixed the two graphs would show two values for one observation.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from graph.answer.sparql import run_query
from graph.rdf.iris import Iris
from graph.rdf.namespaces import OC
from graph.settings import PROJECT_DIR
from graph.store.interface import Store
from graph.store.versions import published_datasets

DATASET = "dinsos-kpm-desa"
SOURCE = PROJECT_DIR / "data" / "dinsos_kpm_desa_2020_2024.csv"
MAPPING = PROJECT_DIR / "mappings" / "dinsos-kpm-desa.yaml"
COLUMNS = {"KPM PKH": "kpm-pkh", "KPM BPNT": "kpm-bpnt"}

# (region code, year, indicator slug, value)
Observation = tuple[str, str, str, int]

QB = "http://purl.org/linked-data/cube#"
SDMX_DIM = "http://purl.org/linked-data/sdmx/2009/dimension#"


@dataclass(frozen=True)
class Version:
    name: str
    mapping: Path
    observations: frozenset[Observation]

    def total(self, indicator: str) -> int:
        return sum(v for _, _, i, v in self.observations if i == indicator)


def write_versions(folder: Path) -> dict[str, Version]:
    """Write tables A and B with a mapping each into ``folder``; same dataset, other values."""
    text = SOURCE.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    mapping_text = MAPPING.read_text(encoding="utf-8")
    versions = {}
    for name, shift in (("A", 0), ("B", 1)):
        table = folder / f"kpm-{name.lower()}.csv"
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        observations = set()
        for row in rows:
            shifted = dict(row)
            for column, indicator in COLUMNS.items():
                value = int(row[column]) + shift
                shifted[column] = str(value)
                observations.add((row["Kode Wilayah"], row["Tahun"], indicator, value))
            writer.writerow(shifted)
        table.write_text(out.getvalue(), encoding="utf-8")
        mapping = folder / f"kpm-{name.lower()}.yaml"
        mapping.write_text(
            mapping_text.replace("../data/dinsos_kpm_desa_2020_2024.csv", table.name), encoding="utf-8"
        )
        versions[name] = Version(name, mapping, frozenset(observations))
    assert versions["A"].observations != versions["B"].observations
    return versions


# Every observation of the dataset as the public SPARQL path sees it (published graphs only).
PUBLISHED_OBSERVATIONS = """
SELECT ?area ?period ?indicator ?value WHERE {{
  ?o <{qb}dataSet> <{dataset}> ; <{qb}measureType> ?indicator ; ?indicator ?value ;
     <{dim}refArea> ?area ; <{dim}refPeriod> ?period .
}}"""


def observations_query(iris: Iris) -> str:
    return PUBLISHED_OBSERVATIONS.format(qb=QB, dim=SDMX_DIM, dataset=iris.dataset(DATASET))


def observation_of(area: str, period: str, indicator: str, value: str) -> Observation:
    """A result row (IRIs and a lexical value) as (code, year, indicator slug, value)."""
    tail = lambda iri: iri.rsplit("/", 1)[-1]  # noqa: E731
    return (tail(area), tail(period), tail(indicator), int(value))


def published_observations(store: Store, iris: Iris) -> list[Observation]:
    """The dataset's observations through ``graph.answer.sparql.run_query``, the API's query path.

    A list, not a set: an observation seen twice (two versions visible) stays twice.
    """
    outcome = run_query(store, iris, observations_query(iris), max_rows=1_000_000)
    assert not outcome.truncated
    return [observation_of(*(t.value for t in row)) for row in outcome.rows]


def published_pointers(store: Store, iris: Iris) -> list[str]:
    """Every version graph the catalogue names as the dataset's published one (must be one)."""
    import pyoxigraph as ox

    result = store.query(
        f"SELECT ?g WHERE {{ <{iris.dataset(DATASET)}> <{OC}publishedGraph> ?g }}",
        default_graph=[iris.catalog_graph],
    )
    assert isinstance(result, ox.QuerySolutions)
    return [s["g"].value for s in result]


def which_version(observations: list[Observation], versions: dict[str, Version]) -> str | None:
    """ "A" or "B" when the observations are exactly that version's, else None (a mix, a part)."""
    for name, version in versions.items():
        if len(observations) == len(version.observations) and set(observations) == version.observations:
            return name
    return None


def stray_version_graphs(store: Store, iris: Iris) -> list[str]:
    """Version graphs of the dataset that are not published (left by an interrupted load)."""
    prefix = iris.dataset_graphs_prefix
    published = set(published_datasets(store, iris).values())
    return [g for g in store.named_graphs() if g.startswith(prefix) and g not in published]
