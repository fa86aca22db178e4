"""Bring your own personas: import persona paragraphs and personalities into playable profiles.

``import_personas(personas, personalities, pairing="cross")`` turns persona records into
``Profile``\\s and returns an ``ImportReport`` that lists every placement decision:

1. **Facts.** ``persona_text.atomic_clauses`` splits the persona into atomic third-person clauses;
   each becomes one ``Fact`` (``persona_fact``):

   - ``category`` from ``persona_lexicon.classify``. Where the lexicon has only a hint or nothing
     (score below ``CONFIDENT_SCORE``) and an ``EmbeddingCategoryFallback`` is given, the model
     decides; the report records which did (``Classification.method``).
     A clause no cue places gets category ``other`` and is listed in ``ImportReport.unplaced``; it
     stays in the profile, nothing is dropped.
   - ``kind``: ``dislike`` for hating/avoiding/"finds X boring" clauses, ``like`` for loving/enjoying/
     "is a fan of" clauses, ``style`` in the style category, else ``attribute``.
   - ``value``: the clause's object ("hates coriander" -> "coriander", "lives in Leeds" -> "Leeds").
   - ``text``: the clause; a dislike worded so that ``rlpa_env.text.polarity`` misses it ("can't abide
     pop music", "finds politics exhausting") is restated as "dislikes <value>" ("dislikes talking
     about <value>" for a topic), so scorers read its polarity right.
   - ``utterances``: the clause in the first person ("I have two teenage sons."), plus "I'm really into
     <value>." for likes and "I'd rather not get into <value>." for dislikes.
   - ``keywords``: the clause's content words, words its category cues imply ("greyhound" -> dog), and
     the category's generic words (``category_keywords``), so "Do you have any pets?" reaches "has a
     rescue greyhound". A dislike gets only the catalog's topic words as generic words, so a
     generic remark never counts as raising the disliked thing.
   - ``intimacy``: the category's (catalog) intimacy.
2. **Style.** Each personality paragraph gives ``StylePreferences`` and a style fact
   (``personality.style_from_personality``). Style the persona text states itself ("prefers short,
   casual messages", category ``style``) is read the same way and wins over the personality for
   what it states; a persona with its own style fact gets no second one from the personality.
3. **Pairing.** A persona record that carries its own personality keeps it: one profile with the
   persona's id. The others: ``pairing="cross"`` makes one profile per (persona, personality) pair,
   ids ``"<persona id>-<personality id>"``; ``pairing="zip"`` pairs them in order (equal counts
   needed). Without personalities such a persona is one profile with the style its text states.
4. ``Profile.persona`` holds the persona and personality text, for an LLM user's wording.

``read_records(path)`` reads the formats people have: JSON Lines (``.jsonl``, ``.jsonl.gz``) whose lines
are strings (ALOE's format) or objects, a JSON list (``.json``) of the same, or plain text where
blank lines separate personas and each line is one trait. An object holds its text in ``"persona"``,
``"profile"``, ``"personality"`` or ``"text"`` (a string or a list of trait strings), an optional
``"id"``, and optionally a ``"personality"`` next to its persona text. Records without an id get
``persona-001``, ... (``personality-1``, ... for personality files). Errors are ``ProfileFileError``\\s
naming the file, line and field.

Everything is deterministic: the same inputs give the same profiles and report, byte for byte.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from rlpa_env.profiles.catalog import CATALOG, fact_id
from rlpa_env.profiles.io import ProfileFileError, parse_json_line, read_numbered_lines
from rlpa_env.profiles.persona_lexicon import (
    CONFIDENT_SCORE,
    OTHER,
    Classification,
    EmbeddingCategoryFallback,
    category_intimacy,
    category_keywords,
    classify,
)
from rlpa_env.profiles.persona_text import Clause, atomic_clauses, first_person, first_person_phrase
from rlpa_env.profiles.personality import PersonalityStyle, style_from_personality
from rlpa_env.profiles.types import Fact, FactKind, Profile, StylePreferences, record_dict
from rlpa_env.text import STOPWORDS, polarity, tokens

Pairing = Literal["cross", "zip"]
PAIRINGS: tuple[str, ...] = ("cross", "zip")
_TEXT_FIELDS = ("persona", "profile", "text", "traits")
_PERSONALITY_FIELDS = ("personality", "text")

_DISLIKE = re.compile(
    r"^(?:\w+ly )?(?:dislikes|hates|detests|loathes|can't stand|cannot stand|can't abide|can't bear|avoids"
    r"|prefers to avoid|refuses to|does not (?:like|enjoy|want|care for)|doesn't (?:like|enjoy|want|care for)"
    r"|has no (?:patience|time) for|is not (?:a )?fan of|isn't (?:a )?fan of|is tired of|is sick of)\b"
    r"|^finds .+ (?:exhausting|boring|tedious|annoying|dull|tiresome|unbearable|pointless|silly)$",
    re.IGNORECASE,
)
_LIKE = re.compile(
    r"^(?:\w+ly )?(?:loves|likes|enjoys|adores|prefers|is (?:an? )?(?:huge |big |massive |die-hard |lifelong )?fan of"
    r"|is (?:mad|passionate|crazy) about|is obsessed with|is into|is fond of|is keen on)\b"
    r"|\bfavou?rite\b|^is an? (?:huge |big |massive |die-hard |lifelong )[\w'-]+(?: [\w'-]+)? (?:fan|supporter)$",
    re.IGNORECASE,
)
_SENTIMENT_LEAD = re.compile(
    r"^(?:\w+ly )?(?:dislikes|hates|detests|loathes|can't stand|cannot stand|can't abide|can't bear|avoids"
    r"|prefers to avoid|refuses to|does not (?:like|enjoy|want to hear about|want to|care for)"
    r"|doesn't (?:like|enjoy|want to hear about|want to|care for)|has no (?:patience|time) for|is not (?:a )?fan of"
    r"|isn't (?:a )?fan of|is tired of|is sick of|finds|loves|likes|enjoys|adores|prefers|is (?:an? )?(?:huge |big"
    r" |massive |die-hard |lifelong )?fan of|is (?:mad|passionate|crazy) about|is obsessed with|is into|is fond of"
    r"|is keen on)\s+",
    re.IGNORECASE,
)
_TALK_ABOUT = re.compile(
    r"^(?:small talk|talk|talking|conversations?|discussing|discussions?|hearing|chatting|debates?|arguing)"
    r"(?: about)?\s+",
    re.IGNORECASE,
)
_FINDS_TAIL = re.compile(
    r"\s+(?:exhausting|boring|tedious|annoying|dull|tiresome|unbearable|pointless|silly)$", re.IGNORECASE
)
_ATTRIBUTE_LEAD = re.compile(
    r"^(?:(?:\w+ly|now|still|also|often) )*(?:is (?:an? |the )?|has (?:been )?(?:an? |the )?|works (?:as|at|for|in) "
    r"(?:an? |the )?|lives (?:in|on|near|outside|at|by|with) (?:an? |the )?|grew up in |moved (?:to|from) "
    r"|is from |comes from |speaks |belongs to (?:an? |the )?|listens to (?:the )?|goes to (?:the )?)",
    re.IGNORECASE,
)
_FAVOURITE = re.compile(r"^favou?rite [\w' -]+? (?:is|are) ", re.IGNORECASE)
_DETERMINERS = re.compile(r"^(?:the|a|an|her|his|their|my|some|any)\s+", re.IGNORECASE)
_TRAILING = re.compile(r"\s+(?:ever again|any more|anymore|at all)$", re.IGNORECASE)
_NOT_KEYWORDS = frozenset(
    """every most week weeks day days morning mornings time times year years ago twice three two four five six
    first own local new little very lot long small big huge old young recently currently now still always
    often usually mostly rarely really also keen passionate lifelong die hard massive trying hoping wants
    talking talk conversations conversation discussing discuss hear hearing small patience ever again
    prefers avoid refuses finds dislikes hates detests loathes stand abide bear loves adores enjoys likes
    obsessed mad fan spends goes gets takes makes uses does has been is whenever can favourite favorite""".split()  # noqa: SIM905
)
_IMPLIED: dict[str, tuple[str, ...]] = {
    "collie": ("dog",),
    "greyhound": ("dog",),
    "labrador": ("dog",),
    "spaniel": ("dog",),
    "terrier": ("dog",),
    "russell": ("dog",),
    "retriever": ("dog",),
    "poodle": ("dog",),
    "whippet": ("dog",),
    "lurcher": ("dog",),
    "beagle": ("dog",),
    "puppy": ("dog",),
    "tabby": ("cat",),
    "coon": ("cat",),
    "kitten": ("cat",),
    "sons": ("kids", "children"),
    "son": ("kids", "children"),
    "daughter": ("kids", "children"),
    "twins": ("kids", "children"),
    "grandchildren": ("kids", "children"),
    "grandson": ("grandchildren",),
    "husband": ("married", "partner"),
    "wife": ("married", "partner"),
    "boyfriend": ("partner",),
    "girlfriend": ("partner",),
    "fiance": ("partner",),
    "fiancee": ("partner",),
    "fiancé": ("partner",),
    "allotment": ("gardening", "garden"),
    "bouldering": ("climbing",),
    "documentaries": ("films", "movies"),
    "dramas": ("shows", "tv"),
    "anime": ("shows", "tv"),
    "novels": ("books",),
    "novel": ("books",),
    "audiobooks": ("books",),
    "marathon": ("running",),
}


@dataclass(frozen=True)
class PersonaRecord:
    """One persona (or personality) as read from a file: an id, its text, and its own personality if any."""

    id: str
    text: str
    personality: str = ""


@dataclass(frozen=True)
class Placement:
    """Where one clause of a persona went: the fact it became and the classifier's decision."""

    persona_id: str
    sentence: str
    clause: str
    fact_id: str
    kind: FactKind
    classification: Classification

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field, the classification's fields flattened into it."""
        data = record_dict(self)
        data.update(data.pop("classification"))
        return data


@dataclass(frozen=True)
class ImportReport:
    """The imported profiles and every decision the importer made.

    Attributes:
        profiles: One profile per (persona, personality) pair, in input order.
        placements: One per persona fact (of each persona once, not per pairing), in input order.
        personality_cues: For each personality id, the style cues found.
        embedding: Whether the embedding fallback was available to the classifier.
    """

    profiles: tuple[Profile, ...]
    placements: tuple[Placement, ...]
    personality_cues: dict[str, tuple[str, ...]] = field(default_factory=dict)
    embedding: bool = False

    @property
    def unplaced(self) -> tuple[Placement, ...]:
        """The clauses no category took (they are ``other`` facts in the profiles)."""
        return tuple(p for p in self.placements if p.classification.category == OTHER)

    def facts_per_persona(self) -> dict[str, int]:
        """Persona id -> the number of facts its text gave (style facts not included)."""
        return dict(Counter(p.persona_id for p in self.placements))

    def category_counts(self) -> dict[str, int]:
        """Category -> facts placed there (persona facts, counted once per persona), most first."""
        counts = Counter(p.classification.category for p in self.placements)
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def method_counts(self) -> dict[str, int]:
        """``lexicon`` / ``embedding`` / ``unplaced`` -> how many facts each decided."""
        return dict(sorted(Counter(p.classification.method for p in self.placements).items()))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary with every placement."""
        sizes = [len(profile.facts) for profile in self.profiles]
        return {
            "profiles": len(self.profiles),
            "personas": len(self.facts_per_persona()),
            "facts_per_persona": self.facts_per_persona(),
            "facts_per_profile": {"min": min(sizes), "max": max(sizes), "mean": sum(sizes) / len(sizes)},
            "category_counts": self.category_counts(),
            "methods": self.method_counts(),
            "embedding_fallback": self.embedding,
            "unplaced": [p.to_dict() for p in self.unplaced],
            "personality_cues": {key: list(value) for key, value in self.personality_cues.items()},
            "placements": [p.to_dict() for p in self.placements],
        }

    def summary_text(self) -> str:
        """A short human-readable summary: counts, facts per persona, categories and every unplaced clause."""
        per_persona = self.facts_per_persona()
        sizes = [len(profile.facts) for profile in self.profiles]
        lines = [
            f"imported {len(per_persona)} personas into {len(self.profiles)} profiles "
            f"({min(sizes)}-{max(sizes)} facts per profile, style facts included)",
            "facts per persona: " + ", ".join(f"{key} {value}" for key, value in per_persona.items()),
            "categories: " + ", ".join(f"{key} {value}" for key, value in self.category_counts().items()),
            "decided by: " + ", ".join(f"{key} {value}" for key, value in self.method_counts().items()),
        ]
        weak = [p for p in self.placements if 0 < p.classification.score < CONFIDENT_SCORE]
        if weak and not self.embedding:
            lines.append(f"{len(weak)} placement(s) rest on a single weak cue (--embedding lets the model decide):")
            lines.extend(f"  {p.persona_id}: {p.clause!r} -> {p.classification.category}" for p in weak)
        unplaced = self.unplaced
        lines.append(f"could not place {len(unplaced)} clause(s); kept as category 'other':")
        lines.extend(f"  {p.persona_id}: {p.clause!r} (from: {p.sentence!r})" for p in unplaced)
        return "\n".join(lines)


def _kind(text: str, category: str) -> FactKind:
    if category == "style":
        return "style"
    if _DISLIKE.search(text) or category == "topic":
        return "dislike"  # a conversation topic is only ever imported as one to avoid
    return "like" if _LIKE.search(text) else "attribute"


def _value(text: str, kind: FactKind) -> str:
    if kind in ("like", "dislike"):
        value = _SENTIMENT_LEAD.sub("", text)
        value = _TALK_ABOUT.sub("", value)
        value = _FINDS_TAIL.sub("", value)
        value = re.sub(r"^(?:to )?(?:discuss|discussing|talk about|hear about)\s+", "", value, flags=re.IGNORECASE)
        value = _FAVOURITE.sub("", value)
    else:
        value = _ATTRIBUTE_LEAD.sub("", text)
    value = _TRAILING.sub("", _DETERMINERS.sub("", value)).strip(" ,")
    return value or text


def _keywords(clause: Clause, category: str, kind: FactKind, classification: Classification) -> tuple[str, ...]:
    words = [w for w in tokens(clause.text) if w not in STOPWORDS and w not in _NOT_KEYWORDS and not w.isdigit()]
    words += [w for cue in classification.cues for w in tokens(cue) if w not in STOPWORDS and w not in _NOT_KEYWORDS]
    words += [implied for w in list(words) for implied in _IMPLIED.get(w, ())]
    if kind == "dislike":
        spec = CATALOG.get(category)
        generic: tuple[str, ...] = spec.topic_words if spec is not None else ()
    else:
        generic = category_keywords(category)
    return tuple(dict.fromkeys((*words, *generic)))


def _utterances(clause: Clause, kind: FactKind, value: str) -> tuple[str, ...]:
    text = clause.text
    said = first_person(text, clause.possessive)
    if value == text or kind not in ("like", "dislike"):
        return (said,)
    mine = first_person_phrase(value)
    return (said, f"I'm really into {mine}." if kind == "like" else f"I'd rather not get into {mine}.")


def persona_fact(clause: Clause, classification: Classification, used_ids: set[str]) -> Fact:
    """The ``Fact`` for one classified clause (module docstring, rule 1); ``used_ids`` keeps ids unique."""
    category = classification.category
    kind = _kind(clause.text, category)
    value = _value(clause.text, kind)
    text = clause.text
    if kind == "dislike" and polarity(text) > 0:
        # "can't abide X" / "finds X exhausting": say it in words every reader takes as a dislike.
        text = f"dislikes talking about {value}" if category == "topic" else f"dislikes {value}"
    base_id = fact_id(category, kind, value[:60])
    if base_id.endswith("."):
        base_id += "fact"  # a value with no ASCII letters or digits has an empty slug
    identifier, copy = base_id, 1
    while identifier in used_ids:
        copy += 1
        identifier = f"{base_id}_{copy}"
    used_ids.add(identifier)
    fact = Fact(
        id=identifier,
        category=category,
        value=value,
        text=text,
        utterances=_utterances(clause, kind, value),
        keywords=_keywords(clause, category, kind, classification),
        kind=kind,
        intimacy=category_intimacy(category),
    )
    return fact


def persona_facts(
    text: str, persona_id: str, fallback: EmbeddingCategoryFallback | None = None
) -> tuple[tuple[Fact, ...], tuple[Placement, ...]]:
    """The facts of one persona text and the placement record of each."""
    facts: list[Fact] = []
    placements: list[Placement] = []
    used_ids: set[str] = set()
    for clause in atomic_clauses(text):
        classification = classify(clause.text, clause.context)
        if fallback is not None and classification.score < CONFIDENT_SCORE:
            classification = fallback.choose(clause.text, classification)
        fact = persona_fact(clause, classification, used_ids)
        facts.append(fact)
        placements.append(Placement(persona_id, clause.sentence, clause.text, fact.id, fact.kind, classification))
    return tuple(facts), tuple(placements)


def stated_style(facts: Sequence[Fact]) -> PersonalityStyle:
    """The style the persona's own style facts state ("prefers short, casual messages" -> brief, casual)."""
    return style_from_personality(". ".join(fact.text for fact in facts if fact.kind == "style"))


def _merge_styles(stated: PersonalityStyle, personality: StylePreferences) -> StylePreferences:
    """The personality's style, except what the persona text states outright."""
    said = {cue.split(":")[0] for cue in stated.cues}
    return StylePreferences(
        verbosity=stated.style.verbosity if "verbosity" in said else personality.verbosity,
        tone=stated.style.tone if "tone" in said else personality.tone,
    )


def _pairs(
    personas: Sequence[PersonaRecord], personalities: Sequence[PersonaRecord], pairing: Pairing
) -> list[tuple[str, PersonaRecord, PersonaRecord | None]]:
    """``(profile id, persona, personality or None)`` for every profile to build (module docstring, rule 3)."""
    if pairing not in PAIRINGS:
        raise ValueError(f"pairing must be one of {PAIRINGS}, got {pairing!r}")
    paired = [p for p in personas if not p.personality]
    if pairing == "zip" and personalities and len(paired) != len(personalities):
        raise ValueError(
            f"pairing='zip' needs as many personalities as personas, got {len(personalities)} "
            f"personalities for {len(paired)} personas"
        )
    zipped = dict(zip((p.id for p in paired), personalities, strict=False)) if pairing == "zip" else {}
    found: list[tuple[str, PersonaRecord, PersonaRecord | None]] = []
    for persona in personas:
        if persona.personality:
            found.append((persona.id, persona, PersonaRecord(persona.id, persona.personality)))
        elif not personalities:
            found.append((persona.id, persona, None))
        elif pairing == "zip":
            found.append((f"{persona.id}-{zipped[persona.id].id}", persona, zipped[persona.id]))
        else:
            found.extend((f"{persona.id}-{other.id}", persona, other) for other in personalities)
    return found


def import_personas(
    personas: Sequence[PersonaRecord],
    personalities: Sequence[PersonaRecord] = (),
    *,
    pairing: Pairing = "cross",
    fallback: EmbeddingCategoryFallback | None = None,
) -> ImportReport:
    """Profiles for ``personas`` paired with ``personalities`` (see the module docstring)."""
    if not personas:
        raise ValueError("no personas to import")
    ids = [record.id for record in personas]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"duplicate persona ids: {duplicates}")
    facts_of: dict[str, tuple[Fact, ...]] = {}
    placements: list[Placement] = []
    for record in personas:
        facts, placed = persona_facts(record.text, record.id, fallback)
        if not facts:
            raise ValueError(f"persona {record.id!r}: the text holds no traits")
        facts_of[record.id] = facts
        placements.extend(placed)
    profiles: list[Profile] = []
    cues: dict[str, tuple[str, ...]] = {}
    for profile_id, persona, personality in _pairs(personas, personalities, pairing):
        facts = facts_of[persona.id]
        stated = stated_style(facts)
        style, persona_text = stated.style, persona.text
        if personality is not None:
            read = style_from_personality(personality.text)
            cues[personality.id] = read.cues
            if not any(fact.kind == "style" for fact in facts):
                facts = facts + read.facts
            style = _merge_styles(stated, read.style)
            persona_text = f"{persona.text}\n\n{personality.text}"
        profiles.append(Profile(id=profile_id, facts=facts, style=style, persona=persona_text))
    return ImportReport(tuple(profiles), tuple(placements), cues, embedding=fallback is not None)


# -- reading the formats people have ------------------------------------------------------------


def _record_text(value: Any, path: Path, line: int | None, key: str) -> str:
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, list) and value and all(isinstance(item, str) for item in value):
        return "\n".join(value)
    raise ProfileFileError(path, line, f"{key}: must be a non-empty string or a list of strings, got {value!r}")


def _record(item: Any, path: Path, line: int | None, default_id: str, text_fields: Sequence[str]) -> PersonaRecord:
    if isinstance(item, str):
        if not item.strip():
            raise ProfileFileError(path, line, "the persona text is empty")
        return PersonaRecord(default_id, item)
    if not isinstance(item, dict):
        raise ProfileFileError(path, line, f"must be a string or an object, got {type(item).__name__}")
    key = next((name for name in text_fields if name in item), None)
    if key is None:
        raise ProfileFileError(path, line, f"needs one of the fields {list(text_fields)}; got {sorted(item)}")
    identifier = item.get("id", default_id)
    if not isinstance(identifier, str) or not identifier.strip():
        raise ProfileFileError(path, line, f"id: must be a non-empty string, got {identifier!r}")
    personality = ""
    if key != "personality" and "personality" in item:
        personality = _record_text(item["personality"], path, line, "personality")
    return PersonaRecord(identifier, _record_text(item[key], path, line, key), personality)


def _text_blocks(path: Path) -> list[tuple[int, str]]:
    blocks: list[tuple[int, str]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            if not current:
                start = number
            current.append(line.strip())
        elif current:
            blocks.append((start, "\n".join(current)))
            current = []
    if current:
        blocks.append((start, "\n".join(current)))
    return blocks


def read_records(path: str | Path, *, kind: Literal["persona", "personality"] = "persona") -> list[PersonaRecord]:
    """The persona (or personality) records of ``path`` in any supported format (module docstring)."""
    path = Path(path)
    prefix, width = ("persona", 3) if kind == "persona" else ("personality", 1)
    fields = _TEXT_FIELDS if kind == "persona" else _PERSONALITY_FIELDS
    name = path.name.lower()
    items: list[tuple[int | None, Any]]
    if name.endswith((".jsonl", ".jsonl.gz")):
        items = [(number, parse_json_line(path, number, line)) for number, line in read_numbered_lines(path)]
    elif name.endswith(".json"):
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ProfileFileError(path, error.lineno, f"not valid JSON ({error.msg})") from None
        if not isinstance(loaded, list):
            raise ProfileFileError(path, None, f"must hold a JSON list of personas, got {type(loaded).__name__}")
        items = [(None, item) for item in loaded]
    else:
        items = list(_text_blocks(path))
    if not items:
        raise ProfileFileError(path, None, f"holds no {kind}s")
    records = [
        _record(item, path, number, f"{prefix}-{index:0{width}d}", fields)
        for index, (number, item) in enumerate(items, start=1)
    ]
    seen: set[str] = set()
    for (number, _), record in zip(items, records, strict=True):
        if record.id in seen:
            raise ProfileFileError(path, number, f"id: duplicate id {record.id!r}")
        seen.add(record.id)
    return records


def import_persona_files(
    persona_paths: Iterable[str | Path],
    personality_paths: Iterable[str | Path] = (),
    *,
    pairing: Pairing = "cross",
    embedding: bool = False,
) -> ImportReport:
    """``import_personas`` over the records of several files (ids must be unique across them)."""
    personas = [record for path in persona_paths for record in read_records(path)]
    personalities = [record for path in personality_paths for record in read_records(path, kind="personality")]
    fallback = EmbeddingCategoryFallback() if embedding else None
    return import_personas(personas, personalities, pairing=pairing, fallback=fallback)

