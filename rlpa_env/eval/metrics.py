"""ALOE-style personalization metrics computed from finished ``Episode`` records.

Per-turn curves (k = 1..K, K = ``max_turns``). The value at turn k is the mean over the episodes
that played a k-th turn; an episode that ended early (the user left, or the agent failed)
contributes nothing at later turns, so every curve comes with ``turn_counts`` (how many episodes
reached each turn). A turn nobody reached is ``NaN``.

- Alignment level (ALOE): each turn carries the env's 1..5 alignment grade of how well the reply
  fits this user's hidden profile and style, scored contrastively against distractor profiles
  (``rlpa_env.rewards.alignment``; a turn that did not parse is graded 1).
  ``AL(k) = 100 * (mean_e grade_e(k) - 1) / 4``, in [0, 100].
- Pass rate: ``P(k) = mean_e [all five criteria hold at turn k]``, in [0, 1] (the paper's binary
  response reward; ``ResponseScore.passed``).
- Profile F1 curves: the mean ``profile_f1`` (against the whole hidden profile) and
  ``profile_f1_revealed`` (against the facts disclosed so far) at turn k.

Trend of the AL curve (ALOE's N-IR and N-R2). Let ``y(k) = (AL(k) - min AL) / (max AL - min AL)``
over the turns with data. Fit ``y ~ a + b k`` by least squares:

- ``N-IR = b``, the improvement per turn of the normalised curve (a straight rise over 10 turns
  gives 1/9; a straight fall gives -1/9).
- ``N-R2 = 1 - SS_res / SS_tot``, how straight that trend is.
- A flat curve (max == min) has no trend: both are defined as 0.0. So are curves with fewer than
  two turns of data.

Because min-max normalisation turns noise on a flat curve into a full-range trend, two raw
measures come with 95% percentile-bootstrap intervals over episodes (resampled ``BOOTSTRAP_RESAMPLES``
times with the evaluation seed): the AL slope (least-squares AL points per turn) and the AL gain
``AL(K) - AL(1)`` (K the last turn with data).

Scalars: final profile F1 (mean over episodes of the F1 after the last turn; 0 for an episode
without turns), mean return with a percentile-bootstrap 95% confidence interval, format-failure
rate (over turns), early-termination rate (episodes the user ended), agent-failure rate (episodes
the harness stopped because the agent misbehaved), words per reply, model tokens per turn (only
from agents that report them) and, kept apart because it is not reproducible, wall time.

For a preference-shift scenario whose preference changes after turn s (``Scenario.shift_turn``),
the "before" phase is turns 1..s and the "after" phase turns s+1..K; each phase value is the mean
over every (episode, turn) cell in it. ``shift_comparison`` pairs shift episodes with standard
episodes of the same seeds (differences of final F1 and mean AL) and, given the shifted facts,
measures the stale-trait rate (turns after the announcement whose profile still states the old
like) and the turns from the announcement until the profile states the new like and not the old.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from rlpa_env.episode import Episode, TurnRecord
from rlpa_env.parsing import TurnFormatError, parse_turn
from rlpa_env.profiles.types import Fact
from rlpa_env.rewards.base import MIN_GRADE, ProfileScorer, ResponseScore, alignment_level

BOOTSTRAP_RESAMPLES = 2000
CONFIDENCE = 0.95


def turn_alignment(turn: TurnRecord) -> float:
    """The turn's alignment grade on the 0..100 scale (a turn that did not parse is grade 1: 0)."""
    return alignment_level(turn.alignment if turn.format_ok else MIN_GRADE)


def turn_passed(turn: TurnRecord) -> float:
    """1.0 when the turn parsed and met all five criteria (``ResponseScore.passed``), else 0.0."""
    return float(turn.format_ok and ResponseScore(turn.response_criteria).passed)


def turn_matrix(episodes: Sequence[Episode], max_turns: int, value: Callable[[TurnRecord], float]) -> np.ndarray:
    """An (episodes x max_turns) array of ``value(turn)``, ``NaN`` where an episode had no such turn.

    The k-th column holds each episode's k-th recorded turn. An episode with more than
    ``max_turns`` turns is an error, since it would silently fall off the curves.
    """
    matrix = np.full((len(episodes), max_turns), np.nan)
    for row, episode in enumerate(episodes):
        if len(episode.turns) > max_turns:
            raise ValueError(
                f"episode with seed {episode.seed} has {len(episode.turns)} turns but max_turns={max_turns}; "
                "pass the scenario's real horizon"
            )
        for column, turn in enumerate(episode.turns):
            matrix[row, column] = value(turn)
    return matrix


def column_means(matrix: np.ndarray) -> np.ndarray:
    """The mean of each column over its non-NaN cells; ``NaN`` for a column without any."""
    present = ~np.isnan(matrix)
    counts = present.sum(axis=0)
    sums = np.where(present, matrix, 0.0).sum(axis=0)
    means = np.full(matrix.shape[1], np.nan)
    np.divide(sums, counts, out=means, where=counts > 0)
    return means


def turn_counts(episodes: Sequence[Episode], max_turns: int) -> np.ndarray:
    """How many episodes played at least k turns, for k = 1..max_turns."""
    lengths = np.array([len(episode.turns) for episode in episodes], dtype=int)
    return np.array([(lengths >= k).sum() for k in range(1, max_turns + 1)], dtype=int)


def alignment_levels(episodes: Sequence[Episode], max_turns: int) -> np.ndarray:
    """``AL(k) = 100 * (mean alignment grade at turn k - 1) / 4``; ``NaN`` where no episode reached k."""
    return column_means(turn_matrix(episodes, max_turns, turn_alignment))


def pass_rates(episodes: Sequence[Episode], max_turns: int) -> np.ndarray:
    """The fraction of episodes at turn k whose reply met all five criteria; ``NaN`` where none reached k."""
    return column_means(turn_matrix(episodes, max_turns, turn_passed))


def profile_f1_per_turn(episodes: Sequence[Episode], max_turns: int) -> np.ndarray:
    """Mean profile F1 against the whole hidden profile at each turn."""
    return column_means(turn_matrix(episodes, max_turns, lambda turn: turn.profile_f1))


def revealed_profile_f1_per_turn(episodes: Sequence[Episode], max_turns: int) -> np.ndarray:
    """Mean profile F1 against the facts revealed so far at each turn."""
    return column_means(turn_matrix(episodes, max_turns, lambda turn: turn.profile_f1_revealed))


def _normalized_fit(al: Sequence[float] | np.ndarray) -> tuple[float, float]:
    values = np.asarray(al, dtype=float)
    turns = np.arange(1, len(values) + 1, dtype=float)
    keep = ~np.isnan(values)
    values, turns = values[keep], turns[keep]
    if len(values) < 2 or values.max() == values.min():
        return 0.0, 0.0
    normalized = (values - values.min()) / (values.max() - values.min())
    slope, intercept = np.polyfit(turns, normalized, deg=1)
    residual = normalized - (intercept + slope * turns)
    total = ((normalized - normalized.mean()) ** 2).sum()
    return float(slope), float(1.0 - (residual**2).sum() / total)


def normalized_improvement_rate(al: Sequence[float] | np.ndarray) -> float:
    """N-IR: least-squares slope per turn of the min-max normalised AL curve (0.0 when flat)."""
    return _normalized_fit(al)[0]


def normalized_r2(al: Sequence[float] | np.ndarray) -> float:
    """N-R2: coefficient of determination of the linear fit behind N-IR (0.0 when flat)."""
    return _normalized_fit(al)[1]


def al_slope(al: Sequence[float] | np.ndarray) -> float:
    """Least-squares slope of the raw AL curve, in AL points per turn (NaN with fewer than two turns)."""
    values = np.asarray(al, dtype=float)
    turns = np.arange(1, len(values) + 1, dtype=float)
    keep = ~np.isnan(values)
    if keep.sum() < 2:
        return float("nan")
    return float(np.polyfit(turns[keep], values[keep], deg=1)[0])


def al_gain(al: Sequence[float] | np.ndarray) -> float:
    """``AL(K) - AL(1)`` with K the last turn with data (NaN with fewer than two turns)."""
    values = np.asarray(al, dtype=float)
    present = np.flatnonzero(~np.isnan(values))
    return float(values[present[-1]] - values[present[0]]) if len(present) >= 2 else float("nan")


def curve_bootstrap_ci(
    matrix: np.ndarray,
    statistic: Callable[[np.ndarray], float],
    rng: np.random.Generator,
    resamples: int = BOOTSTRAP_RESAMPLES,
    confidence: float = CONFIDENCE,
) -> tuple[float, float]:
    """Percentile-bootstrap interval of ``statistic(column_means(rows))`` resampling episode rows."""
    if matrix.shape[0] == 0:
        return float("nan"), float("nan")
    rows = rng.integers(0, matrix.shape[0], size=(resamples, matrix.shape[0]))
    values = np.array([statistic(column_means(matrix[sample])) for sample in rows])
    values = values[~np.isnan(values)]
    if values.size == 0:
        return float("nan"), float("nan")
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(values, [tail, 1.0 - tail])
    return float(low), float(high)


def bootstrap_ci(
    values: Sequence[float] | np.ndarray,
    rng: np.random.Generator,
    resamples: int = BOOTSTRAP_RESAMPLES,
    confidence: float = CONFIDENCE,
) -> tuple[float, float]:
    """Percentile-bootstrap interval for the mean of ``values``; ``(NaN, NaN)`` when there are none."""
    data = np.asarray(values, dtype=float)
    if data.size == 0:
        return float("nan"), float("nan")
    means = data[rng.integers(0, data.size, size=(resamples, data.size))].mean(axis=1)
    tail = (1.0 - confidence) / 2.0
    low, high = np.quantile(means, [tail, 1.0 - tail])
    return float(low), float(high)


def _all_turns(episodes: Sequence[Episode]) -> list[TurnRecord]:
    return [turn for episode in episodes for turn in episode.turns]


def format_failure_rate(episodes: Sequence[Episode]) -> float:
    """The fraction of all played turns whose format did not parse (0.0 when no turn was played)."""
    turns = _all_turns(episodes)
    return sum(not turn.format_ok for turn in turns) / len(turns) if turns else 0.0


def early_termination_rate(episodes: Sequence[Episode]) -> float:
    """The fraction of episodes the user ended before the horizon (``terminated``)."""
    return sum(episode.terminated for episode in episodes) / len(episodes) if episodes else 0.0


def reply_words(action: str) -> int:
    """Words in the ``<response>`` block of ``action``, or in the whole action when it does not parse."""
    try:
        return len(parse_turn(action).response.split())
    except TurnFormatError:
        return len(action.split())


def words_per_turn(episodes: Sequence[Episode]) -> float:
    """Mean reply length in words over all played turns (0.0 when none)."""
    turns = _all_turns(episodes)
    return sum(reply_words(turn.action) for turn in turns) / len(turns) if turns else 0.0


def tokens_per_turn(episodes: Sequence[Episode]) -> float | None:
    """Mean model tokens per turn over the turns whose agent reported a count; ``None`` when none did."""
    counts = [turn.agent_tokens for turn in _all_turns(episodes) if turn.agent_tokens is not None]
    return sum(counts) / len(counts) if counts else None


def wall_time_per_turn(episodes: Sequence[Episode]) -> float:
    """Mean seconds per turn (agent ``act`` plus env ``step``); 0.0 when no turn was played."""
    turns = _all_turns(episodes)
    return sum(turn.wall_time_s for turn in turns) / len(turns) if turns else 0.0


def _phase_means(matrix: np.ndarray, shift_turn: int) -> tuple[float, float]:
    before, after = matrix[:, :shift_turn], matrix[:, shift_turn:]
    return (
        float(np.nanmean(before)) if (~np.isnan(before)).any() else float("nan"),
        float(np.nanmean(after)) if (~np.isnan(after)).any() else float("nan"),
    )


@dataclass(frozen=True)
class ShiftMetrics:
    """Means over the turns up to (1..s) and after (s+1..K) the preference shift after turn s."""

    shift_turn: int
    alignment_before: float
    alignment_after: float
    profile_f1_before: float
    profile_f1_after: float
    revealed_f1_before: float
    revealed_f1_after: float


_PHASED_VALUES: dict[str, Callable[[TurnRecord], float]] = {
    "alignment": turn_alignment,
    "profile_f1": lambda turn: turn.profile_f1,
    "revealed_f1": lambda turn: turn.profile_f1_revealed,
}
"""The per-turn values ``ShiftMetrics`` compares before and after the shift, by field-name prefix."""


def shift_metrics(episodes: Sequence[Episode], max_turns: int, shift_turn: int) -> ShiftMetrics:
    """AL and profile F1 up to versus after the preference shift that follows turn ``shift_turn``."""
    if not 1 <= shift_turn < max_turns:
        raise ValueError(f"shift_turn must be within 1..{max_turns - 1} so both phases have turns, got {shift_turn}")
    phases: dict[str, float] = {}
    for name, value in _PHASED_VALUES.items():
        before, after = _phase_means(turn_matrix(episodes, max_turns, value), shift_turn)
        phases[f"{name}_before"], phases[f"{name}_after"] = before, after
    return ShiftMetrics(shift_turn=shift_turn, **phases)


@dataclass(frozen=True)
class Metrics:
    """Every reproducible number of an evaluation. Per-turn tuples have one entry per turn k = 1..K."""

    episodes: int
    max_turns: int
    turn_counts: tuple[int, ...]
    alignment_levels: tuple[float, ...]
    pass_rates: tuple[float, ...]
    profile_f1: tuple[float, ...]
    revealed_profile_f1: tuple[float, ...]
    n_ir: float
    n_r2: float
    al_slope: float
    al_slope_ci: tuple[float, float]
    al_gain: float
    al_gain_ci: tuple[float, float]
    mean_alignment: float
    final_profile_f1: float
    mean_return: float
    return_ci: tuple[float, float]
    format_failure_rate: float
    early_termination_rate: float
    agent_failure_rate: float
    words_per_turn: float
    tokens_per_turn: float | None
    shift: ShiftMetrics | None = None


def _floats(values: np.ndarray) -> tuple[float, ...]:
    return tuple(float(value) for value in values)


def compute_metrics(
    episodes: Sequence[Episode],
    max_turns: int,
    *,
    agent_failures: int = 0,
    shift_turn: int | None = None,
    seed: int = 0,
) -> Metrics:
    """All metrics of ``episodes`` on a ``max_turns`` horizon; ``seed`` seeds the bootstrap.

    ``agent_failures`` is how many of the episodes the harness stopped because the agent failed.
    ``mean_alignment`` is the mean alignment level (0..100) over every played turn.
    """
    if not episodes:
        raise ValueError("cannot compute metrics of zero episodes")
    graded = turn_matrix(episodes, max_turns, turn_alignment)
    al = column_means(graded)
    returns = [episode.total_reward for episode in episodes]
    played = ~np.isnan(graded)
    rng = np.random.default_rng(seed)
    return Metrics(
        episodes=len(episodes),
        max_turns=max_turns,
        turn_counts=tuple(int(count) for count in turn_counts(episodes, max_turns)),
        alignment_levels=_floats(al),
        pass_rates=_floats(pass_rates(episodes, max_turns)),
        profile_f1=_floats(profile_f1_per_turn(episodes, max_turns)),
        revealed_profile_f1=_floats(revealed_profile_f1_per_turn(episodes, max_turns)),
        n_ir=normalized_improvement_rate(al),
        n_r2=normalized_r2(al),
        al_slope=al_slope(al),
        al_slope_ci=curve_bootstrap_ci(graded, al_slope, np.random.default_rng(seed + 1)),
        al_gain=al_gain(al),
        al_gain_ci=curve_bootstrap_ci(graded, al_gain, np.random.default_rng(seed + 2)),
        mean_alignment=float(graded[played].mean()) if played.any() else float("nan"),
        final_profile_f1=float(np.mean([episode.final_profile_f1 for episode in episodes])),
        mean_return=float(np.mean(returns)),
        return_ci=bootstrap_ci(returns, rng),
        format_failure_rate=format_failure_rate(episodes),
        early_termination_rate=early_termination_rate(episodes),
        agent_failure_rate=agent_failures / len(episodes),
        words_per_turn=words_per_turn(episodes),
        tokens_per_turn=tokens_per_turn(episodes),
        shift=shift_metrics(episodes, max_turns, shift_turn) if shift_turn is not None else None,
    )


@dataclass(frozen=True)
class ShiftComparison:
    """A preference-shift run against a standard run on the same seeds (DESIGN: conflicting preferences).

    Attributes:
        pairs: Seeds present in both runs.
        final_f1_difference: Mean over pairs of final F1 (shift) - final F1 (standard), with its CI.
        alignment_difference: Mean over pairs of mean AL (shift) - mean AL (standard), with its CI.
        announced_rate: Share of shift episodes whose shift happened and was announced.
        stale_trait_rate: Share of turns after the announcement whose profile still states the old like.
        turns_to_update: Mean turns from the announcement until the profile states the new like and
            not the old one (episodes that never update are left out); ``updated_rate`` is the share
            of shift episodes that update.
    """

    pairs: int
    final_f1_difference: float
    final_f1_difference_ci: tuple[float, float]
    alignment_difference: float
    alignment_difference_ci: tuple[float, float]
    announced_rate: float
    stale_trait_rate: float
    turns_to_update: float
    updated_rate: float


def _traits(turn: TurnRecord) -> tuple[str, ...]:
    try:
        return parse_turn(turn.action).traits
    except TurnFormatError:
        return ()


def shift_comparison(
    shifted: Sequence[Episode],
    standard: Sequence[Episode],
    shifts: Mapping[int | None, tuple[Fact, Fact]],
    shift_turn: int,
    scorer: ProfileScorer,
    seed: int = 0,
) -> ShiftComparison:
    """Compare ``shifted`` with ``standard`` episodes seed by seed (see ``ShiftComparison``).

    ``shifts`` maps a shift episode's seed to ``(old like, new like)`` as the env's privileged info
    reports them; a seed without an entry had no shift. The user's message after turn
    ``shift_turn`` announces the shift when it names both values; turns ``shift_turn + 1`` onward
    are "after".
    """
    by_seed = {episode.seed: episode for episode in standard}
    pairs = [(episode, by_seed[episode.seed]) for episode in shifted if episode.seed in by_seed]
    if not pairs:
        raise ValueError("no seed appears in both runs; run both scenarios on the same seeds")
    f1_differences = [a.final_profile_f1 - b.final_profile_f1 for a, b in pairs]

    def mean_al(episode: Episode) -> float:
        return float(np.mean([turn_alignment(t) for t in episode.turns])) if episode.turns else 0.0

    al_differences = [mean_al(a) - mean_al(b) for a, b in pairs]
    rng = np.random.default_rng(seed)
    announced = stale = after = with_shift = 0
    updates: list[int] = []
    for episode in shifted:
        entry = shifts.get(episode.seed)
        if entry is None or len(episode.turns) < shift_turn:
            continue
        old, new = entry
        with_shift += 1
        message = episode.turns[shift_turn - 1].user_message.lower()
        announced += old.value.lower() in message and new.value.lower() in message
        update = None
        for offset, turn in enumerate(episode.turns[shift_turn:], start=1):
            traits = _traits(turn)
            states_old = bool(traits) and bool(scorer.score(traits, (old,)).matches)
            states_new = bool(traits) and bool(scorer.score(traits, (new,)).matches)
            after += 1
            stale += states_old
            if update is None and states_new and not states_old:
                update = offset
        if update is not None:
            updates.append(update)
    return ShiftComparison(
        pairs=len(pairs),
        final_f1_difference=float(np.mean(f1_differences)),
        final_f1_difference_ci=bootstrap_ci(f1_differences, rng),
        alignment_difference=float(np.mean(al_differences)),
        alignment_difference_ci=bootstrap_ci(al_differences, rng),
        announced_rate=announced / len(shifted),
        stale_trait_rate=stale / after if after else float("nan"),
        turns_to_update=float(np.mean(updates)) if updates else float("nan"),
        updated_rate=len(updates) / with_shift if with_shift else float("nan"),
    )
