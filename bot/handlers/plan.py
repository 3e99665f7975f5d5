"""Starting a recovery plan: onset, pain now, usual running, a red-flag screen."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import episode_replies as say
from bot.episodes import ONSETS, first_checkin, onset_date, weeks_since
from bot.handlers.flow import Step, Turn, turn_for
from bot.volume import parse_volume


async def on_plan(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/plan: start a plan, or say which one is running."""
    turn = await turn_for(update, context)
    if turn is not None:
        await start_plan(turn)


async def start_plan(turn: Turn) -> None:
    episode = await turn.services.db.active_episode(turn.chat_id)
    if episode is not None:
        ladder = turn.services.kb.ladder
        await turn.send(
            say.plan_on_hold()
            if episode.red_flag_open
            else say.already_planning(ladder, episode.stage)
        )
        return
    await turn.ask("plan-onset", say.onset_question)


async def _onset(turn: Turn, choice: str) -> None:
    if choice in ONSETS:
        await turn.ask("plan-pain", say.pain_question, onset=choice)


async def _pain(turn: Turn, choice: str) -> None:
    if not choice.isdigit() or not 0 <= int(choice) <= 10:
        return
    draft = {**turn.user.draft, "pain": int(choice)}
    if turn.user.usual is not None:  # already known from /settings or an earlier plan
        await turn.ask("plan-screen", say.screen_question, **draft)
    else:
        await turn.ask("plan-volume", say.volume_question, **draft)


async def _volume_typed(turn: Turn, text: str) -> None:
    volume = parse_volume(text)
    if volume is None:
        await turn.ask("plan-volume", say.volume_not_understood, **turn.user.draft)
        return
    await turn.services.db.update_settings(turn.chat_id, usual=volume)
    await turn.ask("plan-screen", say.screen_question, **turn.user.draft)


async def _volume_skipped(turn: Turn, choice: str) -> None:
    if choice == "skip":
        await turn.ask("plan-screen", say.screen_question, **turn.user.draft)


async def _screen(turn: Turn, choice: str) -> None:
    draft = turn.user.draft
    onset, pain = draft.get("onset"), draft.get("pain")
    if choice not in ("yes", "no") or onset not in ONSETS or not isinstance(pain, int):
        return
    ladder = turn.services.kb.ladder
    stage = ladder.starting_stage(pain)
    red_flag = choice == "yes"
    begun = onset_date(onset, turn.today)
    await turn.services.db.start_episode(
        turn.chat_id,
        onset=onset,
        onset_date=begun,
        today=turn.today,
        stage=stage,
        pain=pain,
        reason=f"starting at {ladder.stage(stage).name}: pain {pain}/10",
        red_flag=red_flag,
        next_due=None if red_flag else first_checkin(turn.now, turn.user.checkin_time, turn.tz),
        now=turn.now,
    )
    if red_flag:
        await turn.send(say.plan_on_hold())
        return
    await turn.refresh()
    checkin_at = turn.user.checkin_time.strftime("%H:%M")
    weeks = weeks_since(begun, turn.today)
    await turn.send(say.plan_started(ladder, stage, weeks, turn.user.usual, checkin_at))


BUTTON_STEPS: dict[str, Step] = {
    "plan-onset": _onset,
    "plan-pain": _pain,
    "plan-volume": _volume_skipped,
    "plan-screen": _screen,
}
TEXT_STEPS: dict[str, Step] = {"plan-volume": _volume_typed}
