"""RLPA as a ``verifiers`` (0.4.0, ``verifiers.v1``) environment: a taskset, an env and a chat harness.

Needs the ``verifiers`` extra. verifiers finds it by module name: the top-level module
``rlpa_env_verifiers`` re-exports the three classes, so its taskset id is ``rlpa-env-verifiers``
(``vf-eval rlpa-env-verifiers -m MODEL --client.base-url URL``).

- ``RLPATaskset``: each task is one (split, seed, scenario) row; the rows are every seed of
  ``first_seed .. first_seed + num_seeds - 1`` under every listed scenario. The task carries no
  prompt: the user opens the chat, as in the env.
- ``RLPAVerifiersEnv``: its ``run`` makes the gymnasium env of the row
  (``gymnasium.make(env_id, split=split, **env_kwargs)``), resets it with the row's seed and
  scenario, and relays: the user's message goes to the ``assistant`` agent (the trainable policy),
  the assistant's reply is ``env.step``'s turn, the env's answer (its RLPA user: scripted by
  default, any user ``env_kwargs`` configures) is the next user turn, until the episode ends. The
  user is the env's control flow, not an agent: its messages enter the assistant's trace as
  prompts, never as sampled tokens, so no user token is trainable. The episode is exactly the
  in-process one of that seed when the assistant writes the same turns.
- Rewards on the assistant's trace: ``turn_1`` .. ``turn_T``, RLPA's reward of each turn, recorded
  with weight 0 (logged, not summed), and ``return``, their sum, with weight 1: the trace's reward
  is the episode's return. ``trace.info["rlpa"]`` keeps the row, each turn's format verdict and
  whether the episode ended (``terminated``/``truncated``) or the agent stopped first.
- ``RLPAChatHarness``, the taskset's default harness: one chat completion per turn, made in this
  process through the rollout's interception endpoint (verifiers' own chat harnesses run as
  PEP 723 scripts that ``uv`` installs at run time; this one needs neither ``uv`` nor a network).
  Any other harness can be chosen with ``--env.assistant.harness.id``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any, Literal

import gymnasium as gym
import verifiers.v1 as vf
from openai import AsyncOpenAI
from pydantic import Field
from verifiers.v1.dialects.chat import message_to_wire
from verifiers.v1.runtimes import ProgramResult

import rlpa_env
from rlpa_env import prompts
from rlpa_env.scenarios import SCENARIOS

__all__ = [
    "RLPAChatHarness",
    "RLPAChatHarnessConfig",
    "RLPAData",
    "RLPAEnvConfig",
    "RLPATask",
    "RLPATaskset",
    "RLPATasksetConfig",
    "RLPAVerifiersEnv",
]


class RLPATasksetConfig(vf.TasksetConfig):
    """Which rows load (``--env.taskset.*``) and how each row's gymnasium env is made."""

    env_id: str = "RLPA-v0"
    """The registered id each row's env is made from (``rlpa-env envs`` lists them)."""
    split: Literal["train", "test"] = "test"
    """The profile split of every row."""
    scenarios: list[str] = Field(default_factory=lambda: ["standard"], min_length=1)
    """The scenarios; each seed is one row per scenario."""
    first_seed: int = Field(0, ge=0)
    num_seeds: int = Field(100, ge=1)
    env_kwargs: dict[str, Any] = Field(default_factory=dict)
    """Keyword arguments for ``gymnasium.make`` over the id's own (e.g. ``{"user": "llm"}``); not
    ``split`` or ``scenario``, which come from the row."""
    system_prompt_text: str = prompts.AGENT_SYSTEM
    """The assistant's system prompt: the turn format the env parses."""


class RLPAData(vf.TaskData):
    """One row: the episode ``gymnasium.make(env_id, split=split, **env_kwargs)`` plays from ``seed``."""

    env_id: str
    split: str
    seed: int
    scenario: str
    env_kwargs: dict[str, Any] = Field(default_factory=dict)


class RLPATask(vf.Task[RLPAData, vf.State, vf.TaskConfig]):
    """An RLPA episode to play."""


class RLPATaskset(vf.Taskset[RLPATask, RLPATasksetConfig]):
    """The (split, seed, scenario) rows of ``RLPATasksetConfig``, seed-major."""

    def load(self) -> Iterator[RLPATask]:
        """Yield one task per seed and scenario; an unknown scenario or a row key in ``env_kwargs`` is refused."""
        config = self.config
        unknown = [name for name in config.scenarios if name not in SCENARIOS]
        if unknown:
            raise ValueError(f"unknown scenarios {unknown}; expected some of {sorted(SCENARIOS)}")
        clash = sorted({"split", "scenario"} & set(config.env_kwargs))
        if clash:
            raise ValueError(f"env_kwargs may not set {clash}: each row sets them (use split/scenarios)")
        for seed in range(config.first_seed, config.first_seed + config.num_seeds):
            for scenario in config.scenarios:
                data = RLPAData(
                    name=f"{config.env_id}/{config.split}/{scenario}/seed-{seed}",
                    system_prompt=config.system_prompt_text,
                    env_id=config.env_id,
                    split=config.split,
                    seed=seed,
                    scenario=scenario,
                    env_kwargs=config.env_kwargs,
                )
                yield RLPATask(data, config.task)


class RLPAEnvConfig(vf.EnvConfig):
    """One role: ``assistant``, the trainable policy, on a local subprocess runtime (verifiers' default
    runtime is a remote Prime sandbox; ``RLPAChatHarness`` runs nothing in it)."""

    assistant: vf.AgentConfig = vf.AgentConfig(runtime=vf.SubprocessConfig())


class RLPAVerifiersEnv(vf.Env[RLPAEnvConfig]):
    """Relays between the assistant agent and the row's RLPA env (see the module docstring)."""

    async def run(self, task: RLPATask, agents: vf.Agents) -> None:
        """Play the row's episode with ``agents.assistant``; record the rewards on its trace."""
        data = task.data
        env = gym.make(data.env_id, split=data.split, **data.env_kwargs)
        rewards: list[float] = []
        formats: list[bool] = []
        ended = "agent_stopped"
        try:
            reset = await asyncio.to_thread(env.reset, seed=data.seed, options={"scenario": data.scenario})
            message = reset[0]
            async with agents.assistant.interaction(task) as chat:
                segment = await chat.turn(message)
                while not segment.terminated:
                    step = await asyncio.to_thread(env.step, segment.last_reply)
                    message, reward, terminated, truncated, info = step
                    rewards.append(float(reward))
                    formats.append(bool(info["format_ok"]))
                    if terminated or truncated:
                        ended = "terminated" if terminated else "truncated"
                        break
                    segment = await chat.turn(message)
        finally:
            env.close()
        trace = chat.trace
        for turn, reward in enumerate(rewards, start=1):
            trace.record_reward(f"turn_{turn}", reward, 0.0)
        trace.record_reward("return", sum(rewards), 1.0)
        trace.info["rlpa"] = {
            "env_id": data.env_id,
            "split": data.split,
            "seed": data.seed,
            "scenario": data.scenario,
            "rewards": rewards,
            "format_ok": formats,
            "ended": ended,
            "rlpa_env_version": rlpa_env.__version__,
        }


class RLPAChatHarnessConfig(vf.HarnessConfig):
    """No options: the model, sampling and limits are the agent's and the run's."""


class RLPAChatHarness(vf.Harness[RLPAChatHarnessConfig]):
    """One chat completion per segment, from this process, through the rollout's interception endpoint.

    The conversation so far (system prompt, then the branch and the new user message, which
    verifiers' default ``resume`` assembles) is sent as is; the interception server records the
    reply on the trace and applies the run's sampling settings.
    """

    APPENDS_SYSTEM_PROMPT = True
    SUPPORTS_RESUME = True
    EXECUTES_CODE = False
    NEEDS_CONTAINER = False

    async def launch(
        self,
        ctx: vf.ModelContext,
        trace: vf.Trace,
        runtime: vf.Runtime,
        endpoint: str,
        secret: str,
        mcp_urls: dict[str, str],
        data: vf.TaskData,
    ) -> ProgramResult:
        """Ask the model for the next assistant message; the trace is the record of the call."""
        system, prompt = self.resolve_prompt(data)
        messages: list[dict[str, Any]] = [{"role": "system", "content": system}] if system else []
        if isinstance(prompt, str):
            messages.append({"role": "user", "content": prompt})
        elif prompt is not None:
            messages.extend(message_to_wire(message) for message in prompt)
        async with AsyncOpenAI(base_url=endpoint, api_key=secret) as client:
            await client.chat.completions.create(model=ctx.model, messages=messages)  # type: ignore[arg-type]
        return ProgramResult(exit_code=0, stdout="", stderr="")
