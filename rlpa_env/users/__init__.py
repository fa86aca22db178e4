"""Simulated users: the ``UserSimulator`` protocol and the ``USERS`` registry.

``"scripted"`` (rules and templates, the default) and ``"llm"`` (a prompt over any ``ChatBackend``) are
registered lazily, so importing this package loads neither.
"""

from __future__ import annotations

from rlpa_env.registry import Registry
from rlpa_env.users.base import DialogueState, UserSimulator, UserTurn

USERS: Registry[UserSimulator] = Registry("user simulator")
USERS.register("scripted", "rlpa_env.users.scripted:ScriptedUser")
USERS.register("llm", "rlpa_env.users.llm:LLMUser")

__all__ = ["USERS", "DialogueState", "UserSimulator", "UserTurn"]
