"""Standard-space wrappers so Stable-Baselines3 (or any classic RL library) can train on ``RLPAEnv``.

Classic RL cannot write text, so the learning problem becomes the *conversation strategy*:

- ``DialogueMoveActions`` turns a ``Discrete`` (or ``MultiDiscrete``) choice of dialogue move into a
  well-formed turn. A ``Move`` says which subject to raise next (one of ``MOVE_TOPICS``, an open
  question, or a follow-up on the user's latest statement), whether to recall something positive the
  user said earlier, and how long the reply is. A pluggable ``TurnWriter`` writes the text;
  ``HeuristicTurnWriter`` (the default) reuses ``HeuristicAgent``'s trait tracking and wording, so
  the profile block is always "everything the user said about themselves" and only the moves differ.
- ``PublicDialogueFeatures`` turns the public transcript (``info["messages"]``) into a ``Box`` of
  ``FEATURE_SIZE`` floats in [0, 1]: turn fraction; traits held; reveal, complaint and deflection
  counts; the complaint streak; what the latest user message did; and, per topic, whether the agent
  asked about it, the user answered it, complained about it, or brought it up. The features read the
  transcript only -- no reward, no ``info`` score, nothing from the hidden profile -- so a trained
  policy sees exactly the same features when ``rlpa-env evaluate`` hands it the public view.

``make_move_env`` builds both around an ``RLPAEnv``; ``rlpa_env`` registers it by import path as
``RLPA-Discrete-v0`` (train split) and ``RLPA-Discrete-Test-v0`` (test split). ``SB3Agent`` plays a
saved SB3 model as an ordinary ``Agent`` (``rlpa-env evaluate --agent sb3:runs/ppo.zip``), and
``RandomMoveAgent`` is the same wrapper's uniform-random policy, the floor a learned policy must clear.

The wrappers live here, not in ``rlpa_env``, because the turn writer is ``HeuristicAgent``'s and
``rlpa_env`` never imports ``agents``. Rendering is text only: ``render_mode="rgb_array"`` (what
SB3's ``make_vec_env`` passes by default) raises ``TypeError`` naming ``"ansi"``/``"human"``, and
``make_vec_env`` then retries without a render mode, as it does for any env that cannot draw.

``examples/README.md`` says what PPO learned, with the numbers.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol, SupportsFloat, runtime_checkable

import gymnasium as gym
import numpy as np

from agents.baselines import (
    TOPICS,
    Topic,
    _acknowledgement,
    _salient_word,
    complains,
    extract_traits,
    recall,
    retracted,
)
from rlpa_env.parsing import format_turn
from rlpa_env.text import STOPWORDS, polarity, tokens
from rlpa_env.vocabulary import is_hollow

MOVE_TOPICS: tuple[Topic, ...] = (
    *TOPICS,
    Topic(
        "languages",
        ("language", "languages", "speak", "fluent"),
        ("Picking up a new language opens a lot of doors.", "Some people collect languages like stamps."),
        ("Do you speak any other languages?", "Are you learning a language at the moment?"),
    ),
    Topic(
        "money",
        ("money", "saving", "savings", "budget", "budgeting"),
        ("Everyone seems to be watching their budget lately.", "Saving up for something keeps you focused."),
        ("Are you saving up for anything at the moment?", "How do you handle budgeting and saving?"),
    ),
    Topic(
        "reply style",
        ("answer", "answers", "reply", "replies", "style", "tone"),
        ("People differ a lot in how they like to chat.", "Some folks want detail, others want the gist."),
        ("How do you like answers, short and quick or more detailed?", "What reply style suits you best?"),
    ),
    Topic(
        "subjects to avoid",
        ("topic", "topics", "subject", "subjects", "discuss"),
        ("Some conversations drain more energy than others.", "Every chat has its no-go zones."),
        ("Are there any subjects you would rather not discuss?", "Any topics that bore or annoy you?"),
    ),
)
"""The topics a move can raise: ``HeuristicAgent``'s thirteen, then languages, money, reply style and
conversation subjects the user dislikes (which the heuristic never asks about)."""

OPEN_QUESTION = "What else has been on your mind lately?"
SUBJECTS: tuple[str, ...] = (*(topic.name for topic in MOVE_TOPICS), "open question", "follow-up")
"""Index 0..len(MOVE_TOPICS)-1: ask about that topic; then an open question; then a follow-up."""
LENGTHS: tuple[str, ...] = ("short", "medium", "long")
"""short: acknowledgement + question; medium: + a remark; long: + both remarks and an elaboration."""
ACTION_DIMS: tuple[int, int, int] = (len(SUBJECTS), 2, len(LENGTHS))
"""``MultiDiscrete`` sizes: subject, recall (0 no, 1 yes), length. ``Discrete`` is their product."""

# The writer re-reads every earlier statement each turn; these pure text functions are cached for it.
_salient = lru_cache(maxsize=8192)(_salient_word)
_positive = lru_cache(maxsize=8192)(lambda text: polarity(text) > 0)
_complains = lru_cache(maxsize=4096)(complains)

_FOLLOW_UPS = ("What first got you into {word}?", "How long has {word} been part of your life?")
_ELABORATION = (
    "I find {topic} one of those areas where everyone has a different story, and the small details people "
    "share about it usually say more than the big headlines do, so I always like hearing how it fits into "
    "someone's ordinary week."
)


@dataclass(frozen=True)
class Move:
    """One dialogue move: which subject to raise, whether to recall an earlier statement, reply length."""

    subject: str
    recall: bool
    length: str

    def __post_init__(self) -> None:
        if self.subject not in SUBJECTS:
            raise ValueError(f"unknown subject {self.subject!r}; expected one of {SUBJECTS}")
        if self.length not in LENGTHS:
            raise ValueError(f"unknown length {self.length!r}; expected one of {LENGTHS}")


MOVES: tuple[Move, ...] = tuple(
    Move(subject, recalls, length) for subject in SUBJECTS for recalls in (False, True) for length in LENGTHS
)
"""Every move, in ``Discrete`` index order (row-major over ``ACTION_DIMS``)."""


def move_from_action(action: Any) -> Move:
    """The ``Move`` of a ``Discrete`` index (int) or a ``MultiDiscrete`` triple (subject, recall, length)."""
    if isinstance(action, int | np.integer):
        index = int(action)
    else:
        values = np.asarray(action).reshape(-1)
        if values.size == 1:
            index = int(values[0])
        elif values.size == len(ACTION_DIMS) and all(0 <= v < n for v, n in zip(values, ACTION_DIMS, strict=True)):
            index = int(np.ravel_multi_index(tuple(int(v) for v in values), ACTION_DIMS))
        else:
            raise ValueError(f"a MultiDiscrete move is (subject, recall, length) within {ACTION_DIMS}, got {action!r}")
    if not 0 <= index < len(MOVES):
        raise ValueError(f"Discrete move {index} out of range 0..{len(MOVES) - 1}")
    return MOVES[index]


@runtime_checkable
class TurnWriter(Protocol):
    """Writes the text of a turn for a chosen ``Move``; keeps its own notes about the user."""

    def reset(self, seed: int | None = None) -> None:
        """Forget the previous episode; ``seed`` fixes the choice of phrasings."""
        ...

    def observe(self, user_message: str) -> None:
        """Read the user's latest message (the opening, then each reply)."""
        ...

    def write(self, move: Move) -> str:
        """The full turn (``<profile>`` and ``<response>`` blocks) carrying out ``move``."""
        ...


class HeuristicTurnWriter:
    """``HeuristicAgent``'s writer, with the move's subject, recall and length.

    It keeps the heuristic's notes the heuristic's way: every first-person statement becomes a profile
    line, lines about something the user says it has gone off are dropped, and words the user pushed
    back on are never picked up. The reply is the heuristic's acknowledgement of the last message;
    with ``recall`` the heuristic's recall of up to three earlier *positive* statements (never a dislike),
    rotating through them; for a topic, a remark (``medium``; ``long`` adds the other remark and an
    elaboration) and a question -- a topic asked again gets its other question; a follow-up asks about
    the salient word of the latest positive statement (an open question when there is none).
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self, seed: int | None = None) -> None:
        """Forget the user; reseed the choice of phrasings."""
        self._rng = np.random.default_rng(seed)
        self._traits: list[str] = []
        self._earlier: list[str] = []
        self._avoid: set[str] = set()
        self._asked: dict[str, int] = {}
        self._recalls = 0
        self._last_message = ""

    def observe(self, user_message: str) -> None:
        """Read the user's message: update the profile lines, the recallable statements and the words to avoid."""
        self._earlier = [trait for trait in self._traits if _positive(trait)]
        for old in retracted(user_message):
            gone = set(tokens(old)) - STOPWORDS
            self._traits = [trait for trait in self._traits if not gone & set(tokens(trait))]
            self._earlier = [trait for trait in self._earlier if not gone & set(tokens(trait))]
        self._traits += [trait for trait in extract_traits(user_message) if trait not in self._traits]
        if _complains(user_message):
            self._avoid.update(w for w in tokens(user_message) if w not in STOPWORDS and not is_hollow(w))
        self._last_message = user_message

    def write(self, move: Move) -> str:
        """The tracked traits and a reply carrying out ``move``."""
        parts = [_acknowledgement(self._last_message, self._rng, self._avoid)]
        if move.recall:
            heard = set(tokens(self._last_message)) | self._avoid
            words = [w for w in dict.fromkeys(map(_salient, self._earlier)) if w and w not in heard]
            if words:
                start = self._recalls % len(words)
                self._recalls += 1
                parts.append(recall((words[start:] + words[:start])[:3], self._rng))
        topic = next((t for t in MOVE_TOPICS if t.name == move.subject), None)
        if topic is not None and move.length != "short":
            parts.append(self._pick(topic.remarks))
        if topic is not None and move.length == "long":
            parts += [remark for remark in topic.remarks if remark not in parts]
            parts.append(_ELABORATION.format(topic=topic.name))
        parts.append(self._question(move, topic))
        return format_turn(self._traits, " ".join(parts))

    def _question(self, move: Move, topic: Topic | None) -> str:
        if topic is not None:
            times = self._asked.get(topic.name, 0)
            self._asked[topic.name] = times + 1
            return topic.questions[times % len(topic.questions)]
        if move.subject == "follow-up":
            liked = (_salient(trait) for trait in reversed(self._traits) if _positive(trait))
            word = next((w for w in liked if w and w not in self._avoid), None)
            if word is not None:
                return self._pick(_FOLLOW_UPS).format(word=word)
        return OPEN_QUESTION

    def _pick(self, options: Sequence[str]) -> str:
        return options[int(self._rng.integers(len(options)))]  # Generator.choice would copy to an array first


_DEFLECTION = re.compile(r"\b(?:personal|rather keep|rather not say|not go there|pass on that|get into that)\b")
_HORIZON = 10
"""Turns over which ``turn_fraction`` runs from 0 to 1 (longer episodes saturate at 1)."""
_GLOBAL_FEATURES = (
    "turn_fraction",
    "traits_held",
    "reveal_turns",
    "complaint_turns",
    "complaint_streak",
    "deflections",
    "last_new_traits",
    "last_negative",
    "last_deflection",
    "last_filler",
    "last_asks_question",
    "last_word_count",
)
_TOPIC_FEATURES = ("asked", "answered", "complained", "user_mentioned")
FEATURE_NAMES: tuple[str, ...] = (
    *_GLOBAL_FEATURES,
    *(f"{topic.name}:{name}" for topic in MOVE_TOPICS for name in _TOPIC_FEATURES),
)
FEATURE_SIZE = len(FEATURE_NAMES)


class PublicDialogueFeatures:
    """Features of the public transcript, updated incrementally as messages arrive (see the module docstring).

    A user message *answers* when it holds new first-person statements, *complains* when it is negative
    ("can't stand", "I told you") without any, *deflects* when it puts a question off as too personal.
    A topic is *asked* when one of its words is in a question of an agent message; the user's next
    message then answers or complains about it.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Start a new transcript."""
        self._seen = 0
        self._turn = 0
        self._traits: set[str] = set()
        self._counts = dict.fromkeys(("reveals", "complaints", "streak", "deflections"), 0)
        self._vector = np.zeros(FEATURE_SIZE, dtype=np.float32)
        self._pending: list[int] = []

    @property
    def _topics(self) -> np.ndarray:
        """The per-topic block of ``_vector`` as a (topic, feature) view (a view does not survive pickling)."""
        return self._vector[len(_GLOBAL_FEATURES) :].reshape(len(MOVE_TOPICS), len(_TOPIC_FEATURES))

    def update(self, messages: Sequence[Mapping[str, str]]) -> np.ndarray:
        """Read the messages not seen yet and return the feature vector (``float32``, ``FEATURE_SIZE``)."""
        if len(messages) < self._seen:
            raise ValueError("the transcript got shorter; call reset() before a new episode")
        for message in messages[self._seen :]:
            if message["role"] == "assistant":
                self._turn += 1
                self._pending = _asked_topics(message["content"])
                self._topics[self._pending, 0] = 1.0
            else:
                self._read_user(message["content"], opening=self._seen == 0)
            self._seen += 1
        counts = self._counts
        self._vector[:6] = (
            min(1.0, self._turn / _HORIZON),
            min(1.0, len(self._traits) / 20),
            min(1.0, counts["reveals"] / _HORIZON),
            min(1.0, counts["complaints"] / _HORIZON),
            min(1.0, counts["streak"] / 3),
            min(1.0, counts["deflections"] / _HORIZON),
        )
        return self._vector.copy()

    def _read_user(self, text: str, opening: bool) -> None:
        statements, mentioned, negative_tone, deflection, word_count = _user_message(text)
        new_traits = [trait for trait in statements if trait not in self._traits]
        self._traits.update(new_traits)
        negative = negative_tone and not new_traits
        filler = not opening and not new_traits and not negative and not deflection
        if not opening:
            self._counts["reveals"] += bool(new_traits)
            self._counts["complaints"] += negative
            self._counts["streak"] = self._counts["streak"] + 1 if negative else 0
            self._counts["deflections"] += deflection
        self._topics[list(mentioned), 3] = 1.0
        if new_traits:
            self._topics[self._pending, 1] = 1.0
        if negative:
            self._topics[sorted({*self._pending, *mentioned}), 2] = 1.0
        self._pending = []
        self._vector[6:12] = (
            min(1.0, len(new_traits) / 3),
            negative,
            deflection,
            filler,
            "?" in text,
            min(1.0, word_count / 30),
        )


@lru_cache(maxsize=4096)
def _user_message(text: str) -> tuple[tuple[str, ...], tuple[int, ...], bool, bool, int]:
    """A user message's statements, the ``MOVE_TOPICS`` it names, negative tone, deflection, distinct words."""
    words = set(tokens(text))
    mentioned = tuple(i for i, topic in enumerate(MOVE_TOPICS) if words.intersection(topic.words))
    return (
        tuple(extract_traits(text)),
        mentioned,
        polarity(text) < 0,
        _DEFLECTION.search(text.lower()) is not None,
        len(words),
    )


_SENTENCE_END = re.compile(r"[.!?\n]")


def _asked_topics(text: str) -> list[int]:
    """Indices of ``MOVE_TOPICS`` named in a question (a sentence ending in ``?``) of ``text``."""
    found: set[int] = set()
    for before in text.split("?")[:-1]:
        found.update(_question_topics(_SENTENCE_END.split(before)[-1]))
    return sorted(found)


@lru_cache(maxsize=4096)
def _question_topics(question: str) -> tuple[int, ...]:
    words = set(tokens(question))
    return tuple(i for i, topic in enumerate(MOVE_TOPICS) if words.intersection(topic.words))


ActionFormat = Literal["discrete", "multidiscrete"]


class DialogueMoveActions(gym.Wrapper):
    """Actions are dialogue moves (``Discrete(prod(ACTION_DIMS))`` or ``MultiDiscrete(ACTION_DIMS)``).

    ``step(action)`` asks the ``TurnWriter`` for the turn that carries out ``move_from_action(action)``
    and steps the text env with it; ``info["move"]`` is the move as a dict. Observations pass through.
    A seeded ``reset`` seeds the writer with the same seed; an unseeded one draws the writer's seed from
    a generator seeded by the last explicit seed, so a seeded run is reproducible end to end.
    """

    def __init__(
        self, env: gym.Env, writer: TurnWriter | None = None, action_format: ActionFormat = "discrete"
    ) -> None:
        super().__init__(env)
        if action_format not in ("discrete", "multidiscrete"):
            raise ValueError(f"action_format must be 'discrete' or 'multidiscrete', got {action_format!r}")
        if writer is not None and not isinstance(writer, TurnWriter):
            raise TypeError(f"writer must have reset(seed), observe(message) and write(move), got {writer!r}")
        self.writer: TurnWriter = writer or HeuristicTurnWriter()
        self.action_space = (
            gym.spaces.Discrete(int(np.prod(ACTION_DIMS)))
            if action_format == "discrete"
            else gym.spaces.MultiDiscrete(ACTION_DIMS)
        )
        self._writer_seeds = np.random.default_rng()

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
        """Reset the text env and the writer; the writer reads the opening."""
        observation, info = self.env.reset(seed=seed, options=options)
        if seed is not None:
            self._writer_seeds = np.random.default_rng(seed)
            self.writer.reset(seed)
        else:
            self.writer.reset(int(self._writer_seeds.integers(2**31)))
        self.writer.observe(observation)
        return observation, info

    def step(self, action: Any) -> tuple[Any, SupportsFloat, bool, bool, dict[str, Any]]:
        """Write the move's turn, step the text env with it, let the writer read the reply."""
        move = move_from_action(action)
        observation, reward, terminated, truncated, info = self.env.step(self.writer.write(move))
        self.writer.observe(observation)
        return observation, reward, terminated, truncated, {**info, "move": vars(move).copy()}


class DialogueFeatures(gym.Wrapper):
    """Observations are ``PublicDialogueFeatures`` of ``info["messages"]``: ``Box(0, 1, (FEATURE_SIZE,))``."""

    def __init__(self, env: gym.Env) -> None:
        super().__init__(env)
        self.observation_space = gym.spaces.Box(0.0, 1.0, shape=(FEATURE_SIZE,), dtype=np.float32)
        self.features = PublicDialogueFeatures()

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
        """Reset the env and the features; the observation is the opening's features."""
        _, info = self.env.reset(seed=seed, options=options)
        self.features.reset()
        return self.features.update(info["messages"]), info

    def step(self, action: Any) -> tuple[Any, SupportsFloat, bool, bool, dict[str, Any]]:
        """Step the env; the observation is the features of the transcript so far."""
        _, reward, terminated, truncated, info = self.env.step(action)
        return self.features.update(info["messages"]), reward, terminated, truncated, info


def make_move_env(
    split: Literal["train", "test"] = "train",
    *,
    action_format: ActionFormat = "discrete",
    writer: TurnWriter | None = None,
    render_mode: str | None = None,
    **env_kwargs: Any,
) -> gym.Env:
    """An ``RLPAEnv`` with move actions and feature observations (the entry point of ``RLPA-Discrete-v0``).

    ``env_kwargs`` go to ``RLPAEnv`` (``scenario``, ``max_turns``, reward settings, ...).
    ``render_mode`` may be ``None``, ``"ansi"`` or ``"human"``; anything else raises ``TypeError``.
    """
    from rlpa_env.env import RLPAEnv

    if render_mode not in RLPAEnv.metadata["render_modes"] and render_mode is not None:
        raise TypeError(
            f"render_mode={render_mode!r} is not supported: RLPA envs render text. Pass render_mode='ansi' "
            "(render() returns the transcript), 'human' (prints it) or leave it out; SB3's make_vec_env "
            "retries without a render mode after this error."
        )
    env = RLPAEnv(split, render_mode=render_mode, **env_kwargs)
    return DialogueFeatures(DialogueMoveActions(env, writer=writer, action_format=action_format))


class SB3Agent:
    """Plays a trained SB3 policy as an ordinary ``Agent``: public transcript -> features -> move -> text.

    Works with any SB3 / sb3-contrib algorithm trained on ``RLPA-Discrete-v0`` (``Discrete`` or
    ``MultiDiscrete`` moves); recurrent policies carry their hidden state across turns. With
    ``deterministic=True`` each move is the policy's mode; with ``False`` it is sampled from the
    policy's action distribution with the agent's own generator (seeded by ``reset(seed)``), so an
    evaluation stays reproducible. Sampling needs a policy with ``get_distribution`` and no recurrent
    state (PPO, A2C); other policies always act deterministically.
    """

    def __init__(
        self, model: Any, writer: TurnWriter | None = None, name: str = "sb3", deterministic: bool = True
    ) -> None:
        self.model = model
        self.writer: TurnWriter = writer or HeuristicTurnWriter()
        self.features = PublicDialogueFeatures()
        self.name = name
        self.samples = not deterministic and _samples_without_state(model)
        self.reset()

    def reset(self, seed: int | None = None) -> None:
        """Forget the user and the recurrent state; seed the writer and the move sampler."""
        self.writer.reset(seed)
        self.features.reset()
        self._rng = np.random.default_rng(seed)
        self._state: Any = None
        self._episode_start = np.ones((1,), dtype=bool)
        self.last_move: Move | None = None

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """Features of ``info["messages"]`` -> the policy's move (kept as ``last_move``) -> the writer's turn."""
        messages = info.get("messages")
        if messages is None:
            raise KeyError("SB3Agent reads the public transcript from info['messages'], which is missing")
        self.writer.observe(observation)
        features = self.features.update(messages)
        if self.samples:
            action: Any = [self._rng.choice(len(p), p=p) for p in _move_probabilities(self.model, features)]
        else:
            action, self._state = self.model.predict(
                features, state=self._state, episode_start=self._episode_start, deterministic=True
            )
        self._episode_start = np.zeros((1,), dtype=bool)
        self.last_move = move_from_action(action)
        return self.writer.write(self.last_move)


def _samples_without_state(model: Any) -> bool:
    return callable(getattr(model.policy, "get_distribution", None)) and not hasattr(model.policy, "lstm_actor")


def _move_probabilities(model: Any, features: np.ndarray) -> list[np.ndarray]:
    """The policy's probabilities for each action component (one for ``Discrete``, three for ``MultiDiscrete``)."""
    import torch

    observation, _ = model.policy.obs_to_tensor(features)
    with torch.no_grad():
        distribution = model.policy.get_distribution(observation).distribution
    parts = distribution if isinstance(distribution, list) else [distribution]
    return [part.probs[0].double().numpy() / float(part.probs[0].double().sum()) for part in parts]


class RandomMoveAgent:
    """The move wrapper's uniform-random policy, as an ``Agent``: a random move each turn, written as usual."""

    name = "random-moves"

    def __init__(self, writer: TurnWriter | None = None) -> None:
        self.writer: TurnWriter = writer or HeuristicTurnWriter()
        self.reset()

    def reset(self, seed: int | None = None) -> None:
        """Seed the move choice and the writer."""
        self._rng = np.random.default_rng(seed)
        self.writer.reset(seed)

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """A uniformly random move."""
        self.writer.observe(observation)
        return self.writer.write(move_from_action(self._rng.integers(int(np.prod(ACTION_DIMS)))))


_ALGORITHMS: dict[str, tuple[str, str]] = {
    "PPO": ("stable_baselines3", "PPO"),
    "A2C": ("stable_baselines3", "A2C"),
    "DQN": ("stable_baselines3", "DQN"),
    "RecurrentPPO": ("sb3_contrib", "RecurrentPPO"),
}
_META_FILE = "rlpa_algorithm.json"


def save_model(model: Any, path: str | Path, deterministic: bool = True) -> Path:
    """``model.save(path)`` plus a note naming the algorithm and how to act, so ``load_agent`` needs only the path.

    ``deterministic=False`` makes ``load_agent`` sample moves (seeded) rather than take the policy's mode.
    """
    name = type(model).__name__
    if name not in _ALGORITHMS:
        raise ValueError(f"unsupported algorithm {name}; expected one of {sorted(_ALGORITHMS)}")
    path = Path(path).with_suffix(".zip")
    model.save(path)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr(_META_FILE, json.dumps({"algorithm": name, "deterministic": deterministic}))
    return path


def load_agent(path: str) -> SB3Agent:
    """The ``SB3Agent`` of a model saved by ``save_model`` (the ``sb3:PATH`` agent spec)."""
    import importlib

    model_path = Path(path)
    if not model_path.is_file():
        raise FileNotFoundError(f"no SB3 model at {path!r}; train one with examples/train_sb3_ppo.py")
    try:
        with zipfile.ZipFile(model_path) as archive:
            note = json.load(io.BytesIO(archive.read(_META_FILE)))
            algorithm = note["algorithm"]
    except (KeyError, zipfile.BadZipFile) as error:
        raise ValueError(
            f"{path!r} is not a model saved by agents.sb3.save_model (no {_META_FILE} inside: {error})"
        ) from None
    module_name, class_name = _ALGORITHMS[algorithm]
    algorithm_class = getattr(importlib.import_module(module_name), class_name)
    model = algorithm_class.load(model_path, device="cpu")
    return SB3Agent(
        model, name=f"sb3-{algorithm.lower()}:{model_path.stem}", deterministic=note.get("deterministic", True)
    )
