"""The rollout collectors and the policy's token-level history, on a tiny random model (seconds each)."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import pytest

import rlpa_env  # noqa: F401  (registers the ids)

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from tiny_lm import tiny_model, tiny_tokenizer  # noqa: E402

from agents.hf import TransformersAgent  # noqa: E402
from agents.train.rollouts import collect_branching, collect_episodes  # noqa: E402
from rlpa_env.backends.transformers_backend import TransformersBackend  # noqa: E402

SYSTEM = "Write a profile block and a response block."
TURNS = 3


@pytest.fixture(scope="module")
def backend() -> TransformersBackend:
    tokenizer = tiny_tokenizer()
    return TransformersBackend(tiny_model(len(tokenizer), max_positions=4096, initializer_range=0.05), tokenizer)


def make_agent(backend: TransformersBackend, temperature: float = 1.0) -> TransformersAgent:
    return TransformersAgent(backend, max_tokens=12, temperature=temperature, system_prompt=SYSTEM)


def make_envs(count: int) -> list[Any]:
    return [gym.make("RLPA-v0", max_turns=TURNS) for _ in range(count)]


def teacher_forced_logprobs(backend: TransformersBackend, token_ids: tuple[int, ...]) -> Any:
    """Log-probability of each token given the ones before it, from one forward pass."""
    with torch.inference_mode():
        logits = backend.model(torch.tensor([token_ids])).logits[0, :-1].float()
    return torch.log_softmax(logits, dim=-1).gather(1, torch.tensor(token_ids[1:])[:, None])[:, 0]


def test_episode_logprobs_and_mask_match_a_teacher_forced_forward_pass(backend: TransformersBackend) -> None:
    rollouts = collect_episodes(make_agent(backend), make_envs(2), seeds=[3, 4])
    for rollout in rollouts:
        assert len(rollout.turn_rewards) == TURNS and len(rollout.turn_spans) == TURNS
        mask = torch.tensor(rollout.policy_mask[1:])
        forward = teacher_forced_logprobs(backend, rollout.token_ids)
        sampled = torch.tensor(rollout.logprobs[1:])
        assert torch.allclose(forward[mask], sampled[mask], atol=1e-4)
        assert not any(rollout.policy_mask[: rollout.prompt_length])
        written = [i for i, flag in enumerate(rollout.policy_mask) if flag]
        assert written == [i for start, end in rollout.turn_spans for i in range(start, end)]


def test_policy_history_keeps_full_turns_and_each_prompt_extends_the_last(backend: TransformersBackend) -> None:
    agent = make_agent(backend)
    env = gym.make("RLPA-v0", max_turns=TURNS)
    observation, info = env.reset(seed=1)
    agent.reset(seed=1)
    previous = None
    for _ in range(TURNS):
        trace = agent.act_with_trace(observation, info)
        if previous is not None:
            assert trace.prompt_ids[: len(previous)] == previous
        previous = trace.prompt_ids + trace.completion_ids
        observation, _, _, _, info = env.step(trace.text)
    history = agent.histories[0]
    assert [m["content"] for m in history.messages if m["role"] == "assistant"] == [
        backend.tokenizer.decode(history.token_ids[s:e], skip_special_tokens=True) for s, e in history.turn_spans
    ]


def test_between_turns_the_prompt_gains_exactly_the_templates_markup_and_the_user_message(
    backend: TransformersBackend,
) -> None:
    agent = make_agent(backend)
    env = gym.make("RLPA-v0", max_turns=TURNS)
    observation, info = env.reset(seed=4)
    agent.reset(seed=4)
    tokenizer = backend.tokenizer
    first = agent.act_with_trace(observation, info)
    rendered = tokenizer.apply_chat_template(list(first.messages), tokenize=False, add_generation_prompt=True)
    assert tokenizer.decode(first.prompt_ids, skip_special_tokens=False) == rendered
    history = agent.histories[0]
    history.token_ids[-1] = tokenizer.eos_token_id  # this completion ends its turn, the next one runs out of tokens
    previous = history.token_ids.copy()
    for ended_with_eos in (True, False):
        observation, _, _, _, info = env.step(history.messages[-1]["content"])
        trace = agent.act_with_trace(observation, info)
        added = tokenizer.decode(trace.prompt_ids[len(previous) :], skip_special_tokens=False)
        close = "" if ended_with_eos else "<|im_end|>"
        assert added == f"{close}\n<|im_start|>user\n{observation}<|im_end|>\n<|im_start|>assistant\n"
        previous = list(trace.prompt_ids + trace.completion_ids)
        assert history.token_ids[-1] != tokenizer.eos_token_id


def test_a_new_episode_starts_a_new_history(backend: TransformersBackend) -> None:
    agent = make_agent(backend)
    env = gym.make("RLPA-v0", max_turns=TURNS)
    observation, info = env.reset(seed=2)
    first = agent.act_with_trace(observation, info)
    observation, _, _, _, info = env.step(first.text)
    agent.act(observation, info)
    observation, info = env.reset(seed=2)
    again = agent.act_with_trace(observation, info)
    assert again.prompt_ids == first.prompt_ids


def test_collection_is_reproducible_from_its_seeds(backend: TransformersBackend) -> None:
    first = collect_episodes(make_agent(backend), make_envs(2), seeds=[7, 8])
    second = collect_episodes(make_agent(backend), make_envs(2), seeds=[7, 8])
    assert [r.token_ids for r in first] == [r.token_ids for r in second]
    assert [r.turn_rewards for r in first] == [r.turn_rewards for r in second]


def test_branching_scores_candidates_from_one_state_and_continues_from_the_best(backend: TransformersBackend) -> None:
    envs = make_envs(2)
    episodes, groups = collect_branching(make_agent(backend), envs, seeds=[5, 6], num_candidates=3)
    assert len(groups) == sum(len(e.turn_rewards) for e in episodes)
    for episode in episodes:
        own = [g for g in groups if g.seed == episode.seed]
        assert [g.turn for g in own] == list(range(len(own)))
        for group, (start, end), reward in zip(own, episode.turn_spans, episode.turn_rewards, strict=True):
            assert len(group.completion_ids) == 3 and group.rewards[group.best] == max(group.rewards)
            assert episode.token_ids[:start] == group.prompt_ids
            assert episode.token_ids[start:end] == group.completion_ids[group.best]
            assert reward == group.rewards[group.best]
    # Replaying the chosen turns from reset reproduces the episode's rewards: the branches left no trace.
    replay = gym.make("RLPA-v0", max_turns=TURNS)
    replay.reset(seed=5)
    chosen = episodes[0]
    assert [replay.step(text)[1] for text in chosen.turn_texts] == list(chosen.turn_rewards)


def test_branching_leaves_the_root_state_untouched() -> None:
    from agents.baselines import HeuristicAgent

    env = gym.make("RLPA-v0").unwrapped
    observation, info = env.reset(seed=9)
    action = HeuristicAgent().act(observation, info)
    root = env.get_state()
    for text in ("<profile>\n</profile>\n<response>\nhello\n</response>", "not a turn", action):
        env.set_state(root)
        env.step(text)
    env.set_state(root)
    after_branches = env.step(action)
    fresh = gym.make("RLPA-v0").unwrapped
    fresh.reset(seed=9)
    assert after_branches[:4] == fresh.step(action)[:4]


def test_group_advantages_are_centred_and_zero_for_equal_rewards(backend: TransformersBackend) -> None:
    _, groups = collect_branching(make_agent(backend), make_envs(1), seeds=[0], num_candidates=2)
    group = groups[0]
    assert abs(sum(group.advantages())) < 1e-6
    equal = type(group)(**{**group.__dict__, "rewards": (1.0, 1.0)})
    assert equal.advantages() == (0.0, 0.0)
