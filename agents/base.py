"""The ``Agent`` protocol and the episode records, re-exported from ``rlpa_env.episode``.

The records and the episode loop belong to the environment; this module keeps the import paths
``agents.base.Agent``, ``agents.base.Episode``, ``agents.base.TurnRecord`` and
``agents.base.run_episode`` that agent code uses.
"""

from __future__ import annotations

from rlpa_env.episode import AGENT_FAILURE, Agent, Episode, TurnRecord, run_episode

__all__ = ["AGENT_FAILURE", "Agent", "Episode", "TurnRecord", "run_episode"]
