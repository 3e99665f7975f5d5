"""`/start` payloads: which private flow a deep link from a group opens (pure).

A link is `https://t.me/<bot>?start=<payload>`; Telegram allows at most 64
characters of A-Z, a-z, 0-9, _ and -. Anything else, or anything unknown, is
`None`: the runner simply gets the normal welcome.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

PERSONAL_FLOWS = (
    "plan",
    "checkin",
    "progress",
    "settings",
    "export",
    "forget",
    "pause",
    "resume",
    "stop",
)
_CLUB = re.compile(r"^club(-?\d{1,20})$")
MAX_PAYLOAD = 64


@dataclass(frozen=True)
class DeepLink:
    kind: Literal["flow", "club"]
    flow: str = ""  # for "flow": one of PERSONAL_FLOWS
    club_id: int = 0  # for "club": the group the runner came from


def flow_payload(flow: str) -> str:
    if flow not in PERSONAL_FLOWS:
        raise ValueError(f"not a personal flow: {flow!r}")
    return flow


def club_payload(club_id: int) -> str:
    """From a group's answer: start privately, and offer to be counted in its stats."""
    return f"club{club_id}"


def parse_payload(payload: str | None) -> DeepLink | None:
    if not payload or len(payload) > MAX_PAYLOAD:
        return None
    if payload in PERSONAL_FLOWS:
        return DeepLink("flow", flow=payload)
    found = _CLUB.match(payload)
    if found is not None:
        return DeepLink("club", club_id=int(found.group(1)))
    return None
