"""Benchmark: how accurately region names and codes written by agencies are linked.

Generates messy variants of the 148 Pesawaran desa (18.09.*.*) and 11 kecamatan names
and codes, seeded, of every kind agencies are known to write (see
/work/shared/reference/SOURCES.md and /work/shared/samples/SOURCES.md): case, spaces,
level prefixes, stray punctuation, pre-1972 spelling, vowel variants, one-letter typos,
the real variant pairs seen in agency tables, the BPS-2018 and 2022 spellings, and codes
(dotted and undotted Kemendagri, BPS, including the 251 Lampung digit strings that are a
Kemendagri code of one desa and the BPS code of another). Names are tried with their
kecamatan (spelled correctly or itself messy) and without. Negative cases - desa names
from other kabupaten and invented village names - must not be linked.

Three systems are scored on the same cases:

* ours            RegionLinker.resolve_name / resolve_code (graph/link/regions.py) with the
                  rules file given by --rules and no human decisions;
* baseline-exact  exact match after lower-casing and trimming against the official 2025
                  names in Pesawaran (within the parent when one is given); codes: a dotted
                  Kemendagri code only;
* baseline-fuzzy  rapidfuzz process.extractOne (WRatio, default_process) over all official
                  Pesawaran names of the level, no threshold, no parent; codes: the digits
                  against all Lampung codes of the level. It always links.

precision = correct automatic links / all automatic links; recall = correct automatic links
/ cases that have a true code; review = cases not linked / all cases. A name that fits two
desa of different kecamatan (Tanjung Rejo 18.09.02.2011 / 18.09.09.2010) has no true code
without its kecamatan (any link is wrong); with it, a link to the other one is also counted
apart ("same-name wrong links", which must be 0).

Random variants that would read as another region (a typo or vowel change at least as
close to another Pesawaran name as to its own) are redrawn, and negative names that are
within one letter of a Pesawaran name, or its old spelling, are left out: the benchmark
would otherwise contradict itself. The generator never reads the rules file.

    python scripts/bench_linking.py [--seed 2024] [--variants-per-name 2] [--rules PATH] [--json]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process, utils
from rapidfuzz.distance import Levenshtein

from graph.link.names import Decisions, NameRules
from graph.link.regions import RegionLinker
from graph.reference.regions import RegionIndex

ROOT = Path(__file__).resolve().parents[1]
CODES = ROOT / "ontology" / "codes" / "wilayah_lampung.csv"
RULES = ROOT / "mappings" / "linking" / "name_rules.yaml"
HOME = "18.09"
NAME_COLUMNS = ("nama", "nama_2022", "nama_bps_2024", "nama_bps_2018")
TARGETS = {"precision": 0.995, "recall": 0.95, "same_name_wrong": 0}

# Real variants written by agencies (samples/SOURCES.md, reference/SOURCES.md):
# (variant, level, official 2025 name).
KNOWN_PAIRS = (
    ("Gedong Tataan", "desa", "Gedung Tataan"),
    ("Gedung Tataan", "kecamatan", "Gedong Tataan"),
    ("Kuta Dalom", "desa", "Kota Dalam"),
    ("Bunut Sebrang", "desa", "Bunut Seberang"),
    ("Trisnomaju", "desa", "Tresno Maju"),
    ("Rubasa", "desa", "Rusaba"),
    ("Sinarjadi", "desa", "Sinarjati"),
    ("Gedung Dalom", "desa", "Gedong Dalam"),
    ("Negerikatun", "desa", "Negeri Katon"),
    ("Talang Mulyo", "desa", "Talang Mulya"),
)
PREFIXES = {
    "desa": ("Desa ", "DESA ", "Ds. ", "Ds.", "DS. ", "Kel. ", "Kelurahan ", "Pekon "),
    "kecamatan": ("Kec. ", "KEC. ", "Kec.", "Kecamatan ", "KECAMATAN "),
}
KABUPATEN_PARENTS = ("Pesawaran", "PESAWARAN", "Kab. Pesawaran", "KAB. PESAWARAN", "Kab Pesawaran")
# Where single-word names split into words when agencies add a space ("Sukadadi" -> "Suka Dadi").
MORPHEMES = (
    "suka",
    "sido",
    "margo",
    "tri",
    "purwo",
    "ponco",
    "bogo",
    "lumbi",
    "pujo",
    "kuto",
    "batu",
    "bumi",
    "sinar",
    "kerta",
    "rejo",
    "dadi",
    "jaya",
    "sari",
    "mulyo",
    "agung",
    "maju",
    "raja",
    "arjo",
    "mandi",
    "rame",
    "jati",
    "wedari",
    "sana",
    "dalam",
    "baru",
)
INVENTED_FIRST = (
    "Suka",
    "Sido",
    "Margo",
    "Tanjung",
    "Karang",
    "Sumber",
    "Bumi",
    "Way",
    "Talang",
    "Sinar",
    "Negeri",
    "Banjar",
    "Wono",
    "Mekar",
    "Tri",
    "Purwo",
    "Jati",
    "Bandar",
    "Giri",
    "Panca",
    "Catur",
    "Simpang",
    "Pasir",
    "Gunung",
    "Kali",
    "Air",
    "Batu",
    "Rawa",
    "Teluk",
    "Lebak",
)
INVENTED_SECOND = (
    "Makmur",
    "Mulya",
    "Rahayu",
    "Asri",
    "Agung",
    "Harjo",
    "Luhur",
    "Baru",
    "Jaya",
    "Sari",
    "Indah",
    "Mukti",
    "Wangi",
    "Tunggal",
    "Karya",
    "Sejahtera",
    "Mandiri",
    "Bakti",
    "Rejo",
    "Dadi",
    "Maju",
    "Raya",
    "Kencana",
    "Subur",
    "Lestari",
    "Manis",
    "Sentosa",
    "Mekar",
    "Pura",
    "Kencono",
)
NAME_KINDS = (
    "official",
    "case",
    "spaces",
    "prefix",
    "punctuation",
    "old-spelling",
    "vowel",
    "typo",
    "mixed",
    "known-pair",
    "bps-2018",
    "nama-2022",
)
CODE_KINDS = (
    "code-dotted",
    "code-undotted",
    "code-bps",
    "code-collision-kemendagri",
    "code-collision-bps",
    "code-former",
    "code-unknown",
)
NEGATIVE_KINDS = ("neg-other-kab", "neg-invented")
KIND_ORDER = NAME_KINDS + NEGATIVE_KINDS + CODE_KINDS


# --- the reference, as the generator sees it (independent of the rules under test) ----------


def compact(text: str) -> str:
    """Letters only, lower case: 'Gedong  Tataan.' -> 'gedongtataan'."""
    return re.sub(r"[^a-z]", "", unicodedata.normalize("NFKC", text).casefold())


def old_spelling_key(text: str) -> str:
    """Letters only, pre-1972 spelling made modern: 'Soekadjaja' and 'Suka Jaya' -> 'sukajaja'.

    Fixed here so that the benchmark never depends on the rules under test; vowels are kept
    ("Tanjung Raja" is another village than "Tanjung Rejo").
    """
    key = compact(text)
    for old, new in (("oe", "u"), ("dj", "j"), ("tj", "c"), ("ch", "kh"), ("y", "j")):
        key = key.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", key)


@dataclass
class Region:
    code: str
    level: str
    name: str  # official 2025
    parent: str
    names: tuple[str, ...]  # every name the code list carries (2025, 2022, BPS 2024/2018)
    by_column: dict[str, str]  # the same, by column of wilayah_lampung.csv
    bps: str
    former: str


class Reference:
    def __init__(self, index: RegionIndex) -> None:
        self.index = index
        self.regions: dict[str, Region] = {}
        for row in index.frame.itertuples(index=False):
            cell = {
                c: str(getattr(row, c)) for c in ("kode", "tingkat", "nama", "induk", "kode_bps", "kode_lama")
            }
            by_column = {c: str(getattr(row, c)).strip() for c in NAME_COLUMNS}
            names = tuple(dict.fromkeys(n for n in by_column.values() if n))
            self.regions[cell["kode"]] = Region(
                cell["kode"],
                cell["tingkat"],
                cell["nama"],
                cell["induk"],
                names,
                by_column,
                cell["kode_bps"],
                cell["kode_lama"],
            )
        self.home = {
            lvl: [r for r in self.regions.values() if r.level == lvl and r.code.startswith(HOME + ".")]
            for lvl in ("kecamatan", "desa")
        }
        self._compacts = {
            lvl: [(r.code, compact(n)) for r in regions for n in r.names]
            for lvl, regions in self.home.items()
        }
        # Same-name groups: regions of one level in Pesawaran sharing a name (letters only).
        by_compact: dict[tuple[str, str], set[str]] = defaultdict(set)
        for lvl, pairs in self._compacts.items():
            for code, c in pairs:
                by_compact[(lvl, c)].add(code)
        self.by_compact = by_compact
        self.home_compacts = {lvl: {c for _, c in pairs} for lvl, pairs in self._compacts.items()}
        self.home_keys = {
            lvl: {old_spelling_key(n) for r in regions for n in r.names} for lvl, regions in self.home.items()
        }

    def same_name(self, code: str, name: str) -> frozenset[str]:
        """Codes of the level in Pesawaran with this name (letters only), the code included."""
        level = self.regions[code].level
        return frozenset(self.by_compact.get((level, compact(name)), set()) | {code})

    def group(self, code: str) -> frozenset[str]:
        """Every Pesawaran region sharing any of this region's names."""
        out: set[str] = set()
        for n in self.regions[code].names:
            out |= self.same_name(code, n)
        return frozenset(out)

    def reads_as_own(self, variant: str, code: str) -> bool:
        """The variant is strictly closer (letters only) to its own region than to any other."""
        level = self.regions[code].level
        v = compact(variant)
        own_group = self.group(code)
        own = min(Levenshtein.distance(v, c) for k, c in self._compacts[level] if k in own_group)
        other = min(
            (
                Levenshtein.distance(v, c, score_cutoff=own)
                for k, c in self._compacts[level]
                if k not in own_group
            ),
            default=own + 1,
        )
        return own < other

    def near_home(self, name: str, level: str) -> bool:
        """The name is an old spelling of, or within one letter of, a Pesawaran name."""
        c = compact(name)
        if c in self.home_compacts[level] or old_spelling_key(name) in self.home_keys[level]:
            return True
        return any(Levenshtein.distance(c, h, score_cutoff=1) <= 1 for h in self.home_compacts[level])


# --- variants ------------------------------------------------------------------------------------


def _keep_case(src: str, new: str) -> str:
    return new.upper() if src.isupper() else new.capitalize() if src[:1].isupper() else new


def v_case(name: str, rng: random.Random) -> str:
    options = [name.upper(), name.lower(), name.lower().title()]
    changed = [o for o in options if o != name]
    return rng.choice(changed or options)


def v_spaces(name: str, rng: random.Random) -> str:
    words = name.split()
    options = []
    if len(words) > 1:
        options.append("".join(words))  # "Gedongtataan"
        i = rng.randrange(len(words) - 1)
        options.append(
            " ".join(words[: i + 1]) + "".join(words[i + 1 :]) if len(words) > 2 else "".join(words)
        )
        options.append("  ".join(words) + " ")
        options.append(" " + " ".join(words[:1]) + "   " + " ".join(words[1:]))
    else:
        low = name.lower()
        splits = [len(m) for m in MORPHEMES if low.startswith(m) and len(low) - len(m) >= 3]
        splits += [len(low) - len(m) for m in MORPHEMES if low.endswith(m) and len(low) - len(m) >= 3]
        for at in splits:
            options.append(name[:at] + " " + name[at:].capitalize())
        if not options:
            options.append(" " + name + "  ")
    return rng.choice(options)


def v_prefix(name: str, level: str, rng: random.Random) -> str:
    return rng.choice(PREFIXES[level]) + name


def v_punctuation(name: str, rng: random.Random) -> str:
    options = [name + ".", name + ",", f'"{name}"', name + " .", name + ";"]
    if " " in name:
        options.append(name.replace(" ", "-", 1))
        options.append(name.replace(" ", ". ", 1))
    return rng.choice(options)


_OLD = {"c": "tj", "j": "dj", "y": "j", "u": "oe"}


def v_old_spelling(name: str) -> str | None:
    """Modern -> pre-1972 spelling: Cipadang -> Tjipadang, Sukajaya -> Soekadjaja."""
    out, i = [], 0
    while i < len(name):
        ch = name[i]
        if name[i : i + 2].lower() == "kh":
            out.append(_keep_case(name[i : i + 2], "ch"))
            i += 2
            continue
        old = _OLD.get(ch.lower())
        if ch.lower() == "u" and i and name[i - 1].lower() == "a":
            old = None  # the diphthong au stayed au: Pulau -> Poelau
        out.append(ch if old is None else (old.capitalize() if ch.isupper() else old))
        i += 1
    text = "".join(out)
    return text if text != name else None


def v_vowel(name: str, rng: random.Random) -> str | None:
    """One vowel changed inside a word (o<->u, a<->o) or an e dropped (Seberang -> Sebrang)."""
    ops: list[tuple[int, str]] = []
    swap = {"o": "ua", "u": "o", "a": "o"}
    for i, ch in enumerate(name):
        if i == 0 or not name[i - 1].isalpha():
            continue
        for new in swap.get(ch.lower(), ""):
            ops.append((i, new))
    for m in re.finditer(r"(?<=[b-df-hj-np-tv-z])e(?=[b-df-hj-np-tv-z][aeiou])", name, flags=re.I):
        ops.append((m.start(), ""))
    if not ops:
        return None
    i, new = rng.choice(ops)
    return name[:i] + (new.upper() if name[i].isupper() else new) + name[i + 1 :]


def v_typo(name: str, rng: random.Random) -> str | None:
    """One substitution, deletion or transposition of letters; names of 6 letters or more."""
    if len(name) < 6:
        return None
    letters = [i for i, ch in enumerate(name) if ch.isalpha()]
    op = rng.choice(("substitution", "deletion", "transposition"))
    i = rng.choice(letters)
    if op == "substitution":
        new = rng.choice([c for c in "abcdefghijklmnopqrstuvwxyz" if c != name[i].lower()])
        return name[:i] + (new.upper() if name[i].isupper() else new) + name[i + 1 :]
    if op == "deletion":
        return name[:i] + name[i + 1 :]
    pairs = [j for j in letters if j + 1 < len(name) and name[j + 1].isalpha() and name[j] != name[j + 1]]
    if not pairs:
        return None
    j = rng.choice(pairs)
    return name[:j] + name[j + 1] + name[j] + name[j + 2 :]


# --- cases ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    kind: str
    level: str
    text: str  # the name or code as written
    truth: str | None  # the region it means; None = must not be linked
    parent: str | None = None  # the parent as written (names only)
    parent_mode: str = "none"  # none | official | messy
    system: str | None = None  # codes only: kemendagri | bps
    source: str | None = None  # the region the variant was made from
    same_name: frozenset[str] = field(default_factory=frozenset)  # truth's same-name desa


class Generator:
    def __init__(self, ref: Reference, rng: random.Random, per_name: int, limit: int | None) -> None:
        self.ref = ref
        self.rng = rng
        self.per_name = per_name
        self.sample = limit is not None  # a quick run on the first few names (tests)
        self.desa = ref.home["desa"][:limit] if limit else ref.home["desa"]
        self.kecamatan = ref.home["kecamatan"][:limit] if limit else ref.home["kecamatan"]
        self._messy_parents: dict[str, list[str]] = {}

    def variant(self, kind: str, region: Region) -> str | None:
        name, rng, level = region.name, self.rng, region.level
        if kind == "case":
            return v_case(name, rng)
        if kind == "spaces":
            return v_spaces(name, rng)
        if kind == "prefix":
            return v_prefix(name, level, rng)
        if kind == "punctuation":
            return v_punctuation(name, rng)
        if kind == "old-spelling":
            return v_old_spelling(name)
        if kind == "vowel":
            return self._guarded(lambda: v_vowel(name, rng), region)
        if kind == "typo":
            return self._guarded(lambda: v_typo(name, rng), region)
        if kind == "mixed":
            text = name
            if rng.random() < 0.5:
                spelled = rng.choice(("old", "vowel"))
                text = (
                    v_old_spelling(name)
                    if spelled == "old"
                    else self._guarded(lambda: v_vowel(name, rng), region)
                ) or name
            cosmetic: list[Callable[[str], str]] = [
                lambda s: v_case(s, rng),
                lambda s: v_spaces(s, rng),
                lambda s: v_punctuation(s, rng),
            ]
            for op in rng.sample(cosmetic, 2):
                text = op(text)
            return v_prefix(text, level, rng) if rng.random() < 0.6 else text
        raise ValueError(kind)

    def _guarded(self, make: Callable[[], str | None], region: Region, tries: int = 30) -> str | None:
        for _ in range(tries):
            text = make()
            if text is None:
                return None
            if compact(text) != compact(region.name) and self.ref.reads_as_own(text, region.code):
                return text
        return None

    def fixed_variants(self, region: Region) -> list[tuple[str, str]]:
        out = [("official", region.name)]
        for kind, column in (("bps-2018", "nama_bps_2018"), ("nama-2022", "nama_2022")):
            value = region.by_column[column]
            if value and value.casefold() != region.name.casefold():
                out.append((kind, value))
        for variant, level, official in KNOWN_PAIRS:
            if level == region.level and official == region.name:
                out.append(("known-pair", variant))
        return out

    def random_variants(self, region: Region) -> list[tuple[str, str]]:
        out = []
        for kind in ("case", "spaces", "prefix", "punctuation", "old-spelling", "vowel", "typo", "mixed"):
            seen: set[str] = set()
            for _ in range(self.per_name * 4):
                if len(seen) >= self.per_name:
                    break
                text = self.variant(kind, region)
                if text is None:
                    break
                if text in seen or text == region.name:
                    continue
                seen.add(text)
                out.append((kind, text))
        return out

    def messy_parent(self, code: str) -> str:
        """A messy spelling of a kecamatan (or of the kabupaten) to give as parent."""
        if code == HOME:
            return self.rng.choice(KABUPATEN_PARENTS)
        if code not in self._messy_parents:
            region = self.ref.regions[code]
            pool = [v for k, v in self.fixed_variants(region) if k != "official"]
            kinds = ("case", "spaces", "prefix", "punctuation", "old-spelling", "vowel", "typo", "mixed")
            for _ in range(3):
                for kind in kinds:
                    text = self.variant(kind, region)
                    if text and text != region.name:
                        pool.append(text)
            self._messy_parents[code] = sorted(set(pool))
        return self.rng.choice(self._messy_parents[code])

    def with_parents(self, kind: str, text: str, region: Region, parent_code: str) -> list[Case]:
        """The variant without parent, and with its parent (as officially written or messy)."""
        same = self.ref.group(region.code) if region.level == "desa" else frozenset({region.code})
        # Without its kecamatan, a name that several desa share (letters only: "Kali Rejo" and
        # "Kalirejo" too) means none of them. A variant made from the official name is as
        # ambiguous as that name; an old official or BPS name only if it is itself shared.
        shared = self.ref.same_name(region.code, text)
        if kind not in ("known-pair", "bps-2018", "nama-2022"):
            shared |= self.ref.same_name(region.code, region.name)
        alone_truth = region.code if len(shared) == 1 else None
        cases = [Case(kind, region.level, text, alone_truth, source=region.code, same_name=same)]
        if self.rng.random() < 0.5:
            parent, mode = self.ref.regions[parent_code].name, "official"
        else:
            parent, mode = self.messy_parent(parent_code), "messy"
        cases.append(
            Case(kind, region.level, text, region.code, parent, mode, source=region.code, same_name=same)
        )
        return cases

    def name_cases(self) -> list[Case]:
        cases: list[Case] = []
        for region in self.kecamatan + self.desa:
            for kind, text in self.fixed_variants(region) + self.random_variants(region):
                cases += self.with_parents(kind, text, region, region.parent)
        return cases

    def negative_cases(self) -> list[Case]:
        ref, rng = self.ref, self.rng
        cases: list[Case] = []
        wanted = {"desa": 60 * self.per_name, "kecamatan": 10 * self.per_name}
        if self.sample:
            wanted = {"desa": 4, "kecamatan": 2}
        for level, n in wanted.items():
            elsewhere = sorted(
                {
                    r.name
                    for r in ref.regions.values()
                    if r.level == level and not r.code.startswith(HOME + ".")
                }
            )
            pool = [name for name in elsewhere if not ref.near_home(name, level)]
            picked = rng.sample(pool, min(n, len(pool)))
            invented: set[str] = set()
            while level == "desa" and len(invented) < n:
                first, second = rng.choice(INVENTED_FIRST), rng.choice(INVENTED_SECOND)
                name = f"{first} {second}" if rng.random() < 0.6 else first + second.lower()
                if not ref.near_home(name, level):
                    invented.add(name)
            messy: tuple[Callable[[str, str], str], ...] = (
                lambda s, _: v_case(s, rng),
                lambda s, lvl: v_prefix(s, lvl, rng),
                lambda s, _: v_punctuation(s, rng),
            )
            for kind, names in (("neg-other-kab", picked), ("neg-invented", sorted(invented))):
                for name in names:
                    text = rng.choice(messy)(name, level) if rng.random() < 0.5 else name
                    cases.append(Case(kind, level, text, None))
                    if level == "desa":
                        kec = rng.choice(ref.home["kecamatan"]).code
                        parent, mode = (
                            (ref.regions[kec].name, "official")
                            if rng.random() < 0.5
                            else (self.messy_parent(kec), "messy")
                        )
                    else:
                        parent, mode = (
                            ("Kabupaten Pesawaran", "official")
                            if rng.random() < 0.5
                            else (self.messy_parent(HOME), "messy")
                        )
                    cases.append(Case(kind, level, text, None, parent, mode))
        return cases

    def code_cases(self) -> list[Case]:
        ref = self.ref
        cases: list[Case] = []
        bps = {r.bps: r.code for r in ref.regions.values() if r.bps}
        undotted = {r.code.replace(".", ""): r.code for r in ref.regions.values() if r.level == "desa"}
        for region in self.kecamatan + self.desa:
            cases += self.own_code_cases(region)
        collisions = sorted((d, k, bps[d]) for d, k in undotted.items() if d in bps and bps[d] != k)
        if self.sample:
            collisions = collisions[:3]
        for digits, as_kemendagri, as_bps in collisions:
            cases.append(
                Case("code-collision-kemendagri", "desa", digits, as_kemendagri, system="kemendagri")
            )
            cases.append(Case("code-collision-bps", "desa", digits, as_bps, system="bps"))
        return cases + self.unknown_code_cases(bps, undotted)

    @staticmethod
    def own_code_cases(region: Region) -> list[Case]:
        """A region's codes as agencies write them: dotted, undotted, BPS, its former code."""
        lvl = region.level
        cases = [
            Case("code-dotted", lvl, region.code, region.code, system="kemendagri"),
            Case("code-undotted", lvl, region.code.replace(".", ""), region.code, system="kemendagri"),
        ]
        if region.bps:
            cases.append(Case("code-bps", lvl, region.bps, region.code, system="bps"))
        if region.former:
            cases.append(Case("code-former", lvl, region.former, region.code, system="kemendagri"))
            cases.append(
                Case("code-former", lvl, region.former.replace(".", ""), region.code, system="kemendagri")
            )
        return cases

    def unknown_code_cases(self, bps: dict[str, str], undotted: dict[str, str]) -> list[Case]:
        """Codes that exist in neither the declared system: must not be linked."""
        unknown: list[tuple[str, str, str]] = []
        for region in self.desa:
            digits = region.code.replace(".", "")
            if digits not in bps:
                unknown.append(("desa", digits, "bps"))
            if region.bps and region.bps not in undotted:
                unknown.append(("desa", region.bps, "kemendagri"))
        for region in self.kecamatan:
            unknown.append(("kecamatan", region.code.replace(".", ""), "bps"))  # 6 digits, BPS has 7
            if region.bps:
                unknown.append(("kecamatan", region.bps, "kemendagri"))
        n_unknown = 4 if self.sample else 20 * self.per_name
        cases = [
            Case("code-unknown", level, text, None, system=system)
            for level, text, system in self.rng.sample(unknown, min(n_unknown, len(unknown)))
        ]
        kemendagri = {r.code for r in self.ref.regions.values()}
        for text in ("18.09.01.2099", "18.09.12", "18.09.99.2001"):
            level = "desa" if text.count(".") == 3 else "kecamatan"
            assert text not in kemendagri
            cases.append(Case("code-unknown", level, text, None, system="kemendagri"))
        return cases

    def cases(self) -> list[Case]:
        return self.name_cases() + self.negative_cases() + self.code_cases()


# --- systems -------------------------------------------------------------------------------------

Prediction = tuple[str | None, str | None]  # (code, method)


def ours(linker: RegionLinker) -> Callable[[Case], Prediction]:
    def run(case: Case) -> Prediction:
        if case.system is not None:
            link = linker.resolve_code(case.text, case.system, case.level)
        else:
            link = linker.resolve_name(case.text, case.parent, case.level)
        return link.code, link.method

    return run


def baseline_exact(ref: Reference) -> Callable[[Case], Prediction]:
    def key(text: str) -> str:
        return text.strip().lower()

    by_name: dict[tuple[str, str], set[str]] = defaultdict(set)  # (level, name) -> codes
    for lvl, regions in ref.home.items():
        for r in regions:
            by_name[(lvl, key(r.name))].add(r.code)
    home_name = key(ref.regions[HOME].name)
    codes = {lvl: {r.code for r in ref.regions.values() if r.level == lvl} for lvl in ("kecamatan", "desa")}

    def run(case: Case) -> Prediction:
        if case.system is not None:
            text = case.text.strip()
            return (text, "exact") if text in codes[case.level] else (None, None)
        found = by_name.get((case.level, key(case.text)), set())
        if case.parent is not None:
            if case.level == "kecamatan":
                parents = {HOME} if key(case.parent) == home_name else set()
            else:
                parents = by_name.get(("kecamatan", key(case.parent)), set())
            found = {c for c in found if ref.regions[c].parent in parents}
        return (next(iter(found)), "exact") if len(found) == 1 else (None, None)

    return run


def baseline_fuzzy(ref: Reference) -> Callable[[Case], Prediction]:
    names = {lvl: {r.code: r.name for r in regions} for lvl, regions in ref.home.items()}
    codes = {
        lvl: {r.code: r.code for r in ref.regions.values() if r.level == lvl} for lvl in ("kecamatan", "desa")
    }

    def digits(text: str) -> str:
        return re.sub(r"\D", "", text)

    def run(case: Case) -> Prediction:
        if case.system is not None:
            best = process.extractOne(case.text, codes[case.level], scorer=fuzz.WRatio, processor=digits)
        else:
            best = process.extractOne(
                case.text, names[case.level], scorer=fuzz.WRatio, processor=utils.default_process
            )
        return (best[2], "fuzzy") if best else (None, None)

    return run


# --- metrics -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metrics:
    n: int
    positives: int
    auto: int
    correct: int
    wrong: int

    @property
    def review(self) -> int:
        return self.n - self.auto

    @property
    def precision(self) -> float | None:
        return self.correct / self.auto if self.auto else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.positives if self.positives else None

    @property
    def review_share(self) -> float | None:
        return self.review / self.n if self.n else None

    def as_dict(self) -> dict[str, float | int | None]:
        out: dict[str, float | int | None] = asdict(self)
        out.update(
            review=self.review, precision=self.precision, recall=self.recall, review_share=self.review_share
        )
        return out


def score(pairs: Iterable[tuple[str | None, str | None]]) -> Metrics:
    """Metrics of (true code or None, linked code or None) pairs."""
    n = positives = auto = correct = 0
    for truth, linked in pairs:
        n += 1
        positives += truth is not None
        if linked is not None:
            auto += 1
            correct += linked == truth
    return Metrics(n, positives, auto, correct, auto - correct)


def same_name_wrong(cases: list[Case], linked: list[str | None]) -> int:
    """Links to the other desa of the same name although the kecamatan was given."""
    return sum(
        1
        for case, code in zip(cases, linked, strict=True)
        if case.parent is not None
        and case.truth is not None
        and code is not None
        and code != case.truth
        and code in case.same_name
    )


# --- output --------------------------------------------------------------------------------------


def pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.2f}%"


def table(
    rows: list[tuple[str, Metrics]], title: str, extra: tuple[str, dict[str, str]] | None = None
) -> str:
    head = f"{title:<28}{'n':>7}{'pos':>7}{'auto':>7}{'correct':>9}{'wrong':>7}{'review':>8}{'precision':>11}{'recall':>9}{'review%':>9}"
    if extra:
        head += f"  {extra[0]}"
    lines = [head, "-" * len(head)]
    for label, m in rows:
        line = (
            f"{label:<28}{m.n:>7}{m.positives:>7}{m.auto:>7}{m.correct:>9}{m.wrong:>7}{m.review:>8}"
            f"{pct(m.precision):>11}{pct(m.recall):>9}{pct(m.review_share):>9}"
        )
        if extra and label in extra[1]:
            line += f"  {extra[1][label]}"
        lines.append(line)
    return "\n".join(lines)


def every_case(case: Case) -> bool:
    return True


def of_kind(kind: str) -> Callable[[Case], bool]:
    return lambda case: case.kind == kind


def run(args: argparse.Namespace) -> dict[str, object]:
    started = time.perf_counter()
    index = RegionIndex.from_csv(CODES)
    rules = NameRules.from_yaml(Path(args.rules))
    linker = RegionLinker(index, rules, HOME, Decisions([], rules))
    ref = Reference(index)
    cases = Generator(ref, random.Random(args.seed), args.variants_per_name, args.limit).cases()
    generated = time.perf_counter()

    systems = {
        "ours": ours(linker),
        "baseline-exact": baseline_exact(ref),
        "baseline-fuzzy": baseline_fuzzy(ref),
    }
    predictions: dict[str, list[Prediction]] = {}
    timings: dict[str, float] = {}
    for label, system in systems.items():
        t0 = time.perf_counter()
        predictions[label] = [system(case) for case in cases]
        timings[label] = time.perf_counter() - t0

    def metrics_of(label: str, keep: Callable[[Case], bool] = every_case) -> Metrics:
        return score((c.truth, p[0]) for c, p in zip(cases, predictions[label], strict=True) if keep(c))

    overall = {label: metrics_of(label) for label in systems}
    same_name = {label: same_name_wrong(cases, [p[0] for p in predictions[label]]) for label in systems}
    kinds = [k for k in KIND_ORDER if any(c.kind == k for c in cases)]
    by_kind = {label: {k: metrics_of(label, of_kind(k)) for k in kinds} for label in systems}
    parts = {
        "names, no parent": lambda c: c.system is None and c.parent is None,
        "names, parent official": lambda c: c.parent_mode == "official",
        "names, parent messy": lambda c: c.parent_mode == "messy",
        "names, kecamatan level": lambda c: c.system is None and c.level == "kecamatan",
        "names, desa level": lambda c: c.system is None and c.level == "desa",
        "codes": lambda c: c.system is not None,
        "negatives (all)": lambda c: c.truth is None,
    }
    by_part = {label: {p: metrics_of(label, keep) for p, keep in parts.items()} for label in systems}
    methods: dict[str, Counter[str]] = defaultdict(Counter)
    for case, (code, method) in zip(cases, predictions["ours"], strict=True):
        if code is not None:
            methods[str(method)]["auto"] += 1
            methods[str(method)]["correct" if code == case.truth else "wrong"] += 1

    def describe(case: Case, code: str | None, method: str | None) -> dict[str, object]:
        return {
            "kind": case.kind,
            "level": case.level,
            "text": case.text,
            "parent": case.parent,
            "system": case.system,
            "truth": case.truth,
            "truth_name": ref.regions[case.truth].name if case.truth else None,
            "source": case.source,
            "linked": code,
            "method": method,
            "linked_name": ref.regions[code].name if code in ref.regions else None,
        }

    wrong = [
        describe(c, *p)
        for c, p in zip(cases, predictions["ours"], strict=True)
        if p[0] is not None and p[0] != c.truth
    ]
    missed = [
        describe(c, *p)
        for c, p in zip(cases, predictions["ours"], strict=True)
        if p[0] is None and c.truth is not None
    ]
    shared_alone = {
        label: sum(
            1
            for c, p in zip(cases, predictions[label], strict=True)
            if c.parent is None and c.system is None and c.truth is None and c.source and p[0] is not None
        )
        for label in systems
    }
    m = overall["ours"]
    met = {
        "precision": (m.precision or 0.0) >= TARGETS["precision"],
        "recall": (m.recall or 0.0) >= TARGETS["recall"],
        "same_name_wrong": same_name["ours"] == TARGETS["same_name_wrong"],
    }
    return {
        "seed": args.seed,
        "variants_per_name": args.variants_per_name,
        "rules": str(args.rules),
        "cases": len(cases),
        "seconds": {
            "generate": round(generated - started, 2),
            **{k: round(v, 2) for k, v in timings.items()},
            "total": round(time.perf_counter() - started, 2),
        },
        "overall": overall,
        "same_name_wrong": same_name,
        "shared_name_linked_without_parent": shared_alone,
        "same_name_groups": sorted(
            sorted(g) for g in {ref.group(r.code) for r in ref.home["desa"]} if len(g) > 1
        ),
        "by_kind": by_kind,
        "by_part": by_part,
        "by_method": {k: dict(v) for k, v in sorted(methods.items())},
        "targets": TARGETS,
        "targets_met": met,
        "wrong_links": wrong,
        "missed": missed,
    }


def report_text(result: dict[str, object], show: int) -> str:
    overall: dict[str, Metrics] = result["overall"]  # type: ignore[assignment]
    same: dict[str, int] = result["same_name_wrong"]  # type: ignore[assignment]
    by_kind: dict[str, dict[str, Metrics]] = result["by_kind"]  # type: ignore[assignment]
    by_part: dict[str, dict[str, Metrics]] = result["by_part"]  # type: ignore[assignment]
    out = [
        f"Linking benchmark: {result['cases']} cases, seed {result['seed']}, "
        f"{result['variants_per_name']} variants per name and kind, rules {result['rules']}",
        "",
        table(
            [(k, v) for k, v in overall.items()],
            "system",
            ("same-name wrong (kec given)", {k: f"{same[k]:>27}" for k in overall}),
        ),
        "",
        "OURS by variant kind",
        table([(k, v) for k, v in by_kind["ours"].items()], "kind"),
        "",
        "OURS by part (with the baselines' recall and precision)",
        table(
            [(k, v) for k, v in by_part["ours"].items()],
            "part",
            (
                "exact recall  fuzzy precision",
                {
                    k: f"{pct(by_part['baseline-exact'][k].recall):>12}  {pct(by_part['baseline-fuzzy'][k].precision):>15}"
                    for k in by_part["ours"]
                },
            ),
        ),
        "",
        "OURS by method",
        f"{'method':<20}{'auto':>7}{'correct':>9}{'wrong':>7}",
    ]
    for method, c in result["by_method"].items():  # type: ignore[attr-defined]
        out.append(f"{method:<20}{c.get('auto', 0):>7}{c.get('correct', 0):>9}{c.get('wrong', 0):>7}")
    alone: dict[str, int] = result["shared_name_linked_without_parent"]  # type: ignore[assignment]
    out += [
        "",
        "Wrong links of a name several Pesawaran desa share, given without kecamatan "
        "(counted in 'wrong' above): " + ", ".join(f"{k} {v}" for k, v in alone.items()),
    ]
    groups: list[list[str]] = result["same_name_groups"]  # type: ignore[assignment]
    out += [
        "",
        f"Same-name desa groups in Pesawaran ({len(groups)}): " + "; ".join("/".join(g) for g in groups),
    ]
    m = overall["ours"]
    met = result["targets_met"]
    out += [
        "",
        f"Targets (ours): precision {pct(m.precision)} >= 99.5% {'OK' if met['precision'] else 'MISSED'}; "  # type: ignore[index]
        f"recall {pct(m.recall)} >= 95% {'OK' if met['recall'] else 'MISSED'}; "  # type: ignore[index]
        f"same-name wrong links with kecamatan given {same['ours']} == 0 "
        f"{'OK' if met['same_name_wrong'] else 'MISSED'}",  # type: ignore[index]
        f"Time: {result['seconds']}",
    ]
    if show:
        wrong: list[dict[str, object]] = result["wrong_links"]  # type: ignore[assignment]
        missed: list[dict[str, object]] = result["missed"]  # type: ignore[assignment]
        out += ["", f"OURS wrong links ({len(wrong)}, first {show}):"]
        out += [_line(w) for w in wrong[:show]]
        by = Counter(str(x["kind"]) for x in missed)
        out += ["", f"OURS missed positives ({len(missed)}) by kind: {dict(by.most_common())}; first {show}:"]
        out += [_line(x) for x in missed[:show]]
    return "\n".join(out)


def _line(x: dict[str, object]) -> str:
    parent = f" | parent {x['parent']!r}" if x["parent"] is not None else ""
    system = f" [{x['system']}]" if x["system"] else ""
    return (
        f"  {x['kind']:<14} {x['text']!r}{system}{parent} -> {x['linked']} {x['linked_name'] or ''}"
        f" ({x['method']}); truth {x['truth']} {x['truth_name'] or ''}"
    )


def to_json(result: dict[str, object]) -> str:
    def convert(value: object) -> object:
        if isinstance(value, Metrics):
            return value.as_dict()
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [convert(v) for v in value]
        return value

    return json.dumps(convert(result), ensure_ascii=False, indent=2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--variants-per-name",
        type=int,
        default=2,
        help="random variants drawn per name and variant kind (default 2: about 6,500 cases)",
    )
    parser.add_argument("--rules", type=Path, default=RULES, help="name_rules.yaml to link with")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--limit", type=int, default=None, help="only the first N desa and kecamatan (quick runs)"
    )
    parser.add_argument("--show", type=int, default=20, help="wrong links and misses of ours to list")
    parser.add_argument("--strict", action="store_true", help="exit 1 when ours misses a target")
    args = parser.parse_args(argv)
    result = run(args)
    print(to_json(result) if args.json else report_text(result, args.show))
    if args.strict and not all(result["targets_met"].values()):  # type: ignore[attr-defined]
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
