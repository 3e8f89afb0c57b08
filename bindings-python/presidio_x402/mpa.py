"""Multi-party authorization (n-of-m approval) for high-value payments.

The core decides everything: when a payment needs approval (``amount_usd ≥
min_amount_usd``), the canonical approval request, how long answers are
awaited (the driver's ``deadline_ms``), whether a countersignature or a webhook
answer counts, and the tally. This module only performs the driver's
``post-webhook`` and ``countersign`` actions.

How an approver obtains and signs a request
-------------------------------------------
When a payment needs approval, the core builds an **approval request**: the
RFC 8785 canonical JSON of ::

    {"agent_id", "amount" (atomic units), "amount_usd", "asset", "domain":
     "presidio-x402/mpa-approval/v1", "expires_at_ms", "fingerprint", "method",
     "network", "pay_to", "request_id", "resource_url" (redacted), "scheme"}

(keys sorted, no whitespace). It binds every payment field, a request id and
an expiry, so a signature for one request never approves another.

* **Webhook approvers** (``mode="webhook"``) receive exactly those bytes as the
  body of a ``POST`` (``Content-Type: application/json``; the request id is
  also in the ``X-MPA-Request-Id`` header). They answer ``200`` with
  ``{"approved": true, "request_id": "<the request_id>"}`` (or ``false``). When
  the approver has a ``shared_secret``, the answer must carry ``X-MPA-HMAC:
  hex(HMAC-SHA256(shared_secret, raw response body))`` and must echo the
  ``request_id``. Redirects are not followed; answers over 4 KiB, late answers
  and non-2xx statuses do not approve. Webhook hosts that resolve to private,
  loopback or link-local addresses are refused unless
  ``allow_private_webhooks=True``; the POST connects to the address that was
  checked (``Host`` and TLS SNI keep the name), so DNS rebinding between the
  check and the request cannot redirect it.
* **Crypto approvers** (``mode="crypto"``) sign the canonical bytes::

      sig = hmac.new(shared_secret, canonical.encode(), hashlib.sha256).hexdigest()

  (or :func:`countersign`). The agent obtains the request while the payment is
  pending: pass ``mpa_signatures=`` a callable (sync or async) that receives an
  :class:`ApprovalRequest` and returns ``{"approver_id": "hex_sig", …}`` (for
  example by forwarding ``request.canonical`` to the approvers), or give the
  engine a ``countersigner`` with the same shape. A denied attempt's request
  is on ``MPADeniedError.approval_request``.
* **Pre-approvals** (the seed's ``mpa_signatures={"alice": …, "bob": …}``
  computed *before* the request): a request id is unique per attempt, so an
  approver who signs ahead signs a pre-approval instead, with
  :func:`preapprove` (the core computes it)::

      token = preapprove("alice-secret", url="https://api.example.com/big",
                         network="base", asset=USDC, pay_to=PAYEE,
                         amount_atomic="5000000", valid_for_seconds=300)
      await client.get("https://api.example.com/big", mpa_signatures={"alice": token, ...})

  The token is ``"{not_after_ms}.{hex}"``: ``hex(HMAC-SHA256(secret,
  canonical))`` over the RFC 8785 JSON of ``{"domain":
  "presidio-x402/mpa-preapproval/v1", "method", "request_url_sha256" (SHA-256
  of the normalised URL), "network" (CAIP-2), "asset", "pay_to" (lower-case on
  EVM), "amount" (atomic), "scheme", "not_after_ms"}``. It approves only that
  payment, until ``not_after_ms`` (at most 24 h ahead); replay protection
  still pays the same purchase once per TTL.

Stand-alone approval (the seed's call)
--------------------------------------
``await engine.request_approval(details, amount_usd, provided_signatures=…)``
asks for approval outside a payment, with the seed's semantics: under
``min_amount_usd`` it returns at once; otherwise the caller's countersignatures
(a dict, or a callable given the :class:`ApprovalRequest`) are checked first,
the webhook approvers are asked only when they are not enough, and fewer than
``threshold`` approvals raise :class:`~presidio_x402.MPADeniedError` (or
:class:`~presidio_x402.MPATimeoutError`) with ``approvals_received``,
``threshold`` and the core's message ("… 0 of 1 required approvals
received"). The core decides every step (``mpa.begin``, ``mpa.decide``); this
module only reads the clock, calls the countersigner and POSTs the webhooks.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import math
import socket
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

import httpcore
import httpx

from . import _keys
from ._core import CoreError, core

logger = logging.getLogger("presidio_x402.mpa")

MAX_RESPONSE_BYTES = 4096


@dataclass(frozen=True)
class MPAApproverConfig:
    """One approver: ``mode="webhook"`` (``webhook_url``; optional response
    ``shared_secret``), ``mode="crypto"`` (``shared_secret`` required, ≥ 16 bytes)
    or ``mode="human"`` (a person, asked through the engine's
    ``on_human_approval``; neither URL nor secret)."""

    approver_id: str
    mode: str = "webhook"
    webhook_url: str | None = None
    shared_secret: bytes | str | _keys.SecretKey | None = field(default=None, repr=False)
    """Given as bytes or text; kept in an opaque :class:`~presidio_x402._keys.SecretKey`."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "shared_secret", _keys.secret(self.shared_secret, f"approver {self.approver_id}"))

    def to_config(self) -> dict[str, Any]:
        d: dict[str, Any] = {"approver_id": self.approver_id, "mode": self.mode}
        if self.webhook_url is not None:
            d["webhook_url"] = self.webhook_url
        s = self.shared_secret
        if isinstance(s, _keys.SecretKey):
            try:
                d["secret"] = s.bytes().decode("utf-8")
            except UnicodeDecodeError:
                raise ValueError(f"approver {self.approver_id!r}: shared_secret must be UTF-8 text or bytes") from None
        return d


@dataclass
class MPAConfig:
    """n-of-m settings, validated by the core on construction (``ValueError``
    lists every problem)."""

    threshold: int
    approvers: list[MPAApproverConfig] = field(default_factory=list)
    min_amount_usd: Any = 0.0
    timeout_seconds: float = 30.0
    allow_private_webhooks: bool = False

    def __post_init__(self) -> None:
        out = core().call("mpa.config", {"config": self.to_config(), "path_prefix": "mpa"})
        if not out["ok"]:
            # Each problem: its path, its code and the code's fixed description (the core's table).
            msg = "invalid MPA configuration: " + "; ".join(
                f"{e['path']}: {e['code']}: {core().describe(e['code'])}" for e in out["errors"])
            if not self.approvers:
                msg += f" (no approvers: a threshold of {self.threshold} cannot exceed number of approvers, 0)"
            raise ValueError(msg)

    def __repr__(self) -> str:
        ids = [a.approver_id for a in self.approvers]
        return (f"MPAConfig(threshold={self.threshold}, approvers={ids}, min_amount_usd={self.min_amount_usd!r}, "
                f"timeout_seconds={self.timeout_seconds})")

    def to_config(self) -> dict[str, Any]:
        """The core's ``mpa`` configuration (holds secrets: never log it)."""
        return {
            "threshold": self.threshold,
            "min_amount_usd": self.min_amount_usd,
            "timeout_seconds": max(1, math.ceil(float(self.timeout_seconds))),
            "allow_private_webhooks": bool(self.allow_private_webhooks),
            "approvers": [a.to_config() for a in self.approvers],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> MPAConfig:
        appr = [
            MPAApproverConfig(a["approver_id"], a.get("mode", "webhook"), a.get("webhook_url"),
                              a["secret"].encode() if isinstance(a.get("secret"), str) else a.get("secret"))
            for a in d.get("approvers", [])
        ]
        return cls(threshold=d.get("threshold", 0), approvers=appr, min_amount_usd=d.get("min_amount_usd", 0),
                   timeout_seconds=d.get("timeout_seconds", 30),
                   allow_private_webhooks=d.get("allow_private_webhooks", False))


@dataclass(frozen=True)
class ApprovalRequest:
    """A pending approval request, as the core built it."""

    request_id: str
    expires_at_ms: int
    canonical: str
    """The bytes (UTF-8) approvers sign and webhooks receive."""

    @property
    def fields(self) -> dict[str, Any]:
        return cast(dict[str, Any], json.loads(self.canonical))

    def request_json(self) -> str:
        """The core's JSON form of the request (the canonical object without ``domain``)."""
        d = json.loads(self.canonical)
        d.pop("domain", None)
        return json.dumps(d, separators=(",", ":"))

    def as_dict(self) -> dict[str, Any]:
        return {"request_id": self.request_id, "expires_at_ms": self.expires_at_ms, "canonical": self.canonical}

    @classmethod
    def from_canonical(cls, canonical: str, expires_at_ms: int | None = None) -> ApprovalRequest:
        d = json.loads(canonical)
        return cls(d["request_id"], int(expires_at_ms if expires_at_ms is not None else d["expires_at_ms"]), canonical)


def countersign(secret: bytes | str, request: ApprovalRequest | str) -> str:
    """An approver's countersignature: ``hex(HMAC-SHA256(secret, canonical))``, computed by the core."""
    req = request if isinstance(request, ApprovalRequest) else ApprovalRequest.from_canonical(request)
    s = secret.encode() if isinstance(secret, str) else bytes(secret)
    return cast(str, core().ok("mpa_countersign", s, req.request_json()))


def preapprove(secret: bytes | str, *, url: str, network: str, asset: str, pay_to: str,
               amount_atomic: int | str, method: str = "GET", scheme: str = "exact",
               valid_for_seconds: int = 300, now_ms: int | None = None) -> str:
    """A pre-approval token for one payment known ahead (see the module notes),
    valid for ``valid_for_seconds`` (≤ 24 h). Computed by the core."""
    s = secret.decode("utf-8") if isinstance(secret, (bytes, bytearray)) else str(secret)
    now = now_ms if now_ms is not None else time.time_ns() // 1_000_000
    out = core().call("mpa.preapprove", {
        "secret": s, "url": url, "network": network, "asset": asset, "pay_to": pay_to,
        "amount": str(amount_atomic), "method": method, "scheme": scheme,
        "not_after_ms": now + int(valid_for_seconds * 1000)})
    return str(out["token"])


Signatures = None | dict[str, str] | Callable[[ApprovalRequest], Any]
Resolver = Callable[[str, int], Awaitable[list[str]]]


async def _default_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(i[4][0]) for i in infos})


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


class _AddressRefused(httpcore.ConnectError):
    """The webhook host resolved to an address the core refuses."""


class _CheckedBackend(httpcore.AsyncNetworkBackend):
    """Connects only to addresses the core allows (``mpa.webhook-address``):
    the name is resolved here, every address is checked, and the TCP
    connection goes to the checked address (TLS SNI and ``Host`` keep the
    name), so DNS rebinding between the check and the connection cannot
    redirect it."""

    def __init__(self, resolver: Resolver, allow_private: bool) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._resolver = resolver
        self._allow_private = allow_private

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None, socket_options: Any = None) -> Any:
        try:
            addrs = await self._resolver(host, port)
        except OSError as e:
            raise httpcore.ConnectError("webhook host did not resolve") from e
        if not addrs:
            raise httpcore.ConnectError("webhook host did not resolve")
        for addr in addrs:
            verdict = core().call("mpa.webhook-address", {"address": addr, "allow_private": self._allow_private})
            if not verdict["allowed"]:
                raise _AddressRefused("webhook host resolves to a private address")
        return await self._inner.connect_tcp(addrs[0], port, timeout=timeout, local_address=local_address,
                                             socket_options=socket_options)

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Any = None) -> Any:
        raise httpcore.ConnectError("webhooks are not posted to unix sockets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def checked_client(resolver: Resolver | None = None, allow_private: bool = False) -> httpx.AsyncClient:
    """An ``httpx.AsyncClient`` for webhooks that connects only to addresses
    the core allows (checked at connection time, see :class:`_CheckedBackend`),
    never follows redirects and ignores proxy settings from the environment."""
    t = httpx.AsyncHTTPTransport(retries=0)
    # httpx (0.27, 0.28) keeps its httpcore pool in `_pool`: replace it with one
    # whose network backend checks addresses; fail closed if that ever changes.
    pool = getattr(t, "_pool", None)
    if not isinstance(pool, httpcore.AsyncConnectionPool):
        raise RuntimeError("unsupported httpx version: cannot check webhook addresses at connection time")
    t._pool = httpcore.AsyncConnectionPool(ssl_context=getattr(pool, "_ssl_context", None),
                                           network_backend=_CheckedBackend(resolver or _default_resolver,
                                                                           bool(allow_private)))
    return httpx.AsyncClient(transport=t, trust_env=False, follow_redirects=False)


def _seconds_left(deadline_ms: Any) -> float:
    return (int(deadline_ms) - time.time_ns() // 1_000_000) / 1000.0


async def post_webhook(action: dict[str, Any], *, client: httpx.AsyncClient | None = None,
                       resolver: Resolver | None = None, allow_private: bool = False,
                       cap: int = MAX_RESPONSE_BYTES) -> dict[str, Any]:
    """Performs the driver's ``post-webhook`` action: resolves the host, asks the
    core whether each address may be posted to, POSTs the action's body and
    headers to the checked address (``Host`` and TLS SNI keep the name), reads
    at most ``cap`` + 1 bytes, and gives up at the action's ``deadline_ms``.
    Without ``client`` the check happens when the connection is made
    (:func:`checked_client`); with a caller's ``client`` the name is resolved
    and checked first and the POST goes to the checked address.
    Returns the ``webhook`` event; the core judges it."""
    refused = {"on": "webhook", "approver_id": action["approver_id"], "status": 0, "body": "", "hmac": None,
               "timed_out": False}
    left = _seconds_left(action["deadline_ms"])
    if left <= 0:
        return dict(refused, timed_out=True)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + left
    headers = dict(action.get("headers") or {})
    own = client is None
    if own:
        # Our own client checks each address when it connects (no separate
        # resolution here): see checked_client.
        try:
            url = httpx.URL(action["url"])
        except (httpx.InvalidURL, ValueError, TypeError):
            return refused
        return await _post(action, url, headers, {}, checked_client(resolver, allow_private), True, deadline,
                           refused, cap)
    try:
        url = httpx.URL(action["url"])
        host, port = url.host, url.port or (443 if url.scheme == "https" else 80)
        addrs = await asyncio.wait_for((resolver or _default_resolver)(host, port), timeout=left)
        if not addrs:
            return refused
        for addr in addrs:
            verdict = core().call("mpa.webhook-address", {"address": addr, "allow_private": bool(allow_private)})
            if not verdict["allowed"]:
                logger.warning("MPA webhook for approver %s refused: it resolves to a private address",
                               action["approver_id"])
                return refused
    except TimeoutError:
        return dict(refused, timed_out=True)
    except (OSError, CoreError, ValueError, httpx.InvalidURL):
        return refused

    # A caller's client: connect to the address just checked, not to a fresh
    # resolution of the name (no DNS rebinding between the check and the
    # POST); the Host header and TLS (SNI and certificate) keep the URL's host name.
    target, extensions = url, {}
    if addrs[0] != host:
        target = url.copy_with(host=addrs[0])
        headers["Host"] = url.netloc.decode("ascii")
        if url.scheme == "https":
            extensions["sni_hostname"] = host
    if client is None:  # unreachable: a client was made above when none was given
        raise RuntimeError("no HTTP client")
    return await _post(action, target, headers, extensions, client, False, deadline, refused, cap)


async def _post(action: dict[str, Any], target: httpx.URL, headers: dict[str, str], extensions: dict[str, Any],
                c: httpx.AsyncClient, own: bool, deadline: float, refused: dict[str, Any], cap: int) -> dict[str, Any]:
    """POSTs the action's body, reads at most ``cap`` + 1 bytes by ``deadline``
    (loop time): the ``webhook`` event."""
    loop = asyncio.get_running_loop()

    async def post() -> dict[str, Any]:
        async with c.stream("POST", target, content=str(action["body"]).encode("utf-8"), headers=headers,
                            follow_redirects=False, extensions=extensions) as r:
            buf = bytearray()
            async for chunk in r.aiter_bytes():
                buf += chunk
                if len(buf) > cap:
                    break
            return dict(refused, status=r.status_code, body=bytes(buf[: cap + 1]).decode("utf-8", "replace"),
                        hmac=r.headers.get("X-MPA-HMAC"))

    try:
        return await asyncio.wait_for(post(), timeout=max(deadline - loop.time(), 0.001))
    except (TimeoutError, httpx.TimeoutException):
        return dict(refused, timed_out=True)
    except httpx.ConnectError as e:
        if isinstance(e.__cause__, _AddressRefused) or isinstance(e.__context__, _AddressRefused):
            logger.warning("MPA webhook for approver %s refused: it resolves to a private address",
                           action["approver_id"])
        else:
            logger.warning("MPA webhook for approver %s failed", action["approver_id"])
        return refused
    except Exception:
        logger.warning("MPA webhook for approver %s failed", action["approver_id"])
        return refused
    finally:
        if own:
            await c.aclose()


async def countersignatures(action: dict[str, Any], source: Signatures) -> dict[str, Any]:
    """Performs the driver's ``countersign`` action: the caller's countersignatures
    or pre-approval tokens (a dict, or a callable, sync or async, given the
    :class:`ApprovalRequest`), obtained by the action's ``deadline_ms``.
    Returns the ``countersignatures`` event; the core verifies them."""
    out: Any = {}
    try:
        if callable(source):
            out = source(ApprovalRequest.from_canonical(action["request"]))
            if inspect.isawaitable(out):
                out = await asyncio.wait_for(out, timeout=max(_seconds_left(action["deadline_ms"]), 0.001))
        elif source is not None:
            out = source
        pairs = [[str(k), str(v)] for k, v in dict(out or {}).items()]
    except TimeoutError:
        pairs = []
    except Exception:
        logger.warning("MPA countersigner failed")
        pairs = []
    return {"on": "countersignatures", "signatures": pairs}


#: A person's approval prompt: given ``{"approver_id", "prompt", "deadline_ms"}``
#: (the ``prompt`` is built and redacted by the core), returns ``"approve"`` (or
#: ``True``) to approve; anything else denies. Sync or async.
HumanApproval = Callable[[dict[str, Any]], Any]


async def ask_human(action: dict[str, Any], callback: HumanApproval | None) -> dict[str, Any]:
    """Performs the driver's ``ask-human`` action: the person's vote from
    ``callback`` (the guard reports when it arrived); ``timeout`` when no answer came by the
    action's ``deadline_ms``; ``unavailable`` when there is no callback or it
    failed (the payment is then refused with ``mpa-human-unavailable`` unless
    the other approvers suffice). The core judges the vote."""
    ev: dict[str, Any] = {"on": "human", "approver_id": action["approver_id"]}
    if callback is None:
        return {**ev, "vote": "unavailable"}
    ask = {"approver_id": action["approver_id"], "prompt": action["prompt"], "deadline_ms": action["deadline_ms"]}
    try:
        out = callback(ask)
        if inspect.isawaitable(out):
            out = await asyncio.wait_for(out, timeout=max(_seconds_left(action["deadline_ms"]), 0.001))
    except TimeoutError:
        return {**ev, "vote": "timeout"}
    except Exception:
        logger.warning("MPA human approval prompt failed")
        return {**ev, "vote": "unavailable"}
    vote = "approve" if out is True or out == "approve" else "deny"
    return {**ev, "vote": vote}


class MPAEngine:
    """The approvers' I/O for the guard: webhooks and countersignatures (the core
    decides when approval is needed, builds the request, sets the deadline and
    judges every answer).

    ``httpx_client``: client for webhooks (default: a private one);
    ``resolver``: ``async (host, port) -> [addresses]`` for the SSRF check;
    ``countersigner``: default source of crypto signatures (see the module notes);
    ``on_human_approval``: the prompt for ``human`` approvers (see :func:`ask_human`).
    """

    def __init__(self, config: MPAConfig, *, httpx_client: httpx.AsyncClient | None = None,
                 resolver: Resolver | None = None, countersigner: Signatures = None,
                 max_response_bytes: int = MAX_RESPONSE_BYTES,
                 on_human_approval: HumanApproval | None = None) -> None:
        self.config = config
        self.on_human_approval = on_human_approval
        self._httpx = httpx_client
        self._resolver = resolver or _default_resolver
        self.countersigner = countersigner
        self._cap = int(max_response_bytes)

    def __repr__(self) -> str:
        return f"<MPAEngine {self.config!r}>"

    def config_json(self) -> dict[str, Any]:
        return self.config.to_config()

    async def post_webhook(self, action: dict[str, Any]) -> dict[str, Any]:
        """:func:`post_webhook` with this engine's client, resolver and settings."""
        return await post_webhook(action, client=self._httpx, resolver=self._resolver,
                                  allow_private=self.config.allow_private_webhooks, cap=self._cap)

    async def request_approval(self, details: Any, amount_usd: Any, *,
                               provided_signatures: Signatures = None, method: str = "GET",
                               agent_id: str | None = None) -> None:
        """The seed's stand-alone approval of ``details`` (a ``PaymentDetails``,
        already redacted) worth ``amount_usd`` (see the module notes).

        ``provided_signatures``: ``{approver_id: hex}`` countersignatures or
        pre-approval tokens, or a callable given the :class:`ApprovalRequest`
        (default: the engine's ``countersigner``). Returns when approved;
        raises ``MPADeniedError`` / ``MPATimeoutError`` otherwise. The core
        decides (``mpa.begin``, ``mpa.decide``); this method only does the I/O."""
        cfg = self.config.to_config()
        begun = core().call("mpa.begin", {"config": cfg, "payment": _purchase(details, method, agent_id),
                                          "amount_usd": _usd_text(amount_usd), "now_ms": _now_ms()})
        if not begun["required"]:
            logger.debug("MPA not required for this amount")
            return
        source = provided_signatures if provided_signatures is not None else self.countersigner
        sigs = (await countersignatures(begun["countersign"], source))["signatures"]
        ask = {"config": cfg, "request": begun["request"], "signatures": sigs}
        out = core().call("mpa.decide", dict(ask, now_ms=_now_ms()))
        if out["verdict"] == "ask-webhooks":
            answers = await asyncio.gather(*(self.post_webhook(a) for a in begun["webhooks"]))
            out = core().call("mpa.decide", dict(ask, webhooks=list(answers), now_ms=_now_ms()))
        if out["verdict"] == "approved":
            logger.info("%s from %s", out["message"], out["approved_by"])
            return
        from .exceptions import mpa_error

        request = {k: begun[k] for k in ("request_id", "expires_at_ms", "canonical", "request")}
        logger.warning("%s", out["message"])
        raise mpa_error(out["code"], out["message"], approvals=int(out["approvals"]),
                        threshold=int(out["threshold"]), approval_request=request)


def _usd_text(amount: Any) -> str:
    """A USD amount as the exact decimal text the core parses (floats by their
    shortest repr, never in exponent form)."""
    if isinstance(amount, float):
        return format(Decimal(repr(amount)), "f")
    if isinstance(amount, Decimal):
        return format(amount, "f")
    return str(amount)


def _purchase(details: Any, method: str, agent_id: str | None) -> dict[str, Any]:
    """The payment an approval binds, from a ``PaymentDetails`` (ours or the
    seed's shape): the real-x402 fields when present (atomic amount, asset),
    else the seed's (``currency`` as the asset, no atomic amount)."""
    atomic = str(getattr(details, "amount_atomic", "") or "")
    return {
        "resource_url": str(getattr(details, "request_url", "") or details.resource_url),
        "method": method,
        "network": str(details.network),
        "asset": str(getattr(details, "asset", "") or getattr(details, "currency", "")),
        "pay_to": str(details.pay_to),
        "amount": atomic or None,
        "scheme": str(getattr(details, "scheme", "") or "exact"),
        "agent_id": agent_id,
    }


__all__ = [
    "ApprovalRequest",
    "MPAApproverConfig",
    "MPAConfig",
    "MPAEngine",
    "ask_human",
    "checked_client",
    "countersign",
    "countersignatures",
    "post_webhook",
    "preapprove",
]
