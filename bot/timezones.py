"""Turning what a runner types ("london", "America/New York") into an IANA zone name."""

from __future__ import annotations

import re
import zoneinfo
from functools import cache

from rapidfuzz import fuzz, process

# Present on some systems' tz path but not zones anyone should pick.
_NOT_ZONES = frozenset({"Factory", "localtime", "posixrules"})
# The areas the tz database files its canonical Area/Location names under;
# everything else ("US/Eastern", "GB", "Etc/GMT+5", "Canada/...") is a legacy alias.
_AREAS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Arctic",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)
_SCORE_CUTOFF = 60.0


@cache
def _known_names() -> dict[str, str]:
    """Every available zone, keyed by its folded form."""
    names = (zoneinfo.available_timezones() | {"UTC", "GMT"}) - _NOT_ZONES
    return {_fold(name): name for name in sorted(names)}


@cache
def _suggestable() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Canonical Area/Location names with their full and city forms, as the scorers see them."""
    names = tuple(name for name in _known_names().values() if name.split("/", 1)[0] in _AREAS)
    full = tuple(_readable(name) for name in names)
    city = tuple(_readable(name.rsplit("/", 1)[-1]) for name in names)
    return names, full, city


def find_timezone(text: str) -> str | None:
    """The IANA name `text` spells exactly, ignoring case and spaces-for-underscores."""
    return _known_names().get(_fold(text))


def suggest_timezones(text: str, limit: int = 3) -> list[str]:
    """The closest canonical zone names to a misspelt `text`, best first."""
    query = _readable(text)
    if not query or limit <= 0:
        return []
    names, full, city = _suggestable()
    scores: dict[int, float] = {}
    # A city alone ("sydney") is matched against the part after the last "/";
    # a query with an area ("Amercia/Chicago") against the whole name.
    choice_sets = [full] if "/" in query else [full, city]
    for choices in choice_sets:
        for _, score, index in process.extract(
            query, choices, scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=_SCORE_CUTOFF
        ):
            scores[index] = max(score, scores.get(index, 0.0))
    ranked = sorted(scores, key=lambda index: (-scores[index], len(names[index]), names[index]))
    return [names[index] for index in ranked[:limit]]


def _fold(text: str) -> str:
    return re.sub(r"\s*/\s*", "/", " ".join(text.split())).replace(" ", "_").casefold()


def _readable(text: str) -> str:
    """Lower-case words: rapidfuzz 3 no longer lower-cases or strips by itself."""
    spaced = re.sub(r"[\s_]+", " ", text.replace("-", " ")).strip().lower()
    return re.sub(r"\s*/\s*", "/", spaced)
