"""``HardenedX402Client``: an async httpx client that pays x402 challenges through the guard.

Flow for a request that answers ``402``:

1. read the challenge: the v2 ``PAYMENT-REQUIRED`` header and/or the v1 JSON body;
2. the core assesses it (parse, select, PII, payee, exact policy with a
   reservation, replay fingerprint, approval request) — one component call;
3. host I/O: replay check-and-set in the store, approvals when required;
4. the core finalizes (verdict, audit line, metrics) — one component call;
   a refusal raises ``PIIBlockedError``/``PolicyViolationError``/… with ``.code``;
5. the signer gets :class:`PaymentDetails` with redacted metadata and returns
   the payment (a ``PaymentResponse``, a header string, or a PaymentPayload dict);
6. the request is retried with ``X-PAYMENT`` (v1) or ``PAYMENT-SIGNATURE`` (v2);
   the settlement header (``X-PAYMENT-RESPONSE`` / ``PAYMENT-RESPONSE``) is read;
7. the core settles: commit on success; on failure release the spend and
   forget the fingerprint, so a retry is neither charged twice nor a replay.
"""

from __future__ import annotations

import base64
import binascii
import inspect
import json
import logging
from typing import Any, Dict, List, Optional, Union

import httpx

from ._types import PaymentDetails, PaymentResponse, encode_payment
from .audit_log import AuditLog, NullAuditWriter
from .exceptions import X402Error, X402PaymentError
from .guard import Guard
from .pii_filter import _nlp_analyzer
from .policy_engine import PolicyConfig, policy_to_config
from .stores import make_store

logger = logging.getLogger("presidio_x402.gateway")

HEADER_V1_PAYMENT = "X-PAYMENT"
HEADER_V2_PAYMENT = "PAYMENT-SIGNATURE"
HEADER_V2_REQUIRED = "PAYMENT-REQUIRED"
HEADER_V1_RESPONSE = "X-PAYMENT-RESPONSE"
HEADER_V2_RESPONSE = "PAYMENT-RESPONSE"

#: Transport used when the client creates its own ``httpx.AsyncClient`` (tests set it).
DEFAULT_TRANSPORT: Optional[httpx.AsyncBaseTransport] = None
MAX_CHALLENGE_BODY = 64 * 1024


def _trusted_wallets(tw: Any) -> Any:
    """A list (any endpoint) or the seed's ``{origin: [wallets]}`` form, which the
    core applies per endpoint (``"*"``: every other endpoint)."""
    if tw is None:
        return None
    if isinstance(tw, dict):
        return {str(k): list(v) for k, v in tw.items()}
    return list(tw)


def build_config(policy: Any = None, *, pii_entities: Optional[List[str]] = None, pii_action: str = "redact",
                 replay_ttl: Optional[int] = None, agent_id: Optional[str] = None, trusted_wallets: Any = None,
                 mpa_engine: Any = None, pii_template: Optional[str] = None,
                 replica_id: Optional[str] = None) -> Dict[str, Any]:
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
    return cfg


def _decode_settlement(value: Optional[str]) -> Optional[Dict[str, Any]]:
    if not value:
        return None
    try:
        return json.loads(base64.b64decode(value, validate=True))
    except (binascii.Error, ValueError):
        try:
            return json.loads(value)
        except ValueError:
            return None


class HardenedX402Client:
    """Async HTTP client with x402 payments guarded by the core (seed API).

    Keyword arguments are the seed's: ``payment_signer``, ``policy`` (a
    :class:`PolicyConfig`, a dict or ``None`` for the core's defaults),
    ``pii_mode``, ``pii_entities``, ``pii_action``, ``replay_ttl``,
    ``redis_url``, ``audit_writer``, ``agent_id``, ``httpx_client``,
    ``mpa_engine``, ``metrics_collector``, ``trusted_wallets``. Extra:
    ``store`` (a :mod:`presidio_x402.stores` store: ``MemoryStore``,
    ``FileStore``, ``RedisStore``, ``AsyncRedisStore``; ``redis_url`` is
    ``RedisStore(redis_url)``), ``replica_id`` (this process's audit chain when
    several processes share a store), ``audit_key`` and ``replay_key`` (bytes
    or hex; default from the environment), ``nlp_analyzer`` (``pii_mode="nlp"``:
    any object with presidio's ``analyze(text=, entities=, language=)``;
    default: presidio-analyzer's ``AnalyzerEngine`` when it and a spaCy model
    are installed). Its PERSON/LOCATION/ORGANIZATION spans go to the core as
    hints; the core applies the entities, score threshold and action.

    A store failure refuses the payment with ``StoreUnavailableError``
    (``.code == "store-unavailable"``); it is never allowed unguarded.

    Request methods accept ``mpa_signatures=`` (a dict, or a callable that gets
    the :class:`~presidio_x402.mpa.ApprovalRequest`) and ``payment_reason=``.
    """

    def __init__(self, payment_signer: Any, *, policy: Union[PolicyConfig, Dict[str, Any], None] = None,
                 pii_mode: str = "regex", pii_entities: Optional[List[str]] = None, pii_action: str = "redact",
                 replay_ttl: int = 300, redis_url: Optional[str] = None, audit_writer: Any = None,
                 agent_id: Optional[str] = None, httpx_client: Optional[httpx.AsyncClient] = None,
                 mpa_engine: Any = None, metrics_collector: Any = None, trusted_wallets: Any = None,
                 store: Any = None, audit_key: Any = None, replay_key: Any = None,
                 replica_id: Optional[str] = None, nlp_analyzer: Any = None) -> None:
        if pii_mode not in ("regex", "nlp"):
            raise ValueError("pii_mode must be 'regex' or 'nlp'")
        analyzer = None
        if pii_mode == "nlp":
            analyzer = nlp_analyzer if nlp_analyzer is not None else _nlp_analyzer()  # logs once when unavailable
        self._signer = payment_signer
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
                              replica_id=replica_id)
        audit = AuditLog(audit_writer or NullAuditWriter(), agent_id=agent_id, key=audit_key)
        self._own_store = store is None
        self._guard = Guard(config, store=store if store is not None else make_store(redis_url), audit=audit,
                            metrics=metrics_collector, mpa_engine=mpa_engine, replay_key=replay_key,
                            nlp_analyzer=analyzer)
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

    # -- HTTP methods ----------------------------------------------------------------
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

    async def __aenter__(self) -> "HardenedX402Client":
        return self

    async def __aexit__(self, *args: Any) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._httpx.aclose()  # as the seed: the client owns the httpx client it was given
        if self._own_store:  # the store made from redis_url (a store passed in belongs to the caller)
            out = self._guard.store.close()
            if inspect.isawaitable(out):
                await out

    # -- the payment flow ----------------------------------------------------------------
    async def _request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        mpa_signatures = kwargs.pop("mpa_signatures", None)
        reason = kwargs.pop("payment_reason", "") or ""
        resp = await self._httpx.request(method, url, **kwargs)
        if resp.status_code != 402:
            return resp
        await resp.aread()
        header = resp.headers.get(HEADER_V2_REQUIRED)
        body = resp.text if resp.content and len(resp.content) <= MAX_CHALLENGE_BODY else (None if not resp.content else resp.text[: MAX_CHALLENGE_BODY + 1])
        g = self._guard
        a = await g.assess_async(method, str(httpx.URL(url)), header, body, reason)  # store failure: raises
        io = await g.host_io(a, mpa_signatures)
        await g.finalize_async(a, io)  # raises on refusal
        details = g.details(a)
        try:
            token = await self._sign(details)
        except Exception as exc:
            await self._settle(a, "signer-failed")
            raise X402PaymentError(g._core.describe("signer-failed"), code="signer-failed") from exc
        headers = dict(kwargs.pop("headers", None) or {})
        headers[HEADER_V2_PAYMENT if a["x402_version"] >= 2 else HEADER_V1_PAYMENT] = token
        try:
            paid = await self._httpx.request(method, url, headers=headers, **kwargs)
        except Exception as exc:
            await self._settle(a, "settlement-failed")
            raise X402PaymentError(g._core.describe("settlement-failed"), code="settlement-failed") from exc
        settlement = _decode_settlement(paid.headers.get(HEADER_V2_RESPONSE) or paid.headers.get(HEADER_V1_RESPONSE))
        ok = paid.status_code < 400 and not (isinstance(settlement, dict) and settlement.get("success") is False)
        settle_code = await self._settle(a, None if ok else "settlement-failed")
        paid.extensions["presidio_x402"] = {"settlement": settlement, "fingerprint": a["fingerprint"], "settled": ok,
                                            "settle_error": settle_code}
        return paid

    async def _settle(self, a: Any, failure: Optional[str]) -> Optional[str]:
        """Settles; a store failure here (the payment already went out) is logged
        and returned as its code: the reservation keeps counting until its lease ends."""
        try:
            await self._guard.settle_async(a, failure)
        except X402Error as e:
            logger.error("could not record the settlement (%s): the reservation counts until its lease ends", e.code)
            return e.code
        return None

    async def _sign(self, details: PaymentDetails) -> str:
        s = self._signer
        out = s.sign(details) if hasattr(s, "sign") else s(details)
        if inspect.isawaitable(out):
            out = await out
        if isinstance(out, PaymentResponse):
            out = out.token
        if isinstance(out, bytes):
            out = out.decode("ascii")
        if isinstance(out, dict):
            out = encode_payment(out if "x402Version" in out else details.payment_payload(out))
        if not isinstance(out, str) or not out:
            raise X402PaymentError("the payment signer returned no payment", code="signer-failed")
        return out


__all__ = ["HardenedX402Client", "build_config", "DEFAULT_TRANSPORT"]
_ = X402Error
