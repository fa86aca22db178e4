"""Persona prose -> atomic third-person clauses, and clauses -> first-person sentences.

``atomic_clauses(text)`` reads a persona written in the third person ("She is a 41-year-old nurse
who lives in Leeds. She is married and has two sons."), one trait per line, or in the first person
("I have two cats"), and returns one ``Clause`` per information point: its third-person ``text``
without the subject ("lives in Leeds") and the sentence's lead-in words (``context``, e.g. "spare
time" from "In her spare time she ..."). The rules, in the order they apply to each sentence:

1. **Sentences.** Lines (bullets and numbering stripped, lines ending in ``:`` skipped) are cut at
   ``.``, ``!``, ``?`` followed by a capital, and at ``;``.
2. **Subject.** A lead-in phrase before the subject ("In her spare time, she") is cut off and kept
   as context; then the subject goes: she/he/they/the user/a name followed by a verb ("Maya is"),
   "I" (the verb is put in the third person) or a possessive ("Her favourite food is sushi" keeps
   "favourite food is sushi" as one clause, marked ``possessive``). A line without a subject that
   does not start with a verb ("Vegetarian", "A night owl") gets "is" in front.
3. **Age.** "is a 41-year-old nurse" gives "is 41 years old" and "is a nurse"; "is 34 and ..." and
   "in her late sixties" become age clauses of their own.
4. **Relative and participle clauses about the subject.** After "is a <noun>", "who ..." and
   "living in / working as / studying ..." are the subject's own predicates ("is a nurse who lives in
   Leeds" -> "is a nurse", "lives in Leeds"). "has a partner who teaches yoga" stays whole: there the
   clause describes the partner.
5. **Coordinated predicates.** ", and"/"and"/"but"/", so" followed by a verb, optionally with the
   subject pronoun again ("and they have twins", "and I'm training for a 10k"), starts a new clause.
6. **Lives in X with Y.** "lives in a cottage with her husband" -> "lives in a cottage", "lives with
   her husband".
7. **Coordinated objects.** After a verb that takes a list (has, loves, enjoys, speaks, reads, plays,
   lives with, is a fan of, ...), the objects split at commas and "and": "has a collie and a tabby cat"
   -> "has a collie", "has a tabby cat". An item led by "especially", "including", "such as" stays
   with the one before it; a list without "and"/"or" is adjectives and stays whole ("prefers short,
   casual messages").
8. **Coordinated complements of "is".** "is pescatarian and allergic to peanuts" -> two clauses, unless
   a preposition comes before the "and" ("is bilingual in Welsh and English" stays whole).
9. **Where the job is.** A job clause ("works as ...", "is a ...", "runs a ...") ending in "in <Place>"
   or "from <Place>" gives the place its own clause: "works as a veterinary nurse in Leeds" ->
   "works as a veterinary nurse", "is based in Leeds".

"and" never splits a name ("called Salt and Pepper"), a capitalised proper name of three words
("Kennet and Avon Canal") or a fixed phrase ("fish and chips", "rock and roll").

``first_person(text)`` says a clause as the user would: "is married" -> "I'm married", "has two sons"
-> "I have two sons", "recently started bouldering" -> "I recently started bouldering", "her husband"
-> "my husband", "whom she looks after" -> "whom I look after".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_HAS_WORD = re.compile(r"[^\W_]")
_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])|;\s*")
_PRONOUN_SUBJECTS = ("the user", "this user", "this person", "the person", "she", "he", "they", "user")
_CONTRACTED = {"she's": "is", "he's": "is", "they're": "is", "they've": "has", "she'd": "would", "he'd": "would"}
_POSSESSIVES = frozenset(("her", "his", "their", "my"))
_LEAD_IN = re.compile(
    r"^(?P<lead>(?:in|on|at|during|since|after|before|every|most|when|outside|besides|apart from|these days"
    r"|nowadays|for)\b[^,]{0,60}?),?\s+(?P<rest>(?:she|he|they|i)\b.*)$",
    re.IGNORECASE,
)
_ADVERBS = frozenset(
    """really also always often usually sometimes never recently currently just still absolutely mostly
    rarely occasionally especially truly deeply regularly now already even secretly happily proudly
    finally newly first""".split()  # noqa: SIM905
)
_PLURAL_TO_SINGULAR = {"are": "is", "have": "has", "were": "was", "do": "does", "don't": "doesn't", "aren't": "isn't"}
_FIRST_TO_THIRD = {"am": "is", "'m": "is", "have": "has", "do": "does", "don't": "doesn't", "was": "was"}
_FIRST_PERSON = {
    "is": "am",
    "has": "have",
    "does": "do",
    "doesn't": "don't",
    "isn't": "am not",
    "hasn't": "haven't",
    "goes": "go",
    "was": "was",
    "wasn't": "wasn't",
}
_PAST_IRREGULAR = frozenset(
    """grew took went moved spent began became got made left met ran swam taught built bought sold found
    fell felt kept lost came gave won wrote rode drove flew studied tried lived worked started retired
    trained""".split()  # noqa: SIM905
)
_MODALS = frozenset(("can", "can't", "cannot", "will", "won't", "would", "could", "should", "might", "must"))
_VERBS = frozenset(
    """is has does goes was can can't cannot will won't would could should might must doesn't isn't hasn't
    wasn't works lives loves likes enjoys adores hates dislikes detests prefers plays reads watches listens
    sings grows collects keeps owns speaks studies teaches writes paints bakes cooks brews builds restores
    runs walks cycles hikes swims surfs climbs dances travels visits volunteers supports follows belongs
    calls takes sells makes spends gets wants hopes dreams tries finds avoids eats drinks shares knows
    drives rides fishes attends goes uses needs plans saves invests lifts trains competes practises
    practices crochets knits sews quilts binge-watches manages runs leads looks helps cares raises breeds
    commutes sleeps starts finishes misses refuses grew took went moved spent began became got made
    left met ran swam taught built bought sold started retired""".split()  # noqa: SIM905
)
_LIST_LEADS = re.compile(
    r"^(?P<lead>(?:(?:\w+ly|also|still|now|often) )?"
    r"(?:has|owns|keeps|loves|likes|enjoys|adores|hates|dislikes|detests|prefers|speaks|plays|reads|watches"
    r"|collects|grows|bakes|cooks|supports|follows|studies|writes|paints|can't stand|cannot stand|can't abide"
    r"|lives with|listens to|shares (?:a|her|his|their|my) (?:flat|house|home) with"
    r"|is (?:a |an )?(?:huge |big |massive |die-hard |lifelong )?fan of|is mad about"
    r"|is obsessed with|is into|is passionate about|is fond of|is keen on)) (?P<rest>.+)$",
    re.IGNORECASE,
)
_NO_SPLIT_PHRASES = (
    "fish and chips",
    "chicken and chips",
    "rock and roll",
    "salt and pepper",
    "rhythm and blues",
    "drum and bass",
    "arts and crafts",
    "bed and breakfast",
    "bread and butter",
    "pen and paper",
    "dungeons and dragons",
    "cheese and wine",
    "law and order",
    "trial and error",
)
_POSSESSIVE_MARK = "\u2060my\u2060 "  # marks a predicate whose subject was "her"/"his"/"my"; see ``atomic_clauses``
_GLUE = "\u2060and\u2060"  # an "and" that never splits; put back by ``_unglue``
_NAMED_PAIR = re.compile(r"\b((?:named|called) [A-Z][\w'-]*) and ([A-Z])")
_PROPER_TRIPLE = re.compile(r"\b([A-Z][\w'-]*) and ([A-Z][\w'-]* [A-Z])")
_AGE_LEAD = re.compile(
    r"^is (?:an? )?(?P<age>\d{1,3}|[a-z]+(?:-[a-z]+)?)[- ]year[- ]old\b(?:,)?\s*(?P<rest>.*)$", re.IGNORECASE
)
_AGE_NUMBER = re.compile(r"^is (?P<age>\d{1,3})(?: years old)?(?:,? and (?P<rest>.+)|,?\s*$)", re.IGNORECASE)
_AGE_DECADE = re.compile(
    r"\b(?:is )?in (?:her|his|their|my) (?P<decade>(?:early |mid-|mid |late )?(?:twenties|thirties|forties|fifties"
    r"|sixties|seventies|eighties|nineties))\b",
    re.IGNORECASE,
)
_RELATIVE = re.compile(r"^(?P<head>is (?:an? |the )?[^,]*?),? who (?P<rest>.+)$", re.IGNORECASE)
_PARTICIPLE = re.compile(
    r"^(?P<head>is (?:an? |the )?[^,]*?),? (?P<verb>living|working|studying|based) (?P<rest>(?:in|as|at|on|near"
    r"|outside|for|from|\w+)\b.*)$",
    re.IGNORECASE,
)
_PARTICIPLE_VERB = {"living": "lives", "working": "works", "studying": "studies", "based": "is based"}
_COORDINATOR = re.compile(r",? (?:and|but|so)(?: then)? ", re.IGNORECASE)
_LIVES_WITH = re.compile(
    r"^(?P<lead>(?:\w+ly |now |still )?lives (?:in|on|near|outside|at|by) .+?),? with (?P<who>.+)$", re.IGNORECASE
)
_LIST_SEPARATOR = re.compile(r",? and |, (?!especially|including|such as|mostly|particularly|like )", re.IGNORECASE)
_APPOSITIVE = re.compile(r"^[A-Z][\w'-]*$")
_RELATIONS = frozenset(
    "husband wife partner boyfriend girlfriend fiance fiancé fiancee fiancée son daughter brother sister".split()  # noqa: SIM905
)
_DETERMINER_START = re.compile(r"^(?:a|an|the|her|his|their|my|\d+|one|two|three|four|five)\b", re.IGNORECASE)
_UNKNOWN_VERB_FOLLOWERS = frozenset("in at on to the a an with for from every most by around".split())  # noqa: SIM905
_JOB_CLAUSE = re.compile(r"^(?:\w+ly )?(?:works (?:as|at|for)|is (?:an?|the) |runs (?:a|an|her|his|their|my) )", re.I)
_TRAILING_PLACE = re.compile(
    r",? (?P<prep>in|from) (?P<place>(?:(?:rural|central|north|south|east|west|northern|southern|eastern|western"
    r"|greater|outer|inner|the) )*[A-Z][\w'-]*(?: [A-Z][\w'-]*)*)$"
)
_PREPOSITIONS = frozenset("in of to with at on for from about by into over under near".split())  # noqa: SIM905
_OBJECT_FOLLOWERS = frozenset(("to", "and", "with", "about", "up", "off", "out", "in", "on", "for", "a", "an", "the"))
_PRONOUN_TO_FIRST = {
    "his": "my",
    "their": "my",
    "him": "me",
    "them": "me",
    "herself": "myself",
    "himself": "myself",
    "themselves": "myself",
    "hers": "mine",
    "theirs": "mine",
}
_INNER_SUBJECT = re.compile(r"\b(she|he|they)\s+(\w+(?:'\w+)?)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Clause:
    """One atomic trait: ``text`` in the third person without a subject, and its sentence's lead-in words.

    ``possessive`` is true when the subject was a possessive ("Her favourite food is sushi" gives
    ``text`` "favourite food is sushi"), so the user says "My favourite food is sushi."
    """

    text: str
    context: str = ""
    sentence: str = ""
    possessive: bool = False


def sentences(text: str) -> list[str]:
    """The sentences of ``text`` without bullets, numbering, headings or trailing punctuation."""
    found = []
    for line in text.splitlines():
        line = _BULLET.sub("", line).strip()
        if not line or line.endswith(":"):
            continue
        for sentence in _SENTENCE_END.split(line):
            sentence = sentence.strip().rstrip(".!?;").strip()
            if sentence:
                found.append(sentence)
    return found


def _same_in_every_person(lower: str) -> bool:
    """Modals and past tenses do not change with the subject: "can", "grew", "started"."""
    return lower in _MODALS or lower in _PAST_IRREGULAR or lower.endswith("ed")


def third_person_singular(verb: str) -> str:
    """``enjoy`` -> ``enjoys``, ``watch`` -> ``watches``, ``study`` -> ``studies``, ``are`` -> ``is``."""
    lower = verb.lower()
    if lower in _PLURAL_TO_SINGULAR or _same_in_every_person(lower):
        return _PLURAL_TO_SINGULAR.get(lower, verb)
    if lower.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if lower.endswith("y") and len(lower) > 2 and lower[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def _leading_adverbs(words: list[str]) -> int:
    count = 0
    while count < len(words) - 1 and words[count].lower() in _ADVERBS:
        count += 1
    return count


def looks_like_verb(word: str) -> bool:
    """A third-person verb form (or past tense) as it follows a subject: "works", "is", "grew", "binge-watches"."""
    lower = word.lower()
    if lower in _VERBS or lower in _PAST_IRREGULAR:
        return True
    return lower.endswith("ed") and len(lower) > 4


def _strip_subject(sentence: str) -> tuple[str, str]:
    """``(predicate, lead-in)``: the sentence without its subject, in the third person singular."""
    lead = ""
    match = _LEAD_IN.match(sentence)
    if match:
        lead, sentence = match["lead"], match["rest"]
    words = sentence.split()
    first = words[0].lower().replace("\u2019", "'")
    if first in _CONTRACTED:
        return " ".join([_CONTRACTED[first], *words[1:]]), lead
    if first in ("i'm", "i've"):
        return " ".join(["is" if first == "i'm" else "has", *words[1:]]), lead
    if first == "i" and len(words) > 1:
        verb_at = 1 + _leading_adverbs(words[1:])
        verb = words[verb_at]
        words[verb_at] = _FIRST_TO_THIRD.get(verb.lower(), third_person_singular(verb))
        return " ".join(words[1:]), lead
    lower = sentence.lower()
    for subject in _PRONOUN_SUBJECTS:
        if lower.startswith(subject + " "):
            rest = sentence[len(subject) + 1 :].split()
            if subject == "they" and rest:
                verb_at = _leading_adverbs(rest)
                rest[verb_at] = third_person_singular(rest[verb_at])
            return " ".join(rest), lead
    if first in _POSSESSIVES and len(words) > 1:
        return _POSSESSIVE_MARK + " ".join(words[1:]), lead
    if len(words) > 1 and words[0][:1].isupper() and looks_like_verb(words[1]):
        return " ".join(words[1:]), lead  # a name: "Maya is a nurse"
    if len(words) > 2 and words[0][:1].isupper() and words[1][:1].isupper() and looks_like_verb(words[2]):
        return " ".join(words[2:]), lead  # a full name: "Maya Patel is a nurse"
    text = sentence[:1].lower() + sentence[1:]
    first_word = text.split()[0]
    if not looks_like_verb(first_word) and first_word.lower() not in _ADVERBS and not first_word.endswith("s"):
        text = "is " + text  # "Vegetarian" / "A night owl"
    return text, lead


def _glue(text: str) -> str:
    lower = text.lower()
    for phrase in _NO_SPLIT_PHRASES:
        start = lower.find(phrase)
        while start >= 0:
            original = text[start : start + len(phrase)]
            text = text[:start] + original.replace(" and ", f" {_GLUE} ") + text[start + len(phrase) :]
            lower = text.lower()
            start = lower.find(phrase, start + 1)
    text = _NAMED_PAIR.sub(lambda m: f"{m[1]} {_GLUE} {m[2]}", text)
    return _PROPER_TRIPLE.sub(lambda m: f"{m[1]} {_GLUE} {m[2]}", text)


def _unglue(text: str) -> str:
    return text.replace(_GLUE, "and")


def _article(phrase: str) -> str:
    """"a" or "an" for ``phrase``: by its first letter, and acronyms by how the letter is said ("an MP", "a UX")."""
    word = phrase.split()[0]
    if word.isupper() and len(word) > 1:
        return "an" if word[0] in "AEFHILMNORSX" else "a"
    return "an" if word[:1].lower() in "aeio" else "a"


def _split_age(predicate: str) -> list[str]:
    match = _AGE_LEAD.match(predicate)
    if match:
        rest = match["rest"].strip(" ,")
        parts = [f"is {match['age']} years old"]
        if rest:
            article = _article(rest)
            parts.append(rest if rest.lower().startswith(("who ", "and ")) else f"is {article} {rest}")
        return [p.removeprefix("and ") for p in parts]
    match = _AGE_NUMBER.match(predicate)
    if match:
        parts = [f"is {match['age']} years old"]
        if match["rest"]:
            rest = match["rest"].strip().split()
            if not looks_like_verb(rest[0]) and not rest[0].endswith("s"):
                rest[0] = third_person_singular(rest[0])  # "I'm 34 and work as ..." -> "works as ..."
            parts.append(" ".join(rest))
        return parts
    match = _AGE_DECADE.search(predicate)
    if match:
        decade = f"is in their {match['decade']}"
        rest = (predicate[: match.start()] + predicate[match.end() :]).strip(" ,")
        if rest in ("", "is"):
            return [decade]
        return [rest, decade]
    return [predicate]


def _split_relative(predicate: str) -> list[str]:
    match = _RELATIVE.match(predicate)
    if match:
        return [match["head"].strip(), match["rest"].strip()]
    match = _PARTICIPLE.match(predicate)
    if match:
        verb = _PARTICIPLE_VERB[match["verb"].lower()]
        return [match["head"].strip(), f"{verb} {match['rest'].strip()}"]
    return [predicate]


def _split_coordinated_verbs(predicate: str) -> list[str]:
    for match in _COORDINATOR.finditer(predicate):
        following = predicate[match.end() :].split()
        pronoun = following[0].lower().replace("\u2019", "'") if following else ""
        if pronoun in ("i'm", "i've"):
            following = ["is" if pronoun == "i'm" else "has", *following[1:]]
        elif pronoun in ("she", "he", "they", "i"):
            following = following[1:]
            if pronoun == "i" and following:
                verb_at = _leading_adverbs(following)
                verb = following[verb_at]
                following[verb_at] = _FIRST_TO_THIRD.get(verb.lower(), third_person_singular(verb))
        if not following:
            continue
        verb_at = _leading_adverbs(following)
        verb = following[verb_at].lower()
        plural = verb in _PLURAL_TO_SINGULAR
        after = following[verb_at + 1].lower() if verb_at + 1 < len(following) else ""
        # An unknown "-s" word followed by a preposition or article is a verb: "and skates in the evenings".
        unknown_verb = verb.endswith("s") and not verb.endswith("ss") and after in _UNKNOWN_VERB_FOLLOWERS
        if not (looks_like_verb(verb) or plural or unknown_verb):
            continue
        if plural or pronoun == "they":
            following[verb_at] = third_person_singular(following[verb_at])
        left = predicate[: match.start()].strip(" ,")
        return ([left] if left else []) + _split_coordinated_verbs(" ".join(following))
    return [predicate.strip(" ,")] if predicate.strip(" ,") else []


def _split_lives_with(predicate: str) -> list[str]:
    match = _LIVES_WITH.match(predicate)
    if not match:
        return [predicate]
    lead = match["lead"].strip()
    verb_part = lead.split(" lives ")[0] + " " if " lives " in lead else ""
    return [lead, f"{verb_part}lives with {match['who'].strip()}".strip()]


def _split_objects(predicate: str) -> list[str]:
    match = _LIST_LEADS.match(predicate)
    if not match:
        return [predicate]
    if not re.search(r"\b(?:and|or)\b", match["rest"]):
        return [predicate]  # commas alone join adjectives: "prefers short, casual messages"
    items = [item.strip(" ,") for item in _LIST_SEPARATOR.split(match["rest"]) if item.strip(" ,")]
    if len(items) < 2:
        return [predicate]
    merged: list[str] = []
    for item in items:
        if merged and _APPOSITIVE.match(item) and merged[-1].split()[-1].lower() in _RELATIONS:
            merged[-1] = f"{merged[-1]}, {item}"  # "her husband, Geoff" names the husband
        else:
            merged.append(item)
    if len(merged) < 2:
        return [predicate]
    lead = match["lead"]
    return [f"{lead} {item}" for item in merged]


def _split_complements(predicate: str) -> list[str]:
    if not predicate.lower().startswith("is ") or " and " not in predicate:
        return [predicate]
    left, _, right = predicate.partition(" and ")
    right = right.strip()
    if _PREPOSITIONS.intersection(left.lower().split()[1:]) or not right:
        return [predicate]
    if left.lower().startswith(("is a ", "is an ")) and not _DETERMINER_START.match(right):
        right = f"{_article(right)} {right}"  # "is a barista and part-time student" -> "is a part-time student"
    return [left.strip(" ,"), *_split_complements(f"is {right}")]


def _split_place(predicate: str) -> list[str]:
    """"works as a nurse in Leeds" -> "works as a nurse", "is based in Leeds" (and "from X" -> "is from X")."""
    if not _JOB_CLAUSE.match(predicate):
        return [predicate]
    match = _TRAILING_PLACE.search(predicate)
    if not match or match.start() == 0:
        return [predicate]
    place = match["place"]
    where = f"is from {place}" if match["prep"] == "from" else f"is based in {place}"
    return [predicate[: match.start()].strip(" ,"), where]


_STEPS = (
    _split_age,
    _split_relative,
    _split_coordinated_verbs,
    _split_lives_with,
    _split_objects,
    _split_complements,
    _split_place,
)


@lru_cache(maxsize=8192)
def split_predicate(predicate: str) -> tuple[str, ...]:
    """The atomic third-person clauses of one subject-less predicate (rules 3-8 of the module docstring)."""
    parts = [_glue(predicate)]
    for step in _STEPS:
        parts = [piece for part in parts for piece in step(part) if piece]
    return tuple(_unglue(part).strip(" ,") for part in parts if part.strip(" ,"))


def atomic_clauses(text: str) -> list[Clause]:
    """Every atomic trait of the persona ``text`` (see the module docstring), in reading order."""
    clauses = []
    for sentence in sentences(text):
        predicate, lead = _strip_subject(sentence)
        if predicate.startswith(_POSSESSIVE_MARK):
            parts, possessive = (predicate.removeprefix(_POSSESSIVE_MARK),), True
        else:
            parts, possessive = split_predicate(predicate), False
        clauses.extend(
            Clause(part, lead, sentence, possessive) for part in parts if _HAS_WORD.search(part)
        )
    return clauses


def _first_person_verb(verb: str) -> str:
    lower = verb.lower()
    if lower in _FIRST_PERSON or _same_in_every_person(lower):
        return _FIRST_PERSON.get(lower, lower)
    if lower.endswith("ies") and len(lower) > 4:
        return lower[:-3] + "y"
    if lower.endswith(("ches", "shes", "sses", "xes", "zes", "oes")):
        return lower[:-2]
    if lower.endswith("s") and not lower.endswith(("ss", "us")) and len(lower) > 2:
        return lower[:-1]
    return lower


def _swap_pronouns(words: list[str]) -> list[str]:
    swapped = []
    for index, word in enumerate(words):
        lower = word.lower()
        following = words[index + 1].lower() if index + 1 < len(words) else ""
        if lower == "her":
            swapped.append("me" if not following or following in _OBJECT_FOLLOWERS else "my")
        else:
            swapped.append(_PRONOUN_TO_FIRST.get(lower, word))
    return swapped


def first_person_phrase(phrase: str) -> str:
    """``phrase`` with third-person pronouns made first person: "walking her dog" -> "walking my dog"."""
    return " ".join(_swap_pronouns(phrase.split()))


def _inner_subjects(text: str) -> str:
    """"whom she looks after" -> "whom I look after"."""
    return _INNER_SUBJECT.sub(lambda m: f"I {_first_person_verb(m[2])}", text)


@lru_cache(maxsize=8192)
def first_person(text: str, possessive: bool = False) -> str:
    """The clause ``text`` said by the user, as one sentence ending in a full stop.

    ``possessive``: the clause lost a possessive subject ("favourite food is sushi" -> "My favourite
    food is sushi.").
    """
    words = text.split()
    if possessive:
        return _inner_subjects(" ".join(["My", *_swap_pronouns(words)])).rstrip(" ,") + "."
    verb_at = _leading_adverbs(words)
    verb = words[verb_at] if verb_at < len(words) else ""
    rest = _swap_pronouns(words[verb_at + 1 :])
    adverbs = words[:verb_at]
    if verb.lower() == "is" and not adverbs:
        sentence = " ".join(["I'm", *rest])
    elif verb.lower() == "isn't":
        sentence = " ".join(["I'm not", *rest])
    elif looks_like_verb(verb) or verb.lower().endswith("s"):
        sentence = " ".join(["I", *adverbs, _first_person_verb(verb), *rest])
    else:
        sentence = " ".join(["I'm", *_swap_pronouns(words)])
    return _inner_subjects(sentence).rstrip(" ,") + "."
