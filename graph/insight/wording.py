"""The words insight shows people: caveats, the sentence of a discovered pair, units and numbers.

Figures that move together invite a wrong reading (cause and effect, or a claim about
individuals), so every answer carries its caveat, and a discovered pair is said in one
sentence that claims only what the figures support. Whether the figures are real or synthetic
(``oc:syntheticData``) is said too (``data_note``): a correlation between a real indicator and
a synthetic one names both and says that it means nothing as a statistic. The texts are Indonesian first with
English alongside (``graph.text.Text``); numbers in Indonesian text take a decimal comma.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from graph.insight.catalogue import SUMMABLE
from graph.reference.indicators import Indicator
from graph.text import Text

__all__ = [
    "CAVEAT",
    "MINUS",
    "REGIONS",
    "NumberWriter",
    "caveat",
    "count_caveat",
    "data_note",
    "decimal_comma",
    "discovery_method",
    "en_number",
    "lower_first",
    "outlier_rule",
    "p_text",
    "pair_statement",
    "rates_of",
    "significant_digits",
    "strength",
    "unit_step",
    "unit_symbol",
]

NumberWriter = Callable[[float, int], str]  # (value, decimals) -> the number for people
MINUS = "\u2212"  # a real minus sign: "−0,71" reads better than a hyphen

CAVEAT = Text(
    "Korelasi bukan sebab-akibat: dua indikator yang bergerak bersama bisa sama-sama "
    "dipengaruhi hal lain (ukuran wilayah, kemiskinan, akses layanan), dan arah pengaruhnya "
    "tidak terbaca dari angka ini. Ini korelasi ekologis antarwilayah: berlaku untuk desa atau "
    "kecamatan, bukan untuk orang per orang — desa dengan angka X tinggi dan Y tinggi tidak "
    "berarti warganya yang X juga Y. Banyak pasangan diuji sekaligus, sehingga sebagian "
    "korelasi muncul karena kebetulan; nilai q (Benjamini–Hochberg) membatasi proporsi temuan "
    "palsu, tidak menghapusnya. Gunakan sebagai petunjuk untuk ditelusuri, bukan kesimpulan.",
    "Correlation is not causation: two indicators that move together may both follow "
    "something else (region size, poverty, access to services), and the direction of any "
    "effect cannot be read from these figures. This is an ecological, area-level "
    "correlation: it holds for villages or districts, not for individuals — a village high "
    "in X and in Y does not mean that its residents who are X are also Y. Many pairs are "
    "tested at once, so some correlations arise by chance; the q-values (Benjamini–Hochberg) "
    "limit the share of false findings, they do not remove them. Use this as a lead to "
    "follow up, not as a conclusion.",
)
_SYNTHETIC = Text(
    "Sebagian data ini sintetis (oc:syntheticData): angka buatan, bukan statistik resmi.",
    "Some of these data are synthetic (oc:syntheticData): made-up figures, not official statistics.",
)
_SMALL_N = Text(
    "Jumlah wilayah sedikit (n < {min_n}): koefisien sangat tidak pasti dan tidak disebut bermakna.",
    "Few regions (n < {min_n}): the coefficient is very uncertain and is not called significant.",
)
_NAMED = 3  # at most this many synthetic indicators are named in a sentence on mixed data
# Who the regions of a level are, in a sentence: (Indonesian, English).
REGIONS = {"desa": ("desa", "villages"), "kecamatan": ("kecamatan", "districts")}


def caveat(data: Text | None, small_n: bool, min_n: int) -> Text:
    """``CAVEAT``, then ``data`` (``data_note``: on real and synthetic data) and a word on few
    regions where they apply."""
    parts = [CAVEAT] + ([data] if data is not None else [])
    parts += [Text(_SMALL_N.id.format(min_n=min_n), _SMALL_N.en.format(min_n=min_n))] if small_n else []
    return Text(" ".join(p.id for p in parts), " ".join(p.en for p in parts))


def data_note(indicators: Sequence[Indicator]) -> Text | None:
    """What an analysis of ``indicators`` says about its data (each indicator's ``synthetic``:
    the figures used are ``oc:syntheticData``): nothing when all are real, that some are synthetic
    when all are, and when real and synthetic meet, which are which and that correlating them
    means nothing as a statistic.

    >>> idm = Indicator("i", label=Text("Nilai IDM", "IDM"), agency_label=Text("DPMD"))
    >>> stunting = Indicator("s", label=Text("Stunting"), synthetic=True)
    >>> print(data_note([idm, stunting]).en)
    IDM is real data (DPMD); Stunting is synthetic data: their correlation means nothing as a statistic.
    >>> data_note([idm]) is None, data_note([stunting]) == _SYNTHETIC
    (True, True)
    """
    real = [i for i in indicators if not i.synthetic]
    made = [i for i in indicators if i.synthetic]
    if not made:
        return None
    if not real:
        return _SYNTHETIC
    agencies = list(dict.fromkeys(i.agency_label.id for i in real if i.agency_label.id))
    agencies_en = list(dict.fromkeys(i.agency_label.en for i in real if i.agency_label.en))
    by_id = f" ({', '.join(agencies)})" if agencies else ""
    by_en = f" ({', '.join(agencies_en)})" if agencies_en else ""
    real_id, real_en = _names([i.label.id for i in real], "dan"), _names([i.label.en for i in real], "and")
    made_id, made_en = _names([i.label.id for i in made], "dan"), _names([i.label.en for i in made], "and")
    if len(indicators) == 2:
        return Text(
            f"{real_id} adalah data nyata{by_id}; {made_id} adalah data sintetis: korelasi keduanya "
            "tidak bermakna sebagai statistik.",
            f"{real_en} is real data{by_en}; {made_en} is synthetic data: their correlation means "
            "nothing as a statistic.",
        )
    if len(made) > _NAMED:  # many: the real ones are named, the others are "the others"
        made_id, made_en = "indikator lainnya", "the other indicators"
    return Text(
        f"{real_id} adalah data nyata{by_id}; {made_id} adalah data sintetis: korelasi antara "
        "indikator nyata dan sintetis tidak bermakna sebagai statistik.",
        f"{real_en} {'is' if len(real) == 1 else 'are'} real data{by_en}; {made_en} "
        f"{'is' if len(made) == 1 else 'are'} synthetic data: a correlation between a real and a "
        "synthetic indicator means nothing as a statistic.",
    )


def _names(names: list[str], word: str) -> str:
    """Names in a sentence: "A", "A dan B", "A, B dan C"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} {word} {names[-1]}"


def outlier_rule(threshold: float) -> Text:
    return Text(
        f"|residu terstudentkan eksternal| > {threshold}", f"|externally studentized residual| > {threshold}"
    )


def discovery_method(fdr: float, min_n: int) -> Text:
    """How the discovered pairs were found and when one is called significant."""
    return Text(
        "Semua pasangan indikator dari instansi berbeda; koefisien Pearson (peringkat "
        "menurut |r|) dan Spearman; nilai p Pearson disesuaikan dengan Benjamini–Hochberg "
        "(nilai q) atas semua "
        f"pasangan yang diuji; bermakna bila q ≤ {fdr} dan n ≥ {min_n}.",
        "Every pair of indicators from different agencies; Pearson (ranked by |r|) and Spearman "
        "coefficients; Pearson p-values adjusted with Benjamini–Hochberg (q-values) over all "
        f"tested pairs; significant when q ≤ {fdr} and n ≥ {min_n}.",
    )


def pair_statement(p: dict[str, Any], level: str, period: str) -> Text:
    """A discovered pair in one sentence for the regent's office, Indonesian and English."""
    r, n, q = p["pearson_r"], p["n"], p["q_value"]
    word = Text("kuat", "strong") if abs(r) >= 0.7 else Text("sedang", "moderate")
    if abs(r) < 0.4:
        word = Text("lemah", "weak")
    x, y = p["x"], p["y"]
    x_id, x_en = lower_first(x["label"]["id"]), lower_first(x["label"]["en"])
    y_id, y_en = lower_first(y["label"]["id"]), lower_first(y["label"]["en"])
    way_id, way_en = ("tinggi", "higher") if r > 0 else ("rendah", "lower")
    q_id = "q < 0,001" if q < 0.001 else f"q = {decimal_comma(q, 3)}"
    q_en = "q < 0.001" if q < 0.001 else f"q = {q:.3f}"
    who = REGIONS[level]
    text_id = (
        f"{period}: {who[0].capitalize()} dengan {x_id} lebih tinggi cenderung memiliki {y_id} "
        f"lebih {way_id} (hubungan {word.id}; r = {decimal_comma(r, 2)}, n = {n}, {q_id})."
    )
    text_en = (
        f"{period}: {who[1].capitalize()} with higher {x_en} tend to have {way_en} {y_en} "
        f"({word.en} association; r = {r:.2f}, n = {n}, {q_en})."
    )
    sizes = [s for s in (x, y) if s["measure_kind"] in SUMMABLE]
    if len(sizes) == 1:  # a count against a rate: part of the link may be region size
        text_id += f" Catatan: {sizes[0]['label']['id']} adalah cacah, yang ikut besar-kecilnya wilayah."
        text_en += f" Note: {sizes[0]['label']['en']} is a count, which grows with region size."
    return Text(text_id, text_en)


def strength(r: float) -> Text:
    """How strong a coefficient is, in a word: the pair sentences' thresholds (0.4, 0.7) and "very weak".

    >>> strength(-0.71).en, strength(0.05).id
    ('strong', 'sangat lemah')
    """
    size = abs(r)
    if size >= 0.7:
        return Text("kuat", "strong")
    if size >= 0.4:
        return Text("sedang", "moderate")
    if size >= 0.1:
        return Text("lemah", "weak")
    return Text("sangat lemah", "very weak")


def p_text(p: float, name: str = "p", *, number: NumberWriter) -> Text:
    """A p-value for people: "p < 0,001" below a thousandth, else three decimals.

    >>> p_text(0.0004, number=decimal_comma), p_text(0.0312, "q", number=decimal_comma).id
    ({'id': 'p < 0,001', 'en': 'p < 0.001'}, 'q = 0,031')
    """
    if p < 0.001:
        return Text(f"{name} < 0,001", f"{name} < 0.001")
    return Text(f"{name} = {number(p, 3)}", f"{name} = {p:.3f}")


def decimal_comma(value: float, digits: int) -> str:
    """A number as written in Indonesian: decimal comma.

    >>> decimal_comma(-0.7612, 2)
    '-0,76'
    """
    return f"{value:.{digits}f}".replace(".", ",")


def en_number(value: float, digits: int) -> str:
    """A number as written in English, with a real minus sign.

    >>> en_number(-1234.567, 2), en_number(-0.0001, 2)
    ('−1,234.57', '0.00')
    """
    text = f"{abs(value):,.{digits}f}"
    return (MINUS if value < 0 and text.strip("0,.") else "") + text


def significant_digits(value: float, figures: int = 3) -> int:
    """Decimals that show about ``figures`` significant figures.

    >>> significant_digits(96.83), significant_digits(-1.2576), significant_digits(0.0)
    (1, 2, 0)
    """
    if value == 0 or not math.isfinite(value):
        return 0
    return max(0, min(4, figures - 1 - math.floor(math.log10(abs(value)))))


def lower_first(label: str) -> str:
    """A label inside a sentence: the first letter lower case, unless the label is an acronym.

    >>> lower_first("Prevalensi stunting"), lower_first("KPM PKH"), lower_first("Family Hope Programme")
    ('prevalensi stunting', 'KPM PKH', 'Family Hope Programme')
    """
    return label[:1].lower() + label[1:] if label[1:] == label[1:].lower() else label


def unit_symbol(indicator: Indicator) -> str:
    """The unit as a table header shows it: '%' for percent, else its Indonesian name."""
    return "%" if indicator.unit == "persen" else indicator.unit_label.id.lower()


def unit_step(indicator: Indicator) -> Text:
    """One unit of the indicator in words (a percentage moves in percentage points)."""
    if indicator.unit == "persen":
        return Text("poin persen", "percentage points")
    return Text(indicator.unit_label.id.lower(), indicator.unit_label.en.lower())


def rates_of(count: Indicator, indicators: Iterable[Indicator]) -> list[Indicator]:
    """The rates (percentages, ratios) declared with ``count`` as their numerator (``oc:numerator``):
    what compares regions of different sizes fairly where ``count`` does not."""
    return sorted(
        (i for i in indicators if i.numerator == count.slug and i.kind in ("percentage", "ratio")),
        key=lambda i: i.slug,
    )


def count_caveat(x: Indicator, y: Indicator, indicators: Iterable[Indicator]) -> Text | None:
    """What to say when ``x`` or ``y`` is a count (jiwa, unit, keluarga …: ``oc:kindCount``): counts
    grow with a region's population, so a big desa scores high for its size alone, and a rate
    compares regions fairly; names the rate declared on the count where there is one. None for
    two indicators that are not counts.

    >>> kpm = Indicator("k", slug="kpm", label=Text("Jumlah KPM", "Recipients"), kind="count")
    >>> share = Indicator("p", slug="persen-kpm", label=Text("Persentase KPM", "Share"), kind="percentage",
    ...                   numerator="kpm")
    >>> said = count_caveat(kpm, share, [kpm, share])
    >>> said.en.startswith("Recipients is a count: counts grow with a region's population"), said.en[-26:]
    (True, 'fairly: use Share instead.')
    >>> count_caveat(share, share, [share]) is None
    True
    """
    known = list(indicators)
    counts = [i for i in (x, y) if i.kind == "count"]
    if not counts:
        return None
    names_id = _names(list(dict.fromkeys(i.label.id for i in counts)), "dan")
    names_en = _names(list(dict.fromkeys(i.label.en or i.label.id for i in counts)), "and")
    are = "are counts" if len({i.slug for i in counts}) > 1 else "is a count"
    text = Text(
        f"{names_id} adalah cacah: cacah ikut bertambah dengan jumlah penduduk wilayah, sehingga wilayah "
        "yang lebih besar tampak lebih tinggi karena besarnya saja. Angka rasio atau persentase "
        "membandingkan wilayah secara adil",
        f"{names_en} {are}: counts grow with a region's population, so a larger region shows more for "
        "its size alone. A rate compares regions fairly",
    )
    rates = [r for c in counts for r in rates_of(c, known)]
    if not rates:
        return Text(text.id + ".", text.en + ".")
    rate_id = _names([r.label.id for r in rates], "atau")
    rate_en = _names([r.label.en or r.label.id for r in rates], "or")
    return Text(f"{text.id}: pakai {rate_id}.", f"{text.en}: use {rate_en} instead.")
