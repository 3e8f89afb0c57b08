"""Guard the official PyPI ``x402`` (2.x) client with hooks.

    from x402 import x402Client
    from x402.http import x402HTTPClient
    from x402.mechanisms.evm.exact import register_exact_evm_client
    from presidio_x402.integrations.x402 import harden

    client = x402Client()
    register_exact_evm_client(client, Account.from_key(KEY))
    http = x402HTTPClient(client)
    harden(http, policy={"max_per_call_usd": 0.10})   # or harden(client, …)

``harden(client, **options)`` takes an ``x402Client`` or an ``x402HTTPClient``
and the :class:`~presidio_x402.HardenedX402Client` keyword arguments
(``policy``, ``pii_action``, ``pii_entities``, ``replay_ttl``, ``redis_url``,
``audit_writer``, ``agent_id``, ``mpa_engine``, ``metrics_collector``,
``trusted_wallets``, ``store``, ``replica_id``, ``audit_key``, ``replay_key``) plus
``mpa_signatures``. It registers:

* ``x402HTTPClient.on_payment_required`` (when given the HTTP client): records
  the **real request URL** (otherwise the server's claimed resource URL is used);
* ``on_before_payment_creation``: the core assesses exactly the requirement the
  client selected; host I/O (replay, approvals); finalize; a refusal returns
  ``AbortResult(reason=<code>, message=<description>)``, so nothing is signed;
* ``on_after_payment_creation``: replaces the v2 ``resource`` echo with the
  redacted one; for v1 (whose responses fire no hook) the spend is committed
  here, so it counts against the limits;
* ``on_payment_response`` (v2): commits on a successful settlement, releases and
  forgets the fingerprint on failure.

Every step appends its audit line. Returns the :class:`~presidio_x402.guard.Guard`.
"""

from __future__ import annotations

import base64
import json
import logging
from collections import defaultdict, deque
from typing import Any, Deque, Dict, Optional, Tuple

from ..audit_log import AuditLog, NullAuditWriter
from ..exceptions import X402Error
from ..pii_filter import _nlp_analyzer
from ..gateway import build_config
from ..guard import Assessment, Guard
from ..stores import make_store

logger = logging.getLogger("presidio_x402.integrations.x402")


def _dump(model: Any) -> Dict[str, Any]:
    if hasattr(model, "model_dump"):
        return model.model_dump(by_alias=True, exclude_none=True, mode="json")
    return dict(model)


def _req_key(req: Any) -> str:
    return json.dumps(_dump(req), sort_keys=True, separators=(",", ":"))


class _Hooks:
    def __init__(self, guard: Guard, mpa_signatures: Any) -> None:
        self.guard = guard
        self.mpa_signatures = mpa_signatures
        self.urls: Dict[str, Deque[str]] = defaultdict(deque)  # challenge key -> request URLs
        self.pending: Dict[str, Deque[Assessment]] = defaultdict(deque)  # requirement key -> assessments

    @staticmethod
    def _challenge_key(pr: Any) -> str:
        return json.dumps(_dump(pr), sort_keys=True, separators=(",", ":"))

    async def on_payment_required(self, ctx: Any) -> None:
        self.urls[self._challenge_key(ctx.payment_required)].append(ctx.request_url)
        return None

    async def before(self, ctx: Any) -> Any:
        from x402 import AbortResult

        pr = _dump(ctx.payment_required)
        sel = _dump(ctx.selected_requirements)
        q = self.urls.get(self._challenge_key(ctx.payment_required))
        if q:
            url = q.popleft()
        elif pr.get("x402Version", 1) >= 2:
            url = (pr.get("resource") or {}).get("url", "")
        else:
            url = sel.get("resource", "")
        # Assess exactly the requirement the client selected.
        challenge = dict(pr, accepts=[sel])
        header = body = None
        if challenge.get("x402Version", 1) >= 2:
            header = base64.b64encode(json.dumps(challenge).encode()).decode()
        else:
            body = json.dumps(challenge)
        g = self.guard
        try:
            a = await g.assess_async("GET", url, header, body)
            io = await g.host_io(a, self.mpa_signatures)
            await g.finalize_async(a, io)
        except X402Error as e:
            return AbortResult(reason=e.code, message=str(e))
        self.pending[_req_key(ctx.selected_requirements)].append(a)
        return None

    def _take(self, req: Any) -> Optional[Assessment]:
        q = self.pending.get(_req_key(req))
        return q.popleft() if q else None

    def _peek(self, req: Any) -> Optional[Assessment]:
        q = self.pending.get(_req_key(req))
        return q[0] if q else None

    async def after(self, ctx: Any) -> None:
        p = ctx.payment_payload
        if getattr(p, "x402_version", 1) >= 2:
            a = self._peek(ctx.selected_requirements)
            echo = a.metadata.get("resource_echo") if a is not None else None
            if echo is not None and getattr(p, "resource", None) is not None:
                p.resource = type(p.resource).model_validate(echo)
        else:
            a = self._take(ctx.selected_requirements)
            if a is not None:
                await self._settle(a, None)  # v1 fires no response hook: count the spend now
        return None

    async def _settle(self, a: Assessment, failure: Optional[str]) -> None:
        try:
            await self.guard.settle_async(a, failure)
        except X402Error as e:  # the payment went out: its reservation counts until its lease ends
            logger.error("could not record the settlement (%s)", e.code)

    async def failure(self, ctx: Any) -> None:
        a = self._take(ctx.selected_requirements)
        if a is not None:
            await self._settle(a, "signer-failed")
        return None

    async def response(self, ctx: Any) -> None:
        a = self._take(ctx.requirements)
        if a is None:
            return None
        s = ctx.settle_response
        ok = s is not None and bool(getattr(s, "success", False)) and ctx.error is None
        await self._settle(a, None if ok else "settlement-failed")
        return None


def harden(client: Any, *, mpa_signatures: Any = None, policy: Any = None, pii_action: str = "redact",
           pii_entities: Any = None, replay_ttl: int = 300, redis_url: Optional[str] = None, audit_writer: Any = None,
           agent_id: Optional[str] = None, mpa_engine: Any = None, metrics_collector: Any = None,
           trusted_wallets: Any = None, store: Any = None, audit_key: Any = None, replay_key: Any = None,
           replica_id: Optional[str] = None, pii_mode: str = "regex", nlp_analyzer: Any = None) -> Guard:
    """Registers the guard's hooks on an official ``x402Client`` or ``x402HTTPClient``."""
    from x402.http import x402HTTPClient

    http: Optional[Any] = client if isinstance(client, x402HTTPClient) else None
    core_client = client._client if http is not None else client
    config = build_config(policy, pii_entities=pii_entities, pii_action=pii_action, replay_ttl=replay_ttl,
                          agent_id=agent_id, trusted_wallets=trusted_wallets, mpa_engine=mpa_engine,
                          replica_id=replica_id)
    guard = Guard(config, store=store if store is not None else make_store(redis_url),
                  audit=AuditLog(audit_writer or NullAuditWriter(), agent_id=agent_id, key=audit_key),
                  metrics=metrics_collector, mpa_engine=mpa_engine, replay_key=replay_key,
                  nlp_analyzer=(nlp_analyzer if nlp_analyzer is not None else _nlp_analyzer()) if pii_mode == "nlp" else None)
    hooks = _Hooks(guard, mpa_signatures)
    if http is not None:
        http.on_payment_required(hooks.on_payment_required)
    core_client.on_before_payment_creation(hooks.before)
    core_client.on_after_payment_creation(hooks.after)
    core_client.on_payment_creation_failure(hooks.failure)
    core_client.on_payment_response(hooks.response)
    return guard


__all__ = ["harden"]
_ = Tuple
