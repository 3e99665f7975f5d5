"""Routing a runner's answer (a button or typed text) to the step of the open question."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import episode_replies as say
from bot.callback_data import Callback
from bot.handlers import account, checkin, clubs, plan
from bot.handlers.flow import CHOICES, Step, turn_for
from bot.matcher import Match
from bot.telegram_replies import acknowledge

BUTTON_STEPS: dict[str, Step] = {
    **plan.BUTTON_STEPS,
    **checkin.BUTTON_STEPS,
    **account.BUTTON_STEPS,
    **clubs.BUTTON_STEPS,
}
TEXT_STEPS: dict[str, Step] = {**plan.TEXT_STEPS, **account.TEXT_STEPS}


async def on_answer_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, callback: Callback
) -> None:
    """A choice button: only the open question's own buttons change anything."""
    query = update.callback_query
    if query is None:
        return
    turn = await turn_for(update, context, create=False)  # no row: no open question anyway
    token, choice = callback.token_and_choice
    step = BUTTON_STEPS.get(turn.user.question_kind or "") if turn else None
    offered = turn.user.draft.get(CHOICES, []) if turn else []
    if turn is None or step is None or token != turn.user.question_token or choice not in offered:
        await acknowledge(query, say.STALE_QUESTION)
        return
    await acknowledge(query)
    await step(turn, choice)


async def answered_as_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Typed text that answers the open question (a volume, a time, a zone); True if used."""
    message = update.message
    turn = await turn_for(update, context, create=False)
    if turn is None or message is None or message.text is None:
        return False
    step = TEXT_STEPS.get(turn.user.question_kind or "")
    if step is None:
        return False
    await step(turn, message.text)
    return True


async def hold_plan_for_red_flag(
    update: Update, context: ContextTypes.DEFAULT_TYPE, match: Match
) -> None:
    """A warning sign typed in a runner's own words puts their running plan on hold too."""
    turn = await turn_for(update, context, create=False)
    if turn is None or match.red_flag is None:
        return
    episode = await turn.services.db.active_episode(turn.chat_id)
    if episode is None or episode.red_flag_open:
        return
    detail = f"typed: {match.red_flag.rule.id}"
    await turn.services.db.raise_red_flag(turn.chat_id, episode.id, detail, turn.today, turn.now)
    await turn.send(say.plan_held_after_message())
