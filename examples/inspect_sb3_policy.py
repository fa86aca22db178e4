"""What did a trained SB3 policy learn? Its moves per turn, and its best and worst test episodes.

    python examples/inspect_sb3_policy.py runs/ppo.zip --episodes 200

Plays ``--episodes`` seeded episodes of ``RLPA-Test-v0`` (seeds 0..N-1) exactly as ``rlpa-env
evaluate --agent sb3:MODEL`` plays them and prints, for every turn, the most frequent subjects
with their shares, how often the policy recalls earlier statements and which reply length it picks,
the user's reactions, and the full transcripts (with per-turn rewards) of the best and worst episode.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict

import gymnasium as gym

import rlpa_env  # noqa: F401  (registers the ids)
from agents.sb3 import load_agent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="a model saved by examples/train_sb3_ppo.py")
    parser.add_argument("--episodes", type=int, default=200)
    parser.add_argument("--top", type=int, default=4, help="subjects shown per turn")
    args = parser.parse_args()

    agent = load_agent(args.model)
    env = gym.make("RLPA-Test-v0", render_mode="ansi")
    subjects: dict[int, Counter[str]] = defaultdict(Counter)
    recalls, lengths, reactions = Counter(), Counter(), Counter()
    returns: list[tuple[float, int, str]] = []
    for seed in range(args.episodes):  # the same calls, in the same order, as rlpa-env evaluate makes
        observation, info = env.reset(seed=seed)
        agent.reset(seed)
        total, done, turn = 0.0, False, 0
        while not done:
            observation, reward, terminated, truncated, info = env.step(agent.act(observation, info))
            move = agent.last_move
            subjects[turn][move.subject] += 1
            recalls[move.recall] += 1
            lengths[move.length] += 1
            reactions[info["user_reaction"]] += 1
            total, done, turn = total + float(reward), terminated or truncated, turn + 1
        returns.append((total, seed, env.unwrapped.render()))

    print(f"Moves of {args.model} over {args.episodes} test episodes (share of episodes reaching the turn):")
    for turn in sorted(subjects):
        count = sum(subjects[turn].values())
        shown = ", ".join(f"{name} {n / count:.0%}" for name, n in subjects[turn].most_common(args.top))
        print(f"  turn {turn + 1:2d}: {shown}")
    moves = sum(recalls.values())
    print(
        f"recall in {recalls[True] / moves:.0%} of turns; lengths "
        + ", ".join(f"{name} {n / moves:.0%}" for name, n in lengths.most_common())
    )
    print("user reactions: " + ", ".join(f"{name} {n / moves:.0%}" for name, n in reactions.most_common()))
    returns.sort()
    for label, (total, seed, transcript) in (("Best", returns[-1]), ("Worst", returns[0])):
        print(f"\n== {label} episode: seed {seed}, return {total:.2f} ==\n{transcript}")


if __name__ == "__main__":
    main()
