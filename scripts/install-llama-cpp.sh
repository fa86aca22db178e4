#!/usr/bin/env bash
# Install the pinned llama.cpp binding into a virtual environment and prove it works on this CPU.
#
# Usage: scripts/install-llama-cpp.sh VENV_DIR
#
# - The version is pinned (LLAMA_CPP_VERSION below; setup.cfg's `llamacpp` extra pins the same one).
#   0.3.16 is the newest release whose vendored llama.cpp keeps the AMX tile configuration in a
#   thread-local static: from 0.3.17 on it lives on the stack and GCC 12 drops the writes to it, so a
#   native build segfaults on AMX CPUs with Q4/Q8 models (the embedded SmolLM2 is Q4).
# - It is compiled for this CPU (llama.cpp's default, GGML_NATIVE=ON), the fastest build measured.
# - pip's wheel cache is keyed by the source distribution, not by CMAKE_ARGS, so a wheel built once
#   (with other flags, or on a build that crashes) would be reused whatever flags are passed: the
#   binding is always built with --no-cache-dir.
# - Then `rlpa-env doctor --only llamacpp` generates a few tokens from the embedded model in a
#   subprocess. If that fails (a crash, a missing instruction), the binding is rebuilt portable
#   (GGML_NATIVE=OFF: runs on any x86-64 CPU, about half the speed) and checked again.
set -euo pipefail

LLAMA_CPP_VERSION=0.3.16
venv=${1:?usage: $0 VENV_DIR}
pip=("$venv/bin/pip" install --quiet --no-cache-dir)
export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc)}

installed=$("$venv/bin/python" -c 'import importlib.metadata as m; print(m.version("llama-cpp-python"))' 2>/dev/null || true)
if [ "$installed" != "$LLAMA_CPP_VERSION" ]; then
    echo "building llama-cpp-python $LLAMA_CPP_VERSION for this CPU (a few minutes)"
    "${pip[@]}" "llama-cpp-python[server]==$LLAMA_CPP_VERSION"
fi
if "$venv/bin/rlpa-env" doctor --only llamacpp; then
    exit 0
fi
echo "the llama.cpp build failed its check; rebuilding it portable (CMAKE_ARGS=-DGGML_NATIVE=OFF)"
CMAKE_ARGS="-DGGML_NATIVE=OFF" "${pip[@]}" --force-reinstall --no-deps "llama-cpp-python==$LLAMA_CPP_VERSION"
"$venv/bin/rlpa-env" doctor --only llamacpp
