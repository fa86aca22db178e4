"""Record types for hidden user profiles: ``Fact``, ``StylePreferences`` and ``Profile``.

A fact is one information point about the user. Scorers count matches against facts; the
simulated user reveals facts through their first-person ``utterances``; ``keywords`` decide when a
fact is relevant to what the agent said; ``aliases`` are other ways to name ``value`` that a
scorer should accept (for "pediatric nurse": "children's nurse", "paediatric nurse", ...).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from functools import cache
from typing import Any, Literal, get_args, get_origin, get_type_hints

FactKind = Literal["attribute", "like", "dislike", "style"]
Verbosity = Literal["brief", "balanced", "detailed"]
Tone = Literal["casual", "warm", "formal"]

FACT_KINDS: tuple[str, ...] = get_args(FactKind)
VERBOSITIES: tuple[str, ...] = get_args(Verbosity)
TONES: tuple[str, ...] = get_args(Tone)
MAX_INTIMACY = 2


def record_dict(record: Any) -> dict[str, Any]:
    """Every field of the dataclass ``record`` as JSON-ready data: nested records become dicts, tuples lists.

    Unlike ``dataclasses.asdict`` it does not deep-copy the leaves, and it picks each field's
    conversion once per class from the field's type, which keeps ``info["privileged"]["profile"]``
    cheap enough to build every step.
    """
    return {
        name: getattr(record, name) if convert is None else convert(getattr(record, name))
        for name, convert in _record_layout(type(record))
    }


@cache
def _record_layout(record_type: type) -> tuple[tuple[str, Callable[[Any], Any] | None], ...]:
    """Each field of ``record_type`` with its conversion to JSON data (``None``: kept as is), from its type."""
    hints = get_type_hints(record_type)
    return tuple((record_field.name, _conversion(hints[record_field.name])) for record_field in fields(record_type))


_PLAIN_TYPES = frozenset((str, int, float, bool, type(None)))


def _conversion(hint: Any) -> Callable[[Any], Any] | None:
    if hint in _PLAIN_TYPES or get_origin(hint) is Literal:
        return None
    arguments = get_args(hint)
    if get_origin(hint) is tuple and len(arguments) == 2 and arguments[0] in _PLAIN_TYPES and arguments[1] is ...:
        return list
    return _json_value


def _json_value(value: Any) -> Any:
    if isinstance(value, tuple | list):
        return [_json_value(item) for item in value]
    return record_dict(value) if is_dataclass(value) else value


@dataclass(frozen=True)
class Fact:
    """One information point of a hidden profile.

    Attributes:
        id: Unique within its profile, stable across save/load (e.g. ``"occupation.attribute.pediatric_nurse"``).
        category: Topic family, e.g. ``"occupation"``, ``"pet"``, ``"music"``.
        value: The specific value, e.g. ``"pediatric nurse"``.
        text: Third-person statement, e.g. ``"works as a pediatric nurse"``.
        utterances: First-person ways the user may say it, e.g. ``"I'm a nurse on a children's ward."``.
        keywords: Lower-case topic words; an agent turn mentioning one makes the fact relevant.
        aliases: Other names for ``value`` a scorer accepts as the same information.
        kind: ``attribute`` (a plain fact), ``like``, ``dislike`` or ``style`` (how to be spoken to).
        intimacy: 0 = small talk, 1 = personal, 2 = shared only after rapport.
    """

    id: str
    category: str
    value: str
    text: str
    utterances: tuple[str, ...]
    keywords: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    kind: FactKind = "attribute"
    intimacy: int = 0

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("Fact.id must be a non-empty string")
        if self.kind not in FACT_KINDS:
            raise ValueError(f"Fact {self.id!r}: kind must be one of {FACT_KINDS}, got {self.kind!r}")
        if not 0 <= self.intimacy <= MAX_INTIMACY:
            raise ValueError(f"Fact {self.id!r}: intimacy must be 0..{MAX_INTIMACY}, got {self.intimacy!r}")
        if not self.text.strip():
            raise ValueError(f"Fact {self.id!r}: text must not be empty")
        if not self.utterances:
            raise ValueError(f"Fact {self.id!r}: needs at least one first-person utterance")

    def __hash__(self) -> int:
        # Equal facts share these fields; hashing three cached str hashes keeps fact-keyed caches fast.
        return hash((self.id, self.value, self.text))

    def __deepcopy__(self, memo: dict[int, Any]) -> Fact:
        return self  # immutable: environment snapshots share facts instead of copying them

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field (``record_dict``); ``Fact.from_dict`` inverts it."""
        return record_dict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Fact:
        """Build a fact from ``to_dict`` output; missing optional fields take their defaults."""
        return cls(
            id=data["id"],
            category=data["category"],
            value=data["value"],
            text=data["text"],
            utterances=tuple(data["utterances"]),
            keywords=tuple(data["keywords"]),
            aliases=tuple(data.get("aliases", ())),
            kind=data.get("kind", "attribute"),
            intimacy=int(data.get("intimacy", 0)),
        )


@dataclass(frozen=True)
class StylePreferences:
    """How the user likes to be spoken to; the simulated user and the response judge read it."""

    verbosity: Verbosity = "balanced"
    tone: Tone = "casual"

    def __post_init__(self) -> None:
        if self.verbosity not in VERBOSITIES:
            raise ValueError(f"verbosity must be one of {VERBOSITIES}, got {self.verbosity!r}")
        if self.tone not in TONES:
            raise ValueError(f"tone must be one of {TONES}, got {self.tone!r}")

    @property
    def max_words(self) -> int:
        """The longest reply (in words) this user reads without complaint."""
        return {"brief": 60, "balanced": 110, "detailed": 180}[self.verbosity]


@dataclass(frozen=True)
class Profile:
    """A hidden user profile: an id, 8 to 14 facts (for generated profiles) and style preferences.

    ``persona`` is the free text an imported profile came from (persona and personality paragraphs),
    for an LLM user to follow its wording; generated profiles leave it empty.
    """

    id: str
    facts: tuple[Fact, ...]
    style: StylePreferences = field(default_factory=StylePreferences)
    persona: str = ""

    def __post_init__(self) -> None:
        if not self.facts:
            raise ValueError(f"Profile {self.id!r} has no facts")
        ids = [fact.id for fact in self.facts]
        if len(set(ids)) != len(ids):
            duplicates = sorted({i for i in ids if ids.count(i) > 1})
            raise ValueError(f"Profile {self.id!r} has duplicate fact ids: {duplicates}")

    def __hash__(self) -> int:
        # Equal profiles share an id; the generated hash would walk every fact on each call.
        return hash(self.id)

    def __deepcopy__(self, memo: dict[int, Any]) -> Profile:
        return self  # immutable: environment snapshots share profiles instead of copying them

    def fact(self, fact_id: str) -> Fact:
        """The fact with id ``fact_id``; ``KeyError`` if the profile has none."""
        for fact in self.facts:
            if fact.id == fact_id:
                return fact
        raise KeyError(f"Profile {self.id!r} has no fact {fact_id!r}")

    def subset(self, fact_ids: Iterable[str]) -> tuple[Fact, ...]:
        """The facts whose ids are in ``fact_ids``, in profile order."""
        wanted = set(fact_ids)
        return tuple(fact for fact in self.facts if fact.id in wanted)

    def signature(self) -> frozenset[tuple[str, str, str]]:
        """The profile's fact set as ``(category, kind, value)`` triples, for duplicate detection."""
        return frozenset((f.category, f.kind, f.value.lower()) for f in self.facts)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the ``info["privileged"]["profile"]`` shape); ``from_dict`` inverts it.

        ``persona`` is present only when set, so generated profiles serialise as before.
        """
        data = record_dict(self)
        if not self.persona:
            del data["persona"]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Profile:
        """Build a profile from ``to_dict`` output."""
        style = data.get("style", {})
        return cls(
            id=data["id"],
            facts=tuple(Fact.from_dict(f) for f in data["facts"]),
            style=StylePreferences(**style),
            persona=data.get("persona", ""),
        )
