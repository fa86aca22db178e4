"""Play evaluation episodes several at a time; what each episode does never depends on how many.

``play_episodes(agent, seeds, env=..., env_id=..., env_kwargs=..., num_envs=N)`` returns one
``Episode`` per seed, in seed order. Whatever N is, episode ``i`` is played by ``run_episode`` from
``env.reset(seed=seeds[i])`` and ``agent.reset(seeds[i])``, so it draws only from its own seeded
streams; with an agent whose episode depends only on its ``reset`` seed and what it is shown, and
roles that answer the same request the same way (scripted rules, a deterministic server, a
``CachedBackend``), the episodes -- and so the report -- are the same for every N. No Gymnasium
vector env is involved, so there is no autoreset: every episode starts from its own explicit reset.

``max_concurrency`` bounds the requests in flight to each model server, across all slots: it is set
on every ``OpenAICompatibleBackend`` the agent and the slots' roles reach (it is not an env setting,
so it stays out of the report).

How the N episodes in flight run (``execution_mode`` says which applies):

- ``"sequential"`` (N = 1): one env and the agent itself play the episodes in turn in this thread,
  exactly as ``run_episode`` in a loop would.
- ``"batch"``: the agent is a ``BatchAgent`` (it has ``act_batch(observations, infos)``). N threads
  each play episodes on an env of their own; every ``act`` waits until each thread still playing
  has asked for its turn, then one ``act_batch`` call answers them all in episode order. Before
  that call the agent is reset with the seed of the batch's first episode, which is how such an
  agent (``TransformersAgent``) seeds the batch; it must keep no other per-episode state.
- ``"threads"``: the agent or a role of the env (any row of ``rlpa_env.roles.ROLES``) talks to a
  ``ChatBackend``, i.e. waits on a model. N threads each play episodes with their own copy of the env
  and of the agent; the copies share the backends, which are thread-safe, so requests to a server are
  bounded by that backend's ``max_concurrency``.
- ``"processes"``: everything runs as Python on this machine (scripted user, rule judges, a scripted
  agent). N forked worker processes each inherit the env and the agent and play whole episodes; only
  the finished ``Episode`` records travel back. Where ``fork`` is unavailable, threads are used.

Faults stay per episode: an agent failure (``AgentFailure``, from the guard) or a server error
(``BackendError``) ends that episode with the error's message as ``failure`` (and no turns when it
happened in ``reset``); the other episodes go on. Any other exception is a bug and stops the run.
A tqdm bar (when ``progress`` and tqdm is installed) counts finished episodes and shows episodes/s.
"""

from __future__ import annotations

import copy
import gc
import multiprocessing
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, Literal

import gymnasium as gym

from rlpa_env.backends.base import BackendError, ChatBackend
from rlpa_env.episode import AGENT_FAILURE, Agent, BatchAgent, Episode, run_episode
from rlpa_env.eval.agent_spec import AgentFailure, AgentGuard, check_action
from rlpa_env.roles import env_roles

ExecutionMode = Literal["sequential", "batch", "threads", "processes"]

EPISODE_FAULTS: tuple[type[Exception], ...] = (AgentFailure, BackendError)
"""Exceptions that end one episode (with their message as ``failure``) rather than the run."""

MAX_CHUNK = 8
"""The most episodes a worker process plays per task: enough to amortise the task's overhead, few enough
that the progress bar moves and the workers finish together."""

_SEARCH_DEPTH = 3
_SERVER_SEARCH_DEPTH = 7  # values -> role -> cache -> replica pool -> replicas -> server backend


def _reachable(value: Any, depth: int, match: Callable[[Any], bool]) -> list[Any]:
    """The objects ``match`` accepts that are reachable from ``value`` through mappings, lists, tuples and
    attributes, at most ``depth`` levels down; the search does not look inside a match."""
    found: dict[int, Any] = {}
    seen: set[int] = set()

    def visit(item: Any, level: int) -> None:
        if id(item) in seen or isinstance(item, type | str | bytes | int | float):
            return
        seen.add(id(item))
        if match(item):
            found.setdefault(id(item), item)
            return
        if level == 0:
            return
        if isinstance(item, Mapping):
            children: Any = item.values()
        elif isinstance(item, list | tuple):
            children = item
        elif hasattr(item, "__dict__"):
            children = vars(item).values()
        else:
            return
        for child in children:
            visit(child, level - 1)

    visit(value, depth)
    return list(found.values())


def chat_backends(value: Any) -> list[ChatBackend]:
    """The outermost ``ChatBackend`` objects reachable from ``value`` (a role holds its backend one or two
    levels down; a cache or a replica pool is found, not the backends inside it)."""
    return _reachable(value, _SEARCH_DEPTH, lambda item: isinstance(item, ChatBackend))


def limit_server_concurrency(values: Sequence[Any], max_concurrency: int) -> None:
    """Bound every server backend reachable from ``values`` (through wrappers such as caches and replica
    pools) at ``max_concurrency`` requests in flight per server."""
    for backend in _reachable(
        values, _SERVER_SEARCH_DEPTH, lambda item: callable(getattr(item, "limit_concurrency", None))
    ):
        backend.limit_concurrency(max_concurrency)


def copy_sharing_backends(value: Any) -> Any:
    """A deep copy of ``value`` in which every ``ChatBackend`` it holds is shared, not copied.

    A slot gets its own agent and roles (their per-episode state and memos), while a backend (a
    model in memory, an HTTP client with its request bound, a cache file) stays one object.
    """
    memo = {id(backend): backend for backend in chat_backends(value)}
    try:
        return copy.deepcopy(value, memo)
    except Exception as error:  # deepcopy fails in many ways (locks, sockets, C objects)
        raise ValueError(
            f"cannot copy {type(value).__name__} for several episodes in flight ({type(error).__name__}: {error}); "
            "make it copyable with copy.deepcopy, or use num_envs=1"
        ) from error


def execution_mode(agent: Any, env: gym.Env, num_envs: int) -> ExecutionMode:
    """How ``play_episodes`` runs ``num_envs`` episodes of ``env`` with ``agent`` (see the module docstring)."""
    if num_envs < 1:
        raise ValueError(f"num_envs must be at least 1, got {num_envs}")
    if num_envs == 1:
        return "sequential"
    if isinstance(agent, BatchAgent):
        return "batch"
    if chat_backends(agent) or chat_backends(env_roles(env)):
        return "threads"
    if "fork" not in multiprocessing.get_all_start_methods():
        return "threads"
    return "processes"


def _progress_bar(total: int, enabled: bool, label: str) -> Any:
    if not enabled:
        return None
    try:
        from tqdm import tqdm
    except ImportError:  # tqdm is an optional extra; evaluation works without a bar
        return None
    return tqdm(total=total, desc=label, unit="episode", smoothing=0.1)


def play_one(env: gym.Env, agent: Agent, seed: int) -> Episode:
    """``run_episode`` with per-episode faults caught (see the module docstring)."""
    try:
        return run_episode(env, agent, seed, catch=EPISODE_FAULTS)
    except BackendError as error:  # raised by env.reset (the opening message), before any turn
        return Episode(
            seed=seed,
            profile_id="",
            opening="",
            turns=(),
            terminated=False,
            truncated=False,
            stop_reason=AGENT_FAILURE,
            failure=str(error) or type(error).__name__,
        )


def play_episodes(
    agent: Agent,
    seeds: Sequence[int],
    *,
    env: gym.Env,
    env_id: str,
    env_kwargs: Mapping[str, Any],
    num_envs: int = 1,
    turn_timeout_s: float | None = None,
    max_concurrency: int | None = None,
    view: Callable[[Agent], Agent] | None = None,
    progress: bool = False,
    label: str = "episodes",
) -> list[Episode]:
    """Play one episode per seed with up to ``num_envs`` in flight; return them in seed order.

    Args:
        agent: The agent (guarded by an ``AgentGuard`` with ``turn_timeout_s`` in every slot).
        seeds: Episode ``i`` is reset with ``seeds[i]``.
        env: A built env of ``env_id`` with ``env_kwargs``; the first slot plays on it, and forked
            workers inherit it.
        env_id: The Gymnasium id, to build the other slots' envs in ``"threads"``/``"batch"`` mode.
        env_kwargs: ``gymnasium.make`` keyword arguments of ``env``; each slot gets a copy that
            shares the chat backends.
        num_envs: Episodes in flight at once (at most ``len(seeds)`` are used).
        turn_timeout_s: Seconds the agent may take per call; ``None`` means no limit.
        max_concurrency: Requests in flight to each model server (``OpenAICompatibleBackend.limit_concurrency``
            on every server backend of the agent and the slots' roles); ``None`` keeps the backends' own bound.
        view: Wraps each slot's guarded agent (for example to filter what ``act`` is shown); ``None``
            plays the guarded agent as is.
        progress: Show a tqdm bar of finished episodes.
        label: The bar's label.
    """
    mode = execution_mode(agent, env, num_envs)
    slots = min(num_envs, len(seeds))
    if mode != "sequential" and slots == 1:
        mode = "sequential"
    view = view or _as_is
    if mode == "processes":
        return _play_in_processes(agent, env, seeds, slots, turn_timeout_s, view, progress, label)
    bar = _progress_bar(len(seeds), progress, label)
    guards: list[AgentGuard] = []
    envs = [env]
    try:
        if mode == "sequential":
            if max_concurrency is not None:
                limit_server_concurrency([agent, env_roles(env)], max_concurrency)
            guards.append(AgentGuard(agent, turn_timeout_s))
            player = view(guards[0])
            return [_finished(play_one(env, player, seed), bar) for seed in seeds]
        envs += [gym.make(env_id, **copy_sharing_backends(dict(env_kwargs))) for _ in range(slots - 1)]
        if max_concurrency is not None:
            limit_server_concurrency([agent, *(env_roles(slot_env) for slot_env in envs)], max_concurrency)
        if mode == "batch":
            guards.append(AgentGuard(agent, turn_timeout_s))
            batcher = _Batcher(guards[0], slots)
            players = [view(_BatchSlot(batcher)) for _ in range(slots)]
            on_slot_done: Callable[[], None] = batcher.leave
        else:
            agents = [agent, *(copy_sharing_backends(agent) for _ in range(slots - 1))]
            guards += [AgentGuard(slot_agent, turn_timeout_s) for slot_agent in agents]
            players = [view(guard) for guard in guards]
            on_slot_done = _nothing
        return _play_in_threads(list(zip(envs, players, strict=True)), seeds, bar, on_slot_done)
    finally:
        for guard in guards:
            guard.close()
        for slot_env in envs[1:]:
            slot_env.close()
        if bar is not None:
            bar.close()


def _as_is(agent: Agent) -> Agent:
    """The default view: the guarded agent sees everything the env hands it."""
    return agent


def _nothing() -> None:
    """A slot that leaves needs no bookkeeping outside batch mode."""


def _finished(episode: Episode, bar: Any) -> Episode:
    if bar is not None:
        bar.update(1)
    return episode


# -- threads -------------------------------------------------------------------------------------


def _play_in_threads(
    slots: list[tuple[gym.Env, Agent]], seeds: Sequence[int], bar: Any, on_slot_done: Callable[[], None]
) -> list[Episode]:
    """Each slot takes the next unplayed index until none is left; the first bug stops every slot."""
    results: list[Episode | None] = [None] * len(seeds)
    lock = threading.Lock()
    indices = iter(range(len(seeds)))
    errors: list[BaseException] = []

    def next_index() -> int | None:
        with lock:
            return None if errors else next(indices, None)

    def work(env: gym.Env, agent: Agent) -> None:
        try:
            while (index := next_index()) is not None:
                episode = play_one(env, agent, seeds[index])
                with lock:
                    results[index] = _finished(episode, bar)
        except BaseException as error:  # a bug in the env: stop handing out work and re-raise below
            with lock:
                errors.append(error)
        finally:
            on_slot_done()

    threads = [
        threading.Thread(target=work, args=slot, name=f"rlpa-episode-slot-{number}", daemon=True)
        for number, slot in enumerate(slots)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return [episode for episode in results if episode is not None]


# -- batch ---------------------------------------------------------------------------------------


@dataclass
class _TurnRequest:
    """One slot's request for a turn, answered by the batch that includes it."""

    seed: int
    observation: str
    info: Mapping[str, Any]
    done: threading.Event = field(default_factory=threading.Event)
    action: Any = None
    failure: str | None = None


class _Batcher:
    """Collects one turn request per playing slot, then answers them all with one ``act_batch`` call."""

    def __init__(self, guard: AgentGuard, slots: int) -> None:
        self._guard = guard
        self._playing = slots
        self._pending: list[_TurnRequest] = []
        self._lock = threading.Lock()

    def act(self, request: _TurnRequest) -> Any:
        with self._lock:
            self._pending.append(request)
            batch = self._take_full_batch()
        if batch:
            self._answer(batch)
        request.done.wait()
        if request.failure is not None:
            raise AgentFailure(request.failure)
        return request.action

    def leave(self) -> None:
        """A slot has played its last episode; the others no longer wait for it."""
        with self._lock:
            self._playing -= 1
            batch = self._take_full_batch()
        if batch:
            self._answer(batch)

    def _take_full_batch(self) -> list[_TurnRequest]:
        if not self._pending or len(self._pending) < self._playing:
            return []
        batch = sorted(self._pending, key=lambda request: request.seed)
        self._pending = []
        return batch

    def _answer(self, batch: list[_TurnRequest]) -> None:
        observations = [request.observation for request in batch]
        infos = [request.info for request in batch]
        try:
            self._guard.reset(batch[0].seed)
            actions = self._guard.act_batch(observations, infos)
            for request, action in zip(batch, actions, strict=True):
                request.action = action
        except AgentFailure as error:
            for request in batch:
                request.failure = str(error)
        finally:  # whatever happened, no slot may wait forever
            for request in batch:
                request.done.set()


class _BatchSlot:
    """The agent one slot sees in batch mode: ``act`` joins the next ``act_batch`` call."""

    last_token_count = None  # act_batch reports tokens for the whole batch only

    def __init__(self, batcher: _Batcher) -> None:
        self._batcher = batcher
        self._seed = 0

    def reset(self, seed: int | None = None) -> None:
        """Remember the episode's seed; the shared agent is reset per batch."""
        self._seed = 0 if seed is None else seed

    def act(self, observation: str, info: Mapping[str, Any]) -> str:
        """The action ``act_batch`` wrote for this slot, checked like any action."""
        return check_action(self._batcher.act(_TurnRequest(self._seed, observation, info)))


# -- processes -----------------------------------------------------------------------------------


@dataclass
class _WorkerSlot:
    """What one forked worker plays with: its inherited env and the agent behind its own guard and view."""

    env: gym.Env
    player: Agent


_worker_slots: dict[str, _WorkerSlot] = {}
"""The worker process's slot, set by ``_start_worker`` (a pool initializer has nowhere else to put it)."""


def _start_worker(env: gym.Env, agent: Agent, turn_timeout_s: float | None, view: Callable[[Agent], Agent]) -> None:
    _worker_slots["slot"] = _WorkerSlot(env, view(AgentGuard(agent, turn_timeout_s)))


def _play_in_worker(seeds: Sequence[int]) -> list[Episode]:
    slot = _worker_slots["slot"]
    return [play_one(slot.env, slot.player, seed) for seed in seeds]


def _chunks(count: int, workers: int) -> list[range]:
    """Index ranges of about ``count / (4 * workers)`` episodes (at most ``MAX_CHUNK``): few tasks, even load."""
    size = max(1, min(MAX_CHUNK, count // (4 * workers)))
    return [range(start, min(start + size, count)) for start in range(0, count, size)]


def _play_in_processes(
    agent: Agent,
    env: gym.Env,
    seeds: Sequence[int],
    workers: int,
    turn_timeout_s: float | None,
    view: Callable[[Agent], Agent],
    progress: bool,
    label: str,
) -> list[Episode]:
    """Fork ``workers`` processes (before the progress bar starts its thread); each task is a chunk of episodes."""
    gc.freeze()  # the workers' collections then leave the inherited objects' pages unwritten (copy-on-write)
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(env, agent, turn_timeout_s, view),
    )
    bar = None
    try:
        futures = {
            pool.submit(_play_in_worker, [seeds[index] for index in chunk]): chunk
            for chunk in _chunks(len(seeds), workers)
        }
        bar = _progress_bar(len(seeds), progress, label)
        results: dict[int, Episode] = {}
        for future in as_completed(futures):
            for index, episode in zip(futures[future], future.result(), strict=True):
                results[index] = _finished(episode, bar)
        return [results[index] for index in range(len(seeds))]
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()
        if bar is not None:
            bar.close()
