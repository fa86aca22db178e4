"""Command line that regenerates the shipped train/test profile banks.

    python -m rlpa_env.profiles.regenerate --out rlpa_env/profiles/data

writes ``train.jsonl.gz`` (2,000 profiles, seed 0) and ``test.jsonl.gz`` (300 profiles, disjoint from
train) byte for byte as shipped; see ``ProfileBank.generate``. It lives apart from ``generator``
because it needs ``bank``, which itself builds on ``generator``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from rlpa_env.profiles.bank import ProfileBank


def main(argv: Sequence[str] | None = None) -> None:
    """Regenerate the shipped banks into ``--out`` and print one line per split."""
    parser = argparse.ArgumentParser(description="Regenerate the shipped RLPA profile banks.")
    parser.add_argument("--out", required=True, help="directory for train.jsonl.gz and test.jsonl.gz")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--n-train", type=int, default=2000)
    parser.add_argument("--n-test", type=int, default=300)
    args = parser.parse_args(argv)
    bank = ProfileBank.generate(seed=args.seed, n_train=args.n_train, n_test=args.n_test)
    paths = bank.save(args.out)
    for split, path in paths.items():
        print(f"{split}: {len(bank.split(split))} profiles -> {path}")


if __name__ == "__main__":
    main()
