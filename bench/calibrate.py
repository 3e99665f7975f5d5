"""Choose the matcher's thresholds by measurement on the labelled set.

`python -m bench.calibrate` ranks every labelled message once per scoring
variant (naive-Bayes share, word-coverage share, no-pain discount), then sweeps the decision
thresholds and prints the best settings whose out-of-scope abstention stays
at or above the floor. Red-flag recall does not depend on
these settings (rules run first).
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import sys
from pathlib import Path

from bench.quality import (
    GENERALISATION,
    LABELLED,
    OOS_PROBE,
    OOS_PROBE2,
    RED_FLAG_PROBE,
    RED_FLAG_PROBE2,
    Example,
    load_examples,
)
from bot.knowledge import RED_FLAGS_TOPIC, load_knowledge
from bot.match_settings import MatchSettings
from bot.matcher import Matcher, Ranking, decide


def score(rankings: list[tuple[Example, Ranking]], settings: MatchSettings) -> tuple[float, float]:
    """(in-scope top-1 accuracy, out-of-scope abstention) for one setting."""
    right = total = abstained = oos = 0
    for example, ranking in rankings:
        if example.topic == RED_FLAGS_TOPIC:
            continue
        got = decide(ranking, settings)
        if example.topic is None:
            oos += 1
            abstained += got.kind in {"clarify", "fallback", "urgent"}
        else:
            total += 1
            right += got.kind not in {"clarify", "fallback"} and got.topic in example.accept
    return right / max(1, total), abstained / max(1, oos)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--file",
        type=Path,
        nargs="+",
        default=[LABELLED, GENERALISATION, OOS_PROBE, OOS_PROBE2, RED_FLAG_PROBE, RED_FLAG_PROBE2],
    )
    parser.add_argument("--floor", type=float, default=0.92, help="minimum abstention")
    args = parser.parse_args(argv)
    kb = load_knowledge()
    examples = [example for path in args.file for example in load_examples(path)]
    results = []
    grid = itertools.product((0.3, 0.4, 0.5), (0.2, 0.3), (0.6, 0.7, 0.8))
    for bayes, words, no_pain in grid:
        variant = dataclasses.replace(
            kb.settings, bayes_weight=bayes, word_weight=words, no_pain_discount=no_pain
        )
        matcher = Matcher(dataclasses.replace(kb, settings=variant))
        rankings = [(example, matcher.rank(example.text)) for example in examples]
        best: tuple[float, float, MatchSettings] | None = None
        for confident, margin, clarify in itertools.product(
            range(25, 91, 5), (0, 2, 4, 6, 8, 10, 12, 15), range(10, 56, 5)
        ):
            if clarify > confident:
                continue
            settings = dataclasses.replace(
                variant, confident_score=confident, confident_margin=margin, clarify_score=clarify
            )
            accuracy, abstention = score(rankings, settings)
            if abstention >= args.floor and (best is None or accuracy > best[0]):
                best = (accuracy, abstention, settings)
        if best is not None:
            results.append(best)
            accuracy, abstention, s = best
            print(
                f"bayes {bayes:.1f} words {words:.1f} no-pain {no_pain:.1f}: "
                f"top-1 {accuracy:.1%} abstain {abstention:.1%} at confident "
                f"{s.confident_score:.0f} margin {s.confident_margin:.0f} "
                f"clarify {s.clarify_score:.0f}"
            )
    if results:
        accuracy, abstention, s = max(results, key=lambda r: r[0])
        print(f"best: top-1 {accuracy:.1%}, abstention {abstention:.1%}: {s}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
