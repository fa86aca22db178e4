"""``RuleResponseJudge``: the five response criteria checked by rules over ``analyze_reply``.

The judge reads the same ``ReplySignals`` as the scripted user, so a reply the user complains
about fails here too. Each criterion means what it says; a constant reply, or a template with a
word of the user's slotted in, fails most turns. A criterion holds when:

- ``natural``: every sentence reads as coherent language (``ReplyReading.coherent``: the reader
  role's verdict; the default ``"rules"`` reader judges none incoherent, so that check is word-order
  blind), no markdown lecture, not over the user's word limit, no empty flattery, not copying
  the user (``copies_user``, the same bar the scripted user complains at), not repeating the
  agent's own earlier replies (``repeats_itself``) nor one of its own statements
  (``repeats_within``), at most ``max_questions`` questions, no request for the user's whole
  profile and no question about something the user already said.
- ``fits_interests``: raises no topic the user dislikes, contradicts nothing true about the user
  (``contradicted_fact_ids``: a dislike recalled as a like, a denied fact credited), keeps to the
  user's word limit, and is
  personal: it recalls something true about this user that is known (revealed earlier or
  correctly inferred) by a specific word the last message did not use; parroting the user's own
  word is not personalisation. While nothing about the user is known, an open invitation to share
  fits instead.
- ``answers_last_message``: engages what the user just said -- a sentence picks it up and adds
  something of its own (``engages_last_message``), a bare word match is not enough -- or answers
  the user's question with a statement; a message with nothing to pick up (a bare "hey.") needs
  nothing.
- ``engaging``: asks a question or invites the user to go on, with at most ``max_questions``
  questions.
- ``informative``: brings at least ``min_new_content_words`` content words the user never used,
  in a statement tied to the conversation or to a topic of this user (``on_topic_statement``).

Text addressed to a grader, judge, reward model or a fake transcript role (also when spelled with
hidden Unicode) voids the reply: every criterion fails, so appending such text can never raise any
score. The rationale is one short sentence naming each failed criterion and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from rlpa_env.reply_analysis import ReplySignals
from rlpa_env.rewards.base import CRITERIA, JudgeContext, ResponseScore

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
        signals = context.signals(reply)
        if signals.addresses_grader:
            return ResponseScore(criteria=dict.fromkeys(CRITERIA, False), rationale=_GRADER_RATIONALE)
        coherent = context.reading_of(reply).coherent
        reasons = self._failures(signals, coherent, context.recalled_fact_ids(reply), bool(context.known_fact_ids))
        criteria = {name: not reasons[name] for name in CRITERIA}
        failed = [f"{name} ({', '.join(reasons[name])})" for name in CRITERIA if reasons[name]]
        rationale = "Fails " + "; ".join(failed) + "." if failed else "Meets all five criteria."
        return ResponseScore(criteria=criteria, rationale=rationale)

    def _failures(
        self, signals: ReplySignals, coherent: bool, recalled: tuple[str, ...], anything_known: bool
    ) -> dict[str, list[str]]:
        """For each criterion, the reasons it fails (empty when it holds)."""
        wall_of_questions = signals.question_count > self.max_questions
        if anything_known:
            impersonal = (not recalled, "uses nothing known about this user")
        else:
            impersonal = (not signals.invites_reply, "no invitation to share while nothing is known")
        if signals.answers_user_question:
            ignores = False
        else:
            ignores = signals.last_message_has_content and not signals.engages_last_message
        checks: dict[str, list[tuple[bool, str]]] = {
            "natural": [
                (not coherent, "a sentence does not read as language"),
                (signals.markdown_lecture, "markdown lecture"),
                (signals.too_long and not signals.markdown_lecture, "too long for this user"),
                (signals.flattery, "empty flattery"),
                (signals.copies_user, "copies the user"),
                (signals.repeats_itself, "repeats its own earlier replies"),
                (signals.repeats_within, "says the same thing twice"),
                (wall_of_questions, "too many questions"),
                (signals.asks_for_profile, "asks for the whole profile"),
                (bool(signals.repeated_fact_ids), "asks again what the user said"),
            ],
            "fits_interests": [
                (bool(signals.disliked_fact_ids), "raises a disliked topic"),
                (bool(signals.contradicted_fact_ids), "contradicts what is true of this user"),
                (signals.too_long, "ignores the user's preferred length"),
                impersonal,
            ],
            "answers_last_message": [(ignores, "does not engage the last message")],
            "engaging": [
                (not signals.invites_reply, "no question or invitation"),
                (wall_of_questions, "too many questions"),
            ],
            "informative": [
                (signals.content_word_count < self.min_new_content_words, "adds too little of its own"),
                (not signals.on_topic_statement, "no statement tied to the conversation or the user"),
            ],
        }
        return {name: [reason for failed, reason in found if failed] for name, found in checks.items()}
