"""The runner's own controls: /settings, /pause, /resume, /stop, /forget."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot import episode_replies as say
from bot.episodes import first_checkin
from bot.handlers.flow import Step, Turn, plan_turn, turn_for
from bot.replies import Reply, escape
from bot.schedule import next_checkin, parse_clock
from bot.timezones import find_timezone, suggest_timezones
from bot.volume import format_volume, parse_volume


async def on_settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/settings: check-in time, time zone and usual running, each a button away."""
    turn = await turn_for(update, context)
    if turn is not None:
        user = turn.user
        await turn.ask(
            "settings",
            lambda token: say.settings_reply(token, user.timezone, user.checkin_time, user.usual),
        )


_SETTING_PROMPTS = {
    "time": ("settings-time", "What time should I check in? For example <b>07:30</b>."),
    "zone": (
        "settings-zone",
        "Which time zone are you in? Type a name like <b>Europe/London</b> or "
        "<b>America/New_York</b>.",
    ),
    "volume": (
        "settings-volume",
        "How much do you usually run in a week? For example <b>30 km</b>, <b>20 miles</b> or "
        "<b>180 minutes</b>.",
    ),
}


async def _settings_choice(turn: Turn, choice: str) -> None:
    if choice in _SETTING_PROMPTS:
        kind, text = _SETTING_PROMPTS[choice]
        await turn.ask(kind, lambda _token: Reply(text))


async def _reschedule(turn: Turn) -> None:
    """After a time or zone change, the next check-in follows the new setting."""
    await turn.refresh()
    user = turn.user
    episode = await turn.services.db.active_episode(turn.chat_id)
    if episode is None or user.paused is not None or episode.red_flag_open or not user.active:
        return
    due = next_checkin(turn.now, user.checkin_time, turn.tz)
    await turn.services.db.update_settings(turn.chat_id, next_due=due)


async def _time_typed(turn: Turn, text: str) -> None:
    at = parse_clock(text)
    if at is None:
        await turn.ask("settings-time", lambda _token: Reply(
            "Sorry, I didn't get that time. Try <b>07:30</b>, <b>7am</b> or <b>18:15</b>."
        ))  # fmt: skip
        return
    await turn.services.db.update_settings(turn.chat_id, checkin_time=at)
    await turn.services.db.clear_question(turn.chat_id)
    await _reschedule(turn)
    await turn.send(Reply(f"Done: I'll check in at {at.strftime('%H:%M')} your time."))


async def _set_zone(turn: Turn, zone: str) -> None:
    await turn.services.db.update_settings(turn.chat_id, timezone=zone)
    await turn.services.db.clear_question(turn.chat_id)
    await _reschedule(turn)
    await turn.send(Reply(f"Done: your time zone is now {escape(zone)}."))


async def _zone_typed(turn: Turn, text: str) -> None:
    zone = find_timezone(text)
    if zone is not None:
        await _set_zone(turn, zone)
        return
    names = suggest_timezones(text)
    await turn.ask("settings-zone", lambda token: say.timezone_suggestions(token, names),
                   suggestions=names)  # fmt: skip


async def _zone_picked(turn: Turn, choice: str) -> None:
    names = turn.user.draft.get("suggestions", [])
    if choice.isdigit() and int(choice) < len(names):
        zone = find_timezone(str(names[int(choice)]))
        if zone is not None:
            await _set_zone(turn, zone)


async def _volume_typed(turn: Turn, text: str) -> None:
    volume = parse_volume(text)
    if volume is None:
        await turn.ask("settings-volume", lambda _token: Reply(
            "Sorry, I didn't get that. A number and a unit, please: <b>30 km</b>, "
            "<b>20 miles</b> or <b>180 minutes</b>."
        ))  # fmt: skip
        return
    await turn.services.db.update_settings(turn.chat_id, usual=volume)
    await turn.services.db.clear_question(turn.chat_id)
    await turn.send(Reply(f"Done: your usual week is {escape(format_volume(volume))}."))


async def on_pause(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/pause: no check-ins until /resume."""
    found = await plan_turn(update, context)
    if found is None:
        return
    turn, _ = found
    await turn.services.db.set_paused(turn.chat_id, "by-user", None)
    await turn.send(Reply("Check-ins paused. Send /resume when you want them back."))


async def on_resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/resume: check-ins back on; after a warning sign, only once a clinician has seen you."""
    found = await plan_turn(update, context)
    if found is None:
        return
    turn, episode = found
    if episode.red_flag_open:
        await turn.ask("resume-clinician", say.clinician_question)
    else:
        await _restart_checkins(turn)
        await turn.send(Reply("Check-ins are on. See you in the morning!"))


async def _restart_checkins(turn: Turn) -> None:
    due = first_checkin(turn.now, turn.user.checkin_time, turn.tz)
    await turn.services.db.set_paused(turn.chat_id, None, due)


async def _clinician(turn: Turn, choice: str) -> None:
    episode = await turn.services.db.active_episode(turn.chat_id)
    if episode is None or choice not in ("yes", "no"):
        return
    await turn.services.db.clear_question(turn.chat_id)
    if choice == "no":
        await turn.send(say.plan_on_hold())
        return
    await turn.services.db.clear_red_flag(turn.chat_id, episode.id, turn.now)
    await _restart_checkins(turn)
    ladder = turn.services.kb.ladder
    await turn.send(Reply(
        "Good. Follow what your clinician advised; the plan carries on from here.\n\n"
        + say.stage_block(ladder, episode.stage, turn.user.usual)
    ))  # fmt: skip


async def on_stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stop: end the episode as resolved."""
    turn = await turn_for(update, context)
    if turn is None:
        return
    if await turn.services.db.end_episode(turn.chat_id, "resolved", turn.today):
        await turn.send(Reply(
            "Plan ended - glad your back is better. Your history stays until you /forget it. "
            "Send /plan if it flares up again."
        ))  # fmt: skip
    else:
        await turn.send(say.no_plan())


async def on_forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/forget: delete everything about the runner, after a confirm button."""
    turn = await turn_for(update, context)
    if turn is not None:
        await turn.ask("forget", say.confirm_forget)


async def _forget(turn: Turn, choice: str) -> None:
    if choice == "yes":
        await turn.services.db.forget(turn.chat_id)
        await turn.send(Reply("Done. Everything I stored about you has been deleted."))
    elif choice == "no":
        await turn.services.db.clear_question(turn.chat_id)
        await turn.send(Reply("Kept. Nothing was deleted."))


BUTTON_STEPS: dict[str, Step] = {
    "settings": _settings_choice,
    "settings-zone": _zone_picked,
    "resume-clinician": _clinician,
    "forget": _forget,
}
TEXT_STEPS: dict[str, Step] = {
    "settings-time": _time_typed,
    "settings-zone": _zone_typed,
    "settings-volume": _volume_typed,
}
