"""Scoring a piece of a message against every topic (pure, built once per KB).

Three pieces of evidence, blended with weights from `knowledge/matching.yaml`:
- a naive-Bayes posterior over topics, from how many of each topic's example
  questions use each token: the probability-like signal that ranks best;
- word coverage: the IDF-weighted share of the message's tokens that a topic
  uses at all, so a message full of words the knowledge base never uses
  ("ice bath", "taper") scores low everywhere and falls back;
- sentence shape: rapidfuzz's best score between the message and one of the
  topic's questions (`process.extractOne` with the configured scorer).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence

from rapidfuzz import fuzz, process

from bot.match_settings import MatchSettings

_COMMON_POSTINGS = 200  # topics sharing a token beyond which it stops proposing candidates


class TopicIndex:
    """Token postings and example questions of every topic, ready to score against."""

    def __init__(
        self,
        tokenised: Mapping[str, Sequence[list[str]]],
        settings: MatchSettings,
    ) -> None:
        self._settings = settings
        # token_sort_ratio is ratio on sorted tokens: sort the questions once here
        # and each query once, instead of inside every one of hundreds of comparisons.
        self._presort = settings.sentence_scorer == "token_sort_ratio"
        self._scorer: Callable[..., float] = (
            fuzz.ratio if self._presort else getattr(fuzz, settings.sentence_scorer)
        )
        self._documents: dict[str, list[str]] = {}
        self._counts: dict[str, dict[str, int]] = defaultdict(dict)  # token -> topic -> uses
        self._sizes: dict[str, int] = {}
        for topic, documents in tokenised.items():
            kept = [doc for doc in documents if doc]
            self._documents[topic] = [self._joined(doc) for doc in kept]
            self._sizes[topic] = len(kept)
            for token, count in Counter(t for doc in kept for t in set(doc)).items():
                self._counts[token][topic] = count
        alpha = settings.smoothing
        self._absent = {t: math.log(alpha / (n + 2 * alpha)) for t, n in self._sizes.items()}
        self._absent_histogram = Counter(self._absent.values())
        topic_count = len(self._sizes)
        self._idf = {
            token: math.log(1 + topic_count / len(topics))
            for token, topics in self._counts.items()
        }
        self._unknown_idf = math.log(1 + topic_count) * settings.unknown_word_weight
        # Per posting, both kinds of evidence are fixed: work them out once.
        # A token in one of fifteen questions is weaker evidence than a keyword
        # every phrasing shares; three uses count as full evidence.
        self._evidence: dict[str, dict[str, tuple[float, float]]] = {
            token: {
                topic: (0.6 + 0.4 * min(1.0, count / 3), math.log((count + alpha) / alpha))
                for topic, count in topics.items()
            }
            for token, topics in self._counts.items()
        }

    def information(self, tokens: list[str]) -> float:
        """How much the known tokens say: the sum of their IDF weights ("back" alone: little)."""
        return sum(self._idf[token] for token in tokens if token in self._idf)

    def _joined(self, tokens: list[str]) -> str:
        return " ".join(sorted(tokens) if self._presort else tokens)

    def score(self, tokens: list[str]) -> dict[str, float]:
        """0-100 score of each candidate topic for one piece's distinct content tokens."""
        if not tokens:
            return {}
        coverage, presence = self._walk_postings(tokens)
        posterior = self._posterior(tokens, presence)
        settings = self._settings
        blend = {
            topic: settings.bayes_weight * posterior.get(topic, 0.0)
            + settings.word_weight * coverage[topic]
            for topic in coverage
        }
        candidates = sorted(blend, key=blend.__getitem__, reverse=True)
        candidates = candidates[: settings.candidate_topics]
        query = self._joined(tokens)
        sentence_weight = 1 - settings.bayes_weight - settings.word_weight
        scores: dict[str, float] = {}
        for topic in candidates:
            best = process.extractOne(query, self._documents[topic], scorer=self._scorer)
            similarity = float(best[1]) if best is not None else 0.0
            scores[topic] = 100 * blend[topic] + sentence_weight * similarity
        return scores

    def _walk_postings(self, tokens: list[str]) -> tuple[dict[str, float], dict[str, float]]:
        """Word coverage per topic, and each topic's naive-Bayes evidence from present tokens."""
        weights = {token: self._idf.get(token, self._unknown_idf) for token in tokens}
        total = sum(weights.values())
        coverage: dict[str, float] = defaultdict(float)
        presence: dict[str, float] = defaultdict(float)
        for token in sorted(tokens, key=weights.__getitem__, reverse=True):
            postings = self._evidence.get(token, {})
            if len(postings) > _COMMON_POSTINGS and coverage:
                # A token most topics use only adds to topics rarer tokens already
                # found; walking its whole posting list would make a large KB slow.
                postings = {t: postings[t] for t in coverage if t in postings}
            share = weights[token] / total
            for topic, (strength, bonus) in postings.items():
                coverage[topic] += share * strength
                presence[topic] += bonus
        return coverage, presence

    def _posterior(self, tokens: list[str], presence: dict[str, float]) -> dict[str, float]:
        """P(topic | known tokens) under a uniform prior, computed from postings only.

        log P(tokens | topic) = known * log(alpha / (n + 2 alpha)) + presence[topic],
        so topics that share no token differ only by their size n: the
        normaliser sums those through a histogram of sizes instead of a loop.
        """
        known = sum(1 for token in tokens if token in self._counts)
        if not known:
            return {}
        scores = {t: known * self._absent[t] + bonus for t, bonus in presence.items()}
        top = max(max(scores.values()), known * max(self._absent_histogram))
        normaliser = sum(
            count * math.exp(known * absent - top)
            for absent, count in self._absent_histogram.items()
        )
        for topic, value in scores.items():
            normaliser += math.exp(value - top) - math.exp(known * self._absent[topic] - top)
        return {topic: math.exp(value - top) / normaliser for topic, value in scores.items()}
