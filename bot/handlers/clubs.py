"""In the private chat: choosing whether a club's anonymous stats count you."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.handlers.flow import Step, Turn, turn_for
from bot.replies import Button, Reply, escape


def _title(title: str) -> str:
    return escape(title or "your club")


async def offer_club_stats(turn: Turn, club_id: int) -> None:
    """After arriving from a club's group: would they like to be counted (anonymously)?"""
    club = await turn.services.db.club(club_id)
    if club is None:
        return  # not a group RunBack is in (or a forged link): just the welcome
    counted = {c.chat_id for c in await turn.services.db.counted_in(turn.chat_id)}
    if club_id in counted:
        return
    await turn.ask(
        "club-join",
        lambda token: Reply(
            f"You came from <b>{_title(club.title)}</b>. Would you like to be counted in its "
            "anonymous club stats? Admins only ever see totals (how many members have a plan, "
            "how many are back to running), never names or anyone's numbers, and only once "
            "at least 5 members take part. You can stop any time with /clubs.",
            (
                Button.choice("Yes, count me in", token, "yes"),
                Button.choice("No thanks", token, "no"),
            ),
            row_width=1,
        ),
        club=club_id,
    )


async def _join(turn: Turn, choice: str) -> None:
    club_id = turn.user.draft.get("club")
    await turn.services.db.clear_question(turn.chat_id)
    if choice != "yes" or not isinstance(club_id, int):
        await turn.send(Reply("OK, you're not counted. Nothing about you is shared."))
        return
    await turn.services.db.join_club_stats(club_id, turn.chat_id)
    await turn.send(Reply("Done: you're counted anonymously. /clubs to stop."))


async def on_clubs(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/clubs: the clubs whose anonymous stats count this runner, each a button to stop."""
    turn = await turn_for(update, context)
    if turn is None:
        return
    clubs = await turn.services.db.counted_in(turn.chat_id)
    if not clubs:
        await turn.send(Reply(
            "No club's stats count you. To join one, tap 'Track your recovery privately' "
            "under one of my answers in your club's group."
        ))  # fmt: skip
        return
    await turn.ask(
        "club-leave",
        lambda token: Reply(
            "These clubs count you in their anonymous stats. Tap one to stop:",
            tuple(
                Button.choice(f"Stop: {club.title or 'a club'}"[:60], token, str(index))
                for index, club in enumerate(clubs)
            ),
            row_width=1,
        ),
        clubs=[club.chat_id for club in clubs],
    )


async def _leave(turn: Turn, choice: str) -> None:
    clubs = turn.user.draft.get("clubs", [])
    if not choice.isdigit() or int(choice) >= len(clubs):
        return
    await turn.services.db.leave_club_stats(int(clubs[int(choice)]), turn.chat_id)
    await turn.services.db.clear_question(turn.chat_id)
    await turn.send(Reply("Done: that club's stats no longer count you."))


BUTTON_STEPS: dict[str, Step] = {"club-join": _join, "club-leave": _leave}
