"""Which measures of a table share one ``qb:DataSet``: those observed at the same points.

The W3C Data Cube's IC-17 asks that, in a cube with a measure dimension, every point
(region, period, other dimensions) have an observation for every measure of its
structure. An agency's table does not always: a cell left empty ("missing, not zero",
published as no observation) or a measure given for fewer years than the others (BPS
publishes area for one year beside five years of population). Rather than invent a
value for a cell that has none, the table's measures are grouped by the set of points
they are observed at: the group observed at the most points is the catalogue's dataset
itself; every other group is a cube of its own, ``<dataset>/kubus/<first measure>``, with a
structure declaring only its measures and linked to the dataset (``dct:isPartOf``; typed
``qb:DataSet`` by the Recommendation's normalisation, from its observations, not by us: a
typed data set is a catalogue dataset to the Satu Data shapes and the readers listing them).
Every cube says which catalogue dataset it publishes with ``oc:cubeOf`` (the dataset itself
for its main cube), so readers find a table's observations with
``qb:dataSet/oc:cubeOf <dataset>`` wherever its measures went (docs/conformance.md).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from graph.rdf.iris import Iris

__all__ = ["Cube", "measure_cubes"]


@dataclass(frozen=True)
class Cube:
    """One ``qb:DataSet`` of a table: its IRI, its structure's IRI and its measures."""

    iri: str
    structure: str
    indicators: tuple[str, ...]
    main: bool


def measure_cubes(tidy: pd.DataFrame, dataset: str, iris: Iris) -> list[Cube]:
    """The cubes of a table's tidy observations (``graph.cube.prepare``), main cube first.

    Measures observed at exactly the same points share a cube. The main cube holds the
    group observed at the most points (on a tie, the group whose first measure sorts
    first), so a table without gaps keeps a single cube, the dataset itself.
    """
    indicators = sorted(tidy["indicator"].unique()) if len(tidy) else []
    if len(indicators) <= 1:
        return [Cube(iris.dataset(dataset), iris.structure(dataset), tuple(indicators), True)]
    points = tidy["region"].astype(str) + "|" + tidy["period"].astype(str) + "|" + tidy["dims"].astype(str)
    by_points: dict[frozenset[str], list[str]] = {}
    for slug, where in points.groupby(tidy["indicator"].to_numpy(), sort=True):
        by_points.setdefault(frozenset(where), []).append(str(slug))
    groups = sorted(by_points.items(), key=lambda g: (-len(g[0]), g[1][0]))
    cubes = [Cube(iris.dataset(dataset), iris.structure(dataset), tuple(groups[0][1]), True)]
    for _, slugs in groups[1:]:
        cubes.append(
            Cube(
                f"{iris.dataset(dataset)}/kubus/{slugs[0]}",
                f"{iris.structure(dataset)}/kubus/{slugs[0]}",
                tuple(slugs),
                False,
            )
        )
    return cubes
