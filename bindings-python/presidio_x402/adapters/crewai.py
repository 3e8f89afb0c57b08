"""CrewAI tool: :class:`HardenedX402CrewTool`, a crewai ``BaseTool`` that fetches
x402-paid resources through :class:`~presidio_x402.HardenedX402Client` (seed
API; see :mod:`presidio_x402.adapters`).

    from presidio_x402.adapters.crewai import HardenedX402CrewTool

    tool = HardenedX402CrewTool(payment_signer=my_signer,
                                policy={"max_per_call_usd": 0.05, "daily_limit_usd": 2.0},
                                agent_id="crew-agent-1")
    agent = Agent(role="researcher", tools=[tool], ...)

Requires ``pip install "presidio-hardened-x402[crewai]"``.
"""

from __future__ import annotations

from typing import Any

from ..gateway import HardenedX402Client
from . import LoopThread, build_client, fetch, missing

try:
    from crewai.tools import BaseTool as CrewBaseTool
    from pydantic import BaseModel, ConfigDict, Field, PrivateAttr
except ImportError:  # crewai is an optional extra
    CrewBaseTool = None


if CrewBaseTool is not None:

    class X402Input(BaseModel):
        """The tool's arguments."""

        url: str = Field(description="The resource URL to fetch via x402 payment")
        method: str = Field(default="GET", description="HTTP method (GET or POST)")

    class HardenedX402CrewTool(CrewBaseTool):  # type: ignore[misc]
        """CrewAI tool over :class:`HardenedX402Client`. CrewAI calls tools
        synchronously (``run``); the client runs on the tool's own event loop.
        A refusal is the tool's result, ``"x402 payment refused (<code>): <message>"``."""

        name: str = "hardened_x402_fetch"
        description: str = (
            "Fetch a resource that requires an x402 micropayment. "
            "Handles payment signing with PII protection and spending policy enforcement. "
            "Input: the resource URL."
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

else:

    class HardenedX402CrewTool:  # type: ignore[no-redef]
        """Placeholder: crewai is not installed (constructing raises ImportError)."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            raise missing("crewai", "crewai", "crewai>=0.28")


__all__ = ["HardenedX402CrewTool"]
