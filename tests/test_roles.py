"""Specifications for ``rlpa_env.roles``: one table of roles that the env, the seeding and the runner read."""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

import gymnasium as gym
import pytest

import rlpa_env  # noqa: F401  (registers the ids)
from agents.baselines import HeuristicAgent
from rlpa_env.backends.base import turn_seed
from rlpa_env.backends.config import llm_env_kwargs, resolve_backend
from rlpa_env.backends.openai_backend import OpenAICompatibleBackend
from rlpa_env.env import RLPAEnv
from rlpa_env.eval.runner import execution_mode, limit_server_concurrency
from rlpa_env.reader_verdict import ReaderVerdict
from rlpa_env.roles import ROLES, Role, TurnSeeded, env_roles

SERVER = "http://127.0.0.1:9/v1"
TURN = "<profile>\n- likes hiking\n</profile>\n<response>\nHiking sounds fun. Where do you go?\n</response>"


def _server() -> OpenAICompatibleBackend:
    backend = resolve_backend(SERVER, model="x")
    assert isinstance(backend, OpenAICompatibleBackend)
    return backend


MODEL_ROWS = [role for role in ROLES if role.model_names]


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.name)
def test_a_role_object_holding_a_server_backend_makes_the_runner_use_threads_and_bound_it(role: Role) -> None:
    holder = role.registry.make(role.default)
    server = _server()
    assert server.max_concurrency != 3
    object.__setattr__(holder, "backend", server)  # the runner finds backends among a role's attributes
    env = gym.make("RLPA-Test-v0", **{role.name: holder})
    assert execution_mode(HeuristicAgent(), env, 2) == "threads"
    limit_server_concurrency([env_roles(env)], 3)
    assert server.max_concurrency == 3


@pytest.mark.parametrize("role", MODEL_ROWS, ids=lambda role: role.name)
def test_a_role_named_to_run_on_the_shared_server_makes_the_runner_use_threads_and_bound_it(role: Role) -> None:
    name = sorted(role.model_names)[0]
    env = gym.make("RLPA-Test-v0", backend=SERVER, backend_kwargs={"model": "x"}, **{role.name: name})
    assert execution_mode(HeuristicAgent(), env, 2) == "threads"
    shared = getattr(env.unwrapped, role.name).backend
    assert shared.base_url == SERVER and shared.max_concurrency != 3
    limit_server_concurrency([env_roles(env)], 3)
    assert shared.max_concurrency == 3


def test_the_alignment_grader_on_a_server_runs_in_threads_like_the_response_judge() -> None:
    for role in ("response_judge", "alignment_grader"):
        env = gym.make("RLPA-Test-v0", backend=SERVER, backend_kwargs={"model": "x"}, **{role: "llm"})
        assert execution_mode(HeuristicAgent(), env, 2) == "threads", role


def test_scripted_roles_run_in_processes() -> None:
    assert execution_mode(HeuristicAgent(), gym.make("RLPA-Test-v0"), 2) == "processes"


def test_every_row_is_a_constructor_argument_with_its_kwargs_and_is_documented() -> None:
    doc = RLPAEnv.__doc__ or ""
    for role in ROLES:
        assert f"``{role.name}``" in doc and f"``{role.kwargs_key}``" in doc, role.name
        assert role.default in role.registry.names(), role.name
        assert role.model_names <= set(role.registry.names()), role.name


def test_every_row_builds_its_default_and_the_env_holds_it_under_the_row_name() -> None:
    env = RLPAEnv()
    for role, held in zip(ROLES, env_roles(env), strict=True):
        assert isinstance(held, role.protocol), role.name
        assert type(held) is type(role.registry.make(role.default)), role.name


def test_a_role_object_that_misses_its_protocol_is_refused_naming_the_role() -> None:
    with pytest.raises(
        TypeError, match=r"reader must be a registered name \(language-model, rules\) or a ReplyReader, got int"
    ):
        ROLES[-1].build(42, None, None)
    with pytest.raises(TypeError, match=r"response_judge must be .* ResponseJudge, got object"):
        RLPAEnv(response_judge=object())


def test_an_unknown_keyword_argument_is_refused_with_the_role_arguments() -> None:
    with pytest.raises(TypeError, match=r"unknown keyword arguments \['judge'\].*'alignment_grader'"):
        RLPAEnv(judge="rule")


def test_a_backend_without_a_model_backed_role_is_refused() -> None:
    with pytest.raises(ValueError, match="no role runs on a chat model"):
        RLPAEnv(backend=SERVER, backend_kwargs={"model": "x"})


def test_llm_env_kwargs_names_only_roles_that_run_on_a_model() -> None:
    rows = {role.name: role for role in ROLES}
    kwargs = llm_env_kwargs(SERVER, "x", llm_alignment=True)
    named = {key: value for key, value in kwargs.items() if key in rows}
    assert set(named) == {"user", "profile_scorer", "response_judge", "alignment_grader"}
    assert all(rows[key].runs_on_a_model(value) for key, value in named.items())


def test_env_constructor_keeps_no_per_role_parameters() -> None:
    parameters = inspect.signature(RLPAEnv.__init__).parameters
    assert not {role.name for role in ROLES} & set(parameters)
    assert parameters["roles"].kind is inspect.Parameter.VAR_KEYWORD


@dataclass
class SeedRecordingReader:
    """A reader that takes turn seeds and records them."""

    seeds: list[int | None] = field(default_factory=list)

    def set_turn_seed(self, seed: int | None) -> None:
        self.seeds.append(seed)

    def read(self, sentences: tuple[str, ...]) -> ReaderVerdict:
        return ReaderVerdict()


def test_a_turn_seeded_reader_gets_each_turn_seed_before_the_turn_is_read_even_when_it_does_not_parse() -> None:
    reader = SeedRecordingReader()
    assert isinstance(reader, TurnSeeded)
    env = gym.make("RLPA-v0", reader=reader)
    env.reset(seed=11)
    env.step(TURN)
    env.step("no tags at all")
    assert reader.seeds == [turn_seed(11, 0), turn_seed(11, 1)]


def test_roles_without_set_turn_seed_are_not_turn_seeded() -> None:
    assert not any(isinstance(role, TurnSeeded) for role in env_roles(RLPAEnv()))
