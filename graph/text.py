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
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

__all__ = ["Text"]


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
