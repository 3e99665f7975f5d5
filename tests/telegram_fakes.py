"""Building real Telegram updates (as JSON, the way the Bot API sends them) for tests."""

from __future__ import annotations

import itertools
import time
from typing import Any

from telegram import Update
from telegram.ext import Application

TOKEN = "123456:TEST-TOKEN-not-real"
_ids = itertools.count(1)


def user(user_id: int = 501, first_name: str = "Ana") -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "en"}


def private_chat(chat_id: int = 501) -> dict[str, Any]:
    return {"id": chat_id, "type": "private", "first_name": "Ana"}


def message(text: str | None = None, chat_id: int = 501, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": private_chat(chat_id),
        "from": user(chat_id),
        **extra,
    }
    if text is not None:
        body["text"] = text
        if text.startswith("/"):
            command = text.split()[0]
            body["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return {"update_id": next(_ids), "message": body}


def edited(text: str, chat_id: int = 501) -> dict[str, Any]:
    update = message(text, chat_id)
    update["edited_message"] = update.pop("message")
    update["edited_message"]["edit_date"] = int(time.time())
    return update


def button_press(data: str, chat_id: int = 501, message_id: int = 77) -> dict[str, Any]:
    return {
        "update_id": next(_ids),
        "callback_query": {
            "id": str(next(_ids)),
            "from": user(chat_id),
            "chat_instance": "ci-1",
            "data": data,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": private_chat(chat_id),
                "text": "earlier message",
            },
        },
    }


async def feed(app: Application, update: dict[str, Any]) -> None:  # type: ignore[type-arg]
    await app.process_update(Update.de_json(update, app.bot))


def my_chat_member(status: str, chat_id: int = 501, old: str = "member") -> dict[str, Any]:
    """The bot's own membership changed in a chat: "kicked" in a private chat is a block."""
    bot = {"id": 1_000_001, "is_bot": True, "first_name": "RunBack", "username": "RunBackBot"}
    return {
        "update_id": next(_ids),
        "my_chat_member": {
            "chat": private_chat(chat_id),
            "from": user(chat_id),
            "date": int(time.time()),
            "old_chat_member": {"status": old, "user": bot, "until_date": 2_000_000_000},
            "new_chat_member": {"status": status, "user": bot, "until_date": 2_000_000_000},
        },
    }


CLUB = -1001234567890
BOT_ID = 1_000_001


def group_chat(chat_id: int = CLUB, title: str = "Riverside Harriers") -> dict[str, Any]:
    return {"id": chat_id, "type": "supergroup", "title": title}


def group_message(
    text: str,
    user_id: int = 601,
    chat_id: int = CLUB,
    *,
    reply_to: dict[str, Any] | None = None,
    sender_chat: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A message in a club's group; commands and @mentions get their entities."""
    body: dict[str, Any] = {
        "message_id": next(_ids),
        "date": int(time.time()),
        "chat": group_chat(chat_id),
        "from": user(user_id, f"Runner{user_id}"),
        "text": text,
        **extra,
    }
    entities = []
    if text.startswith("/"):
        entities.append({"type": "bot_command", "offset": 0, "length": len(text.split()[0])})
    for word in text.split():
        if word.startswith("@"):
            offset = text.index(word)
            entities.append({"type": "mention", "offset": offset, "length": len(word)})
    if entities:
        body["entities"] = entities
    if reply_to is not None:
        body["reply_to_message"] = reply_to
    if sender_chat is not None:
        body["sender_chat"] = sender_chat
    return {"update_id": next(_ids), "message": body}


def bot_message(
    message_id: int, chat_id: int = CLUB, text: str = "an earlier answer"
) -> dict[str, Any]:
    """One of the bot's own messages, as it appears inside `reply_to_message`."""
    return {
        "message_id": message_id,
        "date": int(time.time()),
        "chat": group_chat(chat_id),
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "RunBack", "username": "RunBackBot"},
        "text": text,
    }


def group_button_press(
    data: str, user_id: int, message_id: int, question: dict[str, Any], chat_id: int = CLUB
) -> dict[str, Any]:
    """Someone in the group taps a button on the bot's reply to `question`."""
    message = bot_message(message_id, chat_id)
    message["reply_to_message"] = question
    return {
        "update_id": next(_ids),
        "callback_query": {
            "id": str(next(_ids)),
            "from": user(user_id, f"Runner{user_id}"),
            "chat_instance": "club",
            "data": data,
            "message": message,
        },
    }


def bot_membership(status: str, chat_id: int = CLUB, old: str = "member") -> dict[str, Any]:
    """The bot added to (member/administrator) or removed from (left/kicked) a group."""
    bot = {"id": BOT_ID, "is_bot": True, "first_name": "RunBack", "username": "RunBackBot"}
    return {
        "update_id": next(_ids),
        "my_chat_member": {
            "chat": group_chat(chat_id),
            "from": user(601),
            "date": int(time.time()),
            "old_chat_member": {"status": old, "user": bot, "until_date": 2_000_000_000},
            "new_chat_member": {"status": status, "user": bot, "until_date": 2_000_000_000},
        },
    }
