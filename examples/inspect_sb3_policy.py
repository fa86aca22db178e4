"""What did a trained SB3 policy learn? Its moves per turn, and its best and worst test episodes.

    python examples/inspect_sb3_policy.py runs/ppo.zip --episodes 200

Plays ``--episodes`` seeded episodes of ``RLPA-Discrete-Test-v0`` (seeds 0..N-1, the policy's mode
each turn, as ``rlpa-env evaluate`` plays it) and prints, for every turn, the most frequent subjects
with their shares, how often the policy recalls earlier statements and which reply length it picks,
the user's reactions, and the full transcripts (with per-turn rewards) of the best and worst episode.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict

import gymnasium as gym

import rlpa_env  # noqa: F401  (registers the ids)
from agents.sb3 import load_agent, move_from_action


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="a model saved by examples/train_sb3_ppo.py")
    parser.add_argument("--episodes", type=int, default=200)
    parser.add_argument("--top", type=int, default=4, help="subjects shown per turn")
    args = parser.parse_args()

    model = load_agent(args.model).model
    action_format = "multidiscrete" if isinstance(model.action_space, gym.spaces.MultiDiscrete) else "discrete"
    env = gym.make("RLPA-Discrete-Test-v0", action_format=action_format, render_mode="ansi")
    subjects: dict[int, Counter[str]] = defaultdict(Counter)
    recalls, lengths, reactions = Counter(), Counter(), Counter()
    returns: list[tuple[float, int, str]] = []
    for seed in range(args.episodes):
        observation, _ = env.reset(seed=seed)
        state, start, total, done, turn = None, True, 0.0, False, 0
        while not done:
            action, state = model.predict(observation, state=state, episode_start=[start], deterministic=True)
            move = move_from_action(action)
            subjects[turn][move.subject] += 1
            recalls[move.recall] += 1
            lengths[move.length] += 1
            observation, reward, terminated, truncated, info = env.step(action)
            reactions[info["user_reaction"]] += 1
            total, done, turn, start = total + float(reward), terminated or truncated, turn + 1, False
        returns.append((total, seed, env.unwrapped.render()))

    print(f"Moves of {args.model} over {args.episodes} test episodes (share of episodes reaching the turn):")
    for turn in sorted(subjects):
        count = sum(subjects[turn].values())
        shown = ", ".join(f"{name} {n / count:.0%}" for name, n in subjects[turn].most_common(args.top))
        print(f"  turn {turn + 1:2d}: {shown}")
    moves = sum(recalls.values())
    print(f"recall in {recalls[True] / moves:.0%} of turns; lengths " + ", ".join(
        f"{name} {n / moves:.0%}" for name, n in lengths.most_common()
    ))
    print("user reactions: " + ", ".join(f"{name} {n / moves:.0%}" for name, n in reactions.most_common()))
    returns.sort()
    for label, (total, seed, transcript) in (("Best", returns[-1]), ("Worst", returns[0])):
        print(f"\n== {label} episode: seed {seed}, return {total:.2f} ==\n{transcript}")


if __name__ == "__main__":
    main()
