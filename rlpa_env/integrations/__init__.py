"""Adapters that serve RLPA in the shared forms other RL stacks load; each needs its own extra.

- ``openenv``: an OpenEnv ``Environment`` (``RLPAEnvironment``), its action and observation models and
  a typed ``EnvClient`` (``RLPAEnvClient``); ``serve`` is the ``rlpa-env serve`` command over it
  (the ``serve`` extra: ``openenv-core``).
- ``verifiers_env``: a ``verifiers.v1`` taskset and environment (the ``verifiers`` extra).

Nothing here is imported by ``import rlpa_env``: each module imports its framework at the top, so
import it only where that framework is installed; ``serve`` imports OpenEnv only when it runs.
"""
