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
from typing import cast

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from bot.match_settings import MatchSettings

_FloatArray = npt.NDArray[np.float64]
# Up to this many token-topic cells (8 bytes each), tokens' evidence is also kept dense.
DENSE_CELLS = 2_000_000


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
        dense_cells: int = DENSE_CELLS,
    ) -> None:
        """`dense_cells`: up to this many token-topic cells, evidence is also kept dense."""
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
            # Distinct strings only: the best similarity is the same, found sooner.
            self._documents.append(list(dict.fromkeys(self._joined(doc) for doc in kept)))
            sizes.append(len(kept))
            for token, count in Counter(t for doc in kept for t in set(doc)).items():
                counts[token][number] = count
        # Each topic's shortest and longest question: they bound how similar a query can be.
        self._lengths = [
            (min(map(len, documents), default=0), max(map(len, documents), default=0))
            for documents in self._documents
        ]
        alpha = settings.smoothing
        # log P(token absent | topic), the same for every token of a topic.
        self._absent = np.log(alpha / (np.array(sizes, dtype=float) + 2 * alpha))
        topic_count = len(self._topics)
        self._idf = {
            token: math.log(1 + topic_count / len(topics)) for token, topics in counts.items()
        }
        self._unknown_idf = math.log(1 + topic_count) * settings.unknown_word_weight
        # Per posting, both kinds of evidence are fixed: work them out once, as one
        # (3, n) array per token so a message's postings join in one concatenate.
        # A token in one of fifteen questions is weaker evidence than a keyword
        # every phrasing shares; three uses count as full evidence. Coverage
        # weights are IDF-scaled here; `score` divides by the message's total.
        self._postings: dict[str, _FloatArray] = {}
        for token, topics in counts.items():
            uses = np.array(list(topics.values()), dtype=float)
            self._postings[token] = np.stack(
                (
                    np.array(list(topics), dtype=float),
                    (0.6 + 0.4 * np.minimum(1.0, uses / 3)) * self._idf[token],
                    np.log((uses + alpha) / alpha) * self._evidence_scale(token),
                )
            )

        self._posting_sizes = {
            token: postings.shape[1] for token, postings in self._postings.items()
        }
        # A small knowledge base also keeps every token's evidence as one dense row
        # (coverage weights, then presence weights, for every topic): a message's rows
        # are then one gather and one sum, where numpy's per-call cost dominates.
        self._dense_rows: dict[str, int] = {}
        self._dense = np.zeros((0, 2 * topic_count))
        if self._postings and len(self._postings) * topic_count <= dense_cells:
            self._dense_rows = {token: row for row, token in enumerate(self._postings)}
            joined = np.concatenate(list(self._postings.values()), axis=1)
            rows = np.repeat(np.arange(len(self._postings)), list(self._posting_sizes.values()))
            columns = joined[0].astype(np.intp)
            self._dense = np.zeros((len(self._postings), 2 * topic_count))
            self._dense[rows, columns] = joined[1]
            self._dense[rows, columns + topic_count] = joined[2]

    def _evidence_scale(self, token: str) -> float:
        """How much of a word's naive-Bayes evidence counts: less for words every
        topic uses, when `bayes_idf_power` is above 0."""
        top_idf = math.log(1 + len(self._topics))
        return float((self._idf[token] / top_idf) ** self._settings.bayes_idf_power)

    def information(self, tokens: list[str]) -> float:
        """How much the known tokens say: the sum of their IDF weights ("back" alone: little)."""
        return sum(self._idf[token] for token in tokens if token in self._idf)

    def _joined(self, tokens: list[str]) -> str:
        return " ".join(sorted(tokens) if self._presort else tokens)

    def score(self, pieces: Sequence[list[str]]) -> dict[str, float]:
        """0-100 score of each candidate topic: its best over the pieces of a message.

        Each piece is a list of distinct content tokens. The pieces are scored
        together, one row each, so a long message costs one pass of array work.
        """
        known = [[token for token in piece if token in self._postings] for piece in pieces]
        rows = [row for row, tokens in enumerate(known) if tokens]
        if not rows:
            return {}
        settings = self._settings
        covered, presence = self._evidence([known[row] for row in rows])
        # Word coverage: the IDF-weighted share of the message's tokens a topic uses.
        idf, unknown = self._idf.get, self._unknown_idf
        totals = np.array([sum([idf(t, unknown) for t in pieces[row]]) for row in rows])
        coverage = covered / totals[:, np.newaxis]
        # Naive Bayes under a uniform prior: log P(tokens | topic) is the absent
        # baseline for every known token plus each present token's bonus.
        counts = np.array([len(known[row]) for row in rows], dtype=float)
        log_likelihood = counts[:, np.newaxis] * self._absent + presence
        posterior = np.exp(log_likelihood - log_likelihood.max(axis=1, keepdims=True))
        posterior /= posterior.sum(axis=1, keepdims=True)
        blend = settings.bayes_weight * posterior + settings.word_weight * coverage
        sentence_weight = 1 - settings.bayes_weight - settings.word_weight
        # Each row's candidates: the topics it shares a word with, best blend first
        # (a stable sort keeps ties in topic order).
        shared = np.where(coverage > 0, blend, -1.0)
        candidates = best_first(shared, settings.candidate_topics)
        shared_rows, blend_rows = shared.tolist(), blend.tolist()
        scores: dict[str, float] = {}
        # The short closing pieces first: a topic's score is its best piece's, and the
        # long story piece can then often be ruled out without comparing sentences.
        for index in reversed(range(len(rows))):
            query = self._joined(pieces[rows[index]])
            for number in candidates[index]:
                if shared_rows[index][number] < 0:
                    break  # no more topics with a word of this piece
                words_score = 100 * blend_rows[index][number]
                topic = self._topics[number]
                so_far = scores.get(topic, -1.0)
                if so_far >= 0 and (
                    words_score + sentence_weight * self._best_similarity(number, len(query))
                    < so_far - 1e-6
                ):
                    continue  # even the best sentence match could not beat the piece so far
                best = process.extractOne(query, self._documents[number], scorer=self._scorer)
                similarity = float(best[1]) if best is not None else 0.0
                score = words_score + sentence_weight * similarity
                if score > so_far:
                    scores[topic] = score
        return scores

    def _evidence(self, rows: list[list[str]]) -> tuple[_FloatArray, _FloatArray]:
        """Per row of known tokens, each topic's summed coverage weights and summed
        presence (naive-Bayes) weights: two arrays of shape (rows, topics)."""
        topic_count = len(self._topics)
        if self._dense_rows:
            dense_rows = self._dense_rows
            starts = [0]
            for tokens in rows[:-1]:
                starts.append(starts[-1] + len(tokens))
            gathered = self._dense[[dense_rows[token] for tokens in rows for token in tokens]]
            sums = np.add.reduceat(gathered, starts, axis=0)
            return sums[:, :topic_count], sums[:, topic_count:]
        joined = np.concatenate([self._postings[token] for tokens in rows for token in tokens], 1)
        # Row r's topics are numbered from r * topic_count: one bincount fills every row.
        sizes = self._posting_sizes
        row_lengths = [sum(map(sizes.__getitem__, tokens)) for tokens in rows]
        row_starts = np.repeat(np.arange(len(rows)) * topic_count, row_lengths)
        where = joined[0].astype(np.intp) + row_starts
        cells = len(rows) * topic_count
        shape = (len(rows), topic_count)
        covered = np.bincount(where, weights=joined[1], minlength=cells).reshape(shape)
        presence = np.bincount(where, weights=joined[2], minlength=cells).reshape(shape)
        return cast(_FloatArray, covered), cast(_FloatArray, presence)  # weights: floats

    def _best_similarity(self, number: int, length: int) -> float:
        """The highest `fuzz.ratio` a query of `length` characters could reach with one of
        a topic's questions: two strings share at most the shorter one's characters.
        (100 when a question is as long as the query, or for other scorers.)"""
        shortest, longest = self._lengths[number]
        if self._scorer is not fuzz.ratio or shortest <= length <= longest:
            return 100.0
        nearest = longest if length > longest else shortest
        return 200 * min(length, nearest) / (length + nearest)


_FULL_SORT_UP_TO = 256  # topics per row; beyond, a partition first costs less than a full sort


def best_first(values: _FloatArray, count: int) -> list[list[int]]:
    """Per row, the column numbers of the `count` highest values, highest first; equal
    values in column order. The same as a stable sort of each row, cut to `count`."""
    columns = values.shape[1]
    if columns <= _FULL_SORT_UP_TO or count >= columns:
        ordered: list[list[int]] = np.argsort(-values, axis=1, kind="stable")[:, :count].tolist()
        return ordered
    best: list[list[int]] = []
    for row in -values:
        kth = np.partition(row, count - 1)[count - 1]  # the count-th highest value
        above = np.flatnonzero(row < kth)  # strictly better, in column order
        ties = np.flatnonzero(row == kth)[: count - len(above)]  # the first columns at kth
        chosen = np.concatenate((above, ties))
        best.append(chosen[np.argsort(row[chosen], kind="stable")].tolist())
    return best
