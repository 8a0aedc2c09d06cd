"""The master list of regions (Kode Referensi): Kemendagri codes, BPS crosswalk, names.

Read from the code list shipped in ``ontology/codes/wilayah_lampung.csv`` and
published as a SKOS concept scheme. Code systems are never guessed from the
digits: an undotted Kemendagri desa code can equal the BPS code of another desa.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from graph.errors import ReferenceDataError
from graph.rdf.iris import Iris
from graph.rdf.namespaces import OC, PREFIXES, RDF_TYPE, SKOS
from graph.rdf.ntriples import lang_literal, literal

__all__ = ["LEVEL_CODE_LENGTH", "LEVELS", "RegionIndex"]

LEVELS = ("provinsi", "kabupaten", "kecamatan", "desa")
# Digits of an undotted Kemendagri code per level, and how to put the dots back.
LEVEL_CODE_LENGTH = {"provinsi": 2, "kabupaten": 4, "kecamatan": 6, "desa": 10}
LEVEL_BPS_LENGTH = {"provinsi": 2, "kabupaten": 4, "kecamatan": 7, "desa": 10}

_KIND_CLASS = {
    "provinsi": "Province",
    "kabupaten": "Regency",
    "kota": "City",
    "kecamatan": "District",
    "desa": "Village",
    "kelurahan": "UrbanVillage",
}
_LEVEL_CONCEPT = {
    "provinsi": "levelProvinsi",
    "kabupaten": "levelKabupaten",
    "kecamatan": "levelKecamatan",
    "desa": "levelDesa",
}
EDITION = "Kepmendagri No 300.2.2-2138 Tahun 2025"


def dot_code(digits: str) -> str:
    """'1810012001' -> '18.10.01.2001' (Kemendagri layout 2-2-2-4)."""
    parts = [digits[:2], digits[2:4], digits[4:6], digits[6:]]
    return ".".join(p for p in parts if p)


@dataclass(frozen=True)
class RegionIndex:
    """The region code list, with look-ups by code system and by level."""

    frame: pd.DataFrame  # columns of wilayah_lampung.csv, all text

    @classmethod
    def from_csv(cls, path: Path) -> RegionIndex:
        try:
            frame = pd.read_csv(path, dtype="string", keep_default_na=False)
        except OSError as exc:
            raise ReferenceDataError(f"kode wilayah tidak terbaca / cannot read {path}: {exc}") from None
        required = {"kode", "tingkat", "jenis", "nama", "induk", "nama_2022", "kode_bps"}
        if not required <= set(frame.columns):
            raise ReferenceDataError(f"{path}: columns {sorted(required - set(frame.columns))} missing")
        return cls(frame)

    @cached_property
    def names(self) -> dict[str, str]:
        return dict(zip(self.frame["kode"], self.frame["nama"], strict=True))

    @cached_property
    def parents(self) -> dict[str, str]:
        return dict(zip(self.frame["kode"], self.frame["induk"], strict=True))

    @cached_property
    def levels(self) -> dict[str, str]:
        return dict(zip(self.frame["kode"], self.frame["tingkat"], strict=True))

    @cached_property
    def bps_to_kemendagri(self) -> dict[str, str]:
        with_bps = self.frame[self.frame["kode_bps"] != ""]
        return dict(zip(with_bps["kode_bps"], with_bps["kode"], strict=True))

    @cached_property
    def codes_by_level(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for code, level in self.levels.items():
            out.setdefault(level, []).append(code)
        return out

    def descendants(self, code: str, level: str) -> list[str]:
        """Codes of the given level within the region ``code`` (or all of them for '')."""
        at_level = self.codes_by_level.get(level, [])
        if not code:
            return list(at_level)
        return [c for c in at_level if c == code or c.startswith(code + ".")]

    def label(self, code: str) -> str:
        return self.names.get(code, code)

    def to_ntriples(self, iris: Iris) -> str:
        """The code list as a SKOS concept scheme (N-Triples)."""
        scheme = f"<{iris.region_scheme}>"
        skos = SKOS
        lines = [
            f"{scheme} <{RDF_TYPE}> <{skos}ConceptScheme> .",
            f"{scheme} <{skos}prefLabel> {lang_literal('Kode dan Data Wilayah Administrasi', 'id')} .",
            f"{scheme} <{skos}prefLabel> {lang_literal('Administrative region codes', 'en')} .",
            f"{scheme} <{PREFIXES['owl']}versionInfo> {literal(EDITION)} .",
            f"{scheme} <{PREFIXES['dcterms']}source> {literal(EDITION)} .",
            # The code list of sdmx-dimension:refArea (ontology/qb-sdmx.ttl) is also a Data
            # Cube hierarchy: from its top concepts down, child to parent by skos:broader, so
            # the W3C integrity constraint IC-21 checks every observation's region is in it.
            f"{scheme} <{RDF_TYPE}> <{PREFIXES['qb']}HierarchicalCodeList> .",
            f"{scheme} <{PREFIXES['qb']}parentChildProperty> _:narrower .",
            f"_:narrower <{PREFIXES['owl']}inverseOf> <{skos}broader> .",
        ]
        row: Any  # a named tuple of the code list's columns (all text)
        for row in self.frame.itertuples(index=False):
            s = f"<{iris.region(row.kode)}>"
            lines += [
                f"{s} <{RDF_TYPE}> <{skos}Concept> .",
                f"{s} <{RDF_TYPE}> <{OC}{_KIND_CLASS[row.jenis]}> .",
                f"{s} <{skos}inScheme> {scheme} .",
                f"{s} <{skos}prefLabel> {lang_literal(row.nama, 'id')} .",
                f"{s} <{skos}notation> {literal(row.kode, OC + 'KemendagriCode')} .",
                f"{s} <{OC}regionLevel> <{OC}{_LEVEL_CONCEPT[row.tingkat]}> .",
            ]
            if row.induk:
                lines.append(f"{s} <{skos}broader> <{iris.region(row.induk)}> .")
            else:
                lines.append(f"{s} <{skos}topConceptOf> {scheme} .")
                lines.append(f"{scheme} <{PREFIXES['qb']}hierarchyRoot> {s} .")
            if row.kode_bps:
                lines.append(f"{s} <{skos}notation> {literal(row.kode_bps, OC + 'BPSCode')} .")
            if row.nama_2022 and row.nama_2022 != row.nama:
                lines.append(f"{s} <{OC}nameEdition2022> {lang_literal(row.nama_2022, 'id')} .")
            for bps_name in {row.nama_bps_2024, row.nama_bps_2018} - {""}:
                if bps_name.casefold() != row.nama.casefold():
                    lines.append(f"{s} <{OC}bpsName> {lang_literal(bps_name, 'id')} .")
        return "\n".join(lines) + "\n"
