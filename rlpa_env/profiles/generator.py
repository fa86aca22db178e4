"""Seeded generation of hidden profiles from the catalog.

A generated profile holds 8 to 14 facts:

- 2 to 5 likes and 1 to 3 dislikes, drawn from the like/dislike categories (music, food, sport,
  film, reading, travel; dislikes also from disliked conversation ``topic``\\s);
- 3 to 9 attributes (occupation, location, diet, pets, family, hobbies, ...), mixing small-talk,
  personal and rapport-only intimacy levels;
- exactly 1 style fact, stating either the verbosity or the tone of the profile's
  ``StylePreferences`` (both are drawn for every profile).

No profile contradicts itself: a category never exceeds its ``max_per_profile`` (one occupation,
one location, one diet, ...), a value appears at most once (never liked and disliked together),
two facts sharing a tag never disagree on it (disliking cycling races vs cycling to work), and a
diet's clashes are honoured (a vegetarian neither likes nor dislikes steak). Fact ids come from
``(category, kind, value)``, e.g. ``"music.like.jazz"``, and the fact objects are shared.

Everything is deterministic: ``generate_profile`` draws only from the generator it is given, and
``generate_profiles(seed, n, id_prefix)`` draws profile ``i`` from ``default_rng([seed, stream, i])``
so a shorter run is a prefix of a longer one. Candidates whose fact set (``Profile.signature()``)
was already produced, or is in ``exclude``, are skipped, so the result has no duplicates.

The shipped banks are regenerated (byte for byte) with::

    python -m rlpa_env.profiles.regenerate --out rlpa_env/profiles/data

which writes ``train.jsonl.gz`` (2,000 profiles, seed 0) and ``test.jsonl.gz`` (300 profiles, disjoint
from train); see ``ProfileBank.generate``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import cache

import numpy as np

from rlpa_env.profiles.catalog import CATALOG, CategorySpec, catalog_fact
from rlpa_env.profiles.types import TONES, VERBOSITIES, Fact, FactKind, Profile, StylePreferences

MIN_FACTS = 8
MAX_FACTS = 14
LIKES_RANGE = (2, 5)
DISLIKES_RANGE = (1, 3)
ATTRIBUTES_RANGE = (3, 9)

_ATTRIBUTE_SLOTS: tuple[str, ...] = tuple(
    spec.name for spec in CATALOG.values() if "attribute" in spec.kinds for _ in range(spec.max_per_profile)
)
"""Attribute categories, each repeated once per fact a profile may hold of it."""
_LIKE_CATEGORIES: tuple[str, ...] = tuple(spec.name for spec in CATALOG.values() if "like" in spec.kinds)
_DISLIKE_CATEGORIES: tuple[str, ...] = tuple(spec.name for spec in CATALOG.values() if "dislike" in spec.kinds)
_MAX_ATTEMPTS_PER_PROFILE = 50


def _stance(kind: str) -> str:
    """Dislikes stand against a thing; every other kind (doing it, liking it) stands for it."""
    return "against" if kind == "dislike" else "for"


class _Draft:
    """The facts chosen so far for one profile, with the bookkeeping that keeps it consistent."""

    def __init__(self) -> None:
        self.facts: list[Fact] = []
        self.per_category: dict[str, int] = {}
        self.used_values: set[tuple[str, str]] = set()
        self.present: set[tuple[str, str]] = set()
        self.forbidden: set[tuple[str, str]] = set()

    def allows(self, category: str, kind: str, value: str) -> bool:
        """Whether adding this choice keeps the profile free of duplicates and contradictions."""
        if (category, value) in self.used_values:
            return False
        tags, clashes = _value_constraints(category, value)
        if any((kind, tag) in self.forbidden or (_stance(kind), tag) in self.forbidden for tag in tags):
            return False
        return not any(pair in self.present for pair in clashes)

    def add(self, fact: Fact) -> None:
        tags, clashes = _value_constraints(fact.category, fact.value)
        self.facts.append(fact)
        self.per_category[fact.category] = self.per_category.get(fact.category, 0) + 1
        self.used_values.add((fact.category, fact.value))
        opposite = "for" if fact.kind == "dislike" else "against"
        for tag in tags:
            self.present.add((fact.kind, tag))
            self.forbidden.add((opposite, tag))
        self.forbidden.update(clashes)

    def has_room(self, category: str) -> bool:
        return self.per_category.get(category, 0) < CATALOG[category].max_per_profile


@cache
def _value_constraints(category: str, value: str) -> tuple[tuple[str, ...], frozenset[tuple[str, str]]]:
    """The value's tags and its clashes as ``(kind, tag)`` pairs."""
    spec = CATALOG[category].value_spec(value)
    pairs = (clash.partition(":") for clash in spec.clashes)
    return spec.tags, frozenset((kind, tag) for kind, _, tag in pairs)


def _pick(rng: np.random.Generator, spec: CategorySpec, kind: FactKind, draft: _Draft) -> Fact | None:
    """Draw one allowed value of ``spec`` as a ``kind`` fact, or ``None`` when none is allowed."""
    candidates = [value.value for value in spec.values if draft.allows(spec.name, kind, value.value)]
    if not candidates:
        return None
    return catalog_fact(spec.name, kind, candidates[int(rng.integers(len(candidates)))])


def _add_preferences(
    rng: np.random.Generator, draft: _Draft, kind: FactKind, categories: Sequence[str], n: int
) -> None:
    """Add ``n`` facts of ``kind``, each from a uniformly drawn category that still has room."""
    open_categories = list(categories)
    added = 0
    while added < n and open_categories:
        index = int(rng.integers(len(open_categories)))
        category = open_categories[index]
        fact = _pick(rng, CATALOG[category], kind, draft) if draft.has_room(category) else None
        if fact is None:
            open_categories.pop(index)
            continue
        draft.add(fact)
        added += 1


def _add_attributes(rng: np.random.Generator, draft: _Draft, n: int) -> None:
    """Add ``n`` attribute facts, visiting attribute slots in a random order."""
    added = 0
    for slot in rng.permutation(len(_ATTRIBUTE_SLOTS)):
        if added == n:
            break
        fact = _pick(rng, CATALOG[_ATTRIBUTE_SLOTS[slot]], "attribute", draft)
        if fact is not None:
            draft.add(fact)
            added += 1


def _style_fact(rng: np.random.Generator, style: StylePreferences) -> Fact:
    """The one style fact: the profile's verbosity or its tone, chosen at random."""
    tag = f"verbosity={style.verbosity}" if rng.random() < 0.5 else f"tone={style.tone}"
    spec = CATALOG["style"]
    value = next(value.value for value in spec.values if tag in value.tags)
    return catalog_fact("style", "style", value)


@cache
def _count_splits(n_facts: int) -> tuple[tuple[int, int, int], ...]:
    """Every (likes, dislikes, attributes) split of ``n_facts`` (one of which is the style fact) within the ranges."""
    return tuple(
        (likes, dislikes, n_facts - 1 - likes - dislikes)
        for likes in range(LIKES_RANGE[0], LIKES_RANGE[1] + 1)
        for dislikes in range(DISLIKES_RANGE[0], DISLIKES_RANGE[1] + 1)
        if ATTRIBUTES_RANGE[0] <= n_facts - 1 - likes - dislikes <= ATTRIBUTES_RANGE[1]
    )


def generate_profile(rng: np.random.Generator, profile_id: str) -> Profile:
    """Draw one consistent profile (see the module docstring) using only ``rng``."""
    n_facts = int(rng.integers(MIN_FACTS, MAX_FACTS + 1))
    splits = _count_splits(n_facts)
    n_likes, n_dislikes, n_attributes = splits[int(rng.integers(len(splits)))]
    style = StylePreferences(
        verbosity=VERBOSITIES[int(rng.integers(len(VERBOSITIES)))],  # type: ignore[arg-type]
        tone=TONES[int(rng.integers(len(TONES)))],  # type: ignore[arg-type]
    )
    draft = _Draft()
    # Attributes go first so that food likes and dislikes are checked against the diet.
    _add_attributes(rng, draft, n_attributes)
    _add_preferences(rng, draft, "like", _LIKE_CATEGORIES, n_likes)
    _add_preferences(rng, draft, "dislike", _DISLIKE_CATEGORIES, n_dislikes)
    draft.add(_style_fact(rng, style))
    return Profile(id=profile_id, facts=tuple(draft.facts), style=style)


def generate_profiles(
    seed: int,
    n: int,
    id_prefix: str,
    *,
    stream: int = 0,
    exclude: Collection[frozenset[tuple[str, str, str]]] = (),
) -> list[Profile]:
    """``n`` profiles with distinct fact sets, ids ``"<id_prefix>-00000"``, ``"<id_prefix>-00001"``, ...

    Candidate ``i`` is drawn from ``np.random.default_rng([seed, stream, i])``; candidates whose
    ``signature()`` repeats an earlier one or is in ``exclude`` are skipped. ``stream`` separates
    independent sequences from one seed (the bank uses 0 for train and 1 for test).
    """
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative int, got {seed!r}")
    if not isinstance(n, int) or n < 0:
        raise ValueError(f"n must be a non-negative int, got {n!r}")
    if not id_prefix:
        raise ValueError("id_prefix must be a non-empty string")
    seen = set(exclude)
    profiles: list[Profile] = []
    candidate = 0
    while len(profiles) < n:
        if candidate >= _MAX_ATTEMPTS_PER_PROFILE * (n + 10):
            raise RuntimeError(
                f"only {len(profiles)} of {n} distinct profiles after {candidate} candidates; "
                "the catalog is too small for this many profiles"
            )
        rng = np.random.default_rng([seed, stream, candidate])
        candidate += 1
        profile = generate_profile(rng, f"{id_prefix}-{len(profiles):05d}")
        signature = profile.signature()
        if signature in seen:
            continue
        seen.add(signature)
        profiles.append(profile)
    return profiles
