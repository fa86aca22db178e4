"""RLPA as a GEM (``gem-llm`` 0.1.0) environment: ``RLPAGemEnv`` and its ``rlpa:<id>`` registrations.

Needs the ``gem`` extra. Importing this module registers with ``gem.register``, for every id in
``rlpa_env.ENV_IDS``, the GEM id ``rlpa:<id>`` (GEM's ``category:Name`` convention), so
``gem.make("rlpa:RLPA-Test-v0", max_turns=6)`` or ``gem.make_vec(["rlpa:RLPA-v0"] * 8, seed=0)`` give
``gymnasium.make(id, **kwargs)`` behind GEM's ``Env`` interface:

- ``reset(seed)`` is ``env.reset(seed=seed)``: the same seed gives exactly the in-process episode.
  It returns the user's opening and the public info (``rlpa_env.env.public_info``: the turn, the
  scenario, the transcript, the format verdict); the scores per criterion stay out, as in the env.
- ``step(action)`` takes the agent's turn (a ``str``: the ``<profile>`` and ``<response>`` blocks)
  and returns GEM's ``(observation, reward, terminated, truncated, info)``: the user's answer, the
  turn's reward, the env's own flags and the public info.
- ``seed`` at construction (``gem.make_vec`` passes ``seed + index``) seeds the first ``reset()``
  called without one; later unseeded resets (the vector env's autoreset) continue the env's own
  generator. Unlike GEM's envs, ``reset`` does not call ``gem.Env.reset``: that reseeds Python's and
  NumPy's global generators, and RLPA draws only from its own.

``import gem`` takes seconds (it imports reasoning_gym and sets the root logger to INFO), so nothing
but this module imports it.
"""

from __future__ import annotations

from typing import Any

import gem
import gymnasium as gym
from gem.envs.registration import ENV_REGISTRY

import rlpa_env
from rlpa_env.env import public_info

GEM_PREFIX = "rlpa:"
ENTRY_POINT = "rlpa_env.integrations.gem_env:RLPAGemEnv"


class RLPAGemEnv(gem.Env):
    """``gymnasium.make(gym_id, **env_kwargs)`` behind ``gem.Env``; observations are public only."""

    def __init__(self, gym_id: str = "RLPA-v0", seed: int | None = None, **env_kwargs: Any) -> None:
        super().__init__()
        self.gym_id = gym_id
        self.env = gym.make(gym_id, **env_kwargs)
        self._first_seed = seed

    def reset(self, seed: int | None = None) -> tuple[str, dict[str, Any]]:
        """Start the episode of ``seed``: the user's opening and the public info."""
        if seed is None:
            seed, self._first_seed = self._first_seed, None
        message, info = self.env.reset(seed=seed)
        return message, public_info(info)

    def step(self, action: str) -> tuple[str, float, bool, bool, dict[str, Any]]:
        """Play one agent turn: the user's answer, the turn's reward, the env's flags, the public info."""
        if not isinstance(action, str):
            raise TypeError(
                f"RLPAGemEnv.step takes the agent's turn as a str (its <profile> and <response> blocks), "
                f"got {type(action).__name__}"
            )
        message, reward, terminated, truncated, info = self.env.step(action)
        return message, float(reward), terminated, truncated, public_info(info)

    def close(self) -> None:
        """Close the wrapped gymnasium env."""
        self.env.close()


def register_all() -> None:
    """Register ``rlpa:<id>`` for every ``rlpa_env.ENV_IDS`` id not registered with GEM yet."""
    for gym_id in rlpa_env.ENV_IDS:
        if GEM_PREFIX + gym_id not in ENV_REGISTRY:
            gem.register(GEM_PREFIX + gym_id, ENTRY_POINT, gym_id=gym_id)


register_all()
