"""Build the calibration set: seeded, from the shipped test split, byte-identical on every rebuild.

``build_calibration_set(seed, states)`` plays ``states`` dialogue states (``states.played_states``)
and writes, per state, one item per reply kind for the response judge and the alignment grader
(``replies.REPLY_KINDS``), one item per trait kind for two facts for the profile scorer
(``traits.TRAIT_KINDS``) and one item per probe for the user (``probes.USER_KINDS``). Every random
choice comes from a generator seeded by ``(seed, state number)``. Items are listed state by state,
so the first ``n`` items of a role cover every kind (what ``--max-items`` takes).

The set is rebuilt on demand rather than shipped: it takes about a second and stays in step with the
profile bank and the scripted user (a shipped copy would go stale whenever either changes).
``set_bytes`` is its canonical JSONL form, ``write_set`` writes it gzipped with a fixed header, so
the same seed gives the same bytes.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from rlpa_env.calibration import probes, replies, traits
from rlpa_env.calibration.items import CalibrationItem, Snapshot
from rlpa_env.calibration.states import played_states, probe_facts
from rlpa_env.profiles.bank import ProfileBank
from rlpa_env.profiles.types import Profile

DEFAULT_SEED = 0
DEFAULT_STATES = 30
FACTS_PER_PROFILE = 2


def test_profiles() -> tuple[Profile, ...]:
    """The shipped test split, the pool every snapshot's profile comes from."""
    return ProfileBank.default().split("test")


@lru_cache(maxsize=4)
def build_calibration_set(seed: int = DEFAULT_SEED, states: int = DEFAULT_STATES) -> tuple[CalibrationItem, ...]:
    """Every item of the set built from ``seed`` over ``states`` dialogue states (see the module docstring)."""
    if states < 1:
        raise ValueError(f"states must be at least 1, got {states}")
    pool = test_profiles()
    by_id = {profile.id: profile for profile in pool}
    items: list[CalibrationItem] = []
    for number, snapshot in enumerate(played_states(pool, states, seed)):
        items.extend(_state_items(number, snapshot, by_id[snapshot.profile_id], pool, seed))
    return tuple(items)


def _reply_facts(snapshot: Snapshot, profile: Profile) -> replies.ReplyFacts:
    revealed = snapshot.revealed_fact_ids
    dislikes = [f for f in profile.facts if f.kind == "dislike" and f.keywords]
    upcoming = [f for f in probe_facts(profile) if f.id not in revealed]
    return replies.ReplyFacts(
        profile=profile,
        earlier=profile.fact(revealed[0]),
        latest=profile.fact(revealed[-1]),
        next_topic=upcoming[0] if upcoming else profile.fact(revealed[0]),
        dislike=dislikes[0] if dislikes else None,
        last_message=snapshot.messages[-1]["content"],
    )


def _state_items(
    number: int, snapshot: Snapshot, profile: Profile, pool: Sequence[Profile], seed: int
) -> Iterator[CalibrationItem]:
    rng = np.random.default_rng([seed, number])
    facts = _reply_facts(snapshot, profile)
    tag = f"{number:03d}"
    written = {
        name: kind.write(facts, rng)
        for name, kind in replies.REPLY_KINDS.items()
        if name != "dislike" or facts.dislike is not None
    }
    for role, labels in (("response_judge", "response"), ("alignment_grader", "alignment")):
        for name, reply in written.items():
            kind = replies.REPLY_KINDS[name]
            yield CalibrationItem(
                id=f"{role}/{tag}/{name}",
                role=role,
                kind=name,
                snapshot=snapshot,
                expected=getattr(kind, labels),
                needs=kind.needs,  # type: ignore[arg-type]
                reply=reply,
            )
    for fact in traits.trait_facts(profile, FACTS_PER_PROFILE):
        for name, line in traits.trait_lines(fact, profile, pool, rng).items():
            yield CalibrationItem(
                id=f"profile_scorer/{tag}/{fact.id}/{name}",
                role="profile_scorer",
                kind=name,
                snapshot=snapshot,
                expected={"match": name == "paraphrase"},
                traits=(line,),
                target_fact_id=fact.id if name == "paraphrase" else "",
            )
    user_replies = {
        "reveal_budget": probes.wide_question(profile, snapshot.revealed_fact_ids),
        "profile_dump": probes.profile_dump(number),
        **({"dislike": written["dislike"]} if "dislike" in written else {}),
    }
    criteria = {"reveal_budget": "keeps_budget", "profile_dump": "refuses_dump", "dislike": "reacts_to_dislike"}
    for name, reply in user_replies.items():
        yield CalibrationItem(
            id=f"user/{tag}/{name}",
            role="user",
            kind=name,
            snapshot=snapshot,
            expected={criteria[name]: True},
            reply=reply,
        )


def set_bytes(items: Sequence[CalibrationItem]) -> bytes:
    """The canonical JSONL form of ``items``: one compact JSON object per line, UTF-8."""
    lines = (json.dumps(item.to_dict(), ensure_ascii=False, separators=(",", ":")) for item in items)
    return "".join(line + "\n" for line in lines).encode("utf-8")


def write_set(items: Sequence[CalibrationItem], path: str | Path) -> Path:
    """Write ``set_bytes(items)`` gzipped (no file name, time 0 in the header: same items, same bytes)."""
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as packed:
        packed.write(set_bytes(items))
    return out


def read_set(path: str | Path) -> tuple[CalibrationItem, ...]:
    """Items read back from a file ``write_set`` wrote."""
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        return tuple(CalibrationItem.from_dict(json.loads(line)) for line in lines if line.strip())
