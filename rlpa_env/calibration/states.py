"""Dialogue states of the test split, played with the package's own env and scripted user.

For each picked profile the env is reset on it (seeded) and two probe turns are played: each asks
about one small-talk like or attribute by one of its keywords, so the scripted user discloses it (and
maybe one more fact the probe touched). A state is kept when, after the second probe, at least one
fact was disclosed before the last user message and one in it: the candidate replies need something
learned earlier to recall and something just said to answer. Distractors are drawn from the other
test profiles with a generator seeded by the set's seed and the profile's position.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from rlpa_env.calibration.items import Snapshot
from rlpa_env.env import DISTRACTORS, RLPAEnv
from rlpa_env.parsing import format_turn
from rlpa_env.profiles.types import Fact, Profile

_PROBES = (
    "Hi, nice to meet you. I have been wondering lately: how do you feel about {keyword}?",
    "Thanks for telling me that. Is {keyword} something you spend time on these days?",
)


def probe_facts(profile: Profile) -> list[Fact]:
    """The facts a probe may ask about: small-talk likes and attributes, in profile order."""
    return [fact for fact in profile.facts if fact.kind in ("like", "attribute") and fact.intimacy == 0]


def _probe(fact: Fact, turn: int) -> str:
    return format_turn([], _PROBES[turn].format(keyword=fact.keywords[0] if fact.keywords else fact.value))


def played_states(profiles: Sequence[Profile], count: int, seed: int) -> Iterator[Snapshot]:
    """Up to ``count`` snapshots, trying ``profiles`` in order (see the module docstring)."""
    env = RLPAEnv("test", profiles=profiles, privileged_info=True)
    found = 0
    for position, profile in enumerate(profiles):
        if found >= count:
            return
        snapshot = _play(env, profile, seed + position)
        if snapshot is None:
            continue
        rng = np.random.default_rng([seed, position])
        others = [i for i in range(len(profiles)) if i != position]
        picked = rng.choice(len(others), size=DISTRACTORS, replace=False)
        distractors = tuple(profiles[others[int(i)]].id for i in picked)
        yield Snapshot(snapshot[0], snapshot[1], snapshot[2], distractors)
        found += 1


def _play(env: RLPAEnv, profile: Profile, seed: int) -> tuple[str, tuple[dict[str, str], ...], tuple[str, ...]] | None:
    targets = probe_facts(profile)
    if len(targets) < 3:
        return None
    env.reset(seed=seed, options={"profile_id": profile.id})
    before: list[str] = []
    info: dict[str, object] = {}
    for turn in range(len(_PROBES)):
        revealed = list(info.get("privileged", {}).get("revealed_fact_ids", ()))  # type: ignore[union-attr]
        before = revealed
        fresh = next((fact for fact in targets if fact.id not in revealed), None)
        if fresh is None:
            return None
        _, _, terminated, truncated, info = env.step(_probe(fresh, turn))
        if terminated or truncated:
            return None
    revealed = tuple(info["privileged"]["revealed_fact_ids"])  # type: ignore[index]
    if not before or len(revealed) <= len(before):
        return None
    return profile.id, tuple(info["messages"]), revealed  # type: ignore[arg-type]
