"""The ``rlpa-env calibrate`` subcommand: how far can a judge, scorer, grader or user be trusted?

``rlpa-env calibrate --role response_judge|profile_scorer|alignment_grader|user`` builds the
calibration set (``--seed``, ``--states``), runs the implementation chosen by ``--judge``,
``--scorer``, ``--grader`` or ``--user`` (each a name of that role's registry; the flag must fit
``--role``) on the role's items (``--max-items`` of them after the first ``--skip-items``: a slow
model's run can be split over processes or machines), prints one line per criterion
(accuracy, false-pass and false-fail rates with 95% intervals), the parse-failure rate and the cost,
and writes ``report.json`` and ``confusion.png`` into ``--out``. A model-backed implementation runs
on ``--backend`` (``embedded`` by default, a server URL with ``--backend-model``, a registered
backend name or a local model path). ``--write-set FILE`` also writes the set as gzipped JSONL. Bad
arguments print one ``error:`` line and return 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rlpa_env.calibration.build import DEFAULT_SEED, DEFAULT_STATES, build_calibration_set, write_set
from rlpa_env.calibration.items import ROLES
from rlpa_env.calibration.report import write_report
from rlpa_env.calibration.roles import ROLE_TABLE, build_role
from rlpa_env.calibration.run import calibrate
from rlpa_env.eval.commands import non_negative_int, positive_int
from rlpa_env.reading import READERS

IMPLEMENTATION_FLAGS = {
    "response_judge": "judge",
    "profile_scorer": "scorer",
    "alignment_grader": "grader",
    "user": "user",
}
"""The flag that names the implementation of each role (``--judge rule``, ``--scorer embedding``, ...)."""


def add_calibrate_command(subparsers: argparse._SubParsersAction) -> None:
    """Add ``calibrate`` to ``subparsers``."""
    command = subparsers.add_parser(
        "calibrate",
        help="score a judge, scorer, grader or user on a labelled set and report its agreement",
        description="Run one role on the calibration set built by construction; write report.json and confusion.png.",
    )
    command.add_argument("--role", required=True, choices=ROLES, help="the role to calibrate")
    for role, flag in IMPLEMENTATION_FLAGS.items():
        spec = ROLE_TABLE[role]
        command.add_argument(
            f"--{flag}",
            default=None,
            help=f"{spec.registry.kind} for --role {role}: {', '.join(spec.registry.names())} "
            f"(default: {spec.default})",
        )
    command.add_argument(
        "--reader",
        default="rules",
        choices=READERS.names(),
        help="the reader of each reply, as the env role reads it (default: rules; the v1 and v2 ids: language-model)",
    )
    command.add_argument("--backend", default=None, help="backend of a model-backed role (default: embedded)")
    command.add_argument("--backend-model", default=None, help="the served model's name, with a server URL --backend")
    command.add_argument("--max-items", type=positive_int, default=None, help="score only N of the role's items")
    command.add_argument(
        "--skip-items", type=non_negative_int, default=0, help="leave out the role's first N items (default: 0)"
    )
    command.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"set seed (default: {DEFAULT_SEED})")
    command.add_argument(
        "--states", type=positive_int, default=DEFAULT_STATES, help=f"dialogue states (default: {DEFAULT_STATES})"
    )
    command.add_argument(
        "--out", type=Path, default=None, help="report directory (default: runs/calibrate/<role>_<name>)"
    )
    command.add_argument("--write-set", type=Path, default=None, help="also write the set as gzipped JSONL here")
    command.set_defaults(func=run_calibrate)


def _implementation(args: argparse.Namespace) -> str:
    chosen = IMPLEMENTATION_FLAGS[args.role]
    stray = [f"--{flag}" for role, flag in IMPLEMENTATION_FLAGS.items() if flag != chosen and getattr(args, flag)]
    if stray:
        raise ValueError(f"{', '.join(stray)} does not apply to --role {args.role}; use --{chosen}")
    return getattr(args, chosen) or ROLE_TABLE[args.role].default


def run_calibrate(args: argparse.Namespace) -> int:
    """Handler of ``rlpa-env calibrate``."""
    try:
        name = _implementation(args)
        built, metered = build_role(args.role, name, args.backend, args.backend_model)
    except (ValueError, TypeError, KeyError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    items = build_calibration_set(args.seed, args.states)
    if args.write_set is not None:
        write_set(items, args.write_set)
    role_items = [item for item in items if item.role == args.role][args.skip_items :]
    chosen = role_items[: args.max_items]
    report = calibrate(args.role, name, built, chosen, metered, READERS.make(args.reader)).report()
    reader = "" if args.reader == "rules" else f"_{args.reader}"
    out = args.out or Path("runs") / "calibrate" / f"{args.role}_{name}{reader}"
    json_path, png_path = write_report(report, out)
    _print_summary(report)
    print(f"wrote {json_path} and {png_path}")
    return 0


def _interval(bounds: tuple[float, float]) -> str:
    return f"[{bounds[0]:.2f}, {bounds[1]:.2f}]"


def _rate(value: float | None) -> str:
    return "  -  " if value is None else f"{value:.3f}"


def _print_summary(report: dict) -> None:
    print(f"{report['role']} '{report['implementation']}' on {report['items']} items")
    print(f"{'criterion':<22}{'n':>5}  {'accuracy':<22}{'false pass':<22}{'false fail':<22}")
    for name, s in report["criteria"].items():
        print(
            f"{name:<22}{s['n']:>5}  {_rate(s['accuracy'])} {_interval(s['accuracy_ci95']):<15}"
            f"{_rate(s['false_pass_rate'])} {_interval(s['false_pass_ci95']):<15}"
            f"{_rate(s['false_fail_rate'])} {_interval(s['false_fail_ci95']):<15}"
        )
    backend = report["backend"]
    cost = f"{report['seconds_per_item']:.4f} s per item"
    if backend.get("calls"):
        cost += (
            f", {backend['calls']} calls, {backend['seconds_per_call']:.2f} s and "
            f"{backend['tokens_per_call']:.0f} tokens ({backend['token_count']}) per call"
        )
    print(f"parse failures {report['parse_failure_rate']:.3f}; {cost}")
