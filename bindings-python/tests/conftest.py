import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

# The secret sentinel (tests/secret_sentinel.py): every secret the suite makes is
# registered, every log, exception, repr, metric, file and Redis value is scanned.
pytest_plugins = ("secret_sentinel",)

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "vectors"

# Deterministic keys for tests (never the per-process random fallback).
os.environ.setdefault("PRESIDIO_X402_CHAIN_KEY", "61" * 32)
os.environ.setdefault("PRESIDIO_X402_FINGERPRINT_KEY", "62" * 32)


@pytest.fixture(autouse=True)
def _isolate_prometheus():
    yield


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A real redis-server on a free 127.0.0.1 port (no persistence), for one test session."""

    def __init__(self) -> None:
        exe = shutil.which("redis-server")
        if exe is None:
            pytest.fail("redis-server is not installed (make redis-deps installs it): the store tests need a real "
                        "Redis")
        self.dir = tempfile.mkdtemp(prefix="presidio-x402-redis-")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = subprocess.Popen(
            [exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", self.dir, "--protected-mode", "yes"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        import redis

        deadline = time.monotonic() + 15
        while True:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""
                pytest.fail(f"redis-server exited {self.proc.returncode}: {err[-1000:]}")
            try:
                if redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5).ping():
                    break
            except redis.exceptions.ConnectionError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                pytest.fail("redis-server did not answer within 15 s")
            time.sleep(0.05)

    def client(self, **kw):
        import redis

        return redis.Redis.from_url(self.url, **kw)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        if self.proc.stderr:
            self.proc.stderr.close()
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="session")
def redis_server():
    srv = RedisServer()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="session", autouse=True)
def _component_cache(tmp_path_factory):
    """The compiled-component cache of the test session lives in a temporary directory."""
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if old is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = old


_ = sys


#: Summary lines test modules print at the end of the run (``pytest -q`` hides
#: their output): callables returning a line, or ``None``.
SUMMARY: list = []


def pytest_terminal_summary(terminalreporter):
    for line in (f() for f in SUMMARY):
        if line:
            terminalreporter.write_line(line)
