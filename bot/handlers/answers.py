"""Routing a runner's answer (a button or typed text) to the step of the open question."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import episode_replies as say
from bot.callback_data import Callback
from bot.episodes import first_checkin
from bot.handlers import account, checkin, plan
from bot.handlers.flow import Step, Turn, turn_for

BUTTON_STEPS: dict[str, Step] = {
    **plan.BUTTON_STEPS,
    **checkin.BUTTON_STEPS,
    **account.BUTTON_STEPS,
}
TEXT_STEPS: dict[str, Step] = {**plan.TEXT_STEPS, **account.TEXT_STEPS}


async def on_answer_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, callback: Callback
) -> None:
    """A choice button: only the open question's own buttons change anything."""
    query = update.callback_query
    if query is None:
        return
    turn = await turn_for(update, context)
    token, choice = callback.token_and_choice
    step = BUTTON_STEPS.get(turn.user.question_kind or "") if turn else None
    if turn is None or step is None or token != turn.user.question_token:
        await query.answer(say.STALE_QUESTION)
        return
    await query.answer()
    await step(turn, choice)


async def answered_as_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Typed text that answers the open question (a volume, a time, a zone); True if used.

    Also: any message from a runner whose check-ins paused for silence turns them back on.
    """
    message = update.message
    turn = await turn_for(update, context)
    if turn is None or message is None or message.text is None:
        return False
    if turn.user.paused == "unanswered":
        await _welcome_back(turn)
    step = TEXT_STEPS.get(turn.user.question_kind or "")
    if step is None:
        return False
    await step(turn, message.text)
    return True


async def _welcome_back(turn: Turn) -> None:
    due = first_checkin(turn.now, turn.user.checkin_time, turn.tz)
    await turn.services.db.set_paused(turn.chat_id, None, due)
    await turn.send(say.resumed_after_silence())
