"""Training LLM policies against ``RLPAEnv``.

- ``rollouts``: episode and branching collectors with token ids, log-probs and a policy mask.
- ``sft_data`` / ``sft``: demonstrations from the package's agents as chat JSONL; TRL ``SFTTrainer``.
- ``grpo``: TRL ``GRPOTrainer`` adapters (``rollout_func`` over whole episodes or branching turn groups,
  and an ``environment_factory`` class for tool-calling chat templates).
- ``verl_interaction``: the env as a verl ``BaseInteraction`` (a simulated-user hook for verl's multi-turn rollouts).

Submodules import torch, transformers and TRL lazily; importing this package loads none of them.
"""
