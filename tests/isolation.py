"""``run_isolated``: run native model code in a subprocess so a crash fails one test, not the whole run.

llama.cpp is native code: a bad build can die of SIGSEGV or SIGABRT inside a kernel, which would kill
pytest itself, so no later test runs and no summary is printed. Tests that call into llama.cpp in
process run that call through :func:`run_isolated` instead: the function runs in a fresh ``spawn``
subprocess and its return value comes back through a pipe. A crash fails the calling test with the
signal's name; an exception fails it with the child's traceback; a hang fails it after ``timeout_s``.

Setting ``RLPA_TEST_CRASH_NATIVE=1`` makes every isolated call die of SIGSEGV before it runs, to check
that guarantee on the real suite (one failed test per isolated call, and a full summary).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

import pytest

from rlpa_env.doctor import describe_exit

CRASH_VARIABLE = "RLPA_TEST_CRASH_NATIVE"


def _child(connection: Connection, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    if os.environ.get(CRASH_VARIABLE) == "1":
        os.kill(os.getpid(), signal.SIGSEGV)
    try:
        connection.send((True, function(*args)))
    except Exception:
        connection.send((False, traceback.format_exc()))
    finally:
        connection.close()


def run_isolated(function: Callable[..., Any], /, *args: Any, timeout_s: float = 240.0) -> Any:
    """Return ``function(*args)`` computed in a subprocess; fail the calling test if that process crashes.

    ``function`` must be importable by name (a module-level function) and its result picklable.
    """
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(sender, function, args), daemon=True)
    process.start()
    sender.close()
    name = getattr(function, "__qualname__", repr(function))
    try:
        if not receiver.poll(timeout_s):
            process.kill()
            process.join()
            pytest.fail(f"{name} gave no result within {timeout_s:g} s in its subprocess")
        try:
            succeeded, payload = receiver.recv()
        except EOFError:
            process.join()
            pytest.fail(f"{name} {describe_exit(process.exitcode)} in its subprocess (native code died)")
    finally:
        receiver.close()
    process.join()
    if not succeeded:
        pytest.fail(f"{name} raised in its subprocess:\n{payload}")
    return payload
