"""Matcher speed: `python -m bench.match`.

Prints the knowledge-base load time (parse, validate, build the index) in a
fresh Python process, the first time after the red-flag patterns changed (no
pre-check cache, see `bot/precheck_cache.py`) and on every later start; the
one-off cost of the first match (work deferred until a message needs it);
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
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.quality import LABELLED, load_examples
from bot.knowledge import KnowledgeBase, Topic, load_knowledge
from bot.matcher import Matcher
from bot.precheck_cache import PrecheckCache

GENERATED_TOPICS = 10_000
STARTS = 5  # fresh processes timed with the cache in place


def _reference_ms() -> tuple[float, float]:
    """A fixed pure-Python workload (dicts, strings, a regex), timed 9 times: the fastest
    and the median, in ms. It says how fast the machine runs right now: on this shared
    VM the same workload has taken from 4 to 9 ms within a few seconds."""
    words = [f"w{number % 997}" for number in range(20_000)]
    pattern = re.compile(r"\bw(1\d|9)\d*\b")
    times = []
    for _ in range(9):
        start = time.perf_counter()
        counts: dict[str, int] = {}
        for word in words:
            counts[word] = counts.get(word, 0) + 1
        text = " ".join(words)
        len(pattern.findall(text.upper().lower()))
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times)


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


def _start(cache_dir: Path) -> None:
    """In a fresh process: print the load time and the first match's, in ms, as JSON."""
    start = time.perf_counter()
    matcher = Matcher(load_knowledge(cache=PrecheckCache(cache_dir)))
    load_ms = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    matcher.match("hello")
    print(json.dumps({"load": load_ms, "first": (time.perf_counter() - start) * 1000}))


def _fresh_start(cache_dir: Path) -> dict[str, float]:
    """Load and first-match times of a new interpreter, as a restarted bot would see them."""
    command = [sys.executable, "-m", "bench.match", "--start", str(cache_dir)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    times: dict[str, float] = json.loads(done.stdout)
    return times


def _report_starts(cache_dir: Path) -> None:
    cold = _fresh_start(cache_dir)
    warm = [_fresh_start(cache_dir) for _ in range(STARTS)]
    loads = sorted(times["load"] for times in warm)
    print(
        "knowledge base load (parse, validate, index), in a fresh process: "
        f"{cold['load']:.0f} ms the first time (every pattern parsed and analysed); "
        f"{statistics.median(loads):.0f} ms on later starts (pre-checks from the cache; "
        f"median of {STARTS}, each: {', '.join(f'{load:.0f}' for load in loads)} ms)"
    )
    firsts = sorted(times["first"] for times in warm)
    print(
        "first match after load (red-flag literal index, English word list, once): "
        f"{statistics.median(firsts):.0f} ms (median of {STARTS})"
    )


def main() -> int:
    # The interpreter's build changes every figure (see the Makefile's PYTHON).
    print(f"Python {platform.python_version()}: {os.path.realpath(sys.executable)}")
    with tempfile.TemporaryDirectory() as directory:
        cache_dir = Path(directory)
        _report_starts(cache_dir)
        kb = load_knowledge(cache=PrecheckCache(cache_dir))
    matcher = Matcher(kb)
    messages = [example.text for example in load_examples(LABELLED)]
    before = _reference_ms()
    _report(f"real KB ({len(kb.topics)} topics)", _latencies(matcher, messages, rounds=5))
    after = _reference_ms()
    print(
        "machine speed reference, a fixed pure-Python workload (fastest / median of 9, "
        f"lower is faster): {before[0]:.1f} / {before[1]:.1f} ms before the real-KB timings, "
        f"{after[0]:.1f} / {after[1]:.1f} ms after"
    )
    big = _generated_kb(kb, GENERATED_TOPICS)
    start = time.perf_counter()
    big_matcher = Matcher(big)
    print(f"generated KB index build: {(time.perf_counter() - start) * 1000:.0f} ms")
    _report(
        f"generated KB ({len(big.topics)} topics)", _latencies(big_matcher, messages, rounds=3)
    )
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--start"]:
        _start(Path(sys.argv[2]))
        sys.exit(0)
    sys.exit(main())
