"""What the bot says about a recovery plan: questions, decisions, settings (pure)."""

from __future__ import annotations

import datetime as dt

from bot.episodes import ONSETS, OUTCOMES
from bot.ladder import Ladder, plan_text
from bot.progression import Decision
from bot.replies import DISCLAIMER, Button, Reply, escape
from bot.volume import UsualVolume, format_volume

PAIN_SCALE = "0 = no pain at all, 10 = the worst you can imagine."
RED_FLAG_QUESTION = (
    "Since your back started (or in the last week), have you had any of these?\n"
    "• trouble controlling your bladder or bowels, or numbness around your groin or bottom\n"
    "• weakness in a leg or foot that is getting worse\n"
    "• fever or feeling very unwell with the back pain\n"
    "• a fall, crash or other injury that started it"
)
YES_NO = (("yes", "Yes"), ("no", "No"))


def _choices(token: str, options: tuple[tuple[str, str], ...]) -> tuple[Button, ...]:
    return tuple(Button.choice(label, token, choice) for choice, label in options)


def pain_buttons(token: str) -> tuple[Button, ...]:
    return tuple(Button.choice(str(score), token, str(score)) for score in range(11))


def onset_question(token: str) -> Reply:
    options = tuple((key, label) for key, (label, _) in ONSETS.items())
    return Reply(
        "<b>Let's set up your recovery plan.</b>\nWhen did this bout of back pain begin?",
        _choices(token, options),
    )


def pain_question(token: str, *, morning: bool = False) -> Reply:
    opening = "Good morning! How's your back today?" if morning else "How bad is it right now?"
    return Reply(f"{opening}\n<i>{PAIN_SCALE}</i>", pain_buttons(token), row_width=6)


def volume_question(token: str) -> Reply:
    return Reply(
        "How much do you usually run in a normal week? Type it like <b>30 km</b>, "
        "<b>20 miles</b> or <b>180 minutes</b>, and I'll turn the running stages into "
        "numbers. Or skip it.",
        _choices(token, (("skip", "Skip"),)),
    )


def volume_not_understood(token: str) -> Reply:
    return Reply(
        "Sorry, I didn't catch that. A number and a unit, please: <b>30 km</b>, "
        "<b>20 miles</b> or <b>180 minutes</b>. Or skip it.",
        _choices(token, (("skip", "Skip"),)),
    )


def screen_question(token: str) -> Reply:
    return Reply(escape(RED_FLAG_QUESTION), _choices(token, YES_NO))


def outcome_question(token: str) -> Reply:
    options = tuple((key, label) for key, label in OUTCOMES.items())
    return Reply("How did yesterday's plan go?", _choices(token, options), row_width=1)


def phase_line(weeks: float) -> str:
    if weeks < 4:
        return "This is <b>acute</b> back pain (under 4 weeks): most of it settles within weeks."
    if weeks <= 12:
        return "This is <b>subacute</b> back pain (4 to 12 weeks)."
    return (
        "This is <b>chronic</b> back pain (over 12 weeks). It's worth reading about relief "
        "options and who to see."
    )


def stage_block(ladder: Ladder, stage: int, usual: UsualVolume | None) -> str:
    current = ladder.stage(stage)
    return (
        f"<b>Today's plan - stage {stage + 1} of {len(ladder.stages)}: "
        f"{escape(current.name)}</b>\n{escape(plan_text(current, usual))}"
    )


def plan_started(
    ladder: Ladder, stage: int, weeks: float, usual: UsualVolume | None, checkin_at: str
) -> Reply:
    buttons: tuple[Button, ...] = ()
    if weeks > 12:
        buttons = (
            Button.topic("Relief for long-lasting pain", "chronic-relief"),
            Button.topic("Which doctor to see", "which-doctor"),
        )
    return Reply(
        f"{phase_line(weeks)}\n\n{stage_block(ladder, stage, usual)}\n\n"
        f"I'll check in every morning at {escape(checkin_at)} (change it in /settings). "
        f"Listen to your body: it's a negotiation, not a schedule.\n\n<i>{DISCLAIMER}</i>",
        buttons,
    )


def plan_on_hold() -> Reply:
    return Reply(
        "<b>Please get checked by a doctor first.</b> Those symptoms can be a sign of "
        "something that needs medical care soon - call your doctor today, or go to the "
        "emergency department if you can't control your bladder or bowels, or have numbness "
        "around your groin.\n\nYour plan is on hold. Once a clinician has seen you, send "
        f"/resume and we'll carry on.\n\n<i>{DISCLAIMER}</i>"
    )


def plan_held_after_message() -> Reply:
    return Reply(
        "I've put your recovery plan on hold because of what you describe. Once a doctor "
        "has checked you, send /resume and we'll carry on."
    )


def decision_reply(ladder: Ladder, decision: Decision, usual: UsualVolume | None) -> Reply:
    if decision.action == "resolve":
        return Reply(
            f"<b>Congratulations!</b> {escape(decision.reason)}\n\nYou're back to your usual "
            "running with little or no pain, so I'll stop the daily check-ins. Build up "
            "gently, no more than about 10% a week. Send /plan if your back flares up again."
        )
    reason = decision.reason[:1].upper() + decision.reason[1:]
    return Reply(f"{escape(reason)}\n\n{stage_block(ladder, decision.stage, usual)}")


def first_day_reply(ladder: Ladder, stage: int, usual: UsualVolume | None) -> Reply:
    return Reply(
        "Your plan started today, so your first check-in is tomorrow morning.\n\n"
        + stage_block(ladder, stage, usual)
    )


def no_plan() -> Reply:
    return Reply(
        "You don't have a recovery plan running. Send /plan to start one.",
        (Button.menu("Start a recovery plan", "plan"),),
    )


def already_planning(ladder: Ladder, stage: int) -> Reply:
    return Reply(
        f"You already have a plan: stage {stage + 1} of {len(ladder.stages)}, "
        f"{escape(ladder.stage(stage).name)}. Send /checkin to report today, /progress to "
        "see how it's going, or /stop to end it."
    )


def paused_for_silence() -> Reply:
    return Reply(
        "I haven't heard from you for a few mornings, so I'll stop asking for now. "
        "Send me any message and the check-ins start again."
    )


def resumed_after_silence() -> Reply:
    return Reply("Welcome back! Daily check-ins are on again.")


def settings_reply(
    token: str, timezone: str, checkin_at: dt.time, usual: UsualVolume | None
) -> Reply:
    volume = format_volume(usual) if usual else "not set"
    return Reply(
        "<b>Your settings</b>\n"
        f"Check-in time: {checkin_at.strftime('%H:%M')}\n"
        f"Time zone: {escape(timezone)}\n"
        f"Usual weekly running: {escape(volume)}",
        _choices(
            token, (("time", "Check-in time"), ("zone", "Time zone"), ("volume", "Usual running"))
        ),
        row_width=1,
    )


def confirm_forget(token: str) -> Reply:
    return Reply(
        "This deletes everything I store about you: your plans, check-ins and settings. "
        "It can't be undone. Delete it all?",
        _choices(token, (("yes", "Yes, delete everything"), ("no", "No, keep it"))),
        row_width=1,
    )


def clinician_question(token: str) -> Reply:
    return Reply(
        "Your plan is on hold because of a warning sign. Has a doctor or physio checked "
        "your back since then?",
        _choices(token, (("yes", "Yes, I've been checked"), ("no", "Not yet"))),
        row_width=1,
    )


def timezone_suggestions(token: str, names: list[str]) -> Reply:
    if not names:
        return Reply(
            "I don't know that time zone. Type a name like <b>Europe/London</b>, "
            "<b>America/New_York</b> or <b>Australia/Sydney</b>."
        )
    return Reply(
        "I don't know that exact name. Did you mean one of these? Or type it again.",
        tuple(Button.choice(name, token, str(i)) for i, name in enumerate(names)),
        row_width=1,
    )


STALE_QUESTION = "That question has moved on, so I didn't change anything."
