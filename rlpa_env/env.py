"""``RLPAEnv``: a personalised-dialogue episode with a simulated user and a dual reward."""

from __future__ import annotations

import copy
import functools
import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import gymnasium as gym
import numpy as np

from rlpa_env.backends.base import SEED_SPACE, ChatBackend, turn_seed
from rlpa_env.backends.config import resolve_backend, role_kwargs, uses_a_backend
from rlpa_env.parsing import ParsedTurn, TurnFormatError, parse_turn
from rlpa_env.profiles.aloe import inferred_profile
from rlpa_env.profiles.bank import ProfileBank
from rlpa_env.profiles.io import load_jsonl
from rlpa_env.profiles.types import Fact, Profile
from rlpa_env.rewards import PROFILE_SCORERS, RESPONSE_JUDGES
from rlpa_env.rewards.base import (
    CRITERIA,
    JudgeContext,
    ProfileRewardMode,
    ProfileScore,
    ProfileScorer,
    ResponseJudge,
    ResponseRewardMode,
    ResponseScore,
)
from rlpa_env.scenarios import SCENARIOS, Scenario, likes_by_category, shift_preference
from rlpa_env.spaces import UnicodeText
from rlpa_env.users import USERS
from rlpa_env.users.base import DialogueState, UserSimulator

MAX_OBSERVATION_LENGTH = 4096
_NO_CRITERIA: Mapping[str, bool] = dict.fromkeys(CRITERIA, False)


@dataclass
class _Episode:
    """The mutable per-episode state; ``get_state`` snapshots it whole."""

    dialogue: DialogueState
    scenario: Scenario
    seed: int
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

    ``reset`` and ``step`` return ``turn`` (agent turns taken), ``profile_id``, ``scenario``,
    ``messages`` (the public transcript as ``{"role", "content"}`` dicts); ``step`` adds ``format_ok``,
    ``format_error``, ``reward_profile``, ``reward_response``, ``profile_precision``,
    ``profile_recall``, ``profile_f1``, ``profile_f1_revealed`` (the same matching scored against the
    facts disclosed so far), ``response_criteria`` (criterion -> bool), ``user_reaction`` and
    ``stop_reason``. With ``privileged_info=True`` (for analysis and oracle agents only) ``info`` also
    holds ``privileged``: ``{"profile": Profile.to_dict(), "revealed_fact_ids": [...],
    "judge_rationale": str, "matched_fact_ids": [...], "shifted_fact_ids": [old, new] or []}``.
    The hidden profile appears nowhere else.

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
    - ``backend``: one setting for every role named ``"llm"`` whose kwargs choose no backend:
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

    - v0: initial release.
    """

    metadata: ClassVar[dict[str, Any]] = {"render_modes": ["ansi", "human"], "render_fps": 1}

    def __init__(
        self,
        split: Literal["train", "test"] = "train",
        *,
        bank: ProfileBank | None = None,
        profiles: Sequence[Profile] | str | os.PathLike[str] | None = None,
        user: str | UserSimulator = "scripted",
        user_kwargs: Mapping[str, Any] | None = None,
        profile_scorer: str | ProfileScorer = "lexical",
        profile_scorer_kwargs: Mapping[str, Any] | None = None,
        response_judge: str | ResponseJudge = "rule",
        response_judge_kwargs: Mapping[str, Any] | None = None,
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
    ) -> None:
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
        shared = _shared_backend(backend, backend_kwargs, user, profile_scorer, response_judge)
        self.user: UserSimulator = USERS.make(user, **role_kwargs("user", user, user_kwargs, shared))
        self.profile_scorer: ProfileScorer = PROFILE_SCORERS.make(
            profile_scorer, **role_kwargs("profile_scorer", profile_scorer, profile_scorer_kwargs, shared)
        )
        self.response_judge: ResponseJudge = RESPONSE_JUDGES.make(
            response_judge, **role_kwargs("response_judge", response_judge, response_judge_kwargs, shared)
        )
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
        self._episode = _Episode(dialogue=dialogue, scenario=scenario, seed=episode_seed)
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
        if parsed is None:
            profile_score, response_score = ProfileScore(0.0, 0.0, 0.0), ResponseScore(_NO_CRITERIA, format_error or "")
            reward_profile = reward_response = 0.0
            reply = action[: self.action_space.max_length]
        else:
            reply = parsed.response
            self._seed_model_roles(episode.seed, dialogue.turn)
            profile_score = self.profile_scorer.score(parsed.traits, dialogue.profile.facts)
            response_score = self.response_judge.judge(self._judge_context(dialogue, parsed), reply)
            reward_profile = profile_score.f1
            if self.profile_reward == "delta":
                reward_profile -= episode.previous_f1
            episode.previous_f1 = profile_score.f1
            reward_response = response_score.value(self.response_reward)

        user_turn = self.user.respond(dialogue, reply)
        dialogue.messages.append({"role": "assistant", "content": reply})
        dialogue.messages.append({"role": "user", "content": user_turn.text})
        dialogue.revealed_fact_ids.extend(i for i in user_turn.revealed_fact_ids if i not in dialogue.revealed_fact_ids)
        dialogue.turn += 1
        self._maybe_shift_preference(episode)

        terminated = user_turn.done
        truncated = not terminated and dialogue.turn >= self._max_turns(episode)
        episode.done = terminated or truncated
        reward = self.profile_weight * reward_profile + self.response_weight * reward_response
        info = self._info(
            {
                "format_ok": parsed is not None,
                "format_error": format_error,
                "reward_profile": reward_profile,
                "reward_response": reward_response,
                "profile_precision": profile_score.precision,
                "profile_recall": profile_score.recall,
                "profile_f1": profile_score.f1,
                "profile_f1_revealed": _revealed_f1(profile_score, parsed, dialogue.revealed_fact_ids),
                "response_criteria": dict(response_score.criteria),
                "user_reaction": user_turn.reaction,
                "stop_reason": "user_ended" if terminated else "max_turns" if truncated else None,
            },
            profile_score=profile_score,
            response_score=response_score,
        )
        episode.history.append({"reward": reward, **{k: info[k] for k in ("profile_f1", "reward_response")}})
        if self.render_mode == "human":
            self.render()
        return user_turn.text, float(reward), terminated, truncated, info

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

    def _seed_model_roles(self, episode_seed: int, turn: int) -> None:
        """Hand ``turn_seed(episode_seed, turn)`` to the judges that sample from a model (``set_turn_seed``)."""
        roles = (self.profile_scorer, self.response_judge)
        setters = [setter for role in roles if (setter := getattr(role, "set_turn_seed", None)) is not None]
        if setters:
            seed = turn_seed(episode_seed, turn)
            for setter in setters:
                setter(seed)

    def _judge_context(self, dialogue: DialogueState, parsed: ParsedTurn) -> JudgeContext:
        if self.judge_sees == "true":
            profile = dialogue.profile
        else:
            profile = inferred_profile(parsed.traits, f"{dialogue.profile.id}-inferred")
        return JudgeContext(
            messages=tuple(dialogue.messages),
            profile=profile,
            inferred_traits=parsed.traits,
            revealed_fact_ids=tuple(dialogue.revealed_fact_ids),
        )

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

    def _info(
        self,
        step_info: dict[str, Any],
        profile_score: ProfileScore | None = None,
        response_score: ResponseScore | None = None,
    ) -> dict[str, Any]:
        assert self._episode is not None
        dialogue = self._episode.dialogue
        info = {
            "turn": dialogue.turn,
            "profile_id": dialogue.profile.id,
            "scenario": self._episode.scenario.name,
            "messages": [dict(message) for message in dialogue.messages],
            **step_info,
        }
        if self.privileged_info:
            info["privileged"] = {
                "profile": dialogue.profile.to_dict(),
                "revealed_fact_ids": list(dialogue.revealed_fact_ids),
                "judge_rationale": response_score.rationale if response_score else "",
                "matched_fact_ids": [m.fact_id for m in profile_score.matches] if profile_score else [],
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


def _revealed_f1(score: ProfileScore, parsed: ParsedTurn | None, revealed_fact_ids: Sequence[str]) -> float:
    """F1 of this turn's matching scored against the facts disclosed so far (0 when none are)."""
    if parsed is None or not revealed_fact_ids or not parsed.traits:
        return 0.0
    revealed = set(revealed_fact_ids)
    matched = sum(1 for match in score.matches if match.fact_id in revealed)
    return ProfileScore.from_counts(matched, len(parsed.traits), len(revealed)).f1


def _generator_seed(generator: np.random.Generator) -> int:
    """A seed read from ``generator``'s state without drawing from it (the episode seed of an unseeded reset)."""
    state = json.dumps(generator.bit_generator.state, sort_keys=True, default=str)
    return int.from_bytes(hashlib.sha256(state.encode()).digest()[:4], "little") % SEED_SPACE


def _shared_backend(
    setting: str | ChatBackend | None, options: Mapping[str, Any] | None, *roles: object
) -> ChatBackend | None:
    """The one backend of the ``backend`` setting, or ``None``; an error when no role could use it."""
    if setting is None:
        if options:
            raise ValueError("backend_kwargs given without backend; pass backend='embedded', a URL or a path")
        return None
    names = dict(zip(("user", "profile_scorer", "response_judge"), roles, strict=True))
    if not uses_a_backend(names):
        raise ValueError(
            f"backend={setting!r} is given but no role runs on a chat model (user={names['user']!r}, "
            f"profile_scorer={names['profile_scorer']!r}, response_judge={names['response_judge']!r}); "
            "name one of them 'llm' (RLPA-LLM-v0 names all three)"
        )
    return resolve_backend(setting, **dict(options or {}))
