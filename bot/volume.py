"""A runner's usual weekly running: parsing what they type, and saying it back."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

VolumeUnit = Literal["km", "mi", "min"]


@dataclass(frozen=True)
class UsualVolume:
    """The runner's usual weekly running, as they told it."""

    amount: float
    unit: VolumeUnit


_UNIT_WORDS: dict[VolumeUnit, tuple[str, str]] = {
    "km": ("km", "km"),
    "mi": ("mile", "miles"),
    "min": ("minute", "minutes"),
}


def round_volume(amount: float, unit: VolumeUnit) -> float:
    if unit == "min":
        return float(max(5, round(amount / 5) * 5))
    if amount >= 10:
        return float(round(amount))
    return max(0.5, round(amount * 2) / 2)


def format_volume(volume: UsualVolume) -> str:
    """'30 km', '12.5 miles', '1 mile', '180 minutes'."""
    amount = round(volume.amount, 1)
    number = f"{amount:g}"
    singular, plural = _UNIT_WORDS[volume.unit]
    return f"{number} {singular if amount == 1 else plural}"


_UNITS: dict[str, tuple[VolumeUnit, float]] = {
    **dict.fromkeys(
        ("k", "km", "kms", "kilometre", "kilometres", "kilometer", "kilometers"), ("km", 1.0)
    ),
    **dict.fromkeys(("mi", "mile", "miles"), ("mi", 1.0)),
    **dict.fromkeys(("min", "mins", "minute", "minutes"), ("min", 1.0)),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), ("min", 60.0)),
}
_LIMITS: dict[VolumeUnit, float] = {"km": 500, "mi": 300, "min": 3000}
_VOLUME = re.compile(
    r"^(?:about|around|roughly|~)?\s*(\d+(?:[.,]\d+)?)\s*([a-z]+)\.?"
    r"(?:\s*(?:(?:a|per|each|every|/)\s*(?:week|wk)|weekly))?\.?$"
)


def parse_volume(text: str) -> UsualVolume | None:
    """'30 km', '20 miles', '3 hours' (as 180 minutes), '25k'; None for anything unclear."""
    found = _VOLUME.match(" ".join(text.lower().split()))
    if found is None or found.group(2) not in _UNITS:
        return None
    number = found.group(1)
    if re.fullmatch(r"\d+,\d{3}", number):
        return None  # "1,500": a thousands separator or a decimal comma? Ask again.
    unit, factor = _UNITS[found.group(2)]
    amount = float(number.replace(",", ".")) * factor
    if not 0 < amount <= _LIMITS[unit]:
        return None
    return UsualVolume(amount, unit)
