"""The daily check-in: pain now, how yesterday's plan went, a weekly red-flag screen,
then the decision and today's plan."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import episode_replies as say
from bot.episodes import OUTCOMES, history_for_today, screen_due
from bot.handlers.flow import Step, Turn, plan_turn
from bot.progression import PlanOutcome, decide
from bot.records import CheckIn, NewCheckIn


async def on_checkin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/checkin: report today now instead of waiting for the morning prompt."""
    found = await plan_turn(update, context)
    if found is None:
        return
    turn, episode = found
    if episode.red_flag_open:
        await turn.send(say.plan_on_hold())
    elif episode.started_on == turn.today:
        ladder = turn.services.kb.ladder
        await turn.send(say.first_day_reply(ladder, episode.stage, turn.user.usual))
    else:
        await turn.ask("checkin-pain", say.pain_question)


async def _pain(turn: Turn, choice: str) -> None:
    if choice.isdigit() and 0 <= int(choice) <= 10:
        await turn.ask(
            "checkin-outcome", say.outcome_question, checkin_answered=True, pain=int(choice)
        )


async def _outcome(turn: Turn, choice: str) -> None:
    if choice not in OUTCOMES:
        return
    episode = await turn.services.db.active_episode(turn.chat_id)
    if episode is None:
        return
    draft = {**turn.user.draft, "outcome": choice}
    if screen_due(episode.last_screen_date, turn.today):
        await turn.ask("checkin-screen", say.screen_question, **draft)
    else:
        await _finish(turn, draft.get("pain"), choice, red_flag=False)


async def _screen(turn: Turn, choice: str) -> None:
    if choice not in ("yes", "no"):
        return
    draft = turn.user.draft
    await _finish(turn, draft.get("pain"), draft.get("outcome"), red_flag=choice == "yes")


async def _finish(turn: Turn, pain: object, outcome: object, *, red_flag: bool) -> None:
    """Record the day, decide the stage, and tell the runner today's plan."""
    db, ladder = turn.services.db, turn.services.kb.ladder
    episode = await db.active_episode(turn.chat_id)
    if episode is None or not isinstance(pain, int) or outcome not in OUTCOMES:
        return
    plan_outcome: PlanOutcome = outcome
    if red_flag:
        await db.raise_red_flag(turn.chat_id, episode.id, "weekly screen", turn.today, turn.now)
    elif screen_due(episode.last_screen_date, turn.today):
        await db.screened(episode.id, turn.today)
    history = history_for_today(
        await db.checkins(episode.id), turn.today, pain, plan_outcome,
        red_flag or episode.red_flag_open,
    )  # fmt: skip
    if history is None:  # the plan only started today (or the clock moved back): no day to judge
        await db.clear_question(turn.chat_id)
        await turn.send(say.first_day_reply(ladder, episode.stage, turn.user.usual))
        return
    decision = decide(history, ladder)
    changed = decision.stage != history.stage
    await db.record_checkin(
        turn.chat_id,
        NewCheckIn(
            episode_id=episode.id,
            day=CheckIn(
                local_date=turn.today,
                pain=pain,
                outcome=plan_outcome,
                stage_before=history.stage,
                decision=decision.action,
                stage_after=decision.stage,
                reason=decision.reason,
            ),
            stage_since=turn.today if changed else history.stage_since,
            status="resolved" if decision.action == "resolve" else "active",
        ),
        turn.now,
    )
    if decision.action == "stop":
        await db.set_paused(turn.chat_id, None, None)
        await turn.send(say.plan_on_hold())
        return
    await turn.send(say.decision_reply(ladder, decision, turn.user.usual))


BUTTON_STEPS: dict[str, Step] = {
    "checkin-pain": _pain,
    "checkin-outcome": _outcome,
    "checkin-screen": _screen,
}
