"""Run a local model server as a subprocess for as long as a ``with`` block lasts.

``serve_process(command, ready_url, ...)`` starts ``command`` with its output in a log file, polls
``ready_url`` until it answers 200, yields, and on exit terminates the process (killing it if it
outlives a grace period). A server that exits or does not answer in time is a ``RuntimeError`` whose
message ends with the tail of its log, so the cause (a bad model file, a missing CPU instruction) is
in the error itself. ``free_loopback_port()`` picks a port for it on 127.0.0.1.

Both llama.cpp launchers use it: ``llamacpp_backend.llama_server`` (llama-cpp-python's Python
server) and ``native_server.native_llama_server`` (llama.cpp's C++ ``llama-server``).
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

_LOG_TAIL_CHARS = 2000


def free_loopback_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def serve_process(
    command: Sequence[str],
    ready_url: str,
    *,
    name: str,
    log_path: str | Path | None = None,
    start_timeout_s: float = 120.0,
    stop_grace_s: float = 10.0,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``command`` until the block ends, once ``ready_url`` answers 200 (see the module docstring).

    Args:
        command: the server's command line.
        ready_url: a URL that answers 200 once the server is ready to serve.
        name: what the server is, for the error message (e.g. ``"llama-server for model.gguf"``).
        log_path: where the server's output goes; a temporary file by default.
        start_timeout_s: how long to wait for ``ready_url``.
        stop_grace_s: how long the server may take to exit after SIGTERM before it is killed.

    Raises:
        RuntimeError: the server exited or did not answer in time; the message ends with its log.
    """
    with contextlib.ExitStack() as stack:
        if log_path is None:
            log_path = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rlpa_server_"))) / "server.log"
        log_path = Path(log_path)
        with log_path.open("wb") as log:
            process = subprocess.Popen(list(command), stdout=log, stderr=subprocess.STDOUT)
        stack.callback(_stop, process, stop_grace_s)
        if not _wait_until_ready(process, ready_url, start_timeout_s):
            log_tail = log_path.read_text(errors="replace")[-_LOG_TAIL_CHARS:]
            state = f"exited with code {process.returncode}" if process.poll() is not None else "did not answer"
            raise RuntimeError(
                f"{name} {state} within {start_timeout_s}s at {ready_url}; its log ends with:\n{log_tail}"
            )
        yield process


def _stop(process: subprocess.Popen[bytes], grace_s: float) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=grace_s)


def _wait_until_ready(process: subprocess.Popen[bytes], ready_url: str, timeout_s: float) -> bool:
    """Poll ``ready_url`` until it answers 200 (True), the process exits or the deadline passes (False)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(ready_url, timeout=2.0) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.25)
    return False
