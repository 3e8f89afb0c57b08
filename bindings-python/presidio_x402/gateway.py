"""``HardenedX402Client``: an async httpx client that pays x402 challenges through the guard.

A request that answers ``402`` becomes a payment of the core's driver
(:mod:`presidio_x402.guard` performs its actions). Its body is streamed as the
core's limits say (:func:`read_challenge`) and handed to the core as bytes with
the ``Content-Type``; the core decodes it. This client answers the two actions
that are its own:

* ``sign``: the ``payment_signer`` gets :class:`PaymentDetails` with redacted
  metadata and returns the payment (a PaymentPayload dict, a scheme payload
  dict, a ``PaymentResponse`` or the header value); a failure or no payment is
  ``signer-failed``;
* ``send``: the paid request goes to exactly the action's URL and method with
  the action's payment header, redirects not followed; the answer is the
  status and the settlement header (``PAYMENT-RESPONSE``, else
  ``X-PAYMENT-RESPONSE``), or ``network-error``.

The verdict is the driver's ``done``: a refusal before sending raises the
seed exception of its family (``PIIBlockedError``, ``PolicyViolationError``,
…, each with ``.code``); a paid request comes back as the server's response,
with the guard's judgement in ``response.extensions["presidio_x402"]``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import inspect
import json
import logging
import os
from typing import Any, cast

import httpx

from ._core import core
from ._types import PaymentDetails, PaymentResponse
from .audit_log import AuditLog, NullAuditWriter
from .config_types import GuardConfig
from .guard import Guard
from .pii_filter import _nlp_analyzer
from .policy_engine import PolicyConfig, policy_to_config
from .signers import SignerError
from .stores import make_store

logger = logging.getLogger("presidio_x402.gateway")

HEADER_V2_REQUIRED = "PAYMENT-REQUIRED"
HEADER_V1_RESPONSE = "X-PAYMENT-RESPONSE"
HEADER_V2_RESPONSE = "PAYMENT-RESPONSE"

#: Transport used when the client creates its own ``httpx.AsyncClient`` (tests set it).
DEFAULT_TRANSPORT: httpx.AsyncBaseTransport | None = None


async def read_challenge(resp: httpx.Response, *, raw: bool = False) -> bytes:
    """Reads a streamed 402 body as the core's limits say: at most
    ``max_challenge_bytes`` + 1 bytes (``raw``: as sent, before any
    content-encoding is undone), within ``challenge_read_ms`` (then what was
    read), and closes the response. The core decodes the bytes."""
    lim = core().limits()
    cap, buf = int(lim["max_challenge_bytes"]) + 1, bytearray()
    if resp.is_stream_consumed:  # a transport that read the body already (e.g. httpx.MockTransport)
        await resp.aclose()
        return bytes(resp.content[:cap])

    async def read() -> None:
        async for chunk in (resp.aiter_raw() if raw else resp.aiter_bytes()):
            buf.extend(chunk[: cap - len(buf)])
            if len(buf) >= cap:
                return

    try:
        await asyncio.wait_for(read(), timeout=int(lim["challenge_read_ms"]) / 1000)
    except TimeoutError:
        pass  # a cut body: the core refuses it
    finally:
        await resp.aclose()
    return bytes(buf)


def _trusted_wallets(tw: Any) -> Any:
    """A list (any endpoint) or the seed's ``{origin: [wallets]}`` form, which the
    core applies per endpoint (``"*"``: every other endpoint)."""
    if tw is None:
        return None
    if isinstance(tw, dict):
        return {str(k): list(v) for k, v in tw.items()}
    return list(tw)


def build_config(policy: Any = None, *, pii_entities: list[str] | None = None, pii_action: str = "redact",
                 replay_ttl: int | None = None, agent_id: str | None = None, trusted_wallets: Any = None,
                 mpa_engine: Any = None, pii_template: str | None = None,
                 replica_id: str | None = None, wallet_pinning: str | None = None) -> dict[str, Any]:
    """The core configuration for the client's keyword arguments (no rules: a mapping)."""
    cfg = policy_to_config(policy)
    pii = dict(cfg.get("pii") or {})
    if pii_entities is not None:
        pii["entities"] = ["ORGANIZATION" if e == "ORG" else e for e in pii_entities]
    pii.setdefault("action", pii_action)
    if pii_action != "redact":
        pii["action"] = pii_action
    if pii_template is not None:
        pii["template"] = pii_template
    cfg["pii"] = pii
    if replay_ttl is not None and "replay_ttl_seconds" not in cfg:
        cfg["replay_ttl_seconds"] = int(replay_ttl)
    if agent_id is not None:
        cfg["agent_id"] = agent_id
    tw = _trusted_wallets(trusted_wallets)
    if tw is not None:
        cfg["trusted_wallets"] = tw
    if mpa_engine is not None:
        cfg["mpa"] = mpa_engine.config_json()
    if replica_id is not None:
        cfg["replica_id"] = replica_id
    if wallet_pinning is not None:
        cfg["wallet_pinning"] = wallet_pinning
    return cfg


def _decode_settlement(value: str | None) -> dict[str, Any] | None:
    """The settlement header as JSON, for the caller's convenience (the driver judges it)."""
    if not value:
        return None
    try:
        return cast("dict[str, Any] | None", json.loads(base64.b64decode(value, validate=True)))
    except (binascii.Error, ValueError):
        try:
            return cast("dict[str, Any] | None", json.loads(value))
        except ValueError:
            return None


def _payload(out: Any) -> dict[str, Any] | None:
    """The signer's result as a JSON object (a header value is base64 JSON)."""
    if isinstance(out, PaymentResponse):
        out = out.token
    if isinstance(out, (bytes, str)) and out:
        try:
            out = json.loads(base64.b64decode(out, validate=True))
        except (binascii.Error, ValueError):
            return None
    return out if isinstance(out, dict) else None


#: Transport errors after which nothing of the request has left the process.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


class _SignerFailed(Exception):
    """A signer failed: only the name of its exception's type, never its text
    (but a :class:`~presidio_x402.signers.SignerError`, written to hold no secret, is kept)."""

    def __init__(self, type_name: str, reason: SignerError | None = None) -> None:
        super().__init__(type_name)
        self.type_name = type_name
        self.reason = reason


def request_identity(request: httpx.Request) -> dict[str, str | None]:
    """What names ``request`` as a purchase besides its method and URL (the
    core's replay identity, ``core/src/replay.rs``): ``request_body_sha256``,
    the hex SHA-256 of its body (``None`` when it is empty, or streamed and
    not read), and ``idempotency_key``, its ``Idempotency-Key``
    header. Keyword arguments of :meth:`Guard.begin`."""
    try:
        content = request.content
    except httpx.RequestNotRead:
        content = b""
    return {"request_body_sha256": hashlib.sha256(content).hexdigest() if content else None,
            "idempotency_key": request.headers.get("idempotency-key")}


class HardenedX402Client:
    """Async HTTP client with x402 payments guarded by the core (seed API).

    Keyword arguments are the seed's: ``payment_signer``, ``policy`` (a
    :class:`PolicyConfig`, a dict or ``None`` for the core's defaults),
    ``pii_mode``, ``pii_entities``, ``pii_action``, ``replay_ttl``,
    ``redis_url``, ``audit_writer``, ``agent_id``, ``httpx_client``,
    ``mpa_engine``, ``metrics_collector``, ``trusted_wallets``, ``wallet_pinning``
    (``"warn"`` or ``"block"``, the seed's 0.13 name; ``wallet_pin_store`` is not
    needed: pins live in ``store``). Extra:
    ``store`` (a :mod:`presidio_x402.stores` store: ``MemoryStore``,
    ``FileStore``, ``RedisStore``, ``AsyncRedisStore``; ``redis_url`` is
    ``RedisStore(redis_url)``), ``replica_id`` (this process's audit chain when
    several processes share a store), ``audit_key`` and ``replay_key`` (bytes
    or hex; default from the environment), ``nlp_analyzer`` (``pii_mode="nlp"``:
    any object with presidio's ``analyze(text=, entities=, language=)``;
    default: presidio-analyzer's ``AnalyzerEngine`` when it and a spaCy model
    are installed). Its PERSON/LOCATION/ORGANIZATION spans go to the core as
    hints; the core applies the entities, score threshold and action.
    ``tracer_provider``: where each payment's OpenTelemetry spans go (default:
    the global provider; nothing without ``opentelemetry-api``, see
    :mod:`presidio_x402.otel`).

    A store failure refuses the payment with ``StoreUnavailableError``
    (``.code == "store-unavailable"``); it is never allowed unguarded.

    Request methods accept ``mpa_signatures=`` (a dict, or a callable that gets
    the :class:`~presidio_x402.mpa.ApprovalRequest`) and ``payment_reason=``.
    """

    def __init__(self, payment_signer: Any, *, policy: PolicyConfig | GuardConfig | dict[str, Any] | None = None,
                 pii_mode: str = "regex", pii_entities: list[str] | None = None, pii_action: str = "redact",
                 replay_ttl: int = 300, redis_url: str | None = None, audit_writer: Any = None,
                 agent_id: str | None = None, httpx_client: httpx.AsyncClient | None = None,
                 mpa_engine: Any = None, metrics_collector: Any = None, trusted_wallets: Any = None,
                 store: Any = None, audit_key: Any = None, replay_key: Any = None,
                 replica_id: str | None = None, nlp_analyzer: Any = None, tracer_provider: Any = None,
                 wallet_pinning: str | None = None, wallet_pin_store: Any = None) -> None:
        if pii_mode not in ("regex", "nlp"):
            raise ValueError("pii_mode must be 'regex' or 'nlp'")
        analyzer = None
        if pii_mode == "nlp":
            analyzer = nlp_analyzer if nlp_analyzer is not None else _nlp_analyzer()  # logs once when unavailable
        self._signer = payment_signer
        if policy is not None and not isinstance(policy, PolicyConfig):
            policy = dict(policy)  # a GuardConfig (the TypedDict of docs/CONFIG.md) is a plain dict
        # What a reload rebuilds the configuration with (an engine given here stays the approvers).
        self._build_kw: dict[str, Any] = {"pii_entities": pii_entities, "pii_action": pii_action,
                                          "replay_ttl": replay_ttl, "agent_id": agent_id,
                                          "trusted_wallets": trusted_wallets, "mpa_engine": mpa_engine,
                                          "replica_id": replica_id, "wallet_pinning": wallet_pinning}
        if mpa_engine is None:
            cfg_mpa = policy_to_config(policy).get("mpa")
            if cfg_mpa:
                from .mpa import MPAConfig, MPAEngine

                try:
                    mpa_engine = MPAEngine(MPAConfig.from_dict(cfg_mpa))
                except ValueError:
                    mpa_engine = None  # the guard reports the configuration errors below
        config = build_config(policy, pii_entities=pii_entities, pii_action=pii_action, replay_ttl=replay_ttl,
                              agent_id=agent_id, trusted_wallets=trusted_wallets, mpa_engine=mpa_engine,
                              replica_id=replica_id, wallet_pinning=wallet_pinning)
        del wallet_pin_store  # the seed's separate pin table: pins live in the guard's store
        audit = AuditLog(audit_writer or NullAuditWriter(), agent_id=agent_id, key=audit_key)
        self._own_store = store is None
        self._guard = Guard(config, store=store if store is not None else make_store(redis_url), audit=audit,
                            metrics=metrics_collector, mpa_engine=mpa_engine, replay_key=replay_key,
                            nlp_analyzer=analyzer, tracer_provider=tracer_provider)
        self._own_httpx = httpx_client is None
        self._httpx = httpx_client or httpx.AsyncClient(timeout=30.0, transport=DEFAULT_TRANSPORT)
        self._mpa = mpa_engine
        self._metrics = metrics_collector
        logger.info("presidio-hardened-x402 client ready")

    def __repr__(self) -> str:
        return f"<HardenedX402Client guard={self._guard!r}>"

    @property
    def guard(self) -> Guard:
        return self._guard

    @property
    def audit_log(self) -> AuditLog:
        return self._guard.audit

    async def reload(self, policy: PolicyConfig | dict[str, Any] | str | os.PathLike[str]) -> str:
        """Replaces the policy of the running client (a hot reload): a
        :class:`PolicyConfig`, a dict or a ``.toml``/``.json`` file path, with the
        constructor's other keyword arguments applied as at construction. The core
        validates it and decides what happens to payments in flight (README, "Hot
        reload"). Returns the policy's digest; a refused policy raises
        ``PolicyValidationError`` (``.code``) and the old one stays in force.
        File watching is the caller's (README)."""
        if isinstance(policy, (str, os.PathLike)):
            from .x402_policy_schema import load_policy_file

            policy = load_policy_file(os.fspath(policy))
        return await self._guard.reload_async(build_config(policy, **self._build_kw))

    # -- HTTP methods ----------------------------------------------------------------
    async def halt(self, reason: str = "", *, by: str = "") -> None:
        """The kill switch (:meth:`Guard.halt`): every payment is refused with
        ``guard-halted`` until :meth:`unhalt`, in every process sharing the store."""
        await self._guard.halt_async(reason, by=by)

    async def unhalt(self) -> None:
        """Clears the kill switch (:meth:`Guard.unhalt`)."""
        await self._guard.unhalt_async()

    async def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self._request("GET", url, **kwargs)

    async def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self._request("POST", url, **kwargs)

    async def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self._request("PUT", url, **kwargs)

    async def patch(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self._request("PATCH", url, **kwargs)

    async def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self._request("DELETE", url, **kwargs)

    async def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return await self._request(method, url, **kwargs)

    async def __aenter__(self) -> HardenedX402Client:
        return self

    async def __aexit__(self, *args: Any) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._httpx.aclose()  # as the seed: the client owns the httpx client it was given
        await self._guard.aclose()  # its own guard: saves an unsaved audit head (docs/STORES.md)
        if self._own_store:  # the store made from redis_url (a store passed in belongs to the caller)
            out = self._guard.store.close()
            if inspect.isawaitable(out):
                await out

    # -- the payment flow ----------------------------------------------------------------
    async def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        mpa_signatures = kwargs.pop("mpa_signatures", None)
        reason = kwargs.pop("payment_reason", "") or ""
        send_kw = {k: kwargs[k] for k in ("auth", "follow_redirects") if k in kwargs}
        request = self._httpx.build_request(method, url, **{k: v for k, v in kwargs.items() if k not in send_kw})
        resp = await self._httpx.send(request, stream=True, **send_kw)
        if resp.status_code != 402:
            try:
                await resp.aread()  # what httpx.AsyncClient.request does
            except BaseException:
                await resp.aclose()
                raise
            return resp
        header = resp.headers.get(HEADER_V2_REQUIRED)
        body: bytes | None = None
        if header:
            await resp.aclose()
        else:
            body = await read_challenge(resp)  # bytes, capped and within the deadline: the core decodes them
        real_url = str(resp.request.url)  # what was sent (params and redirects included)
        g = self._guard
        p = await g.begin_async(method, real_url, header, body, reason, mpa_signatures=mpa_signatures,
                                content_type=resp.headers.get("content-type"), **request_identity(request))
        paid: httpx.Response | None = None
        cause: BaseException | None = None
        while not p.done:
            if p.action["do"] == "sign":
                event, cause = await self._sign(g.details(p))
            else:
                event, paid, cause = await self._send(p.action, kwargs)
            p = await g.resume_async(p, event)
        if paid is None:
            if isinstance(cause, _SignerFailed):
                err = g.error(p)
                err.signer_error_type = cause.type_name  # type: ignore[attr-defined]
                if cause.reason is not None:
                    err.args = (f"{err.args[0] if err.args else err} ({cause.reason})", *err.args[1:])
                    raise err from cause.reason
                raise err from None
            raise g.error(p) from cause
        d = p.action
        if not d["allowed"]:
            logger.warning("paid request not settled (%s, %s): its spend stays counted", d["code"], d["settlement"])
        settlement = paid.headers.get(HEADER_V2_RESPONSE) or paid.headers.get(HEADER_V1_RESPONSE)
        paid.extensions["presidio_x402"] = {
            "settlement": _decode_settlement(settlement), "fingerprint": (d.get("details") or {}).get("fingerprint"),
            "settled": d["settlement"] == "settled", "outcome": d["settlement"], "allowed": d["allowed"],
            "code": d["code"]}
        return paid

    async def _sign(self, details: PaymentDetails) -> tuple[dict[str, Any], BaseException | None]:
        """The ``sign`` action: ``signed`` with the signer's payload, or ``signer-failed``."""
        s = self._signer
        try:
            out = s.sign(details) if hasattr(s, "sign") else s(details)
            if inspect.isawaitable(out):
                out = await out
        except Exception as exc:
            # The signer's exception is never chained into ours, nor its text
            # copied: it can hold key material. Only its type name is kept.
            reason = exc if isinstance(exc, SignerError) else None
            return {"on": "signer-failed"}, _SignerFailed(type(exc).__name__, reason)
        payload = _payload(out)
        if payload is None:
            return {"on": "signer-failed"}, None
        return {"on": "signed", "payload": payload}, None

    async def _send(self, a: dict[str, Any], kwargs: dict[str, Any]) -> tuple[dict[str, Any], Any, Any]:
        """The ``send`` action: exactly its method, URL and payment header (the
        caller's other request arguments kept), no redirects."""
        kw = {k: v for k, v in kwargs.items() if k not in ("params", "follow_redirects", "headers")}
        headers = dict(kwargs.get("headers") or {})
        headers[a["header"]["name"]] = a["header"]["value"]
        try:
            paid = await self._httpx.request(a["method"], a["url"], headers=headers, follow_redirects=False, **kw)
        except Exception as exc:
            return {"on": "network-error", "sent": not isinstance(exc, _NOT_SENT)}, None, exc
        settlement = paid.headers.get(HEADER_V2_RESPONSE) or paid.headers.get(HEADER_V1_RESPONSE)
        return {"on": "response", "status": paid.status_code, "settlement": settlement}, paid, None


__all__ = ["DEFAULT_TRANSPORT", "HardenedX402Client", "build_config", "request_identity"]
