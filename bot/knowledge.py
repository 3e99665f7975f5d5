"""The knowledge base: topics from `knowledge/topics/*.yaml`, validated as a whole.

`load_knowledge` either returns a complete, valid knowledge base or raises
`KnowledgeError` listing every problem as 'file:line: reason'. There is no
half-loaded state: the bot refuses to start on an invalid knowledge base.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Literal, TypeVar

from bot.gc_pause import without_collector_pauses
from bot.ladder import Ladder, parse_ladder
from bot.lexicon import Lexicon, parse_lexicon
from bot.match_settings import MatchSettings, parse_match_settings
from bot.precheck_cache import PrecheckCache, default_cache_dir
from bot.red_flag_loading import parse_red_flags
from bot.red_flags import RedFlags
from bot.tips import Tip, parse_tips
from bot.validation import FieldReader, KnowledgeError, Problems, read_entry
from bot.yaml_lines import YamlProblem, line_of, load_yaml

T = TypeVar("T")

TopicKind = Literal["answer", "urgent", "smalltalk"]
TOPIC_KINDS: tuple[TopicKind, ...] = ("answer", "urgent", "smalltalk")

MAX_ANSWER_CHARS = 700
MIN_QUESTIONS = 6
RED_FLAGS_TOPIC = "red-flags"

# The ids listed in the team's spec/topics.md: each must exist, exactly so.
REQUIRED_TOPIC_IDS: tuple[str, ...] = (
    "acute-back-pain",
    "what-caused-it",
    "how-long",
    "imaging-and-tests",
    "acute-relief",
    "heat-and-ice",
    "nsaids",
    "acetaminophen",
    "opioids",
    "massage",
    "acupuncture",
    "spinal-manipulation",
    "chronic-back-pain",
    "chronic-relief",
    "yoga-tai-chi",
    "mindfulness",
    "physical-therapy",
    "strengthening",
    "sitting-and-desk",
    "rest-or-move",
    "return-to-running",
    "running-with-pain",
    "flare-ups",
    "which-doctor",
    "red-flags",
    "leg-pain",
    "walk-to-run-program",
    "greeting",
    "thanks",
)

_TOPIC_FIELDS = {
    "id",
    "title",
    "kind",
    "questions",
    "keywords",
    "answer",
    "source",
    "reviewed",
    "related",
    "needs_pain_words",
    "needs_help_words",
}

DEFAULT_KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "knowledge"


@dataclass(frozen=True)
class Topic:
    """One answerable topic, with the example messages that point at it."""

    id: str
    title: str
    kind: TopicKind
    questions: tuple[str, ...]
    keywords: tuple[str, ...]
    answer: str
    source: str
    reviewed: dt.date
    related: tuple[str, ...]
    # About running *with* a bad back: a message naming no pain, injury or back
    # ("is it ok to run every day") needs a clearer match before it gets this answer.
    needs_pain_words: bool = False
    # About what helps ("what works for long-term back pain"): a message that asks for no
    # help and names no treatment ("is my back pain chronic now?") needs a clearer match.
    needs_help_words: bool = False


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything the matcher and the replies need, validated together."""

    topics: dict[str, Topic]
    red_flags: RedFlags
    lexicon: Lexicon
    out_of_scope: tuple[str, ...]
    settings: MatchSettings
    ladder: Ladder
    tips: tuple[Tip, ...]

    def topic(self, topic_id: str) -> Topic:
        return self.topics[topic_id]


def _parse_topic(path: Path, raw: Any, line: int, problems: Problems) -> Topic | None:
    before = len(problems.messages)
    entry = read_entry(path, raw, line, problems, "topic", _TOPIC_FIELDS)
    if entry is None:
        return None
    fields, topic_id = entry
    what = fields.what
    kind = raw.get("kind")
    if kind not in TOPIC_KINDS:
        problems.add(
            path, line_of(raw, "kind"), f"{what}: kind must be one of {', '.join(TOPIC_KINDS)}"
        )
    topic = Topic(
        id=topic_id,
        title=fields.text("title", max_chars=40),
        kind=kind if kind in TOPIC_KINDS else "answer",
        questions=tuple(fields.texts("questions", min_items=MIN_QUESTIONS)),
        keywords=tuple(fields.texts("keywords", required=False)),
        answer=fields.text("answer", max_chars=MAX_ANSWER_CHARS),
        source=fields.text("source"),
        reviewed=fields.date("reviewed") or dt.date.min,
        related=tuple(fields.texts("related", required=False)),
        needs_pain_words=fields.flag("needs_pain_words"),
        needs_help_words=fields.flag("needs_help_words"),
    )
    return topic if len(problems.messages) == before else None


def _load_topics(directory: Path, problems: Problems) -> dict[str, Topic]:
    files = sorted((directory / "topics").glob("*.yaml"))
    if not files:
        problems.add(directory / "topics", 1, "no topic files (*.yaml) found")
    topics: dict[str, Topic] = {}
    where: dict[str, tuple[Path, int]] = {}
    related_lines: dict[str, tuple[Path, int]] = {}
    for path in files:
        try:
            data = load_yaml(path)
        except YamlProblem as exc:
            problems.add(exc.path, exc.line, exc.reason)
            continue
        if not isinstance(data, list):
            problems.add(path, line_of(data), "a topic file must be a YAML list of topics")
            continue
        for index, raw in enumerate(data):
            line = line_of(data, index)
            topic = _parse_topic(path, raw, line, problems)
            if topic is None:
                continue
            if topic.id in topics:
                first_path, first_line = where[topic.id]
                problems.add(
                    path,
                    line,
                    f"duplicate topic id '{topic.id}' (first at {first_path}:{first_line})",
                )
                continue
            topics[topic.id] = topic
            where[topic.id] = (path, line)
            related_lines[topic.id] = (path, line_of(raw, "related"))
    _check_references(topics, related_lines, problems, directory)
    return topics


def _check_references(
    topics: dict[str, Topic],
    related_lines: dict[str, tuple[Path, int]],
    problems: Problems,
    directory: Path,
) -> None:
    for topic in topics.values():
        path, line = related_lines[topic.id]
        for other in topic.related:
            if other == topic.id:
                problems.add(path, line, f"topic '{topic.id}': related lists the topic itself")
            elif other not in topics:
                problems.add(
                    path, line, f"topic '{topic.id}': related id '{other}' does not exist"
                )
    for required in REQUIRED_TOPIC_IDS:
        if required not in topics:
            problems.add(
                directory / "topics", 1, f"missing topic '{required}' (required by spec/topics.md)"
            )
    red_flags = topics.get(RED_FLAGS_TOPIC)
    if red_flags is not None and red_flags.kind != "urgent":
        path, line = related_lines[RED_FLAGS_TOPIC]
        problems.add(path, line, f"topic '{RED_FLAGS_TOPIC}' must have kind 'urgent'")


def _load_file(path: Path, problems: Problems) -> Any:
    try:
        return load_yaml(path)
    except YamlProblem as exc:
        problems.add(exc.path, exc.line, exc.reason)
        return None


def _load_out_of_scope(path: Path, problems: Problems) -> tuple[str, ...]:
    data = _load_file(path, problems)
    if data is None:
        return ()
    if not isinstance(data, dict):
        problems.add(path, line_of(data), "expected a mapping with an 'examples' list")
        return ()
    return tuple(FieldReader(path, data, problems, "out of scope").texts("examples", min_items=1))


@without_collector_pauses
def load_knowledge(
    directory: Path = DEFAULT_KNOWLEDGE_DIR, cache: PrecheckCache | None = None
) -> KnowledgeBase:
    """Load and validate every knowledge file; raise `KnowledgeError` listing all problems.

    `cache`: where the red-flag patterns' pre-checks are remembered between runs
    (by default the user's cache directory; `PrecheckCache(None)`: nowhere).
    """
    cache = cache if cache is not None else PrecheckCache(default_cache_dir())
    problems = Problems()
    if not directory.is_dir():
        problems.add(directory, 1, "knowledge directory not found")
        problems.raise_if_any()
    topics = _load_topics(directory, problems)
    red_flags = _parse_file(
        directory / "red_flags.yaml", partial(parse_red_flags, cache=cache), problems
    )
    lexicon = _parse_file(directory / "lexicon.yaml", parse_lexicon, problems)
    settings = _parse_file(directory / "matching.yaml", parse_match_settings, problems)
    out_of_scope = _load_out_of_scope(directory / "out_of_scope.yaml", problems)
    ladder = _parse_file(directory / "ladder.yaml", parse_ladder, problems)
    tips = _parse_file(directory / "tips.yaml", parse_tips, problems)
    problems.raise_if_any()
    if red_flags is None or lexicon is None or settings is None or ladder is None or tips is None:
        # Parsers report why whenever they return None; this is a guard, not a path.
        raise KnowledgeError([f"{directory}:1: a knowledge file could not be read"])
    # The screen keys its literal pre-check by the words runners use least.
    typical = tuple(question for topic in topics.values() for question in topic.questions)
    red_flags = dataclasses.replace(red_flags, typical_messages=typical + out_of_scope)
    return KnowledgeBase(topics, red_flags, lexicon, out_of_scope, settings, ladder, tips)


def _parse_file(
    path: Path, parse: Callable[[Path, Any, Problems], T | None], problems: Problems
) -> T | None:
    """Read and validate one file; a file that isn't valid YAML gets no further checks
    (they would only repeat the syntax error as a list of missing fields)."""
    before = len(problems.messages)
    raw = _load_file(path, problems)
    if len(problems.messages) > before:
        return None
    return parse(path, raw, problems)


__all__ = ["KnowledgeBase", "KnowledgeError", "Topic", "load_knowledge"]
