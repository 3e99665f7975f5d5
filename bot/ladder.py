"""The walk-to-run ladder from `knowledge/ladder.yaml`, and the plan text a runner sees.

Stages, thresholds and wording live in data; this module reads them with
file-and-line problems and turns a stage plus the runner's usual weekly running
into today's plan with concrete numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.validation import FieldReader, Problems, read_entry
from bot.volume import UsualVolume, format_volume, round_volume
from bot.yaml_lines import line_of

MAX_PAIN = 10
MAX_PLAN_CHARS = 300
MAX_NAME_CHARS = 30
_STAGE_FIELDS = {"id", "name", "plan", "min_days", "volume_fraction"}
_RULE_FIELDS = {
    "good_pain_max": (0, MAX_PAIN),
    "hold_pain_max": (0, MAX_PAIN),
    "good_days_to_advance": (1, 30),
    "gap_days": (1, 365),
    "resolve_pain_max": (0, MAX_PAIN),
    "resolve_checkins": (1, 30),
}


@dataclass(frozen=True)
class Stage:
    id: str
    name: str
    plan: str
    min_days: int
    volume_fraction: float | None  # share of usual weekly running; None: not a running stage


@dataclass(frozen=True)
class ProgressionRules:
    good_pain_max: int  # morning pain at most this (and nothing worse): a good day
    hold_pain_max: int  # above good_pain_max up to this: hold; above it: step back
    good_days_to_advance: int
    gap_days: int  # this many days since the last check-in: one stage back
    resolve_pain_max: int
    resolve_checkins: int


@dataclass(frozen=True)
class Ladder:
    stages: tuple[Stage, ...]
    rules: ProgressionRules
    source: str
    start_by_pain: tuple[tuple[int, int, int], ...]  # (pain_min, pain_max, stage index)

    def stage(self, index: int) -> Stage:
        return self.stages[min(max(index, 0), len(self.stages) - 1)]

    def index_of(self, stage_id: str) -> int:
        for index, stage in enumerate(self.stages):
            if stage.id == stage_id:
                return index
        raise KeyError(stage_id)

    def starting_stage(self, pain: int) -> int:
        pain = min(max(pain, 0), MAX_PAIN)
        for low, high, index in self.start_by_pain:
            if low <= pain <= high:
                return index
        return 0  # unreachable for a validated ladder, which covers 0..10


def _integer(fields: FieldReader, key: str, low: int, high: int) -> int:
    value = fields.mapping.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        where = line_of(fields.mapping, key)
        if value is None:
            reason = f"missing required field '{key}'"
        else:
            reason = f"'{key}' must be a whole number between {low} and {high}"
        fields.problems.add(fields.path, where, f"{fields.what}: {reason}")
        return low
    return value


def _parse_stage(path: Path, raw: Any, line: int, problems: Problems) -> Stage | None:
    before = len(problems.messages)
    entry = read_entry(path, raw, line, problems, "stage", _STAGE_FIELDS)
    if entry is None:
        return None
    fields, stage_id = entry
    fraction = raw.get("volume_fraction")
    if fraction is not None and (
        isinstance(fraction, bool)
        or not isinstance(fraction, int | float)
        or not 0 < fraction <= 1
    ):
        where = line_of(raw, "volume_fraction")
        problems.add(path, where, f"{fields.what}: volume_fraction must be above 0 and at most 1")
    stage = Stage(
        id=stage_id,
        name=fields.text("name", max_chars=MAX_NAME_CHARS),
        plan=fields.text("plan", max_chars=MAX_PLAN_CHARS),
        min_days=_integer(fields, "min_days", 1, 365),
        volume_fraction=None if fraction is None else float(fraction),
    )
    return stage if len(problems.messages) == before else None


def _parse_stages(
    path: Path, ladder: dict[str, Any], problems: Problems
) -> list[Stage | None] | None:
    """The stages in order, None for a broken one; None when there is no usable list."""
    raw = ladder.get("stages")
    if not isinstance(raw, list) or len(raw) < 2:
        where = line_of(ladder, "stages")
        problems.add(path, where, "'stages' must be a list of at least two stages")
        return None
    stages: list[Stage | None] = []
    first_line: dict[str, int] = {}
    previous = 0.0
    for index, item in enumerate(raw):
        line = line_of(raw, index)
        stage = _parse_stage(path, item, line, problems)
        stages.append(stage)
        if stage is None:
            continue
        if stage.id in first_line:
            problems.add(
                path,
                line,
                f"duplicate stage id '{stage.id}' (first on line {first_line[stage.id]})",
            )
        first_line.setdefault(stage.id, line)
        fraction = stage.volume_fraction or 0.0
        if fraction < previous:
            where = line_of(item, "volume_fraction")
            problems.add(path, where, f"stage '{stage.id}': volume_fraction must not go down")
        previous = max(previous, fraction)
    if stages[-1] is not None and stages[-1].volume_fraction != 1.0:
        problems.add(path, line_of(raw, len(raw) - 1), "the last stage needs volume_fraction 1.0")
    return stages


def _parse_band(
    path: Path, item: Any, line: int, problems: Problems
) -> tuple[int, int, str] | None:
    if not isinstance(item, dict):
        problems.add(path, line, "each band must be {pain_min, pain_max, stage}")
        return None
    fields = FieldReader(path, item, problems, "start_stage_by_pain")
    fields.check_known({"pain_min", "pain_max", "stage"})
    low = _integer(fields, "pain_min", 0, MAX_PAIN)
    high = _integer(fields, "pain_max", 0, MAX_PAIN)
    if low > high:
        problems.add(path, line, "start_stage_by_pain: pain_min is above pain_max")
    return low, high, fields.text("stage")


def _parse_start(
    path: Path, rules: dict[str, Any], stages: list[Stage | None] | None, problems: Problems
) -> list[tuple[int, int, int]]:
    """Check `start_stage_by_pain`: every pain 0..10 once, each to a walking stage."""
    raw = rules.get("start_stage_by_pain")
    if not isinstance(raw, list) or not raw:
        where = line_of(rules, "start_stage_by_pain")
        problems.add(path, where, "rules: 'start_stage_by_pain' must be a list of pain bands")
        return []
    by_id = {stage.id: (index, stage) for index, stage in enumerate(stages or ()) if stage}
    complete = stages is not None and None not in stages
    covered: dict[int, int] = {}
    bands: list[tuple[int, int, int]] = []
    for index, item in enumerate(raw):
        line = line_of(raw, index)
        band = _parse_band(path, item, line, problems)
        if band is None:
            continue
        low, high, stage_id = band
        twice = [pain for pain in range(low, high + 1) if pain in covered]
        if twice:
            first = covered[twice[0]]
            problems.add(path, line, f"pain {twice[0]} is already covered on line {first}")
        covered.update((pain, line) for pain in range(low, high + 1) if pain not in covered)
        found = by_id.get(stage_id)
        if found is None:
            if complete and stage_id:  # else it may name a broken stage, reported already
                problems.add(path, line_of(item, "stage"), f"unknown stage '{stage_id}'")
        elif found[1].volume_fraction is not None:
            problems.add(path, line_of(item, "stage"), "a plan must not start in a running stage")
        else:
            bands.append((low, high, found[0]))
    missing = [str(pain) for pain in range(MAX_PAIN + 1) if pain not in covered]
    if missing:
        where = line_of(rules, "start_stage_by_pain")
        problems.add(path, where, f"start_stage_by_pain misses pain {', '.join(missing)}")
    return bands


def _parse_rules(
    path: Path, ladder: dict[str, Any], problems: Problems
) -> ProgressionRules | None:
    raw = ladder.get("rules")
    if not isinstance(raw, dict):
        where = line_of(ladder, "rules")
        problems.add(path, where, "'rules' must be a mapping of progression thresholds")
        return None
    fields = FieldReader(path, raw, problems, "rules")
    fields.check_known({*_RULE_FIELDS, "start_stage_by_pain"})
    before = len(problems.messages)
    rules = ProgressionRules(
        **{key: _integer(fields, key, low, high) for key, (low, high) in _RULE_FIELDS.items()}
    )
    if len(problems.messages) > before:
        return rules  # comparing placeholders would only add noise
    if not rules.good_pain_max < rules.hold_pain_max < MAX_PAIN:
        problems.add(
            path, line_of(raw, "hold_pain_max"), "rules: need good_pain_max < hold_pain_max < 10"
        )
    if rules.resolve_pain_max > rules.good_pain_max:
        problems.add(
            path, line_of(raw, "resolve_pain_max"), "rules: resolve_pain_max above good_pain_max"
        )
    return rules


def parse_ladder(path: Path, raw: Any, problems: Problems) -> Ladder | None:
    """Validate `ladder.yaml`; None (with every problem reported) if anything is wrong."""
    if not isinstance(raw, dict):
        problems.add(path, line_of(raw), "expected a mapping with source, stages and rules")
        return None
    before = len(problems.messages)
    fields = FieldReader(path, raw, problems, "ladder")
    fields.check_known({"source", "stages", "rules"})
    source = fields.text("source")
    stages = _parse_stages(path, raw, problems)
    rules = _parse_rules(path, raw, problems)
    rules_raw = raw.get("rules")
    bands = _parse_start(path, rules_raw, stages, problems) if isinstance(rules_raw, dict) else []
    valid = tuple(stage for stage in stages or () if stage is not None)
    if rules is None or len(valid) != len(stages or ()) or len(problems.messages) != before:
        return None
    return Ladder(valid, rules, source, tuple(bands))


_FRACTION_WORDS = ((1 / 3, "one-third"), (1 / 2, "half"), (2 / 3, "two-thirds"))


def _fraction_word(fraction: float) -> tuple[float, str]:
    """`0.33` in the data means one-third: use the exact share and its word."""
    for exact, word in _FRACTION_WORDS:
        if abs(fraction - exact) < 0.02:
            return exact, word
    return fraction, f"{round(fraction * 100)}%"


def _share(usual: UsualVolume, fraction: float) -> str:
    return format_volume(
        UsualVolume(round_volume(usual.amount * fraction, usual.unit), usual.unit)
    )


def _volume_sentence(fraction: float, usual: UsualVolume | None) -> str:
    exact, word = _fraction_word(fraction)
    if usual is None:
        if fraction >= 1.0:
            return "This week: up to what you'd normally run in a week."
        return f"This week: about {word} of what you'd normally run in a week."
    usual_text = format_volume(usual)
    if fraction >= 1.0:
        # The 10% rule made concrete: what "10% more" means in the runner's own unit.
        then = f"then at most {_share(usual, 0.1)} more a week"
        return f"About {usual_text} this week: your usual {usual_text}, {then}."
    return f"About {_share(usual, exact)} this week: {word} of your usual {usual_text}."


def plan_text(stage: Stage, usual: UsualVolume | None) -> str:
    """Today's plan; running stages get this week's amount from the runner's usual volume."""
    if stage.volume_fraction is None:
        return stage.plan
    return f"{stage.plan} {_volume_sentence(stage.volume_fraction, usual)}"
