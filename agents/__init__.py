"""Agents that plug policies into ``RLPAEnv``: the protocol, baselines, and LLM adapters.

``AGENTS`` builds an agent by name: ``"random"``, ``"heuristic"``, ``"oracle"`` (needs an env with
``privileged_info=True``), and lazily ``"transformers"`` (a local causal LM) and ``"openai"`` (any
OpenAI-compatible endpoint), which need the ``llm`` extra.
"""

from __future__ import annotations

from agents.base import Agent, Episode, TurnRecord, run_episode
from rlpa_env.registry import Registry

AGENTS: Registry[Agent] = Registry("agent")
AGENTS.register("random", "agents.baselines:RandomAgent")
AGENTS.register("heuristic", "agents.baselines:HeuristicAgent")
AGENTS.register("oracle", "agents.baselines:OracleAgent")
AGENTS.register("transformers", "agents.hf:TransformersAgent")
AGENTS.register("openai", "agents.openai_chat:OpenAIChatAgent")

__all__ = ["AGENTS", "Agent", "Episode", "TurnRecord", "run_episode"]
