"""The code list's region names, normalised and indexed for the linker's look-ups.

Each region has several names (the 2025 and 2022 decrees, the BPS spellings); the linker
looks a name up under a set of parents by its normalised form, its form without spaces and
its spelling key, ranks the regions under those parents by similarity, and follows regions
that moved to their former parent or code. These indexes are built once per code list
(``warm`` builds them before threads share them) and hold no rule about which match wins:
that is ``graph.link.regions.RegionLinker``'s.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from functools import cached_property
from typing import Any

from graph.link.links import Candidate, similarity
from graph.link.names import NameRules
from graph.reference.regions import LEVELS, RegionIndex

__all__ = ["RegionNames"]

_NAME_COLUMNS = ("nama", "nama_2022", "nama_bps_2024", "nama_bps_2018")
_DECREE = ("nama", "nama_2022")

# (parent code, key) -> the codes of the regions under that parent with that key.
NameIndex = dict[tuple[str, str], set[str]]


class RegionNames:
    """Look-ups over the names of a region code list."""

    def __init__(self, index: RegionIndex, rules: NameRules) -> None:
        self.index = index
        self.rules = rules
        self._parents_in: dict[tuple[str, str], frozenset[str]] = {}

    def warm(self, scopes: dict[str, str]) -> None:
        """Build every index now, and the parents within ``scopes`` (level -> scope)."""
        # Reading each cached property builds it.
        _ = (self.names, self.by_name, self.by_spelling, self.by_compact, self.children)
        _ = (self.former_parent, self.former_code, self.decree_names)
        for level in LEVELS:
            self.parents_in(scopes[level], level)

    def names_of(self, code: str) -> list[str]:
        """A region's normalised names: official, 2022 decree and BPS spellings."""
        return self.names.get(code, [])

    @cached_property
    def names(self) -> dict[str, list[str]]:
        """Code -> its normalised names (official, 2022, BPS spellings)."""
        out: dict[str, list[str]] = {}
        row: Any  # a named tuple of the code list's columns (all text)
        for row in self.index.frame.itertuples(index=False):
            strip = row.tingkat in self.rules.strip_official
            names = {self.rules.normalise(getattr(row, c), row.tingkat, strip=strip) for c in _NAME_COLUMNS}
            out[row.kode] = sorted(n for n in names if n)
        return out

    @cached_property
    def decree_names(self) -> dict[str, set[str]]:
        """Code -> its normalised names in the Kemendagri decrees (2025, 2022), not BPS spellings."""
        out: dict[str, set[str]] = {}
        row: Any
        for row in self.index.frame.itertuples(index=False):
            strip = row.tingkat in self.rules.strip_official
            names = {self.rules.normalise(getattr(row, c), row.tingkat, strip=strip) for c in _DECREE}
            out[row.kode] = {n for n in names if n}
        return out

    def decree_named(self, forms: list[str], parents: frozenset[str]) -> set[str]:
        """The regions under ``parents`` that a decree names by one of ``forms``."""
        found = set().union(*(self.codes(self.by_name, parents, form) for form in forms))
        return {code for code in found if self.decree_names[code] & set(forms)}

    def _indexed(self, key_of: Callable[[str], str]) -> NameIndex:
        found: NameIndex = defaultdict(set)
        for code, names in self.names.items():
            for name in names:
                found[(self.index.parents[code], key_of(name))].add(code)
        return found

    @cached_property
    def by_name(self) -> NameIndex:
        return self._indexed(lambda name: name)

    @cached_property
    def by_compact(self) -> NameIndex:
        """Names with spaces removed: "Batu Raja" and "Baturaja" are two desa, not one."""
        return self._indexed(lambda name: name.replace(" ", ""))

    @cached_property
    def by_spelling(self) -> NameIndex:
        return self._indexed(self.rules.spelling_key)

    @staticmethod
    def codes(index: NameIndex, parents: frozenset[str], key: str) -> set[str]:
        """The codes ``index`` holds for ``key`` under any of ``parents``."""
        return set().union(*(index.get((p, key), set()) for p in parents))

    @cached_property
    def children(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for code, parent in self.index.parents.items():
            out[parent].append(code)
        return out

    @cached_property
    def former_code(self) -> dict[str, str]:
        """Former Kemendagri code -> the code the region has now (it moved)."""
        frame = self.index.frame
        if "kode_lama" not in frame.columns:
            return {}
        moved = frame[frame["kode_lama"] != ""]
        return dict(zip(moved["kode_lama"], moved["kode"], strict=True))

    @cached_property
    def former_parent(self) -> dict[str, str]:
        """Current code -> the parent it had before it moved."""
        return {new: old.rsplit(".", 1)[0] for old, new in self.former_code.items()}

    def parents_in(self, scope: str, level: str) -> frozenset[str]:
        """Parents of the regions at ``level`` within ``scope`` ('' = everywhere)."""
        if (scope, level) not in self._parents_in:
            self._parents_in[(scope, level)] = frozenset(
                self.index.parents[c] for c in self.index.descendants(scope, level)
            )
        return self._parents_in[(scope, level)]

    def query_forms(self, name: str, level: str) -> list[str]:
        """The name as written, then less one leading prefix, then less all of them.

        "Desa Kampung Baru" is tried as itself, as "kampung baru" (an official name) and
        as "baru".
        """
        whole = self.rules.normalise(name, level, strip=False)
        words = whole.split()
        one_less = (
            " ".join(words[1:]) if len(words) > 1 and words[0] in self.rules.prefixes.get(level, ()) else ""
        )
        forms = [whole, one_less, self.rules.normalise(name, level)]
        return list(dict.fromkeys(f for f in forms if f))

    def rank(self, name: str, level: str, parents: frozenset[str]) -> list[Candidate]:
        """Regions at ``level`` under ``parents``, most similar to ``name`` first."""
        forms = self.query_forms(name, level)
        ranked = []
        for parent in parents:
            for code in self.children.get(parent, []):
                if self.index.levels[code] != level:
                    continue
                score = max((similarity(f, n) for f in forms for n in self.names[code]), default=0.0)
                ranked.append(Candidate(code, self.index.label(code), round(score, 1)))
        ranked.sort(key=lambda c: (-c.score, c.code))
        return ranked
