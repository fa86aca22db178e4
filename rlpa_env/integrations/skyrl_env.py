"""RLPA as a SkyRL-gym (``skyrl-gym`` 0.4.0) environment: ``RLPASkyRLEnv``, the ``BaseTextEnv`` ``"rlpa"``.

Needs the ``skyrl`` extra. Importing this module registers the env class ``"rlpa"`` in SkyRL-gym's
registry (``skyrl_gym.register``); a SkyRL trainer makes one env per trajectory with
``skyrl_gym.make("rlpa", env_config=..., extras=row)``:

- ``env_config`` (the trainer's ``environment.skyrl_gym.rlpa`` section): ``env_id`` (default
  ``"RLPA-v0"``) and ``env_kwargs`` for ``gymnasium.make(env_id, **env_kwargs)``.
- ``extras`` (the dataset row's columns besides ``prompt`` and ``env_class``): ``seed`` (required:
  every member of a GRPO group must meet the same user), and optionally ``split``, ``scenario`` and
  ``max_turns`` (SkyRL's generator puts its own ``max_turns`` here; it caps the episode).
- ``init(prompt)`` resets the env with the row's seed and scenario and returns the row's prompt (for
  example the agent's system message) followed by the user's opening, and the public info
  (``rlpa_env.env.public_info``).
- ``step(action)`` takes the agent's turn (a ``str``) and returns SkyRL's ``observations`` (the user's
  answer as one user message; none once the episode is done, as SkyRL's envs do), ``reward`` (the
  turn's reward), ``done`` (terminated or truncated) and ``metadata`` (the public info, whose
  ``messages`` end with the user's last message, and ``truncated``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import gymnasium as gym
import skyrl_gym
from skyrl_gym.envs.base_text_env import BaseTextEnv, BaseTextEnvStepOutput, ConversationType

from rlpa_env.env import public_info

SKYRL_ID = "rlpa"
ENTRY_POINT = "rlpa_env.integrations.skyrl_env:RLPASkyRLEnv"
ROW_KWARGS = ("split", "max_turns")
"""The row's extras that become ``gymnasium.make`` keyword arguments."""


class RLPASkyRLEnv(BaseTextEnv):
    """One RLPA episode, the row's seed, behind SkyRL's ``init``/``step``; observations are public only."""

    def __init__(self, env_config: Mapping[str, Any] | None = None, extras: Mapping[str, Any] | None = None) -> None:
        super().__init__()
        config = dict(env_config or {})
        row = dict(extras or {})
        if "seed" not in row:
            raise ValueError(
                "RLPASkyRLEnv needs the episode's seed in the row's extras (a 'seed' column beside "
                f"'prompt' and 'env_class'); got extras keys {sorted(row)}"
            )
        self.seed = int(row["seed"])
        self.scenario: str | None = row.get("scenario")
        env_kwargs = {**dict(config.get("env_kwargs") or {}), **{key: row[key] for key in ROW_KWARGS if key in row}}
        self.env = gym.make(str(config.get("env_id", "RLPA-v0")), **env_kwargs)

    def init(self, prompt: ConversationType) -> tuple[ConversationType, dict[str, Any]]:
        """Start the row's episode: the prompt followed by the user's opening, and the public info."""
        options = {"scenario": self.scenario} if self.scenario is not None else None
        message, info = self.env.reset(seed=self.seed, options=options)
        self.turns = 0
        return [*prompt, {"role": "user", "content": message}], public_info(info)

    def step(self, action: str) -> BaseTextEnvStepOutput:
        """Play one agent turn: the user's answer (none once done), the turn's reward, done, the public info."""
        if not isinstance(action, str):
            raise TypeError(
                f"RLPASkyRLEnv.step takes the agent's generated turn as a str (its <profile> and <response> "
                f"blocks), got {type(action).__name__}"
            )
        message, reward, terminated, truncated, info = self.env.step(action)
        self.turns += 1
        done = bool(terminated or truncated)
        return BaseTextEnvStepOutput(
            observations=[] if done else [{"role": "user", "content": message}],
            reward=float(reward),
            done=done,
            metadata={**public_info(info), "truncated": bool(truncated)},
        )

    def get_metrics(self) -> dict[str, Any]:
        """The episode's length in agent turns."""
        return {"turns": self.turns}

    def close(self) -> None:
        """Close the wrapped gymnasium env."""
        self.env.close()


if SKYRL_ID not in skyrl_gym.registry:
    skyrl_gym.register(id=SKYRL_ID, entry_point=ENTRY_POINT)
