"""Red-flag rules: symptoms that override every answer with "see a doctor".

Rules are phrase patterns, not similarity: a safety net must be predictable.
A mention that is plainly denied ("no fever", "bladder fine") is not a hit;
anything less clear is, because when in doubt the safe answer wins.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from typing import Literal

from bot.checked_regex import CheckedPattern
from bot.regex_literals import LiteralCheck, LiteralFinder
from bot.spelling import Speller
from bot.text import YES_NO_OPENERS, normalise, split_sentences

Level = Literal["emergency", "soon"]
LEVELS: tuple[Level, ...] = ("emergency", "soon")


@dataclass(frozen=True)
class LevelAdvice:
    """What to tell the runner for one urgency level."""

    title: str
    answer: str
    source: str


@dataclass(frozen=True)
class Rule:
    id: str
    level: Level
    says: str
    checks: tuple[LiteralCheck, ...]  # the patterns, each with its literal pre-check
    whole_message: bool = False  # match across sentences, not clause by clause
    others_cancel: bool = False  # "my grandad had cancer": someone else's history is no hit
    # False when a "no" nearby is part of the sign: "never had back pain, I'm 55".
    negatable: bool = True

    @property
    def patterns(self) -> tuple[CheckedPattern, ...]:
        return tuple(check.pattern for check in self.checks)

    @cached_property
    def literals(self) -> frozenset[str]:
        return frozenset().union(*(check.literals for check in self.checks))

    @cached_property
    def _checks_by_key(self) -> dict[str, tuple[int, ...]]:
        """Check numbers by key literal (every match of a check contains one of its keys)."""
        index: dict[str, list[int]] = {}
        for number, check in enumerate(self.checks):
            for literal in check.key:
                index.setdefault(literal, []).append(number)
        return {literal: tuple(numbers) for literal, numbers in index.items()}

    @cached_property
    def _keys(self) -> frozenset[str]:
        return frozenset(self._checks_by_key)

    @cached_property
    def _keyless(self) -> tuple[int, ...]:
        return tuple(number for number, check in enumerate(self.checks) if not check.key)

    def candidates(self, present: frozenset[str]) -> list[CheckedPattern]:
        """The patterns that could match text containing the `present` literals, in order.

        Only checks keyed by a present literal are looked at: a rule has dozens of
        patterns and this runs for every clause of a message.
        """
        by_key = self._checks_by_key
        numbers = set(self._keyless)
        for literal in self._keys.intersection(present):  # in C, over the smaller set
            numbers.update(by_key[literal])
        checks = self.checks
        return [checks[n].pattern for n in sorted(numbers) if checks[n].may_match(present)]


@dataclass(frozen=True)
class Negation:
    window: int
    before: tuple[str, ...]
    after: tuple[str, ...]
    uncertain: tuple[str, ...]
    others: frozenset[str] = frozenset()
    # "mum had cancer": someone else's history, no hit. Unless that someone is the
    # one with the bad back ("my husband had a melanoma and now his back hurts").
    history: tuple[str, ...] = ()

    @cached_property
    def uncertain_pattern(self) -> re.Pattern[str]:
        return re.compile(r"\b(?:" + "|".join(map(re.escape, self.uncertain)) + r")\b")

    @cached_property
    def uncertain_starts(self) -> frozenset[str]:
        """The first words of the uncertainty cues: a clause without one has none."""
        return frozenset(cue.split()[0] for cue in self.uncertain if cue)

    @cached_property
    def others_back_subject(self) -> re.Pattern[str]:
        """ "my husband", "our daughter", "my 14 year old", or a message that opens with
        "Flatmate has...": someone of the writer's, named."""
        people = "|".join(map(re.escape, sorted(self.others - _PRONOUNS)))
        return re.compile(
            rf"^(?:{people})\b|\b(?:my|our) (?:\w+ )?(?:{people})\b"
            r"|\b(?:my|our) (?:\d+|[a-z]+) (?:year|yr) old\b"
        )

    @cached_property
    def others_back_pattern(self) -> re.Pattern[str]:
        """ "her back", "my son's back", "she has back pain": the patient is someone else.
        (Every match contains "back".)"""
        people = "|".join(map(re.escape, sorted(self.others - {"he", "she", "they", "him"})))
        return re.compile(
            rf"\b(?:(?:his|her|their|(?:{people})(?: s)?) (?:lower |low |bad |sore |poor )?back"
            r"\b(?! (?:to|home|from)\b| (?:is |was |s )?(?:fine|ok|okay|good|great|perfect)\b)"
            rf"|(?:{people}|he|she|they) (?:(?!my |i )\w+ ){{0,4}}"
            r"(?<!no )(?<!not )(?:back pain|backache|back ache|bad back|sore back|back hurts"
            r"|back is (?:sore|bad)))"
        )


@dataclass(frozen=True)
class RedFlagHit:
    """The most urgent rule a message triggered, and the words that triggered it."""

    rule: Rule
    phrase: str

    @property
    def level(self) -> Level:
        return self.rule.level


@dataclass(frozen=True)
class Screening:
    """What the red-flag check found, and the part of the message that is the question."""

    hit: RedFlagHit | None
    question: str
    denials: tuple[str, ...]  # the normalised clauses dropped as denials
    # The question's sentences, normalised (the screen has read them already; the
    # matcher need not read them again).
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class RedFlags:
    levels: dict[Level, LevelAdvice]
    rules: tuple[Rule, ...]
    negation: Negation
    # Key words of the rules that runners misspell ("temperture", "errection"):
    # a typo of one of them is read as the word before the rules run.
    spelling: tuple[str, ...] = ()
    # Messages like those the screen will read (the knowledge base's example
    # questions): they show which literal words are common, so that each check
    # is looked at only when one of its rarer words occurs. Speed only.
    typical_messages: tuple[str, ...] = ()

    @cached_property
    def speller(self) -> Speller:
        return Speller(self.spelling)

    @cached_property
    def finder(self) -> LiteralFinder:
        """Every rule's literal words, to find in one pass which ones a text contains."""
        return LiteralFinder(frozenset().union(*(rule.literals for rule in self.rules)))

    @cached_property
    def _checks_by_literal(self) -> dict[str, dict[LiteralCheck, Rule]]:
        """Checks (with their rule) by key literal: every match of a check contains one of
        its keys, chosen among its required words as the ones least common in typical
        messages."""
        uses: Counter[str] = Counter()
        for message in self.typical_messages:
            uses.update(self.finder.present(normalise(message)))
        index: dict[str, dict[LiteralCheck, Rule]] = {}
        for rule in self.rules:
            for check in rule.checks:
                for literal in check.key_by(uses):
                    index.setdefault(literal, {})[check] = rule
        return index

    @cached_property
    def _key_literals(self) -> frozenset[str]:
        return frozenset(self._checks_by_literal)

    @cached_property
    def _unconditional(self) -> dict[LiteralCheck, Rule]:
        """Checks with no literal requirement: their regex always runs."""
        return {check: rule for rule in self.rules for check in rule.checks if not check.key}

    def _mentioned(self, whole: str, present: frozenset[str]) -> list[Rule]:
        """Rules with a pattern matching somewhere (negated or not).

        Substring tests first: only checks whose literal words occur are looked
        at, and a regex only runs when all of its required literals are there.
        """
        by_literal = self._checks_by_literal
        touched = dict(self._unconditional)
        for literal in present & self._key_literals:
            touched.update(by_literal[literal])
        hit: set[str] = set()
        for check, rule in touched.items():
            if rule.id not in hit and check.may_match(present) and check.pattern.search(whole):
                hit.add(rule.id)
        return [rule for rule in self.rules if rule.id in hit] if hit else []

    def find(self, text: str) -> RedFlagHit | None:
        """The most urgent non-negated rule hit in `text`, or None."""
        return self.screen(text).hit

    def screen(self, text: str) -> Screening:
        """Red flags in `text`, and the question left once denied symptoms are removed.

        "no numbness, no leg pain - heat or ice?" asks about heat or ice, not
        about numbness or legs: when nothing is a live hit, clauses that only
        deny something ("no fever", "bladder fine") are dropped from the question.
        """
        by_sentence = _clauses_by_sentence(text)
        raw_clauses = [clause for parts in by_sentence for clause in _clauses(parts)]
        normalised_words = _normalise_all(raw_clauses)
        normalised = [" ".join(words) for words in normalised_words]
        sentences = _sentences(by_sentence, normalised)
        speller, negation = self.speller, self.negation
        # Word lists from here on: each clause is joined into text once.
        clause_words = [
            _mark_uncertainty(speller.fix_words(words), negation) for words in normalised_words
        ]
        clauses = [" ".join(words) for words in clause_words]
        whole = " ".join(clauses)
        # A parent, partner or coach writing about the runner: the runner's warning
        # signs count, and "she wet herself" reads as "I wet myself" would.
        others_back = _about_another_runner(clause_words, clauses, whole, negation)
        if others_back:
            clause_words = [[_AS_THE_RUNNER.get(w, w) for w in words] for words in clause_words]
            clauses = [" ".join(words) for words in clause_words]
            whole = " ".join(clauses)
        # A pattern matching in a clause also matches the whole message (clause
        # ends are word boundaries there too): only these rules need a closer look.
        present = self.finder.present(whole)
        mentioned = self._mentioned(whole, present)
        if not mentioned and _DENIAL_WORDS.isdisjoint(chain.from_iterable(clause_words)):
            return Screening(None, text, (), sentences)  # nothing flagged or denied
        found = [self.finder.present(c) for c in clauses] if mentioned else []
        hits: list[RedFlagHit] = []
        matched_in: set[int] = set()  # clauses where a clause rule matched, denied or not
        answered_no: set[int] = set()  # clauses the clause rules skipped
        for rule in mentioned:
            if rule.whole_message:
                phrase, _ = _first_live_hit(rule, whole, present, negation, others_back)
                if phrase is not None:
                    hits.append(RedFlagHit(rule, phrase))
                continue
            following_clauses = [*clauses[1:], ""]
            for index, (plain, following) in enumerate(
                zip(clauses, following_clauses, strict=True)
            ):
                if following in _ANSWERED_NO:
                    answered_no.add(index)
                    continue  # "Leaking? Nope." denies it in the next breath
                phrase, matched = _first_live_hit(rule, plain, found[index], negation, others_back)
                if phrase is not None:
                    hits.append(RedFlagHit(rule, phrase))
                    break
                if matched:
                    matched_in.add(index)
        if hits:
            most_urgent = min(hits, key=lambda hit: LEVELS.index(hit.level))
            return Screening(most_urgent, text, (), sentences)
        # A clause where a rule matched (and was denied) is a denial; the clause rules
        # have been run on every other clause but those they skipped.
        whole_rules = [rule for rule in mentioned if rule.whole_message]
        denied = [
            index in matched_in
            or _is_denial(
                plain,
                found[index] if found else frozenset(),
                mentioned if index in answered_no else whole_rules,
            )
            for index, plain in enumerate(clauses)
        ]
        kept = [raw for raw, is_denial in zip(raw_clauses, denied, strict=True) if not is_denial]
        if not kept or len(kept) == len(raw_clauses):
            return Screening(None, text, (), sentences)
        denials = tuple(p for p, is_denial in zip(clauses, denied, strict=True) if is_denial)
        # The question is the kept clauses as sentences of their own, already normalised.
        plain_kept = tuple(p for p, denial in zip(normalised, denied, strict=True) if not denial)
        return Screening(None, ". ".join(kept), denials, plain_kept)


# "mine is just tight", "my lower back", "for me only stiffness": the runner's own back
# (not "a friend of mine", nor "her words, not mine").
_OWN_BACK = re.compile(
    r"\b(?:my (?:lower |low |own |bad |sore )?back|(?<!of )(?<!not )mine|my own|for me"
    r"|the one with the"
    r"|i (?:only |just )?(?:have|got) (?:a )?(?:stiff|sore|tight|bad|achy))\b"
)
# "asking for my mum", "coach here", "one of my athletes": written on the runner's behalf.
_ON_BEHALF = re.compile(
    r"\b(?:(?:asking|writing|posting|messaging|enquiring|inquiring) (?:for|on behalf of|about)"
    r" (?:my|our|a|an|one of my|one of our)|(?:coach|mum|mom|dad|parent|physio) here"
    r"|(?:athlete|athletes|runner|runners|client|clients) of (?:mine|ours)"
    r"|one of (?:my|our) (?:athletes|runners|clients|squad|team|kids)"
    r"|in my (?:squad|group|team|club)|asked me to ask)\b"
)
_THIRD_PERSON = frozenset({"he", "she", "they", "his", "her", "their", "him", "them"})
_PRONOUNS = _THIRD_PERSON | {"hers", "theirs"}
# The runner's signs told in the third person, read as the runner would write them.
_AS_THE_RUNNER = {
    "he": "i", "she": "i", "they": "i", "him": "me", "them": "me", "his": "my", "her": "my",
    "their": "my", "himself": "myself", "herself": "myself", "themselves": "myself",
    "themself": "myself", "hers": "mine", "theirs": "mine",
}  # fmt: skip


def _about_another_runner(
    clause_words: list[list[str]], clauses: list[str], whole: str, negation: Negation
) -> bool:
    """Written about someone else's back, never the writer's own: that person's signs."""
    said = list(chain.from_iterable(clause_words))
    words = set(said)
    if negation.others.isdisjoint(words) and _THIRD_PERSON.isdisjoint(words):
        return False  # nobody else is named
    if _OWN_BACK.search(whole) is not None:
        return False  # "mine is just tight", "my lower back": the writer's own too
    if _ON_BEHALF.search(whole) is not None or any(
        "back" in clause and negation.others_back_pattern.search(clause) for clause in clauses
    ):
        return True
    # "My husband, 42: back pain 4 days, and now his left foot drags": someone of the
    # writer's is the subject, and the only back in the message is theirs.
    return (
        "back" in words
        and negation.others_back_subject.search(whole) is not None
        and _their_back_told(said, negation.others | _THIRD_PERSON)
    )


_ME_WORDS = frozenset({"i", "me", "my", "myself"})
# "does acupuncture work for back pain?", "is back pain hereditary?": back pain in general.
_ASKED_IN_GENERAL = frozenset(
    {"for", "with", "help", "helps", "is", "about", "cause", "causes", "does", "do", "of"}
)


def _their_back_told(words: list[str], people: frozenset[str]) -> bool:
    """A "back" with someone else near it and not the writer: "my husband, 42: back pain
    4 days", "back pain for a few days and now she has...". Not "anyway, does
    acupuncture work for back pain?" nor "I'm 30 with a grumbly back"."""
    # The "my" of "my husband" or "my 13 year old" is the writer's, not about the
    # writer's own back.
    words = [
        word
        for index, word in enumerate(words)
        if not (
            word in {"my", "our"}
            and (
                not people.isdisjoint(words[index + 1 : index + 3])
                or words[index + 2 : index + 4] == ["year", "old"]
            )
        )
    ]
    for index, word in enumerate(words):
        if word == "back" and (index == 0 or words[index - 1] not in _ASKED_IN_GENERAL):
            near = words[max(0, index - 8) : index + 9]
            if _ME_WORDS.isdisjoint(near) and "mine" not in near and not people.isdisjoint(near):
                return True
    return False


# A word normalise() keeps, so one call does all clauses; short, as every clause adds it
# to the text normalised. A runner who types it only costs a call per clause.
_CLAUSE_MARK = "zqz"


def _normalise_all(raw_clauses: list[str]) -> list[list[str]]:
    """The words of normalise() of each clause, in one call (it is the costly step)."""
    if not raw_clauses:
        return []
    clauses: list[list[str]] = [[]]
    for word in normalise(f" {_CLAUSE_MARK} ".join(raw_clauses)).split():
        if word == _CLAUSE_MARK:
            clauses.append([])
        else:
            clauses[-1].append(word)
    if len(clauses) != len(raw_clauses):  # someone typed the marker itself
        return [normalise(clause).split() for clause in raw_clauses]
    return clauses


_DENIAL_OPENERS = frozenset({"no", "not", "never", "nothing", "without", "zero"})
_DENIAL_CLOSERS = frozenset({"fine", "ok", "okay", "normal", "normally", "good"})
_DENIAL_WORDS = _DENIAL_OPENERS | _DENIAL_CLOSERS  # every denial cue contains one of these


def _is_denial(plain: str, present: frozenset[str], mentioned: list[Rule]) -> bool:
    words = plain.split()
    if not words:
        return False
    if any(p.search(plain) for rule in mentioned for p in rule.candidates(present)):
        return True  # no live hit anywhere, so this mention is a negated one
    if words[0] in _DENIAL_OPENERS:
        return True
    if any(f" {cue} " in f" {plain} " for cue in ("do not have", "have not had", "no sign")):
        return True
    return len(words) <= 6 and words[-1] in _DENIAL_CLOSERS


_ANSWERED_NO = frozenset({"no", "nope", "nah", "none", "never", "negative", "not really", "no no"})
_BREAK_WORDS = frozenset({"but", "though", "however"})
# One group: split() then returns the breaks too, to rebuild each sentence.
# "my but" is a typed "my butt", not a new clause ("i cant feel my but when i wipe").
# The same splits as `(,|\s[-–—]\s|\b(?<!\b[Mm]y )(?:but|though|however)\b)`, written so
# that every branch starts with a character (",", a space, or the b, t or h of a word):
# at most positions each branch then fails on its first character, before any boundary
# or lookbehind is tested (a third less time on long messages).
_CLAUSE_BREAK = re.compile(
    r"(,|\s[-\u2013\u2014]\s"
    r"|[bth](?<!\w[bth])(?<!\b[Mm]y [bth])(?:(?<=b)ut|(?<=t)hough|(?<=h)owever)\b)"
)


def split_clauses(text: str) -> list[str]:
    """Sentences, then commas, dashes and 'but': the scope a negation reaches."""
    return [clause for parts in _clauses_by_sentence(text) for clause in _clauses(parts)]


def _clauses_by_sentence(text: str) -> list[list[str]]:
    """Each sentence's parts: clauses at even positions, the breaks between them at odd ones."""
    return [_CLAUSE_BREAK.split(sentence) for sentence in split_sentences(text)]


def _clauses(parts: list[str]) -> list[str]:
    return [clause for clause in parts[::2] if clause.strip()]


def _sentences(by_sentence: list[list[str]], normalised: list[str]) -> tuple[str, ...]:
    """normalise() of each sentence, put back together from its normalised clauses.

    normalise() works word by word and clauses break between words, so this is
    the same text; only the breaks that are words ("but") need putting back.
    """
    clauses = iter(normalised)
    sentences: list[str] = []
    for parts in by_sentence:
        words: list[str] = []
        for index, part in enumerate(parts):
            if index % 2:
                if part in _BREAK_WORDS:
                    words.append(part)
            elif part.strip():
                words.append(next(clauses))
        sentences.append(" ".join(word for word in words if word))
    return tuple(sentences)


def _mark_uncertainty(words: list[str], negation: Negation) -> list[str]:
    # "not sure if I have a fever" must not read as a denial of the fever.
    if negation.uncertain_starts.isdisjoint(words):
        return words  # the common case, without the regex
    return negation.uncertain_pattern.sub("unsure", " ".join(words)).split()


def _first_live_hit(
    rule: Rule, plain: str, present: frozenset[str], negation: Negation, others_back: bool
) -> tuple[str | None, bool]:
    """The first match of `rule` in `plain` that is not denied nor about a bystander,
    and whether the rule matched `plain` at all.

    `others_back`: the message is about someone else's back, so what happened
    to someone else is the patient's own history, not a bystander's.
    """
    matched = False
    for pattern in rule.candidates(present):
        for found in pattern.finditer(plain):
            matched = True
            start, end = found.start(), found.end()
            if rule.negatable and _is_negated(plain, start, end, negation, others_back):
                continue
            if (
                others_back
                or not (
                    rule.others_cancel
                    # "my girlfriend and I were in a crash": the match itself names the runner
                    and _ME_WORDS.isdisjoint(found.group(0).split())
                    and _about_someone_else(plain[:start], negation)
                )
            ):
                return found.group(0), True
    return None, matched


def _contains_cue(words: list[str], cues: tuple[str, ...]) -> bool:
    joined = f" {' '.join(words)} "
    return any(f" {cue} " in joined for cue in cues)


_BARE_NEGATIONS = frozenset({"not", "no", "never"})
# "urine is not coming", "it is not working", "they are not mine", "I am not trying"
# (to lose weight), "it was not just wind": a failing body, not a denial.
_FAILING = frozenset(
    {"coming", "working", "there", "properly", "responding", "holding", "emptying", "normal"}
    | {"mine", "trying", "just", "standing", "rising", "right"}  # "something is not right"
    | {"dieting"}  # "now I'm 68 kg and I'm not dieting": the loss is unexplained
    | {"sensible"}  # "my buttocks are not sensible": the French or Spanish word for feeling
)
# "I can not pass water", "could not lift my foot", "I have no been able tae tell",
# "why would I not be able to empty my bladder":
# inability is the symptom.
# "I no feel the pee", "I no fit hold am": non-native and pidgin English for "I can't".
_INABILITY = re.compile(r"\b((can|could|cannot) not|(not|no|never) (be|been) able|i no)\b")
_COPULAS = frozenset({"is", "are", "was", "were", "am", "be", "been", "feel", "feels", "felt"})


# "leg no weakness": a symptom named after "no" is denied; "legs no strength" is a sign.
_SYMPTOMS = frozenset({"weakness", "numbness", "tingling", "pain", "problems", "issues"})


def _negated_inside(span: list[str]) -> bool:
    """'legs are not weak', 'foot is not dragging', 'leg no weakness': a denial inside a
    gappy match.

    Only a negation after a linking verb, or "no" before a symptom's name, counts:
    "toes will not lift" and "for no reason" are symptoms the patterns describe.
    """
    return any(
        word in _BARE_NEGATIONS
        and (
            (span[index - 1] in _COPULAS and following not in _FAILING)
            or (word == "no" and following in _SYMPTOMS)
        )
        for index, word in enumerate(span)
        if index > 0
        for following in [span[index + 1] if index + 1 < len(span) else ""]
    )


# How far back a bystander is looked for: "my roommate is down with the flu and a fever".
_OTHERS_WINDOW = 10


def _writers_own(words: list[str], index: int) -> bool:
    """ "mine" at `index` is the writer's, as `_OWN_BACK` reads it: not in "a friend of mine"
    nor "her words, not mine"."""
    return words[index] == "mine" and words[index - 1 : index] not in (["of"], ["not"])


def _about_someone_else(before_text: str, negation: Negation) -> bool:
    """ "my toddler has had a temperature": a third party just before, and no "I" since."""
    if "asking for a friend" in before_text:
        return False  # the oldest way to ask for oneself
    words = before_text.split()[-_OTHERS_WINDOW:]
    for index in range(len(words) - 1, -1, -1):
        # "my partner touched MY thigh", "her car is fine, mine was written off"
        if words[index] in _ME_WORDS or _writers_own(words, index):
            return False
        if words[index] in negation.others:
            return True
    return False


def _is_negated(
    plain: str, start: int, end: int, negation: Negation, others_back: bool = False
) -> bool:
    if _negated_inside(plain[start:end].split()):
        return True
    before = _INABILITY.sub("unable", plain[:start]).split()[-negation.window :]
    # Only a cue right after the symptom describes it ("bladder fine", "saddle area
    # feels completely normal"); further on it usually describes something else
    # ("a fever, otherwise fine"). "Is numbness down there normal?" asks, not denies.
    following = plain[end:].split()
    after = following[: 3 if following[:1] and following[0] in _COPULAS else 2]
    asking = plain.split(" ", 1)[0] in YES_NO_OPENERS
    return (
        _contains_cue(before, negation.before)
        or (not others_back and _contains_cue(before, negation.history))
        or (not asking and _contains_cue(after, negation.after))
    )
