"""Sending a `Reply`: HTML, escaped text, split at 4,096, buttons on the last part."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, Literal

from telegram import (
    Bot,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.callback_data import encode
from bot.message_split import split_message
from bot.replies import Reply

logger = logging.getLogger(__name__)


class PreparedKeyboard(InlineKeyboardMarkup):
    """An inline keyboard sent to many chats at once, serialised only once.

    PTB turns `reply_markup` into a dict on every send; for the morning fan-out
    (one keyboard to thousands of runners) that was over a third of the work.
    """

    _serialised: dict[str, Any]

    def __init__(self, markup: InlineKeyboardMarkup) -> None:
        super().__init__(markup.inline_keyboard)
        # PTB objects are frozen after __init__; this cache is not part of the object's data.
        object.__setattr__(self, "_serialised", super().to_dict())

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        return dict(self._serialised)


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    buttons = [
        InlineKeyboardButton(b.label, url=b.url)
        if b.callback is None
        else InlineKeyboardButton(b.label, callback_data=encode(b.callback))
        for b in reply.buttons
    ]
    if not buttons:
        return None
    width = reply.row_width
    rows = [buttons[i : i + width] for i in range(0, len(buttons), width)]
    return InlineKeyboardMarkup(rows)


async def send_reply(
    bot: Bot, chat_id: int, reply: Reply, reply_to_message_id: int | None = None
) -> list[Message]:
    """Send `reply` (in parts if long); the messages sent, in order."""
    parts = split_message(reply.html)
    sent: list[Message] = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        message = await bot.send_message(
            chat_id,
            part,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(reply) if last else None,
            # A deleted question must not cost the answer: send it anyway.
            reply_parameters=(
                ReplyParameters(reply_to_message_id, allow_sending_without_reply=True)
                if reply_to_message_id is not None and index == 0
                else None
            ),
            disable_web_page_preview=True,
        )
        sent.append(message)
    return sent


async def acknowledge(query: CallbackQuery, notice: str | None = None) -> None:
    """Stop the button's spinner, best-effort: if Telegram fails here (a timeout, a
    query too old), the press itself must still be handled."""
    try:
        await query.answer(notice)
    except TelegramError as exc:
        logger.warning("could not answer a button press: %s", exc)


def retry_delay(error: RetryAfter) -> dt.timedelta:
    """Telegram's wait (a timedelta with PTB_TIMEDELTA on, see bot/__init__.py)."""
    wait = error.retry_after
    return wait if isinstance(wait, dt.timedelta) else dt.timedelta(seconds=float(wait))


NETWORK_RETRY = dt.timedelta(minutes=5)
# Telegram's ways of saying "this chat is gone: stop sending here".
_GONE = ("chat not found", "user is deactivated", "bot was blocked", "bot was kicked")
Outcome = Literal["sent", "gone", "retry", "moved", "refused"]


@dataclass(frozen=True)
class Delivery:
    """How a scheduled message fared, so each job decides what to do about it."""

    outcome: Outcome
    retry_in: dt.timedelta = dt.timedelta(0)  # for "retry": Telegram's wait, or ours
    new_chat_id: int | None = None  # for "moved": the group became a supergroup


async def deliver(sending: Awaitable[object]) -> Delivery:
    """Send, translating Telegram's errors once for every job that posts on its own.

    A TimedOut may still have been delivered; retrying it is the jobs' accepted risk.
    """
    try:
        await sending
    except Forbidden:
        return Delivery("gone")  # blocked, kicked or deactivated
    except ChatMigrated as exc:
        return Delivery("moved", new_chat_id=exc.new_chat_id)
    except RetryAfter as exc:
        return Delivery("retry", retry_delay(exc))
    except BadRequest as exc:
        if any(gone in exc.message.lower() for gone in _GONE):
            return Delivery("gone")
        logger.warning("scheduled message refused: %s", exc.message)
        return Delivery("refused")
    except NetworkError:
        return Delivery("retry", NETWORK_RETRY)  # TimedOut included
    return Delivery("sent")
