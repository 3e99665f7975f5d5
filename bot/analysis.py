"""From raw words to matching tokens: spelling fixes, synonym concepts, stems.

Both the knowledge base's questions and a runner's message go through the
same `Analyzer`, so "ibuprofin", "Nurofen" and "anti-inflammatories" all end
up as the one concept token that the nsaids topic was written with.
"""

from __future__ import annotations

from collections.abc import Iterable

import snowballstemmer

from bot.lexicon import Lexicon, blank_back_idioms
from bot.spelling import MAX_CACHED, closest, is_english

CONCEPT_MARK = "@"  # normalised text never contains it, so concepts never collide with words


# An English headword or a verb form of one ("supposed", "limping") is never a typo.
# Plurals are left to the corrector on purpose: "osteopaths" snaps to the knowledge
# base's "osteopath" and so to its synonym group.
_VERB_ENDINGS = ("ed", "d", "ing")
_NOT_PLAIN = "@@"  # no token is ever "@@": not (yet) known as a word of its own


class _PhraseNode:
    """A word of a synonym phrase: the concept named by the phrase up to here, if any,
    and the words that may come next."""

    __slots__ = ("concept", "following")

    def __init__(self) -> None:
        self.concept: str | None = None
        self.following: dict[str, _PhraseNode] = {}


class Analyzer:
    """Turns text into matching tokens using the lexicon and a known vocabulary."""

    def __init__(self, lexicon: Lexicon, vocabulary: Iterable[list[str]]) -> None:
        """`vocabulary`: the knowledge base's texts as normalised words (known, never "fixed")."""
        self._lexicon = lexicon
        self._stemmer = snowballstemmer.stemmer("english")
        self._stems: dict[str, str] = {}  # the Snowball stemmer is pure Python: cache it
        known: set[str] = set(lexicon.stopwords) | set(lexicon.spellings.values())
        for phrase in [*lexicon.concepts, *lexicon.all_phrases()]:
            known.update(phrase.split())
        for words in vocabulary:
            known.update(words)
        self._known = known
        self._known_list = sorted(word for word in known if word.isalpha() and len(word) >= 3)
        self._corrections: dict[str, str] = {}
        # The synonym phrases as a word trie: "pins" -> "and" -> "needles" (a node: the
        # concept its words name, if any, and the words that may follow).
        self._phrases: dict[str, _PhraseNode] = {}
        for phrase, concept in lexicon.concepts.items():
            node, following = None, self._phrases
            for word in phrase.split():
                node = following.setdefault(word, _PhraseNode())
                following = node.following
            if node is not None:
                node.concept = concept
        self._stopword_stems = frozenset(self._stem(word) for word in lexicon.stopwords)
        self._fixed_words: dict[str, tuple[str, ...]] = {}  # word -> its spelling-fixed words
        # Words that start no synonym phrase -> their stem, or "" for a stopword.
        self._plain_words: dict[str, str] = {}
        # Every word met -> its stem, or "" for a stopword (phrase starters included).
        self._word_tokens: dict[str, str] = {}

    def _stem(self, word: str) -> str:
        stem = self._stems.get(word)
        if stem is None:
            stem = str(self._stemmer.stemWord(word))
            if len(self._stems) < MAX_CACHED:
                self._stems[word] = stem
        return stem

    def _word_token(self, word: str) -> str:
        """A word's token on its own: its stem, or "" for a stopword."""
        token = self._word_tokens.get(word)
        if token is None:
            stem = self._stem(word)
            token = "" if stem in self._stopword_stems else stem
            if len(self._word_tokens) < MAX_CACHED:
                self._word_tokens[word] = token
        return token

    def correct(self, word: str) -> str:
        """The known word a misspelling was meant to be, or the word itself."""
        if word in self._known or not word.isalpha() or is_english(word, _VERB_ENDINGS):
            return word
        cached = self._corrections.get(word)
        if cached is not None:
            return cached
        single = "".join(c for i, c in enumerate(word) if i == 0 or c != word[i - 1])
        # "soo" (from "sooo") -> "so"; else the nearest known word within a typo or two
        fixed = single if single in self._known else closest(word, self._known_list) or word
        if len(self._corrections) < MAX_CACHED:
            self._corrections[word] = fixed
        return fixed

    def fixed(self, words: list[str]) -> list[str]:
        """Normalised words with their spelling fixed ("ibuprofin" -> "ibuprofen")."""
        fixed: list[str] = []
        seen = self._fixed_words
        for word in words:
            parts = seen.get(word)
            if parts is None:
                spelt = self._lexicon.spellings.get(word, word).split()
                parts = tuple(self.correct(part) for part in spelt)
                if len(seen) < MAX_CACHED:
                    seen[word] = parts
            fixed.extend(parts)
        return fixed

    def content_tokens(self, words: list[str]) -> list[str]:
        """Matching tokens of spelling-fixed words, stopwords left out: concept tokens
        for synonym phrases ("pins and needles" -> "@tingling"), stems for other words."""
        fillers = self._lexicon.fillers
        # "back on track", "back garden": that "back" says nothing of any topic.
        words = blank_back_idioms(words, self._lexicon.idioms_of_no_topic)
        words = [word for word in words if word not in fillers and word != "_"]
        phrases = self._phrases
        plain = self._plain_words
        tokens: list[str] = []
        index, count = 0, len(words)
        while index < count:
            word = words[index]
            token = plain.get(word, _NOT_PLAIN)
            if token is not _NOT_PLAIN:  # the common case: a word of its own
                if token:
                    tokens.append(token)
                index += 1
                continue
            # The longest synonym phrase starting here, grown word by word while some
            # phrase still starts with the words so far ("pins" -> "pins and" -> ...).
            node = phrases.get(word)
            found, found_size, size = None, 1, 1
            while node is not None:
                if node.concept is not None:
                    found, found_size = node.concept, size
                if index + size >= count:
                    break
                node = node.following.get(words[index + size])
                size += 1
            if found is not None:
                tokens.append(CONCEPT_MARK + found)
                index += found_size
                continue
            token = self._word_token(word)
            if word not in phrases and len(plain) < MAX_CACHED:
                plain[word] = token  # starts no phrase: next time one lookup
            if token:
                tokens.append(token)
            index += 1
        return tokens
