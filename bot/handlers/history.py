"""The runner's records: /progress (a chart and two lines) and /export (a JSON file)."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
from collections.abc import Sequence

from telegram import InputFile, Update
from telegram.ext import ContextTypes

from bot import episode_replies as say
from bot.handlers.flow import turn_for
from bot.progress_chart import ChartDay, progress_summary, render_progress_png
from bot.records import CheckIn
from bot.replies import escape

MAX_CHART_DAYS = 180


def chart_days(checkins: Sequence[CheckIn], today: dt.date) -> list[ChartDay]:
    """One point a day from the first check-in to today; the stage carried over gaps."""
    if not checkins:
        return []
    by_day = {c.local_date: c for c in checkins}
    first = max(checkins[0].local_date, today - dt.timedelta(days=MAX_CHART_DAYS - 1))
    days: list[ChartDay] = []
    before = [c for c in checkins if c.local_date <= first]
    stage = (before or list(checkins))[-1 if before else 0].stage_after
    for offset in range((today - first).days + 1):
        day = first + dt.timedelta(days=offset)
        found = by_day.get(day)
        if found is not None:
            stage = found.stage_after
        days.append(ChartDay(day, found.pain if found else None, stage + 1))
    return days


async def on_progress(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/progress: daily pain and the stage as a chart, with a two-line summary."""
    turn = await turn_for(update, context)
    if turn is None:
        return
    episode = await turn.services.db.latest_episode(turn.chat_id)
    if episode is None:
        await turn.send(say.no_plan())
        return
    days = chart_days(await turn.services.db.checkins(episode.id), turn.today)
    names = [stage.name for stage in turn.services.kb.ladder.stages]
    if not days:
        await turn.send(say.no_plan())
        return
    png = await asyncio.to_thread(render_progress_png, days, names)  # CPU work off the loop
    await turn.bot.send_photo(
        turn.chat_id,
        InputFile(io.BytesIO(png), filename="progress.png"),
        caption=escape(progress_summary(days, names)),
    )


async def on_export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/export: everything stored about the runner, as a JSON document."""
    turn = await turn_for(update, context)
    if turn is None:
        return
    document = await turn.services.db.export(turn.chat_id)
    body = json.dumps({"runback_export": 1, **document}, indent=2, ensure_ascii=False)
    await turn.bot.send_document(
        turn.chat_id,
        InputFile(io.BytesIO(body.encode()), filename="runback-data.json"),
        caption="Everything RunBack stores about you. /forget deletes it.",
    )
