"""The global error handler: log first, then a short apology; never a stack trace to users."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.replies import APOLOGY

log = logging.getLogger(__name__)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the update and the error; tell the user something went wrong, if we know who."""
    log.error("error while handling update %r", update, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        await context.bot.send_message(update.effective_chat.id, APOLOGY)
    except TelegramError as exc:  # the apology is best-effort: Telegram may be the problem
        log.warning("could not send the apology: %s", exc)
