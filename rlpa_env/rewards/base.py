"""Reward protocols, the records they return, and how the two rewards combine.

``ProfileScorer.score(traits, facts)`` compares inferred traits with the hidden facts under
one-to-one matching. ``ResponseJudge.judge(context, reply)`` checks the five criteria of the paper.
``AlignmentGrader.grade(context, reply)`` grades, 1 to 5, how well the reply fits the hidden
profile (ALOE's alignment level). ``TurnOutcome.score`` combines the three into the one record of a
scored turn that the env's ``info``, the episode records and the metrics all read.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, runtime_checkable

from rlpa_env.parsing import last_user_message
from rlpa_env.profiles.types import Fact, Profile
from rlpa_env.reading import ReplyReading, read_reply
from rlpa_env.reply_analysis import ReplySignals, recalled_facts

MIN_GRADE = 1
MAX_GRADE = 5

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
    """Precision, recall and F1 of inferred traits against hidden facts, with the matching used.

    ``failure`` is ``None`` unless the scorer could not score (a model-backed scorer whose verdicts
    never parsed); the score is then 0 and ``failure`` says why.
    """

    precision: float
    recall: float
    f1: float
    matches: tuple[TraitMatch, ...] = ()
    failure: str | None = None

    @classmethod
    def from_counts(
        cls,
        matched: int,
        n_traits: int,
        n_facts: int,
        matches: tuple[TraitMatch, ...] = (),
        failure: str | None = None,
    ) -> ProfileScore:
        """Precision = matched / traits, recall = matched / facts, F1 their harmonic mean (0 when empty)."""
        precision = matched / n_traits if n_traits else 0.0
        recall = matched / n_facts if n_facts else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(precision=precision, recall=recall, f1=f1, matches=matches, failure=failure)


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
        inferred_fact_ids: Facts of ``profile`` the agent's traits correctly matched this turn.
        distractors: Other users' profiles, the contrast an alignment grade is scored against.
        reading: The env's ``ReplyReading`` of the reply being judged (the record its user reads
            too); when omitted, ``reading_of`` reads the reply in this context with ``read_reply``.
    """

    messages: tuple[Mapping[str, str], ...]
    profile: Profile
    inferred_traits: tuple[str, ...] = ()
    revealed_fact_ids: tuple[str, ...] = ()
    inferred_fact_ids: tuple[str, ...] = ()
    distractors: tuple[Profile, ...] = ()
    reading: ReplyReading | None = field(default=None, repr=False, compare=False)

    @property
    def known_fact_ids(self) -> frozenset[str]:
        """Facts the agent may use: revealed by the user or correctly inferred."""
        return frozenset(self.revealed_fact_ids) | frozenset(self.inferred_fact_ids)

    def contents(self, role: str) -> tuple[str, ...]:
        """The texts of the transcript's messages by ``role`` (``"user"`` or ``"assistant"``), oldest first."""
        if role == "user":
            return self._user_messages
        return self._agent_messages if role == "assistant" else self._by_role(role)

    def _by_role(self, role: str) -> tuple[str, ...]:
        return tuple(message["content"] for message in self.messages if message["role"] == role)

    @functools.cached_property
    def _user_messages(self) -> tuple[str, ...]:
        return self._by_role("user")

    @functools.cached_property
    def _agent_messages(self) -> tuple[str, ...]:
        return self._by_role("assistant")

    def reading_of(self, reply: str) -> ReplyReading:
        """``reading`` when it reads ``reply``; without one, ``read_reply`` of ``reply`` in this context.

        Without a reading, ``profile`` stands in for the true profile.

        Raises:
            ValueError: ``reading`` reads another reply than ``reply``.
        """
        if self.reading is None:
            return read_reply(reply, self.profile, self.messages, self.revealed_fact_ids)
        if self.reading.reply != reply:
            raise ValueError("JudgeContext.reading reads another reply than the one being judged")
        return self.reading

    def signals(self, reply: str) -> ReplySignals:
        """The rule signals of ``reply`` against ``profile``: ``reading_of(reply).signals_for(profile)``.

        Known facts are the revealed ones; facts known only because the agent inferred them
        correctly are added by ``recalled_fact_ids``.
        """
        return self.reading_of(reply).signals_for(self.profile)

    def recalled_fact_ids(self, reply: str) -> tuple[str, ...]:
        """Known facts (revealed or correctly inferred) that ``reply`` recalls without parroting."""
        recalled = self.signals(reply).recalled_fact_ids
        extra = set(self.inferred_fact_ids) - set(self.revealed_fact_ids)
        if recalled or not extra:
            return recalled
        return recalled_facts(reply, self.profile, self.last_user_message, extra)

    @property
    def last_user_message(self) -> str:
        """The message the reply answers, or ``""`` when there is none."""
        return last_user_message(self.messages)


@dataclass(frozen=True)
class ResponseScore:
    """A verdict on one reply: one bool per criterion in ``CRITERIA`` and a short rationale.

    The reward it gives is ``value(mode)``: ``binary`` (1.0 when every criterion holds, the paper's
    reward) or ``graded`` (the fraction that hold). ``failure`` is set when a model-backed judge could
    not judge.
    """

    criteria: Mapping[str, bool]
    rationale: str = ""
    failure: str | None = field(default=None)

    @property
    def passed(self) -> bool:
        """True when every criterion holds (the paper's binary reward)."""
        return all(self.criteria.get(name, False) for name in CRITERIA)

    @property
    def binary(self) -> float:
        """The response reward in mode ``"binary"``: 1.0 when ``passed`` else 0.0."""
        return 1.0 if self.passed else 0.0

    @property
    def graded(self) -> float:
        """The response reward in mode ``"graded"``: the fraction of criteria that hold."""
        return sum(bool(self.criteria.get(name, False)) for name in CRITERIA) / len(CRITERIA)

    def value(self, mode: ResponseRewardMode) -> float:
        """The response reward under ``mode``: ``binary`` for ``"binary"``, ``graded`` for ``"graded"``."""
        return self.binary if mode == "binary" else self.graded


@runtime_checkable
class ResponseJudge(Protocol):
    """Decides whether a reply is one this user would want to keep chatting after."""

    def judge(self, context: JudgeContext, reply: str) -> ResponseScore:
        """Check ``reply`` against the five criteria given ``context``."""
        ...


@dataclass(frozen=True)
class AlignmentGrade:
    """How well one reply fits the hidden profile, 1 (misfit) to 5 (tailored), and why.

    ``margin`` is the contrastive evidence the grade rests on (fit to the true profile minus the
    mean fit to the distractors); ``failure`` is set when a model-backed grader could not grade.
    """

    grade: int
    margin: float = 0.0
    rationale: str = ""
    failure: str | None = None

    def __post_init__(self) -> None:
        if not MIN_GRADE <= self.grade <= MAX_GRADE:
            raise ValueError(f"an alignment grade is {MIN_GRADE}..{MAX_GRADE}, got {self.grade!r}")

    @property
    def level(self) -> float:
        """The grade on ALOE's 0..100 alignment-level scale: ``100 * (grade - 1) / 4``."""
        return alignment_level(self.grade)


def alignment_level(grade: float) -> float:
    """A 1..5 grade (or a mean of grades) on the 0..100 scale."""
    return 100.0 * (grade - MIN_GRADE) / (MAX_GRADE - MIN_GRADE)


@runtime_checkable
class AlignmentGrader(Protocol):
    """Grades how well a reply is tailored to the hidden profile in ``context`` (1..5)."""

    def grade(self, context: JudgeContext, reply: str) -> AlignmentGrade:
        """Grade ``reply`` given ``context`` (its ``distractors`` make the grade contrastive)."""
        ...


_NO_CRITERIA: Mapping[str, bool] = dict.fromkeys(CRITERIA, False)


@dataclass(frozen=True)
class TurnOutcome:
    """Everything one scored agent turn produced: the one record ``info``, episodes and metrics read.

    Attributes:
        format_ok: The turn parsed; an unparsed turn earns 0 on every reward and grade 1.
        format_error: Why it did not parse, else ``None``.
        profile: The profile score against the whole hidden profile.
        response: The response judge's verdict.
        alignment: The alignment grade (1..5).
        profile_f1_revealed: F1 of the same matching against the facts disclosed before this turn.
        reward_profile: ``profile.f1`` (mode ``"f1"``) or its change since the last parsed turn.
        reward_response: ``response.value(mode)``.
        reward: ``profile_weight * reward_profile + response_weight * reward_response``.
    """

    format_ok: bool
    format_error: str | None
    profile: ProfileScore
    response: ResponseScore
    alignment: AlignmentGrade
    profile_f1_revealed: float
    reward_profile: float
    reward_response: float
    reward: float

    @classmethod
    def score(
        cls,
        profile: ProfileScore,
        response: ResponseScore,
        alignment: AlignmentGrade,
        *,
        profile_f1_revealed: float,
        previous_f1: float = 0.0,
        profile_reward: ProfileRewardMode = "f1",
        response_reward: ResponseRewardMode = "binary",
        profile_weight: float = 1.0,
        response_weight: float = 1.0,
    ) -> TurnOutcome:
        """The outcome of a parsed turn, with the reward arithmetic of the env's docstring."""
        reward_profile = profile.f1 - previous_f1 if profile_reward == "delta" else profile.f1
        reward_response = response.value(response_reward)
        return cls(
            format_ok=True,
            format_error=None,
            profile=profile,
            response=response,
            alignment=alignment,
            profile_f1_revealed=profile_f1_revealed,
            reward_profile=reward_profile,
            reward_response=reward_response,
            reward=profile_weight * reward_profile + response_weight * reward_response,
        )

    @classmethod
    def unparsed(cls, format_error: str) -> TurnOutcome:
        """The outcome of a turn that did not parse: reward 0, every criterion false, grade 1."""
        return cls(
            format_ok=False,
            format_error=format_error,
            profile=ProfileScore(0.0, 0.0, 0.0),
            response=ResponseScore(_NO_CRITERIA, format_error),
            alignment=AlignmentGrade(MIN_GRADE, rationale="the turn did not parse"),
            profile_f1_revealed=0.0,
            reward_profile=0.0,
            reward_response=0.0,
            reward=0.0,
        )

    def info(self) -> dict[str, object]:
        """The documented per-step ``info`` keys this outcome fills."""
        return {
            "format_ok": self.format_ok,
            "format_error": self.format_error,
            "reward_profile": self.reward_profile,
            "reward_response": self.reward_response,
            "profile_precision": self.profile.precision,
            "profile_recall": self.profile.recall,
            "profile_f1": self.profile.f1,
            "profile_f1_revealed": self.profile_f1_revealed,
            "response_criteria": dict(self.response.criteria),
            "alignment": self.alignment.grade,
        }
