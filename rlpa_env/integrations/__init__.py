"""Adapters that serve RLPA in the shared forms other RL stacks load; each needs its own extra.

- ``openenv``: an OpenEnv ``Environment`` (``RLPAEnvironment``), its action and observation models and
  a typed ``EnvClient`` (``RLPAEnvClient``); ``serve`` is the ``rlpa-env serve`` command over it
  (the ``serve`` extra: ``openenv-core``).

Nothing here is imported by ``import rlpa_env``: ``openenv`` imports openenv-core at the top, so
import it only where the extra is installed; ``serve`` imports it only when the command runs.
"""
