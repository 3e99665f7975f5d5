"""Inline-button payloads: one compact, versioned format, at most 64 bytes.

Telegram hands callback data back verbatim, and anyone can send any bytes, so
decoding never raises: anything unknown, forged or from an older version is
`None`, which the handlers answer as "this button is out of date".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

VERSION = "1"
MAX_BYTES = 64  # Telegram's limit; PTB does not check it (BUTTON_DATA_INVALID)
Action = Literal["topic", "menu", "answer"]
MENU_ITEMS = ("ask", "topics", "plan", "help")
_CODES: dict[Action, str] = {"topic": "t", "menu": "m", "answer": "a"}
_ACTIONS = {code: action for action, code in _CODES.items()}
_VALUE = re.compile(r"^[a-z0-9-]{1,48}$")
_ANSWER = re.compile(r"^[a-z0-9]{4,12}-[a-z0-9-]{1,32}$")


@dataclass(frozen=True)
class Callback:
    """What a button asks for: a topic's answer, a menu entry, or an answer to a question.

    An answer's value is `<question token>-<choice>`: the token names the one
    question the runner is being asked, so a button from an older message
    cannot change anything.
    """

    action: Action
    value: str

    @classmethod
    def answer(cls, token: str, choice: str) -> Callback:
        return cls("answer", f"{token}-{choice}")

    @property
    def token_and_choice(self) -> tuple[str, str]:
        token, _, choice = self.value.partition("-")
        return token, choice


def encode(callback: Callback) -> str:
    """`1:t:heat-and-ice`; raises ValueError for values a button must not carry."""
    if not _VALUE.match(callback.value):
        raise ValueError(f"callback value not allowed: {callback.value!r}")
    data = f"{VERSION}:{_CODES[callback.action]}:{callback.value}"
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"callback data over {MAX_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None) -> Callback | None:
    """The button's request, or None for anything stale, unknown or forged."""
    if not data or len(data.encode("utf-8", "surrogatepass")) > MAX_BYTES:
        return None
    version, _, rest = data.partition(":")
    code, _, value = rest.partition(":")
    action = _ACTIONS.get(code)
    if version != VERSION or action is None or not _VALUE.match(value):
        return None
    if action == "menu" and value not in MENU_ITEMS:
        return None
    if action == "answer" and not _ANSWER.match(value):
        return None
    return Callback(action, value)
