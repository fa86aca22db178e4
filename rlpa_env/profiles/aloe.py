"""Import free-text, ALOE-style profiles ("She works as a nurse. She loves hiking on weekends.").

``profile_from_text(text, profile_id)`` is the persona importer (``rlpa_env.profiles.personas``) for
one text: the text is split into atomic clauses (conjunctions, relative clauses, "has X and Y"), each
clause becomes one ``Fact`` with a lexicon category, a kind, a first-person utterance and keywords
that make it reachable from ordinary questions about its category; ``Profile.persona`` keeps the
text. The style is what the text's own style clauses state ("prefers short replies"), else the
default (personality paragraphs are the importer's business). A clause no
category takes is an ``other`` fact; ``import_personas`` reports those.

``load_aloe_profiles(path)`` reads JSON Lines (``.gz`` by suffix) whose objects hold ``"id"`` and
``"profile"`` (the free text); errors are ``ProfileFileError``\\s naming the line and field.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rlpa_env.profiles.io import ProfileFileError, parse_json_line, read_numbered_lines
from rlpa_env.profiles.personas import persona_facts, stated_style
from rlpa_env.profiles.types import Fact, Profile


def profile_from_text(text: str, profile_id: str) -> Profile:
    """A profile with one fact per atomic clause of the free-text ``text`` (see the module docstring)."""
    facts, _ = persona_facts(text, profile_id)
    if not facts:
        raise ValueError(f"profile {profile_id!r}: the text holds no traits")
    return Profile(id=profile_id, facts=facts, style=stated_style(facts).style, persona=text)


NOTHING_KNOWN = Fact(
    id="other.attribute.nothing_known",
    category="other",
    value="nothing known",
    text="nothing is known about this user yet",
    utterances=("I have not told you anything about myself yet.",),
    keywords=(),
    kind="attribute",
    intimacy=1,
)
"""The one fact of an inferred profile whose traits state nothing."""


def inferred_profile(traits: Sequence[str], profile_id: str) -> Profile:
    """The agent's inferred ``traits`` as a profile, read like ``profile_from_text`` (one trait per line).

    Traits that state nothing (empty, or only punctuation such as ``likes:``) give the single
    :data:`NOTHING_KNOWN` fact.
    """
    facts, _ = persona_facts("\n".join(traits), profile_id)
    return Profile(id=profile_id, facts=facts or (NOTHING_KNOWN,))


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
