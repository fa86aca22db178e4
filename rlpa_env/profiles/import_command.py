"""The ``import-personas`` subcommand of the ``rlpa-env`` command.

``rlpa-env import-personas PERSONAS... [--personalities FILE ...] [--pairing cross|zip] [--embedding]
--out personas.jsonl [--report import_report.json]`` reads persona files in any format
``rlpa_env.profiles.personas.read_records`` understands, writes the profiles as the package's profile
JSONL (``save_jsonl``; load it with ``gymnasium.make(..., profiles="personas.jsonl")`` or
``rlpa-env evaluate --profiles personas.jsonl``), prints a summary (facts per persona, category
counts, how each placement was decided and every clause it could not place) and, with ``--report``,
writes every placement decision as JSON. A bad file prints one ``error:`` line and returns 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_import_command(subparsers: argparse._SubParsersAction) -> None:
    """Add ``import-personas`` to ``subparsers``."""
    parser = subparsers.add_parser(
        "import-personas",
        help="import persona paragraphs and personalities into a profile JSONL file",
        description="Split persona texts into categorised facts, read personality paragraphs into styles, "
        "and write profiles the simulated user can play.",
    )
    parser.add_argument(
        "personas",
        nargs="+",
        type=Path,
        help="persona files: .jsonl (JSON strings, ALOE's format, or objects), .json (a list) or text "
        "(blank lines between personas, one trait per line)",
    )
    parser.add_argument(
        "--personalities",
        nargs="+",
        type=Path,
        default=[],
        help="personality files in the same formats; each persona is paired with each personality",
    )
    parser.add_argument(
        "--pairing",
        choices=("cross", "zip"),
        default="cross",
        help="cross: every persona with every personality (default); zip: the i-th with the i-th",
    )
    parser.add_argument(
        "--embedding",
        action="store_true",
        help="let all-MiniLM-L6-v2 (the 'embed' extra) place the clauses the lexicon has only a weak cue for",
    )
    parser.add_argument("--out", type=Path, required=True, help="the profile JSONL file to write (.gz compresses)")
    parser.add_argument("--report", type=Path, default=None, help="also write every placement decision as JSON")
    parser.set_defaults(func=run_import)


def run_import(args: argparse.Namespace) -> int:
    """Handler of ``rlpa-env import-personas``."""
    from rlpa_env.profiles.io import save_jsonl
    from rlpa_env.profiles.personas import import_persona_files

    try:
        report = import_persona_files(
            args.personas, args.personalities, pairing=args.pairing, embedding=args.embedding
        )
    except (FileNotFoundError, ValueError, ImportError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    save_jsonl(report.profiles, args.out)
    print(report.summary_text())
    written = [str(args.out)]
    if args.report is not None:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        args.report.write_text(json.dumps(report.to_dict(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(str(args.report))
    print(f"wrote {', '.join(written)}")
    return 0
