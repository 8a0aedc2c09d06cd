"""Cell text as a person reads it: every digit ASCII, spaces and dashes plain, nothing invisible.

A number can look like a NIK on screen and still not be sixteen ASCII digits to a regular
expression: fullwidth digits (``１８０９…``) or another script's digits, a zero-width space
(U+200B), a soft hyphen or a word joiner between them, a non-breaking, thin or narrow space
between the groups. ``fold`` writes the text as it reads:

- a digit of any script (``unicodedata.decimal``) as its ASCII digit, and compatibility
  forms (NFKC: fullwidth ``，．＋``, superscript ``²``, circled ``①``) as their plain form;
- every space-like character (Unicode ``Z*``, tab, line breaks) as one space, every dash
  (``Pd``, the minus sign U+2212) as ``-``;
- invisible characters removed: format characters (``Cf``: zero-width spaces and joiners,
  soft hyphen, word joiner, byte-order mark, direction marks), other control characters,
  combining marks (``Mn``, ``Me``: variation selectors, the combining grapheme joiner) and
  the letters that show as blanks (Hangul fillers, the blank Braille pattern).

Each character of the folded text remembers the character of the original it came from,
so that what is found in the folded text is masked in the original.

>>> fold("１８０９\u200b01").text, fold("0812\u00a03456").text
('180901', '0812 3456')
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["NOT_PLAIN", "Folded", "fold"]

# Cells that need folding: anything but printable ASCII. A column-wise pre-filter, written
# for both of pandas' regular-expression engines (Python's and Arrow's RE2).
NOT_PLAIN = r"[^\x20-\x7e]"
_PLAIN = re.compile(r"[\x20-\x7e]*")
_INVISIBLE = r"Cf Cc Cs Mn Me".split()
# Letters and symbols that render as nothing or as a blank.
_BLANK_LOOKING = frozenset("\u115f\u1160\u17b4\u17b5\u3164\uffa0\u2800")


@dataclass(frozen=True)
class Folded:
    """A folded text, and for each of its characters the position in the original."""

    text: str
    origin: tuple[int, ...] | None  # None: the original was plain already

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original's span of the folded ``text[start:end]`` (``end > start``)."""
        if self.origin is None:
            return start, end
        return self.origin[start], self.origin[end - 1] + 1


def fold(text: str) -> Folded:
    """``text`` as it reads (see the module's description), with where each character came from."""
    if _PLAIN.fullmatch(text):
        return Folded(text, None)
    out: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        out.append(folded)
        origin += [i] * len(folded)
    return Folded("".join(out), tuple(origin))


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    plain = _plain_char(ch)
    if plain is not None:
        return plain
    compatible = unicodedata.normalize("NFKC", ch)
    if compatible == ch:
        return ch
    # NFKC's result is folded once more (its digits and spaces), never normalised again.
    return "".join(p if (p := _plain_char(c)) is not None else c for c in compatible)


def _plain_char(ch: str) -> str | None:
    """What one character reads as, when that is plain: None when NFKC should say."""
    if " " <= ch <= "~":
        return ch
    if ch.isspace():
        return " "
    category = unicodedata.category(ch)
    if category[0] == "Z":
        return " "
    if category in _INVISIBLE or ch in _BLANK_LOOKING:
        return ""
    if category == "Pd" or ch == "\u2212":
        return "-"
    digit = unicodedata.decimal(ch, None)
    if digit is not None:
        return str(digit)
    return None
