"""The Walidata's "publish despite violations" covers every open violation, row-bound or not."""

from __future__ import annotations

import datetime as dt

from graph.check.findings import Finding
from graph.publish.settle import acceptances_for

VIOLATION = "http://www.w3.org/ns/shacl#Violation"
ROW_RULE = "https://w3id.org/onecenter/shapes#PeriodeTidakDiMasaDepan"
WHOLE_RULE = "https://w3id.org/onecenter/shapes#DatasetMetadata"


def finding(shape: str, row: int | None) -> Finding:
    return Finding(shape=shape, focus=f"urn:x:{row}", component="c", severity=VIOLATION, row=row)


def test_row_bound_and_dataset_wide_violations_are_both_covered() -> None:
    # A draft breaking a row rule on two rows and a metadata rule with no row: one acceptance
    # limited to the rows would leave the metadata violation open (the publish was refused).
    violations = [finding(ROW_RULE, 4), finding(ROW_RULE, 9), finding(WHOLE_RULE, None)]
    accepted = acceptances_for("uji", violations, "alasan", "Walidata", dt.date(2026, 12, 6))
    assert all(any(a.covers(f) for a in accepted) for f in violations)
    # ...and the row rule stays bound to its rows: a later table breaking it elsewhere is judged again.
    assert not any(a.covers(finding(ROW_RULE, 30)) for a in accepted)
    assert {a.shapes: a.rows for a in accepted} == {(ROW_RULE,): (4, 9), (WHOLE_RULE,): None}


def test_a_rule_broken_both_on_rows_and_as_a_whole_is_accepted_for_the_dataset() -> None:
    violations = [finding(ROW_RULE, 4), finding(ROW_RULE, None)]
    accepted = acceptances_for("uji", violations, "alasan", "Walidata", dt.date(2026, 12, 6))
    assert [(a.shapes, a.rows) for a in accepted] == [((ROW_RULE,), None)]
