"""Share of replies the language-model reader judges incoherent, for real replies and word-salad variants.

Replies come from ``HeuristicAgent`` and ``OracleAgent`` playing ``RLPA-Test-v0`` (seeds
``0..--seeds-1``, every turn); the variants rewrite the heuristic's replies (every ``--stride``-th,
to bound the model time on a CPU) with a generator seeded per reply:

- ``salad, stop words dropped``: its content words shuffled, cut back into as many sentences;
- ``salad, all words``: every word shuffled the same way;
- ``two adjacent words swapped``: in each sentence of 2+ words, one random adjacent pair swapped;
- ``function words dropped``: each sentence without its stop words, order kept;
- ``clause repeated``: each sentence followed by ", and" and itself again;
- ``non-English``: replies written in Spanish, French, German and Italian;
- ``templates``: the random agent's fixed replies.

Prints a markdown table (replies, share incoherent, share near the threshold) and the incoherent
real replies. Example::

    python benchmarks/lm_reading_red_team.py --seeds 20 --stride 2
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable

import gymnasium as gym
import numpy as np

import rlpa_env  # noqa: F401  (registers the ids)
from agents.baselines import HeuristicAgent, OracleAgent, RandomAgent
from rlpa_env.language_model_reading import CoherenceSettings, LanguageModelReader
from rlpa_env.parsing import parse_turn
from rlpa_env.reply_analysis import split_sentences
from rlpa_env.text import STOPWORDS

NON_ENGLISH = (
    "Me alegra saber que te gusta la cerámica. ¿Qué tipo de música escuchas los fines de semana?",
    "Cocinar en casa puede ser muy relajante. ¿Sigues alguna dieta en particular?",
    "Viajar siempre nos deja buenas historias. ¿Adónde irías en tus próximas vacaciones?",
    "C'est super que tu fasses de la randonnée. Quel genre de livres lis-tu en ce moment?",
    "Le temps libre est précieux de nos jours. As-tu un passe-temps pour le week-end?",
    "La musique peut changer l'ambiance de toute une journée. Quels groupes écoutes-tu?",
    "Schön, dass du gerne kochst. Welche Gerichte machst du am liebsten am Wochenende?",
    "Reisen bringt immer gute Geschichten mit sich. Wohin möchtest du als Nächstes fahren?",
    "Sport am Morgen gibt mir viel Energie. Treibst du regelmäßig Sport?",
    "Che bello che ti piaccia il giardinaggio. Quali piante coltivi sul balcone?",
    "Il tempo libero è prezioso di questi tempi. Cosa fai di solito la domenica?",
    "Cucinare a casa può essere molto rilassante. Segui una dieta particolare?",
)


def _words(reply: str) -> list[str]:
    return [w.strip(".,!?;:") for w in reply.split() if w.strip(".,!?;:")]


def _as_sentences(words: list[str], count: int) -> str:
    """The words cut into ``count`` sentences, each capitalised, the last one a question."""
    chunks = [list(c) for c in np.array_split(np.array(words, dtype=object), max(1, min(count, len(words))))]
    sentences = [" ".join(c) for c in chunks if c]
    ends = ["."] * (len(sentences) - 1) + ["?"]
    return " ".join(s[:1].upper() + s[1:] + end for s, end in zip(sentences, ends, strict=True))


def salad(reply: str, rng: np.random.Generator, *, keep_stop_words: bool) -> str:
    """The reply's words (optionally without stop words) in a random order, in as many sentences."""
    words = [w for w in _words(reply) if keep_stop_words or w.lower() not in STOPWORDS] or _words(reply)
    return _as_sentences([words[i] for i in rng.permutation(len(words))], len(split_sentences(reply)))


def _per_sentence(reply: str, rewrite: Callable[[list[str]], list[str]]) -> str:
    out = []
    for sentence in split_sentences(reply):
        end = sentence[len(sentence.rstrip(".!?")) :]
        words = rewrite(sentence.rstrip(".!?").split()) or sentence.rstrip(".!?").split()
        out.append(" ".join(words) + end)
    return " ".join(out)


def swap_adjacent(reply: str, rng: np.random.Generator) -> str:
    """Each sentence of 2+ words with one random adjacent pair swapped."""

    def swap(words: list[str]) -> list[str]:
        if len(words) < 2:
            return words
        i = int(rng.integers(len(words) - 1))
        return [*words[:i], words[i + 1], words[i], *words[i + 2 :]]

    return _per_sentence(reply, swap)


def drop_function_words(reply: str) -> str:
    """Each sentence without its stop words, in the original order."""
    return _per_sentence(reply, lambda words: [w for w in words if w.lower().strip(",") not in STOPWORDS])


def repeat_clauses(reply: str) -> str:
    """Each sentence followed by ', and' and itself again."""
    out = []
    for sentence in split_sentences(reply):
        body, end = sentence.rstrip(".!?"), sentence[len(sentence.rstrip(".!?")) :]
        out.append(f"{body}, and {body[:1].lower()}{body[1:]}{end}")
    return " ".join(out)


def agent_replies(agent_class: type, seeds: int) -> list[str]:
    """Every reply the agent writes on ``RLPA-Test-v0`` for seeds ``0..seeds-1``."""
    replies = []
    for seed in range(seeds):
        env = gym.make("RLPA-Test-v0", privileged_info=True)
        agent = agent_class()
        agent.reset(seed)
        observation, info = env.reset(seed=seed)
        done = False
        while not done:
            action = agent.act(observation, info)
            replies.append(parse_turn(action).response)
            observation, _, terminated, truncated, info = env.step(action)
            done = terminated or truncated
        env.close()
    return replies


def variants(seeds: int, stride: int) -> dict[str, list[str]]:
    """Each row's replies."""
    heuristic = agent_replies(HeuristicAgent, seeds)
    sample = heuristic[::stride]
    rngs = [np.random.default_rng(index) for index in range(len(sample))]
    return {
        "heuristic": heuristic,
        "oracle": agent_replies(OracleAgent, seeds),
        "salad, stop words dropped": [salad(r, g, keep_stop_words=False) for r, g in zip(sample, rngs, strict=True)],
        "salad, all words": [salad(r, g, keep_stop_words=True) for r, g in zip(sample, rngs, strict=True)],
        "two adjacent words swapped": [swap_adjacent(r, g) for r, g in zip(sample, rngs, strict=True)],
        "function words dropped": [drop_function_words(r) for r in sample],
        "clause repeated": [repeat_clauses(r) for r in sample],
        "non-English": list(NON_ENGLISH),
        "templates": list(RandomAgent.REPLIES),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=20, help="episodes per agent (seeds 0..N-1)")
    parser.add_argument("--stride", type=int, default=2, help="rewrite every N-th heuristic reply")
    parser.add_argument("--orders", type=int, default=CoherenceSettings.orders, help="reorderings per unit")
    parser.add_argument("--dump", help="write every unit's reading to this JSON file")
    args = parser.parse_args()
    reader = LanguageModelReader(settings=CoherenceSettings(orders=args.orders))
    rows = variants(args.seeds, args.stride)
    print(f"{reader.settings}\n")
    print("| replies | n | incoherent | near threshold | seconds |")
    print("|---|---|---|---|---|")
    dump: dict[str, list[dict[str, object]]] = {}
    flagged: dict[str, list[str]] = {}
    for name, replies in rows.items():
        start = time.perf_counter()
        verdicts = reader.read_many([split_sentences(r) for r in replies])
        seconds = time.perf_counter() - start
        bad = [r for r, v in zip(replies, verdicts, strict=True) if not v.coherent]
        near = sum(v.near_threshold for v in verdicts)
        shares = f"{len(bad) / len(replies):.3f} | {near / len(replies):.3f}"
        print(f"| {name} | {len(replies)} | {shares} | {seconds:.0f} |")
        flagged[name] = bad
        dump[name] = [
            {"reply": r, "units": [u.__dict__ for u in v.units]} for r, v in zip(replies, verdicts, strict=True)
        ]
    for name in ("heuristic", "oracle"):
        print(f"\nincoherent {name} replies ({len(flagged[name])}):")
        for reply in dict.fromkeys(flagged[name]):
            print(f"- {reply}")
    if args.dump:
        with open(args.dump, "w", encoding="utf-8") as handle:
            json.dump(dump, handle)


if __name__ == "__main__":
    main()
