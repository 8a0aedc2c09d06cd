"""People-facing text: Indonesian first, English alongside, in one type.

A ``Text`` is a ``dict`` with the keys ``"id"`` (Indonesian) and ``"en"`` (English), so it
goes into JSON answers and templates as it is, and it reads as attributes too:

>>> title = Text("Prevalensi stunting", "Stunting prevalence")
>>> title.id, title["en"]
('Prevalensi stunting', 'Stunting prevalence')
>>> title == {"id": "Prevalensi stunting", "en": "Stunting prevalence"}
True

A text with one language only is shown in that language in both places:

>>> Text("Kecamatan Way Lima")
{'id': 'Kecamatan Way Lima', 'en': 'Kecamatan Way Lima'}
>>> Text.of({"en": "Households", "": "Rumah tangga"})
{'id': 'Rumah tangga', 'en': 'Households'}
>>> Text("baris kosong", "empty row").joined()
'baris kosong / empty row'

It survives ``dataclasses.asdict`` and ``copy``, which rebuild a dict from its items:

>>> from dataclasses import asdict, dataclass
>>> @dataclass
... class Label:
...     text: Text
>>> asdict(Label(Text("Desa", "Village")))
{'text': {'id': 'Desa', 'en': 'Village'}}

In a pydantic schema (mapping and question files) both keys are required, non-empty, and
no other key is allowed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

__all__ = ["Text", "en_number", "figure_text", "id_number", "published_decimals"]


class Text(dict[str, str]):
    """A people-facing text: ``"id"`` (Indonesian, shown first) and ``"en"`` (English)."""

    __slots__ = ()

    def __init__(self, id: str | Iterable[tuple[str, str]], en: str | None = None) -> None:
        if not isinstance(id, str):  # as dict() takes it: dataclasses.asdict copies a Text so
            pairs = dict(id)
            id, en = pairs.get("id", ""), pairs.get("en")
        super().__init__(id=id or en or "", en=en or id)

    @property
    def id(self) -> str:
        return self["id"]

    @property
    def en(self) -> str:
        return self["en"]

    @classmethod
    def of(cls, labels: Mapping[str, str | None], fallback: str = "") -> Text:
        """A text from ``{language: text}`` (``""`` for a literal without a language tag).

        Indonesian is the ``id`` text, else the plain literal, else the English; a missing
        English takes the Indonesian; with none of them, ``fallback``.
        """
        indonesian = labels.get("id") or labels.get("") or labels.get("en") or fallback
        return cls(indonesian, labels.get("en") or indonesian)

    def joined(self, separator: str = " / ") -> str:
        """Both languages in one line (one language once when they are the same)."""
        return self.id if self.id == self.en else f"{self.id}{separator}{self.en}"

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        required = core_schema.str_schema(min_length=1)
        shape = core_schema.typed_dict_schema(
            {
                "id": core_schema.typed_dict_field(required),
                "en": core_schema.typed_dict_field(required),
            },
            extra_behavior="forbid",
        )
        return core_schema.no_info_after_validator_function(
            lambda value: cls(value["id"], value["en"]),
            shape,
            serialization=core_schema.plain_serializer_function_ser_schema(dict),
        )


# --- numbers, as people read them -------------------------------------------------------------


def id_number(value: object, digits: int | None = None) -> str:
    """A number written the Indonesian way for people: ``1.234,5``, ``−0,71``; ``—`` for none.

    Accepts numbers and numeric strings (an RDF literal's lexical form). ``digits`` None:
    at most three decimals, trailing zeros dropped (a figure keeps the precision it was
    published with); a number: exactly that many decimals. The minus is the typographic
    one (U+2212). Text that is not a number is returned as it is. In templates: ``|id_number``.

    >>> id_number(-0.7124, 2), id_number("12345.5"), id_number(148.0), id_number(None), id_number("abc")
    ('−0,71', '12.345,5', '148', '—', 'abc')
    """
    return _written(value, digits, "id_ID")


def published_decimals(lexical: str, most: int = 4) -> int | None:
    """The decimals a figure was published with, when ``id_number``'s default three would cut
    them and they are at most ``most`` (an index on 0–1 such as an IDM score of 0.6719); else
    None, ``id_number``'s default (a computed value's long fraction is still cut at three).

    >>> published_decimals("0.6719"), published_decimals("13.8"), published_decimals("3.81234567")
    (4, None, None)
    >>> id_number("0.6719", published_decimals("0.6719")), published_decimals("abc")
    ('0,6719', None)
    """
    whole, point, fraction = lexical.strip().partition(".")
    if not point or not fraction.isdigit() or not whole.lstrip("+-").isdigit():
        return None
    return len(fraction) if 3 < len(fraction) <= most else None


def en_number(value: object, digits: int | None = None) -> str:
    """``id_number`` the English way: ``1,234.5``, ``−0.71``.

    >>> en_number(-0.7124, 2), en_number("42943"), en_number("14.30")
    ('−0.71', '42,943', '14.3')
    """
    return _written(value, digits, "en_US")


def figure_text(value: object) -> Text | None:
    """A figure as a message shows it, Indonesian and English; None when it is not a number.

    Thousands grouped; a figure read from a table keeps its decimals (up to three), a
    computed one with a long fraction is rounded to two decimals (to three significant
    figures below 1).

    >>> figure_text("42943"), figure_text("14.3")
    ({'id': '42.943', 'en': '42,943'}, {'id': '14,3', 'en': '14.3'})
    >>> figure_text("117.989417989417"), figure_text("0.000123456"), figure_text("abc")
    ({'id': '117,99', 'en': '117.99'}, {'id': '0,000123', 'en': '0.000123'}, None)
    """
    if isinstance(value, str) and value.replace(".", "", 1).isdigit():  # the usual figure, fast
        whole, _, fraction = value.partition(".")
        fraction = fraction.rstrip("0")
        if len(fraction) <= 3:
            english = f"{int(whole or 0):,}" + ("." + fraction if fraction else "")
            return Text(english.translate(_INDONESIAN), english)
    number = _decimal(value)
    if number is None or not number.is_finite():
        return None
    exponent = number.as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    digits: int | None = None
    if decimals > 3 and len(str(number).rstrip("0").partition(".")[2]) > 3:
        small = 0 < abs(number) < 1
        digits = min(12, 2 - number.adjusted()) if small else 2
    english = en_number(number, digits)
    if digits is not None:  # rounded: no trailing zeros either ("0.50" -> "0.5")
        english = _trimmed(english, ".")
    return Text(english.translate(_INDONESIAN), english)


def _trimmed(text: str, point: str) -> str:
    return text.rstrip("0").rstrip(point) if point in text else text


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        return None
    try:
        return Decimal(value.strip()) if isinstance(value, str) else Decimal(str(value))
    except InvalidOperation:
        return None


def _written(value: object, digits: int | None, locale: str) -> str:
    # Python's own formatting (half-even rounding, as babel's): messages write hundreds of
    # thousands of figures per validation, and babel took ten times as long per figure.
    if value is None:
        return "—"
    number = _decimal(value)
    if number is None:
        return str(value)
    if not number.is_finite():
        return "—" if not isinstance(value, str) else str(value)
    text = f"{abs(number):,.{3 if digits is None else digits}f}"
    if digits is None and "." in text:
        text = text.rstrip("0").rstrip(".")
    if locale == "id_ID":
        text = text.translate(_INDONESIAN)
    return ("\u2212" if number < 0 and text.strip("0,.") else "") + text


_INDONESIAN = str.maketrans({",": ".", ".": ","})
