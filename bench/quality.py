"""Quality of the matcher on a labelled message set.

`python -m bench.quality [FILE ...]` prints, per file: in-scope top-1
accuracy (a confident answer on the labelled topic), red-flag recall,
out-of-scope abstention, and the misses.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.knowledge import RED_FLAGS_TOPIC, load_knowledge
from bot.matcher import Match, Matcher

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
LABELLED = DATA / "labelled.yaml"
GENERALISATION = DATA / "generalisation.yaml"
# 380 messages by a helper who saw only the topic list (86.0% / 87.5% on first reading)
GENERALISATION2 = DATA / "generalisation2.yaml"
GENERALISATION3 = DATA / "generalisation3.yaml"  # a third writer, topics.md alone
GENERALISATION4 = DATA / "generalisation4.yaml"  # a fourth: phone wording, things by what they do
GENERALISATION5 = DATA / "generalisation5.yaml"  # a fifth: long stories, particular runners
GENERALISATION6 = DATA / "generalisation6.yaml"  # a sixth: short chat messages, mixed styles
GENERALISATION7 = DATA / "generalisation7.yaml"  # a seventh: everyday words, odd sentence shapes
GENERALISATION8 = DATA / "generalisation8.yaml"  # an eighth: nine personas, one message per topic
GENERALISATION9 = DATA / "generalisation9.yaml"  # a ninth: short hand-typed tests and look-alikes
GENERALISATION10 = DATA / "generalisation10.yaml"  # a tenth: personas, every topic, look-alikes
GENERALISATION11 = DATA / "generalisation11.yaml"  # an eleventh: plain test-author questions
GENERALISATION12 = DATA / "generalisation12.yaml"  # a twelfth: topics without their key word
GENERALISATION13 = DATA / "generalisation13.yaml"  # typos, regional words, slang, rambling
GENERALISATION14 = DATA / "generalisation14.yaml"  # ten kinds of runner, after the article
GENERALISATION15 = DATA / "generalisation15.yaml"  # very short queries, two to six words
# statements, requests, replies to someone's advice, non-native English, questions at the end
GENERALISATION16 = DATA / "generalisation16.yaml"
GENERALISATION17 = DATA / "generalisation17.yaml"  # a first-time tester's plain questions
GENERALISATION18 = DATA / "generalisation18.yaml"  # six topics with subtle boundaries, 20 each
GENERALISATION19 = DATA / "generalisation19.yaml"  # a product owner's held-out style set
RED_FLAG_PROBE = DATA / "red_flag_probe.yaml"  # warning signs, denials and near misses
RED_FLAG_PROBE2 = DATA / "red_flag_probe2.yaml"  # the same, in clinical, formal and slang voices
RED_FLAG_PROBE3 = DATA / "red_flag_probe3.yaml"  # symptoms described, not named
RED_FLAG_PROBE4 = DATA / "red_flag_probe4.yaml"  # euphemisms, other languages, buried mid-story
RED_FLAG_PROBE5 = DATA / "red_flag_probe5.yaml"  # terse, formal, teen, non-native, clinical
RED_FLAG_PROBE6 = DATA / "red_flag_probe6.yaml"  # told as a story, typos, hedged side remarks
RED_FLAG_PROBE7 = DATA / "red_flag_probe7.yaml"  # the subtle "soon" signs, and weakening legs
# Probes 8-19, each by a helper who never saw the rules: every flag by its effects (8);
# buried mid-story, regional English (9); short texts, other languages (10); "can X
# cause Y?", lists, euphemisms (11); afterthoughts, similes (12); check-in replies and
# misspellings (13); plain, typical wording by four writers (14-17); in passing inside
# another question, or told by a parent or partner (18); short, vague, embarrassed or
# joking phone messages, pidgin and slang (19); a calm adult's longer message with the
# sign as one detail among others (20); comparisons and daily life (21); non-native
# English and voice-to-text (22); replies to the daily check-in (23); "is it related?",
# "what does it mean?", or one sign in a list (24); teenagers' texting and older runners'
# formal histories (25); hedged, understated, or split across two sentences (26);
# guessed causes and half-remembered medical words (27); notes, logs and emoji (28);
# the reason for a practical question, or joked about (29); the subtler "soon" signs (30);
# long rambling messages with the sign once in the middle (31); an unusual word for the
# body part or the sign (32); women's and men's own words for their bodies (33); signs
# noticed while running, training or afterwards (34); code-mixed English (35); the most
# ordinary first wordings (36); probes 37-84 are described where they were measured (the
# notes of each session); 83 is a tester's plain check of every sign, 84 the "soon" signs
# in the words of the people they concern, 85 the emergency signs as different people
# would describe them.
LATER_RED_FLAG_PROBES = tuple(DATA / f"red_flag_probe{number}.yaml" for number in range(8, 86))
GENERALISATIONS = (
    *(GENERALISATION, GENERALISATION2, GENERALISATION3, GENERALISATION4, GENERALISATION5),
    *(GENERALISATION6, GENERALISATION7, GENERALISATION8, GENERALISATION9, GENERALISATION10),
    *(GENERALISATION11, GENERALISATION12, GENERALISATION13, GENERALISATION14),
    *(GENERALISATION15, GENERALISATION16, GENERALISATION17, GENERALISATION18),
    GENERALISATION19,
)
OOS_PROBE = DATA / "oos_probe.yaml"  # out-of-scope messages that share words with topics
OOS_PROBE2 = DATA / "oos_probe2.yaml"  # the same, from coaches, students, parents, shoppers
OOS_PROBE3 = DATA / "oos_probe3.yaml"  # the same, harder: pets, other injuries, no pain at all
OOS_PROBE4 = DATA / "oos_probe4.yaml"  # same treatments for other body parts, others' scans
OOS_PROBE5 = DATA / "oos_probe5.yaml"  # history, prices and cover; someone else's back, my worry
OOS_PROBE6 = DATA / "oos_probe6.yaml"  # short ones, "back" that is no back, asking about the bot
OOS_PROBE7 = DATA / "oos_probe7.yaml"  # long stories about other aches, training, other people
OOS_PROBE8 = DATA / "oos_probe8.yaml"  # shared words: other body parts, training, idioms of "back"
OOS_PROBE9 = DATA / "oos_probe9.yaml"  # what a running club's chat sends that is not back pain
OOS_PROBE10 = DATA / "oos_probe10.yaml"  # nine personas: near the subject, outside it
OOS_PROBE11 = DATA / "oos_probe11.yaml"  # about five look-alikes per topic, plain
OOS_PROBE12 = DATA / "oos_probe12.yaml"  # ten kinds of runner, near the subject
OOS_PROBE13 = DATA / "oos_probe13.yaml"  # the bot's own words (treatments, "back") elsewhere
UNSEEN = DATA / "unseen.yaml"  # measured only: its messages are never read
# Warning signs described rather than named: the tests hold each at 95% recall or more.
DESCRIBED_SIGN_PROBES = (RED_FLAG_PROBE3, RED_FLAG_PROBE6, RED_FLAG_PROBE7, *LATER_RED_FLAG_PROBES)
OOS_PROBES = (
    *(OOS_PROBE, OOS_PROBE2, OOS_PROBE3, OOS_PROBE4, OOS_PROBE5, OOS_PROBE6),
    *(OOS_PROBE8, OOS_PROBE9, OOS_PROBE10, OOS_PROBE11, OOS_PROBE12, OOS_PROBE13),
)


@dataclass(frozen=True)
class Example:
    text: str
    topic: str | None
    accept: frozenset[str]
    tag: str


@dataclass
class Report:
    in_scope: int = 0
    in_scope_right: int = 0
    in_scope_clarified: int = 0  # not a confident answer, but the right topic is offered
    red_flags: int = 0
    red_flags_caught: int = 0
    out_of_scope: int = 0
    out_of_scope_abstained: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.in_scope_right / max(1, self.in_scope)

    @property
    def recall(self) -> float:
        return self.red_flags_caught / max(1, self.red_flags)

    @property
    def abstention(self) -> float:
        return self.out_of_scope_abstained / max(1, self.out_of_scope)

    def summary(self) -> str:
        return (
            f"in-scope top-1 {self.accuracy:.1%} ({self.in_scope_right}/{self.in_scope}; "
            f"+{self.in_scope_clarified} offered as 'did you mean')  "
            f"red-flag recall {self.recall:.1%} ({self.red_flags_caught}/{self.red_flags})  "
            f"out-of-scope abstained {self.abstention:.1%} "
            f"({self.out_of_scope_abstained}/{self.out_of_scope})"
        )


def load_examples(path: Path) -> list[Example]:
    raw: list[dict[str, Any]] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Example(
            text=str(item["text"]),
            topic=item.get("topic"),
            accept=frozenset({item["topic"], *item.get("accept", [])} - {None}),
            tag=str(item.get("tag", "")),
        )
        for item in raw
    ]


def evaluate(match: Callable[[str], Match], examples: Iterable[Example]) -> Report:
    report = Report()
    for example in examples:
        got = match(example.text)
        offered = {alt.topic for alt in got.alternatives}
        label = f"{example.topic} <- {got.kind}:{got.topic} {got.score:.0f} | {example.text!r}"
        if example.topic == RED_FLAGS_TOPIC:
            report.red_flags += 1
            caught = got.kind == "urgent"
            report.red_flags_caught += caught
        elif example.topic is None:
            report.out_of_scope += 1
            # A red-flag answer to an out-of-scope message is the safe side, not a wrong guess.
            caught = got.kind in {"clarify", "fallback", "urgent"}
            report.out_of_scope_abstained += caught
        else:
            report.in_scope += 1
            caught = got.kind not in {"clarify", "fallback"} and got.topic in example.accept
            report.in_scope_right += caught
            if got.kind == "clarify" and offered & example.accept:
                report.in_scope_clarified += 1
        if not caught:
            report.misses.append(label)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "files",
        nargs="*",
        type=Path,
        default=[
            LABELLED,
            *GENERALISATIONS,
            RED_FLAG_PROBE,
            RED_FLAG_PROBE2,
            RED_FLAG_PROBE3,
            RED_FLAG_PROBE4,
            RED_FLAG_PROBE5,
            RED_FLAG_PROBE6,
            RED_FLAG_PROBE7,
            *LATER_RED_FLAG_PROBES,
            *OOS_PROBES,
            OOS_PROBE7,
            UNSEEN,
        ],
    )
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    matcher = Matcher(load_knowledge())
    for path in args.files:
        report = evaluate(matcher.match, load_examples(path))
        print(f"{path.name}: {report.summary()}")
        if args.misses:
            for line in report.misses:
                print("   ", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
