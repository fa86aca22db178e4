"""Profile banks: a train split and a test split of hidden profiles, and how far apart they are.

``ProfileBank.generate(seed, n_train, n_test)`` draws train profiles from stream 0 of ``seed`` and
test profiles from stream 1, skipping any candidate whose fact set (``Profile.signature()``) already
occurs in either split: no profile is duplicated within a split and no test profile repeats a
train profile. ``ProfileBank.default()`` loads the banks shipped in ``rlpa_env/profiles/data``
(2,000 train and 300 test profiles, generated with seed 0 by
``python -m rlpa_env.profiles.regenerate --out rlpa_env/profiles/data``) once per process.

``split_overlap_report(bank)`` measures how distinct the test split is from train with the Jaccard
similarity of fact-id sets, computed on indicator matrices with numpy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from rlpa_env.profiles.generator import generate_profiles
from rlpa_env.profiles.io import load_jsonl, save_jsonl
from rlpa_env.profiles.types import Profile

SPLITS: tuple[str, ...] = ("train", "test")
_TRAIN_STREAM = 0
_TEST_STREAM = 1


class ProfileBank:
    """Train and test profiles, looked up by id or drawn at random.

    Args:
        train: The profiles agents are trained against.
        test: Held-out profiles for evaluation.

    Raises:
        ValueError: When a profile id occurs twice across the two splits.
    """

    def __init__(self, train: Sequence[Profile], test: Sequence[Profile]) -> None:
        self._splits: dict[str, tuple[Profile, ...]] = {"train": tuple(train), "test": tuple(test)}
        self._by_id: dict[str, Profile] = {}
        for name, profiles in self._splits.items():
            for profile in profiles:
                if profile.id in self._by_id:
                    raise ValueError(f"profile id {profile.id!r} occurs twice in the bank (again in split {name!r})")
                self._by_id[profile.id] = profile

    @classmethod
    def generate(cls, seed: int = 0, n_train: int = 2000, n_test: int = 300) -> ProfileBank:
        """Generate a bank whose splits share no fact set (see the module docstring)."""
        train = generate_profiles(seed, n_train, "train", stream=_TRAIN_STREAM)
        signatures = {profile.signature() for profile in train}
        test = generate_profiles(seed, n_test, "test", stream=_TEST_STREAM, exclude=signatures)
        return cls(train, test)

    @classmethod
    def load(cls, directory: str | Path) -> ProfileBank:
        """Load ``train.jsonl.gz`` and ``test.jsonl.gz`` from ``directory``."""
        directory = Path(directory)
        return cls(load_jsonl(directory / "train.jsonl.gz"), load_jsonl(directory / "test.jsonl.gz"))

    @classmethod
    def default(cls) -> ProfileBank:
        """The bank shipped with the package, loaded on first use and shared within the process."""
        return _default_bank()

    def save(self, directory: str | Path) -> dict[str, Path]:
        """Write ``train.jsonl.gz`` and ``test.jsonl.gz`` into ``directory`` (created if missing)."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        return {name: save_jsonl(profiles, directory / f"{name}.jsonl.gz") for name, profiles in self._splits.items()}

    def split(self, name: str) -> tuple[Profile, ...]:
        """The profiles of split ``name`` (``"train"`` or ``"test"``)."""
        try:
            return self._splits[name]
        except KeyError:
            raise ValueError(f"unknown split {name!r}; expected one of {SPLITS}") from None

    def get(self, profile_id: str) -> Profile:
        """The profile with id ``profile_id`` from either split."""
        try:
            return self._by_id[profile_id]
        except KeyError:
            raise KeyError(f"no profile {profile_id!r} in the bank; ids look like 'train-00000'") from None

    def sample(self, rng: np.random.Generator, split: str = "train") -> Profile:
        """A profile of ``split`` drawn uniformly with ``rng``."""
        profiles = self.split(split)
        if not profiles:
            raise ValueError(f"split {split!r} is empty; there is nothing to sample")
        return profiles[int(rng.integers(len(profiles)))]

    def __len__(self) -> int:
        return len(self._by_id)

    def __repr__(self) -> str:
        return f"ProfileBank(train={len(self._splits['train'])}, test={len(self._splits['test'])})"


def _load_shipped(name: str) -> list[Profile]:
    with resources.as_file(resources.files("rlpa_env.profiles") / "data" / f"{name}.jsonl.gz") as path:
        return load_jsonl(path)


@cache
def _default_bank() -> ProfileBank:
    return ProfileBank(_load_shipped("train"), _load_shipped("test"))


def _indicators(profiles: Sequence[Profile], columns: Mapping[tuple[str, str, str], int]) -> np.ndarray:
    """A 0/1 matrix with one row per profile and one column per signature element."""
    matrix = np.zeros((len(profiles), len(columns)), dtype=np.float32)
    for row, profile in enumerate(profiles):
        matrix[row, [columns[element] for element in profile.signature()]] = 1.0
    return matrix


def split_overlap_report(bank: ProfileBank) -> dict[str, Any]:
    """How distinct the test split is from train.

    Returns a dict with ``n_train``, ``n_test``, ``exact_duplicates`` (test fact sets that occur in
    train), ``duplicates_within_train`` / ``duplicates_within_test``, ``mean_nearest_jaccard`` and
    ``max_nearest_jaccard`` (Jaccard similarity of each test profile to its most similar train
    profile), ``share_nearest_half_shared`` (share of test profiles whose nearest train profile holds
    at least half of the test profile's facts) and ``test_facts_unseen_in_train`` (distinct test
    facts that no train profile has).
    """
    train, test = bank.split("train"), bank.split("test")
    train_signatures = [profile.signature() for profile in train]
    test_signatures = [profile.signature() for profile in test]
    elements = sorted({element for signature in (*train_signatures, *test_signatures) for element in signature})
    columns = {element: index for index, element in enumerate(elements)}
    report: dict[str, Any] = {
        "n_train": len(train),
        "n_test": len(test),
        "exact_duplicates": len(set(test_signatures) & set(train_signatures)),
        "duplicates_within_train": len(train_signatures) - len(set(train_signatures)),
        "duplicates_within_test": len(test_signatures) - len(set(test_signatures)),
        "test_facts_unseen_in_train": len(set().union(*test_signatures) - set().union(*train_signatures)),
    }
    if not train or not test:
        return {**report, "mean_nearest_jaccard": 0.0, "max_nearest_jaccard": 0.0, "share_nearest_half_shared": 0.0}
    train_matrix = _indicators(train, columns)
    test_matrix = _indicators(test, columns)
    shared = test_matrix @ train_matrix.T
    test_sizes = test_matrix.sum(axis=1)
    union = test_sizes[:, None] + train_matrix.sum(axis=1)[None, :] - shared
    jaccard = shared / union
    nearest = jaccard.argmax(axis=1)
    nearest_shared = shared[np.arange(len(test)), nearest]
    report["mean_nearest_jaccard"] = float(jaccard.max(axis=1).mean())
    report["max_nearest_jaccard"] = float(jaccard.max())
    report["share_nearest_half_shared"] = float((nearest_shared >= 0.5 * test_sizes).mean())
    return report
