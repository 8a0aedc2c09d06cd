"""Link agency region references (codes or names) to reference region codes, with evidence.

Methods, tried in this order, each recorded with a score (0-100) and the runner-up:

=================  ===========================================================
kode-kemendagri    a Kemendagri code, dotted or not, in the declared system
kode-bps           a BPS code through the BPS-Kemendagri crosswalk
kode-lama          a Kemendagri code that no longer exists, to the region it became
keputusan          a human decision in mappings/linking/aliases.yaml
nama-baku          the official name (2025 or 2022 decree, BPS spelling) after normalisation
riwayat-induk      the official name under the kecamatan the desa belonged to before
aturan-ejaan       the same spelling key (old spelling, vowel variants, spaces)
fuzzy              rapidfuzz similarity above a threshold and a margin over the runner-up
=================  ===========================================================

Names are looked up within the parent region when the table gives one, else
within the home region; a name that fits several regions, or none well enough,
is not linked but sent to review with its candidates. The code system is never
guessed from the digits. Each distinct reference is resolved once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz

from graph.errors import ReferenceDataError
from graph.link.names import Decisions, NameRules
from graph.read.mappings import RegionSpec
from graph.read.tables import ROW
from graph.reference.regions import LEVEL_BPS_LENGTH, LEVEL_CODE_LENGTH, LEVELS, RegionIndex, dot_code

__all__ = ["Candidate", "Link", "LinkedRegions", "NameRules", "RegionLinker", "ReviewItem"]

METHOD_KEMENDAGRI = "kode-kemendagri"
METHOD_BPS = "kode-bps"
METHOD_FORMER_CODE = "kode-lama"
METHOD_DECISION = "keputusan"
METHOD_NAME = "nama-baku"
METHOD_HISTORY = "riwayat-induk"
METHOD_SPELLING = "aturan-ejaan"
METHOD_FUZZY = "fuzzy"
_NAME_COLUMNS = ("nama", "nama_2022", "nama_bps_2024", "nama_bps_2018")


@dataclass(frozen=True)
class Candidate:
    code: str
    name: str
    score: float


@dataclass(frozen=True)
class Link:
    """How one reference was resolved, or why not (with the candidates to review)."""

    code: str | None
    method: str | None = None
    score: float = 0.0
    runner_up: str | None = None
    runner_up_score: float = 0.0
    decision: str | None = None
    problem: str | None = None
    candidates: tuple[Candidate, ...] = ()


@dataclass
class ReviewItem:
    """A distinct unlinked reference of a table, the rows that carry it, and candidates."""

    level: str
    name: str
    parent: str | None
    reason: str
    rows: list[int] = field(default_factory=list)
    candidates: tuple[Candidate, ...] = ()


@dataclass
class LinkedRegions:
    """Per row: the code (or <NA>), the method, score, runner-up and decision, or the problem."""

    code: pd.Series
    method: pd.Series
    score: pd.Series
    runner_up: pd.Series
    decision: pd.Series
    problem: pd.Series
    review: list[ReviewItem]


def similarity(a: str, b: str) -> float:
    """0-100: the better of whole-string (spaces ignored) and word-order-free similarity."""
    return max(fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")), fuzz.token_sort_ratio(a, b))


class RegionLinker:
    """Resolves region references within the instance's home region."""

    def __init__(
        self,
        index: RegionIndex,
        rules: NameRules,
        home_region: str,
        decisions: Decisions | None = None,
    ) -> None:
        if home_region not in index.names:
            raise ReferenceDataError(
                f"wilayah asal {home_region} tidak ada dalam daftar kode / home_region "
                f"{home_region} is not in the region code list"
            )
        self.index = index
        self.rules = rules
        self.home = home_region
        self.decisions = decisions or Decisions([], rules)
        self._parents_in: dict[tuple[str, str], frozenset[str]] = {}

    @classmethod
    def from_folders(cls, ontology: Path, mappings: Path, home_region: str) -> RegionLinker:
        """The linker of an instance: its code list, name rules and human decisions."""
        regions = RegionIndex.from_csv(ontology / "codes" / "wilayah_lampung.csv")
        rules = NameRules.from_yaml(mappings / "linking" / "name_rules.yaml")
        decisions = Decisions.from_yaml(mappings / "linking" / "aliases.yaml", rules, set(regions.names))
        return cls(regions, rules, home_region, decisions)

    def warm(self) -> RegionLinker:
        """Build the look-up tables now (before threads share the linker), not on first use."""
        # Reading each cached property builds it.
        _ = (self._names, self._by_name, self._by_spelling, self._by_compact, self._children)
        _ = (self._former_parent, self._former_code)
        for level in LEVELS:
            self.parents_in(self.home_scope(level), level)
        return self

    def names_of(self, code: str) -> list[str]:
        """A region's normalised names: official, 2022 decree and BPS spellings."""
        return self._names.get(code, [])

    # Indexes over the code list, built once.

    @cached_property
    def _names(self) -> dict[str, list[str]]:
        """Code -> its normalised names (official, 2022, BPS spellings)."""
        out: dict[str, list[str]] = {}
        for row in self.index.frame.itertuples(index=False):
            strip = row.tingkat in self.rules.strip_official
            names = {self.rules.normalise(getattr(row, c), row.tingkat, strip=strip) for c in _NAME_COLUMNS}
            out[row.kode] = sorted(n for n in names if n)
        return out

    @cached_property
    def _by_compact(self) -> dict[tuple[str, str], set[str]]:
        """Names with spaces removed: "Batu Raja" and "Baturaja" are two desa, not one."""
        found: dict[tuple[str, str], set[str]] = defaultdict(set)
        for code, names in self._names.items():
            for name in names:
                found[(self.index.parents[code], name.replace(" ", ""))].add(code)
        return found

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

    @cached_property
    def _by_name(self) -> dict[tuple[str, str], set[str]]:
        found: dict[tuple[str, str], set[str]] = defaultdict(set)
        for code, names in self._names.items():
            for name in names:
                found[(self.index.parents[code], name)].add(code)
        return found

    @cached_property
    def _by_spelling(self) -> dict[tuple[str, str], set[str]]:
        found: dict[tuple[str, str], set[str]] = defaultdict(set)
        for code, names in self._names.items():
            for name in names:
                found[(self.index.parents[code], self.rules.spelling_key(name))].add(code)
        return found

    @cached_property
    def _children(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = defaultdict(list)
        for code, parent in self.index.parents.items():
            out[parent].append(code)
        return out

    @cached_property
    def _former_code(self) -> dict[str, str]:
        """Former Kemendagri code -> the code the region has now (it moved)."""
        frame = self.index.frame
        if "kode_lama" not in frame.columns:
            return {}
        moved = frame[frame["kode_lama"] != ""]
        return dict(zip(moved["kode_lama"], moved["kode"], strict=True))

    @cached_property
    def _former_parent(self) -> dict[str, str]:
        """Current code -> the parent it had before it moved."""
        return {new: old.rsplit(".", 1)[0] for old, new in self._former_code.items()}

    def parents_in(self, scope: str, level: str) -> frozenset[str]:
        """Parents of the regions at ``level`` within ``scope`` ('' = everywhere)."""
        if (scope, level) not in self._parents_in:
            self._parents_in[(scope, level)] = frozenset(
                self.index.parents[c] for c in self.index.descendants(scope, level)
            )
        return self._parents_in[(scope, level)]

    def home_scope(self, level: str) -> str:
        """Names are looked up within the home region, or its ancestors for higher levels."""
        rank = LEVELS.index(level)
        home_rank = LEVELS.index(self.index.levels[self.home])
        scope = self.home
        while home_rank >= rank and scope:
            scope = self.index.parents.get(scope, "")
            home_rank -= 1
        return scope

    # Codes.

    def resolve_code(self, value: str, system: str, level: str) -> Link:
        text = re.sub(r"\s+", "", value)
        if system == "kemendagri":
            if "." not in text:
                if not text.isdigit() or len(text) != LEVEL_CODE_LENGTH[level]:
                    return Link(
                        None,
                        problem=(
                            f"kode Kemendagri {level} harus {LEVEL_CODE_LENGTH[level]} angka / a "
                            f"Kemendagri {level} code has {LEVEL_CODE_LENGTH[level]} digits"
                        ),
                    )
                text = dot_code(text)
            if self.index.levels.get(text) == level:
                return Link(text, METHOD_KEMENDAGRI, 100.0)
            if text in self._former_code:
                return Link(self._former_code[text], METHOD_FORMER_CODE, 100.0)
            return Link(
                None,
                problem=(
                    f"kode Kemendagri {text} tidak ada pada tingkat {level} / no {level} has this "
                    "Kemendagri code (edition 2025)"
                ),
            )
        if not text.isdigit() or len(text) != LEVEL_BPS_LENGTH[level]:
            return Link(
                None,
                problem=(
                    f"kode BPS {level} harus {LEVEL_BPS_LENGTH[level]} angka / a BPS {level} code "
                    f"has {LEVEL_BPS_LENGTH[level]} digits"
                ),
            )
        code = self.index.bps_to_kemendagri.get(text)
        if code is None or self.index.levels.get(code) != level:
            return Link(None, problem=f"kode BPS {text} tidak dikenal / unknown BPS {level} code")
        return Link(code, METHOD_BPS, 100.0)

    # Names.

    def rank(self, name: str, level: str, parents: frozenset[str]) -> list[Candidate]:
        """Regions at ``level`` under ``parents``, most similar to ``name`` first."""
        forms = self.query_forms(name, level)
        ranked = []
        for parent in parents:
            for code in self._children.get(parent, []):
                if self.index.levels[code] != level:
                    continue
                score = max((similarity(f, n) for f in forms for n in self._names[code]), default=0.0)
                ranked.append(Candidate(code, self.index.label(code), round(score, 1)))
        ranked.sort(key=lambda c: (-c.score, c.code))
        return ranked

    def resolve_name(self, name: str, parent: str | None, level: str) -> Link:
        if not name.strip():
            return Link(None, problem="nama wilayah kosong / region name is empty")
        scope = self.home_scope(level)
        parent_code: str | None = None
        if parent is not None and parent.strip() and level != "provinsi":
            parent_level = LEVELS[LEVELS.index(level) - 1]
            parent_link = self.resolve_name(parent, None, parent_level)
            if parent_link.code is None:
                return Link(
                    None,
                    problem=f"induk / parent {parent!r}: {parent_link.problem}",
                    candidates=tuple(self.rank(name, level, self.parents_in(scope, level))[:3]),
                )
            parent_code = parent_link.code
        decision = self.decisions.find(name, parent, level)
        if decision is not None:
            return Link(decision.code, METHOD_DECISION, 100.0, decision=decision.key)

        parents = frozenset({parent_code}) if parent_code else self.parents_in(scope, level)
        forms = self.query_forms(name, level)
        norm = forms[-1]
        ranked = self.rank(name, level, parents)

        def runner_up(code: str) -> tuple[str | None, float]:
            other = next((c for c in ranked if c.code != code), None)
            return (other.code, other.score) if other else (None, 0.0)

        def ambiguous(codes: set[str], score: float) -> Link:
            options = tuple(Candidate(c, self.index.label(c), score) for c in sorted(codes))
            where = ", ".join(f"{c.code} {c.name}" for c in options)
            return Link(
                None,
                problem=(
                    f"nama {name!r} ambigu / ambiguous: {where}; add the parent region column or the code"
                ),
                candidates=options,
            )

        exact: set[str] = set()
        for form in forms:
            exact = set().union(*(self._by_name.get((p, form), set()) for p in parents))
            if exact:
                norm = form
                break
        if exact:
            # Names equal but for spaces are different regions: never pick one silently.
            compact = set().union(*(self._by_compact.get((p, norm.replace(" ", "")), set()) for p in parents))
            if len(exact | compact) > 1:
                return ambiguous(exact | compact, 100.0)
            code = next(iter(exact))
            return Link(code, METHOD_NAME, 100.0, *runner_up(code))

        if parent_code is not None:
            # A desa that belonged to this kecamatan before a decree moved it.
            moved = {
                c
                for p in self.parents_in(scope, level)
                for c in self._by_name.get((p, norm), set())
                if self._former_parent.get(c) == parent_code
            }
            if len(moved) == 1:
                code = next(iter(moved))
                return Link(code, METHOD_HISTORY, 100.0, *runner_up(code))

        numbers = _numerals(norm)

        def same_numbers(code: str) -> bool:
            # "Karang Rejo II" is not "Karang Rejo": a differing number is never a spelling slip.
            return any(_numerals(n) == numbers for n in self._names[code])

        for form in forms:
            key = self.rules.spelling_key(form)
            spelled = set().union(*(self._by_spelling.get((p, key), set()) for p in parents))
            if spelled:
                break
        if len(spelled) == 1:
            code = next(iter(spelled))
            score = next((c.score for c in ranked if c.code == code), 0.0)
            if score >= self.rules.spelling_min_score and same_numbers(code):
                return Link(code, METHOD_SPELLING, score, *runner_up(code))

        if ranked:
            best = ranked[0]
            second = ranked[1].score if len(ranked) > 1 else 0.0
            if (
                best.score >= self.rules.fuzzy_threshold
                and best.score - second >= self.rules.fuzzy_margin
                and same_numbers(best.code)
            ):
                return Link(best.code, METHOD_FUZZY, best.score, *runner_up(best.code))

        if parent_code is not None:
            elsewhere = {
                c for p in self.parents_in(scope, level) for c in self._by_name.get((p, norm), set())
            }
            if elsewhere:
                options = tuple(Candidate(c, self.index.label(c), 100.0) for c in sorted(elsewhere))
                where = ", ".join(
                    f"{self.index.label(self.index.parents[c.code])} ({c.code})" for c in options
                )
                parent_level = LEVELS[LEVELS.index(level) - 1]
                return Link(
                    None,
                    problem=(
                        f"{name!r} tidak ada di {self.index.label(parent_code)}; ada di {where} / not in "
                        f"that {parent_level}, but in {where}"
                    ),
                    candidates=options,
                )
        within = parent_code or scope
        return Link(
            None,
            problem=(
                f"nama {level} {name!r} tidak cocok dengan nama resmi / no official {level} name "
                f"matches within {self.index.label(within) if within else 'the code list'}"
                + (f"; closest: {ranked[0].name} ({ranked[0].code}, {ranked[0].score:.0f})" if ranked else "")
            ),
            candidates=tuple(ranked[:3]),
        )

    # Whole columns.

    def link(self, spec: RegionSpec, frame: pd.DataFrame, columns: dict[str, str]) -> LinkedRegions:
        """Link every row of ``frame``; ``columns`` maps spec roles to frame columns."""
        if spec.code is not None:
            keys = frame[columns["code"]].fillna("").astype(str)
            system = spec.code.system
            resolved = {k: self.resolve_code(k, system, spec.level) for k in keys.unique()}
            shown = {k: (k, None) for k in resolved}
        else:
            assert spec.name is not None
            name = _column_or_value(frame, columns.get("name"), spec.name.value)
            parent = (
                _column_or_value(frame, columns.get("parent"), spec.parent.value)
                if spec.parent is not None
                else None
            )
            pairs = list(zip(name, parent if parent is not None else [None] * len(name), strict=True))
            keys = pd.Series(pairs, index=frame.index, dtype="object")
            resolved = {(n, p): self.resolve_name(n, p, spec.level) for n, p in dict.fromkeys(pairs)}
            shown = {k: k for k in resolved}

        def column(get: object, dtype: str) -> pd.Series:
            values = {k: get(v) for k, v in resolved.items()}  # type: ignore[operator]
            return keys.map(values).astype(dtype)

        unlinked = {k for k, v in resolved.items() if v.code is None}
        rows_of: dict[object, list[int]] = defaultdict(list)
        if unlinked and ROW in frame:
            for key, row in zip(keys, frame[ROW], strict=True):
                if key in unlinked:
                    rows_of[key].append(int(row))
        review = []
        for key in unlinked:
            link = resolved[key]
            n, p = shown[key]
            review.append(
                ReviewItem(
                    level=spec.level,
                    name=str(n),
                    parent=p,
                    reason=str(link.problem),
                    rows=rows_of[key],
                    candidates=link.candidates,
                )
            )
        review.sort(key=lambda item: item.rows[:1])
        return LinkedRegions(
            code=column(lambda v: v.code, "string"),
            method=column(lambda v: v.method, "string"),
            score=column(lambda v: v.score if v.code else None, "Float64"),
            runner_up=column(lambda v: v.runner_up, "string"),
            decision=column(lambda v: v.decision, "string"),
            problem=column(lambda v: v.problem, "string"),
            review=review,
        )


_ROMAN = {"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"}


def _numerals(name: str) -> set[str]:
    return {w for w in name.split() if w.isdigit() or w in _ROMAN}


def _column_or_value(frame: pd.DataFrame, column: str | None, value: object) -> pd.Series:
    if column is not None:
        return frame[column].fillna("").astype(str)
    return pd.Series([str(value)] * len(frame), index=frame.index, dtype="object")
