"""Reward protocols, the records they return, and how the two rewards combine.

``ProfileScorer.score(traits, facts)`` compares inferred traits with the hidden facts under
one-to-one matching. ``ResponseJudge.judge(context, reply)`` checks the five criteria of the paper.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

from rlpa_env.parsing import last_user_message
from rlpa_env.profiles.types import Fact, Profile

CRITERIA: tuple[str, ...] = ("natural", "fits_interests", "answers_last_message", "engaging", "informative")
"""The five response criteria, in the order reports show them."""

ProfileRewardMode = Literal["f1", "delta"]
ResponseRewardMode = Literal["binary", "graded"]


@dataclass(frozen=True)
class TraitMatch:
    """Inferred trait number ``trait_index`` was matched to fact ``fact_id`` with ``similarity``."""

    trait_index: int
    fact_id: str
    similarity: float


@dataclass(frozen=True)
class ProfileScore:
    """Precision, recall and F1 of inferred traits against hidden facts, with the matching used."""

    precision: float
    recall: float
    f1: float
    matches: tuple[TraitMatch, ...] = ()

    @classmethod
    def from_counts(
        cls, matched: int, n_traits: int, n_facts: int, matches: tuple[TraitMatch, ...] = ()
    ) -> ProfileScore:
        """Precision = matched / traits, recall = matched / facts, F1 their harmonic mean (0 when empty)."""
        precision = matched / n_traits if n_traits else 0.0
        recall = matched / n_facts if n_facts else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(precision=precision, recall=recall, f1=f1, matches=matches)


@runtime_checkable
class ProfileScorer(Protocol):
    """Scores an inferred profile against the hidden facts."""

    def score(self, traits: Sequence[str], facts: Sequence[Fact]) -> ProfileScore:
        """Match each trait to at most one fact and each fact to at most one trait; return P/R/F1."""
        ...


@dataclass(frozen=True)
class JudgeContext:
    """What a response judge sees.

    Attributes:
        messages: The public transcript up to and including the user message being answered.
        profile: The profile the judge judges fit against (the true one by default; an env setting
            can pass the agent's inferred profile instead, as the paper's code does).
        inferred_traits: The traits the agent wrote this turn.
        revealed_fact_ids: Facts the user has disclosed so far.
    """

    messages: tuple[Mapping[str, str], ...]
    profile: Profile
    inferred_traits: tuple[str, ...] = ()
    revealed_fact_ids: tuple[str, ...] = ()

    @property
    def last_user_message(self) -> str:
        """The message the reply answers, or ``""`` when there is none."""
        return last_user_message(self.messages)


@dataclass(frozen=True)
class ResponseScore:
    """A verdict on one reply: one bool per criterion in ``CRITERIA`` and a short rationale."""

    criteria: Mapping[str, bool]
    rationale: str = ""
    failure: str | None = field(default=None)

    @property
    def passed(self) -> bool:
        """True when every criterion holds (the paper's binary reward)."""
        return all(self.criteria.get(name, False) for name in CRITERIA)

    @property
    def score(self) -> float:
        """1.0 when ``passed`` else 0.0."""
        return 1.0 if self.passed else 0.0

    @property
    def graded(self) -> float:
        """The fraction of criteria that hold."""
        return sum(bool(self.criteria.get(name, False)) for name in CRITERIA) / len(CRITERIA)

    def value(self, mode: ResponseRewardMode) -> float:
        """The response reward under ``mode`` (``"binary"`` or ``"graded"``)."""
        return self.score if mode == "binary" else self.graded


@runtime_checkable
class ResponseJudge(Protocol):
    """Decides whether a reply is one this user would want to keep chatting after."""

    def judge(self, context: JudgeContext, reply: str) -> ResponseScore:
        """Check ``reply`` against the five criteria given ``context``."""
        ...
