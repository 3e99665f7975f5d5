"""Who is a group admin, remembered briefly: a busy club shouldn't cost a getChatMember a time."""

from __future__ import annotations

import datetime as dt

TTL = dt.timedelta(minutes=5)


class AdminCache:
    def __init__(self, ttl: dt.timedelta = TTL) -> None:
        self._ttl = ttl
        self._known: dict[tuple[int, int], tuple[bool, dt.datetime]] = {}

    def get(self, chat_id: int, user_id: int, now: dt.datetime) -> bool | None:
        found = self._known.get((chat_id, user_id))
        if found is None or now - found[1] > self._ttl:
            return None
        return found[0]

    def put(self, chat_id: int, user_id: int, is_admin: bool, now: dt.datetime) -> None:
        if len(self._known) > 10_000:  # a bound, not a policy: stale entries just go
            self._known = {k: v for k, v in self._known.items() if now - v[1] <= self._ttl}
        self._known[(chat_id, user_id)] = (is_admin, now)
