"""Profile scorers and response judges, chosen by name.

``PROFILE_SCORERS`` builds a ``ProfileScorer``: ``"lexical"`` (the default, no model),
``"embedding"`` (a sentence encoder; the ``embed`` extra) and ``"llm"`` (counts matched points with
a chat model). ``RESPONSE_JUDGES`` builds a ``ResponseJudge``: ``"rule"`` (the default, no model)
and ``"llm"``. ``ALIGNMENT_GRADERS`` builds an ``AlignmentGrader`` (ALOE's per-turn 1..5 grade):
``"rule"`` (the default, contrastive, no model) and ``"llm"``. Model-backed entries are registered as import
paths, so importing this package imports no model code.
"""

from __future__ import annotations

from rlpa_env.registry import Registry
from rlpa_env.rewards.alignment import RuleAlignmentGrader
from rlpa_env.rewards.base import (
    CRITERIA,
    AlignmentGrade,
    AlignmentGrader,
    JudgeContext,
    ProfileScore,
    ProfileScorer,
    ResponseJudge,
    ResponseScore,
    TraitMatch,
    TurnOutcome,
)
from rlpa_env.rewards.lexical import LexicalProfileScorer

PROFILE_SCORERS: Registry[ProfileScorer] = Registry("profile scorer")
PROFILE_SCORERS.register("lexical", LexicalProfileScorer)
PROFILE_SCORERS.register("embedding", "rlpa_env.rewards.embedding:EmbeddingProfileScorer")
PROFILE_SCORERS.register("llm", "rlpa_env.rewards.llm_judges:LLMJudgeProfileScorer")

RESPONSE_JUDGES: Registry[ResponseJudge] = Registry("response judge")
RESPONSE_JUDGES.register("rule", "rlpa_env.rewards.rule_judge:RuleResponseJudge")
RESPONSE_JUDGES.register("llm", "rlpa_env.rewards.llm_judges:LLMResponseJudge")

ALIGNMENT_GRADERS: Registry[AlignmentGrader] = Registry("alignment grader")
ALIGNMENT_GRADERS.register("rule", RuleAlignmentGrader)
ALIGNMENT_GRADERS.register("llm", "rlpa_env.rewards.llm_judges:LLMAlignmentGrader")

__all__ = [
    "ALIGNMENT_GRADERS",
    "CRITERIA",
    "PROFILE_SCORERS",
    "RESPONSE_JUDGES",
    "AlignmentGrade",
    "AlignmentGrader",
    "JudgeContext",
    "LexicalProfileScorer",
    "ProfileScore",
    "ProfileScorer",
    "ResponseJudge",
    "ResponseScore",
    "RuleAlignmentGrader",
    "TraitMatch",
    "TurnOutcome",
]
