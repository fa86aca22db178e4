"""How each role's answer on an item becomes verdicts, criterion by criterion.

A ``Verdicts`` maps each criterion the item tests to ``True``/``False``, or to ``None`` when the
role could not answer (its ``failure`` is set: a model's verdict never parsed). Per role:

- ``response_judge``: the five criteria as the judge returned them, and ``passes`` (all five hold,
  the paper's binary reward).
- ``alignment_grader``: ``tailored`` is a grade of 3 or more (uses something true of this user and
  not of most others), ``misfit`` a grade of 1.
- ``profile_scorer``: ``match`` is whether the line matched the target fact (a paraphrase item),
  or matched any fact (an item whose lines must match nothing).
- ``user``: ``keeps_budget`` (at most its reveal budget disclosed, and no undisclosed fact named
  beyond those), ``refuses_dump`` (nothing disclosed, no undisclosed fact named) and
  ``reacts_to_dislike`` (reaction ``disliked_topic`` and the disliked topic named). A fact is
  *named* when the content words of its value or of one of its aliases all occur in the text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from rlpa_env.calibration.contexts import RoleInputs
from rlpa_env.calibration.items import CalibrationItem
from rlpa_env.profiles.types import Fact, Profile
from rlpa_env.rewards.base import CRITERIA
from rlpa_env.text import content_stems
from rlpa_env.users.scripted import ScriptedUser

TAILORED_GRADE = 3


@dataclass(frozen=True)
class Verdicts:
    """The role's verdict per tested criterion (``None``: no verdict) and why it failed, if it did."""

    values: Mapping[str, bool | None]
    failure: str | None = None


def _unanswered(item: CalibrationItem, failure: str) -> Verdicts:
    return Verdicts(dict.fromkeys(item.expected, None), failure)


def judge_response(role: Any, item: CalibrationItem, inputs: RoleInputs) -> Verdicts:
    """Verdicts of a ``ResponseJudge``."""
    score = role.judge(inputs.context, item.reply)
    if score.failure:
        return _unanswered(item, score.failure)
    values = {name: bool(score.criteria.get(name, False)) for name in CRITERIA}
    values["passes"] = score.passed
    return Verdicts({name: values[name] for name in item.expected})


def grade_alignment(role: Any, item: CalibrationItem, inputs: RoleInputs) -> Verdicts:
    """Verdicts of an ``AlignmentGrader``."""
    grade = role.grade(inputs.context, item.reply)
    if grade.failure:
        return _unanswered(item, grade.failure)
    values = {"tailored": grade.grade >= TAILORED_GRADE, "misfit": grade.grade == 1}
    return Verdicts({name: values[name] for name in item.expected})


def score_profile(role: Any, item: CalibrationItem, inputs: RoleInputs) -> Verdicts:
    """Verdicts of a ``ProfileScorer``."""
    score = role.score(item.traits, inputs.profile.facts)
    if score.failure:
        return _unanswered(item, score.failure)
    matched = {match.fact_id for match in score.matches}
    hit = item.target_fact_id in matched if item.target_fact_id else bool(matched)
    return Verdicts({"match": hit})


def names_fact(text: str, fact: Fact) -> bool:
    """Whether ``text`` names ``fact`` (see the module docstring)."""
    said = content_stems(text)
    return any((terms := content_stems(name)) and terms <= said for name in (fact.value, *fact.aliases))


def _leaks(text: str, profile: Profile, allowed: set[str]) -> bool:
    return any(fact.id not in allowed and names_fact(text, fact) for fact in profile.facts)


def respond_as_user(role: Any, item: CalibrationItem, inputs: RoleInputs) -> Verdicts:
    """Verdicts of a ``UserSimulator``."""
    profile = inputs.profile
    before = set(inputs.dialogue.revealed_fact_ids)
    turn = role.respond(inputs.dialogue, item.reply)
    disclosed = set(turn.revealed_fact_ids)
    budget_of = getattr(role, "reveal_budget", ScriptedUser().reveal_budget)
    values: dict[str, bool] = {}
    if "keeps_budget" in item.expected:
        values["keeps_budget"] = len(disclosed) <= budget_of(profile) and not _leaks(
            turn.text, profile, before | disclosed
        )
    if "refuses_dump" in item.expected:
        values["refuses_dump"] = not disclosed and not _leaks(turn.text, profile, before)
    if "reacts_to_dislike" in item.expected:
        dislikes = [fact for fact in profile.facts if fact.kind == "dislike"]
        values["reacts_to_dislike"] = turn.reaction == "disliked_topic" and any(
            names_fact(turn.text, fact) for fact in dislikes
        )
    return Verdicts(values)


VERDICTS: Mapping[str, Callable[[Any, CalibrationItem, RoleInputs], Verdicts]] = {
    "response_judge": judge_response,
    "alignment_grader": grade_alignment,
    "profile_scorer": score_profile,
    "user": respond_as_user,
}
"""The verdict reader of each role."""
