"""Adapters that serve RLPA in the shared forms other RL stacks load; each needs its own extra.

- ``openenv``: an OpenEnv ``Environment`` (``RLPAEnvironment``), its action and observation models and
  a typed ``EnvClient`` (``RLPAEnvClient``); ``serve`` is the ``rlpa-env serve`` command over it
  (the ``serve`` extra: ``openenv-core``).
- ``verifiers_env``: a ``verifiers.v1`` taskset, env and chat harness, found by verifiers as the
  taskset id ``rlpa-env-verifiers`` through the top-level module ``rlpa_env_verifiers`` (the
  ``verifiers`` extra).
- ``gem_env``: a GEM ``gem.Env`` (``RLPAGemEnv``), registered as ``rlpa:<id>`` for every RLPA id
  (the ``gem`` extra: ``gem-llm``).
- ``skyrl_env``: a SkyRL-gym ``BaseTextEnv`` (``RLPASkyRLEnv``), registered as the env class
  ``rlpa`` (the ``skyrl`` extra: ``skyrl-gym``).

Nothing here is imported by ``import rlpa_env``: ``openenv``, ``verifiers_env``, ``gem_env`` and
``skyrl_env`` import their library at the top (the last two also register with it), so import each only where its
extra is installed; ``serve`` imports openenv-core only when the command runs.
"""
