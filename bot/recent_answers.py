"""Flood control for groups: the same question again within minutes gets a pointer instead."""

from __future__ import annotations

import datetime as dt

WINDOW = dt.timedelta(minutes=10)


class RecentAnswers:
    """What each group was answered lately (in memory: a restart only forgets ten minutes)."""

    def __init__(self, window: dt.timedelta = WINDOW) -> None:
        self._window = window
        self._answers: dict[tuple[int, str], tuple[dt.datetime, int]] = {}

    def earlier(self, chat_id: int, question: str, now: dt.datetime) -> int | None:
        """The message id of an answer to the same question in the window, if any."""
        found = self._answers.get((chat_id, question))
        if found is None or now - found[0] > self._window:
            return None
        return found[1]

    def remember(self, chat_id: int, question: str, now: dt.datetime, message_id: int) -> None:
        self._answers = {
            key: value for key, value in self._answers.items() if now - value[0] <= self._window
        }
        self._answers[(chat_id, question)] = (now, message_id)

    def move(self, old_chat_id: int, new_chat_id: int) -> None:
        """A group became a supergroup: its recent answers follow it."""
        self._answers = {
            ((new_chat_id if chat == old_chat_id else chat), question): value
            for (chat, question), value in self._answers.items()
        }
