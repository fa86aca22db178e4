"""Import free-text, ALOE-style profiles ("She works as a nurse. She loves hiking on weekends.").

``profile_from_text(text, profile_id)`` turns every trait into one ``Fact``:

- Traits are the lines of ``text`` (bullets and numbering stripped), each further split into
  sentences; lines ending in ``:`` are section headings and are skipped.
- ``text`` is the trait in the third person without its subject: "She works as a nurse" gives
  "works as a nurse", "They enjoy jazz" gives "enjoys jazz", "Her favourite food is sushi" gives
  "favourite food is sushi".
- The one first-person utterance is a small rewrite of that: "works as" -> "I work as", "is" ->
  "I am", "loves" -> "I love", "her"/"his"/"their" -> "my"; a phrase without a verb becomes
  "I am <phrase>".
- ``kind`` is ``dislike`` when ``rlpa_env.text.polarity`` reads a negation, ``like`` when the trait
  uses a liking word (loves, enjoys, is a fan of, favourite, ...), else ``attribute``.
- ``value`` is the trait's object for likes and dislikes ("loves hiking on weekends" -> "hiking on
  weekends") and the whole text otherwise.
- ``category`` is the catalog category whose words (value keywords, topic words, aliases) share
  the most stems with the trait, or ``"other"`` when none does.
- ``keywords`` are the trait's content words; ``intimacy`` is 1; the profile's style is the default.

``inferred_profile(traits, profile_id)`` reads an agent's inferred traits the same way, for judges
that judge fit against what the agent inferred; traits that hold no trait sentence (none at all, or
only headings) give the profile of the single fact ``NOTHING_KNOWN``, since a ``Profile`` always has
facts.

``load_aloe_profiles(path)`` reads JSON Lines (``.gz`` by suffix) whose objects hold ``"id"`` and
``"profile"`` (the free text); errors are ``ProfileFileError``\\s naming the line and field.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from rlpa_env.profiles.catalog import CATALOG, fact_id
from rlpa_env.profiles.io import ProfileFileError, parse_json_line, read_numbered_lines
from rlpa_env.profiles.types import Fact, FactKind, Profile
from rlpa_env.text import STOPWORDS, content_stems, polarity, stem, tokens

OTHER_CATEGORY = "other"
ALOE_INTIMACY = 1

_BULLET = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])|;\s*")
_SUBJECTS = ("the user", "this user", "this person", "the person", "she", "he", "they", "user")
_CONTRACTED_SUBJECTS = {"she's": "is", "he's": "is", "they're": "are", "they've": "have"}
_POSSESSIVES = ("her", "his", "their")
_ADVERBS = frozenset(
    (
        "really",
        "also",
        "always",
        "often",
        "usually",
        "sometimes",
        "never",
        "recently",
        "currently",
        "just",
        "still",
        "absolutely",
        "mostly",
        "rarely",
        "occasionally",
        "especially",
        "truly",
        "deeply",
        "regularly",
    )
)
_SENTIMENT_WORDS = frozenset(
    (
        "dislike",
        "dislikes",
        "hate",
        "hates",
        "detests",
        "never",
        "stand",
        "favourite",
        "favorite",
        "fan",
        "adores",
        "prefer",
        "prefers",
    )
)
"""Words that say how the user feels, not what about; kept out of keywords (polarity is in ``kind``)."""
_THIRD_TO_FIRST = {
    "is": "am",
    "has": "have",
    "was": "was",
    "does": "do",
    "doesn't": "don't",
    "isn't": "am not",
    "hasn't": "haven't",
    "wasn't": "wasn't",
    "would": "would",
    "can": "can",
    "can't": "can't",
    "cannot": "cannot",
    "will": "will",
    "won't": "won't",
}
_PLURAL_TO_SINGULAR = {"are": "is", "have": "has", "were": "was", "do": "does", "don't": "doesn't", "aren't": "isn't"}
_COPULAS = frozenset({"is", "are", "was", "were", "has", "have"})
_FIRST_PERSON_PRONOUNS = {
    "her": "my",
    "his": "my",
    "their": "my",
    "him": "me",
    "them": "me",
    "herself": "myself",
    "himself": "myself",
    "themselves": "myself",
}
_OBJECT_FOLLOWERS = frozenset(("to", "and", "with", "about", "up", "off", "out", "in", "on", "for", "a", "an", "the"))
"""Words after which "her" is an object ("taught her to knit" -> "taught me to knit"), not a possessive."""
_LIKE_WORDS = re.compile(
    r"\b(?:likes?|loves?|enjoys?|adores?|prefers?|fan of|fond of|keen on|passionate about|favou?rite"
    r"|(?:is|are|am) into)\b"
)
_ATTRIBUTE_LEAD = re.compile(r"^(?:is|has been|has) (?:an? )?", re.IGNORECASE)
_SENTIMENT_LEAD = re.compile(
    r"^(?:\w+ly\s+)?(?:likes?|loves?|enjoys?|adores?|prefers?|dislikes?|hates?|detests?|avoids?"
    r"|can't stand|cannot stand|doesn't (?:like|enjoy)|does not (?:like|enjoy)"
    r"|is (?:not )?(?:a )?(?:big |huge )?fan of|is (?:really )?into|is passionate about|is fond of|is keen on)\s+",
    re.IGNORECASE,
)


def _traits(text: str) -> list[str]:
    """The trait sentences of ``text``, without bullets, numbering or trailing punctuation."""
    traits = []
    for line in text.splitlines():
        line = _BULLET.sub("", line).strip()
        if not line or line.endswith(":"):
            continue
        for sentence in _SENTENCE_END.split(line):
            sentence = sentence.strip().rstrip(".!?;").strip()
            if sentence:
                traits.append(sentence)
    return traits


def _third_person_singular(verb: str) -> str:
    """``enjoy`` -> ``enjoys``, ``watch`` -> ``watches``, ``study`` -> ``studies``, ``are`` -> ``is``."""
    lower = verb.lower()
    if lower in _PLURAL_TO_SINGULAR:
        return _PLURAL_TO_SINGULAR[lower]
    if lower.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if lower.endswith("y") and len(lower) > 2 and lower[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def _leading_adverbs(words: list[str]) -> int:
    count = 0
    while count < len(words) and words[count].lower() in _ADVERBS:
        count += 1
    return count


def _strip_subject(trait: str) -> str:
    """The trait without its subject, in the third person singular (see the module docstring)."""
    words = trait.split()
    first = words[0].lower()
    if first in _CONTRACTED_SUBJECTS:
        verb = _CONTRACTED_SUBJECTS[first]
        if first.startswith(("she", "he")) and len(words) > 1 and words[1].lower() in ("been", "got"):
            verb = "has"
        return " ".join([_PLURAL_TO_SINGULAR.get(verb, verb), *words[1:]])
    lower = trait.lower()
    for subject in _SUBJECTS:
        if lower.startswith(subject + " "):
            rest = trait[len(subject) + 1 :].split()
            if subject == "they":
                verb_at = _leading_adverbs(rest)
                if verb_at < len(rest):
                    rest[verb_at] = _third_person_singular(rest[verb_at])
            return " ".join(rest)
    if first in _POSSESSIVES:
        return " ".join(words[1:])
    return trait[:1].lower() + trait[1:]


def _first_person_verb(verb: str) -> str | None:
    """``works`` -> ``work``, ``is`` -> ``am``, ``studies`` -> ``study``; ``None`` when not a verb form."""
    lower = verb.lower()
    if lower in _THIRD_TO_FIRST:
        return _THIRD_TO_FIRST[lower]
    if lower.endswith("ies") and len(lower) > 4:
        return lower[:-3] + "y"
    if lower.endswith(("ches", "shes", "sses", "xes", "zes", "oes")):
        return lower[:-2]
    if lower.endswith("s") and not lower.endswith(("ss", "us", "is")) and len(lower) > 2:
        return lower[:-1]
    return None


def _first_person_words(words: list[str]) -> list[str]:
    """Swap third-person pronouns for first-person ones: "her dog" -> "my dog", "taught her to" -> "taught me to"."""
    swapped = []
    for index, word in enumerate(words):
        lower = word.lower()
        following = words[index + 1].lower() if index + 1 < len(words) else ""
        if lower == "her" and (not following or following in _OBJECT_FOLLOWERS):
            swapped.append("me")
        else:
            swapped.append(_FIRST_PERSON_PRONOUNS.get(lower, word))
    return swapped


def _utterance(trait: str, text: str) -> str:
    """A first-person sentence saying ``text`` (the subject-less third-person trait)."""
    if trait.split()[0].lower() in _POSSESSIVES:
        sentence = " ".join(["My", *_first_person_words(text.split())])
    else:
        words = text.split()
        verb_at = _leading_adverbs(words)
        verb = _first_person_verb(words[verb_at]) if verb_at < len(words) else None
        # "dogs are her favourite": a plural noun followed by a copula is a subject, not a verb.
        if verb is not None and verb_at + 1 < len(words) and words[verb_at + 1].lower() in _COPULAS:
            verb = None
        rest = _first_person_words(words[verb_at + 1 :])
        if verb is not None:
            sentence = " ".join(["I", *words[:verb_at], verb, *rest])
        elif len(words) <= 3 or words[0].lower() in ("a", "an"):
            sentence = f"I am {text}"
        else:
            sentence = "About me: " + " ".join(_first_person_words(words))
    return sentence + "."


def _kind(trait: str) -> FactKind:
    if polarity(trait) < 0:
        return "dislike"
    return "like" if _LIKE_WORDS.search(trait.lower()) else "attribute"


@cache
def _category_weights() -> dict[str, dict[str, float]]:
    """For each stem of the catalog's words, the categories holding it, each weighted 1 / (their number).

    A stem found in one category only ("basketball") is strong evidence; one that many categories
    share ("watch") is weak.
    """
    holders: dict[str, set[str]] = {}
    for name, spec in CATALOG.items():
        stems = {stem(word) for word in spec.topic_words}
        for value in spec.values:
            stems.update(stem(word) for word in value.keywords)
            for term in (value.value, *value.aliases):
                stems.update(content_stems(term))
        for word_stem in stems:
            holders.setdefault(word_stem, set()).add(name)
    return {word_stem: {name: 1.0 / len(names) for name in names} for word_stem, names in holders.items()}


def _category(trait: str) -> str:
    """The catalog category sharing the most stems with ``trait``.

    Ties go to the category whose shared stems are rarer across the catalog, then to catalog order.
    """
    weights = _category_weights()
    counts: dict[str, int] = {}
    specificity: dict[str, float] = {}
    for word_stem in content_stems(trait):
        for name, weight in weights.get(word_stem, {}).items():
            counts[name] = counts.get(name, 0) + 1
            specificity[name] = specificity.get(name, 0.0) + weight
    if not counts:
        return OTHER_CATEGORY
    order = {name: index for index, name in enumerate(CATALOG)}
    return max(counts, key=lambda name: (counts[name], specificity[name], -order[name]))


def _trait_fact(trait: str, used_ids: set[str]) -> Fact:
    text = _strip_subject(trait)
    kind = _kind(trait)
    value = (_SENTIMENT_LEAD if kind != "attribute" else _ATTRIBUTE_LEAD).sub("", text) or text
    category = _category(trait)
    base_id = fact_id(category, kind, value[:60])
    identifier, copy = base_id, 1
    while identifier in used_ids:
        copy += 1
        identifier = f"{base_id}_{copy}"
    used_ids.add(identifier)
    keywords = tuple(
        dict.fromkeys(word for word in tokens(trait) if word not in STOPWORDS and word not in _SENTIMENT_WORDS)
    )
    return Fact(
        id=identifier,
        category=category,
        value=value,
        text=text,
        utterances=(_utterance(trait, text),),
        keywords=keywords,
        kind=kind,
        intimacy=ALOE_INTIMACY,
    )


def profile_from_text(text: str, profile_id: str) -> Profile:
    """A profile with one fact per trait of the free-text ``text`` (see the module docstring)."""
    traits = _traits(text)
    if not traits:
        raise ValueError(f"profile {profile_id!r}: the text holds no traits")
    return _profile_of(traits, profile_id)


NOTHING_KNOWN = Fact(
    id="other.attribute.nothing_known",
    category="other",
    value="nothing known",
    text="nothing is known about this user yet",
    utterances=("I have not told you anything about myself yet.",),
    keywords=(),
    kind="attribute",
    intimacy=ALOE_INTIMACY,
)
"""The one fact of an inferred profile whose traits state nothing."""


def inferred_profile(traits: Sequence[str], profile_id: str) -> Profile:
    """The agent's inferred ``traits`` as a profile (one fact per trait sentence, read as ``profile_from_text``)."""
    sentences = [sentence for trait in traits for sentence in _traits(trait)]
    return _profile_of(sentences, profile_id) if sentences else Profile(id=profile_id, facts=(NOTHING_KNOWN,))


def _profile_of(traits: Sequence[str], profile_id: str) -> Profile:
    used_ids: set[str] = set()
    return Profile(id=profile_id, facts=tuple(_trait_fact(trait, used_ids) for trait in traits))


def load_aloe_profiles(path: str | Path) -> list[Profile]:
    """Profiles from a JSON Lines file of ``{"id": ..., "profile": "<free text>"}`` objects."""
    path = Path(path)
    profiles: list[Profile] = []
    first_line_of: dict[str, int] = {}
    for number, line in read_numbered_lines(path):
        record = parse_json_line(path, number, line)
        if not isinstance(record, dict):
            raise ProfileFileError(path, number, f"must be a JSON object, got {type(record).__name__}")
        for key in ("id", "profile"):
            if key not in record:
                raise ProfileFileError(path, number, f"{key}: missing")
            if not isinstance(record[key], str) or not record[key].strip():
                raise ProfileFileError(path, number, f"{key}: must be a non-empty string, got {record[key]!r}")
        profile_id = record["id"]
        if profile_id in first_line_of:
            message = f"id: duplicate profile id {profile_id!r} (first on line {first_line_of[profile_id]})"
            raise ProfileFileError(path, number, message)
        try:
            profile = profile_from_text(record["profile"], profile_id)
        except ValueError as error:
            raise ProfileFileError(path, number, f"profile: {error}") from None
        first_line_of[profile_id] = number
        profiles.append(profile)
    return profiles
