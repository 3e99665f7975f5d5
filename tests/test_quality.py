"""The quality floors on our labelled set (tests/data/labelled.yaml).

The set was written by someone who had not seen the knowledge base's example
questions; thresholds were calibrated on it (bench/calibrate.py).
tests/data/generalisation.yaml, written independently and never tuned on,
is printed by `python -m bench.quality`: it is the honest figure for new messages.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.quality import (
    DESCRIBED_SIGN_PROBES,
    GENERALISATION,
    GENERALISATION2,
    GENERALISATION3,
    GENERALISATION4,
    GENERALISATION5,
    GENERALISATION6,
    GENERALISATION7,
    GENERALISATION8,
    GENERALISATION9,
    GENERALISATION10,
    GENERALISATION11,
    GENERALISATION12,
    GENERALISATION13,
    GENERALISATION14,
    GENERALISATION15,
    GENERALISATION16,
    GENERALISATION17,
    GENERALISATION18,
    GENERALISATION19,
    LABELLED,
    OOS_PROBE7,
    OOS_PROBES,
    RED_FLAG_PROBE,
    RED_FLAG_PROBE2,
    RED_FLAG_PROBE3,
    RED_FLAG_PROBE4,
    RED_FLAG_PROBE5,
    evaluate,
    load_examples,
)
from bot.matcher import Matcher


def test_labelled_set_is_large_and_covers_every_topic(matcher: Matcher) -> None:
    examples = load_examples(LABELLED)
    assert len(examples) >= 250
    labelled_topics = {e.topic for e in examples}
    assert set(matcher._kb.topics) <= labelled_topics
    assert {"typo", "regional", "slang", "long", "redflag", "negated", "oos"} <= {
        e.tag for e in examples
    }


def test_quality_floors(matcher: Matcher) -> None:
    report = evaluate(matcher.match, load_examples(LABELLED))
    print(report.summary())
    assert report.accuracy >= 0.90, report.misses
    assert report.recall == 1.0, [m for m in report.misses if m.startswith("red-flags")]
    assert report.abstention >= 0.90, [m for m in report.misses if m.startswith("None")]


# Writers who saw only the topic list: (first reading -> now, top-1 / abstained) generalisation2
# 86.0/87.5 -> 87.7/91.7; generalisation3 85.4/95.2 -> 92.0/98.4 (brands, emoji, "come and go",
# "kneaded"); generalisation4 70.4/92.5 -> 91.1/95.0 ("the tablets that bring swelling down", "the
# big tube thing"); generalisation9 (short hand-typed tests, written late this session) 92.0/98.7
# on first reading; generalisation10 (personas, ten per topic) 85.5/96.0 -> 86.2/100 ("my mum
# always says" is advice, not her back; "yoga for runners" is nobody's back; "back to training" is
# no back); generalisation11 (plain test-author questions) 93.2/90.0 -> 94.3/98.0 (energy
# gels, shoe brands and iron tests are other subjects; "how do I ease this back pain" no
# longer reads like the night-pain example of the warning signs); generalisation12 (topics
# without their key word: "in meetings all day", "the big tunnel machine") 88.2/100 ->
# 94.3/100; generalisation13 (typos, regional words, slang, rambling) 94.3/96.0 -> 95.4/96.0
# ("under the pump" is no price question, "asap" is no typo of "apap", "skip my race" asks
# about running with it); generalisation14 (ten kinds of runner, after reading the article)
# 93.9/90.0 -> 95.4/95.0 ("stay completely still", "lay up", "went ping", a sauna for heat
# training is no heat pack); generalisation15 (two to six words) 92.5/90.0 -> 94.3/95.0
# ("how to ease back pain" is no "ease back into running", "backpain" no typo of "backpack",
# "resume running back" no American football); generalisation16 (statements, requests,
# replies to someone's advice, non-native English) 88.8/98.0 -> 91.3/98.0 ("my flatmate says
# everyone's back goes" and "my mother is insisting" report advice, not their backs);
# generalisation17 (a first-time tester's plain questions) 95.5/95.0 -> 95.5/96.7 ("get back my
# motivation" is no back); generalisation18 (six topics with subtle boundaries) 80.0/93.3 ->
# 90.8/96.7 ("what is behind", "brings it on", "is that what chronic pain looks like", "when can
# I expect", "continue my running", a coach is someone else); generalisation19 (a product
# owner's held-out style set, written after all of those changes) 94.4/95.0, left as read.
# The floors keep later changes from trading these away for the sets they were tuned on.
@pytest.mark.parametrize(
    ("path", "size", "accuracy", "abstention"),
    [
        (GENERALISATION2, 300, 0.86, 0.86),
        (GENERALISATION3, 280, 0.90, 0.90),
        (GENERALISATION4, 270, 0.89, 0.90),
        (GENERALISATION9, 220, 0.90, 0.90),
        (GENERALISATION10, 290, 0.86, 0.90),
        (GENERALISATION11, 280, 0.90, 0.90),
        (GENERALISATION12, 280, 0.90, 0.90),
        (GENERALISATION13, 280, 0.90, 0.90),
        (GENERALISATION14, 280, 0.90, 0.90),
        (GENERALISATION15, 280, 0.90, 0.90),
        (GENERALISATION16, 190, 0.90, 0.90),
        (GENERALISATION17, 220, 0.90, 0.90),
        (GENERALISATION18, 115, 0.88, 0.90),
        (GENERALISATION19, 190, 0.90, 0.90),
    ],
)
def test_wordings_from_writers_who_saw_only_the_topic_list(
    matcher: Matcher, path: Path, size: int, accuracy: float, abstention: float
) -> None:
    report = evaluate(matcher.match, load_examples(path))
    assert report.in_scope >= size
    assert report.accuracy >= accuracy, report.misses
    assert report.abstention >= abstention, [m for m in report.misses if m.startswith("None")]


# In-scope only. generalisation5 (long stories): 78.1% on first reading, 84.4% after
# a question asked mid-story became a piece of its own, 89.1% after a closing question
# that points back ("would that help?") took the treatments named before it.
# generalisation6 (short chat messages): 89.0% -> 92.5%. generalisation7 (everyday
# words instead of the textbook ones): 85.0% -> 88.2% (emphasis words dropped, "will
# it get better" apart from "how long", "does that count as chronic"). generalisation8
# (nine personas, written after all of those changes): 92.5% on first reading.
@pytest.mark.parametrize(
    ("path", "size", "accuracy"),
    [
        (GENERALISATION5, 290, 0.86),
        (GENERALISATION6, 300, 0.90),
        (GENERALISATION7, 270, 0.86),
        (GENERALISATION8, 240, 0.90),
    ],
)
def test_stories_and_chat_from_writers_who_saw_only_the_topic_list(
    matcher: Matcher, path: Path, size: int, accuracy: float
) -> None:
    report = evaluate(matcher.match, load_examples(path))
    assert report.in_scope >= size
    assert report.accuracy >= accuracy, report.misses


def test_long_out_of_scope_stories(matcher: Matcher) -> None:
    # oos_probe7: not answered with a topic 80.7% -> 83.3% (warning-sign rules that
    # fired on other aches: "both calves tight", "lose 5 kilos", "awake till 2am");
    # 88.0% by this measure, where an urgent answer also counts as not answering.
    # The weakest out-of-scope kind left: a long story about another ache.
    report = evaluate(matcher.match, load_examples(OOS_PROBE7))
    assert report.out_of_scope >= 140
    assert report.abstention >= 0.86, [m for m in report.misses if m.startswith("None")]


@pytest.mark.parametrize(
    "path",
    [GENERALISATION, RED_FLAG_PROBE, RED_FLAG_PROBE2, RED_FLAG_PROBE4, RED_FLAG_PROBE5],
    ids=lambda p: p.name,
)
def test_every_warning_sign_in_the_other_sets_is_caught(matcher: Matcher, path: Path) -> None:
    report = evaluate(matcher.match, load_examples(path))
    assert report.red_flags >= 40
    assert report.recall == 1.0, [m for m in report.misses if m.startswith("red-flags")]


@pytest.mark.parametrize(
    "path", [RED_FLAG_PROBE, RED_FLAG_PROBE2, RED_FLAG_PROBE3], ids=lambda p: p.name
)
def test_denials_and_near_misses_are_rarely_alarms(matcher: Matcher, path: Path) -> None:
    calm = [e for e in load_examples(path) if e.tag in {"negated", "nearmiss"}]
    alarmed = [e.text for e in calm if matcher.match(e.text).kind == "urgent"]
    # When in doubt the safe answer wins: a few near misses ("shivering at the start
    # line", "my friend was in a car crash") are allowed to get the urgent answer.
    assert len(calm) >= 80
    assert len(alarmed) <= 0.08 * len(calm), alarmed


@pytest.mark.parametrize("path", DESCRIBED_SIGN_PROBES, ids=lambda p: p.name)
def test_warning_signs_described_without_their_names_are_mostly_caught(
    matcher: Matcher, path: Path
) -> None:
    # "it's like wiping through a thick glove", "sitting on a cushion of air": the hardest
    # wordings; the floor keeps them from slipping while the rules grow (probe3 95.5%, probe6
    # 95.8%, probe7 98.3%, probe8 99.3%, probe9 100%, probe10 and probe11 99.3%, probe12 99.2%,
    # probe13 96.7%, probe14 and probe15 100%, probe16 99.2%, probe18 100%, probe19 100%, probe20
    # 99.1%, probe21 100%, probe22 99.1%, probes 23-27 100%, probe28 98.3%, probes 29-32 100%,
    # probe33 98.0%, probe34 99.0%, probe35 100%, probe36 99.0%, probe37 96.2%, probe38 100%,
    # probe39 98.1%, probe40 100%, probe41 99.0%, probe42 100%, probe43 98.1%, probe44 97.0%,
    # probe45 100%, probe46 99.0%, probe47 99.0%, probe48 100%, probe49 100%, probe50 100%, probe51
    # 100%, probe52 100%, probe53 100%, probe54 100%, probe55 100%, probe56 100%, probe57 100%,
    # probe58 100%, probe59 100%, probe60 100%, probes 61-82 100% when their floors were set
    # (probes 33-36 have 99 signs each, probe49 48, probe50 90); on first reading probe8 was 83.7%,
    # probe9 68.9%, probe10 81.3%, probe11 79.9%, probe12 85.8%, probe13 80.8%, probe14 77.3%,
    # probe15 91.7%, probe16 85.1%, probe18 85.0%, probe19 77.6%, probe20 81.9%, probe21 77.4%,
    # probe22 74.8%, probe23 90.6%, probe24 83.5%, probe25 91.3%, probe26 80.9%, probe27 87.8%,
    # probe28 85.2%, probe29 96.6%, probe30 89.0%, probe31 90.0%, probe32 87.0%, probe33 89.9%,
    # probe34 93.9%, probe35 56.6% (code-mixed: English with Spanish, Hindi, Tagalog, Arabizi),
    # probe36 94.9%, probe37 70.8% (signs told through what they lead to: pads, an alarm for the
    # loo, a hand on the banister), probe38 95.0% (fast phone typing), probe39 89.6% (regional
    # Englishes: Jamaican, Singaporean, Scottish, Australian), probe40 97.3% (runners naming their
    # own medicines and conditions), probe41 96.0% (the sign explained away: "the naproxen must be
    # why I can't pee"), probe42 97.0% (a club group chat), probe43 87.9% (learner English),
    # probe44 66.0% (written on the runner's behalf: "she wet herself"), probe45 87.0% (voice notes
    # as the phone transcribed them: "your in won't come out", "perry knee"), probe46 85.0%
    # (training logs, signs told as change over time), probe47 84.0% (signs joked about or played
    # down: "don't laugh, but..."), probe48 92.0% (life stages and situations: new parents, shift
    # workers, people in their 70s and 80s), probe49 91.7% (long posts, the sign one sentence in
    # the middle), probe50 95.6% (anatomy words used loosely: "nothing down there works properly in
    # bed"), probe51 96.0% (the most ordinary first wordings, again), probe52 95.0% (the runner's
    # own sign asked as a question: "why would I not be able to..."), probe53 99.0% (plain
    # test-writer wordings, several per sign), probe54 99.0% (very short phone messages), probe55
    # 97.0% (plain wordings from many kinds of runners), probe56 89.0% (key words misspelt as said:
    # "infecshun", "imunity", "loosing wait"), probe57 92.0% (one concrete sign per message, told
    # as noticed), probe58 95.0% (the subtler "soon" signs: "three weeks out from my gallbladder
    # operation", "diabetic on insulin"), probe59 97.0% (women and older runners: "spend a penny
    # and nothing would come"), probe60 93.0% (the sign told as a change: "I used to be able to
    # hold it, now I leak"), probe61 96.0% and probe62 93.0% (plain test-author wordings: "trouble
    # controlling my bowel movements", "my bits have gone numb"), probe63 95.0% (the sign in
    # passing inside a treatment question), probe64 99.0% ("is it normal that..."), probe65 96.0%
    # (context first: "lost the feeling of when my bladder is full"), probe66 95.0% (typos, slang,
    # regional English, rambling: "numb patch round my back pasage", "steadly wors"), probe67
    # 98.0% (ten kinds of runner: "I stand there and it won't start", "spleen removed"), probe68
    # 98.0% (three to twelve words: "no sensation passing urine"), probe69 98.0% (the sign as an
    # afterthought: "P.S.", "also weirdly"), probe70 92.0% (the sign told by what the runner now
    # does differently: "I set alarms to go to the loo", "I hadn't even realised I'd messed
    # myself"), probe71 98.0% (a tester's plain checks of every sign: "reduced sensation when
    # passing urine"), probe72 97.0% (replies to the daily check-in: "it's crept up week after
    # week"), probe73 92.0% (signs told with numbers: "only passed water once in the last 18 hrs",
    # "5 kg gone in 5 weeks for no reason"), probe74 97.0% (the sign in a subordinate clause:
    # "given that I can barely pass urine"), probe75 86.0% (runners in health care, in clinical
    # shorthand: "reduced sensation on micturition", "BO without awareness", "bilat L5 radicular
    # pain"), probe76 97.0% (upbeat messages: "PB! also I pooped a little in my shorts"), probe77
    # 79.0% (comparisons: "like peeing through cotton wool", "my bum has gone deaf"), probe78 95.0%
    # (explained away: "can't feel my backside on the toilet seat, must be the cold bathroom"),
    # probe79 97.0% (the "soon" signs in depth: "immunoglobulin infusions", "not well in myself"),
    # probe80 98.0% (run-on phone messages: "my blather feels off"), probe81 98.0% (one sign
    # denied, another affirmed: "bowels are fine. It's my bladder, I've leaked on my last three
    # runs"), probe82 97.0% (symptoms as lists: "MVA 3 days ago"): fresh wordings of a warning sign
    # still slip past the rules too often).
    report = evaluate(matcher.match, load_examples(path))
    assert report.red_flags >= (45 if path.name == "red_flag_probe49.yaml" else 90)
    assert report.recall >= 0.95, [m for m in report.misses if m.startswith("red-flags")]


@pytest.mark.parametrize("path", OOS_PROBES, ids=lambda p: p.name)
def test_look_alike_out_of_scope_messages_are_not_answered(matcher: Matcher, path: Path) -> None:
    # Knees, shoes, other people's backs, "back-to-back long runs": 96.4%, 94.5%, 92.0%
    # and 88.9% abstained when this floor was set (oos_probe4 86.7% on first reading).
    report = evaluate(matcher.match, load_examples(path))
    assert report.out_of_scope >= 100
    assert report.abstention >= 0.88, [m for m in report.misses if m.startswith("None")]
