"""Write a calibration run: ``report.json`` and ``confusion.png`` (one 2 x 3 table per criterion).

The PNG is drawn with matplotlib's Agg canvas through ``matplotlib.figure.Figure``, as
``rlpa_env.eval.plots`` does (no pyplot state). Rows are the labels (should pass, should fail),
columns the verdicts (pass, fail, no verdict); each cell shows its count, shaded by its share of
the row.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

REPORT_JSON = "report.json"
CONFUSION_PNG = "confusion.png"
_ROWS = ("expected_pass", "expected_fail")
_COLUMNS = ("pass", "fail", "no_verdict")


def write_report(report: Mapping[str, Any], out: str | Path) -> tuple[Path, Path]:
    """Write ``report.json`` and ``confusion.png`` into ``out``; return both paths."""
    directory = Path(out)
    directory.mkdir(parents=True, exist_ok=True)
    json_path = directory / REPORT_JSON
    json_path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return json_path, plot_confusion(report, directory / CONFUSION_PNG)


def plot_confusion(report: Mapping[str, Any], path: Path) -> Path:
    """One confusion table per criterion of ``report["criteria"]``, side by side in rows of three."""
    from matplotlib.figure import Figure

    criteria = report["criteria"]
    columns = min(3, len(criteria))
    rows = math.ceil(len(criteria) / columns)
    figure = Figure(figsize=(4.2 * columns, 2.9 * rows + 0.6), dpi=120, layout="constrained")
    grid = figure.subplots(rows, columns, squeeze=False)
    for axes, (name, summary) in zip(grid.flat, criteria.items(), strict=False):
        counts = [[summary["confusion"][row][column] for column in _COLUMNS] for row in _ROWS]
        shares = [[cell / max(1, sum(row)) for cell in row] for row in counts]
        axes.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0)
        for r, row in enumerate(counts):
            for c, cell in enumerate(row):
                colour = "white" if shares[r][c] > 0.6 else "black"
                axes.text(c, r, str(cell), ha="center", va="center", fontsize=12, color=colour)
        axes.set_xticks(range(len(_COLUMNS)), ["pass", "fail", "no verdict"])
        axes.set_yticks(range(len(_ROWS)), ["should pass", "should fail"])
        accuracy = summary["accuracy"]
        axes.set_title(f"{name} (acc {accuracy:.0%}, n={summary['n']})" if accuracy is not None else name, fontsize=10)
    for axes in list(grid.flat)[len(criteria) :]:
        axes.set_axis_off()
    figure.suptitle(f"Calibration of {report['role']} '{report['implementation']}' ({report['items']} items)")
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, format="png")
    return path
