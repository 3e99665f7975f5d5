"""Matching a runner's message to a knowledge-base topic (pure code, no I/O).

Red-flag rules run first and override everything; symptoms the runner only
denies ("no fever, just stiff") are dropped from the question. The message is
then analysed (spelling fixes, synonym concepts, stems, see `analysis.py`) and
scored against every topic by `TopicIndex`. Out-of-scope examples form one
more pseudo-topic: landing there means fallback, as does another body part or
complaint with no back context. Long messages are scored as a whole and by
their last sentences; each topic keeps its best piece.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Literal, NamedTuple

from bot.analysis import CONCEPT_MARK, Analyzer
from bot.gc_pause import without_collector_pauses
from bot.knowledge import RED_FLAGS_TOPIC, KnowledgeBase, TopicKind, load_knowledge
from bot.lexicon import Lexicon
from bot.match_settings import MatchSettings
from bot.red_flags import RedFlagHit
from bot.scope import Scope, assess_scope
from bot.text import QUESTION_OPENERS, normalise
from bot.topic_index import TopicIndex

MatchKind = Literal["answer", "urgent", "smalltalk", "clarify", "fallback"]
OUT_OF_SCOPE = "~out-of-scope"
MAX_ALTERNATIVES = 3
MAX_CHARS_SCORED = 4_000  # a phone message is far shorter; bounds the work on pasted essays
_MAX_PIECES = 2
_WHOLE_SENTENCES = 4  # the closing part of a long story: enough context, bounded work


class Alternative(NamedTuple):
    """A topic and its score. (A named tuple: every message ranks every topic, and a
    tuple is several times cheaper to build than a frozen dataclass.)"""

    topic: str
    score: float


@dataclass(frozen=True)
class Match:
    """What the bot understood: the kind of reply, the topic, and how sure it is."""

    kind: MatchKind
    topic: str | None
    score: float
    alternatives: tuple[Alternative, ...] = ()
    red_flag: RedFlagHit | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Ranking:
    """Topics by score, best first, plus the facts that override the scores."""

    ranked: tuple[Alternative, ...]
    kinds: dict[str, TopicKind]
    red_flag: RedFlagHit | None
    outside_scope: bool
    information: float = 0.0  # how distinctive the message's known words are (sum of IDF)
    about_pain: bool = True  # names the back, pain or an injury at all
    denies_pain: bool = False  # "no injuries, just unfit": says outright there is no pain


def decide(ranking: Ranking, settings: MatchSettings) -> Match:
    """The reply kind for a ranking: pure, so thresholds can be swept quickly."""
    ranked = ranking.ranked
    topics = [a for a in ranked if a.topic != OUT_OF_SCOPE]
    if ranking.red_flag is not None:
        others = tuple(a for a in topics if a.topic != RED_FLAGS_TOPIC)[:MAX_ALTERNATIVES]
        return Match("urgent", RED_FLAGS_TOPIC, 100.0, others, ranking.red_flag)
    best = ranked[0] if ranked else Alternative(OUT_OF_SCOPE, 0.0)
    alarm = next((a for a in topics if a.topic == RED_FLAGS_TOPIC), None)
    if (
        alarm is not None
        and ranking.about_pain
        and not ranking.outside_scope
        and alarm.score >= settings.red_flag_score
        and alarm.score >= best.score - settings.red_flag_margin
    ):
        # A safety net under the rules: a message that reads like the warning-sign
        # examples gets the urgent answer even when no rule's wording matched.
        others = tuple(a for a in topics if a.topic != RED_FLAGS_TOPIC)[:MAX_ALTERNATIVES]
        return Match("urgent", RED_FLAGS_TOPIC, alarm.score, others)
    if ranking.outside_scope or best.topic == OUT_OF_SCOPE or best.score < settings.clarify_score:
        return Match("fallback", None, best.score, tuple(topics[:MAX_ALTERNATIVES]))
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    if (
        best.score >= settings.confident_score
        and best.score - runner_up >= settings.confident_margin
        and ranking.information >= settings.min_information
        and not (ranking.denies_pain and ranking.kinds.get(best.topic) == "answer")
    ):
        kind = ranking.kinds[best.topic]
        return Match(kind, best.topic, best.score, tuple(topics[1 : 1 + MAX_ALTERNATIVES]))
    return Match("clarify", None, best.score, tuple(topics[:MAX_ALTERNATIVES]))


class Matcher:
    """Built once per knowledge base; `match` is then pure and fast."""

    @without_collector_pauses
    def __init__(self, kb: KnowledgeBase) -> None:
        self._kb = kb
        self._settings = kb.settings
        texts_by_topic: dict[str, list[str]] = {
            topic.id: [topic.title, *topic.questions, *topic.keywords]
            for topic in kb.topics.values()
        }
        texts_by_topic[OUT_OF_SCOPE] = list(kb.out_of_scope)
        # Each text normalised once: for the known vocabulary and for its tokens.
        plain = {
            text: normalise(text).split() for texts in texts_by_topic.values() for text in texts
        }
        self._analyzer = Analyzer(kb.lexicon, plain.values())
        self._answer_topics = frozenset(t.id for t in kb.topics.values() if t.kind == "answer")
        self._pain_topics = frozenset(t.id for t in kb.topics.values() if t.needs_pain_words)
        self._help_topics = frozenset(t.id for t in kb.topics.values() if t.needs_help_words)
        self._treatments = frozenset(CONCEPT_MARK + name for name in kb.lexicon.named_treatments)
        # What asks for help: the help words as tokens, relief, medicines and treatments.
        self._help_tokens = (
            frozenset(
                token
                for phrase in kb.lexicon.help_words  # the lexicon's own words: no spelling fixes
                for token in self._analyzer.content_tokens(phrase.split())
            )
            | {CONCEPT_MARK + "relief", CONCEPT_MARK + "medicine"}
            | self._treatments
        )
        self._index = TopicIndex(
            {
                topic: [self._content(plain[text]) for text in texts]
                for topic, texts in texts_by_topic.items()
            },
            self._settings,
        )

    def _content(self, words: list[str]) -> list[str]:
        return self._analyzer.content_tokens(self._analyzer.fixed(words))

    def match(self, text: str) -> Match:
        """Red flags first, then the best topic, a "did you mean", or a fallback."""
        return decide(self.rank(text), self._settings)

    def rank(self, text: str) -> Ranking:
        """Everything `decide` needs about a message; the expensive part of matching."""
        text = text[:MAX_CHARS_SCORED]
        screening = self._kb.red_flags.screen(text)
        red_flag, question = screening.hit, screening.question
        # Normalised once, by the screen.
        sentences = [self._analyzer.fixed(plain.split()) for plain in screening.sentences]
        # Scope is read from the question: "no pain, no injuries, just unfit" has none.
        scope = assess_scope([word for words in sentences for word in words], self._kb.lexicon)
        # "no injuries, just unfit - how do I start running?": pain denied outright.
        lexicon = self._kb.lexicon
        denied_pain = not scope.about_pain and any(
            assess_scope(denial.split(), lexicon).about_pain for denial in screening.denials
        )
        # "no pain at all, just unfit", "yoga for runners with no injuries": a runner who
        # says they have no pain whatsoever, and never mentions the back, is not asking
        # about back pain. ("no leg pain" denies one symptom, not pain.)
        said = [[word for sentence in sentences for word in sentence]]
        said += [denial.split() for denial in screening.denials]
        denies_pain = not scope.about_the_back and any(_says_no_pain(w, lexicon) for w in said)
        pieces = self._piece_tokens(sentences)
        asks_for_help = any(not self._help_tokens.isdisjoint(piece) for piece in pieces)
        ranked = self._rank(pieces, scope, denied_pain, asks_for_help)
        information = max((self._index.information(piece) for piece in pieces), default=0.0)
        if question != text:
            ranked = [a for a in ranked if a.topic != RED_FLAGS_TOPIC]
        kinds = {
            a.topic: self._kb.topics[a.topic].kind for a in ranked if a.topic in self._kb.topics
        }
        return Ranking(
            tuple(ranked),
            kinds,
            red_flag,
            scope.outside,
            information,
            scope.about_pain,
            denies_pain,
        )

    def _rank(
        self, pieces: list[list[str]], scope: Scope, denied_pain: bool, asks_for_help: bool
    ) -> list[Alternative]:
        """Topics by combined score, best first, keeping each topic's best piece."""
        settings = self._settings
        best = self._index.score(pieces)
        for topic, score in best.items():
            if topic == OUT_OF_SCOPE and scope.about_the_back:
                # The out-of-scope examples are about everything but the back.
                best[topic] = score * settings.out_of_scope_back_discount
            elif not scope.about_pain and topic in self._answer_topics:
                # Nothing says pain or injury: "is yoga good for flexibility".
                factor = settings.no_pain_discount ** (2 if denied_pain else 1)
                if topic in self._pain_topics:  # "is it ok to run every day"
                    factor *= settings.pain_topic_discount
                best[topic] = score * factor
            if not asks_for_help and topic in self._help_topics:
                best[topic] *= settings.help_topic_discount  # "is my back pain chronic now?"
        ranked = sorted(best.items(), key=lambda item: (-item[1], item[0]))
        return [Alternative(topic, round(score, 1)) for topic, score in ranked]

    def _piece_tokens(self, sentence_words: list[list[str]]) -> list[list[str]]:
        """Content tokens of the message (its last few sentences), of its last sentences,
        and of the last earlier sentence that opens like a question.

        In a rambling message the question is nearly always at the end; the story
        just before it still counts in the first piece. Each sentence is analysed
        once and the pieces reuse those tokens.
        """
        analyzer = self._analyzer
        tokenised: dict[int, list[str]] = {}

        def content(index: int) -> list[str]:  # tokens of one sentence, each analysed once
            if index not in tokenised:
                tokenised[index] = analyzer.content_tokens(sentence_words[index])
            return tokenised[index]

        count = len(sentence_words)
        last = range(max(0, count - _WHOLE_SENTENCES), count)
        pieces = [[token for index in last for token in content(index)]]
        if count > 1:
            # "Thanks! And when can I run again?": the question, not the thanks.
            asking: list[int] = []  # the last few sentences that are more than pleasantries
            for index in reversed(range(count)):
                if len(asking) == _MAX_PIECES:
                    break
                if not set(content(index)) <= _PLEASANTRIES:
                    asking.insert(0, index)
            questions = [content(index) for index in asking]
            if asking:
                earlier = (content(index) for index in range(asking[-1]))
                questions[-1] = self._with_treatments_referred_to(
                    questions[-1], sentence_words[asking[-1]], earlier
                )
            pieces += questions or [content(index) for index in last][-_MAX_PIECES:]
            # A story can ask its question in the middle and go on after it.
            asked = [
                index
                for index in range(count - _MAX_PIECES)
                if sentence_words[index][:1] and sentence_words[index][0] in QUESTION_OPENERS
            ]
            if asked:
                pieces.append(content(asked[-1]))
        return [list(dict.fromkeys(piece)) for piece in pieces if piece]

    def _with_treatments_referred_to(
        self, final: list[str], final_words: list[str], earlier: Iterable[list[str]]
    ) -> list[str]:
        """ "A yin class or a tai chi group. Would either of those help?": the closing
        question gets the treatments named earlier when it only refers back to them."""
        treatments = self._treatments
        if treatments.intersection(final) or _REFERRING.isdisjoint(final_words):
            return final
        return final + [token for tokens in earlier for token in tokens if token in treatments]


_PLEASANTRIES = frozenset({CONCEPT_MARK + "greeting", CONCEPT_MARK + "thanks"})
# Words by which a closing question points back at something named before it.
_REFERRING = frozenset({"it", "that", "those", "these", "either", "this", "them", "one", "ones"})
_NEGATIONS = frozenset({"no", "not", "nothing", "zero", "none", "never", "without", "free"})


_QUALIFIERS = frozenset({"any", "real", "major", "current", "actual"})


def _says_no_pain(words: list[str], lexicon: Lexicon) -> bool:
    """ "no injuries", "no pain at all", "nothing hurts", "pain free", "not injured"."""
    general = lexicon.general_pain_words
    for index, word in enumerate(words):
        following = words[index + 1 : index + 3]
        if word in _NEGATIONS and following:
            first = following[0]
            if first in general or (
                first in _QUALIFIERS and following[1:2] and following[1] in general
            ):
                return True
        if word in general and following[:1] == ["free"]:
            return True
    return False


@cache
def default_matcher() -> Matcher:
    """The matcher over the shipped knowledge base, built on first use."""
    return Matcher(load_knowledge())


def match(text: str) -> Match:
    """`Matcher.match` on the shipped knowledge base: `match("tylenol or advil??")`."""
    return default_matcher().match(text)
