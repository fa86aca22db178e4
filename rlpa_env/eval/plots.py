"""PNG plots of evaluation curves, drawn with matplotlib's Agg renderer.

matplotlib is imported inside each function (it is an optional extra, and ``import rlpa_env`` must
stay light). Figures are built with ``matplotlib.figure.Figure`` and saved through the Agg canvas,
so no pyplot state or global backend is touched: plotting works headless and does not disturb a
notebook's backend. Turns are on the x axis from 1; a turn no episode reached (``NaN`` or ``None``)
leaves a gap. A preference shift after turn s is drawn as a dashed vertical line at s + 0.5,
between the last turn before the shift and the first after it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

FONT_SIZE = 12
FIGURE_SIZE = (8.0, 5.0)
DPI = 120


def _values(curve: Sequence[float | None], scale: float = 1.0) -> list[float]:
    return [float("nan") if value is None else scale * value for value in curve]


def _new_figure(size: tuple[float, float] = FIGURE_SIZE) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=size, dpi=DPI, layout="constrained")


def _style_axes(axes: Axes, *, title: str, xlabel: str, ylabel: str, turns: int) -> None:
    axes.set_title(title, fontsize=FONT_SIZE + 1)
    axes.set_xlabel(xlabel, fontsize=FONT_SIZE)
    axes.set_ylabel(ylabel, fontsize=FONT_SIZE)
    axes.tick_params(labelsize=FONT_SIZE - 1)
    axes.grid(True, alpha=0.3)
    axes.set_xlim(0.5, turns + 0.5)
    if turns <= 20:
        axes.set_xticks(range(1, turns + 1))


def _mark_shift(axes: Axes, shift_turn: int | None) -> None:
    if shift_turn is not None:
        axes.axvline(
            shift_turn + 0.5,
            color="tab:red",
            linestyle="--",
            linewidth=1.5,
            label=f"preference shift (after turn {shift_turn})",
        )


def _marker(turns: int) -> str | None:
    return "o" if turns <= 20 else None


@dataclass(frozen=True)
class TurnCurves:
    """One per-turn figure of a report: two curves of ``Metrics`` (the first solid, the second dotted).

    Attributes:
        fields: The two ``Metrics`` fields (per-turn tuples) drawn.
        labels: Their legend labels.
        ylabel: The y axis label; the axis runs from 0 to ``top``.
        top: The top of the y axis.
        scales: Factors the two curves are multiplied by (the pass rate is drawn as a percentage).
    """

    fields: tuple[str, str]
    labels: tuple[str, str]
    ylabel: str
    top: float
    scales: tuple[float, float] = (1.0, 1.0)


ALIGNMENT_CURVES = TurnCurves(
    fields=("alignment_levels", "pass_rates"),
    labels=("alignment level AL(k)", "pass rate (%)"),
    ylabel="score (0-100)",
    top=100.0,
    scales=(1.0, 100.0),
)
"""AL(k) (0-100) and the all-criteria pass rate (as a percentage) per turn."""
PROFILE_F1_CURVES = TurnCurves(
    fields=("profile_f1", "revealed_profile_f1"),
    labels=("F1 vs whole hidden profile", "F1 vs facts revealed so far"),
    ylabel="profile F1",
    top=1.0,
)
"""Mean profile F1 per turn against the whole hidden profile and against the revealed facts."""


def plot_turn_curves(
    figure: TurnCurves, metrics: Any, path: str | Path, *, title: str, shift_turn: int | None = None
) -> Path:
    """Plot the two curves ``figure`` names, read from ``metrics`` (a ``Metrics``), into ``path``."""
    curves = [getattr(metrics, name) for name in figure.fields]
    return _plot_pair(figure, *curves, path, title=title, shift_turn=shift_turn)


def _plot_pair(
    figure: TurnCurves,
    first: Sequence[float | None],
    second: Sequence[float | None],
    path: str | Path,
    *,
    title: str,
    shift_turn: int | None = None,
) -> Path:
    curves = tuple(
        (_values(curve, scale), label)
        for curve, scale, label in zip((first, second), figure.scales, figure.labels, strict=True)
    )
    return _plot_turn_curves(curves, path, title=title, ylabel=figure.ylabel, top=figure.top, shift_turn=shift_turn)


def _plot_turn_curves(
    curves: tuple[tuple[list[float], str], tuple[list[float], str]],
    path: str | Path,
    *,
    title: str,
    ylabel: str,
    top: float,
    shift_turn: int | None,
) -> Path:
    """One curve solid and one dotted over turns 1..K, from 0 to ``top``, with the shift marked."""
    turns = range(1, len(curves[0][0]) + 1)
    figure = _new_figure()
    axes = figure.add_subplot()
    for (values, label), linestyle in zip(curves, ("-", ":"), strict=True):
        axes.plot(turns, values, marker=_marker(len(turns)), linestyle=linestyle, linewidth=2, label=label)
    _mark_shift(axes, shift_turn)
    axes.set_ylim(-0.03 * top, 1.03 * top)
    _style_axes(axes, title=title, xlabel="turn k", ylabel=ylabel, turns=len(turns))
    axes.legend(fontsize=FONT_SIZE - 1, loc="best")
    return _save(figure, path)


_LINE_STYLES = ("-", "--", ":", "-.")


def plot_leaderboard(reports: Sequence[Mapping[str, Any]], path: str | Path) -> Path:
    """Compare ``report.json`` dicts: AL(k) curves on the left, profile F1 curves on the right, one line each."""
    if not reports:
        raise ValueError("plot_leaderboard needs at least one report")
    figure = _new_figure((14.0, 5.5))
    al_axes, f1_axes = figure.subplots(1, 2)
    turns = max(report["metrics"]["max_turns"] for report in reports)
    agents = list(dict.fromkeys(report["agent"] for report in reports))
    scenarios = list(dict.fromkeys(report["scenario"] for report in reports))
    for report in reports:
        metrics = report["metrics"]
        style = {
            "color": f"C{agents.index(report['agent']) % 10}",  # colour says the agent, the line style the scenario
            "linestyle": _LINE_STYLES[scenarios.index(report["scenario"]) % len(_LINE_STYLES)],
            "marker": _marker(turns),
            "linewidth": 2,
            "label": f"{report['agent']} ({report['scenario']})",
        }
        steps = range(1, len(metrics["alignment_levels"]) + 1)
        al_axes.plot(steps, _values(metrics["alignment_levels"]), **style)
        f1_axes.plot(steps, _values(metrics["profile_f1"]), **style)
    al_axes.set_ylim(-3, 103)
    f1_axes.set_ylim(-0.03, 1.03)
    _style_axes(al_axes, title="Alignment level per turn", xlabel="turn k", ylabel="AL(k) (0-100)", turns=turns)
    _style_axes(f1_axes, title="Profile F1 per turn", xlabel="turn k", ylabel="profile F1", turns=turns)
    al_axes.legend(fontsize=FONT_SIZE - 1, loc="best")
    f1_axes.legend(fontsize=FONT_SIZE - 1, loc="best")
    figure.suptitle(f"Leaderboard: {len(reports)} reports", fontsize=FONT_SIZE + 2)
    return _save(figure, path)


def _save(figure: Figure, path: str | Path) -> Path:
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, format="png")
    return out
