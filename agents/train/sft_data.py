"""Supervised fine-tuning data from the package's own agents.

``sft_conversations`` plays seeded episodes with an agent (``"heuristic"``, ``"oracle"`` or any
agent spec ``rlpa_env.eval.agent_spec.resolve_agent`` accepts) and returns each one as a chat: the
policy's system prompt, the user's opening, then every turn the agent wrote (its whole turn, profile
block included, as the assistant message) and the user's reply to it. The last user reply, which no
turn answers, is left out. ``write_sft_data`` saves them as JSONL, one ``{"messages": [...]}`` line per
episode plus its ``seed`` and ``return``, the conversational format TRL, axolotl and most SFT tools
read. ``turn_examples`` splits a chat into one prompt/completion pair per assistant turn, so the loss
falls on the policy's turns only.

Episode ``i`` is reset with seed ``seed + i``; the oracle gets an env with ``privileged_info=True``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import gymnasium as gym

import rlpa_env  # noqa: F401  (registers the ids)
from agents.base import run_episode
from rlpa_env import prompts
from rlpa_env.eval.agent_spec import resolve_agent


def sft_conversations(
    agent: str | Any,
    episodes: int,
    *,
    split: str = "train",
    seed: int = 0,
    system_prompt: str = prompts.AGENT_SYSTEM,
    env_id: str = "RLPA-v0",
    **env_kwargs: Any,
) -> Iterator[dict[str, Any]]:
    """Yield one ``{"messages", "seed", "return", "format_ok"}`` record per episode played by ``agent``."""
    if episodes < 1:
        raise ValueError(f"episodes must be at least 1, got {episodes}")
    policy = resolve_agent(agent) if isinstance(agent, str) else agent
    privileged = bool(getattr(policy, "needs_privileged_info", False))
    env = gym.make(env_id, split=split, privileged_info=privileged, **env_kwargs)
    for index in range(episodes):
        episode = run_episode(env, policy, seed=seed + index)
        messages = [{"role": "system", "content": system_prompt}, {"role": "user", "content": episode.opening}]
        for turn in episode.turns[:-1]:
            messages += [{"role": "assistant", "content": turn.action}, {"role": "user", "content": turn.user_message}]
        if episode.turns:
            messages.append({"role": "assistant", "content": episode.turns[-1].action})
        yield {
            "messages": messages,
            "seed": seed + index,
            "return": episode.total_reward,
            "format_ok": all(turn.format_ok for turn in episode.turns),
        }


def write_sft_data(path: str | Path, agent: str | Any, episodes: int, **kwargs: Any) -> int:
    """Write ``sft_conversations(agent, episodes, **kwargs)`` to ``path`` as JSONL; return the number of turns."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    turns = 0
    with path.open("w", encoding="utf-8") as out:
        for record in sft_conversations(agent, episodes, **kwargs):
            turns += sum(m["role"] == "assistant" for m in record["messages"])
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return turns


def read_sft_data(path: str | Path) -> list[dict[str, Any]]:
    """The records of a JSONL file written by ``write_sft_data``."""
    with Path(path).open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines if line.strip()]
    for number, record in enumerate(records, start=1):
        if not isinstance(record.get("messages"), list):
            raise ValueError(f"{path}: line {number} has no 'messages' list; is it a file from make-sft-data?")
    return records


def turn_examples(conversation: Sequence[Mapping[str, str]], max_turns: int | None = None) -> list[dict[str, Any]]:
    """One ``{"prompt": [...], "completion": [assistant turn]}`` pair per assistant turn (the first ``max_turns``)."""
    examples = []
    for index, message in enumerate(conversation):
        if message["role"] != "assistant":
            continue
        if max_turns is not None and len(examples) >= max_turns:
            break
        prompt = [dict(m) for m in conversation[:index]]
        examples.append({"prompt": prompt, "completion": [dict(message)]})
    return examples
