"""TRL GRPOTrainer driven by RLPA rollouts, on a tiny random model.

The tiny model cannot write a parseable turn, so the env's own reward is 0 for every candidate; a
reward wrapper (the share of lowercase letters in the turn) gives candidates different rewards, which is
what a GRPO step needs to move the policy.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import gymnasium as gym
import pytest

import rlpa_env  # noqa: F401  (registers the ids)
from rlpa_env.parsing import format_turn

torch = pytest.importorskip("torch")
pytest.importorskip("trl")

from tiny_lm import tiny_model, tiny_tokenizer  # noqa: E402

from agents.train.grpo import (  # noqa: E402
    RLPARollout,
    RLPAToolEnv,
    env_reward,
    episode_dataset,
    episode_prompt,
    episode_seed,
    make_grpo_trainer,
)

os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")
SYSTEM = "Write a profile block and a response block."


class LetterReward(gym.Wrapper):
    """Replaces the reward with the share of lowercase letters among the turn's characters."""

    def step(self, action: str) -> Any:
        observation, _, terminated, truncated, info = self.env.step(action)
        return observation, sum(c.islower() for c in action) / max(len(action), 1), terminated, truncated, info


def letter_env() -> gym.Env:
    return LetterReward(gym.make("RLPA-v0", max_turns=2))


class FirstTurnLetterReward(LetterReward):
    """The letter-share reward on the first turn; every later turn earns 0.5, so its groups are uniform."""

    def step(self, action: str) -> Any:
        observation, reward, terminated, truncated, info = super().step(action)
        return observation, reward if info["turn"] == 1 else 0.5, terminated, truncated, info


def first_turn_letter_env() -> gym.Env:
    return FirstTurnLetterReward(gym.make("RLPA-v0", max_turns=2))


def tiny_trainer(tmp_path: Path, rollout: RLPARollout, **config: Any) -> Any:
    tokenizer = tiny_tokenizer()
    model = tiny_model(len(tokenizer), max_positions=4096, initializer_range=0.05)
    settings = {
        "num_generations": 4,
        "per_device_train_batch_size": 4,
        "max_completion_length": 16,
        "learning_rate": 0.05,
        "max_steps": 1,
        "bf16": False,
        "use_cpu": True,
    }
    settings.update(config)
    return make_grpo_trainer(model, tokenizer, tmp_path, rollout=rollout, episodes=8, **settings)


def sequence_logprob(model: Any, prompt: tuple[int, ...], completion: tuple[int, ...]) -> float:
    ids = torch.tensor([prompt + completion])
    with torch.no_grad():
        logits = model(ids).logits[0, len(prompt) - 1 : -1].float()
    return float(torch.log_softmax(logits, -1).gather(1, torch.tensor(completion)[:, None]).sum())


def test_episode_prompts_round_trip_and_reject_other_text() -> None:
    assert episode_seed(episode_prompt(17)) == 17
    assert episode_dataset(3, seed=5)["prompt"] == [episode_prompt(5), episode_prompt(6), episode_prompt(7)]
    with pytest.raises(ValueError, match="rlpa-episode seed="):
        episode_seed([{"role": "user", "content": "hi"}])


def test_env_reward_reads_the_rollouts_field_and_names_it_when_missing() -> None:
    assert env_reward(["a", "b"], rlpa_reward=[0.5, 1]) == [0.5, 1.0]
    with pytest.raises(KeyError, match="rlpa_reward"):
        env_reward(["a"])


@pytest.mark.timeout(300)
def test_a_grpo_step_raises_the_probability_of_the_higher_reward_candidate(tmp_path: Path) -> None:
    rollout = RLPARollout(mode="turn", make_env=letter_env, system_prompt=SYSTEM)
    trainer = tiny_trainer(tmp_path, rollout)
    model = trainer.accelerator.unwrap_model(trainer.model)
    original = {k: v.clone() for k, v in model.state_dict().items()}

    def margin() -> float:
        group = rollout.last_groups[0]
        worst = min(range(len(group.rewards)), key=group.rewards.__getitem__)
        prompt = group.prompt_ids
        return sequence_logprob(model, prompt, group.completion_ids[group.best]) - sequence_logprob(
            model, prompt, group.completion_ids[worst]
        )

    trainer.train()
    group = rollout.last_groups[0]
    assert len(set(group.rewards)) > 1
    after = margin()
    trained = {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(original)
    before = margin()
    model.load_state_dict(trained)
    assert after > before


def test_uniform_groups_are_served_only_when_informative_ones_run_short(tmp_path: Path) -> None:
    def served_turns(skip: bool) -> tuple[list[int], RLPARollout]:
        rollout = RLPARollout(
            mode="turn", make_env=first_turn_letter_env, system_prompt=SYSTEM, skip_uniform_groups=skip
        )
        trainer = tiny_trainer(tmp_path / str(skip), rollout)
        trainer.model.train()
        turns = []
        for seed in (1, 2):  # one row of 4 copies per call: one group served per call
            rollout([episode_prompt(seed)] * 4, trainer)
            turns += [group.turn for group in rollout.last_groups]
        return turns, rollout

    plain, _ = served_turns(skip=False)
    assert plain == [0, 1]  # the queue serves both of episode 1's groups in order
    skipping, rollout = served_turns(skip=True)
    assert skipping == [0, 0]  # episode 1's uniform second turn was dropped, so episode 2 was played
    assert [c.uniform_groups for c in rollout.collections] == [1, 1]
    assert not rollout.groups


def test_collections_average_every_sampled_candidate_and_eval_rows_play_whole_episodes(tmp_path: Path) -> None:
    rollout = RLPARollout(
        mode="turn", make_env=letter_env, system_prompt=SYSTEM, eval_env_id="RLPA-Test-v0", max_turns=2
    )
    trainer = tiny_trainer(tmp_path, rollout, num_generations_eval=1)
    trainer.model.train()
    rollout([episode_prompt(5)] * 4, trainer)
    queued = list(rollout.groups)
    (collection,) = rollout.collections
    every_reward = [r for g in [*rollout.last_groups, *queued] for r in g.rewards]
    assert collection.samples == 8 and collection.mean_reward == pytest.approx(sum(every_reward) / 8)

    trainer.model.eval()
    evaluated = rollout([episode_prompt(0), episode_prompt(1)], trainer)
    assert list(rollout.groups) == queued and len(rollout.collections) == 1  # training state untouched
    assert len(evaluated["env_mask"]) == 2 and sum(evaluated["env_mask"][0]) > 0
    # The training env's letter reward is positive; the eval env's own reward is 0 for turns that never parse.
    assert evaluated["rlpa_reward"] == [0.0, 0.0]


def test_skip_uniform_groups_needs_turn_mode() -> None:
    with pytest.raises(ValueError, match="mode='turn'"):
        RLPARollout(mode="episode", skip_uniform_groups=True)


def test_tool_env_plays_an_episode_through_send_turn() -> None:
    from agents.baselines import HeuristicAgent
    from rlpa_env.parsing import parse_turn

    tool_env, reference = RLPAToolEnv(max_turns=2), gym.make("RLPA-v0", max_turns=2)
    observation, info = reference.reset(seed=3)
    assert tool_env.reset(seed=3) == observation
    agent, expected = HeuristicAgent(), 0.0
    agent.reset(3)
    for _ in range(2):
        parsed = parse_turn(agent.act(observation, info))
        reply = tool_env.send_turn(list(parsed.traits), parsed.response)
        observation, reward, _, _, info = reference.step(format_turn(list(parsed.traits), parsed.response))
        expected += reward
        assert reply == observation
    assert tool_env.done and tool_env.get_reward() == pytest.approx(expected) and expected > 0
    assert tool_env.send_turn([], "still there?") == "(the conversation has ended)"


def test_tool_env_method_has_the_schema_trl_builds_tools_from() -> None:
    from transformers.utils import get_json_schema

    schema = get_json_schema(RLPAToolEnv().send_turn)
    assert schema["function"]["name"] == "send_turn"
    assert set(schema["function"]["parameters"]["required"]) == {"profile", "response"}


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_trl_runs_two_steps_on_whole_episodes_with_the_policy_mask(tmp_path: Path) -> None:
    rollout = RLPARollout(mode="episode", make_env=letter_env, system_prompt=SYSTEM)
    trainer = tiny_trainer(tmp_path, rollout, max_steps=2, max_completion_length=12)
    trainer.train()
    assert trainer.state.global_step == 2 and len(rollout.episode_returns) == 8
    losses = [entry for entry in trainer.state.log_history if "loss" in entry]
    assert len(losses) == 2 and all(torch.isfinite(torch.tensor(e["loss"])) for e in losses)


ACCELERATE_SCRIPT = """
import os, sys
sys.path[:0] = [{tests!r}, {root!r}]
from test_train_grpo import RLPARollout, letter_env, tiny_trainer, SYSTEM
from pathlib import Path
rollout = RLPARollout(mode="turn", make_env=letter_env, system_prompt=SYSTEM)
trainer = tiny_trainer(Path({out!r}), rollout, max_steps=2)
trainer.train()
state = trainer.accelerator
# one write per process: a pipe keeps writes under 4 KiB whole, print's separate pieces could interleave
sys.stdout.write(f"RANK {{state.process_index}} OF {{state.num_processes}} STEPS {{trainer.state.global_step}}\\n")
sys.stdout.flush()
"""


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_trl_adapter_runs_as_two_distributed_processes(tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    root = Path(__file__).resolve().parents[1]
    script.write_text(ACCELERATE_SCRIPT.format(tests=str(root / "tests"), root=str(root), out=str(tmp_path / "out")))
    # Without MPI, `accelerate launch --cpu --num_processes 2` starts a single process; torchrun starts two,
    # and accelerate's state sees the distributed environment and runs them as MULTI_CPU over gloo.
    command = [sys.executable, "-m", "torch.distributed.run", "--nproc_per_node", "2", str(script)]
    env = {**os.environ, "OMP_NUM_THREADS": "1", "TRL_EXPERIMENTAL_SILENCE": "1", "ACCELERATE_USE_CPU": "true"}
    result = subprocess.run(command, capture_output=True, text=True, timeout=1400, env=env, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "RANK 0 OF 2 STEPS 2" in result.stdout and "RANK 1 OF 2 STEPS 2" in result.stdout
