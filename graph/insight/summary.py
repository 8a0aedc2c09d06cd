"""A correlation read out in plain words, for the Wawasan page: headline, tendency, line, slope.

The page tells an analyst what the figures support and no more: how strong and which way
the association goes, with n and p; when the regions are too few or the association could
be chance, it says so instead of a tendency; whether Spearman's rank correlation agrees;
and the least-squares line as an equation and in words with r². Indonesian first, English
alongside. The caller passes the Indonesian number writer its pages use (``number``), so
a figure reads the same in the sentence and in the table next to it.
"""

from __future__ import annotations

from graph.insight.correlate import Correlation
from graph.insight.statistics import Stats
from graph.insight.wording import (
    MINUS,
    REGIONS,
    NumberWriter,
    en_number,
    lower_first,
    p_text,
    significant_digits,
    strength,
    unit_step,
)
from graph.text import Text

__all__ = ["correlation_summary"]


def correlation_summary(c: Correlation, number: NumberWriter) -> dict[str, Text]:
    """``headline`` and ``tendency``, and with a line ``spearman``, ``equation`` and ``slope``."""
    s = c.stats
    if s is None:
        who = REGIONS[c.level]
        return {
            "headline": Text("Korelasi tidak dapat dihitung", "No correlation can be computed"),
            "tendency": Text(
                f"perlu sedikitnya 3 {who[0]} dengan nilai kedua indikator yang tidak semuanya sama "
                f"(ada {len(c.table)}).",
                f"it needs at least 3 {who[1]} with values of both indicators that are not all equal "
                f"(there are {len(c.table)}).",
            ),
        }
    return {
        "headline": _headline(s, number),
        "tendency": _tendency(c, s),
        "spearman": _spearman(s, number),
        "equation": _equation(c, s, number),
        "slope": _slope(c, s, number),
    }


def _headline(s: Stats, number: NumberWriter) -> Text:
    r, p, word = s.pearson_r, p_text(s.pearson_p, number=number), strength(s.pearson_r)
    sign = Text("positif", "positive") if r > 0 else Text("negatif", "negative")
    return Text(
        f"Hubungan {sign.id} {word.id} (r = {number(r, 2)}; n = {s.n}; {p.id})",
        f"{word.en.capitalize()} {sign.en} association (r = {en_number(r, 2)}; n = {s.n}; {p.en})",
    )


def _tendency(c: Correlation, s: Stats) -> Text:
    """Which way y goes with x, claimed only when the regions are enough and chance is unlikely."""
    who = REGIONS[c.level]
    if c.small_n:
        return Text(
            f"hanya {s.n} {who[0]}: terlalu sedikit untuk menyimpulkan apa pun; koefisien ini sangat "
            "tidak pasti.",
            f"only {s.n} {who[1]}: too few to conclude anything; the coefficient is very uncertain.",
        )
    if s.pearson_p >= 0.05:
        return Text(
            "tidak bermakna secara statistik: hubungan sebesar ini bisa muncul karena kebetulan saja.",
            "not statistically significant: an association this size can arise by chance alone.",
        )
    x_id, x_en = lower_first(c.x.label.id), lower_first(c.x.label.en)
    y_id, y_en = lower_first(c.y.label.id), lower_first(c.y.label.en)
    way = Text("tinggi", "higher") if s.pearson_r > 0 else Text("rendah", "lower")
    text_id = f"{who[0]} dengan {x_id} lebih tinggi cenderung memiliki {y_id} lebih {way.id}."
    text_en = f"{who[1]} with higher {x_en} tend to have {way.en} {y_en}."
    if abs(s.pearson_r) < 0.4:
        text_id += f" Hubungannya lemah: banyak {who[0]} tidak mengikuti pola ini."
        text_en += f" The association is weak: many {who[1]} do not follow this pattern."
    return Text(text_id, text_en)


def _spearman(s: Stats, number: NumberWriter) -> Text:
    rho, rho_p = s.spearman_rho, p_text(s.spearman_p, number=number)
    differs = (rho > 0) != (s.pearson_r > 0) or abs(rho - s.pearson_r) > 0.2
    return Text(
        f"Korelasi peringkat Spearman ρ = {number(rho, 2)} ({rho_p.id}): "
        + (
            "berbeda cukup jauh dari Pearson — beberapa nilai ekstrem atau hubungan yang tidak lurus ikut "
            "berperan; lihat diagram."
            if differs
            else "sejalan dengan Pearson."
        ),
        f"Spearman rank correlation ρ = {en_number(rho, 2)} ({rho_p.en}): "
        + (
            "quite different from Pearson — a few extreme values or a curved relation play a part; see the "
            "chart."
            if differs
            else "in line with Pearson."
        ),
    )


def _equation(c: Correlation, s: Stats, number: NumberWriter) -> Text:
    """The line y ≈ a ± b × x, each figure to about three significant figures."""
    x_id, x_en = lower_first(c.x.label.id), lower_first(c.x.label.en)
    y_id, y_en = lower_first(c.y.label.id), lower_first(c.y.label.en)
    a, b = s.intercept, s.slope
    a_digits, b_digits = significant_digits(a), significant_digits(b)
    sign_b = "+" if b >= 0 else MINUS
    return Text(
        f"{y_id} ≈ {number(a, a_digits)} {sign_b} {number(abs(b), b_digits)} × {x_id}",
        f"{y_en} ≈ {en_number(a, a_digits)} {sign_b} {en_number(abs(b), b_digits)} × {x_en}",
    )


def _slope(c: Correlation, s: Stats, number: NumberWriter) -> Text:
    """The slope in the indicators' units, and the share of the variation the line accounts for."""
    who = REGIONS[c.level]
    x_id, x_en = lower_first(c.x.label.id), lower_first(c.x.label.en)
    y_id, y_en = lower_first(c.y.label.id), lower_first(c.y.label.en)
    b = s.slope
    b_digits = significant_digits(b)
    x_step, y_step = unit_step(c.x), unit_step(c.y)
    more = Text("lebih tinggi", "higher") if b >= 0 else Text("lebih rendah", "lower")
    share = round(100 * s.r_squared)
    return Text(
        f"Rata-rata, {who[0]} dengan {x_id} 1 {x_step.id} lebih tinggi memiliki {y_id} "
        f"{number(abs(b), b_digits)} {y_step.id} {more.id}; garis ini menjelaskan sekitar {share} % "
        f"keragaman {y_id} antar{who[0]} (r² = {number(s.r_squared, 2)}).",
        f"On average, {who[1]} with {x_en} 1 {x_step.en.removesuffix('s')} higher have "
        f"{en_number(abs(b), b_digits)} {y_step.en} {more.en} {y_en}; the line accounts for about "
        f"{share}% of the variation in {y_en} between {who[1]} (r² = {s.r_squared:.2f}).",
    )
