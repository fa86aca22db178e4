"""The verl ``BaseInteraction`` adapter, driven the way verl's multi-turn rollout drives it.

The tests marked as needing verl run against the real ``verl.interactions.base`` of the installed
release (the Makefile installs verl 0.7.1 with ``--no-deps``). verl's package ``__init__`` imports ray
and tensordict for its data protocol, which the interaction hook never uses and which are not installed
here, so the fixture imports ``verl.interactions`` from the installed files under a bare ``verl``
parent module, then loads a fresh copy of the adapter module so that it derives from that class.
"""

from __future__ import annotations

import asyncio
import importlib.metadata
import importlib.util
import inspect
import sys
import types
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import gymnasium as gym
import pytest

from agents.baselines import HeuristicAgent
from agents.train.verl_interaction import RLPAInteraction
from rlpa_env import prompts

VERL_METHODS = ("start_interaction", "generate_response", "calculate_score", "finalize_interaction")


def env_rewards(seed: int, max_turns: int) -> list[float]:
    """The rewards of the heuristic agent's episode played on the env directly."""
    env = gym.make("RLPA-v0", max_turns=max_turns)
    observation, _ = env.reset(seed=seed)
    agent, rewards = HeuristicAgent(), []
    agent.reset(seed)
    done = False
    while not done:
        observation, reward, terminated, truncated, _ = env.step(agent.act(observation, {}))
        rewards.append(float(reward))
        done = terminated or truncated
    return rewards


def play_as_verls_tool_agent_loop(interaction: Any, row: dict[str, Any], seed: int) -> dict[str, Any]:
    """One rollout as verl 0.7.1's ``ToolAgentLoop.run`` makes it, with the heuristic agent as the policy.

    The loop copies the row's prompt, starts the interaction with a fresh request id and the row's
    ``interaction_kwargs``, appends each assistant message, calls ``generate_response`` with the whole
    conversation and the same kwargs, appends the user's reply, and stops when told to terminate.
    """

    async def run() -> dict[str, Any]:
        messages = list(row["prompt"])
        interaction_kwargs = row["extra_info"]["interaction_kwargs"]
        request_id = uuid.uuid4().hex
        await interaction.start_interaction(request_id, **interaction_kwargs)
        agent, turn_scores, extras = HeuristicAgent(), [], []
        agent.reset(seed)
        should_terminate = False
        while not should_terminate:
            messages.append({"role": "assistant", "content": agent.act(messages[-1]["content"], {})})
            should_terminate, reply, score, extra = await interaction.generate_response(
                request_id, messages, **interaction_kwargs
            )
            messages.append({"role": "user", "content": reply})
            turn_scores.append(score)
            extras.append(extra)
        return {"request_id": request_id, "messages": messages, "turn_scores": turn_scores, "extras": extras}

    return asyncio.run(run())


def accepts_every_call_of(base: Callable[..., Any], override: Callable[..., Any]) -> bool:
    """True when every argument list the base method binds also binds to the override, by position and name."""
    base_params = list(inspect.signature(base).parameters.values())
    ours = list(inspect.signature(override).parameters.values())
    kinds = {p.kind for p in ours}
    named_base = [p for p in base_params if p.kind is p.POSITIONAL_OR_KEYWORD]
    for position, param in enumerate(named_base):
        if position >= len(ours) or ours[position].name != param.name or ours[position].kind is not param.kind:
            return False
        if param.default is not param.empty and ours[position].default is param.empty:
            return False
    if any(p.kind is p.VAR_KEYWORD for p in base_params) and inspect.Parameter.VAR_KEYWORD not in kinds:
        return False
    if any(p.kind is p.VAR_POSITIONAL for p in base_params) and inspect.Parameter.VAR_POSITIONAL not in kinds:
        return False
    extra = ours[len(named_base) :]
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in extra)


@pytest.fixture
def verl_release(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, type, type]]:
    """(verl's version, its real ``BaseInteraction``, ``RLPAInteraction`` derived from it)."""
    try:
        release = importlib.metadata.distribution("verl")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("verl is not installed (the Makefile installs verl==0.7.1 with --no-deps)")
    package_dir = Path(str(release.locate_file("verl")))
    if not (package_dir / "interactions" / "base.py").is_file():
        pytest.fail(f"verl {release.version} has no verl/interactions/base.py; releases 0.4.1 to 0.7.1 ship it")
    before = set(sys.modules)
    parent = types.ModuleType("verl")
    parent.__path__ = [str(package_dir)]
    monkeypatch.setitem(sys.modules, "verl", parent)
    base = importlib.import_module("verl.interactions.base")
    spec = importlib.util.find_spec("agents.train.verl_interaction")
    assert spec is not None and spec.loader is not None
    adapter = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(adapter)
    yield release.version, base.BaseInteraction, adapter.RLPAInteraction
    for name in set(sys.modules) - before:
        if name.startswith("verl."):
            del sys.modules[name]


def test_interaction_turn_scores_are_the_env_rewards_and_the_last_turn_ends_the_sequence() -> None:
    interaction = RLPAInteraction({"name": "rlpa", "env_kwargs": {"max_turns": 3}})
    rollout = play_as_verls_tool_agent_loop(interaction, interaction.dataset_row(2), seed=2)
    expected = env_rewards(seed=2, max_turns=3)
    assert rollout["turn_scores"] == expected
    assert [extra["turn"] for extra in rollout["extras"]] == [1, 2, 3]
    assert rollout["extras"][-1]["episode_return"] == pytest.approx(sum(expected))


def test_dataset_row_opens_with_the_system_prompt_and_the_episodes_first_user_message() -> None:
    interaction = RLPAInteraction({"name": "rlpa", "env_kwargs": {"max_turns": 3}})
    row = interaction.dataset_row(5)
    opening, _ = gym.make("RLPA-v0", max_turns=3).reset(seed=5)
    assert row["prompt"] == [
        {"role": "system", "content": prompts.AGENT_SYSTEM},
        {"role": "user", "content": opening},
    ]
    assert row["extra_info"]["interaction_kwargs"] == {"name": "rlpa", "seed": 5}
    assert row["agent_name"] == "tool_agent"


def test_a_finished_episode_frees_its_session() -> None:
    interaction = RLPAInteraction({"env_kwargs": {"max_turns": 2}})
    rollout = play_as_verls_tool_agent_loop(interaction, interaction.dataset_row(1), seed=1)
    assert interaction._sessions == {}
    with pytest.raises(KeyError, match="closes when its episode ends"):
        asyncio.run(interaction.calculate_score(rollout["request_id"]))


def test_calculate_score_is_the_return_so_far_and_finalize_frees_an_open_session() -> None:
    interaction = RLPAInteraction({"env_kwargs": {"max_turns": 3}})
    turn = "<profile>\n- likes hiking\n</profile>\n<response>\nHi! What do you enjoy doing on weekends?\n</response>"

    async def run() -> tuple[float, float]:
        instance = await interaction.start_interaction("a", seed=4)
        messages = [{"role": "user", "content": interaction.opening(instance)}, {"role": "assistant", "content": turn}]
        _, _, score, _ = await interaction.generate_response(instance, messages)
        so_far = await interaction.calculate_score(instance)
        await interaction.finalize_interaction(instance)
        await interaction.finalize_interaction(instance)  # a second close does nothing
        return score, so_far

    score, so_far = asyncio.run(run())
    assert so_far == score
    assert interaction._sessions == {}


def test_interaction_methods_have_verls_names_and_are_coroutines() -> None:
    for name in VERL_METHODS:
        assert inspect.iscoroutinefunction(getattr(RLPAInteraction, name)), name
    assert "messages" in inspect.signature(RLPAInteraction.generate_response).parameters


def test_a_finished_unknown_or_mismatched_interaction_is_a_clear_error() -> None:
    interaction = RLPAInteraction({"env_kwargs": {"max_turns": 1}})
    turn = {"role": "assistant", "content": "<profile>\n</profile>\n<response>\nhi\n</response>"}

    async def run() -> None:
        instance = await interaction.start_interaction("a", seed=0)
        with pytest.raises(ValueError, match="already open"):
            await interaction.start_interaction("a", seed=0)
        with pytest.raises(ValueError, match="dataset_row"):
            await interaction.generate_response(instance, [{"role": "user", "content": "not the opening"}, turn])
        conversation = [{"role": "user", "content": interaction.opening(instance)}, turn]
        assert (await interaction.generate_response(instance, conversation))[0] is True
        with pytest.raises(KeyError, match="start_interaction"):
            await interaction.generate_response(instance, conversation)
        with pytest.raises(KeyError, match="start_interaction"):
            await interaction.generate_response("missing", conversation)

    asyncio.run(run())


def test_the_signature_check_rejects_an_override_that_drops_or_renames_a_parameter() -> None:
    async def base(self: Any, instance_id: str, messages: list[Any], **kwargs: Any) -> None: ...
    async def renamed(self: Any, request_id: str, messages: list[Any], **kwargs: Any) -> None: ...
    async def no_kwargs(self: Any, instance_id: str, messages: list[Any]) -> None: ...
    async def required_extra(self: Any, instance_id: str, messages: list[Any], seed: int, **kwargs: Any) -> None: ...
    async def optional_extra(self: Any, instance_id: str, messages: list[Any], seed: int = 0, **kw: Any) -> None: ...

    assert accepts_every_call_of(base, optional_extra)
    assert not accepts_every_call_of(base, renamed)
    assert not accepts_every_call_of(base, no_kwargs)
    assert not accepts_every_call_of(base, required_extra)


def test_interaction_derives_from_verls_real_base_interaction_with_its_signatures(
    verl_release: tuple[str, type, type],
) -> None:
    version, base_interaction, interaction_cls = verl_release
    assert version == "0.7.1"
    assert base_interaction.__module__ == "verl.interactions.base"
    assert issubclass(interaction_cls, base_interaction)
    base_methods = [name for name, method in vars(base_interaction).items() if inspect.iscoroutinefunction(method)]
    assert sorted(base_methods) == sorted(VERL_METHODS)
    for name in base_methods:
        override = getattr(interaction_cls, name)
        assert override is not getattr(base_interaction, name), f"{name} is not overridden"
        assert inspect.iscoroutinefunction(override), name
        assert accepts_every_call_of(getattr(base_interaction, name), override), name
    assert accepts_every_call_of(base_interaction.__init__, interaction_cls.__init__)


def test_an_episode_runs_through_verls_real_interaction_api_as_its_agent_loop_drives_it(
    verl_release: tuple[str, type, type],
) -> None:
    _, base_interaction, interaction_cls = verl_release
    # verl's registry builds each interaction as ``cls(config=...)`` with ``name`` injected into the config
    interactions = {"rlpa": interaction_cls(config={"name": "rlpa", "env_kwargs": {"max_turns": 4}})}
    interaction = interactions["rlpa"]
    assert isinstance(interaction, base_interaction) and interaction.name == "rlpa"
    rollout = play_as_verls_tool_agent_loop(interaction, interaction.dataset_row(7), seed=7)
    expected = env_rewards(seed=7, max_turns=4)
    assert rollout["turn_scores"] == expected
    assert all(isinstance(score, float) for score in rollout["turn_scores"])
    assert [message["role"] for message in rollout["messages"]] == ["system"] + ["user", "assistant"] * 4 + ["user"]
    assert rollout["extras"][-1]["episode_return"] == pytest.approx(sum(expected))
    assert interaction._sessions == {}
