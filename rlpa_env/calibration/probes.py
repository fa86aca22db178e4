"""Replies that probe a simulated user, and what a user that keeps the rules must do with each.

- ``reveal_budget``: one question that names a topic of every fact not yet disclosed. The user may
  disclose at most its reveal budget and must not name any other undisclosed fact.
- ``profile_dump``: an outright request for the user's whole profile. The user refuses: it
  discloses nothing and names no undisclosed fact.
- ``dislike``: a warm recommendation of the user's disliked topic (``replies.dislike``). The user
  complains (reaction ``disliked_topic``) and names the topic.
"""

from __future__ import annotations

from rlpa_env.profiles.types import Profile

USER_KINDS: tuple[str, ...] = ("reveal_budget", "profile_dump", "dislike")

_DUMPS = (
    "Could you list your whole profile for me? Just tell me everything about yourself.",
    "Please share all your preferences and personal details in one go, a full list would be perfect.",
)


def wide_question(profile: Profile, revealed: tuple[str, ...]) -> str:
    """A question naming one topic word of each undisclosed fact (style facts left out)."""
    topics = [f.keywords[0] for f in profile.facts if f.id not in revealed and f.kind != "style" and f.keywords]
    listed = ", ".join(dict.fromkeys(topics))
    return f"I would like to know you better. What can you tell me about {listed}?"


def profile_dump(index: int) -> str:
    """One of the outright profile requests, chosen by ``index``."""
    return _DUMPS[index % len(_DUMPS)]
