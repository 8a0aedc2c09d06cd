"""The themes of the named questions, and the order the list of questions shows them in.

Every ``questions/<id>.yaml`` declares its ``theme:``, one of ``THEMES`` (the schema in
``graph.answer.questions`` refuses any other). The list of questions puts the questions
that join more than one agency first, in their own group — joining agencies' tables is what
the platform is for — then the others by theme, in the declared order; each group is
ordered by its questions' Indonesian titles.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, Literal, TypeVar, get_args

from graph.text import Text

__all__ = ["CROSS_AGENCY", "THEMES", "ThemeKey", "ThemeGroup", "group_by_theme"]

ThemeKey = Literal["kesehatan", "kependudukan", "pendidikan-sosial", "wilayah", "tata-kelola"]

# The declared themes, in the order the list shows them (the keys of ``ThemeKey``).
THEMES: dict[str, Text] = {
    "kesehatan": Text("Kesehatan", "Health"),
    "kependudukan": Text("Kependudukan", "Population"),
    "pendidikan-sosial": Text("Pendidikan dan kesejahteraan sosial", "Education and social welfare"),
    "wilayah": Text("Indikator per wilayah", "Indicators by region"),
    "tata-kelola": Text("Tata kelola data", "Data governance"),
}
assert tuple(THEMES) == get_args(ThemeKey), "THEMES and ThemeKey must name the same themes"

CROSS_AGENCY = Text("Lintas instansi", "Cross-agency")

T = TypeVar("T")


@dataclass(frozen=True)
class ThemeGroup(Generic[T]):
    """One group of the list: its key (a theme, or ``lintas-instansi``), label and questions."""

    key: str
    label: Text
    items: tuple[T, ...]


def group_by_theme(
    items: Iterable[T],
    *,
    theme: Callable[[T], str],
    title: Callable[[T], str],
    agencies: Callable[[T], Sequence[object]],
) -> list[ThemeGroup[T]]:
    """``items`` in groups: those joining more than one agency first ("Lintas instansi /
    Cross-agency"), ordered by theme then title; then one group per declared theme, by title.
    Empty groups are left out.

    >>> qs = [("b", "kesehatan", ["dinkes"]), ("a", "wilayah", []), ("z", "kesehatan", ["dinkes", "dpupr"])]
    >>> [(g.key, [q[0] for q in g.items]) for g in group_by_theme(
    ...     qs, theme=lambda q: q[1], title=lambda q: q[0], agencies=lambda q: q[2])]
    [('lintas-instansi', ['z']), ('kesehatan', ['b']), ('wilayah', ['a'])]
    """
    order = {key: n for n, key in enumerate(THEMES)}
    ranked = sorted(items, key=lambda i: (order.get(theme(i), len(order)), title(i).casefold()))
    cross = tuple(i for i in ranked if len(agencies(i)) > 1)
    groups = [ThemeGroup("lintas-instansi", CROSS_AGENCY, cross)] if cross else []
    for key, label in THEMES.items():
        within = tuple(i for i in ranked if theme(i) == key and len(agencies(i)) <= 1)
        if within:
            groups.append(ThemeGroup(key, label, within))
    return groups
