"""Agent-framework tools over :class:`~presidio_x402.HardenedX402Client`.

* :mod:`presidio_x402.adapters.langchain`: ``HardenedX402Tool``, a langchain-core
  ``BaseTool`` (``pip install "presidio-hardened-x402[langchain]"``);
* :mod:`presidio_x402.adapters.crewai`: ``HardenedX402CrewTool``, a crewai
  ``BaseTool`` (``pip install "presidio-hardened-x402[crewai]"``).

Both take the seed's constructor parameters and are thin: the hardened client
does every check (the core decides). A refused payment reaches the agent as the
tool's result, ``"x402 payment refused (<code>): <message>"``, so the model sees
the stable code; a paid (or free) call returns the response body. Importing a
module without its framework works; constructing the tool then raises an
``ImportError`` that names the pip extra.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any

from ..exceptions import X402Error
from ..gateway import HardenedX402Client

SEED_PARAMETERS = ("policy", "pii_mode", "pii_entities", "pii_action", "replay_ttl", "redis_url", "audit_writer",
                   "agent_id")
"""The seed's keyword parameters of both tools, passed to the client as they are."""


def build_client(payment_signer: Any, client: HardenedX402Client | None,
                 options: dict[str, Any]) -> HardenedX402Client:
    """The tool's client: ``client`` when given, else a new
    :class:`HardenedX402Client` with the seed's parameters in ``options``."""
    if client is not None:
        return client
    return HardenedX402Client(payment_signer=payment_signer, **options)


def refusal_text(exc: X402Error) -> str:
    """What the agent reads when the guard refused: the stable code and the message."""
    return f"x402 payment refused ({exc.code}): {exc}"


async def fetch(client: HardenedX402Client, url: str, method: str = "GET") -> str:
    """One call through the hardened client: the body, or :func:`refusal_text`."""
    try:
        response = await client.request(method.upper(), url)
    except X402Error as exc:
        return refusal_text(exc)
    return response.text


class LoopThread:
    """A private event loop on a daemon thread, for the tools' synchronous
    entry points: every synchronous call runs there, so the client's HTTP
    connections always belong to one loop (use a tool either synchronously or
    from one event loop)."""

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    def run(self, coro: Coroutine[Any, Any, str]) -> str:
        with self._lock:
            if self._loop is None:
                self._loop = asyncio.new_event_loop()
                threading.Thread(target=self._loop.run_forever, name="presidio-x402-tool", daemon=True).start()
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()


def missing(framework: str, extra: str, requirement: str) -> ImportError:
    """The ImportError of a tool whose framework is not installed."""
    return ImportError(f"{framework} is not installed: the {framework} adapter requires "
                       f"pip install \"presidio-hardened-x402[{extra}]\" ({requirement})")


__all__ = ["SEED_PARAMETERS", "LoopThread", "build_client", "fetch", "missing", "refusal_text"]
