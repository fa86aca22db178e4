"""OpenAICompatibleBackend against real sockets on 127.0.0.1: failures end in bounded time with clear errors.

Each test scripts a tiny ``http.server`` in a thread: the n-th request gets the n-th scripted reply
(the last one repeats). The server only listens on the loopback address and stops with the test.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from rlpa_env.backends.base import BackendError
from rlpa_env.backends.openai_backend import OpenAICompatibleBackend

MESSAGES = [{"role": "user", "content": "hello there"}]
MODEL = "tiny-test-model"
STALL_LIMIT_S = 5.0


def completion_body(text: str) -> bytes:
    return json.dumps(
        {
            "id": "cmpl-1",
            "object": "chat.completion",
            "created": 0,
            "model": MODEL,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        }
    ).encode()


@dataclass(frozen=True)
class Reply:
    """One scripted answer: an HTTP status, a body and headers; a stall (no answer until released); or an echo."""

    status: int = 200
    body: bytes = completion_body("ok")
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),)
    stall: bool = False
    echo: bool = False


STALL = Reply(stall=True)


@dataclass
class ScriptedServer:
    replies: list[Reply]
    requests: list[dict] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    url: str = ""


@pytest.fixture
def serve() -> Iterator[Callable[..., ScriptedServer]]:
    """Start a scripted server on a free loopback port; returns a function taking the replies."""
    servers: list[tuple[ThreadingHTTPServer, ScriptedServer]] = []

    def start(*replies: Reply) -> ScriptedServer:
        script = ScriptedServer(list(replies))

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                request = json.loads(self.rfile.read(length))
                script.requests.append(request)
                reply = script.replies[min(len(script.requests), len(script.replies)) - 1]
                if reply.stall:
                    script.release.wait(STALL_LIMIT_S)
                    return
                if reply.echo:
                    reply = Reply(body=completion_body("echo: " + request["messages"][-1]["content"]))
                self.send_response(reply.status)
                for name, value in reply.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def log_message(self, format: str, *args: object) -> None:
                """Keep test output quiet."""

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        script.url = f"http://127.0.0.1:{server.server_address[1]}/v1"
        servers.append((server, script))
        return script

    yield start
    for server, script in servers:
        script.release.set()
        server.shutdown()
        server.server_close()


def backend(url: str, **overrides: object) -> OpenAICompatibleBackend:
    settings: dict = {"connect_timeout": 1.0, "read_timeout": 2.0, "max_retries": 2, "backoff_s": 0.01}
    settings.update(overrides)
    return OpenAICompatibleBackend(url, MODEL, api_key="test-key", **settings)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.timeout(20)
def test_closed_port_raises_backend_error_naming_url_model_and_cause_in_bounded_time() -> None:
    url = f"http://127.0.0.1:{closed_port()}/v1"
    start = time.monotonic()
    with pytest.raises(BackendError) as caught:
        backend(url).complete(MESSAGES)
    elapsed = time.monotonic() - start
    message = str(caught.value)
    assert url in message
    assert MODEL in message
    assert "after 3 attempts" in message
    assert "connection failed" in message
    assert elapsed < 5.0


@pytest.mark.timeout(20)
def test_server_that_stalls_past_read_timeout_raises_in_bounded_time(serve) -> None:
    server = serve(STALL)
    start = time.monotonic()
    with pytest.raises(BackendError, match=r"after 2 attempts; last cause: timed out \(read_timeout=0.3s\)"):
        backend(server.url, read_timeout=0.3, max_retries=1).complete(MESSAGES)
    elapsed = time.monotonic() - start
    assert len(server.requests) == 2
    assert 0.6 <= elapsed < 3.0


@pytest.mark.timeout(20)
def test_server_error_then_success_is_retried(serve) -> None:
    server = serve(Reply(status=500, body=b'{"error": {"message": "overloaded"}}'), Reply(body=completion_body("hi")))
    assert backend(server.url).complete(MESSAGES) == "hi"
    assert len(server.requests) == 2


@pytest.mark.timeout(20)
def test_rate_limit_then_success_is_retried(serve) -> None:
    server = serve(Reply(status=429, body=b'{"error": {"message": "slow down"}}'), Reply(body=completion_body("hi")))
    assert backend(server.url).complete(MESSAGES) == "hi"
    assert len(server.requests) == 2


@pytest.mark.timeout(20)
def test_rate_limit_retry_after_header_sets_the_wait(serve) -> None:
    limited = Reply(status=429, body=b"{}", headers=(("Content-Type", "application/json"), ("Retry-After", "0.4")))
    server = serve(limited, Reply())
    start = time.monotonic()
    assert backend(server.url, backoff_s=0.01).complete(MESSAGES) == "ok"
    assert time.monotonic() - start >= 0.4


@pytest.mark.timeout(20)
def test_persistent_server_error_raises_after_every_attempt(serve) -> None:
    server = serve(Reply(status=503, body=b'{"error": {"message": "down for maintenance"}}'))
    with pytest.raises(BackendError, match=r"after 3 attempts; last cause: HTTP 503"):
        backend(server.url).complete(MESSAGES)
    assert len(server.requests) == 3


@pytest.mark.timeout(20)
def test_client_error_is_not_retried(serve) -> None:
    server = serve(Reply(status=404, body=b'{"error": {"message": "model not found"}}'))
    with pytest.raises(BackendError, match=r"after 1 attempt; last cause: HTTP 404.*base_url ends in /v1"):
        backend(server.url).complete(MESSAGES)
    assert len(server.requests) == 1


@pytest.mark.timeout(20)
def test_malformed_json_is_retried_then_reported_as_malformed(serve) -> None:
    server = serve(Reply(body=b'{"choices": [ truncated'))
    with pytest.raises(BackendError, match=r"after 3 attempts; last cause: malformed response.*/v1"):
        backend(server.url).complete(MESSAGES)
    assert len(server.requests) == 3


@pytest.mark.timeout(20)
def test_non_json_page_is_reported_as_malformed(serve) -> None:
    server = serve(Reply(body=b"<html>welcome</html>", headers=(("Content-Type", "text/html"),)))
    with pytest.raises(BackendError, match=r"malformed response: expected a JSON chat completion"):
        backend(server.url, max_retries=0).complete(MESSAGES)
    assert len(server.requests) == 1


@pytest.mark.timeout(20)
def test_json_without_choices_is_malformed_and_a_later_good_reply_succeeds(serve) -> None:
    server = serve(Reply(body=b'{"object": "chat.completion"}'), Reply(body=completion_body("fine")))
    assert backend(server.url).complete(MESSAGES) == "fine"
    assert len(server.requests) == 2


@pytest.mark.timeout(20)
def test_request_carries_model_sampling_settings_seed_and_extra_body(serve) -> None:
    server = serve(Reply())
    backend(server.url, extra_body={"top_k": 5}).complete(MESSAGES, max_tokens=17, temperature=0.5, seed=42)
    (request,) = server.requests
    assert request["model"] == MODEL
    assert request["messages"] == MESSAGES
    assert (request["max_tokens"], request["temperature"], request["seed"], request["top_k"]) == (17, 0.5, 42, 5)


@pytest.mark.timeout(20)
def test_complete_batch_returns_answers_in_conversation_order(serve) -> None:
    server = serve(Reply(echo=True))
    conversations = [[{"role": "user", "content": f"question {i}"}] for i in range(6)]
    answers = backend(server.url, max_concurrency=3).complete_batch(conversations)
    assert answers == [f"echo: question {i}" for i in range(6)]
    assert len(server.requests) == 6
