"""A reply that credits the user with the opposite of something true fails fit, earns no AL, and the user says so.

Played end to end through ``RLPA-Test-v0`` on real test-split profiles: the reply recalls a dislike as a
like or a like as a dislike. The judge, the grader and the user read one ``ReplyReading``, so all
three see the same contradiction.
"""

from __future__ import annotations

import gymnasium as gym
import pytest

import rlpa_env  # noqa: F401
from rlpa_env.parsing import format_turn
from rlpa_env.profiles.bank import ProfileBank
from rlpa_env.profiles.types import Fact, Profile

PROFILES = [
    profile
    for profile in ProfileBank.default().split("test")
    if any(f.kind == "like" for f in profile.facts) and any(f.kind == "dislike" for f in profile.facts)
][:10]


def _first(profile: Profile, kind: str) -> Fact:
    return next(fact for fact in profile.facts if fact.kind == kind)


def _play(profile: Profile, reply: str) -> dict:
    env = gym.make("RLPA-Test-v0", privileged_info=True)
    env.reset(seed=0, options={"profile_id": profile.id})
    return env.step(format_turn(["likes to chat"], reply))[4]


# A dislike recalled as a like also raises the disliked topic, whose complaint comes first (and
# names the dislike, so discloses it); a like recalled as a dislike draws the correction.
FRAMES = {
    "dislike recalled as a like": (
        "disliked_topic",
        "dislike",
        "Since you love {v}, you should treat yourself to more of it this week. What do you think?",
    ),
    "like recalled as a dislike": (
        "misremembered",
        "like",
        "Since you can't stand {v}, I'll keep it out of my ideas for you. What else do you do?",
    ),
}


@pytest.mark.parametrize("case", sorted(FRAMES))
def test_a_contradicting_reply_fails_fit_earns_no_alignment_and_the_user_objects(case: str) -> None:
    reaction, kind, frame = FRAMES[case]
    for profile in PROFILES:
        fact = _first(profile, kind)
        info = _play(profile, frame.format(v=fact.value))
        assert info["response_criteria"]["fits_interests"] is False, (profile.id, fact.value)
        assert "contradicts what is true of this user" in info["privileged"]["judge_rationale"]
        assert info["alignment"] == 1, (profile.id, fact.value)
        assert info["user_reaction"] == reaction, (profile.id, fact.value)
        disclosed = [fact.id] if reaction == "disliked_topic" else []
        assert info["privileged"]["revealed_fact_ids"] == disclosed


def test_the_same_frame_about_the_true_attitude_is_no_contradiction() -> None:
    for profile in PROFILES:
        like, dislike = _first(profile, "like"), _first(profile, "dislike")
        for reply in (
            f"Since you love {like.value}, you should treat yourself to more of it this week. What do you think?",
            f"Since you can't stand {dislike.value}, I'll keep it out of my ideas for you. What else do you do?",
        ):
            info = _play(profile, reply)
            assert "contradicts" not in info["privileged"]["judge_rationale"], (profile.id, reply)
            assert info["user_reaction"] != "misremembered", (profile.id, reply)


def test_a_question_or_a_guess_about_the_opposite_contradicts_nothing() -> None:
    for profile in PROFILES:
        dislike = _first(profile, "dislike")
        for reply in (f"Do you love {dislike.value}? Tell me more.", f"Maybe you love {dislike.value}, maybe not?"):
            assert _play(profile, reply)["user_reaction"] != "misremembered", (profile.id, reply)
