"""Scripted baseline agents: ``RandomAgent``, ``HeuristicAgent`` and ``OracleAgent``.

They bracket what a learned policy should reach and need no model:

- ``RandomAgent`` writes well-formed but uninformed turns: a handful of traits of some other user
  and a generic reply.
- ``HeuristicAgent`` listens: every first-person statement the user makes becomes a profile line in
  the third person; its reply picks up what the user just said, recalls things the user said in
  earlier turns (never what the user dislikes), and asks about a topic it has not explored yet,
  skipping topics the user complained about. When the user says it has gone off something, the
  lines about it are dropped.
- ``OracleAgent`` reads the hidden profile from ``info["privileged"]`` (build the env with
  ``privileged_info=True``), writes it out in full and replies using it: it names several of the
  user's interests (likes and hobbies) each turn and asks about a topic the user has not talked about yet.
  An upper bound for both rewards and the alignment level.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np

from rlpa_env.parsing import format_turn
from rlpa_env.profiles.bank import ProfileBank
from rlpa_env.text import STOPWORDS, polarity, stem, tokens
from rlpa_env.vocabulary import is_hollow, is_negative


@dataclass(frozen=True)
class Topic:
    """A conversation topic the scripted agents know how to open: words that name it, a remark, a question."""

    name: str
    words: tuple[str, ...]
    remarks: tuple[str, ...]
    questions: tuple[str, ...]


TOPICS: tuple[Topic, ...] = (  # small talk first: personal topics go better once rapport has grown
    Topic(
        "hobbies",
        ("hobby", "hobbies", "free time", "weekend"),
        ("Free time is precious these days.", "Weekends are a good chance to recharge."),
        ("What do you like to do in your free time?", "Any hobbies that fill your weekends?"),
    ),
    Topic(
        "music",
        ("music", "song", "songs", "listen"),
        ("Music can change the mood of a whole day.", "A good playlist makes chores fly by."),
        ("What kind of music do you listen to?", "Any songs or genres you keep coming back to?"),
    ),
    Topic(
        "food",
        ("food", "eat", "cooking", "diet", "meals"),
        ("Food is one of my favourite things to talk about.", "Cooking at home can be really relaxing."),
        ("What kind of food do you enjoy eating?", "Do you follow any particular diet?"),
    ),
    Topic(
        "films",
        ("movie", "movies", "film", "films", "show", "shows"),
        ("Movie nights are a great way to unwind.", "There are so many good shows around lately."),
        ("What kind of movies or shows do you watch?", "Seen any films you liked recently?"),
    ),
    Topic(
        "reading",
        ("book", "books", "read", "reading"),
        ("A good book can be hard to put down.", "Reading before bed is a nice habit."),
        ("Do you read much? Any books you like?", "What kind of books do you enjoy reading?"),
    ),
    Topic(
        "sport",
        ("sport", "sports", "team", "play"),
        ("Sports can be fun to play or just to watch.", "Staying active with a sport keeps things social."),
        ("Do you play or follow any sports?", "Is there a sport you enjoy playing or watching?"),
    ),
    Topic(
        "travel",
        ("travel", "trip", "vacation", "holiday"),
        ("Trips are a great way to reset.", "Travel always gives people stories to tell."),
        ("Do you like to travel? Any favourite trips?", "Where would you go on your next vacation?"),
    ),
    Topic(
        "work",
        ("work", "job", "career", "occupation"),
        ("Work shapes so much of the week.", "Jobs say a lot about how people spend their days."),
        ("What do you do for work?", "What kind of job keeps you busy?"),
    ),
    Topic(
        "pets",
        ("pet", "pets", "animal", "animals"),
        ("Animals can make a home feel livelier.", "Pets are often the best company."),
        ("Do you have any pets?", "Are there any animals at home with you?"),
    ),
    Topic(
        "home",
        ("live", "city", "town", "area", "where"),
        ("Where people live shapes their routines a lot.", "Every town has its own character."),
        ("Where do you live?", "What is the area like where you live?"),
    ),
    Topic(
        "fitness",
        ("fitness", "health", "exercise", "goal", "goals"),
        ("Health goals are easier with a plan.", "Small routines make a big difference for fitness."),
        ("Are you working toward any fitness or health goals?", "How do you like to stay healthy?"),
    ),
    Topic(
        "work habits",
        ("workday", "routine", "schedule", "productive"),
        ("Everyone has their own rhythm for getting things done.", "Routines can make busy days easier."),
        ("How do you like to organise your workday?", "What does a productive day look like for you?"),
    ),
    Topic(
        "family",
        ("family", "kids", "children", "partner", "married"),
        ("Family life can be busy and lovely at once.", "Home life shapes a lot of our days."),
        ("Do you have family around you?", "Who do you share your home with?"),
    ),
)

_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_RETRACTION = re.compile(
    r"\b(?:gone off|lost interest in|(?:i'm|i am) over|no longer into)\s+"
    r"(?P<old>[\w\s'-]+?)\s*(?:lately|now|anymore)?[.!]?$",
    re.IGNORECASE,
)
_META_WORDS = frozenset(
    "you you're your told already asked repeating butter essay short personal question chat talk bye goodbye".split()  # noqa: SIM905
)
_LEADING_FILLER = re.compile(r"^(?:(?:actually|honestly|well|oh|yeah|so|and|but|also)[,:.\s]+)+", re.IGNORECASE)
_MODALS = frozenset({"can", "could", "would", "should", "will", "might", "must", "may"})
_SUBJECT_REWRITES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), replacement)
    for pattern, replacement in (
        (r"^(?:i'm|i am)\b", "is"),
        (r"^(?:i've|i have)(?: got)?\b", "has"),
        (r"^(?:i'd|i would)\b", "would"),
        (r"^(?:i can't|i cannot)\b", "can't"),
        (r"^(?:i don't|i do not)\b", "doesn't"),
        (r"^(?:i'll|i will)\b", "will"),
        (r"^i was\b", "was"),
        (r"^my\b", "their"),
    )
)
_PLAIN_VERB = re.compile(r"^i (\w+)\b", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:i'm|i've|i'd|i|me|my|mine|myself)\b", re.IGNORECASE)
_PRONOUNS = {"i'm": "they're", "i've": "they've", "i'd": "they'd", "i": "they", "me": "them", "my": "their"}
_PRONOUNS |= {"mine": "theirs", "myself": "themselves"}


def _third_person_verb(match: re.Match[str]) -> str:
    verb = match[1]
    if verb.endswith("ed") or verb.lower() in _MODALS:
        return verb
    if verb.endswith(("s", "sh", "ch", "x", "o")):
        return verb + "es"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def third_person(sentence: str) -> str | None:
    """Rewrite a statement about the speaker as a profile line, else ``None``.

    "I'm a nurse." -> "is a nurse"; "Reading poetry puts me to sleep." -> "Reading poetry puts them
    to sleep". A sentence with no first-person word, or no content word, gives ``None``.
    """
    text = _LEADING_FILLER.sub("", sentence.strip().rstrip(".!?").strip())
    for pattern, replacement in _SUBJECT_REWRITES:
        if pattern.match(text):
            text = pattern.sub(replacement, text, count=1)
            break
    else:
        if _PLAIN_VERB.match(text):
            text = _PLAIN_VERB.sub(_third_person_verb, text, count=1)
        elif not _FIRST_PERSON.search(text):
            return None
    text = _FIRST_PERSON.sub(lambda match: _PRONOUNS[match[0].lower()], text)
    return text if any(not is_hollow(word) for word in tokens(text) if word not in STOPWORDS) else None


def retracted(message: str) -> list[str]:
    """What the user says it has gone off ("I've gone off jazz lately." -> ``["jazz"]``)."""
    found = (_RETRACTION.search(sentence.strip()) for sentence in _SENTENCE.split(message))
    return [match["old"].strip() for match in found if match is not None]


def extract_traits(message: str) -> list[str]:
    """Profile lines for every first-person statement of ``message`` that is about the user, not the chat.

    Sentences that retract a preference ("I've gone off jazz") give no line (see ``retracted``).
    """
    return list(_extract_traits(message))


@lru_cache(maxsize=4096)  # a message is read by the agent's tracker and its acknowledgement, often by two agents
def _extract_traits(message: str) -> tuple[str, ...]:
    traits = []
    for sentence in _SENTENCE.split(message):
        if sentence.rstrip().endswith("?") or _META_WORDS & set(tokens(sentence)) or _RETRACTION.search(sentence):
            continue
        trait = third_person(sentence)
        if trait is not None:
            traits.append(trait)
    return tuple(traits)


def _topic_of(text: str) -> Topic | None:
    words = set(tokens(text))
    return next((topic for topic in TOPICS if words & set(topic.words)), None)


_TOPIC_KEYS = frozenset(stem(word) for topic in TOPICS for word in topic.words)
_PLAIN_VERBS = frozenset(
    """give get take make keep want need tried try look feel spend something anything everything nothing every
    never always perfect able""".split()  # noqa: SIM905
)
_COMPLAINT_CUES = frozenset(("again", "stop", "said", "told", "already"))


def complains(message: str) -> bool:
    """True when ``message`` pushes back ("I said no", "stop bringing it up", "I hate that")."""
    return is_negative(message) or not _COMPLAINT_CUES.isdisjoint(tokens(message))


def _salient_word(text: str) -> str | None:
    """The word of ``text`` that names what it is about: the first content word after a leading verb.

    Stop words, hollow chat words, topic words ("music", "pets"), adverbs and plain verbs are
    skipped: "listens to soul music every day" -> "soul", "is a dentist" -> "dentist".
    """
    words = tokens(text)
    if words and (words[0].endswith("s") or words[0] in _PLAIN_VERBS):
        words = words[1:]
    found = [
        w
        for w in words
        if w not in STOPWORDS
        and not is_hollow(w)
        and stem(w) not in _TOPIC_KEYS
        and w not in _PLAIN_VERBS
        and len(w) > 3
        and not w.isdigit()
        and not w.endswith("ly")
    ]
    return found[0] if found else None


_ACKNOWLEDGEMENTS: tuple[str, ...] = (
    "Good to know about the {word}, that paints a picture.",
    "The {word} part caught my attention.",
    "Thanks, the {word} detail helps me picture your week.",
    "I like hearing about the {word}, it makes things concrete.",
)
_NEUTRAL_OPENERS: tuple[str, ...] = (
    "Fair enough, no pressure.",
    "No worries, we can keep it light.",
    "That is fine by me.",
    "Okay, easy chat then.",
    "All good.",
)
_RECALLS: tuple[str, ...] = (
    "Still thinking about your {words}.",
    "Between your {words}, your weeks sound full.",
    "With {words} in the mix, you must keep busy.",
    "I remember the {words} from earlier.",
)


def _value_list(values: Sequence[str]) -> str:
    return ", ".join(values[:-1]) + " and " + values[-1] if len(values) > 1 else values[0]


def _acknowledgement(message: str, rng: np.random.Generator, avoid: Collection[str] = ()) -> str:
    """A short opener that engages what the user just said without dwelling on what they dislike."""
    traits = extract_traits(message)
    word = _salient_word(traits[0]) if traits else None
    if (complains(message) and not traits) or word in avoid:
        complaint = _salient_word(message)
        return f"Sorry, I will never bring up {complaint} again." if complaint else "Sorry, I will drop that topic."
    if word is None:
        mentioned = _salient_word(message)
        if mentioned and mentioned not in avoid:
            return f"Good point about {mentioned}, I had not looked at it that way."
        return str(rng.choice(_NEUTRAL_OPENERS))
    if polarity(traits[0]) < 0:
        return f"Noted, I will never suggest {word}."
    return str(rng.choice(_ACKNOWLEDGEMENTS)).format(word=word)


def recall(words: Sequence[str], rng: np.random.Generator) -> str:
    """A sentence that brings back things the user said earlier (``words``, at most three used)."""
    named = _value_list(list(words[:3]))
    return str(rng.choice(_RECALLS)).format(words=named)


def compose_reply(
    last_message: str,
    topic: Topic | None,
    rng: np.random.Generator,
    remembered: Sequence[str] = (),
    avoid: Collection[str] = (),
) -> str:
    """An acknowledgement of ``last_message``, a recall of ``remembered``, a remark and a question on ``topic``.

    Words in ``avoid`` (what the user pushed back on) are never picked up.
    """
    parts = [_acknowledgement(last_message, rng, avoid)]
    if remembered:
        parts.append(recall(remembered, rng))
    if topic is None:
        parts.append("What else has been on your mind lately?")
    else:
        parts += [str(rng.choice(topic.remarks)), str(rng.choice(topic.questions))]
    return " ".join(parts)


class RandomAgent:
    """Well-formed but uninformed turns: 3 to 6 traits of a random other user and a generic reply."""

    REPLIES: ClassVar[tuple[str, ...]] = (
        "That sounds interesting. What else is going on with you?",
        "I see. Tell me more about your day.",
        "Nice! Anything fun planned for the week?",
        "Okay. What would you like to talk about?",
        "Interesting, I had not thought of that.",
    )

    def __init__(self, bank: ProfileBank | None = None) -> None:
        self._pool = tuple(f.text for p in (bank or ProfileBank.default()).split("train")[:200] for f in p.facts)
        self._rng = np.random.default_rng()

    def reset(self, seed: int | None = None) -> None:
        """Reseed the agent's generator."""
        self._rng = np.random.default_rng(seed)

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """Random traits and a random generic reply, in the turn format."""
        count = int(self._rng.integers(3, 7))
        traits = [str(t) for t in self._rng.choice(self._pool, size=count, replace=False)]
        return format_turn(traits, str(self._rng.choice(self.REPLIES)))


class HeuristicAgent:
    """Tracks what the user said as profile lines, recalls it, and asks about topics not explored yet."""

    def __init__(self) -> None:
        self.reset()

    def reset(self, seed: int | None = None) -> None:
        """Forget the user; reseed the choice of phrasings."""
        self._rng = np.random.default_rng(seed)
        self._traits: list[str] = []
        self._explored: set[str] = set()
        self._avoid: set[str] = set()
        self._turn = 0

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """Update the profile from the user's message, then recall earlier lines and ask about a fresh topic."""
        earlier = [trait for trait in self._traits if polarity(trait) > 0]
        for old in retracted(observation):
            gone = set(tokens(old)) - STOPWORDS
            self._traits = [trait for trait in self._traits if not gone & set(tokens(trait))]
            earlier = [trait for trait in earlier if not gone & set(tokens(trait))]
        for trait in extract_traits(observation):
            if trait not in self._traits:
                self._traits.append(trait)
        if complains(observation):
            self._avoid.update(w for w in tokens(observation) if w not in STOPWORDS and not is_hollow(w))
        complained = _topic_of(observation) if polarity(observation) < 0 else None
        if complained is not None:
            self._explored.add(complained.name)
        topic = next((t for t in TOPICS if t.name not in self._explored), None)
        if topic is not None:
            self._explored.add(topic.name)
        heard = set(tokens(observation))
        words = [w for w in dict.fromkeys(map(_salient_word, earlier)) if w and w not in heard | self._avoid]
        start = self._turn % len(words) if words else 0
        self._turn += 1
        remembered = (words[start:] + words[:start])[:3]
        reply = compose_reply(observation, topic, self._rng, remembered, self._avoid)
        return format_turn(self._traits, reply)


_PROFILE_REMARKS: tuple[str, ...] = (
    "I bet a week with {values} is never dull.",
    "Someone into {values} always has good stories.",
    "Picturing your days with {values} sounds like a good life.",
    "With {values} in your week, there is always something going on.",
    "Your mix of {values} would make a fun podcast.",
    "Few people balance {values} the way you do.",
)
_FOLLOW_UPS: tuple[str, ...] = (
    "What first drew you to {value}?",
    "How did {value} become part of your life?",
    "Which moment with {value} stays with you most?",
    "What would a perfect day of {value} look like?",
)


class OracleAgent:
    """Writes the true hidden profile and replies using it; needs ``privileged_info=True`` on the env."""

    needs_privileged_info: ClassVar[bool] = True
    values_per_reply: ClassVar[int] = 4

    def __init__(self) -> None:
        self.reset()

    def reset(self, seed: int | None = None) -> None:
        """Reseed the choice of phrasings and forget which topics were asked."""
        self._rng = np.random.default_rng(seed)
        self._asked: set[str] = set()
        self._turn = 0

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """The true facts as traits; a reply naming several interests and asking about a fresh topic."""
        try:
            privileged = info["privileged"]
            facts: Sequence[Mapping[str, Any]] = privileged["profile"]["facts"]
        except KeyError:
            raise KeyError("OracleAgent needs info['privileged']; create the env with privileged_info=True") from None
        revealed = set(privileged.get("revealed_fact_ids", ()))
        disliked = set(
            tokens(" ".join(f["value"] + " " + " ".join(f["keywords"]) for f in facts if f["kind"] == "dislike"))
        )
        candidates = [
            topic
            for topic in TOPICS
            if topic.name not in self._asked
            and not set(topic.words) & disliked
            and any(set(topic.words) & set(f["keywords"]) for f in facts if f["id"] not in revealed)
        ]
        topic = candidates[0] if candidates else None
        if topic is not None:
            self._asked.add(topic.name)
        heard = set(tokens(observation))
        # Only interests fill the frames ("Someone into ..."): an occupation, a city or a pet listed as a
        # pastime ("Someone into rock climbing, dentist and sydney ...") is a slip the language-model reader fails.
        values = [
            f["value"]
            for f in facts
            if (f["kind"] == "like" or f["category"] == "hobby") and not set(tokens(f["value"])) & (heard | disliked)
        ]
        if values:  # a fresh draw each turn, so replies do not repeat one list
            picked = self._rng.choice(len(values), size=min(self.values_per_reply, len(values)), replace=False)
            values = [values[int(i)] for i in picked]
        # Frames are taken in turn, so no recent reply is repeated.
        turn, self._turn = self._turn, self._turn + 1
        parts = [_acknowledgement(observation, self._rng)]
        if values:
            parts.append(_PROFILE_REMARKS[turn % len(_PROFILE_REMARKS)].format(values=_value_list(values)))
        if topic is not None:
            parts += [str(self._rng.choice(topic.remarks)), str(self._rng.choice(topic.questions))]
        elif values:
            parts.append(_FOLLOW_UPS[turn % len(_FOLLOW_UPS)].format(value=values[-1]))
        else:
            parts.append("What else has been on your mind lately?")
        return format_turn([f["text"] for f in facts], " ".join(parts))
