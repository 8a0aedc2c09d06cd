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

A *total row* ("JUMLAH", "TOTAL", or the name of a region above the column's level, such
as "Kabupaten X" or "Kecamatan Y" in a desa column) is not a region of its
level: it is called a total row, never linked, and never sent to review with candidates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from graph.errors import ReferenceDataError
from graph.link.links import Candidate, Link, LinkedRegions
from graph.link.names import Decisions, NameRules
from graph.link.region_columns import link_columns
from graph.link.region_names import RegionNames
from graph.read.mappings import RegionSpec
from graph.reference.regions import LEVEL_BPS_LENGTH, LEVEL_CODE_LENGTH, LEVELS, RegionIndex, dot_code

__all__ = ["RegionLinker"]

METHOD_KEMENDAGRI = "kode-kemendagri"
METHOD_BPS = "kode-bps"
METHOD_FORMER_CODE = "kode-lama"
METHOD_DECISION = "keputusan"
METHOD_NAME = "nama-baku"
METHOD_HISTORY = "riwayat-induk"
METHOD_SPELLING = "aturan-ejaan"
METHOD_FUZZY = "fuzzy"


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
        self.names = RegionNames(index, rules)

    @classmethod
    def from_folders(cls, ontology: Path, mappings: Path, home_region: str) -> RegionLinker:
        """The linker of an instance: its code list, name rules and human decisions."""
        regions = RegionIndex.from_csv(ontology / "codes" / "wilayah_lampung.csv")
        rules = NameRules.of_mappings(mappings)
        decisions = Decisions.of_mappings(mappings, rules, set(regions.names))
        return cls(regions, rules, home_region, decisions)

    def warm(self) -> RegionLinker:
        """Build the look-up tables now (before threads share the linker), not on first use."""
        self.names.warm({level: self.home_scope(level) for level in LEVELS})
        return self

    def names_of(self, code: str) -> list[str]:
        """A region's normalised names: official, 2022 decree and BPS spellings."""
        return self.names.names_of(code)

    def query_forms(self, name: str, level: str) -> list[str]:
        """The forms a name is looked up in (``RegionNames.query_forms``)."""
        return self.names.query_forms(name, level)

    def parents_in(self, scope: str, level: str) -> frozenset[str]:
        """Parents of the regions at ``level`` within ``scope`` ('' = everywhere)."""
        return self.names.parents_in(scope, level)

    def rank(self, name: str, level: str, parents: frozenset[str]) -> list[Candidate]:
        """Regions at ``level`` under ``parents``, most similar to ``name`` first."""
        return self.names.rank(name, level, parents)

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
        if not text:
            return Link(
                None,
                problem=(
                    "sel kode wilayah kosong; bila baris seperti ini bukan data (catatan, baris "
                    "lanjutan), buang dengan source.drop_rows {column: ..., blank: true} / the region "
                    "code cell is blank; if such rows are not data (notes, continuation rows), drop "
                    "them with source.drop_rows {column: ..., blank: true}"
                ),
            )
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
            if text in self.names.former_code:
                return Link(self.names.former_code[text], METHOD_FORMER_CODE, 100.0)
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

    def resolve_name(self, name: str, parent: str | None, level: str) -> Link:
        """The region at ``level`` named ``name`` (within the ``parent`` named, if any).

        The methods are tried in the order of the module's table; the first that links
        wins, and when none does the link carries the problem and the candidates.
        """
        if not self.query_forms(name, level):  # blank, or only punctuation ("-", "."): nothing to look up
            return Link(None, problem="nama wilayah kosong / region name is empty")
        if self.rules.starts_a_total(name, level):
            return self.total_link(name, level, None)
        scope = self.home_scope(level)
        parent_code: str | None = None
        if parent is not None and parent.strip() and level != "provinsi":
            parent_link = self.resolve_name(parent, None, _parent_level(level))
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
        query = _NameQuery(
            name, level, scope, parent_code, parents, forms, forms[-1], self.rank(name, level, parents)
        )
        # A kabupaten's name or "Kecamatan Way Lima" in a desa column names a region above: it is
        # that region's total, never a desa whose name merely resembles it (the BPS spells
        # a desa by the bare kabupaten name). Only a desa the decree itself names so is that desa.
        above = (
            None
            if self.names.decree_named(query.forms, self.parents_in(scope, level))
            else (self._region_above(name, level))
        )
        methods = (self._official_name, self._former_parent, self._spelling_rule, self._fuzzy_match)
        for method in methods:
            link = method(query)
            if link is not None:
                return link if above is None else self._named_above(query, above, link)
        if above is not None:
            return self.total_link(name, level, above)
        return self._unlinked(query)

    def _named_above(self, query: _NameQuery, above: str, link: Link) -> Link:
        """A name of a region above that also resembles a region of the query's level.

        Two levels up (a kabupaten's name in a desa column) it is a total. One level up ("Gedong
        Tataan" in the desa column of Kecamatan Gedong Tataan, beside the desa Gedung Tataan)
        it may be either: never guessed, the row goes to review with both readings.
        """
        if link.code is None or self.index.levels[above] != _parent_level(query.level):
            return self.total_link(query.name, query.level, above)
        label, other = self.index.label(above), self.index.label(link.code)
        return Link(
            None,
            problem=(
                f"{query.name.strip()!r} adalah nama {_parent_level(query.level)} {label} ({above}); bila "
                f"yang dimaksud {query.level} {other} ({link.code}), catat keputusan di "
                f"mappings/linking/aliases.yaml / {query.name.strip()!r} is the name of the "
                f"{_parent_level(query.level)} {label}; if the row is the {query.level} {other}, record "
                "the decision in mappings/linking/aliases.yaml"
            ),
            candidates=(Candidate(link.code, other, link.score),),
        )

    def _region_above(self, name: str, level: str) -> str | None:
        """The region above ``level`` that ``name`` names by its official name, if any."""
        for higher in LEVELS[: LEVELS.index(level)]:
            link = self.resolve_name(name, None, higher)
            if link.code is not None and link.method in (METHOD_NAME, METHOD_DECISION):
                return link.code
        return None

    def total_link(self, name: str, level: str, above: str | None = None) -> Link:
        """The link of a total row: no code, no candidates, a problem that calls it so."""
        written = name.strip()
        of_id = f" {self.index.label(above)} ({above})" if above else ""
        of_en = f" of {self.index.label(above)} ({above})" if above else ""
        return Link(
            None,
            problem=f"baris total{of_id} ({written!r}), bukan {level}: tidak dimuat / a total row{of_en} "
            f"({written!r}), not a {level}: not loaded",
            total=True,
        )

    def total_row(self, name: str, level: str) -> Link | None:
        """The link of a total row when a row naming ``name`` in a column of ``level`` regions is one."""
        if self.rules.starts_a_total(name, level):
            return self.total_link(name, level, None)
        link = self.resolve_name(name, None, level)
        return link if link.total else None

    def _official_name(self, query: _NameQuery) -> Link | None:
        """nama-baku: the name, less one or all prefixes, is an official name of one region."""
        for form in query.forms:
            exact = self.names.codes(self.names.by_name, query.parents, form)
            if exact:
                break
        else:
            return None
        # Names equal but for spaces are different regions: never pick one silently.
        compact = self.names.codes(self.names.by_compact, query.parents, form.replace(" ", ""))
        if len(exact | compact) > 1:
            options = tuple(Candidate(c, self.index.label(c), 100.0) for c in sorted(exact | compact))
            where = ", ".join(f"{c.code} {c.name}" for c in options)
            return Link(
                None,
                problem=(
                    f"nama {query.name!r} ambigu / ambiguous: {where}; add the parent region column or "
                    "the code"
                ),
                candidates=options,
            )
        return query.linked(next(iter(exact)), METHOD_NAME, 100.0)

    def _former_parent(self, query: _NameQuery) -> Link | None:
        """riwayat-induk: a desa that belonged to the given kecamatan before a decree moved it."""
        if query.parent_code is None:
            return None
        moved = {
            c
            for c in self.names.codes(
                self.names.by_name, self.parents_in(query.scope, query.level), query.norm
            )
            if self.names.former_parent.get(c) == query.parent_code
        }
        if len(moved) != 1:
            return None
        return query.linked(next(iter(moved)), METHOD_HISTORY, 100.0)

    def _spelling_rule(self, query: _NameQuery) -> Link | None:
        """aturan-ejaan: one region shares the name's spelling key and is similar enough."""
        spelled: set[str] = set()
        for form in query.forms:
            spelled = self.names.codes(self.names.by_spelling, query.parents, self.rules.spelling_key(form))
            if spelled:
                break
        if len(spelled) != 1:
            return None
        code = next(iter(spelled))
        score = next((c.score for c in query.ranked if c.code == code), 0.0)
        if score >= self.rules.spelling_min_score and self._same_numbers(code, query.norm):
            return query.linked(code, METHOD_SPELLING, score)
        return None

    def _fuzzy_match(self, query: _NameQuery) -> Link | None:
        """fuzzy: the most similar region, above the threshold and by a margin over the next."""
        if not query.ranked:
            return None
        best = query.ranked[0]
        second = query.ranked[1].score if len(query.ranked) > 1 else 0.0
        if (
            best.score >= self.rules.fuzzy_threshold
            and best.score - second >= self.rules.fuzzy_margin
            and self._same_numbers(best.code, query.norm)
        ):
            return query.linked(best.code, METHOD_FUZZY, best.score)
        return None

    def _same_numbers(self, code: str, norm: str) -> bool:
        """Whether a name of ``code`` has the numbers of ``norm``.

        "Karang Rejo II" is not "Karang Rejo": a differing number is never a spelling slip.
        """
        numbers = _numerals(norm)
        return any(_numerals(n) == numbers for n in self.names.names[code])

    def _unlinked(self, query: _NameQuery) -> Link:
        """No method linked the name: where it is instead, or the closest regions."""
        if query.parent_code is not None:
            elsewhere = self.names.codes(
                self.names.by_name, self.parents_in(query.scope, query.level), query.norm
            )
            if elsewhere:
                options = tuple(Candidate(c, self.index.label(c), 100.0) for c in sorted(elsewhere))
                where = ", ".join(
                    f"{self.index.label(self.index.parents[c.code])} ({c.code})" for c in options
                )
                return Link(
                    None,
                    problem=(
                        f"{query.name!r} tidak ada di {self.index.label(query.parent_code)}; ada di "
                        f"{where} / not in that {_parent_level(query.level)}, but in {where}"
                    ),
                    candidates=options,
                )
        level, ranked = query.level, query.ranked
        within = query.parent_code or query.scope
        return Link(
            None,
            problem=(
                f"nama {level} {query.name!r} tidak cocok dengan nama resmi / no official {level} name "
                f"matches within {self.index.label(within) if within else 'the code list'}"
                + (f"; closest: {ranked[0].name} ({ranked[0].code}, {ranked[0].score:.0f})" if ranked else "")
            ),
            candidates=tuple(ranked[:3]),
        )

    # Whole columns, and what needs more than one cell.

    def link(self, spec: RegionSpec, frame: pd.DataFrame, columns: dict[str, str]) -> LinkedRegions:
        """Link every row of ``frame``; ``columns`` maps spec roles to frame columns."""
        return link_columns(self, spec, frame, columns)

    def within(self, code: str, scope: str) -> bool:
        """Whether region ``code`` is ``scope`` or lies inside it."""
        while code:
            if code == scope:
                return True
            code = self.index.parents.get(code, "")
        return False

    def names_agree(self, code: str, name: str, level: str) -> bool:
        """Whether ``name``, as a table writes it beside ``code``, can be that region's name.

        The code wins when both are given, so the name is only a check: any of the
        region's official names, its spelling key, or a similarity at the fuzzy threshold
        among its siblings agrees; another region's name does not.
        """
        forms = self.query_forms(name, level)
        if not forms:
            return True  # only punctuation: nothing to compare
        own = set(self.names_of(code))
        if own & set(forms):
            return True
        keys = {self.rules.spelling_key(n) for n in own}
        if any(self.rules.spelling_key(f) in keys for f in forms):
            return True
        siblings = frozenset({self.index.parents.get(code, "")})
        ranked = self.rank(name, level, siblings)
        score = next((c.score for c in ranked if c.code == code), 0.0)
        return bool(ranked) and ranked[0].code == code and score >= self.rules.fuzzy_threshold


@dataclass(frozen=True)
class _NameQuery:
    """One name to resolve at one level: where it is looked up and how the regions there rank."""

    name: str
    level: str
    scope: str  # the home region (or its ancestor) the name is looked up in
    parent_code: str | None  # the parent the table names, linked
    parents: frozenset[str]  # the parents whose children may carry the name
    forms: list[str]  # as written, less one prefix, less all (``RegionLinker.query_forms``)
    norm: str  # the last form: the name less all prefixes
    ranked: list[Candidate]  # the regions under ``parents``, most similar first

    def linked(self, code: str, method: str, score: float) -> Link:
        """A link to ``code``, with the best other region as its runner-up."""
        other = next((c for c in self.ranked if c.code != code), None)
        return Link(code, method, score, *((other.code, other.score) if other else (None, 0.0)))


def _parent_level(level: str) -> str:
    """The level above ``level``.

    >>> _parent_level("desa")
    'kecamatan'
    """
    return LEVELS[LEVELS.index(level) - 1]


_ROMAN = {"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"}


def _numerals(name: str) -> set[str]:
    return {w for w in name.split() if w.isdigit() or w in _ROMAN}
