"""The /progress picture and its two-line summary: daily pain and the return-to-run stage.

matplotlib is imported inside `render_progress_png` only: it costs about a
second at start-up and most runs of the bot never draw a chart.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_COUNT_WORDS = {1: "one", 2: "two", 3: "three"}
_ENDS = 3  # check-ins averaged at each end of the history


@dataclass(frozen=True)
class ChartDay:
    """One local date of a runner's history."""

    day: date
    pain: int | None  # 0-10; None: no check-in that day
    stage: int  # 1-based: stage_names[stage - 1]


def render_progress_png(days: Sequence[ChartDay], stage_names: Sequence[str]) -> bytes:
    """A 700x400 PNG: pain 0-10 (gaps where there was no check-in) and the stage as steps."""
    days = _checked(days, stage_names)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    # The object-oriented API with no pyplot: no global figure state shared
    # between concurrent /progress requests.
    figure = Figure(figsize=(7, 4), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    pain_axes = figure.add_subplot()
    stage_axes = pain_axes.twinx()

    # x is days since the first date (matplotlib.dates has no type hints),
    # labelled "3 Nov" by the formatter below, independent of the locale.
    first = days[0].day
    offsets = [(entry.day - first).days for entry in days]
    pains = [math.nan if entry.pain is None else float(entry.pain) for entry in days]
    # The last stage is held through its day, so a single day still shows a step.
    stage_x = [*offsets, offsets[-1] + 1]
    stage_y = [entry.stage for entry in days] + [days[-1].stage]
    stage_axes.step(stage_x, stage_y, where="post", color="tab:green", alpha=0.6)
    pain_axes.plot(offsets, pains, marker="o", markersize=3, color="tab:red")
    pain_axes.set_zorder(stage_axes.get_zorder() + 1)  # pain drawn over the stage steps
    pain_axes.patch.set_visible(False)

    pain_axes.set_ylim(-0.5, 10.5)
    pain_axes.set_yticks(range(0, 11, 2))
    pain_axes.set_ylabel("Pain (0-10)", color="tab:red")
    stage_axes.set_ylim(0.5, len(stage_names) + 0.5)
    stage_axes.set_yticks(range(1, len(stage_names) + 1), labels=list(stage_names))
    stage_axes.tick_params(axis="y", labelsize=8, colors="tab:green")
    # One day alone would give the x axis zero width.
    pain_axes.set_xlim(-0.5, offsets[-1] + 1.5)
    pain_axes.xaxis.set_major_locator(MaxNLocator(nbins=7, integer=True))
    pain_axes.xaxis.set_major_formatter(
        FuncFormatter(lambda x, _: _day_month(first + timedelta(days=round(x))))
    )
    pain_axes.grid(axis="y", alpha=0.3)
    pain_axes.set_title("Your back: pain and stage")

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def progress_summary(days: Sequence[ChartDay], stage_names: Sequence[str]) -> str:
    """Two lines: how pain has moved across the check-ins, and the current stage."""
    days = _checked(days, stage_names)
    pains = [entry.pain for entry in days if entry.pain is not None]
    first_day = next((entry.day for entry in days if entry.pain is not None), days[0].day)
    since = _short_date(first_day, days[-1].day)
    stage = days[-1].stage
    stage_line = f"Now at stage {stage} of {len(stage_names)}: {stage_names[stage - 1]}."
    if not pains:
        return f"No check-ins yet.\n{stage_line}"
    if len(pains) == 1:
        return f"1 check-in, on {since}: pain {pains[0]}/10.\n{stage_line}"
    ends = min(_ENDS, len(pains) // 2)
    start, now = _average(pains[:ends]), _average(pains[-ends:])
    how = (
        "first and last check-in"
        if ends == 1
        else f"average of the first and last {_COUNT_WORDS[ends]}"
    )
    trend = f"{len(pains)} check-ins since {since}; pain {start}/10 → {now}/10 ({how})."
    return f"{trend}\n{stage_line}"


def _checked(days: Sequence[ChartDay], stage_names: Sequence[str]) -> list[ChartDay]:
    """The days in date order, after refusing what cannot be drawn or summed up."""
    if not days:
        raise ValueError("no days to show")
    for entry in days:
        if not 1 <= entry.stage <= len(stage_names):
            raise ValueError(f"stage {entry.stage} on {entry.day} is not 1..{len(stage_names)}")
        if entry.pain is not None and not 0 <= entry.pain <= 10:
            raise ValueError(f"pain {entry.pain} on {entry.day} is not 0..10")
    return sorted(days, key=lambda entry: entry.day)


def _average(pains: Sequence[int]) -> int:
    """Mean rounded half up: 2.5 reads as 3, not the banker's 2."""
    return math.floor(sum(pains) / len(pains) + 0.5)


def _short_date(day: date, today: date) -> str:
    """The day as "3 Nov", with the year only when it is not the year of `today`."""
    text = _day_month(day)
    return text if day.year == today.year else f"{text} {day.year}"


def _day_month(day: date) -> str:
    """The day as "3 Nov" whatever the server's locale (strftime's %b is not)."""
    return f"{day.day} {_MONTHS[day.month - 1]}"
