"""TRL's ``GRPOTrainer`` as the engine: RLPA episodes through ``rollout_func``, with KL to the reference model.

- **Data.** Each training row is an episode spec, ``episode_prompt(seed)`` (a plain-text prompt such
  as ``"rlpa-episode seed=17"``): the environment owns the dialogue, and the row only says which
  episode to play. ``episode_dataset(count, seed)`` builds the ``datasets.Dataset``. TRL repeats each
  row ``num_generations`` times, consecutively, and computes group-relative advantages per row.
- **``RLPARollout(mode="episode")``.** Each row plays a whole episode (``collect_episodes``); the
  completion is every token after the first prompt, and ``env_mask`` (TRL's mask of model-written
  tokens) leaves the user's messages and the template's markup out of the loss. The reward is the
  episode's return. The ``num_generations`` copies of a row are independent samples from one seed.
- **``RLPARollout(mode="turn")``** (the paper's scheme). Each group of ``num_generations`` copies of a
  row is one dialogue state with ``num_generations`` sampled candidate turns, each scored from the
  same snapshot; the reward is the candidate's turn reward. Groups come from ``collect_branching``,
  which plays whole episodes and continues each from its best candidate: an episode yields one group
  per turn, so groups are queued and served in order, and a row's seed starts a new episode when the
  queue runs dry. Queued groups were sampled by the policy of up to a few steps earlier.
  With ``skip_uniform_groups=True`` (DAPO's dynamic sampling), a group whose candidates all earned the
  same reward (no advantage, so no policy gradient) is served only when too few informative groups are
  queued; such groups are kept until the next collection, then discarded.
- **Evaluation.** TRL's eval loop (``eval_dataset`` with ``eval_strategy``) calls the rollout with the
  model in eval mode: every eval row then plays a whole episode of ``eval_env_id`` (default: the
  training env) without touching the training queue, and its reward is the episode's return. Rows and
  sampling seeds are fixed, so ``eval_reward`` at different steps compares the same dialogues.
- **``collections``** records every collection round: the trainer step it was sampled at and the mean
  reward of *all* candidates sampled (served or not), the curve of how the policy is doing.
- **Generation** runs on the trainer's own model (unwrapped from DDP) through ``TransformersAgent``
  with the sampling temperature of ``GRPOConfig.temperature`` and ``max_completion_length`` tokens per
  turn, so the same script runs on CPU, one GPU, or several under ``accelerate launch`` (each process
  plays its own slice of rows). TRL's vLLM generation is not used by these rollouts.
- ``python -m agents.train.grpo --model DIR --out DIR`` trains a checkpoint (also under
  ``accelerate launch``; each process plays its own slice of the episodes).
- ``make_grpo_trainer`` wires it all with the project's defaults (``beta=0.04``: KL to the reference,
  which is the policy as passed in, saved under ``output_dir/reference`` for TRL to load).

``RLPAToolEnv`` is the ``environment_factory`` route for chat templates with tool calling: the model
sends each turn through a ``send_turn(profile, response)`` tool call and reads the user's reply as
the tool's result; ``get_reward`` returns the episode's return.
"""

from __future__ import annotations

import os
import re
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import gymnasium as gym

import rlpa_env  # noqa: F401  (registers the ids)
from agents.train.rollouts import TurnGroup, collect_branching, collect_episodes
from rlpa_env import prompts
from rlpa_env.parsing import format_turn

_EPISODE_PROMPT = re.compile(r"^rlpa-episode seed=(-?\d+)$")
REWARD_FIELD = "rlpa_reward"


def episode_prompt(seed: int) -> str:
    """The plain-text prompt of the training row that plays the episode reset with ``seed``."""
    return f"rlpa-episode seed={seed}"


def episode_seed(prompt: Any) -> int:
    """The seed an ``episode_prompt`` names; a clear error for any other prompt."""
    match = _EPISODE_PROMPT.match(prompt) if isinstance(prompt, str) else None
    if match is None:
        raise ValueError(f"expected a prompt from episode_prompt(seed), e.g. 'rlpa-episode seed=3', got {prompt!r}")
    return int(match.group(1))


def episode_dataset(count: int, seed: int = 0) -> Any:
    """A ``datasets.Dataset`` with one ``prompt`` row per episode, seeds ``seed .. seed + count - 1``."""
    from datasets import Dataset

    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    return Dataset.from_dict({"prompt": [episode_prompt(seed + i) for i in range(count)]})


def env_reward(completions: Sequence[Any], **kwargs: Any) -> list[float]:
    """TRL reward function: the reward the rollout computed in the env (forwarded as ``rlpa_reward``)."""
    rewards = kwargs.get(REWARD_FIELD)
    if rewards is None:
        raise KeyError(f"no {REWARD_FIELD!r} field: use env_reward with an RLPARollout rollout_func")
    return [float(r) for r in rewards]


@dataclass(frozen=True)
class Collection:
    """One collection round of ``RLPARollout``: when it was sampled and how the sampled candidates scored.

    ``mean_reward`` averages the reward of every candidate turn (``mode="turn"``) or the return of every
    episode (``mode="episode"``) sampled in the round, whether or not it was served to the trainer;
    ``uniform_groups`` counts the round's groups whose candidates all earned the same reward.
    """

    step: int
    samples: int
    mean_reward: float
    uniform_groups: int = 0


class RLPARollout:
    """A ``rollout_func`` for TRL's ``GRPOTrainer`` (see the module docstring).

    Args:
        env_id: The registered env to train on (default ``RLPA-v0``, the train split).
        mode: ``"episode"`` (whole episodes, ``env_mask``) or ``"turn"`` (branching turn groups).
        make_env: Builds one env; replaces ``env_id``/``env_kwargs`` (e.g. to add wrappers).
        system_prompt: The policy's system prompt.
        skip_uniform_groups: In ``"turn"`` mode, serve groups with equal rewards only when informative
            groups run short.
        eval_env_id: The registered env that evaluation rows play (with ``env_kwargs``); default: the
            training env.
        env_kwargs: Passed to ``gymnasium.make``.
    """

    def __init__(
        self,
        env_id: str = "RLPA-v0",
        *,
        mode: Literal["episode", "turn"] = "turn",
        make_env: Callable[[], gym.Env] | None = None,
        system_prompt: str = prompts.AGENT_SYSTEM,
        skip_uniform_groups: bool = False,
        eval_env_id: str | None = None,
        **env_kwargs: Any,
    ) -> None:
        if mode not in ("episode", "turn"):
            raise ValueError(f"mode must be 'episode' or 'turn', got {mode!r}")
        if skip_uniform_groups and mode != "turn":
            raise ValueError("skip_uniform_groups applies to mode='turn' only")
        self.mode = mode
        self.make_env = make_env or (lambda: gym.make(env_id, **env_kwargs))
        self.make_eval_env = (lambda: gym.make(eval_env_id, **env_kwargs)) if eval_env_id else self.make_env
        self.system_prompt = system_prompt
        self.skip_uniform_groups = skip_uniform_groups
        self.groups: deque[TurnGroup] = deque()
        self.spare_groups: list[TurnGroup] = []
        self.last_groups: list[TurnGroup] = []
        self.episode_returns: list[float] = []
        self.collections: list[Collection] = []

    def __call__(self, prompts_: list[Any], trainer: Any) -> dict[str, list[Any]]:
        """Play the rows ``prompts_`` (each repeated ``trainer.num_generations`` times) and return TRL's fields."""
        training = trainer.model.training
        group_size = trainer.num_generations if training else trainer.num_generations_eval
        if len(prompts_) % group_size:
            raise ValueError(f"got {len(prompts_)} prompts, not a multiple of num_generations={group_size}")
        seeds = [episode_seed(p) for p in prompts_]
        agent = self._agent(trainer)
        agent.backend.model.eval()
        try:
            if not training:
                return self._episodes(agent, [self.make_eval_env() for _ in seeds], seeds)
            step = trainer.state.global_step
            if self.mode == "episode":
                out = self._episodes(agent, [self.make_env() for _ in seeds], seeds)
                self.episode_returns.extend(out[REWARD_FIELD])
                self.collections.append(Collection(step, len(seeds), sum(out[REWARD_FIELD]) / len(seeds)))
                return out
            return self._turns(agent, seeds[::group_size], group_size, step)
        finally:
            agent.backend.model.train(training)

    def _agent(self, trainer: Any) -> Any:
        from agents.hf import TransformersAgent
        from rlpa_env.backends.transformers_backend import TransformersBackend

        model = trainer.accelerator.unwrap_model(trainer.model)
        backend = TransformersBackend(model, trainer.processing_class, max_batch_size=64)
        return TransformersAgent(
            backend,
            max_tokens=trainer.max_completion_length,
            temperature=trainer.temperature,
            system_prompt=self.system_prompt,
        )

    def _episodes(self, agent: Any, envs: list[gym.Env], seeds: list[int]) -> dict[str, list[Any]]:
        rollouts = collect_episodes(agent, envs, seeds)
        return {
            "prompt_ids": [list(r.token_ids[: r.prompt_length]) for r in rollouts],
            "completion_ids": [list(r.token_ids[r.prompt_length :]) for r in rollouts],
            "logprobs": [list(r.logprobs[r.prompt_length :]) for r in rollouts],
            "env_mask": [[int(m) for m in r.policy_mask[r.prompt_length :]] for r in rollouts],
            REWARD_FIELD: [r.total_reward for r in rollouts],
        }

    def _turns(self, agent: Any, seeds: list[int], group_size: int, step: int) -> dict[str, list[Any]]:
        if len(self.groups) < len(seeds):  # every episode yields at least one group, so one batch suffices
            self._collect_groups(agent, seeds, group_size, step)
        served = [self.groups.popleft() for _ in range(min(len(seeds), len(self.groups)))]
        while len(served) < len(seeds):
            served.append(self.spare_groups.pop())
        self.last_groups = served
        out: dict[str, list[Any]] = {"prompt_ids": [], "completion_ids": [], "logprobs": [], REWARD_FIELD: []}
        for group in served:
            out["prompt_ids"] += [list(group.prompt_ids)] * group_size
            out["completion_ids"] += [list(ids) for ids in group.completion_ids]
            out["logprobs"] += [list(lps) for lps in group.logprobs]
            out[REWARD_FIELD] += list(group.rewards)
        return out

    def _collect_groups(self, agent: Any, seeds: list[int], group_size: int, step: int) -> None:
        episodes, groups = collect_branching(agent, [self.make_env() for _ in seeds], seeds, group_size)
        self.episode_returns.extend(e.total_reward for e in episodes)
        uniform = [g for g in groups if g.uniform]
        if self.skip_uniform_groups:
            self.groups.extend(g for g in groups if not g.uniform)
            self.spare_groups = uniform
        else:
            self.groups.extend(groups)
        rewards = [r for g in groups for r in g.rewards]
        self.collections.append(Collection(step, len(rewards), sum(rewards) / len(rewards), len(uniform)))


def make_grpo_trainer(
    model: Any,
    tokenizer: Any,
    output_dir: str | Path,
    *,
    rollout: RLPARollout | None = None,
    episodes: int = 64,
    seed: int = 0,
    eval_dataset: Any = None,
    **config: Any,
) -> Any:
    """A TRL ``GRPOTrainer`` that trains ``model`` in RLPA through ``rollout``; ``config`` overrides ``GRPOConfig``.

    The training rows are ``episode_dataset(episodes, seed)``; ``eval_dataset`` (rows from
    ``episode_dataset`` too, with ``eval_strategy`` in ``config``) is played by TRL's eval loop.
    """
    import torch
    from trl import GRPOConfig, GRPOTrainer

    settings: dict[str, Any] = {
        "output_dir": str(output_dir),
        "num_generations": 4,
        "per_device_train_batch_size": 4,
        "max_completion_length": 160,
        "temperature": 1.0,
        "beta": 0.04,
        "learning_rate": 1e-6,
        "logging_steps": 1,
        "save_strategy": "no",
        "report_to": "none",
        "use_cpu": not torch.cuda.is_available(),
        "dataloader_num_workers": 0,
        "seed": seed,
    }
    settings.update(config)
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    tokenizer.padding_side = "left"
    if settings["beta"] > 0:
        _save_reference(model, Path(output_dir) / "reference")
    return GRPOTrainer(
        model=model,
        reward_funcs=[env_reward],
        args=GRPOConfig(**settings),
        train_dataset=episode_dataset(episodes, seed),
        eval_dataset=eval_dataset,
        processing_class=tokenizer,
        rollout_func=rollout or RLPARollout(),
    )


def _save_reference(model: Any, folder: Path) -> None:
    """Save the starting policy where TRL builds its reference model from (``config._name_or_path``).

    TRL loads the KL reference from the policy's checkpoint path; a model built in memory (or copied out
    of a GGUF file) has none, so the policy as it is now is saved and named as that path.
    """
    model.save_pretrained(folder)
    model.config._name_or_path = str(folder)


class RLPAToolEnv:
    """An RLPA episode for TRL's ``environment_factory``: the model talks to the user through one tool.

    ``reset(seed=..., **row)`` starts an episode and returns the user's opening, which TRL appends to the
    row's last user message; each ``send_turn`` call is one agent turn; ``get_reward`` is the return so far.
    Once the episode has ended, ``send_turn`` says so instead of stepping.
    """

    def __init__(self, env_id: str = "RLPA-v0", **env_kwargs: Any) -> None:
        self.env = gym.make(env_id, **env_kwargs)
        self.total_reward = 0.0
        self.done = True

    def reset(self, seed: int | None = None, **row: Any) -> str:
        """Start an episode (from ``seed`` when the dataset row has one) and return the user's opening message."""
        observation, _ = self.env.reset(seed=seed)
        self.total_reward, self.done = 0.0, False
        return observation

    def send_turn(self, profile: list[str], response: str) -> str:
        """Send your next chat message to the user, with what you have learned about them so far.

        Args:
            profile: Short traits you have inferred about the user, one per item.
            response: Your chat message to the user.

        Returns:
            The user's reply.
        """
        if self.done:
            return "(the conversation has ended)"
        observation, reward, terminated, truncated, _ = self.env.step(format_turn(list(profile), response))
        self.total_reward += float(reward)
        self.done = terminated or truncated
        return observation

    def get_reward(self) -> float:
        """The episode's return so far."""
        return self.total_reward


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m agents.train.grpo``: GRPO on RLPA from a checkpoint; saves the trained policy."""
    from agents.train.sft import train_from_args, training_parser

    parser = training_parser(
        "GRPO on RLPA with TRL (turn-level groups or whole episodes).",
        learning_rate=1e-6,
        batch_size=8,
        batch_help="rows per device and step (a multiple of num-generations)",
    )
    parser.add_argument("--env", default="RLPA-v0")
    parser.add_argument("--mode", choices=("turn", "episode"), default="turn")
    parser.add_argument("--max-turns", type=int, default=10, help="turns per training episode")
    parser.add_argument(
        "--skip-uniform-groups", action="store_true", help="turn mode: serve equal-reward groups only when short"
    )
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--num-generations", type=int, default=4)
    parser.add_argument("--max-completion-length", type=int, default=192)
    parser.add_argument("--beta", type=float, default=0.04)
    parser.add_argument("--bf16", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")
    rollout = RLPARollout(
        args.env, mode=args.mode, skip_uniform_groups=args.skip_uniform_groups, max_turns=args.max_turns
    )
    train_from_args(
        args,
        make_grpo_trainer,
        rollout=rollout,
        episodes=args.steps * args.batch_size,
        max_steps=args.steps,
        num_generations=args.num_generations,
        max_completion_length=args.max_completion_length,
        beta=args.beta,
        bf16=args.bf16,
    )


if __name__ == "__main__":
    main()
