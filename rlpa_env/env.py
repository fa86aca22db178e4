"""``RLPAEnv``: a personalised-dialogue episode with a simulated user and a dual reward."""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Literal

import gymnasium as gym
import numpy as np

from rlpa_env.backends.base import SEED_SPACE, ChatBackend, turn_seed
from rlpa_env.parsing import ParsedTurn, TurnFormatError, parse_turn
from rlpa_env.profiles.aloe import inferred_profile
from rlpa_env.profiles.bank import ProfileBank
from rlpa_env.profiles.io import load_jsonl
from rlpa_env.profiles.types import Fact, Profile
from rlpa_env.reader_verdict import BatchReader, ReplyReader
from rlpa_env.reading import ReplyReading, read_reply
from rlpa_env.reply_analysis import split_sentences
from rlpa_env.rewards.base import (
    AlignmentGrader,
    JudgeContext,
    ProfileRewardMode,
    ProfileScore,
    ProfileScorer,
    ResponseJudge,
    ResponseRewardMode,
    TurnOutcome,
)
from rlpa_env.roles import ROLE_ARGUMENTS, ROLES, build_roles, role_choices, shared_backend, turn_seeded
from rlpa_env.scenarios import SCENARIOS, Scenario, announce_shift, likes_by_category, shift_preference
from rlpa_env.spaces import UnicodeText
from rlpa_env.users.base import DialogueState, UserSimulator

MAX_OBSERVATION_LENGTH = 4096
DISTRACTORS = 4
"""Other users' profiles an alignment grade is contrasted with."""

PUBLIC_INFO_KEYS: tuple[str, ...] = ("turn", "scenario", "messages", "format_ok", "format_error")
"""The ``info`` keys a benchmarked agent sees (``public_info``): the transcript, the turn and format
feedback. Scores are left out: reading them each turn would let an agent group-test its guesses."""


def public_info(info: Mapping[str, Any]) -> dict[str, Any]:
    """The public view of an ``RLPAEnv`` ``info`` dict: only ``PUBLIC_INFO_KEYS`` (those present)."""
    return {key: info[key] for key in PUBLIC_INFO_KEYS if key in info}


@dataclass
class _Episode:
    """The mutable per-episode state; ``get_state`` snapshots it whole."""

    dialogue: DialogueState
    scenario: Scenario
    seed: int
    distractors: tuple[Profile, ...] = ()
    last_outcome: TurnOutcome | None = None
    previous_f1: float = 0.0
    done: bool = False
    shifted_fact_ids: tuple[str, str] | None = None
    history: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class EnvState:
    """An opaque snapshot of an ``RLPAEnv`` episode, restored with ``RLPAEnv.set_state``."""

    episode: _Episode


class RLPAEnv(gym.Env[str, str]):
    """A chat agent infers a simulated user's hidden profile while keeping the user engaged.

    ## Description

    RLPA (Reinforcement Learning for Personalized Alignment, Zhao et al. 2025) trains a chat model by
    letting it talk to a simulated user who holds a hidden profile: 8 to 14 facts (occupation, pets,
    diet, likes, dislikes, style preferences, ...). Each turn the agent writes what it now believes
    about the user and a reply. The user starts cold and reveals at most about 15% of its profile per
    message, and only what the agent's turn made relevant; personal facts need rapport first. It says
    bluntly when the agent raises a disliked topic, repeats a question, flatters, lectures or copies,
    refuses to hand over its profile when asked outright, and leaves when rapport collapses.

    ## Action Space

    A ``str`` (``UnicodeText``, any Unicode up to ``max_action_length`` characters) in the turn format::

        <profile>
        - trait one
        - trait two
        </profile>

        <response>
        the reply to the user
        </response>

    Tags are case-insensitive and whitespace-tolerant; bullets ``-``, ``*``, ``•`` or ``1.`` are
    stripped. A string that does not parse (or is longer than ``max_action_length``) is a format error:
    reward 0, ``info["format_ok"] = False``, ``info["format_error"]`` says why, and the user still reacts
    to the raw text. A non-``str`` action raises ``TypeError``.

    ## Observation Space

    A ``str`` (``UnicodeText`` up to 4096 characters): the user's latest message. The whole public
    transcript is in ``info["messages"]``.

    ## Starting State

    ``reset`` draws a profile uniformly from the split's bank with ``np_random`` (``options`` may pin
    ``profile_id``, pass a ``profile`` (``Profile`` or its dict), or pick a ``scenario``) and returns the
    user's cold opening, which reveals nothing.

    ## Rewards

    ``reward = profile_weight * R_profile + response_weight * R_response`` (defaults 1 and 1: [0, 2]).

    - ``R_profile``: F1 of the inferred traits against the hidden facts under one-to-one matching
      (``profile_reward="f1"``, the paper), or its change since the last parsed turn (``"delta"``; the
      deltas sum to the last parsed turn's F1).
    - ``R_response``: 1 when the reply is natural, fits the user's interests, answers the last
      message, is engaging and informative, else 0 (``response_reward="binary"``, the paper), or the
      fraction of those five that hold (``"graded"``).
    - A turn that does not parse earns 0.

    ## Episode End

    - Termination: the user ends the chat (rapport collapsed); ``info["stop_reason"] == "user_ended"``.
    - Truncation: after ``max_turns`` agent turns (10 by default, 50 in the long-horizon scenario);
      ``info["stop_reason"] == "max_turns"``.

    ## Information

    ``reset`` and ``step`` return ``turn`` (agent turns taken), ``scenario`` and ``messages`` (the
    public transcript as ``{"role", "content"}`` dicts); ``step`` adds ``format_ok``,
    ``format_error``, ``reward_profile``, ``reward_response``, ``profile_precision``,
    ``profile_recall``, ``profile_f1``, ``profile_f1_revealed`` (the same matching scored against the
    facts disclosed *before* this turn), ``response_criteria`` (criterion -> bool), ``alignment`` (the
    turn's 1..5 alignment grade: how well the reply fits this user, contrasted with
    ``DISTRACTORS`` other users), ``user_reaction`` and ``stop_reason``. The score keys are
    ``TurnOutcome.info()`` of the turn's frozen ``TurnOutcome`` (``rewards.base``), the one record
    of a scored turn; ``last_outcome`` holds it. ``info`` stays JSON-serialisable.

    *Public keys*: ``turn``, ``scenario``, ``messages``, ``format_ok`` and ``format_error``
    (``PUBLIC_INFO_KEYS``; ``public_info(info)`` keeps only them). They carry nothing that identifies
    the hidden profile; ``evaluate()`` hands agents only this view. The score keys are for trainers:
    an agent that reads them each turn can group-test its guesses.

    With ``privileged_info=True`` (for analysis and oracle agents only) ``info`` also holds
    ``privileged``: ``{"profile_id": str, "profile": Profile.to_dict(), "revealed_fact_ids": [...],
    "judge_rationale": str, "alignment_rationale": str, "matched_fact_ids": [...],
    "shifted_fact_ids": [old, new] or []}``. The hidden profile and its bank id appear nowhere else.

    ## Arguments

    ``gymnasium.make("RLPA-v0", **kwargs)`` accepts:

    - ``split``: ``"train"`` or ``"test"`` profiles of ``bank`` (default the shipped bank).
    - ``bank``: a ``ProfileBank``; ``profiles``: a sequence of ``Profile``, or the path of a profile JSONL
      file (``save_jsonl``, ``rlpa-env import-personas``), used instead of a split.
    - ``user``: ``"scripted"`` (default), ``"llm"`` or a ``UserSimulator``; ``user_kwargs`` for a named one.
    - ``profile_scorer``: ``"lexical"`` (default), ``"embedding"``, ``"llm"`` or a ``ProfileScorer``;
      ``profile_scorer_kwargs`` for a named one, e.g. ``profile_scorer="llm",
      profile_scorer_kwargs={"backend": "openai", "max_retries": 1}``.
    - ``response_judge``: ``"rule"`` (default), ``"llm"`` or a ``ResponseJudge``; ``response_judge_kwargs``
      for a named one.
    - ``alignment_grader``: ``"rule"`` (default), ``"llm"`` or an ``AlignmentGrader``;
      ``alignment_grader_kwargs`` for a named one.
    - ``reader``: ``"rules"`` (the v0 ids' default: no reply is judged incoherent, so the reading is
      blind to word order and shuffled words read like the reply), ``"language-model"`` (the v1 and
      v2 text ids' default: the embedded SmolLM2 contrasts each sentence with reorderings of its own
      words and, from v2 on, with swaps of neighbouring words; ``reader_kwargs`` takes
      ``rlpa_env.language_model_reading.CoherenceSettings`` fields; the v1 ids set
      ``swap_threshold=None``, so a ``reader`` object given to a v1 id needs ``reader_kwargs={}``)
      or a ``ReplyReader``. It reads a parsed reply's sentences into the turn's ``ReplyReading``
      (``rlpa_env.reading``), which the user and every judge share: an incoherent reply fails
      ``natural``, earns alignment 1, and the user says it lost the thread and reveals nothing.
    - The roles above are the rows of ``rlpa_env.roles.ROLES``; a role object that has
      ``set_turn_seed`` (``roles.TurnSeeded``) gets ``turn_seed(episode seed, turn)`` every step.
    - ``backend``: one setting for every role named ``"llm"`` (user, profile scorer, response judge,
      alignment grader; a row's ``model_names``) whose kwargs choose no backend:
      ``"embedded"`` (the shipped SmolLM2), a server URL (``"http://127.0.0.1:8080/v1"``, with
      ``backend_kwargs={"model": ...}``), a local model path or a ``ChatBackend``; ``backend_kwargs``
      may add ``cache_path`` and backend options (see ``rlpa_env.backends.config``).
      ``gymnasium.make("RLPA-LLM-v0", backend="embedded")`` runs the user and both judges on one model.
    - ``judge_sees``: ``"true"`` (default) judges fit against the hidden profile; ``"inferred"``
      against the agent's own traits, as the paper's code does.
    - ``scenario``: ``"standard"``, ``"preference-shift"``, ``"long-horizon"`` or ``"cold-start"``.
    - ``max_turns``: overrides the scenario's turn limit.
    - ``profile_reward`` (``"f1"`` | ``"delta"``), ``response_reward`` (``"binary"`` | ``"graded"``),
      ``profile_weight``, ``response_weight``.
    - ``privileged_info``: add ``info["privileged"]`` (see Information).
    - ``max_action_length``: longest accepted action (default 16384 characters).
    - ``render_mode``: ``"ansi"`` (``render`` returns the transcript) or ``"human"`` (prints it).

    ## Version History

    The rule (Gymnasium's): any change that changes the scores or the episodes of a seed bumps the
    id's version (``RLPA-v1``, ...; every variant with it), so runs under one id stay comparable.
    The old behaviour stays reachable where that is cheap (the old id, or an argument restoring
    it), and this list says what changed. A change that keeps every score and episode keeps the
    version.

    - v0: initial release. The profile's bank id moved under ``privileged``; the response criteria
      reward using what the user said; ``alignment`` and ``outcome`` were added;
      ``profile_f1_revealed`` is scored against the facts disclosed before the turn. (These
      changes predate the rule above.) The ``reader`` role and the one ``ReplyReading`` per step
      came without a change of scores or episodes.
    - v1 (``RLPA-v1``, ``RLPA-Test-v1``, ``RLPA-Shift-v1``, ``RLPA-Long-v1``, ``RLPA-ColdStart-v1``):
      the language-model reader is on (``reader="language-model"``), so word salad and scrambled
      sentences fail ``natural``, earn no alignment and get "sorry, you lost me there" from the
      user. The v0 ids keep ``reader="rules"``. Three rule fixes came with it and apply to every
      id, since keeping the old rules beside them is not cheap: a profile line that asserts nothing
      definite (a hedge, question, guess, probability or "or not" in any form the cue grammar of
      ``rlpa_env.assertion`` reads) matches nothing; a reply that credits the user with the
      opposite of a fact fails ``fits_interests``, earns alignment 1 and draws a correction; and a
      fact is also named by its value; a statement said twice in one reply is not natural. On the
      v0 ids they leave the golden episodes unchanged and move the built-in agents' returns on
      RLPA-Test-v0 (seeds 0..199) by at most 0.02: heuristic 10.505 and random 0.237 as before,
      oracle 19.775 -> 19.795 (with its template mended, see ``agents.baselines``).
    - v2 (``RLPA-v2``, ``RLPA-Test-v2``, ``RLPA-Shift-v2``, ``RLPA-Long-v2``, ``RLPA-ColdStart-v2``):
      the language-model reader also tries every swap of two neighbouring words of a sentence, and a
      sentence that some swap makes read more than 5 nats better is incoherent, so a *partial*
      shuffle (one swapped pair per sentence) fails like a full one. The v1 ids keep the reader
      without swaps (``reader_kwargs={"swap_threshold": None}``) and replay their golden episodes
      unchanged. The golden episodes score the same on v2 as on v1. ``OracleAgent`` changed with it
      (an agent, not the env): it listed attributes as pastimes ("Someone into rock climbing, soul
      music, lower blood pressure and dentist ..."), which the swap test fails, and now lists
      interests only; on RLPA-Test-v0 (seeds 0..199) it scores 19.590 (was 19.795) with mean AL 90.6
      (was 98.2), and its golden replies were regenerated with the same rewards.
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["ansi", "human"], "render_fps": 1}

    # The roles, built from ``rlpa_env.roles.ROLES`` by the constructor.
    user: UserSimulator
    profile_scorer: ProfileScorer
    response_judge: ResponseJudge
    alignment_grader: AlignmentGrader
    reader: ReplyReader

    def __init__(
        self,
        split: Literal["train", "test"] = "train",
        *,
        bank: ProfileBank | None = None,
        profiles: Sequence[Profile] | str | os.PathLike[str] | None = None,
        backend: str | ChatBackend | None = None,
        backend_kwargs: Mapping[str, Any] | None = None,
        judge_sees: Literal["true", "inferred"] = "true",
        scenario: str = "standard",
        max_turns: int | None = None,
        profile_reward: ProfileRewardMode = "f1",
        response_reward: ResponseRewardMode = "binary",
        profile_weight: float = 1.0,
        response_weight: float = 1.0,
        privileged_info: bool = False,
        max_action_length: int = 16384,
        render_mode: str | None = None,
        **roles: Any,
    ) -> None:
        unknown = sorted(set(roles) - ROLE_ARGUMENTS)
        if unknown:
            raise TypeError(
                f"RLPAEnv got unknown keyword arguments {unknown}; the role arguments are {sorted(ROLE_ARGUMENTS)}"
            )
        _check_choice("profile_reward", profile_reward, ("f1", "delta"))
        _check_choice("response_reward", response_reward, ("binary", "graded"))
        _check_choice("judge_sees", judge_sees, ("true", "inferred"))
        _check_choice("scenario", scenario, tuple(SCENARIOS))
        _check_choice("render_mode", render_mode, (None, *self.metadata["render_modes"]))
        if max_turns is not None and max_turns < 1:
            raise ValueError(f"max_turns must be at least 1, got {max_turns}")
        if max_action_length < 1:
            raise ValueError(f"max_action_length must be at least 1, got {max_action_length}")
        if isinstance(profiles, (str, os.PathLike)):
            profiles = load_jsonl(profiles)  # e.g. the output of `rlpa-env import-personas`
        if profiles is not None:
            self.profiles: tuple[Profile, ...] = tuple(profiles)
            if not self.profiles:
                raise ValueError("profiles is empty; pass at least one Profile")
        else:
            self.profiles = (bank or ProfileBank.default()).split(split)
        self._profiles_by_id = {profile.id: profile for profile in self.profiles}
        self._positions = {profile.id: position for position, profile in enumerate(self.profiles)}
        shared = shared_backend(backend, backend_kwargs, role_choices(roles))
        for name, role in build_roles(roles, shared).items():
            setattr(self, name, role)
        self._turn_seeded = turn_seeded(getattr(self, role.name) for role in ROLES)
        self.judge_sees = judge_sees
        self.scenario = SCENARIOS[scenario]
        self.max_turns = max_turns
        self.profile_reward = profile_reward
        self.response_reward = response_reward
        self.profile_weight = float(profile_weight)
        self.response_weight = float(response_weight)
        self.privileged_info = privileged_info
        self.render_mode = render_mode
        self.action_space = UnicodeText(max_length=max_action_length)
        self.observation_space = UnicodeText(max_length=MAX_OBSERVATION_LENGTH)
        self._episode: _Episode | None = None

    # -- Gymnasium API -------------------------------------------------------------------------

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
        """Start an episode: draw (or take from ``options``) a profile and return the user's opening."""
        super().reset(seed=seed)
        # Read before any draw, so it is fixed by the seed (or by the generator's history when unseeded).
        episode_seed = seed if seed is not None else _generator_seed(self.np_random)
        options = dict(options or {})
        unknown = set(options) - {"profile_id", "profile", "scenario"}
        if unknown:
            raise ValueError(f"unknown reset options {sorted(unknown)}; expected profile_id, profile or scenario")
        scenario_name = options.get("scenario", self.scenario.name)
        _check_choice("options['scenario']", scenario_name, tuple(SCENARIOS))
        profile = self._choose_profile(options)
        dialogue = DialogueState(profile=profile, rng=self.np_random)
        scenario = SCENARIOS[scenario_name]
        dialogue.rapport = scenario.initial_rapport
        opening = scenario.opening or self.user.opening(profile, self.np_random)
        dialogue.messages.append({"role": "user", "content": opening})
        self._episode = _Episode(
            dialogue=dialogue, scenario=scenario, seed=episode_seed, distractors=self._distractors(profile)
        )
        return opening, self._info({})

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        """Score one agent turn, let the user answer it, and return the user's message."""
        if not isinstance(action, str):
            raise TypeError(f"RLPAEnv.step expects the agent's turn as a str, got {type(action).__name__}")
        episode = self._episode
        if episode is None:
            raise RuntimeError("call reset() before step()")
        if episode.done:
            raise RuntimeError("the episode has ended; call reset() to start a new one")
        dialogue = episode.dialogue
        parsed, format_error = self._parse(action)
        reply = action[: self.action_space.max_length] if parsed is None else parsed.response
        self._seed_roles(episode.seed, dialogue.turn)
        # A turn that did not parse earns 0 whatever its wording, so only the rules read it.
        reader = self.reader if parsed is not None else None
        reading = read_reply(reply, dialogue.profile, dialogue.messages, dialogue.revealed_fact_ids, reader=reader)
        if parsed is None:
            outcome = TurnOutcome.unparsed(format_error or "the turn did not parse")
        else:
            outcome = self._score(episode, parsed, reading)
            episode.previous_f1 = outcome.profile.f1

        dialogue.reading = reading
        try:
            user_turn = self.user.respond(dialogue, reply)
        finally:
            dialogue.reading = None
        dialogue.messages.append({"role": "assistant", "content": reply})
        dialogue.messages.append({"role": "user", "content": user_turn.text})
        dialogue.revealed_fact_ids.extend(i for i in user_turn.revealed_fact_ids if i not in dialogue.revealed_fact_ids)
        dialogue.turn += 1
        self._maybe_shift_preference(episode)
        observation = dialogue.messages[-1]["content"]

        terminated = user_turn.done
        truncated = not terminated and dialogue.turn >= self._max_turns(episode)
        episode.done = terminated or truncated
        info = self._info(
            {
                **outcome.info(),
                "user_reaction": user_turn.reaction,
                "stop_reason": "user_ended" if terminated else "max_turns" if truncated else None,
            },
            outcome,
        )
        reward = outcome.reward
        episode.last_outcome = outcome
        episode.history.append(
            {"reward": reward, "profile_f1": outcome.profile.f1, "reward_response": outcome.reward_response}
        )
        if self.render_mode == "human":
            self.render()
        return observation, float(reward), terminated, truncated, info

    def render(self) -> str | None:
        """``"ansi"``: return the transcript with per-turn rewards; ``"human"``: print it."""
        if self.render_mode is None:
            gym.logger.warn("render() called without a render_mode; pass render_mode='ansi' or 'human' to make()")
            return None
        text = self._transcript_text()
        if self.render_mode == "human":
            print(text)
            return None
        return text

    def read_ahead(self, turns: Sequence[str]) -> None:
        """Read the replies of ``turns`` (candidate actions) with the env's reader in one batch.

        For trainers that score several candidates per state (best-of-n, GRPO groups): the coming
        ``step`` calls then find the verdicts in the reader's cache, and one forward pass serves the
        whole group. Only a ``BatchReader`` reads ahead (the ``"rules"`` reader has nothing to
        batch); turns that do not parse are skipped, as ``step`` does not read them with the reader.
        Envs of one process share the ``"language-model"`` reader, so one env can read ahead for all.
        Nothing about the episode changes.
        """
        if not isinstance(self.reader, BatchReader):
            return
        replies = [split_sentences(parsed.response) for turn in turns if (parsed := self._parse(turn)[0]) is not None]
        if replies := [sentences for sentences in replies if sentences]:
            self.reader.read_many(replies)

    # -- state snapshots -----------------------------------------------------------------------

    def get_state(self) -> EnvState:
        """Snapshot the episode (transcript, user state, RNG) so several candidate turns can be scored."""
        if self._episode is None:
            raise RuntimeError("call reset() before get_state()")
        return EnvState(copy.deepcopy(self._episode))

    def set_state(self, state: EnvState) -> None:
        """Restore a snapshot from ``get_state``; the same actions then give the same results."""
        if not isinstance(state, EnvState):
            raise TypeError(f"set_state expects an EnvState from get_state(), got {type(state).__name__}")
        self._episode = copy.deepcopy(state.episode)
        self._np_random = self._episode.dialogue.rng

    # -- internals -----------------------------------------------------------------------------

    def _choose_profile(self, options: Mapping[str, Any]) -> Profile:
        if "profile" in options:
            profile = options["profile"]
            if isinstance(profile, Mapping):
                return Profile.from_dict(profile)
            if not isinstance(profile, Profile):
                raise TypeError(f"options['profile'] must be a Profile or its dict, got {type(profile).__name__}")
            return profile
        if "profile_id" in options:
            try:
                return self._profiles_by_id[options["profile_id"]]
            except KeyError:
                raise ValueError(
                    f"unknown profile_id {options['profile_id']!r} for this environment's profiles"
                ) from None
        return self.profiles[int(self.np_random.integers(len(self.profiles)))]

    def _parse(self, action: str) -> tuple[ParsedTurn | None, str | None]:
        if len(action) > self.action_space.max_length:
            return None, f"the turn has {len(action)} characters; at most {self.action_space.max_length} are allowed"
        try:
            return parse_turn(action), None
        except TurnFormatError as error:
            return None, str(error)

    def _seed_roles(self, episode_seed: int, turn: int) -> None:
        """Hand ``turn_seed(episode_seed, turn)`` to every ``TurnSeeded`` role, before the turn is read."""
        if self._turn_seeded:
            seed = turn_seed(episode_seed, turn)
            for role in self._turn_seeded:
                role.set_turn_seed(seed)

    @property
    def last_outcome(self) -> TurnOutcome | None:
        """The ``TurnOutcome`` of the latest step (``None`` before the first step of an episode)."""
        return None if self._episode is None else self._episode.last_outcome

    @property
    def profile_id(self) -> str | None:
        """The bank id of the current episode's hidden profile (for harnesses; never in public ``info``)."""
        return None if self._episode is None else self._episode.dialogue.profile.id

    def _score(self, episode: _Episode, parsed: ParsedTurn, reading: ReplyReading) -> TurnOutcome:
        """Score a parsed turn against the profile as it stands before the user answers, from its ``reading``."""
        dialogue = episode.dialogue
        profile_score = self.profile_scorer.score(parsed.traits, dialogue.profile.facts)
        matched = tuple(match.fact_id for match in profile_score.matches)
        true_context = JudgeContext(
            messages=tuple(dialogue.messages),
            profile=dialogue.profile,
            inferred_traits=parsed.traits,
            revealed_fact_ids=tuple(dialogue.revealed_fact_ids),
            inferred_fact_ids=matched,
            distractors=episode.distractors,
            reading=reading,
        )
        if self.judge_sees == "true":
            judge_context = true_context
        else:
            judge_context = replace(
                true_context,
                profile=inferred_profile(parsed.traits, f"{dialogue.profile.id}-inferred"),
                inferred_fact_ids=(),
            )
        return TurnOutcome.score(
            profile_score,
            self.response_judge.judge(judge_context, parsed.response),
            self.alignment_grader.grade(true_context, parsed.response),
            profile_f1_revealed=_revealed_f1(profile_score, parsed, dialogue.revealed_fact_ids),
            previous_f1=episode.previous_f1,
            profile_reward=self.profile_reward,
            response_reward=self.response_reward,
            profile_weight=self.profile_weight,
            response_weight=self.response_weight,
        )

    def _distractors(self, profile: Profile) -> tuple[Profile, ...]:
        """``DISTRACTORS`` other profiles of the pool, drawn with a seed fixed by ``profile.id``.

        A separate generator keeps the episode's own random stream untouched, and the same profile
        is always contrasted with the same users, so grades are comparable across agents.
        """
        own = self._positions.get(profile.id)
        n_others = len(self.profiles) - (own is not None)
        if n_others <= DISTRACTORS:
            return tuple(other for other in self.profiles if other.id != profile.id)
        rng = np.random.default_rng(zlib.crc32(profile.id.encode()))
        picked = (int(i) for i in rng.choice(n_others, size=DISTRACTORS, replace=False))
        return tuple(self.profiles[i + (own is not None and i >= own)] for i in picked)

    @functools.cached_property
    def _shift_candidates(self) -> dict[str, tuple[Fact, ...]]:
        return likes_by_category(self.profiles)

    def _max_turns(self, episode: _Episode) -> int:
        return self.max_turns or episode.scenario.max_turns

    def _maybe_shift_preference(self, episode: _Episode) -> None:
        shift_turn = episode.scenario.shift_turn
        dialogue = episode.dialogue
        if shift_turn is None or dialogue.turn != shift_turn:
            return
        shifted = shift_preference(dialogue.profile, self.np_random, self._shift_candidates)
        if shifted is None:
            return
        dialogue.profile, old_fact, new_fact = shifted
        episode.shifted_fact_ids = (old_fact.id, new_fact.id)
        if old_fact.id in dialogue.revealed_fact_ids:
            dialogue.revealed_fact_ids.remove(old_fact.id)
        # The user says the change in words the agent can act on, at the end of the shift turn.
        last = dialogue.messages[-1]
        last["content"] = f"{last['content']} {announce_shift(old_fact, new_fact, self.np_random)}"
        dialogue.revealed_fact_ids.append(new_fact.id)

    def _info(self, step_info: dict[str, Any], outcome: TurnOutcome | None = None) -> dict[str, Any]:
        assert self._episode is not None
        dialogue = self._episode.dialogue
        info = {
            "turn": dialogue.turn,
            "scenario": self._episode.scenario.name,
            "messages": [dict(message) for message in dialogue.messages],
            **step_info,
        }
        if self.privileged_info:
            info["privileged"] = {
                "profile_id": dialogue.profile.id,
                "profile": dialogue.profile.to_dict(),
                "revealed_fact_ids": list(dialogue.revealed_fact_ids),
                "judge_rationale": outcome.response.rationale if outcome else "",
                "alignment_rationale": outcome.alignment.rationale if outcome else "",
                "matched_fact_ids": [m.fact_id for m in outcome.profile.matches] if outcome else [],
                "shifted_fact_ids": list(self._episode.shifted_fact_ids or ()),
            }
        return info

    def _transcript_text(self) -> str:
        if self._episode is None:
            return "(no episode: call reset())"
        lines = [f"profile {self._episode.dialogue.profile.id} | scenario {self._episode.scenario.name}"]
        history = iter(self._episode.history)
        for message in self._episode.dialogue.messages:
            if message["role"] == "assistant":
                scores = next(history)
                lines.append(
                    f"AGENT  > {message['content']}\n"
                    f"         reward {scores['reward']:.2f} (profile F1 {scores['profile_f1']:.2f},"
                    f" response {scores['reward_response']:.2f})"
                )
            else:
                lines.append(f"USER   > {message['content']}")
        return "\n".join(lines)


def _check_choice(name: str, value: Any, allowed: tuple[Any, ...]) -> None:
    if value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")


def _revealed_f1(score: ProfileScore, parsed: ParsedTurn, revealed_fact_ids: Sequence[str]) -> float:
    """F1 of this turn's matching scored against the facts disclosed before it (0 when none are)."""
    if not revealed_fact_ids or not parsed.traits:
        return 0.0
    revealed = set(revealed_fact_ids)
    matched = sum(1 for match in score.matches if match.fact_id in revealed)
    return ProfileScore.from_counts(matched, len(parsed.traits), len(revealed)).f1


def _generator_seed(generator: np.random.Generator) -> int:
    """A seed read from ``generator``'s state without drawing from it (the episode seed of an unseeded reset)."""
    state = json.dumps(generator.bit_generator.state, sort_keys=True, default=str)
    return int.from_bytes(hashlib.sha256(state.encode()).digest()[:4], "little") % SEED_SPACE
