"""Agents that plug policies into ``RLPAEnv``: the protocol, baselines, and LLM adapters.

``AGENTS`` (defined in ``rlpa_env.episode``, which names each agent by its import path) builds an
agent by name: ``"random"``, ``"heuristic"``, ``"oracle"`` (needs an env with
``privileged_info=True``), and lazily ``"transformers"`` (a local causal LM) and ``"openai"`` (any
OpenAI-compatible endpoint), which need the ``llm`` extra.
"""

from __future__ import annotations

from rlpa_env.episode import AGENTS, Agent, Episode, TurnRecord, run_episode

__all__ = ["AGENTS", "Agent", "Episode", "TurnRecord", "run_episode"]
