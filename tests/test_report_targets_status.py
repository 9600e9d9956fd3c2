"""A target's status as the report prints it: achieved only in the target year."""

from __future__ import annotations

import pytest

from esgledger.report.sources import reported_status


@pytest.mark.parametrize(
    ("status", "year", "expected_path", "actual", "printed"),
    [
        # base year 2024 = report year: no progress to judge yet (not "achieved", not "on track")
        ("achieved", 2024, 2.956, 2.25, "baseline"),
        # 2026 target met early in 2025: on track against the straight path, not achieved
        ("achieved", 2025, 2.60, 2.50, "on track"),
        ("achieved", 2025, 2.40, 2.50, "off track"),
        # the target year's value is in and meets the target
        ("achieved", 2026, 2.20, 2.10, "achieved"),
        ("no data", 2025, None, None, "no data"),
    ],
)
def test_reported_status(
    status: str, year: int, expected_path: float | None, actual: float | None, printed: str
) -> None:
    target_year = 2025 if year == 2024 else 2026
    assert (
        reported_status(status, year, 2024, target_year, expected_path, actual, "decrease")
        == printed
    )
