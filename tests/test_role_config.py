"""Roles chosen by name with their own kwargs, the one-backend setting, and judge seeds per (episode seed, turn).

No model runs: ``ScriptedModel`` is a ``ChatBackendBase`` whose answers depend on the system prompt
and which records the seed of every call.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import gymnasium as gym
import pytest

import rlpa_env  # noqa: F401  (registers the ids)
from rlpa_env import prompts
from rlpa_env.backends import CachedBackend
from rlpa_env.backends.base import ChatBackendBase, Messages, turn_seed
from rlpa_env.backends.config import llm_env_kwargs, resolve_backend
from rlpa_env.env import DISTRACTORS
from rlpa_env.episode import AGENTS, run_episode
from rlpa_env.parsing import format_turn
from rlpa_env.rewards.base import CRITERIA
from rlpa_env.rewards.llm_judges import LLMAlignmentGrader, LLMJudgeProfileScorer, LLMResponseJudge
from rlpa_env.users.llm import LLMUser

ALL_PASS = json.dumps({**dict.fromkeys(CRITERIA, 1), "rationale": "fine"})


class ScriptedModel(ChatBackendBase):
    """Judges get a verdict (the profile judge a bad one first when ``bad_first``); the user gets a reply."""

    model_name = "scripted"

    def __init__(self, bad_first: bool = False) -> None:
        self.bad_first = bad_first
        self.seeds: dict[str, list[int | None]] = {"profile": [], "response": [], "alignment": [], "user": []}

    def _complete_one(self, messages: Messages, max_tokens: int, temperature: float, seed: int | None) -> str:
        system = messages[0]["content"]
        if system == prompts.PROFILE_JUDGE_SYSTEM:
            self.seeds["profile"].append(seed)
            retrying = messages[-1]["content"].startswith(prompts.JUDGE_CORRECTION.split("{")[0])
            return "not json" if self.bad_first and not retrying else '{"matches": [[1, 1]]}'
        if system == prompts.RESPONSE_JUDGE_SYSTEM:
            self.seeds["response"].append(seed)
            return ALL_PASS
        if system == prompts.ALIGNMENT_RUBRIC:
            self.seeds["alignment"].append(seed)
            return '{"grade": 4, "rationale": "uses what the user said"}'
        self.seeds["user"].append(seed)
        return "oh nice, tell me more."


def _roles(env: gym.Env) -> tuple[object, object, object]:
    base = env.unwrapped
    return base.user, base.profile_scorer, base.response_judge


def test_one_backend_setting_puts_the_user_and_both_judges_on_the_same_backend() -> None:
    model = ScriptedModel()
    env = gym.make("RLPA-LLM-v0", backend=model, max_turns=2)
    user, scorer, judge = _roles(env)
    assert isinstance(user, LLMUser) and isinstance(scorer, LLMJudgeProfileScorer)
    assert isinstance(judge, LLMResponseJudge)
    assert user.backend is model and scorer.backend is model and judge.backend is model
    episode = run_episode(env, AGENTS.make("heuristic"), seed=3)
    assert [turn.reward_response for turn in episode.turns] == [1.0, 1.0]
    assert len(model.seeds["user"]) >= 2 and len(model.seeds["response"]) == 2


def test_each_role_takes_its_own_kwargs_and_a_backend_of_its_own_wins_over_the_shared_one() -> None:
    shared, own = ScriptedModel(), ScriptedModel()
    env = gym.make(
        "RLPA-LLM-v0",
        backend=shared,
        user_kwargs={"max_words": 12},
        profile_scorer_kwargs={"backend": own, "max_retries": 0, "fence_seed": 7},
        response_judge_kwargs={"max_retries": 1},
    )
    user, scorer, judge = _roles(env)
    assert user.max_words == 12 and user.backend is shared
    assert (scorer.backend, scorer.max_retries, scorer.fence_seed) == (own, 0, 7)
    assert (judge.backend, judge.max_retries) == (shared, 1)


def test_llm_profile_scorer_is_configurable_by_name_on_the_default_env() -> None:
    model = ScriptedModel()
    env = gym.make("RLPA-v0", profile_scorer="llm", profile_scorer_kwargs={"backend": model, "max_retries": 0})
    _, scorer, judge = _roles(env)
    assert isinstance(scorer, LLMJudgeProfileScorer) and scorer.backend is model and scorer.max_retries == 0
    assert type(judge).__name__ == "RuleResponseJudge"


def test_kwargs_for_a_ready_made_role_are_rejected() -> None:
    with pytest.raises(TypeError, match="already-built profile scorer"):
        gym.make("RLPA-v0", profile_scorer=LLMJudgeProfileScorer(ScriptedModel()), profile_scorer_kwargs={"x": 1})


def test_a_backend_setting_without_a_model_backed_role_is_an_error() -> None:
    with pytest.raises(ValueError, match="no role runs on a chat model"):
        gym.make("RLPA-v0", backend=ScriptedModel())
    with pytest.raises(ValueError, match="backend_kwargs given without backend"):
        gym.make("RLPA-v0", backend_kwargs={"model": "x"})


class SameTurnAgent:
    """Writes the same turn every time, so every turn asks the judge the very same question."""

    def reset(self, seed: int | None = None) -> None:
        """Nothing to forget."""

    def act(self, observation: str, info: Mapping[str, object]) -> str:
        return format_turn(["likes jazz"], "Jazz is great. What else do you enjoy on weekends?")


def _profile_judge_seeds(episode_seed: int, turns: int = 3) -> list[int | None]:
    model = ScriptedModel(bad_first=True)
    env = gym.make("RLPA-v0", profile_scorer="llm", profile_scorer_kwargs={"backend": model}, max_turns=turns)
    run_episode(env, SameTurnAgent(), seed=episode_seed)
    return model.seeds["profile"]


def test_judge_retry_seeds_derive_from_the_episode_seed_and_the_turn() -> None:
    seeds = _profile_judge_seeds(episode_seed=11)
    greedy, retries = seeds[0::2], seeds[1::2]
    assert greedy == [turn_seed(11, turn) for turn in range(3)]
    assert retries == [(turn_seed(11, turn) + 1) % 2**31 for turn in range(3)]
    assert len(set(retries)) == 3
    assert _profile_judge_seeds(episode_seed=11) == seeds
    assert _profile_judge_seeds(episode_seed=12) != seeds


def test_a_greedy_verdict_is_reused_across_turns_but_a_sampled_one_only_on_its_turn_seed() -> None:
    model = ScriptedModel(bad_first=True)
    scorer = LLMJudgeProfileScorer(model)
    profile_facts = gym.make("RLPA-v0").unwrapped.profiles[0].facts
    scorer.set_turn_seed(5)
    scorer.score(["likes jazz"], profile_facts)
    scorer.score(["likes jazz"], profile_facts)
    assert model.seeds["profile"] == [5, 6]
    scorer.set_turn_seed(9)
    scorer.score(["likes jazz"], profile_facts)
    assert model.seeds["profile"] == [5, 6, 9, 10]

    model.bad_first = False
    scorer.score(["has a cat"], profile_facts)
    scorer.set_turn_seed(1)
    scorer.score(["has a cat"], profile_facts)
    assert model.seeds["profile"] == [5, 6, 9, 10, 9]


def test_resolve_backend_reads_a_server_url_with_its_model_name() -> None:
    backend = resolve_backend("http://127.0.0.1:9/v1", model="served")
    assert type(backend).__name__ == "OpenAICompatibleBackend"
    assert (backend.base_url, backend.model_name) == ("http://127.0.0.1:9/v1", "served")
    with pytest.raises(ValueError, match="needs the served model's name"):
        resolve_backend("http://127.0.0.1:9/v1")


def test_resolve_backend_reads_embedded_and_local_paths_without_loading_weights(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    assert type(resolve_backend("embedded")).__name__ == "TransformersBackend"
    local = resolve_backend(str(tmp_path))
    assert type(local).__name__ == "TransformersBackend" and local.model_name == tmp_path.name
    with pytest.raises(ValueError, match="neither 'embedded', a server URL"):
        resolve_backend(str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="only applies to a server URL"):
        resolve_backend("embedded", model="x")


def test_resolve_backend_wraps_a_cache_and_keeps_a_ready_made_backend(tmp_path: Path) -> None:
    model = ScriptedModel()
    cached = resolve_backend(model, cache_path=tmp_path / "cache.sqlite")
    assert isinstance(cached, CachedBackend) and cached.backend is model
    assert resolve_backend(model) is model
    with pytest.raises(TypeError, match="ready-made backend"):
        resolve_backend(model, read_timeout=3)


def test_one_backend_setting_puts_the_llm_alignment_grader_on_it_seeded_by_episode_and_turn() -> None:
    model = ScriptedModel()
    env = gym.make("RLPA-LLM-v0", backend=model, alignment_grader="llm", max_turns=2)
    grader = env.unwrapped.alignment_grader
    assert isinstance(grader, LLMAlignmentGrader) and grader.backend is model
    episode = run_episode(env, AGENTS.make("heuristic"), seed=3)
    # The scripted model grades every profile 4, so the contrast with the distractors leaves grade 2.
    assert [turn.alignment for turn in episode.turns] == [2, 2]
    calls_per_turn = 1 + DISTRACTORS
    assert model.seeds["alignment"] == [turn_seed(3, 0)] * calls_per_turn + [turn_seed(3, 1)] * calls_per_turn


def test_the_alignment_grader_takes_its_own_kwargs_and_its_own_backend_wins() -> None:
    shared, own = ScriptedModel(), ScriptedModel()
    env = gym.make(
        "RLPA-LLM-v0",
        backend=shared,
        alignment_grader="llm",
        alignment_grader_kwargs={"backend": own, "max_retries": 0},
    )
    grader = env.unwrapped.alignment_grader
    assert grader.backend is own and grader.max_retries == 0 and env.unwrapped.response_judge.backend is shared
    alone = gym.make("RLPA-v0", alignment_grader="llm", backend=shared).unwrapped
    assert alone.alignment_grader.backend is shared and type(alone.response_judge).__name__ == "RuleResponseJudge"


def test_llm_env_kwargs_names_every_role_llm_on_one_backend() -> None:
    kwargs = llm_env_kwargs("http://127.0.0.1:9/v1", "served", cache_path="c.sqlite", read_timeout=5)
    assert kwargs == {
        "user": "llm",
        "profile_scorer": "llm",
        "response_judge": "llm",
        "backend": "http://127.0.0.1:9/v1",
        "backend_kwargs": {"read_timeout": 5, "model": "served", "cache_path": "c.sqlite"},
    }
    graded = llm_env_kwargs("http://127.0.0.1:9/v1", "served", llm_alignment=True)
    assert graded["alignment_grader"] == "llm" and graded["backend_kwargs"] == {"model": "served"}


def test_chat_backend_base_checks_options_once_for_every_backend() -> None:
    model = ScriptedModel()
    with pytest.raises(ValueError, match="max_tokens must be at least 1"):
        model.complete([{"role": "system", "content": "x"}], max_tokens=0)
    with pytest.raises(ValueError, match="temperature must be >= 0"):
        model.complete_batch([[{"role": "system", "content": "x"}]], temperature=-1)
    assert model.complete_batch([[{"role": "system", "content": "x"}]] * 2, seed=4) == ["oh nice, tell me more."] * 2
    assert model.seeds["user"] == [4, 4]


def _judged_against(reply_traits: Sequence[str]) -> Mapping[str, bool]:
    env = gym.make("RLPA-v0", judge_sees="inferred", max_turns=1)
    env.reset(seed=0)
    profile_block = "\n".join(f"- {trait}" for trait in reply_traits)
    action = f"<profile>\n{profile_block}\n</profile>\n<response>\nHi! What do you enjoy doing?\n</response>"
    return env.step(action)[4]["response_criteria"]


def test_an_inference_that_states_nothing_is_judged_like_an_empty_one_instead_of_crashing() -> None:
    # "likes:" reads as a heading, not a trait; it used to raise inside step() with judge_sees="inferred".
    empty = _judged_against(())
    assert set(empty) == set(CRITERIA)
    assert _judged_against(("likes:",)) == empty
    assert _judged_against(("Interests:", "   ")) == empty


def test_cli_backend_option_hands_the_env_the_setting_in_words(monkeypatch: pytest.MonkeyPatch) -> None:
    from gymnasium.error import Error as GymError

    from rlpa_env.cli import main as cli_main

    evaluate_module = importlib.import_module("rlpa_env.eval.evaluate")

    seen: dict[str, object] = {}

    def fake_evaluate(agent: str, **kwargs: object) -> None:
        seen.update(kwargs)
        raise GymError("stop here")

    monkeypatch.setattr(evaluate_module, "evaluate", fake_evaluate)
    argv = ["evaluate", "--backend", "http://127.0.0.1:9/v1", "--backend-model", "m", "--backend-cache", "c.sqlite"]
    assert cli_main([*argv, "--no-progress"]) == 2
    assert {key: seen[key] for key in ("user", "profile_scorer", "response_judge")} == dict.fromkeys(
        ("user", "profile_scorer", "response_judge"), "llm"
    )
    assert seen["backend"] == "http://127.0.0.1:9/v1"
    assert seen["backend_kwargs"] == {"model": "m", "cache_path": "c.sqlite"}


def test_an_unseeded_reset_takes_its_episode_seed_from_the_generator_history() -> None:
    def seeds_of_two_episodes() -> list[int | None]:
        model = ScriptedModel()
        env = gym.make("RLPA-v0", profile_scorer="llm", profile_scorer_kwargs={"backend": model}, max_turns=1)
        agent = SameTurnAgent()
        run_episode(env, agent, seed=5)
        run_episode(env, agent, seed=None)
        return model.seeds["profile"]

    first = seeds_of_two_episodes()
    assert first[0] == turn_seed(5, 0) and first[1] != first[0]
    assert seeds_of_two_episodes() == first
