"""rlpa-env: RLPA (Reinforcement Learning for Personalized Alignment) as a Gymnasium environment.

Importing the package registers the environment ids below and loads nothing else: no profile bank,
no model, no network. Each id is ``rlpa_env.env:RLPAEnv`` with the keyword arguments shown; any of
them can be overridden in ``gymnasium.make(id, **kwargs)``.

=====================  =====================================================================
id                     kwargs
=====================  =====================================================================
RLPA-v0                split="train" (scripted user, rule rewards, 10 turns; the default)
RLPA-Test-v0           split="test" (held-out profiles, for evaluation)
RLPA-Shift-v0          split="test", scenario="preference-shift" (a like changes after turn 5)
RLPA-Long-v0           split="test", scenario="long-horizon" (50 turns)
RLPA-ColdStart-v0      split="test", scenario="cold-start" (bare opening, negative rapport)
RLPA-LLM-v0            split="test", user="llm", profile_scorer="llm", response_judge="llm"
                       (user and judges on the embedded SmolLM2 model; needs the ``llm`` extra)
=====================  =====================================================================

Standard-space ids for Stable-Baselines3 and other classic RL libraries (``Discrete`` dialogue
moves, ``Box`` features of the public transcript) are built by ``agents.sb3:make_move_env``, named
by import path so that importing ``rlpa_env`` never imports ``agents``:

=====================  =====================================================================
RLPA-Discrete-v0       split="train" (``action_format="multidiscrete"`` for ``MultiDiscrete``)
RLPA-Discrete-Test-v0  split="test"
=====================  =====================================================================

Layers, lowest first; a module imports only from its own layer or a lower one, and no files or
packages import each other in a cycle (``tests/test_architecture.py`` walks the imports and the module
strings of the registries, ``"agents.sb3:make_move_env"``; it lists the few such strings that point up):
text/parsing/spaces -> profiles -> reply analysis -> users/rewards -> env/episode -> eval -> cli;
agents on top.

- text/parsing/spaces: ``text``, ``vocabulary``, ``assertion`` (the cue grammar of hedges, negation
  and contradictions), ``parsing``, ``spaces``, with the other leaves ``prompts``,
  ``registry`` and ``backends`` (chat backends and the one-backend setting, ``backends.config``);
- ``profiles``; reply analysis (``reply_analysis``, and ``reading``: the one ``ReplyReading`` per
  turn and the reader role, whose ``"language-model"`` reader is ``language_model_reading``; the
  readers' records are the leaf ``reader_verdict``); ``users`` and ``rewards``;
- ``env`` with ``roles`` (the ``ROLES`` table), ``episode`` (``Episode``, ``TurnRecord``,
  ``run_episode``, the ``AGENTS`` registry) and ``scenarios``; ``eval`` with ``integrations`` (the
  OpenEnv server) and ``calibration`` (judge agreement on a labelled set); ``cli`` with ``doctor``;
- the ``agents`` package builds on all of it; ``rlpa_env`` names its agents by import-path strings
  in ``rlpa_env.episode.AGENTS`` and never imports ``agents``.
"""

from __future__ import annotations

from gymnasium.envs.registration import register, registry

__version__ = "0.1.0"

ENV_IDS: dict[str, dict[str, object]] = {
    "RLPA-v0": {"split": "train"},
    "RLPA-Test-v0": {"split": "test"},
    "RLPA-Shift-v0": {"split": "test", "scenario": "preference-shift"},
    "RLPA-Long-v0": {"split": "test", "scenario": "long-horizon"},
    "RLPA-ColdStart-v0": {"split": "test", "scenario": "cold-start"},
    "RLPA-LLM-v0": {"split": "test", "user": "llm", "profile_scorer": "llm", "response_judge": "llm"},
}
# v1 and v2 of the text ids: the same settings read by the language-model reader, v1 without its swap
# test (the env's Version History).
_TEXT_IDS = {env_id: kwargs for env_id, kwargs in ENV_IDS.items() if env_id != "RLPA-LLM-v0"}
ENV_IDS.update(
    {
        env_id.replace("-v0", "-v1"): {**kwargs, "reader": "language-model", "reader_kwargs": {"swap_threshold": None}}
        for env_id, kwargs in _TEXT_IDS.items()
    }
)
ENV_IDS.update(
    {env_id.replace("-v0", "-v2"): {**kwargs, "reader": "language-model"} for env_id, kwargs in _TEXT_IDS.items()}
)

MOVE_ENV_IDS: dict[str, dict[str, object]] = {
    "RLPA-Discrete-v0": {"split": "train"},
    "RLPA-Discrete-Test-v0": {"split": "test"},
}

for _env_id, _kwargs in ENV_IDS.items():
    if _env_id not in registry:
        register(id=_env_id, entry_point="rlpa_env.env:RLPAEnv", kwargs=dict(_kwargs))
for _env_id, _kwargs in MOVE_ENV_IDS.items():
    if _env_id not in registry:
        register(id=_env_id, entry_point="agents.sb3:make_move_env", kwargs=dict(_kwargs))

__all__ = ["ENV_IDS", "MOVE_ENV_IDS", "__version__"]
