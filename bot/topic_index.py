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

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from bot.match_settings import MatchSettings

_IntArray = npt.NDArray[np.intp]
_FloatArray = npt.NDArray[np.float64]


class TopicIndex:
    """Token postings and example questions of every topic, ready to score against.

    Topics are numbered; each token's postings are arrays of topic numbers with
    their two kinds of evidence, so scoring a message is a few array passes
    whatever the number of topics.
    """

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
        self._topics = list(tokenised)
        self._documents: list[list[str]] = []
        counts: dict[str, dict[int, int]] = defaultdict(dict)  # token -> topic -> uses
        sizes: list[int] = []
        for number, documents in enumerate(tokenised.values()):
            kept = [doc for doc in documents if doc]
            self._documents.append([self._joined(doc) for doc in kept])
            sizes.append(len(kept))
            for token, count in Counter(t for doc in kept for t in set(doc)).items():
                counts[token][number] = count
        alpha = settings.smoothing
        # log P(token absent | topic), the same for every token of a topic.
        self._absent = np.log(alpha / (np.array(sizes, dtype=float) + 2 * alpha))
        topic_count = len(self._topics)
        self._idf = {
            token: math.log(1 + topic_count / len(topics)) for token, topics in counts.items()
        }
        self._unknown_idf = math.log(1 + topic_count) * settings.unknown_word_weight
        # Per posting, both kinds of evidence are fixed: work them out once.
        # A token in one of fifteen questions is weaker evidence than a keyword
        # every phrasing shares; three uses count as full evidence.
        self._postings: dict[str, tuple[_IntArray, _FloatArray, _FloatArray]] = {}
        for token, topics in counts.items():
            uses = np.array(list(topics.values()), dtype=float)
            self._postings[token] = (
                np.array(list(topics), dtype=np.intp),
                0.6 + 0.4 * np.minimum(1.0, uses / 3),
                np.log((uses + alpha) / alpha),
            )

    def information(self, tokens: list[str]) -> float:
        """How much the known tokens say: the sum of their IDF weights ("back" alone: little)."""
        return sum(self._idf[token] for token in tokens if token in self._idf)

    def _joined(self, tokens: list[str]) -> str:
        return " ".join(sorted(tokens) if self._presort else tokens)

    def score(self, tokens: list[str]) -> dict[str, float]:
        """0-100 score of each candidate topic for one piece's distinct content tokens."""
        known = [token for token in tokens if token in self._postings]
        if not known:
            return {}
        settings = self._settings
        topic_count = len(self._topics)
        total = sum(self._idf.get(token, self._unknown_idf) for token in tokens)
        postings = [(self._postings[token], self._idf[token] / total) for token in known]
        where = np.concatenate([topics for (topics, _, _), _ in postings])
        shares = np.concatenate([strength * share for (_, strength, _), share in postings])
        # Word coverage: the IDF-weighted share of the message's tokens a topic uses.
        coverage = np.bincount(where, weights=shares, minlength=topic_count)
        bonuses = np.concatenate([bonus for (_, _, bonus), _ in postings])
        presence = np.bincount(where, weights=bonuses, minlength=topic_count)
        # Naive Bayes under a uniform prior: log P(tokens | topic) is the absent
        # baseline for every known token plus each present token's bonus.
        log_likelihood = len(known) * self._absent + presence
        posterior = np.exp(log_likelihood - log_likelihood.max())
        posterior /= posterior.sum()
        blend = settings.bayes_weight * posterior + settings.word_weight * coverage
        found = np.flatnonzero(coverage)
        candidates = found[np.argsort(-blend[found], kind="stable")[: settings.candidate_topics]]
        query = self._joined(tokens)
        sentence_weight = 1 - settings.bayes_weight - settings.word_weight
        scores: dict[str, float] = {}
        for number in candidates.tolist():
            best = process.extractOne(query, self._documents[number], scorer=self._scorer)
            similarity = float(best[1]) if best is not None else 0.0
            topic = self._topics[number]
            scores[topic] = 100 * float(blend[number]) + sentence_weight * similarity
        return scores
