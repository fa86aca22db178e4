"""The environment's roles in one table, ``ROLES``, read by everything that needs the roles.

A *role* is a component the env is built from and calls each turn: the simulated user, the
profile scorer, the response judge, the alignment grader and the reply reader. Each ``Role`` row
names:

- ``name``: the ``RLPAEnv`` constructor argument and attribute (``user``);
- ``registry``: the ``Registry`` that builds it by name (``USERS``);
- ``protocol``: the ``runtime_checkable`` protocol a built role satisfies (``UserSimulator``);
- ``default``: the registered name used when the argument is not given (``"scripted"``);
- ``kwargs_key``: the constructor argument of the named role's keyword arguments (``user_kwargs``);
- ``model_names``: the registered names that run on a ``ChatBackend`` (their ``backend`` keyword):
  those get the env's shared ``backend`` setting when their own kwargs choose none.

The env's constructor builds every row (``build_roles``); the shared backend is resolved once for
the rows whose choice runs on a model (``shared_backend``); each step seeds every role that is
``TurnSeeded`` (``turn_seeded``); the evaluation runner finds the roles' chat backends through
``env_roles``. Adding a role is one row here (and its line in ``RLPAEnv``'s docstring).

Optional abilities are small protocols, checked with ``isinstance``: ``TurnSeeded`` (a role that
takes each turn's seed, ``backends.base.turn_seed(episode seed, turn)``, before the turn is read
and scored).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

from rlpa_env.backends.base import ChatBackend
from rlpa_env.backends.config import resolve_backend
from rlpa_env.reader_verdict import ReplyReader
from rlpa_env.reading import READERS
from rlpa_env.registry import Registry
from rlpa_env.rewards import ALIGNMENT_GRADERS, PROFILE_SCORERS, RESPONSE_JUDGES
from rlpa_env.rewards.base import AlignmentGrader, ProfileScorer, ResponseJudge
from rlpa_env.users import USERS
from rlpa_env.users.base import UserSimulator

_ON_A_MODEL = frozenset({"llm"})


@runtime_checkable
class TurnSeeded(Protocol):
    """A role whose randomness follows the turn: the env hands it each turn's seed before using it."""

    def set_turn_seed(self, seed: int | None) -> None:
        """Seed what the role does this turn (``None``: the episode has no seed)."""
        ...


@dataclass(frozen=True)
class Role:
    """One row of ``ROLES`` (the module docstring says what each column means)."""

    name: str
    registry: Registry[Any]
    protocol: type
    default: str
    kwargs_key: str
    model_names: frozenset[str] = frozenset()

    def runs_on_a_model(self, choice: object) -> bool:
        """Whether ``choice`` (a registered name or a built object) is a name that runs on a ``ChatBackend``."""
        return isinstance(choice, str) and choice in self.model_names

    def build(self, choice: object, kwargs: Mapping[str, Any] | None, backend: ChatBackend | None) -> Any:
        """The role named ``choice`` built with ``kwargs`` (plus ``backend`` when it runs on a model).

        A built object is returned as is (with no ``kwargs``, as ``Registry.make`` requires).

        Raises:
            TypeError: the built or given object does not satisfy ``protocol``.
        """
        options = dict(kwargs or {})
        if backend is not None and self.runs_on_a_model(choice):
            options.setdefault("backend", backend)
        built = self.registry.make(choice, **options)
        if not isinstance(built, self.protocol):
            raise TypeError(
                f"{self.name} must be a registered name ({', '.join(self.registry.names())}) or a "
                f"{self.protocol.__name__}, got {type(built).__name__}"
            )
        return built


ROLES: tuple[Role, ...] = (
    Role("user", USERS, UserSimulator, "scripted", "user_kwargs", _ON_A_MODEL),
    Role("profile_scorer", PROFILE_SCORERS, ProfileScorer, "lexical", "profile_scorer_kwargs", _ON_A_MODEL),
    Role("response_judge", RESPONSE_JUDGES, ResponseJudge, "rule", "response_judge_kwargs", _ON_A_MODEL),
    Role("alignment_grader", ALIGNMENT_GRADERS, AlignmentGrader, "rule", "alignment_grader_kwargs", _ON_A_MODEL),
    Role("reader", READERS, ReplyReader, "rules", "reader_kwargs"),
)
"""Every role of the env, in the order the env builds them."""

ROLE_ARGUMENTS: frozenset[str] = frozenset(name for role in ROLES for name in (role.name, role.kwargs_key))
"""The ``RLPAEnv`` keyword arguments that choose and configure roles."""


def role_choices(arguments: Mapping[str, Any]) -> dict[str, object]:
    """Each role's choice in ``arguments`` (role name -> registered name or object), its default when absent."""
    return {role.name: arguments.get(role.name, role.default) for role in ROLES}


def shared_backend(
    setting: str | ChatBackend | None, options: Mapping[str, Any] | None, choices: Mapping[str, object]
) -> ChatBackend | None:
    """The one backend of the ``backend`` setting, or ``None`` without a setting.

    Raises:
        ValueError: ``options`` without a setting, or a setting while no role in ``choices`` runs on a model.
    """
    if setting is None:
        if options:
            raise ValueError("backend_kwargs given without backend; pass backend='embedded', a URL or a path")
        return None
    if not any(role.runs_on_a_model(choices[role.name]) for role in ROLES):
        chosen = ", ".join(f"{name}={choice!r}" for name, choice in choices.items())
        raise ValueError(
            f"backend={setting!r} is given but no role runs on a chat model ({chosen}); "
            "name one of them 'llm' (RLPA-LLM-v0 names the user and both judges)"
        )
    return resolve_backend(setting, **dict(options or {}))


def build_roles(arguments: Mapping[str, Any], backend: ChatBackend | None) -> dict[str, Any]:
    """Every role built from ``arguments`` (``ROLE_ARGUMENTS`` keys) on the shared ``backend``, by role name."""
    choices = role_choices(arguments)
    return {role.name: role.build(choices[role.name], arguments.get(role.kwargs_key), backend) for role in ROLES}


def turn_seeded(roles: Iterable[object]) -> list[TurnSeeded]:
    """The ``roles`` that take a turn seed."""
    return [role for role in roles if isinstance(role, TurnSeeded)]


def env_roles(env: Any) -> list[Any]:
    """The roles of ``env`` (unwrapped), in ``ROLES`` order; ``None`` for a role it does not have."""
    unwrapped = getattr(env, "unwrapped", env)
    return [getattr(unwrapped, role.name, None) for role in ROLES]
