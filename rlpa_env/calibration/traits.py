"""Profile lines whose match is known by construction, written from one fact of a profile.

- ``paraphrase``: the value renamed by one of its aliases (the catalog's other names for that
  value): "really enjoys symphonies" for a like, the bare alias ("structural engineer") for an
  attribute. Matches the fact.
- ``hedge``: the fact's value offered next to two other values of its category as guesses
  ("might be into jazz, or maybe rock, or possibly blues"). Matches nothing.
- ``wrong_value``: another test user's statement of the same category and kind, whose value this
  user does not hold. Matches nothing.
- ``bare_category``: the category word alone ("likes music", "occupation."). Matches nothing.
- ``negated``: the fact's value denied ("doesn't like jazz"). Matches nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from rlpa_env.profiles.catalog import CATALOG, category_vocabulary
from rlpa_env.profiles.types import Fact, Profile

TRAIT_KINDS: tuple[str, ...] = ("paraphrase", "hedge", "wrong_value", "bare_category", "negated")


def trait_facts(profile: Profile, count: int) -> list[Fact]:
    """Up to ``count`` likes and attributes of catalog categories, in profile order."""
    found = [f for f in profile.facts if f.kind in ("like", "attribute") and f.category in CATALOG and f.aliases]
    return found[:count]


def paraphrase(fact: Fact, rng: np.random.Generator) -> str:
    """The value renamed by one of its aliases, in a frame for its kind."""
    alias = fact.aliases[int(rng.integers(len(fact.aliases)))]
    return f"really enjoys {alias}" if fact.kind == "like" else alias


def hedge(fact: Fact, profile: Profile, rng: np.random.Generator) -> str | None:
    """The value among two other values of its category, as guesses; ``None`` without two others."""
    held = {f.value.lower() for f in profile.facts}
    others = [terms[0] for terms in category_vocabulary()[fact.category] if terms[0] not in held]
    if len(others) < 2:
        return None
    first, second = (others[int(i)] for i in rng.choice(len(others), size=2, replace=False))
    return f"might be into {fact.value}, or maybe {first}, or possibly {second}"


def wrong_value(fact: Fact, profile: Profile, pool: Sequence[Profile], rng: np.random.Generator) -> str | None:
    """Another user's statement of this category and kind with a value this user lacks."""
    held = {f.value.lower() for f in profile.facts if f.category == fact.category}
    texts = sorted(
        {
            other.text
            for user in pool
            for other in user.facts
            if other.category == fact.category and other.kind == fact.kind and other.value.lower() not in held
        }
    )
    return texts[int(rng.integers(len(texts)))] if texts else None


def bare_category(fact: Fact) -> str:
    """The category named with nothing specific."""
    name = fact.category.replace("_", " ")
    return f"likes {name}" if fact.kind == "like" else f"{name}."


def negated(fact: Fact) -> str:
    """The value denied."""
    return f"doesn't like {fact.value}" if fact.kind == "like" else f"has never had anything to do with {fact.value}"


def trait_lines(fact: Fact, profile: Profile, pool: Sequence[Profile], rng: np.random.Generator) -> Mapping[str, str]:
    """The line of each ``TRAIT_KINDS`` kind for ``fact`` (a kind that cannot be written is left out)."""
    lines = {
        "paraphrase": paraphrase(fact, rng),
        "hedge": hedge(fact, profile, rng),
        "wrong_value": wrong_value(fact, profile, pool, rng),
        "bare_category": bare_category(fact),
        "negated": negated(fact),
    }
    return {kind: line for kind, line in lines.items() if line is not None}
