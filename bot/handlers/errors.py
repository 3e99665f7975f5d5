"""The global error handler: log first, then a short apology; never a stack trace to users."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.replies import APOLOGY

log = logging.getLogger(__name__)


def describe(update: object) -> str:
    """Which update failed, without what it said: message texts are health data."""
    if not isinstance(update, Update):
        return type(update).__name__
    chat = update.effective_chat
    kind = next(
        (name for name in ("message", "callback_query", "my_chat_member", "edited_message")
         if getattr(update, name) is not None),
        "other",
    )  # fmt: skip
    return f"update {update.update_id} ({kind}, {chat.type if chat else 'no'} chat)"


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log which update failed and why (never its text); tell the user, if we know who."""
    log.error("error while handling %s", describe(update), exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        await context.bot.send_message(update.effective_chat.id, APOLOGY)
    except TelegramError as exc:  # the apology is best-effort: Telegram may be the problem
        log.warning("could not send the apology: %s", exc)
