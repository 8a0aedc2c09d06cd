"""One hypothesis configuration for the trust tests: bounded, deterministic, no database.

``derandomize`` makes every run try the same inputs, so CI is not flaky and the
figures ("inputs tried") can be quoted. Settings are applied per test, not as a
global profile, so other hypothesis users in the suite keep their own.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings


def trust_settings(max_examples: int) -> settings:
    return settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=True,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
            HealthCheck.filter_too_much,
        ],
    )
