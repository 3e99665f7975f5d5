"""Zone names as runners type them: exact spellings, and suggestions for typos."""

from __future__ import annotations

import zoneinfo

import pytest

from bot.timezones import find_timezone, suggest_timezones


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Europe/London", "Europe/London"),
        ("europe/london", "Europe/London"),
        ("EUROPE/LONDON", "Europe/London"),
        ("  Europe/London  ", "Europe/London"),
        ("Europe / London", "Europe/London"),
        ("America/New York", "America/New_York"),
        ("america/new_york", "America/New_York"),
        ("America/New  York", "America/New_York"),
        ("america/argentina/buenos aires", "America/Argentina/Buenos_Aires"),
        ("Asia/Kolkata", "Asia/Kolkata"),
        ("America/Port-au-Prince", "America/Port-au-Prince"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("GMT", "GMT"),
        ("gmt", "GMT"),
        ("london", None),
        ("Europe/Londn", None),
        ("localtime", None),  # a system file, not a zone
        ("Factory", None),
        ("", None),
        ("   ", None),
        ("Europe/", None),
    ],
)
def test_find_timezone(text: str, expected: str | None) -> None:
    assert find_timezone(text) == expected


def test_every_found_name_opens() -> None:
    for name in ("Europe/London", "America/New_York", "UTC", "GMT"):
        found = find_timezone(name.lower())
        assert found is not None
        assert str(zoneinfo.ZoneInfo(found)) == name


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("Europe/Londn", "Europe/London"),
        ("london", "Europe/London"),
        ("London", "Europe/London"),
        ("new york", "America/New_York"),
        ("New_York", "America/New_York"),
        ("sydney", "Australia/Sydney"),
        ("Amercia/Chicago", "America/Chicago"),
        ("kolkata", "Asia/Kolkata"),
        ("paris", "Europe/Paris"),
        ("berlin ", "Europe/Berlin"),
        ("los angeles", "America/Los_Angeles"),
        ("tokio", "Asia/Tokyo"),
        ("auckland", "Pacific/Auckland"),
    ],
)
def test_suggestions_put_the_intended_zone_first(text: str, first: str) -> None:
    suggestions = suggest_timezones(text)
    assert suggestions[0] == first
    assert len(suggestions) <= 3


def test_suggestions_leave_out_legacy_aliases() -> None:
    for text in ("eastern", "US/Eastern", "GB", "Etc/GMT+5", "pacific", "canada/central"):
        for name in suggest_timezones(text, limit=10):
            area = name.split("/", 1)[0]
            assert "/" in name
            assert area not in {"Etc", "US", "Canada", "Brazil", "Mexico", "Chile", "SystemV"}


def test_suggestion_limit() -> None:
    assert len(suggest_timezones("america", limit=5)) == 5
    assert suggest_timezones("london", limit=1) == ["Europe/London"]
    assert suggest_timezones("london", limit=0) == []


@pytest.mark.parametrize("text", ["asdfgh", "", "   ", "/", "🏃", "x" * 500, "////"])
def test_garbage_does_not_crash(text: str) -> None:
    suggestions = suggest_timezones(text)
    assert isinstance(suggestions, list)
    assert len(suggestions) <= 3
    assert all(name in zoneinfo.available_timezones() for name in suggestions)


def test_empty_text_has_no_suggestions() -> None:
    assert suggest_timezones("") == []
    assert suggest_timezones("  ") == []
