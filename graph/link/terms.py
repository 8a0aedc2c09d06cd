"""Link loosely written agency and indicator names to the vocabulary, like region names.

"Dinas Kesehatan", "DINKES" or "dinkes" all mean the agency ``dinkes``; "Jumlah
Balita Stunting" means the indicator ``balita-stunting``. The same rules as for
regions apply (normalisation, spelling key, fuzzy with threshold and margin), and
the same evidence is returned: method, score, runner-up, or candidates to review.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from graph.link.links import Candidate, Link, similarity
from graph.link.names import TERM, NameRules
from graph.reference.vocabulary import Vocabulary

__all__ = ["TermLinker"]

METHOD_SLUG = "slug"
METHOD_LABEL = "label"
METHOD_SPELLING = "aturan-ejaan"
METHOD_FUZZY = "fuzzy"


@dataclass
class TermLinker:
    """Resolves free text to one of a vocabulary's slugs, by its labels."""

    kind: str  # "agency" or "indicator", for messages
    labels: dict[str, list[str]]  # slug -> labels (Indonesian, English, abbreviations)
    rules: NameRules
    _by_label: dict[str, set[str]] = field(init=False, default_factory=dict)
    _by_key: dict[str, set[str]] = field(init=False, default_factory=dict)
    _normalised: dict[str, list[str]] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        for slug, labels in self.labels.items():
            names = {self._norm(x) for x in [slug.replace("-", " "), *labels]} - {""}
            self._normalised[slug] = sorted(names)
            for name in names:
                self._by_label.setdefault(name, set()).add(slug)
                self._by_key.setdefault(self.rules.spelling_key(name), set()).add(slug)

    @classmethod
    def of(cls, vocabulary: Vocabulary, kind: str, rules: NameRules) -> TermLinker:
        """A linker from loosely written names to the vocabulary's agency or indicator slugs."""
        return cls(kind, vocabulary.term_labels(kind), rules)

    def _norm(self, text: str) -> str:
        return self.rules.normalise(text, level=TERM)

    def rank(self, text: str) -> list[Candidate]:
        norm = self._norm(text)
        ranked = [
            Candidate(
                slug, (self.labels[slug] or [slug])[0], round(max(similarity(norm, n) for n in names), 1)
            )
            for slug, names in self._normalised.items()
        ]
        ranked.sort(key=lambda c: (-c.score, c.code))
        return ranked

    def resolve(self, text: str) -> Link:
        raw = str(text).strip()
        if not raw:
            return Link(None, problem=f"nama {self.kind} kosong / empty {self.kind} name")
        if raw in self.labels:
            return Link(raw, METHOD_SLUG, 100.0)
        ranked = self.rank(raw)

        def runner_up(slug: str) -> tuple[str | None, float]:
            other = next((c for c in ranked if c.code != slug), None)
            return (other.code, other.score) if other else (None, 0.0)

        norm = self._norm(raw)
        for method, found in (
            (METHOD_LABEL, self._by_label.get(norm, set())),
            (METHOD_SPELLING, self._by_key.get(self.rules.spelling_key(norm), set())),
        ):
            if len(found) == 1:
                slug = next(iter(found))
                score = 100.0 if method == METHOD_LABEL else next(c.score for c in ranked if c.code == slug)
                return Link(slug, method, score, *runner_up(slug))
            if len(found) > 1:
                options = tuple(c for c in ranked if c.code in found)
                return Link(
                    None,
                    problem=(
                        f"{self.kind} {raw!r} ambigu / ambiguous: {', '.join(sorted(found))}; use the slug"
                    ),
                    candidates=options,
                )
        best = ranked[0] if ranked else None
        second = ranked[1].score if len(ranked) > 1 else 0.0
        if (
            best
            and best.score >= self.rules.fuzzy_threshold
            and best.score - second >= self.rules.fuzzy_margin
        ):
            return Link(best.code, METHOD_FUZZY, best.score, *runner_up(best.code))
        hint = ", ".join(f"{c.code} ({c.score:.0f})" for c in ranked[:3])
        word, declared = _KINDS.get(self.kind, (self.kind, "ontology/"))
        return Link(
            None,
            problem=(
                f"nama {word} {raw!r} tidak cocok dengan {word} mana pun; terdekat: {hint} / no "
                f"{self.kind} is named {raw!r}; closest: {hint}; write one of these, or declare the "
                f"{self.kind} in {declared}"
            ),
            candidates=tuple(ranked[:3]),
        )


# The Indonesian word for each kind of term, and where such terms are declared.
_KINDS = {
    "indicator": ("indikator", "ontology/indicators.ttl"),
    "agency": ("instansi", "ontology/agencies.ttl"),
}
