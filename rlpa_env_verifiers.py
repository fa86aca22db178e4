"""The verifiers taskset ``rlpa-env-verifiers``: the module name verifiers' loader imports for that id.

It re-exports ``rlpa_env.integrations.verifiers_env`` (one ``Taskset``, one ``Env`` and one
``Harness`` subclass in ``__all__``, as the loader requires). Needs the ``verifiers`` extra.
"""

from __future__ import annotations

from rlpa_env.integrations.verifiers_env import *  # noqa: F403
from rlpa_env.integrations.verifiers_env import __all__ as __all__
