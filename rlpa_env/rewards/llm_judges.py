"""LLM-backed rewards: ``LLMJudgeProfileScorer`` (counts matched points), ``LLMResponseJudge`` and
``LLMAlignmentGrader`` (ALOE's 1..5 grade, ``prompts.ALIGNMENT_RUBRIC``, contrasted with distractors).

Each sends one prompt (texts in ``rlpa_env.prompts``: instructions, one worked example exchange,
then the real request, which ends with the answer's form to fill in) to a ``ChatBackend`` at
temperature 0 and reads a strict verdict of short ``name: value`` lines; retries
sample at ``RETRY_TEMPERATURE``. Seeds derive from the episode seed and the turn: the environment
hands each turn's seed to ``set_turn_seed`` and attempt ``k`` of that turn uses that seed plus ``k``
(seed ``k`` outside an environment), so a cached judge replays exactly and two turns do not share
one sample.

What the code enforces, whatever the model says:

- **Untrusted text is fenced.** Traits, replies, the transcript and the judged profile sit between
  two fence lines whose token (``prompts.fence_token``) is seeded by ``fence_seed`` and hashed from
  that very text, so the text cannot close the fence early.
- **Strict verdicts.** Profile: ``trait N: M`` or ``trait N: none``, every trait once, numbers in
  range. Response: ``name: yes|no`` for each of the five ``CRITERIA``, once each. Grade: ``grade:
  N`` with N in 1..5. Case, blank lines and a final full stop do not matter; any other line, a
  missing, repeated or unknown name, or a value out of range is a parse error. (Line verdicts
  because SmolLM2-135M almost never closed the JSON object it was first asked for; an answer that
  holds a ``{`` is still read as the JSON verdict: ``{"matches": [[trait, fact], ...]}``, the
  criteria as ``0``/``1``/``true``/``false`` with a ``rationale`` string, ``{"grade": N}``.) After a
  parse error the judge is asked again with the error appended (``max_retries`` times), then
  the turn scores 0, never a pass. ``ResponseScore.failure`` and ``ProfileScore.failure`` say why.
- **One-to-one matching.** Pairs are taken in the judge's order; a pair whose trait or fact is
  already used is skipped. Traits are counted from non-empty lines; P/R/F1 follow
  ``ProfileScore.from_counts``. The lexical scorer's gate applies first (``lexical.trait_key``): a
  hedged, ambivalent or bare category line, or a repeat of an earlier line after normalisation,
  can match nothing whatever the model says, and a block with no other line asks no model.
- **Injection never pays.** A reply that talks to a grader (``addresses_grader`` of the env's
  ``ReplyReading``, the one the user and the rule judges read), carries a
  verdict-shaped key such as ``"natural": 1`` or a line ``engaging: yes``, or contains a fence marker (``<<<``, ``>>>``,
  ``#DATA-``) gets every criterion false without asking the model: failing only ``natural`` would
  still let an obedient model raise the graded reward. A trait line showing the same signs can
  match nothing.

Verdicts are memoised per judge instance (bounded), so an agent that repeats its profile block
does not pay for a second model call: a verdict read at the greedy first attempt is reused for the
same request on any turn, one that needed sampled retries only on the same turn seed.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from typing import Any, Generic, TypeVar

from rlpa_env import prompts
from rlpa_env.backends.base import SEED_SPACE, ChatBackend, Messages
from rlpa_env.profiles.types import Fact, Profile
from rlpa_env.reading import ReplyReading
from rlpa_env.reply_analysis import addresses_grader
from rlpa_env.rewards.base import (
    CRITERIA,
    MAX_GRADE,
    MIN_GRADE,
    AlignmentGrade,
    JudgeContext,
    ProfileScore,
    ResponseScore,
    TraitMatch,
)
from rlpa_env.rewards.lexical import trait_key

JUDGE_MAX_TOKENS = 96
"""Enough for a line verdict on a dozen traits, or a JSON verdict with a one-sentence rationale."""
RETRY_TEMPERATURE = 0.7
TRANSCRIPT_MESSAGES = 6
"""How many of the latest transcript messages the response judge sees."""
_MEMO_SIZE = 1024

_VERDICT_KEY = re.compile(
    r"[\"']\s*(?:natural|fits_interests|answers_last_message|engaging|informative|matches|rationale)\s*[\"']\s*:"
    r"|\b(?:fits_interests|answers_last_message)\b"
)
_VERDICT_LINE_KEY = re.compile(
    r"^\W*(?:natural|fits_interests|answers_last_message|engaging|informative|grade|trait \d+)"
    r"\W*:\s*(?:yes|no|none|[0-9])\b",
    re.IGNORECASE | re.MULTILINE,
)
_VERDICT_LINE = re.compile(r"([a-z_]+(?: [0-9]+)?)\s*:\s*([a-z0-9]+)\.?")
_YES_NO = {"yes": True, "no": False}
_FENCE_MARK = re.compile(r"<<<|>>>|#data-", re.IGNORECASE)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class VerdictError(ValueError):
    """The judge model's answer is not a valid verdict; the message says what was wrong."""


class _Memo(Generic[K, V]):
    """A small least-recently-used memo owned by one judge (``lru_cache`` on a method would pin ``self``)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def find(self, key: K) -> V | None:
        """The value stored under ``key`` (now the most recently used), or ``None``."""
        if key not in self._items:
            return None
        self._items.move_to_end(key)
        return self._items[key]

    def put(self, key: K, value: V) -> None:
        """Store ``value``, dropping the least recently used entry beyond the size."""
        self._items[key] = value
        if len(self._items) > self._size:
            self._items.popitem(last=False)


def injection_reason(text: str, reading: ReplyReading | None = None) -> str | None:
    """Why ``text`` reads as an attempt to steer a grader, or ``None`` when it does not.

    ``reading`` is the env's reading of ``text`` when it is the judged reply: its
    ``addresses_grader`` is the one the user and the rule judges act on.
    """
    grader = reading.signals.addresses_grader if reading is not None else addresses_grader(text)
    if grader:
        return "the text addresses a grader or judge"
    if _VERDICT_KEY.search(text) or _VERDICT_LINE_KEY.search(text):
        return "the text contains a verdict-shaped key"
    if _FENCE_MARK.search(text):
        return "the text contains a fence marker"
    return None


def extract_json_object(text: str) -> dict[str, Any]:
    """The JSON object in ``text`` (from its first ``{`` to its last ``}``; a code fence around it is fine)."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0:
        raise VerdictError("no JSON object found")
    if end < start:
        raise VerdictError("unterminated JSON object (no closing brace)")
    try:
        value = json.loads(text[start : end + 1])
    except json.JSONDecodeError as error:
        raise VerdictError(f"invalid JSON ({error.msg})") from None
    if not isinstance(value, dict):
        raise VerdictError("the JSON value is not an object")
    return value


def verdict_lines(text: str) -> list[tuple[str, str]]:
    """The ``name: value`` lines of a line verdict, lower-cased, in order; blank lines are skipped.

    Every other line is an error: a model that adds a remark after its verdict has not answered in
    the format asked for, and guessing which of its lines were meant is how a judge gets gamed.
    """
    pairs = []
    for line in text.splitlines():
        if not line.strip():
            continue
        found = _VERDICT_LINE.fullmatch(line.strip().lower())
        if found is None:
            raise VerdictError(f"the line {line.strip()[:60]!r} is not 'name: value'")
        pairs.append((found[1], found[2]))
    if not pairs:
        raise VerdictError("empty answer")
    return pairs


def _once_each(pairs: Sequence[tuple[str, str]], names: Sequence[str]) -> dict[str, str]:
    """``pairs`` as a mapping that holds each of ``names`` exactly once and nothing else."""
    found: dict[str, str] = {}
    for name, value in pairs:
        if name not in names:
            raise VerdictError(f"unknown name {name!r}; expected {', '.join(names)}")
        if name in found:
            raise VerdictError(f"{name!r} is answered twice")
        found[name] = value
    missing = [name for name in names if name not in found]
    if missing:
        raise VerdictError(f"missing {missing}")
    return found


def parse_matches(text: str, n_traits: int, n_facts: int) -> list[tuple[int, int]]:
    """Read the profile verdict and return 0-based ``(trait, fact)`` pairs, in the judge's order.

    The verdict is one line per trait, ``trait N: M`` or ``trait N: none`` (1-based, every trait
    exactly once), or the JSON object ``{"matches": [[trait, fact], ...]}`` when the answer holds a ``{``.
    """
    if "{" not in text:
        names = [f"trait {n}" for n in range(1, n_traits + 1)]
        answers = _once_each(verdict_lines(text), names)
        pairs = []
        for trait, name in enumerate(names):
            value = answers[name]
            if value == "none":
                continue
            if not (value.isdigit() and 1 <= int(value) <= n_facts):
                raise VerdictError(f"{name}: {value!r} is neither none nor a fact number 1..{n_facts}")
            pairs.append((trait, int(value) - 1))
        return pairs
    verdict = extract_json_object(text)
    matches = verdict.get("matches")
    if not isinstance(matches, list):
        raise VerdictError('"matches" must be a list of [trait_number, fact_number] pairs')
    pairs = []
    for pair in matches:
        if not (isinstance(pair, list) and len(pair) == 2 and all(_is_int(n) for n in pair)):
            raise VerdictError(f"{json.dumps(pair)} is not a [trait_number, fact_number] pair of integers")
        trait, fact = pair
        if not (1 <= trait <= n_traits and 1 <= fact <= n_facts):
            raise VerdictError(f"pair {json.dumps(pair)} is out of range: traits 1..{n_traits}, facts 1..{n_facts}")
        pairs.append((trait - 1, fact - 1))
    return pairs


def parse_criteria(text: str) -> tuple[dict[str, bool], str]:
    """Read the response verdict: each of ``CRITERIA`` once, and a rationale (empty for a line verdict).

    The verdict is five ``name: yes|no`` lines, or, when the answer holds a ``{``, the JSON object
    with each criterion as 0/1/true/false and a ``rationale`` string.
    """
    if "{" not in text:
        answers = _once_each(verdict_lines(text), CRITERIA)
        bad = {name: value for name, value in answers.items() if value not in _YES_NO}
        if bad:
            raise VerdictError(f"each criterion must be yes or no, got {bad}")
        return {name: _YES_NO[answers[name]] for name in CRITERIA}, ""
    verdict = extract_json_object(text)
    missing = [name for name in CRITERIA if name not in verdict]
    if missing:
        raise VerdictError(f"missing criteria {missing}")
    criteria = {}
    for name in CRITERIA:
        value = verdict[name]
        if isinstance(value, bool) or (_is_int(value) and value in (0, 1)):
            criteria[name] = bool(value)
        else:
            raise VerdictError(f"criterion {name!r} must be 0 or 1, got {json.dumps(value)}")
    rationale = verdict.get("rationale", "")
    if not isinstance(rationale, str):
        raise VerdictError('"rationale" must be a string')
    return criteria, rationale


def parse_grade(text: str) -> tuple[int, str]:
    """Read the alignment verdict: the line ``grade: N``, or ``{"grade": N, "rationale": str}``; N in 1..5."""
    if "{" not in text:
        value = _once_each(verdict_lines(text), ["grade"])["grade"]
        if not (value.isdigit() and MIN_GRADE <= int(value) <= MAX_GRADE):
            raise VerdictError(f"the grade must be an integer {MIN_GRADE}..{MAX_GRADE}, got {value!r}")
        return int(value), ""
    verdict = extract_json_object(text)
    grade = verdict.get("grade")
    if not (_is_int(grade) and MIN_GRADE <= grade <= MAX_GRADE):
        raise VerdictError(f'"grade" must be an integer {MIN_GRADE}..{MAX_GRADE}, got {json.dumps(grade)}')
    rationale = verdict.get("rationale", "")
    if not isinstance(rationale, str):
        raise VerdictError('"rationale" must be a string')
    return grade, rationale


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _ask(
    backend: ChatBackend, messages: Messages, parse: Callable[[str], V], max_retries: int, seed: int = 0
) -> tuple[V | None, str | None, bool]:
    """Ask until ``parse`` accepts: ``(value, None, greedy)``, or after the retries ``(None, reason, False)``.

    The first attempt is greedy (``greedy`` says the value came from it). A retry appends the bad answer
    and what was wrong with it, and samples at ``RETRY_TEMPERATURE`` with seed ``seed + attempt``: a
    greedy model tends to repeat a bad answer word for word, and a seed fixed by the turn keeps
    retries replayable from a cache.
    """
    conversation = [dict(m) for m in messages]
    error = "no attempt made"
    for attempt in range(max_retries + 1):
        temperature = 0.0 if attempt == 0 else RETRY_TEMPERATURE
        attempt_seed = (seed + attempt) % SEED_SPACE
        answer = backend.complete(conversation, max_tokens=JUDGE_MAX_TOKENS, temperature=temperature, seed=attempt_seed)
        try:
            return parse(answer), None, attempt == 0
        except VerdictError as problem:
            error = str(problem)
        conversation += [
            {"role": "assistant", "content": answer},
            {"role": "user", "content": prompts.JUDGE_CORRECTION.format(error=error)},
        ]
    return None, f"unparseable verdict after {max_retries + 1} attempts: {error}", False


class _ModelJudge:
    """What both LLM judges share: the backend, retries, fence seed, turn seed and verdict memo."""

    def __init__(self, backend: str | ChatBackend | None = None, *, max_retries: int = 2, fence_seed: int = 0) -> None:
        if max_retries < 0:
            raise ValueError(f"max_retries must be >= 0, got {max_retries}")
        from rlpa_env.backends.config import EMBEDDED, resolve_backend

        self.backend = resolve_backend(EMBEDDED if backend is None else backend)
        self.max_retries = max_retries
        self.fence_seed = fence_seed
        self.turn_seed = 0
        self._memo: _Memo[Hashable, Any] = _Memo(_MEMO_SIZE)

    def set_turn_seed(self, seed: int | None) -> None:
        """Seed the coming verdicts (the environment calls this each turn with a seed of episode seed and turn)."""
        self.turn_seed = 0 if seed is None else seed

    def _verdict(self, request: Hashable, compute: Callable[[], tuple[V, bool]]) -> V:
        """The memoised verdict on ``request``; ``compute`` returns it and whether the greedy attempt gave it."""
        seeded = (request, self.turn_seed)
        known = self._memo.find(request)
        if known is None:
            known = self._memo.find(seeded)
        if known is not None:
            return known
        value, greedy = compute()
        self._memo.put(request if greedy else seeded, value)
        return value


class LLMJudgeProfileScorer(_ModelJudge):
    """Counts which inferred traits state a hidden fact, with a chat model as the judge (the paper's reward).

    Args:
        backend: A ``ChatBackend``, a backend setting (``"embedded"``, a registered name, a local path; see
            ``rlpa_env.backends.config``), or ``None`` for the embedded local model.
        max_retries: Extra attempts after an unparseable verdict before the turn scores 0.
        fence_seed: Seeds the fence tokens around untrusted text.

    A turn scored 0 for an unusable verdict carries the reason in ``ProfileScore.failure``.
    """

    def score(self, traits: Sequence[str], facts: Sequence[Fact]) -> ProfileScore:
        """Match traits to facts one-to-one as the judge says; P/R/F1 over non-empty trait lines."""
        return self._verdict((tuple(traits), tuple(facts)), lambda: self._score(traits, facts))

    def _score(self, traits: Sequence[str], facts: Sequence[Fact]) -> tuple[ProfileScore, bool]:
        lines = [(index, trait.strip()) for index, trait in enumerate(traits) if trait.strip()]
        if not lines or not facts:
            return ProfileScore.from_counts(0, len(lines), len(facts)), True
        texts = [text for _, text in lines]
        keys = [trait_key(text) for text in texts]
        eligible = {i for i, key in enumerate(keys) if key is not None and keys.index(key) == i}
        if not eligible:
            return ProfileScore.from_counts(0, len(lines), len(facts)), True
        messages = [
            {"role": "system", "content": prompts.PROFILE_JUDGE_SYSTEM},
            {
                "role": "user",
                "content": _profile_request(
                    prompts.PROFILE_JUDGE_EXAMPLE_FACTS, prompts.PROFILE_JUDGE_EXAMPLE_TRAITS, self.fence_seed
                ),
            },
            {"role": "assistant", "content": prompts.PROFILE_JUDGE_EXAMPLE_ANSWER},
            {"role": "user", "content": _profile_request([fact.text for fact in facts], texts, self.fence_seed)},
        ]
        pairs, failure, greedy = _ask(
            self.backend,
            messages,
            lambda text: parse_matches(text, len(lines), len(facts)),
            self.max_retries,
            self.turn_seed,
        )
        if pairs is None:
            return ProfileScore.from_counts(0, len(lines), len(facts), failure=failure), False
        used_traits: set[int] = set()
        used_facts: set[int] = set()
        matches = []
        for trait, fact in pairs:
            if trait in used_traits or fact in used_facts or trait not in eligible:
                continue
            if injection_reason(texts[trait]):
                continue
            used_traits.add(trait)
            used_facts.add(fact)
            matches.append(TraitMatch(trait_index=lines[trait][0], fact_id=facts[fact].id, similarity=1.0))
        return ProfileScore.from_counts(len(matches), len(lines), len(facts), tuple(matches)), greedy


class LLMResponseJudge(_ModelJudge):
    """Checks the five response criteria with a chat model; a failed or gamed verdict never passes.

    Args:
        backend: A ``ChatBackend``, a backend setting (``"embedded"``, a registered name, a local path; see
            ``rlpa_env.backends.config``), or ``None`` for the embedded local model.
        max_retries: Extra attempts after an unparseable verdict before the turn fails.
        fence_seed: Seeds the fence tokens around untrusted text.
    """

    def judge(self, context: JudgeContext, reply: str) -> ResponseScore:
        """Grade ``reply`` against ``context`` (``context.profile`` is whichever profile the env lets it see)."""
        transcript = tuple((m["role"], m["content"]) for m in context.messages[-TRANSCRIPT_MESSAGES:])
        return self._verdict((transcript, context.profile, reply), lambda: self._judge(context, transcript, reply))

    def _judge(
        self, context: JudgeContext, transcript: tuple[tuple[str, str], ...], reply: str
    ) -> tuple[ResponseScore, bool]:
        reason = injection_reason(reply, context.reading_of(reply))
        if reason:
            return ResponseScore(dict.fromkeys(CRITERIA, False), rationale=f"not graded: {reason}"), True
        speaker = {"user": "Person", "assistant": "Assistant"}
        transcript_text = "\n".join(f"{speaker.get(role, role)}: {text}" for role, text in transcript)
        example = _response_request(
            prompts.RESPONSE_JUDGE_EXAMPLE_PROFILE,
            prompts.RESPONSE_JUDGE_EXAMPLE_TRANSCRIPT,
            prompts.RESPONSE_JUDGE_EXAMPLE_REPLY,
            self.fence_seed,
        )
        messages = [
            {"role": "system", "content": prompts.RESPONSE_JUDGE_SYSTEM},
            {"role": "user", "content": example},
            {"role": "assistant", "content": prompts.RESPONSE_JUDGE_EXAMPLE_ANSWER},
            {
                "role": "user",
                "content": _response_request(
                    describe_profile(context.profile), transcript_text, reply, self.fence_seed
                ),
            },
        ]
        verdict, failure, greedy = _ask(self.backend, messages, parse_criteria, self.max_retries, self.turn_seed)
        if verdict is None:
            return ResponseScore(dict.fromkeys(CRITERIA, False), failure=failure), False
        criteria, rationale = verdict
        return ResponseScore(criteria, rationale=rationale), greedy


class LLMAlignmentGrader(_ModelJudge):
    """ALOE's alignment grade from a chat model, made contrastive with the context's distractors.

    The model grades the reply (``prompts.ALIGNMENT_RUBRIC``) against the true profile and against
    each of ``context.distractors``. A true grade of 1 stays 1 (a misfit); otherwise the grade is
    ``2 + true - mean(distractor grades)``, rounded and clamped to 2..5, so a reply that would suit
    anyone, or stuffs in keywords that fit everyone, gets 2. One call per profile: ``1 +
    len(distractors)`` calls per turn. Text aimed at a grader is graded 1 without asking; a verdict
    that never parses gives grade 1 with ``failure`` set.

    Args:
        backend: A ``ChatBackend``, a backend setting (``"embedded"``, a registered name, a local path; see
            ``rlpa_env.backends.config``), or ``None`` for the embedded local model.
        max_retries: Extra attempts after an unparseable verdict.
        fence_seed: Seeds the fence tokens around untrusted text.
    """

    def grade(self, context: JudgeContext, reply: str) -> AlignmentGrade:
        """Grade ``reply`` 1..5 for ``context.profile``, contrasted with ``context.distractors``."""
        reason = injection_reason(reply, context.reading_of(reply))
        if reason:
            return AlignmentGrade(MIN_GRADE, rationale=f"not graded: {reason}")
        speaker = {"user": "Person", "assistant": "Assistant"}
        transcript = "\n".join(
            f"{speaker.get(m['role'], m['role'])}: {m['content']}" for m in context.messages[-TRANSCRIPT_MESSAGES:]
        )
        example = _response_request(
            prompts.RESPONSE_JUDGE_EXAMPLE_PROFILE,
            prompts.RESPONSE_JUDGE_EXAMPLE_TRANSCRIPT,
            prompts.ALIGNMENT_EXAMPLE_REPLY,
            self.fence_seed,
            prompts.ALIGNMENT_QUESTION,
        )
        grades = []
        for profile in (context.profile, *context.distractors):
            request = _response_request(
                describe_profile(profile), transcript, reply, self.fence_seed, prompts.ALIGNMENT_QUESTION
            )
            messages = [
                {"role": "system", "content": prompts.ALIGNMENT_RUBRIC},
                {"role": "user", "content": example},
                {"role": "assistant", "content": prompts.ALIGNMENT_EXAMPLE_ANSWER},
                {"role": "user", "content": request},
            ]
            verdict, failure, _ = _ask(self.backend, messages, parse_grade, self.max_retries, self.turn_seed)
            if verdict is None:
                return AlignmentGrade(MIN_GRADE, failure=failure)
            grades.append(verdict)
        own, rationale = grades[0]
        if own == MIN_GRADE or not context.distractors:
            return AlignmentGrade(own, rationale=rationale)
        chance = sum(grade for grade, _ in grades[1:]) / len(context.distractors)
        contrasted = min(MAX_GRADE, max(MIN_GRADE + 1, round(2 + own - chance)))
        return AlignmentGrade(contrasted, margin=own - chance, rationale=rationale)


def _profile_request(facts: Sequence[str], traits: Sequence[str], fence_seed: int) -> str:
    return prompts.PROFILE_JUDGE_REQUEST.format(
        facts="\n".join(f"{n}. {fact}" for n, fact in enumerate(facts, 1)),
        traits="\n".join(f"{n}. {trait}" for n, trait in enumerate(traits, 1)),
        token=prompts.fence_token(fence_seed, *traits),
        form="\n".join(f"trait {n}: ?" for n in range(1, len(traits) + 1)),
    )


def _response_request(
    profile: str, transcript: str, reply: str, fence_seed: int, question: str = prompts.RESPONSE_JUDGE_QUESTION
) -> str:
    # One token per block, each hashed from its own block: the profile block (and its token) stays the
    # same all episode, so a server's prefix cache can reuse the prompt up to the transcript.
    return prompts.RESPONSE_JUDGE_REQUEST.format(
        profile=profile,
        profile_token=prompts.fence_token(fence_seed, profile),
        transcript=transcript,
        transcript_token=prompts.fence_token(fence_seed, transcript),
        reply=reply,
        reply_token=prompts.fence_token(fence_seed, reply),
        question=question,
    )


def describe_profile(profile: Profile) -> str:
    """The profile as the response judge reads it: one fact per line, then the style preferences."""
    lines = [f"- {fact.text}" for fact in profile.facts]
    lines.append(f"- prefers {profile.style.verbosity} answers in a {profile.style.tone} tone")
    return "\n".join(lines)
