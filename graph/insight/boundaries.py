"""Region boundaries for the map: the shipped GeoJSON polygons of the home region's kecamatan or desa.

The polygons are files in ``ontology/codes/`` named by the area they cover
(``boundaries_kecamatan_PP.geojson``: every kecamatan of province PP;
``boundaries_desa_PP.KK.geojson``: the desa of kabupaten PP.KK; see ``SOURCES.md``).
``load_boundaries`` finds the file for an instance's home region, or for the
nearest area around it, and keeps the home region's features; ``graph.insight.choropleth``
joins them to an indicator's values.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Boundaries", "boundary_file", "load_boundaries"]

_CODE_PARTS = {"kecamatan": 3, "desa": 4}  # PP.KK.CC is a kecamatan, PP.KK.CC.DDDD a desa


@dataclass(frozen=True)
class Boundaries:
    """The home region's polygons at one level, as in the shipped file."""

    level: str
    path: Path
    features: tuple[dict[str, Any], ...]

    @property
    def codes(self) -> list[str]:
        return [str(f["properties"]["kode"]) for f in self.features]


def boundary_file(codes_dir: Path, home_region: str, level: str) -> Path | None:
    """The file of ``level`` polygons covering ``home_region``: its own, or the nearest enclosing area's.

    >>> d = Path(__file__).resolve().parents[2] / "ontology" / "codes"
    >>> boundary_file(d, "11.01", "desa") is None  # no desa polygons shipped for 11.01
    True
    """
    parts = home_region.split(".")
    for size in range(len(parts), 0, -1):
        path = codes_dir / f"boundaries_{level}_{'.'.join(parts[:size])}.geojson"
        if path.is_file():
            return path
    return None


@functools.lru_cache(maxsize=8)
def _features(path: Path) -> tuple[dict[str, Any], ...]:
    # Shipped, read-only files: read once per process. Callers never change the dicts.
    with path.open(encoding="utf-8") as handle:
        collection = json.load(handle)
    return tuple(collection["features"])


def load_boundaries(codes_dir: Path, home_region: str, level: str) -> Boundaries | None:
    """The polygons of the home region's ``level`` regions, or None when no file covers it."""
    path = boundary_file(codes_dir, home_region, level)
    if path is None:
        return None
    prefix = home_region + "."
    parts = _CODE_PARTS[level]
    kept = tuple(
        f
        for f in _features(path)
        if str(f["properties"]["kode"]).startswith(prefix)
        and str(f["properties"]["kode"]).count(".") == parts - 1
    )
    return Boundaries(level, path, kept)
