"""Link agency region references (codes or names) to reference region codes.

This first linker is deliberately strict: a code in its declared system, or a
name that equals an official name (2025 decree, 2022 decree, or BPS spelling)
after normalisation, within the parent region when one is given. Anything else
is reported with the reason, never guessed.

Each distinct reference is resolved once and the answer mapped back onto the
rows, so a million-row table costs as many look-ups as it has distinct regions.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd
import yaml

from graph.errors import ReferenceDataError
from graph.mappings import RegionSpec
from graph.reference import LEVEL_BPS_LENGTH, LEVEL_CODE_LENGTH, LEVELS, RegionIndex, dot_code

__all__ = ["LinkedRegions", "NameRules", "RegionLinker"]

METHOD_KEMENDAGRI = "kode-kemendagri"
METHOD_BPS = "kode-bps"
METHOD_NAME = "nama-baku"


@dataclass(frozen=True)
class NameRules:
    """Normalisation rules for region names, read from mappings/linking/name_rules.yaml."""

    prefixes: dict[str, tuple[str, ...]]
    remove: str
    space: str

    @classmethod
    def from_yaml(cls, path: Path) -> NameRules:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            return cls(
                prefixes={lvl: tuple(data["prefixes"].get(lvl, [])) for lvl in LEVELS},
                remove=str(data.get("remove", "")),
                space=str(data.get("space", "")),
            )
        except (OSError, yaml.YAMLError, KeyError, AttributeError) as exc:
            raise ReferenceDataError(f"{path}: aturan nama tidak terbaca / unreadable: {exc}") from None

    def normalise(self, name: str, level: str) -> str:
        text = unicodedata.normalize("NFKC", str(name)).casefold()
        text = text.translate({ord(c): None for c in self.remove})
        text = text.translate({ord(c): " " for c in self.space})
        words = text.split()
        prefixes = self.prefixes.get(level, ())
        while len(words) > 1 and words[0] in prefixes:
            words = words[1:]
        return " ".join(words)


@dataclass
class LinkedRegions:
    """Per row: the reference code (or <NA>), how it was found, and why not."""

    code: pd.Series
    method: pd.Series
    problem: pd.Series


class RegionLinker:
    """Resolves region references within the instance's home region."""

    def __init__(self, index: RegionIndex, rules: NameRules, home_region: str) -> None:
        if home_region not in index.names:
            raise ReferenceDataError(
                f"wilayah asal {home_region} tidak ada dalam daftar kode / home_region "
                f"{home_region} is not in the region code list"
            )
        self.index = index
        self.rules = rules
        self.home = home_region
        self._parents_in: dict[tuple[str, str], set[str]] = {}

    @cached_property
    def _by_parent_and_name(self) -> dict[tuple[str, str], set[str]]:
        found: dict[tuple[str, str], set[str]] = defaultdict(set)
        columns = ["nama", "nama_2022", "nama_bps_2024", "nama_bps_2018"]
        frame = self.index.frame
        for row in frame.itertuples(index=False):
            for col in columns:
                name = getattr(row, col)
                if name:
                    found[(row.induk, self.rules.normalise(name, row.tingkat))].add(row.kode)
        return found

    def _candidates(self, scope: str, level: str, name: str) -> set[str]:
        """Codes at ``level`` named ``name`` anywhere within region ``scope``."""
        key = self.rules.normalise(name, level)
        if (scope, level) not in self._parents_in:
            self._parents_in[(scope, level)] = {
                self.index.parents[c] for c in self.index.descendants(scope, level)
            }
        parents = self._parents_in[(scope, level)]
        return {c for p in parents for c in self._by_parent_and_name.get((p, key), set())}

    def _scope_for(self, level: str) -> str:
        """Names are looked up within the home region, or its ancestors for higher levels."""
        rank = LEVELS.index(level)
        home_rank = LEVELS.index(self.index.levels[self.home])
        scope = self.home
        while home_rank >= rank and scope:
            scope = self.index.parents.get(scope, "")
            home_rank -= 1
        return scope

    def resolve_code(self, value: str, system: str, level: str) -> tuple[str | None, str | None]:
        text = re.sub(r"\s+", "", value)
        if system == "kemendagri":
            if "." not in text:
                if not text.isdigit() or len(text) != LEVEL_CODE_LENGTH[level]:
                    return None, (
                        f"kode Kemendagri {level} harus {LEVEL_CODE_LENGTH[level]} angka / a "
                        f"Kemendagri {level} code has {LEVEL_CODE_LENGTH[level]} digits"
                    )
                text = dot_code(text)
            if self.index.levels.get(text) != level:
                return None, (
                    f"kode Kemendagri {text} tidak ada pada tingkat {level} / no {level} "
                    "has this Kemendagri code (edition 2025)"
                )
            return text, None
        if not text.isdigit() or len(text) != LEVEL_BPS_LENGTH[level]:
            return None, (
                f"kode BPS {level} harus {LEVEL_BPS_LENGTH[level]} angka / a BPS {level} code "
                f"has {LEVEL_BPS_LENGTH[level]} digits"
            )
        code = self.index.bps_to_kemendagri.get(text)
        if code is None or self.index.levels.get(code) != level:
            return None, f"kode BPS {text} tidak dikenal / unknown BPS {level} code"
        return code, None

    def resolve_name(
        self, name: str, parent: str | None, level: str
    ) -> tuple[str | None, str | None]:
        if not name.strip():
            return None, "nama wilayah kosong / region name is empty"
        scope = self._scope_for(level)
        within = scope
        if parent is not None and level != "provinsi":
            parent_level = LEVELS[LEVELS.index(level) - 1]
            parent_code, problem = self.resolve_name(parent, None, parent_level)
            if parent_code is None:
                return None, f"induk / parent {parent!r}: {problem}"
            found = self._candidates(parent_code, level, name)
            if not found:
                elsewhere = self._candidates(scope, level, name)
                if elsewhere:
                    where = ", ".join(
                        f"{self.index.label(self.index.parents[c])} ({c})"
                        for c in sorted(elsewhere)
                    )
                    return None, (
                        f"{name!r} tidak ada di {self.index.label(parent_code)}; ada di {where} / "
                        f"not in that {parent_level}, but in {where}"
                    )
            within = parent_code
        else:
            found = self._candidates(scope, level, name)
        if len(found) == 1:
            return next(iter(found)), None
        if not found:
            return None, (
                f"nama {level} {name!r} tidak cocok dengan nama resmi / no official {level} "
                f"name matches within {self.index.label(within) if within else 'the code list'}; "
                "check the spelling or add the code"
            )
        options = ", ".join(f"{c} {self.index.label(c)}" for c in sorted(found))
        return None, (
            f"nama {name!r} ambigu / ambiguous: {options}; add the parent region column or the code"
        )

    def link(self, spec: RegionSpec, frame: pd.DataFrame, columns: dict[str, str]) -> LinkedRegions:
        """Link every row of ``frame``; ``columns`` maps spec roles to frame columns."""
        if spec.code is not None:
            keys = frame[columns["code"]].fillna("").astype(str)
            resolved = {
                k: self.resolve_code(k, spec.code.system, spec.level) for k in keys.unique()
            }
            method = METHOD_KEMENDAGRI if spec.code.system == "kemendagri" else METHOD_BPS
        else:
            assert spec.name is not None
            name = _column_or_value(frame, columns.get("name"), spec.name.value)
            parent = (
                _column_or_value(frame, columns.get("parent"), spec.parent.value)
                if spec.parent is not None
                else None
            )
            pairs = list(
                zip(name, parent if parent is not None else [None] * len(name), strict=True)
            )
            keys = pd.Series(pairs, index=frame.index, dtype="object")
            resolved = {
                (nm, p): self.resolve_name(nm, p, spec.level) for nm, p in dict.fromkeys(pairs)
            }
            method = METHOD_NAME
        code = keys.map({k: v[0] for k, v in resolved.items()}).astype("string")
        problem = keys.map({k: v[1] for k, v in resolved.items()}).astype("string")
        methods = pd.Series(method, index=frame.index, dtype="string").where(code.notna())
        return LinkedRegions(code=code, method=methods, problem=problem)


def _column_or_value(frame: pd.DataFrame, column: str | None, value: object) -> pd.Series:
    if column is not None:
        return frame[column].fillna("").astype(str)
    return pd.Series([str(value)] * len(frame), index=frame.index, dtype="object")
