"""``RuleResponseJudge``: the five response criteria checked by rules over ``analyze_reply``.

The judge reads the same ``ReplySignals`` as the scripted user, so a reply the user complains
about fails here too. A criterion holds when:

- ``natural``: no markdown lecture, not over the user's word limit, no empty flattery, not copying
  the user (``copies_user``, the same bar the scripted user complains at), at most
  ``max_questions`` questions, no request for the user's whole profile and no question about
  something the user already said.
- ``fits_interests``: raises no topic the user dislikes and keeps to the user's word limit.
- ``answers_last_message``: picks up a content word of the last user message, or makes a statement
  when that message asked something, or that message had nothing to pick up (a bare "hey.").
- ``engaging``: asks a question or invites the user to go on, with at most ``max_questions``
  questions.
- ``informative``: brings at least ``min_new_content_words`` content words the user never used.

Text addressed to a grader, judge, reward model or a fake transcript role voids the reply: every
criterion fails, so appending such text can never raise any score. The rationale is one short
sentence naming each failed criterion and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from rlpa_env.rewards.base import CRITERIA, JudgeContext, ResponseScore
from rlpa_env.signals import ReplySignals, signals_for_context

_GRADER_RATIONALE = "All criteria fail: the reply addresses a grader instead of the user."


@dataclass(frozen=True)
class RuleResponseJudge:
    """A rule-based ``ResponseJudge`` (the default); the module docstring states the rules.

    Args:
        max_questions: More questions than this is a wall of questions (not natural, not engaging).
        min_new_content_words: Content words the user never used that an informative reply brings.
    """

    max_questions: int = 2
    min_new_content_words: int = 3

    def __post_init__(self) -> None:
        if self.max_questions < 1:
            raise ValueError(f"max_questions must be at least 1, got {self.max_questions!r}")
        if self.min_new_content_words < 0:
            raise ValueError(f"min_new_content_words must be non-negative, got {self.min_new_content_words!r}")

    def judge(self, context: JudgeContext, reply: str) -> ResponseScore:
        """Check ``reply`` against the five criteria given ``context``."""
        signals = signals_for_context(context, reply)
        if signals.addresses_grader:
            return ResponseScore(criteria=dict.fromkeys(CRITERIA, False), rationale=_GRADER_RATIONALE)
        reasons = self._failures(signals)
        criteria = {name: not reasons[name] for name in CRITERIA}
        failed = [f"{name} ({', '.join(reasons[name])})" for name in CRITERIA if reasons[name]]
        rationale = "Fails " + "; ".join(failed) + "." if failed else "Meets all five criteria."
        return ResponseScore(criteria=criteria, rationale=rationale)

    def _failures(self, signals: ReplySignals) -> dict[str, list[str]]:
        """For each criterion, the reasons it fails (empty when it holds)."""
        wall_of_questions = signals.question_count > self.max_questions
        checks: dict[str, list[tuple[bool, str]]] = {
            "natural": [
                (signals.markdown_lecture, "markdown lecture"),
                (signals.too_long and not signals.markdown_lecture, "too long for this user"),
                (signals.flattery, "empty flattery"),
                (signals.copies_user, "copies the user"),
                (wall_of_questions, "too many questions"),
                (signals.asks_for_profile, "asks for the whole profile"),
                (bool(signals.repeated_fact_ids), "asks again what the user said"),
            ],
            "fits_interests": [
                (bool(signals.disliked_fact_ids), "raises a disliked topic"),
                (signals.too_long, "ignores the user's preferred length"),
            ],
            "answers_last_message": [
                (
                    signals.last_message_has_content
                    and not signals.acknowledges_user
                    and not signals.answers_user_question,
                    "ignores the last message",
                ),
            ],
            "engaging": [
                (not signals.invites_reply, "no question or invitation"),
                (wall_of_questions, "too many questions"),
            ],
            "informative": [
                (signals.content_word_count < self.min_new_content_words, "adds too little of its own"),
            ],
        }
        return {name: [reason for failed, reason in found if failed] for name, found in checks.items()}
