"""Build the role being calibrated by name, from the package's registries, on a metered backend.

``ROLE_REGISTRIES`` names, for each calibration role, the registry its implementations live in
(``rlpa_env.rewards`` and ``rlpa_env.users``) and the default implementation. A model-backed name
(``backends.config.MODEL_BACKED_ROLES``) gets its backend from ``resolve_backend(setting, model=...)``
(``"embedded"`` when no setting is given), wrapped in a ``MeteredBackend`` so the report can say
seconds and tokens per call. A backend given for a role that runs no model is an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rlpa_env.backends.config import EMBEDDED, MODEL_BACKED_ROLES, resolve_backend
from rlpa_env.calibration.metering import MeteredBackend
from rlpa_env.registry import Registry
from rlpa_env.rewards import ALIGNMENT_GRADERS, PROFILE_SCORERS, RESPONSE_JUDGES
from rlpa_env.users import USERS


@dataclass(frozen=True)
class RoleSpec:
    """Where one role's implementations are registered, its default and its key in ``MODEL_BACKED_ROLES``."""

    registry: Registry[Any]
    default: str
    config_key: str


ROLE_REGISTRIES: Mapping[str, RoleSpec] = {
    "response_judge": RoleSpec(RESPONSE_JUDGES, "rule", "response_judge"),
    "profile_scorer": RoleSpec(PROFILE_SCORERS, "lexical", "profile_scorer"),
    "alignment_grader": RoleSpec(ALIGNMENT_GRADERS, "rule", "alignment_grader"),
    "user": RoleSpec(USERS, "scripted", "user"),
}


def runs_on_a_model(role: str, name: str) -> bool:
    """Whether implementation ``name`` of ``role`` runs on a ``ChatBackend``."""
    return name in MODEL_BACKED_ROLES[ROLE_REGISTRIES[role].config_key]


def build_role(
    role: str, name: str, backend: str | None = None, backend_model: str | None = None
) -> tuple[Any, MeteredBackend | None]:
    """The implementation ``name`` of ``role`` and the metered backend it runs on (``None`` for rule roles).

    Raises:
        ValueError: an unknown role or implementation, or a backend for a role that runs no model.
    """
    if role not in ROLE_REGISTRIES:
        raise ValueError(f"unknown role {role!r}; expected one of {sorted(ROLE_REGISTRIES)}")
    spec = ROLE_REGISTRIES[role]
    if name not in spec.registry.names():
        raise ValueError(f"unknown {spec.registry.kind} {name!r}; registered: {', '.join(spec.registry.names())}")
    if not runs_on_a_model(role, name):
        if backend is not None or backend_model is not None:
            raise ValueError(f"the {spec.registry.kind} {name!r} runs no model: drop --backend/--backend-model")
        return spec.registry.make(name), None
    metered = MeteredBackend(resolve_backend(backend or EMBEDDED, model=backend_model))
    return spec.registry.make(name, backend=metered), metered
