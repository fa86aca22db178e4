"""Adapters that serve RLPA in the shared forms other RL stacks load; each needs its own extra.

- ``openenv``: an OpenEnv ``Environment`` (``RLPAEnvironment``), its action and observation models and
  a typed ``EnvClient`` (``RLPAEnvClient``); ``serve`` is the ``rlpa-env serve`` command over it
  (the ``serve`` extra: ``openenv-core``).
- ``verifiers_env``: a ``verifiers.v1`` taskset, env and chat harness, found by verifiers as the
  taskset id ``rlpa-env-verifiers`` through the top-level module ``rlpa_env_verifiers`` (the
  ``verifiers`` extra).

Nothing here is imported by ``import rlpa_env``: ``openenv`` imports openenv-core at the top, so
import it only where the extra is installed; ``serve`` imports it only when the command runs.
"""
