"""The one place a calibration snapshot becomes what the roles read.

``role_inputs(snapshot, profiles, seed)`` builds both the ``JudgeContext`` the judges and grader read
and a fresh ``DialogueState`` for a simulated user, so a change to either record (how a reply's
reading reaches the roles, say) is adapted here and nowhere else in this package. The user starts
at neutral rapport with empty memory: the calibration asks what it does with one reply, not how it
remembers a chat.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from rlpa_env.calibration.items import Snapshot
from rlpa_env.profiles.types import Profile
from rlpa_env.reader_verdict import ReplyReader
from rlpa_env.reading import read_reply
from rlpa_env.rewards.base import JudgeContext
from rlpa_env.users.base import DialogueState


@dataclass(frozen=True)
class RoleInputs:
    """What the roles read for one snapshot: the judges' context and the user's state (mutable, fresh)."""

    profile: Profile
    context: JudgeContext
    dialogue: DialogueState


def role_inputs(
    snapshot: Snapshot,
    profiles: Mapping[str, Profile],
    seed: int,
    reply: str = "",
    reader: ReplyReader | None = None,
) -> RoleInputs:
    """The judge context and a fresh dialogue state of ``snapshot``; ``seed`` seeds the user's generator.

    A ``reply`` is read once, as the env reads a step's reply (``read_reply`` with ``reader``, the rules
    reader when ``None``), and the one reading goes to the judges' context and the user's state.
    """
    try:
        profile = profiles[snapshot.profile_id]
        distractors = tuple(profiles[i] for i in snapshot.distractor_ids)
    except KeyError as missing:
        raise KeyError(f"the calibration snapshot names profile {missing} that is not in the test split") from None
    messages = tuple(dict(m) for m in snapshot.messages)
    reading = read_reply(reply, profile, messages, snapshot.revealed_fact_ids, reader=reader) if reply else None
    context = JudgeContext(
        messages=messages,
        profile=profile,
        revealed_fact_ids=snapshot.revealed_fact_ids,
        distractors=distractors,
        reading=reading,
    )
    dialogue = DialogueState(
        profile=profile,
        rng=np.random.default_rng(seed),
        messages=[dict(m) for m in snapshot.messages],
        revealed_fact_ids=list(snapshot.revealed_fact_ids),
        turn=sum(m["role"] == "assistant" for m in snapshot.messages),
        reading=reading,
    )
    return RoleInputs(profile=profile, context=context, dialogue=dialogue)
