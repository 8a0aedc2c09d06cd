"""The date filters every page uses: Jakarta time, Indonesian month names, from babel's CLDR data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from api.pages import TEMPLATES, id_date, id_datetime


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-12-04T07:05:00Z", "4 Desember 2026, 14.05 WIB"),
        ("2026-12-04T07:05:00.123456+00:00", "4 Desember 2026, 14.05 WIB"),
        ("2026-08-17T10:00:00+09:00", "17 Agustus 2026, 08.00 WIB"),  # from WIT
        ("2026-03-01T00:30:00", "1 Maret 2026, 07.30 WIB"),  # no offset: the stores write UTC
        (datetime(2026, 5, 31, 18, 0, tzinfo=UTC), "1 Juni 2026, 01.00 WIB"),
        (datetime(2026, 2, 1, 9, 0, tzinfo=timezone(timedelta(hours=8))), "1 Februari 2026, 08.00 WIB"),
        ("2026-10-02", "2 Oktober 2026"),
    ],
)
def test_id_datetime_writes_jakarta_time(moment: object, expected: str) -> None:
    assert id_datetime(moment) == expected


def test_id_date_is_the_day_in_jakarta() -> None:
    assert id_date("2026-12-31T17:00:00Z") == "1 Januari 2027"  # already the new year in Jakarta
    assert id_date("2026-12-31T16:59:59Z") == "31 Desember 2026"


@pytest.mark.parametrize("odd", ["", None, "besok", "2026-02-30", 42])
def test_none_and_unparsable(odd: object) -> None:
    expected = "—" if odd in ("", None) else str(odd)
    assert id_datetime(odd) == expected
    assert id_date(odd) == expected


def test_registered_as_template_filters() -> None:
    page = TEMPLATES.from_string("{{ t|id_datetime }} · {{ t|id_date }}").render(t="2026-12-04T07:05:00Z")
    assert page == "4 Desember 2026, 14.05 WIB · 4 Desember 2026"
