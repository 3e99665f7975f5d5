"""Which worker process handles an update (pure): always the same one for a chat.

With several worker processes (`WORKERS`), every update of one chat must go to
the same process: a runner's messages are then handled in the order they were
sent, and what a process keeps in memory for a chat (recent answers, a group's
admins) stays valid. Updates are routed as raw Bot API JSON, before any
parsing, so the router stays cheap.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Update fields whose object carries the chat it happened in.
_CHAT_FIELDS = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_message",
    "edited_business_message",
    "my_chat_member",
    "chat_member",
    "chat_join_request",
    "message_reaction",
    "message_reaction_count",
    "chat_boost",
    "removed_chat_boost",
)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _chat_id(obj: Any) -> int | None:
    if not isinstance(obj, Mapping):
        return None
    chat = obj.get("chat")
    return _int(chat.get("id")) if isinstance(chat, Mapping) else None


def _user_id(obj: Any) -> int | None:
    if not isinstance(obj, Mapping):
        return None
    user = obj.get("from")
    return _int(user.get("id")) if isinstance(user, Mapping) else None


def chat_key(update: Mapping[str, Any]) -> int | None:
    """The chat an update belongs to; for a button press, the chat its message is in.

    A press on a message that has no chat attached (an inline message) and the
    update kinds without a chat (inline queries, polls) use the sender's id,
    which is also their private chat's id. None: nothing to route by.
    """
    for name in _CHAT_FIELDS:
        if name in update:
            return _chat_id(update[name])
    press = update.get("callback_query")
    if press is not None:
        return _chat_id(press.get("message") if isinstance(press, Mapping) else None) or (
            _user_id(press)
        )
    for value in update.values():
        found = _user_id(value)
        if found is not None:
            return found
    return None


def shard_for(update: Mapping[str, Any], workers: int) -> int:
    """The worker (0 to workers - 1) for an update; one without a chat goes to 0."""
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    key = chat_key(update)
    return 0 if key is None else key % workers
