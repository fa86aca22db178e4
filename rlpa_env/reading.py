"""The one reading of an agent's reply per turn: ``ReplyReading``, shared by the user and every judge.

The env reads each step's reply once, with ``read_reply``, and hands the record to the user
(``DialogueState.reading``, while ``respond`` runs) and to every judge and grader
(``JudgeContext.reading``). Nobody reads the reply a second way, so the user cannot complain about
a reply the judges pass for the opposite reason. A reading has two layers:

- **Rules** (``rlpa_env.reply_analysis``): ``signals``, the ``ReplySignals`` of the reply against
  the *true* profile and the transcript (known facts = revealed facts): format, length, repetition,
  copying, injection, which facts a sentence names. ``sentences`` is the rules' sentence split.
- **A reader** (the ``reader`` role, ``READERS``): a ``ReplyReader`` judges whether the sentences
  read as coherent language and returns a ``ReaderVerdict`` (its summary ``coherent``, with the
  reading of each unit); a reply with no sentence is not read. The reader sees the sentences only,
  never a profile. ``"rules"`` judges nothing by a model: every reply is coherent, so the reading is
  blind to word order (a shuffle of a good reply reads like the reply). ``"language-model"``
  (``rlpa_env.language_model_reading``) contrasts each sentence's likelihood under the embedded
  model with reorderings of its own words, which is what word salad fails.

**What depends on the profile, and the inferred-profile judge.** The text layer (words, questions,
markdown, copying, repetition, flattery, requests for the profile, grader injection,
acknowledgement, content words, invitations) and the reader's verdict are facts of the reply and
the transcript: they are the same for every profile. The rest is relative to a profile
(``PROFILE_RELATIVE_FIELDS``: the fact ids a reply mentions, asks, raises, repeats, recalls or
contradicts, the
length limit and the markdown lecture it sets, engagement through a fact the last message named,
and a statement tied to a topic of this user). The record holds that part for the true profile
only, so the reading does not depend on which profile a judge sees. A judge shown another profile
(``judge_sees="inferred"``) asks ``signals_for(profile)``: the profile-relative fields are derived
from the same inputs by the same rules against that profile, and every other field is this
reading's own value, so the judge and the user can differ only where their profiles differ, and
they share one reader verdict. Without that derived part the inferred-profile judge could not
judge fit at all.

``read_reply(reply, profile, messages, revealed_fact_ids, reader=...)`` builds a reading outside
the env too (a calibration set, a test); with the same arguments it equals the env's.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace

from rlpa_env.profiles.types import Profile
from rlpa_env.reader_verdict import ReaderVerdict, ReplyReader
from rlpa_env.registry import Registry
from rlpa_env.reply_analysis import ReplySignals, analyze_reply, split_sentences

PROFILE_RELATIVE_FIELDS: tuple[str, ...] = (
    "markdown_lecture",
    "too_long",
    "mentioned_fact_ids",
    "asked_fact_ids",
    "disliked_fact_ids",
    "repeated_fact_ids",
    "recalled_fact_ids",
    "contradicted_fact_ids",
    "engages_last_message",
    "on_topic_statement",
)
"""The ``ReplySignals`` fields whose value depends on the profile the reply is read against."""


@dataclass(frozen=True)
class RulesReader:
    """The default ``ReplyReader``: it judges nothing by a model, so every sentence is coherent."""

    def read(self, sentences: tuple[str, ...]) -> ReaderVerdict:
        """A coherent verdict that measured nothing."""
        return ReaderVerdict()


READERS: Registry[ReplyReader] = Registry("reply reader")
READERS.register("rules", RulesReader)
READERS.register("language-model", "rlpa_env.language_model_reading:language_model_reader")

_RULES_READER = RulesReader()


@dataclass(frozen=True)
class ReplyReading:
    """One reply read once: the rule signals against the true profile and the reader's verdict.

    Attributes:
        reply: The text read (the parsed reply, or the raw turn when it did not parse).
        profile: The profile ``signals`` is relative to (the episode's true profile).
        user_messages: The user's messages so far, oldest first; the last is the one answered.
        agent_messages: The agent's earlier replies, oldest first.
        revealed_fact_ids: Facts of ``profile`` the user had disclosed before this reply.
        sentences: The reply's sentences (``reply_analysis.split_sentences``), the reader's input.
        signals: ``analyze_reply`` of the reply against ``profile`` and the transcript.
        verdict: The reader's verdict on ``sentences``.
    """

    reply: str
    profile: Profile
    user_messages: tuple[str, ...]
    agent_messages: tuple[str, ...]
    revealed_fact_ids: tuple[str, ...]
    sentences: tuple[str, ...]
    signals: ReplySignals
    verdict: ReaderVerdict

    def __deepcopy__(self, memo: dict[int, object]) -> ReplyReading:
        return self  # immutable all the way down: a snapshot can share it

    @property
    def coherent(self) -> bool:
        """The reader judged every sentence coherent."""
        return self.verdict.coherent

    def signals_for(self, profile: Profile) -> ReplySignals:
        """The signals as read against ``profile``: ``signals`` itself for the reading's own profile.

        For another profile (a judge shown the agent's inferred profile) only the
        ``PROFILE_RELATIVE_FIELDS`` are read again, against ``profile`` with this reading's
        transcript; every other field keeps this reading's value (see the module docstring).
        """
        if profile is self.profile or profile == self.profile:
            return self.signals
        other = analyze_reply(
            self.reply, profile, self.user_messages, self.revealed_fact_ids, agent_messages=self.agent_messages
        )
        return replace(self.signals, **{name: getattr(other, name) for name in PROFILE_RELATIVE_FIELDS})


def read_reply(
    reply: str,
    profile: Profile,
    messages: Sequence[Mapping[str, str]] = (),
    revealed_fact_ids: Collection[str] = (),
    *,
    reader: ReplyReader | None = None,
) -> ReplyReading:
    """Read ``reply`` to the transcript ``messages`` (``{"role", "content"}`` dicts, oldest first).

    ``profile`` is the true profile and ``revealed_fact_ids`` the facts disclosed so far; ``reader``
    judges the sentences (the ``"rules"`` reader when ``None``).
    """
    if not isinstance(reply, str):
        raise TypeError(f"reply must be a str, got {type(reply).__name__}")
    user_messages = tuple(message["content"] for message in messages if message["role"] == "user")
    agent_messages = tuple(message["content"] for message in messages if message["role"] == "assistant")
    revealed = tuple(revealed_fact_ids)
    sentences = split_sentences(reply)
    verdict = (reader or _RULES_READER).read(sentences) if sentences else ReaderVerdict()
    if not isinstance(verdict, ReaderVerdict):
        raise TypeError(f"{type(reader).__name__}.read returned {type(verdict).__name__}, expected a ReaderVerdict")
    return ReplyReading(
        reply=reply,
        profile=profile,
        user_messages=user_messages,
        agent_messages=agent_messages,
        revealed_fact_ids=revealed,
        sentences=sentences,
        signals=analyze_reply(reply, profile, user_messages, revealed, agent_messages=agent_messages),
        verdict=verdict,
    )
