"""Time ``import_personas`` on 100 persona paragraphs x 3 personalities, cold caches, and check determinism.

The 100 personas are the 20 fixture paragraphs of ``tests/data/personas``, each with one sentence of
another paragraph appended, so no two are the same. Run ``python benchmarks/import_personas.py``.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from rlpa_env.profiles.io import save_jsonl
from rlpa_env.profiles.persona_lexicon import classify
from rlpa_env.profiles.persona_text import first_person, split_predicate
from rlpa_env.profiles.personality import style_from_personality
from rlpa_env.profiles.personas import PersonaRecord, import_personas, read_records

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "personas"
BUDGET_S = 10.0


def _personas() -> list[PersonaRecord]:
    texts = [json.loads(line) for line in (DATA / "profiles.jsonl").read_text(encoding="utf-8").splitlines()]
    sentences = [text.split(". ") for text in texts]
    return [
        PersonaRecord(f"mix-{i:03d}", ". ".join(sentences[i % 20]) + " " + sentences[(i * 7 + 3) % 20][-1])
        for i in range(100)
    ]


def _clear_caches() -> None:
    for cached in (classify, first_person, split_predicate, style_from_personality):
        cached.cache_clear()


def main() -> None:
    personas = _personas()
    personalities = read_records(DATA / "personalities.jsonl", kind="personality")
    outputs = []
    with tempfile.TemporaryDirectory() as directory:
        for run in range(2):
            _clear_caches()
            started = time.perf_counter()
            report = import_personas(personas, personalities)
            elapsed = time.perf_counter() - started
            path = save_jsonl(report.profiles, Path(directory) / f"run{run}.jsonl")
            outputs.append(path.read_bytes())
            print(
                f"run {run}: {len(personas)} personas -> {len(report.profiles)} profiles in {elapsed:.3f} s "
                f"({1000 * elapsed / len(personas):.2f} ms per persona; budget {BUDGET_S:.0f} s is "
                f"{BUDGET_S / elapsed:,.0f}x that)"
            )
    print(f"byte-identical output on both runs: {outputs[0] == outputs[1]}")


if __name__ == "__main__":
    main()
