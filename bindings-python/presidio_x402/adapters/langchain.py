"""LangChain tool: :class:`HardenedX402Tool`, a langchain-core ``BaseTool``
that fetches x402-paid resources through :class:`~presidio_x402.HardenedX402Client`
(seed API; see :mod:`presidio_x402.adapters`).

    from presidio_x402.adapters.langchain import HardenedX402Tool

    tool = HardenedX402Tool(payment_signer=my_signer,
                            policy={"max_per_call_usd": 0.05, "daily_limit_usd": 2.0})
    text = await tool.ainvoke({"url": "https://api.example.com/data"})   # or tool.invoke(...)

Requires ``pip install "presidio-hardened-x402[langchain]"`` (langchain-core).
"""

from __future__ import annotations

from typing import Any

from ..gateway import HardenedX402Client
from . import LoopThread, build_client, fetch, missing

try:
    from langchain_core.tools import BaseTool
    from pydantic import BaseModel, ConfigDict, Field, PrivateAttr
except ImportError:  # langchain-core is an optional extra
    BaseTool = None


if BaseTool is not None:

    class X402Input(BaseModel):
        """The tool's arguments."""

        url: str = Field(description="The resource URL to fetch via x402 payment")
        method: str = Field(default="GET", description="HTTP method")

    class HardenedX402Tool(BaseTool):  # type: ignore[misc]
        """LangChain tool over :class:`HardenedX402Client`: PII redaction,
        spending policy, replay detection, audit and approvals on every call.
        Sync (``invoke``) and async (``ainvoke``); a refusal is the tool's
        result, ``"x402 payment refused (<code>): <message>"``."""

        name: str = "hardened_x402_fetch"
        description: str = (
            "Fetch a resource that requires an x402 micropayment. "
            "Automatically handles payment signing, PII protection, and spending limits. "
            "Input: the resource URL to fetch."
        )
        args_schema: Any = X402Input
        model_config = ConfigDict(arbitrary_types_allowed=True)

        _client: HardenedX402Client = PrivateAttr()
        _sync: LoopThread = PrivateAttr(default_factory=LoopThread)

        def __init__(self, payment_signer: Any = None, *, policy: Any = None, pii_mode: str = "regex",
                     pii_entities: list[str] | None = None, pii_action: str = "redact", replay_ttl: int = 300,
                     redis_url: str | None = None, audit_writer: Any = None, agent_id: str | None = None,
                     client: HardenedX402Client | None = None, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self._client = build_client(payment_signer, client, dict(
                policy=policy, pii_mode=pii_mode, pii_entities=pii_entities, pii_action=pii_action,
                replay_ttl=replay_ttl, redis_url=redis_url, audit_writer=audit_writer, agent_id=agent_id))

        @property
        def client(self) -> HardenedX402Client:
            """The hardened client behind the tool."""
            return self._client

        def _run(self, url: str, method: str = "GET", **_: Any) -> str:
            """Fetches ``url`` (synchronously, on the tool's own event loop)."""
            return self._sync.run(fetch(self._client, url, method))

        async def _arun(self, url: str, method: str = "GET", **_: Any) -> str:
            """Fetches ``url`` in the caller's event loop."""
            return await fetch(self._client, url, method)

        async def aclose(self) -> None:
            """Closes the underlying HTTP client."""
            await self._client.aclose()

else:

    class HardenedX402Tool:  # type: ignore[no-redef]
        """Placeholder: langchain-core is not installed (constructing raises ImportError)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            raise missing("langchain-core", "langchain", "langchain-core>=0.3")


__all__ = ["HardenedX402Tool"]
