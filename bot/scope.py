"""Is a message about the runner's own back at all? (pure, from the lexicon's word lists)"""

from __future__ import annotations

from dataclasses import dataclass

from bot.lexicon import Lexicon, blank_back_idioms

_OWNER_VERBS = frozenset(
    {
        "has",
        "had",
        "have",
        "hurt",
        "hurts",
        "put",
        "threw",
        "tweaked",
        "pulled",
        "injured",
        "gets",
        "got",
        "getting",
        "keeps",
        "slipped",
        "suffers",
        "suffering",
        "struggles",
        "struggling",
        "complains",
        "is",
        "on",
        "flares",
        "flared",
        "aches",
    }
)
_BACK_WORDS = frozenset({"back", "pain", "sciatica", "disc", "spasms", "spine"})
# "my dad's MRI", "my patient's lumbar x-ray": a scan or a back that belongs to them.
_THEIRS = frozenset({"back", "spine", "lumbar", "mri", "scan", "x", "xray", "disc", "sciatica"})
_FIRST_PERSON = frozenset({"i", "me", "myself"})
_ME = frozenset({"me", "myself"})
_THEIR = frozenset({"his", "her", "its"})  # not "their": "anyone tried it for their back?"
_MINE = ("mine", "my own", "help me", "for me", "me too", "work for me")
_OWN_BACK = ("back", "lower back", "low back", "spine")
_OWNER_WINDOW = 7
# "can my athletes...", "should my runner...": a question whose subject is someone else.
_ASKING_ABOUT = frozenset({"can", "could", "should", "does", "do", "would", "will", "is", "are"})
_BACKS = frozenset({"back", "backs", "spine"})
# "my dad says lie flat for a week": someone else's advice, asked about by the runner.
_SPEECH_VERBS = frozenset(
    {"says", "said", "reckons", "thinks", "told", "tells", "swears", "insists", "recommends"}
    | {"suggests", "suggested", "recommended"}
    # "my mother is insisting", "my coach keeps saying": the same, as it goes on
    | {"insisting", "saying", "telling", "suggesting", "recommending"}
)
_REPORTING_VERBS = _SPEECH_VERBS | {"wants", "keeps"}  # "my mum keeps telling me to rest"


@dataclass(frozen=True)
class Scope:
    about_the_back: bool  # names the back or a back condition (not "back to back")
    about_pain: bool  # names the back, pain or an injury at all
    outside: bool  # another body part or complaint, or someone else's back


def _phrases(words: list[str], lengths: dict[str, int]) -> set[str]:
    """Every run of one to three words that could be a scope phrase (`lengths`: by first word)."""
    found: set[str] = set()
    for index, word in enumerate(words):
        longest = lengths.get(word)
        if longest is None:
            continue  # most words start no phrase
        found.add(word)
        for size in range(2, min(longest, 3) + 1):
            found.add(" ".join(words[index : index + size]))
    return found


def _someone_elses(words: list[str], lexicon: Lexicon) -> bool:
    """ "my mum has had back pain for years", "my dog hurt his back": not the runner's."""
    subjects = lexicon.other_subjects
    # "yoga for runners", "tips for athletes": who a thing is for, not whose back it is.
    owners = [
        index
        for index, word in enumerate(words)
        if word in subjects and (index == 0 or words[index - 1] != "for")
    ]
    if not owners and _THEIR.isdisjoint(words):
        return False  # nobody else is named: every check below needs someone
    text = f" {' '.join(words)} "
    own_back = any(f" my {part} " in text for part in _OWN_BACK)
    if not own_back and any(words[index - 2 : index] == ["for", "my"] for index in owners):
        return True  # "where can I find a tai chi class for my grandmother?"

    def has_the_back(index: int) -> bool:  # "she keeps getting back spasms"
        if words[index + 1 : index + 2] and words[index + 1] in _SPEECH_VERBS:
            return False  # "my friend said paracetamol is pointless for back pain": advice
        window = set(words[index + 1 : index + 1 + _OWNER_WINDOW])
        return bool(_OWNER_VERBS & window and _BACK_WORDS & window)

    if not own_back and any(
        words[index] in lexicon.animals and has_the_back(index) for index in owners
    ):
        return True  # "my dog has a bad back, can I still walk him?": whatever "I" asks
    if not own_back and any(
        index and words[index - 1] == "my" and _possessed(words[index + 1 : index + 4])
        for index in owners
    ):
        return True  # "my patient's lumbar x-ray shows degeneration, how do I explain it?"
    if not own_back and any(
        index >= 2 and words[index - 1] == "my" and words[index - 2] in _ASKING_ABOUT
        for index in owners
    ):
        return True  # "can my athletes take ibuprofen before a race, or should I tell them?"
    # "would it show what's wrong with mine?"; but "a friend of mine" is no back of mine.
    mine = any(f" {word} " in text.replace(" of mine ", " ") for word in _MINE)
    if (
        not own_back
        and not mine
        and not _own_pain(words, lexicon)
        and any(has_the_back(index) for index in owners)
    ):
        return True  # "my club mate has sciatica, how can I support her?"
    if not own_back and not _own_pain(words, lexicon) and not mine and _their_back(words):
        return True  # "my wife is on oxycodone for her back, I'm worried": theirs, my worry
    if _FIRST_PERSON & set(words) or own_back:
        return False  # the runner talks about themself: "my aunt swears by it ... should I?"
    if any(
        index
        and words[index - 1] == "my"
        # "my mum says", "my mum always says": someone else's advice
        and not _REPORTING_VERBS & set(words[index + 1 : index + 3])
        for index in owners
    ):
        return True  # "should my runners do core on easy days?": asking for others
    return not mine and (any(has_the_back(index) for index in owners) or _their_back(words))


def _their_back(words: list[str]) -> bool:
    """ "her back", "its back", "her chronic back pain": someone else's back, by name."""
    return any(
        word in _THEIR and _BACKS & set(words[index + 1 : index + 4])
        for index, word in enumerate(words)
    )


def _possessed(following: list[str]) -> bool:
    """ "[my dad]'s spine", "[my patient]'s lumbar x-ray": their back or scan, straight after.

    A verb first ("my neighbour had back surgery") is a story, left to the checks above.
    """
    for word in following:
        if word in _THEIRS:
            return True
        if word in _OWNER_VERBS or word in _SPEECH_VERBS:
            return False  # "my flatmate says everyone's back goes": advice, not their back
    return False


def _own_pain(words: list[str], lexicon: Lexicon) -> bool:
    """ "I've got", "my pain", "hurts me": the runner's own pain (a first-person word just
    before or after a pain word, or a message that opens with it: "pain's been bad")."""
    for index, word in enumerate(words):
        if word in lexicon.pain_context or word in _BACK_WORDS:
            if index == 0:
                return True
            before = words[max(0, index - 3) : index]
            after = words[index + 1 : index + 2]  # "hurts me"; in "her back, I'm worried"
            if _FIRST_PERSON & set(before) or _mine(before, lexicon) or _ME & set(after):
                return True
    return False


def _mine(before: list[str], lexicon: Lexicon) -> bool:
    """ "my lower back", but not "my running buddy's back": a "my" that no one else follows."""
    if "my" not in before:
        return False
    last = len(before) - 1 - before[::-1].index("my")
    return lexicon.other_subjects.isdisjoint(before[last + 1 :])


def assess_scope(words: list[str], lexicon: Lexicon) -> Scope:
    """What the message is about, from its normalised, spelling-fixed words."""
    phrases = _phrases(
        blank_back_idioms(words, lexicon.idioms_longest_first), lexicon.scope_phrase_lengths
    )
    about_the_back = bool(phrases & lexicon.back_context)
    about_pain = about_the_back or bool(phrases & lexicon.pain_context)
    if phrases & lexicon.surface_complaints:
        outside = True  # "sunburnt my back": not back pain
    elif phrases & lexicon.study_and_work and not _own_pain(words, lexicon):
        outside = True  # "for my physio exam", but not "exam season and my back is in bits"
    elif phrases & lexicon.general_questions and not about_pain:
        outside = True  # "who invented chiropractic?", but not "will insurance cover my back?"
    elif _someone_elses(words, lexicon):
        outside = True
    elif not about_the_back:
        outside = not phrases.isdisjoint(lexicon.elsewhere)
    else:
        outside = False
    return Scope(about_the_back, about_pain, outside)
