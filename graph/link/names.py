"""Name rules and human decisions for linking, read from ``mappings/linking/``.

Both are data: ``name_rules.yaml`` holds the normalisation, spelling and fuzzy
settings; ``aliases.yaml`` holds the Walidata's decisions (variant -> code, who,
when). Code here only applies them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from graph.errors import MappingError, ReferenceDataError

__all__ = ["Decision", "Decisions", "NameRules"]

LEVELS = ("provinsi", "kabupaten", "kecamatan", "desa")
TERM = "term"  # the rules' "level" for agency and indicator names
# Beside aliases.yaml: the decisions taken on the pages (graph.link.page_decisions writes it).
PAGE_DECISIONS = "keputusan-halaman.yaml"
# First words (normalised) of a row that totals the others in an agency's table.
_TOTAL_WORDS = frozenset({"jumlah", "jml", "total", "subtotal", "rekapitulasi", "rekap", "grand"})


@dataclass(frozen=True)
class NameRules:
    """Normalisation, spelling-key and fuzzy-matching rules."""

    prefixes: dict[str, tuple[str, ...]]
    remove: str
    space: str
    spelling: tuple[tuple[re.Pattern[str], str], ...] = ()
    term_suffixes: tuple[re.Pattern[str], ...] = ()
    # Levels whose official names carry a designation to strip ("Kabupaten Tanggamus");
    # elsewhere a leading word is part of the name ("Kampung Baru", "Pekon Ampai").
    strip_official: tuple[str, ...] = ("provinsi", "kabupaten")
    spelling_min_score: float = 70.0
    fuzzy_threshold: float = 86.0
    fuzzy_margin: float = 6.0

    @classmethod
    def of_mappings(cls, mappings: Path) -> NameRules:
        """The rules of an instance: ``linking/name_rules.yaml`` under its mappings folder."""
        return cls.from_yaml(mappings / "linking" / "name_rules.yaml")

    @classmethod
    def from_yaml(cls, path: Path) -> NameRules:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            fuzzy = data.get("fuzzy", {})
            return cls(
                prefixes={lvl: tuple(data["prefixes"].get(lvl, [])) for lvl in (*LEVELS, TERM)},
                remove=str(data.get("remove", "")),
                space=str(data.get("space", "")),
                spelling=tuple(
                    (re.compile(pattern), replacement) for pattern, replacement in data.get("spelling", [])
                ),
                term_suffixes=tuple(re.compile(p) for p in data.get("term_suffixes", [])),
                strip_official=tuple(data.get("strip_official", ["provinsi", "kabupaten"])),
                spelling_min_score=float(data.get("spelling_min_score", 70)),
                fuzzy_threshold=float(fuzzy.get("threshold", 86)),
                fuzzy_margin=float(fuzzy.get("margin", 6)),
            )
        except (OSError, yaml.YAMLError, KeyError, AttributeError, TypeError, re.error) as exc:
            raise ReferenceDataError(f"{path}: aturan nama tidak terbaca / unreadable: {exc}") from None

    def normalise(self, name: str, level: str, *, strip: bool = True) -> str:
        """Lower case, punctuation (and, with ``strip``, level prefixes) removed, spaces collapsed."""
        text = unicodedata.normalize("NFKC", str(name)).casefold()
        text = text.translate({ord(c): None for c in self.remove})
        text = text.translate({ord(c): " " for c in self.space})
        words = text.split()
        prefixes = self.prefixes.get(level, ()) if strip else ()
        while len(words) > 1 and words[0] in prefixes:
            words = words[1:]
        text = " ".join(words)
        if level == TERM:
            for pattern in self.term_suffixes:
                shorter = pattern.sub("", text)
                text = shorter or text
        return text

    def starts_a_total(self, name: str, level: str) -> bool:
        """Whether ``name`` opens as a row that totals others does ("JUMLAH", "Total Kec. X").

        >>> rules = NameRules({}, "", ".")
        >>> rules.starts_a_total("JUMLAH", "desa"), rules.starts_a_total("Sub Total", "desa")
        (True, True)
        >>> rules.starts_a_total("Jati Baru", "desa")
        False
        """
        words = self.normalise(name, level, strip=False).split()
        return bool(words) and (words[0] in _TOTAL_WORDS or words[:2] == ["sub", "total"])

    def spelling_key(self, normalised: str) -> str:
        """A key that spelling variants of one name share (old spelling, vowels, spaces)."""
        key = normalised
        for pattern, replacement in self.spelling:
            key = pattern.sub(replacement, key)
        return key


@dataclass(frozen=True)
class Decision:
    """One human decision: this variant (under this parent) means this region."""

    variant: str
    level: str
    parent: str | None
    code: str
    decided_by: str
    decided_on: dt.date
    note: str = ""

    @property
    def key(self) -> str:
        """Stable identifier of the decision (its IRI is minted from it)."""
        text = "|".join([self.level, self.variant, self.parent or "", self.code])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class Decisions:
    """The curated alias file, looked up by normalised variant and parent."""

    def __init__(self, decisions: list[Decision], rules: NameRules) -> None:
        self.items = decisions
        self._index: dict[tuple[str, str, str], Decision] = {}
        for d in decisions:
            parent = rules.normalise(d.parent, _parent_level(d.level)) if d.parent else ""
            self._index[(d.level, rules.normalise(d.variant, d.level), parent)] = d
        self.rules = rules

    @classmethod
    def from_yaml(cls, path: Path, rules: NameRules, known_codes: set[str]) -> Decisions:
        """Read the alias file; a malformed entry or an unknown code is a MappingError."""
        if not path.exists():
            return cls([], rules)
        try:
            data: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise MappingError(f"YAML tidak valid / invalid YAML: {exc}", file=path) from None
        decisions = []
        for i, entry in enumerate(data.get("decisions") or []):
            try:
                decision = Decision(
                    variant=str(entry["variant"]),
                    level=str(entry["level"]),
                    parent=str(entry["parent"]) if entry.get("parent") else None,
                    code=str(entry["code"]),
                    decided_by=str(entry["decided_by"]),
                    decided_on=_date(entry["decided_on"]),
                    note=str(entry.get("note", "")),
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise MappingError(
                    f"keputusan ke-{i + 1} tidak lengkap / decision {i + 1} is incomplete ({exc}); "
                    "each needs variant, level, code, decided_by and decided_on",
                    file=path,
                ) from None
            if decision.level not in LEVELS:
                raise MappingError(f"decision {i + 1}: unknown level {decision.level!r}", file=path)
            if decision.code not in known_codes:
                raise MappingError(
                    f"keputusan ke-{i + 1}: kode {decision.code} tidak ada / decision {i + 1}: "
                    f"code {decision.code} is not in the region code list",
                    file=path,
                )
            decisions.append(decision)
        return cls(decisions, rules)

    @classmethod
    def of_mappings(cls, mappings: Path, rules: NameRules, known_codes: set[str]) -> Decisions:
        """An instance's decisions: ``linking/aliases.yaml`` and the decisions taken on the
        pages beside it (``graph.link.page_decisions``); the hand-kept file wins a name both decide."""
        linking = mappings / "linking"
        pages = cls.from_yaml(linking / PAGE_DECISIONS, rules, known_codes)
        kept = cls.from_yaml(linking / "aliases.yaml", rules, known_codes)
        return cls(pages.items + kept.items, rules)

    def find(self, name: str, parent: str | None, level: str) -> Decision | None:
        key = self.rules.normalise(name, level)
        if parent:
            found = self._index.get((level, key, self.rules.normalise(parent, _parent_level(level))))
            if found:
                return found
        return self._index.get((level, key, ""))


def _parent_level(level: str) -> str:
    return LEVELS[max(LEVELS.index(level) - 1, 0)]


def _date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
