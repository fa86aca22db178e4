"""Build the role being calibrated by name, from the env's one roles table, on a metered backend.

``ROLE_TABLE`` maps each calibration role to its row of ``rlpa_env.roles.ROLES`` (its registry, its
default and the names that run on a model). A model-backed name gets its backend from
``resolve_backend(setting, model=...)`` (``"embedded"`` when no setting is given), wrapped in a
``MeteredBackend`` so the report can say seconds and tokens per call. A backend given for a role that
runs no model is an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rlpa_env.backends.config import EMBEDDED, resolve_backend
from rlpa_env.calibration.items import ROLES as CALIBRATED_ROLES
from rlpa_env.calibration.metering import MeteredBackend
from rlpa_env.roles import ROLES, Role

ROLE_TABLE: Mapping[str, Role] = {role.name: role for role in ROLES if role.name in CALIBRATED_ROLES}
"""The ``ROLES`` row of every calibration role."""


def build_role(
    role: str, name: str, backend: str | None = None, backend_model: str | None = None
) -> tuple[Any, MeteredBackend | None]:
    """The implementation ``name`` of ``role`` and the metered backend it runs on (``None`` for rule roles).

    Raises:
        ValueError: an unknown role or implementation, or a backend for a role that runs no model.
    """
    if role not in ROLE_TABLE:
        raise ValueError(f"unknown role {role!r}; expected one of {sorted(ROLE_TABLE)}")
    row = ROLE_TABLE[role]
    if name not in row.registry.names():
        raise ValueError(f"unknown {row.registry.kind} {name!r}; registered: {', '.join(row.registry.names())}")
    if not row.runs_on_a_model(name):
        if backend is not None or backend_model is not None:
            raise ValueError(f"the {row.registry.kind} {name!r} runs no model: drop --backend/--backend-model")
        return row.build(name, None, None), None
    metered = MeteredBackend(resolve_backend(backend or EMBEDDED, model=backend_model))
    return row.build(name, None, metered), metered
