"""Episode scenarios: ``standard``, ``preference-shift``, ``long-horizon`` and ``cold-start``.

A ``Scenario`` fixes the episode length and the conditions the user starts from:

- ``standard``: 10 turns, the user's usual cold opening, neutral rapport (the paper's setting).
- ``preference-shift``: 10 turns; at the end of turn ``shift_turn`` (5) one of the user's likes is
  replaced by another value of the same category, so turns 6 to 10 are scored against the new
  profile. The user announces the change in that same message, in words an agent can act on
  (``announce_shift``: "I've gone off jazz lately. I'm into soul music these days."), which
  discloses the new like; the stale like is no longer in the hidden profile, so a trait that still
  states it counts as wrong.
- ``long-horizon``: 50 turns, to test whether an agent keeps improving and stays coherent.
- ``cold-start``: 10 turns; the user opens with a bare "hi." and starts with negative rapport, so
  personal facts take longer to earn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from rlpa_env.profiles.types import Fact, Profile
from rlpa_env.users import templates


@dataclass(frozen=True)
class Scenario:
    """How an episode runs: its length, an optional preference-shift turn and the user's start."""

    name: str
    max_turns: int = 10
    shift_turn: int | None = None
    initial_rapport: float = 0.0
    opening: str | None = None


SCENARIOS: dict[str, Scenario] = {
    scenario.name: scenario
    for scenario in (
        Scenario("standard"),
        Scenario("preference-shift", shift_turn=5),
        Scenario("long-horizon", max_turns=50),
        Scenario("cold-start", initial_rapport=-0.5, opening="hi."),
    )
}


def likes_by_category(pool: Sequence[Profile]) -> dict[str, tuple[Fact, ...]]:
    """Every distinct like in ``pool``, grouped by category and sorted by id (the shift's candidates)."""
    likes: dict[str, dict[str, Fact]] = {}
    for profile in pool:
        for fact in profile.facts:
            if fact.kind == "like":
                likes.setdefault(fact.category, {})[fact.id] = fact
    return {category: tuple(sorted(facts.values(), key=lambda f: f.id)) for category, facts in likes.items()}


def shift_preference(
    profile: Profile, rng: np.random.Generator, likes: Mapping[str, Sequence[Fact]]
) -> tuple[Profile, Fact, Fact] | None:
    """Replace one of ``profile``'s likes with another like of the same category from ``likes``.

    Returns ``(new_profile, old_fact, new_fact)``, or ``None`` when no like has an alternative that the
    profile does not already mention. The new fact is small talk (intimacy 0).
    """
    taken_values = {fact.value.lower() for fact in profile.facts}
    options = [
        (old, [c for c in likes.get(old.category, ()) if c.value.lower() not in taken_values])
        for old in profile.facts
        if old.kind == "like"
    ]
    options = [(old, candidates) for old, candidates in options if candidates]
    if not options:
        return None
    old, candidates = options[int(rng.integers(len(options)))]
    chosen = candidates[int(rng.integers(len(candidates)))]
    new = replace(chosen, intimacy=0)
    facts = tuple(new if fact.id == old.id else fact for fact in profile.facts)
    return replace(profile, facts=facts), old, new


def announce_shift(old: Fact, new: Fact, rng: np.random.Generator) -> str:
    """What the user says when its like ``old`` gave way to ``new``: the old value retracted, the new stated."""
    return templates.pick(rng, templates.SHIFT_ANNOUNCEMENTS).format(old=old.value, new=new.value)
