"""Matcher speed: `python -m bench.match`.

Prints the knowledge-base load time (parse, validate, build the index), the
one-off cost of the first match (work deferred until a message needs it),
match latency p50/p99 over the labelled set on the real knowledge base, and
the same on a generated knowledge base of 10,000 topics.
Targets: load <= 300 ms, p99 <= 1 ms (real), p99 <= 20 ms (10,000 topics).

Each message is matched several times. On a shared virtual machine the same
message's timings vary by half or more (stolen CPU time, caches emptied by
other tenants), so a message's latency is the median of its timings, and the
percentiles are taken over the messages. The percentiles of every single
timing are printed too: their tail is mostly the machine's.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import statistics
import sys
import time

from bench.quality import LABELLED, load_examples
from bot.knowledge import KnowledgeBase, Topic, load_knowledge
from bot.matcher import Matcher

GENERATED_TOPICS = 10_000


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _latencies(matcher: Matcher, messages: list[str], rounds: int) -> list[list[float]]:
    """Each message's timings in ms, one per round (the rounds go through all messages)."""
    for message in messages:  # warm the spelling cache as a running bot would be
        matcher.match(message)
    timings: list[list[float]] = [[] for _ in messages]
    for _ in range(rounds):
        for message, times in zip(messages, timings, strict=True):
            start = time.perf_counter()
            matcher.match(message)
            times.append((time.perf_counter() - start) * 1000)
    return timings


def _generated_kb(real: KnowledgeBase, count: int, seed: int = 7) -> KnowledgeBase:
    """Real topics plus synthetic ones made of the real vocabulary and random words."""
    rng = random.Random(seed)
    vocabulary = sorted({w for t in real.topics.values() for q in t.questions for w in q.split()})
    topics = dict(real.topics)
    for number in range(count - len(topics)):
        rare = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8))
        questions = tuple(" ".join([*rng.sample(vocabulary, 5), rare]) for _ in range(8))
        topic_id = f"generated-{number}"
        topics[topic_id] = Topic(
            topic_id,
            f"Generated {number}",
            "answer",
            questions,
            (rare,),
            "answer",
            "bench",
            dt.date(2026, 11, 25),
            (),
        )
    return dataclasses.replace(real, topics=topics)


def _report(name: str, timings: list[list[float]]) -> None:
    latencies = [statistics.median(times) for times in timings]
    every = [time for times in timings for time in times]
    print(
        f"{name}: p50 {statistics.median(latencies):.3f} ms, "
        f"p99 {_percentile(latencies, 0.99):.3f} ms over {len(latencies)} messages "
        f"(each the median of {len(timings[0])} timings); every single timing: "
        f"p50 {statistics.median(every):.3f} ms, p99 {_percentile(every, 0.99):.3f} ms"
    )


def main() -> int:
    start = time.perf_counter()
    kb = load_knowledge()
    matcher = Matcher(kb)
    load_ms = (time.perf_counter() - start) * 1000
    print(f"knowledge base load (parse, validate, index): {load_ms:.0f} ms")
    start = time.perf_counter()
    matcher.match("hello")
    print(
        "first match after load (builds the red-flag literal index and reads the English "
        f"word list, once): {(time.perf_counter() - start) * 1000:.0f} ms"
    )
    messages = [example.text for example in load_examples(LABELLED)]
    _report(f"real KB ({len(kb.topics)} topics)", _latencies(matcher, messages, rounds=5))
    big = _generated_kb(kb, GENERATED_TOPICS)
    start = time.perf_counter()
    big_matcher = Matcher(big)
    print(f"generated KB index build: {(time.perf_counter() - start) * 1000:.0f} ms")
    _report(
        f"generated KB ({len(big.topics)} topics)", _latencies(big_matcher, messages, rounds=3)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
