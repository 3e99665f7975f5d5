"""The /progress chart (a PNG) and its two-line summary."""

from __future__ import annotations

import struct
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.progress_chart import ChartDay, progress_summary, render_progress_png

STAGES = ["Rest", "Walk", "Brisk walk", "Walk-run", "Easy run", "Steady run", "Full training"]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which always comes first."""
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def history(count: int, start: date = date(2025, 11, 3)) -> list[ChartDay]:
    """A made-up recovery: pain easing, a missed day in five, a stage up every 20 days."""
    return [
        ChartDay(
            day=start + timedelta(days=n),
            pain=None if n % 5 == 4 else max(0, 8 - n // 15),
            stage=1 + min(len(STAGES) - 1, n // 20),
        )
        for n in range(count)
    ]


@pytest.mark.parametrize("count", [1, 2, 9, 120])
def test_chart_is_a_small_png(count: int) -> None:
    data = render_progress_png(history(count), STAGES)
    assert data.startswith(PNG_SIGNATURE)
    assert png_size(data) == (700, 400)
    assert 5_000 < len(data) < 200_000


def test_chart_copes_with_no_pain_at_all_and_unsorted_days() -> None:
    days = [ChartDay(date(2026, 1, 3), None, 2), ChartDay(date(2026, 1, 1), None, 1)]
    assert render_progress_png(days, STAGES).startswith(PNG_SIGNATURE)


def test_chart_spanning_new_year() -> None:
    data = render_progress_png(history(60, start=date(2025, 12, 1)), STAGES)
    assert data.startswith(PNG_SIGNATURE)


def test_empty_history_is_refused() -> None:
    with pytest.raises(ValueError, match="no days"):
        render_progress_png([], STAGES)
    with pytest.raises(ValueError, match="no days"):
        progress_summary([], STAGES)


@pytest.mark.parametrize(
    "day",
    [ChartDay(date(2026, 1, 1), 5, 0), ChartDay(date(2026, 1, 1), 5, 8)],
)
def test_stage_outside_the_names_is_refused(day: ChartDay) -> None:
    with pytest.raises(ValueError, match="stage"):
        render_progress_png([day], STAGES)


def test_pain_outside_0_to_10_is_refused() -> None:
    with pytest.raises(ValueError, match="pain 11"):
        progress_summary([ChartDay(date(2026, 1, 1), 11, 1)], STAGES)


def days(start: date, pains: list[int | None], stages: list[int]) -> list[ChartDay]:
    return [
        ChartDay(start + timedelta(days=n), pain, stage)
        for n, (pain, stage) in enumerate(zip(pains, stages, strict=True))
    ]


def test_summary_of_a_small_history() -> None:
    pains: list[int | None] = [6, 7, None, 5, 4, 4, None, 3, 3, 2, 2, 2, 1, 2, 2]
    stages = [1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4]
    record = days(date(2025, 11, 3), pains, stages)
    assert progress_summary(record, STAGES) == (
        "13 check-ins since 3 Nov; pain 6/10 → 2/10 (average of the first and last three).\n"
        "Now at stage 4 of 7: Walk-run."
    )


def test_summary_rounds_half_up_and_counts_from_the_first_check_in() -> None:
    # first three 6, 7, 6 -> 6.33 -> 6; last three 2, 3, 2 -> 2.33 -> 2; then 3, 2, 2 -> 2.33
    record = days(date(2025, 12, 30), [None, None, 6, 7, 6, 2, 3, 2], [1] * 8)
    assert progress_summary(record, STAGES).splitlines()[0] == (
        "6 check-ins since 1 Jan; pain 6/10 → 2/10 (average of the first and last three)."
    )
    record = days(date(2026, 1, 1), [5, 6, 2, 3], [2] * 4)  # 5.5 -> 6, 2.5 -> 3
    assert progress_summary(record, STAGES).splitlines()[0] == (
        "4 check-ins since 1 Jan; pain 6/10 → 3/10 (average of the first and last two)."
    )


def test_summary_shows_the_year_when_the_history_crosses_one() -> None:
    record = days(date(2025, 12, 30), [5, 4, 3], [1, 1, 2])
    assert progress_summary(record, STAGES) == (
        "3 check-ins since 30 Dec 2025; pain 5/10 → 3/10 (first and last check-in).\n"
        "Now at stage 2 of 7: Walk."
    )


def test_summary_with_one_or_no_check_ins() -> None:
    one = days(date(2026, 2, 14), [None, 4], [1, 1])
    assert progress_summary(one, STAGES) == (
        "1 check-in, on 15 Feb: pain 4/10.\nNow at stage 1 of 7: Rest."
    )
    none = days(date(2026, 2, 14), [None], [3])
    assert progress_summary(none, STAGES) == "No check-ins yet.\nNow at stage 3 of 7: Brisk walk."


def test_importing_the_module_does_not_import_matplotlib() -> None:
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import bot.progress_chart, sys; print('matplotlib' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
    )
    assert result.stdout.strip() == "False"
