"""Reconciliation of region names to Kemendagri codes: the answers of the W3C service.

OpenRefine and other clients send region names as agencies write them (with the parent
region as context) and get candidate regions back. ``match`` is true only for the region
the project's linker (``graph.link.regions.RegionLinker``) links automatically during a
load, so a spreadsheet reconciled here links the same way ``onecenter load`` would. This
module holds what the service answers (candidates with their features, prefix suggestions,
the preview card); the router ``/reconcile`` only reads the request and picks the response,
and ``graph.link.reconcile_service`` describes the service (manifest, types, properties).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from graph.link.names import NameRules
from graph.link.regions import RegionLinker
from graph.reference.regions import LEVELS, RegionIndex
from graph.settings import Settings

__all__ = [
    "DEFAULT_LEVEL",
    "DEFAULT_LIMIT",
    "LEVEL_NAMES",
    "MAX_LIMIT",
    "Reconciler",
    "RegionQuery",
    "type_of",
]

LEVEL_NAMES = {
    "provinsi": "Provinsi",
    "kabupaten": "Kabupaten/Kota",
    "kecamatan": "Kecamatan",
    "desa": "Desa/Kelurahan",
}
_KIND_NAMES = {
    "provinsi": "Provinsi",
    "kabupaten": "Kabupaten",
    "kota": "Kota",
    "kecamatan": "Kecamatan",
    "desa": "Desa",
    "kelurahan": "Kelurahan",
}
DEFAULT_LEVEL = "desa"
DEFAULT_LIMIT = 5
MAX_LIMIT = 50
_DOTTED_CODE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
_CODE_PREFIX = re.compile(r"^\d[\d.]*$")


def type_of(level: str) -> dict[str, str]:
    """A region level as a reconciliation type.

    >>> type_of("kabupaten")
    {'id': 'kabupaten', 'name': 'Kabupaten/Kota'}
    """
    return {"id": level, "name": LEVEL_NAMES[level]}


@dataclass(frozen=True)
class RegionQuery:
    """One reconciliation query, whichever version of the protocol it came in."""

    name: str
    level: str = DEFAULT_LEVEL
    typed: bool = False  # the client named the level
    limit: int = DEFAULT_LIMIT
    parent: str | None = None  # the parent's name as written
    parent_code: str | None = None  # or the parent as a reconciled entity
    ids: tuple[str, ...] = ()  # 1.0-draft matchType "id"


@dataclass(frozen=True)
class _Entry:
    level: str
    code: str
    names: frozenset[str]  # normalised official, 2022 and BPS names


class Reconciler:
    """The linker and the region list, with what reconciliation needs on top of them."""

    def __init__(self, linker: RegionLinker) -> None:
        self.linker = linker
        self.regions: RegionIndex = linker.index
        self.rules: NameRules = linker.rules
        self.rows: dict[str, dict[str, str]] = {
            str(row["kode"]): {str(k): str(v) for k, v in row.items()}
            for row in self.regions.frame.to_dict("records")
        }
        # Build the linker's look-up tables now, not concurrently on the first requests.
        linker.warm()
        self._entries = self._suggest_entries()

    @classmethod
    def from_settings(cls, settings: Settings) -> Reconciler:
        """As graph.publish.platform.Platform builds its linker."""
        return cls(
            RegionLinker.from_folders(settings.ontology_path, settings.mappings_path, settings.home_region)
        )

    # Descriptions ----------------------------------------------------------------------

    def _qualified(self, code: str) -> str:
        name = self.regions.label(code)
        level = self.regions.levels.get(code)
        if level == "kecamatan":
            return f"Kec. {name}"
        if level == "provinsi":
            return f"Provinsi {name}"
        return name

    def ancestors(self, code: str) -> list[str]:
        chain = []
        parent = self.regions.parents.get(code, "")
        while parent:
            chain.append(parent)
            parent = self.regions.parents.get(parent, "")
        return chain

    def description(self, code: str) -> str:
        """The two nearest parents, e.g. 'Kec. Natar, Kabupaten Lampung Selatan' for a desa."""
        return ", ".join(self._qualified(c) for c in self.ancestors(code)[:2])

    def home_name(self) -> str:
        """The name of the region the service searches in."""
        return self.regions.label(self.linker.home)

    # Reconciliation --------------------------------------------------------------------

    def _similarity(self, name: str, level: str, code: str) -> float:
        parent = frozenset({self.regions.parents[code]})
        return next((c.score for c in self.linker.rank(name, level, parent) if c.code == code), 0.0)

    def _candidate(
        self,
        code: str,
        score: float,
        similarity: float | None,
        method: str | None,
        parent_code: str | None,
    ) -> dict[str, Any]:
        features: list[dict[str, Any]] = []
        if similarity is not None:
            features.append(
                {"id": "name_similarity", "name": "Kemiripan nama / name similarity", "value": similarity}
            )
        if parent_code is not None:
            features.append(
                {
                    "id": "parent_match",
                    "name": "Di dalam wilayah induk yang diberikan / within the given parent region",
                    "value": self.regions.parents.get(code) == parent_code,
                }
            )
        if method is not None:
            features.append(
                {
                    "id": f"link_method:{method}",
                    "name": f"Metode penautan / link method: {method}",
                    "value": True,
                }
            )
        candidate: dict[str, Any] = {
            "id": code,
            "name": self.regions.label(code),
            "score": score,
            "match": method is not None,
            "type": [type_of(self.regions.levels[code])],
            "features": features,
        }
        description = self.description(code)
        if description:
            candidate["description"] = description
        return candidate

    def _by_code(self, text: str, query: RegionQuery) -> dict[str, Any] | None:
        """A dotted Kemendagri code (current or former) as the query: that region."""
        level = LEVELS[text.count(".")]
        link = self.linker.resolve_code(text, "kemendagri", level)
        if link.code is None:
            return None
        linked = not query.typed or query.level == level
        return self._candidate(link.code, 100.0, None, link.method if linked else None, None)

    def _parent_of(self, query: RegionQuery) -> tuple[str | None, str | None]:
        """(name, code) of the query's parent: a reconciled entity, else a name to resolve."""
        if query.level == "provinsi":
            return None, None
        parent_level = LEVELS[LEVELS.index(query.level) - 1]
        if query.parent_code and self.regions.levels.get(query.parent_code) == parent_level:
            return self.regions.label(query.parent_code), query.parent_code
        if query.parent and query.parent.strip():
            return query.parent, self.linker.resolve_name(query.parent, None, parent_level).code
        return None, None

    def reconcile(self, query: RegionQuery) -> list[dict[str, Any]]:
        """Candidates for one query, the automatically linked region (if any) first."""
        if query.ids:
            found = [self._by_code(i.strip(), query) for i in query.ids if _DOTTED_CODE.match(i.strip())]
            return [c for c in found if c is not None][: query.limit]
        name = query.name.strip()
        if not name:
            return []
        if _DOTTED_CODE.match(name):
            by_code = self._by_code(name, query)
            return [by_code] if by_code is not None else []
        return self._by_name(name, query)

    def _by_name(self, name: str, query: RegionQuery) -> list[dict[str, Any]]:
        """Regions ranked by name within the parent (or the home region), the linked one first."""
        level = query.level
        parent_name, parent_code = self._parent_of(query)
        link = self.linker.resolve_name(name, parent_name, level)

        scope = (
            frozenset({parent_code})
            if parent_code
            else self.linker.parents_in(self.linker.home_scope(level), level)
        )
        similarity = {c.code: c.score for c in self.linker.rank(name, level, scope)}
        # Regions the linker names outside the scope: the same name under another parent.
        for c in link.candidates:
            similarity.setdefault(c.code, c.score)
        if link.code is not None and link.code not in similarity:  # a decision, a moved desa
            similarity[link.code] = self._similarity(name, level, link.code)

        def score(code: str) -> float:
            return link.score if code == link.code else similarity[code]

        ordered = sorted(similarity, key=lambda code: (code != link.code, -score(code), code))
        return [
            self._candidate(
                code,
                score(code),
                similarity[code],
                link.method if code == link.code else None,
                parent_code if parent_name is not None else None,
            )
            for code in ordered[: query.limit]
        ]

    # Suggest ---------------------------------------------------------------------------

    def _suggest_entries(self) -> list[_Entry]:
        entries = []
        for level in LEVELS:
            for code in self.regions.descendants(self.linker.home_scope(level), level):
                entries.append(_Entry(level, code, frozenset(self.linker.names_of(code))))
        entries.sort(key=lambda e: (LEVELS.index(e.level), self.regions.label(e.code), e.code))
        return entries

    def _by_prefix(self, text: str, entries: list[_Entry]) -> list[_Entry]:
        """Whole-name matches, then names starting with ``text``, then a later word starting with it."""
        tiers: tuple[list[_Entry], list[_Entry], list[_Entry]] = ([], [], [])
        wanted = {lv: self.rules.normalise(text, lv) for lv in LEVELS}
        for e in entries:
            norm = wanted[e.level]
            if not norm or any(n.startswith(norm) for n in e.names):
                tiers[0 if norm in e.names else 1].append(e)
            elif any(f" {norm}" in f" {n}" for n in e.names):
                tiers[2].append(e)
        return tiers[0] + tiers[1] + tiers[2]

    def suggest(self, prefix: str, level: str | None, cursor: int, limit: int) -> list[dict[str, Any]]:
        """Regions of the home region whose normalised name (or code) starts with ``prefix``.

        Whole-name matches come first, then names starting with the prefix, then names
        with a later word starting with it.
        """
        text = prefix.strip()
        entries = [e for e in self._entries if level is None or e.level == level]
        if _CODE_PREFIX.match(text):
            found = [e for e in entries if e.code.startswith(text)]
        else:
            found = self._by_prefix(text, entries)
        out = []
        for e in found[cursor : cursor + limit]:
            item: dict[str, Any] = {
                "id": e.code,
                "name": self.regions.label(e.code),
                "notable": [type_of(e.level)],
            }
            description = self.description(e.code)
            if description:
                item["description"] = description
            out.append(item)
        return out

    # Preview ---------------------------------------------------------------------------

    def knows(self, code: str) -> bool:
        """Whether ``code`` is a region of the code list."""
        return code in self.rows

    def preview_html(self, code: str, iri: str) -> str:
        """A small HTML card for one region (name, codes, parents), for the client's preview pane."""
        row = self.rows[code]
        e = html.escape
        facts = [
            ("Tingkat / level", _KIND_NAMES.get(row["jenis"], row["jenis"])),
            ("Kode Kemendagri", code),
            ("Kode BPS / BPS code", row.get("kode_bps", "") or "—"),
        ]
        chain = ", ".join(self._qualified(c) for c in self.ancestors(code))
        if chain:
            facts.append(("Wilayah induk / part of", chain))
        if row.get("nama_2022") and row["nama_2022"] != row["nama"]:
            facts.append(("Nama 2022 / name in 2022", row["nama_2022"]))
        if row.get("kode_lama"):
            facts.append(("Kode lama / former code", row["kode_lama"]))
        items = "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in facts)
        return (
            '<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">'
            f"<title>{e(row['nama'])} ({e(code)})</title>"
            "<style>body{font:13px/1.4 sans-serif;margin:8px}h1{font-size:16px;margin:0 0 6px}"
            "dl{display:grid;grid-template-columns:auto 1fr;gap:2px 10px;margin:0}"
            "dt{color:#555}dd{margin:0}</style></head><body>"
            f"<h1>{e(row['nama'])}</h1><dl>{items}</dl>"
            f'<p><a href="{e(iri)}" target="_blank" rel="noopener">{e(iri)}</a></p>'
            "</body></html>"
        )
