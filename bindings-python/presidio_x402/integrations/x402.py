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
``mpa_signatures``. Each payment is one payment of the core's driver
(:mod:`presidio_x402.guard`), driven from the client's hooks:

* ``x402HTTPClient.on_payment_required`` (given the HTTP client): records the
  **real request URL**. Given only an ``x402Client``, the real URL is unknown
  and every payment is refused (``url-invalid``, audited): the server's
  claimed resource URL is never trusted;
* ``on_before_payment_creation``: the payment begins with exactly the
  requirement the client selected and runs until the driver asks to ``sign``
  (the client signs) or is ``done`` (the hook raises the seed exception of the
  refusal's family, so nothing is signed: see *Refusals* below);
* ``on_after_payment_creation``: the client's payload is the driver's
  ``signed`` answer; the v2 ``resource`` echo becomes the one of the driver's
  payment header (redacted);
* ``on_payment_creation_failure``: ``signer-failed``;
* the paid response: with the HTTP client, its ``process_payment_result`` (the
  status and the settlement header the transport saw) is the ``response``;
  hooks registered on a plain ``x402Client`` (another HTTP layer drives it)
  never see the response, so a payment is answered ``unobserved`` as soon as
  it is signed.

The official transport reads a 402 body without a bound: wrap the transport under it in
:class:`CappedTransport` (given the guard, it also reports a paid request lost in the
transport as ``network-error``).

A payment is matched across the hooks by the client's selected-requirements
object. One that another hook aborted after ours (its creation neither signed
nor failed) is answered ``signer-failed``, and a signed one whose response
never came (the transport failed) ``unobserved`` after
:data:`UNOBSERVED_AFTER_S`, both at the next payment's first hook.

Every step appends its audit line. Returns the :class:`~presidio_x402.guard.Guard`.

*Refusals.* The official ``x402AsyncTransport`` wraps any error of payment
creation in its own ``PaymentError`` unless it already is one; so the
exception a hook raises is the seed exception of the refusal's family
(``PolicyViolationError``, ``ReplayDetectedError``, …, with ``.code``, the
core's description and ``.audit_line``) *and* an ``x402.http.clients.httpx.PaymentError``:
it reaches the caller of ``httpx`` as it is (``except PolicyViolationError``
and ``except PaymentError`` both catch it).
"""

from __future__ import annotations

import base64
import json
import logging
import time
import weakref
from collections import OrderedDict, defaultdict, deque
from typing import Any, cast

import httpx

from .._core import CoreError, core
from ..audit_log import AuditLog, NullAuditWriter
from ..exceptions import error_for
from ..gateway import _NOT_SENT, HEADER_V1_RESPONSE, HEADER_V2_RESPONSE, build_config, read_challenge, request_identity
from ..guard import Guard, Payment
from ..pii_filter import _nlp_analyzer
from ..stores import make_store

logger = logging.getLogger("presidio_x402.integrations.x402")

#: A signed payment whose paid response was not reported within this many seconds is ``unobserved``.
UNOBSERVED_AFTER_S = 60.0


def _dump(model: Any) -> dict[str, Any]:
    if hasattr(model, "model_dump"):
        return cast("dict[str, Any]", model.model_dump(by_alias=True, exclude_none=True, mode="json"))
    return dict(model)


def _key(obj: Any) -> str:
    return json.dumps(_dump(obj) if not isinstance(obj, dict) else obj, sort_keys=True, separators=(",", ":"))


#: Seed exception class -> the same class that is also the SDK's PaymentError (made once each).
_SDK_CLASSES: dict[type, type] = {}


def _for_sdk(err: Exception) -> Exception:
    """``err``, re-classed so that it is also the official transport's ``PaymentError``,
    which the transport re-raises as it is (see *Refusals* in the module notes)."""
    try:
        from x402.http.clients.httpx import PaymentError
    except ImportError:  # pragma: no cover - httpx is a dependency of this package
        return err
    cls = type(err)
    if isinstance(err, PaymentError):
        return err
    both = _SDK_CLASSES.get(cls)
    if both is None:
        both = type(cls.__name__, (cls, PaymentError), {"__module__": cls.__module__, "__qualname__": cls.__qualname__,
                                                       "__doc__": cls.__doc__})
        _SDK_CLASSES[cls] = both
    try:
        err.__class__ = both
    except TypeError:  # pragma: no cover - a layout the SDK's class cannot share
        return err
    return err


class _Hooks:
    def __init__(self, guard: Guard, mpa_signatures: Any, observed: bool) -> None:
        self.guard = guard
        self.mpa_signatures = mpa_signatures
        self.observed = observed  # the paid response reaches process_payment_result
        self.urls: dict[str, deque[str]] = defaultdict(deque)  # challenge -> request URLs
        # URL -> method and identity of the last request answered 402 (seen by CappedTransport; at most 1024)
        self.requests: OrderedDict[str, dict[str, Any]] = OrderedDict()
        # id(selected requirements) -> (its weakref, payment at `sign`)
        self.signing: dict[int, tuple[Any, Payment]] = {}
        self.sent: dict[str, tuple[float, Payment]] = {}  # signed scheme payload -> (when, payment at `send`)
        # id(payment_required) -> (its weakref, payment id, URL, request identity): the client's retry of
        # the same purchase with the same object (after ``{recovered: True}``) is begun with that id (at most 1024).
        self.purchases: OrderedDict[int, tuple[Any, str | None, str, dict[str, Any]]] = OrderedDict()

    def _purchase(self, pr: Any) -> tuple[Any, str | None, str, dict[str, Any]] | None:
        got = self.purchases.get(id(pr))
        return got if got is not None and got[0]() is pr else None

    def _remember(self, pr: Any, payment_id: str | None, url: str, seen: dict[str, Any]) -> None:
        try:
            ref = weakref.ref(pr)
        except TypeError:
            return
        self.purchases[id(pr)] = (ref, payment_id, url, seen)
        self.purchases.move_to_end(id(pr))
        while len(self.purchases) > 1024:
            self.purchases.popitem(last=False)

    async def _sweep(self) -> None:
        """Answers the payments no hook will finish (see the module notes)."""
        for k, (ref, p) in list(self.signing.items()):
            if ref() is None and self.signing.pop(k, None) is not None:
                await self.guard.resume_async(p, {"on": "signer-failed"})
        late = time.monotonic() - UNOBSERVED_AFTER_S
        for key, (t, sent) in list(self.sent.items()):
            if t < late and self.sent.pop(key, None) is not None:
                await self.guard.resume_async(sent, {"on": "unobserved"})

    async def on_payment_required(self, ctx: Any) -> None:
        self.urls[_key(ctx.payment_required)].append(ctx.request_url)
        return None

    async def before(self, ctx: Any) -> None:
        await self._sweep()
        pr = _dump(ctx.payment_required)
        sel = _dump(ctx.selected_requirements)
        q = self.urls.get(_key(pr))
        # The real request URL, as the HTTP client's hook saw it. Never the
        # server's claimed resource: without it the core refuses (url-invalid).
        url = q.popleft() if q else ""
        # The method and body identity, when CappedTransport saw the request (else a GET without a body).
        seen = self.requests.pop(url, None) or {"method": "GET"}
        earlier = self._purchase(ctx.payment_required)
        if earlier is not None and not q and not url:
            url, seen = earlier[2], earlier[3]  # the client's retry of the same purchase (same object)
        challenge = json.dumps(dict(pr, accepts=[sel]))  # exactly the requirement the client selected
        header, body = (base64.b64encode(challenge.encode()).decode(), None) if pr.get("x402Version", 1) >= 2 \
            else (None, challenge)
        p = await self.guard.begin_async(seen["method"], url, header, body, mpa_signatures=self.mpa_signatures,
                                         request_body_sha256=seen.get("request_body_sha256"),
                                         idempotency_key=seen.get("idempotency_key"),
                                         purchase=earlier[1] if earlier is not None else None)
        self._remember(ctx.payment_required, (p.action.get("details") or {}).get("payment_id")
                       if p.done else (earlier[1] if earlier is not None else None), url, seen)
        if p.done:
            raise _for_sdk(self.guard.error(p))  # the client aborts: nothing is signed
        self.signing[id(ctx.selected_requirements)] = (weakref.ref(ctx.selected_requirements), p)
        return None

    def saw_402(self, request: httpx.Request) -> None:
        """Records the method and identity of a request the server answered 402."""
        self.requests[str(request.url)] = {"method": request.method, **request_identity(request)}
        while len(self.requests) > 1024:
            self.requests.popitem(last=False)

    def _take(self, req: Any) -> Payment | None:
        ref, p = self.signing.get(id(req), (None, None))
        if ref is None or ref() is not req:
            return None
        del self.signing[id(req)]
        return p

    async def after(self, ctx: Any) -> None:
        p = self._take(ctx.selected_requirements)
        if p is None:
            return None
        payload = ctx.payment_payload
        p = await self.guard.resume_async(p, {"on": "signed", "payload": _dump(payload)})
        if p.done:
            raise _for_sdk(self.guard.error(p))
        sent = json.loads(base64.b64decode(p.action["header"]["value"]))
        # The echoes the client sends back are the core's redacted copies.
        for k in ("resource", "accepted"):
            if sent.get(k) is not None and getattr(payload, k, None) is not None:
                setattr(payload, k, type(getattr(payload, k)).model_validate(sent[k]))
        # The payment-identifier extension, when the server declared it: the driver's id.
        if isinstance(sent.get("extensions"), dict) and hasattr(payload, "extensions"):
            payload.extensions = sent["extensions"]
            pid = ((sent["extensions"].get("payment-identifier") or {}).get("info") or {}).get("id")
            got = self._purchase(ctx.payment_required)
            if isinstance(pid, str) and got is not None:
                self._remember(ctx.payment_required, pid, got[2], got[3])
        if self.observed:
            self.sent[_key(_dump(payload).get("payload") or {})] = (time.monotonic(), p)
        else:
            await self.guard.resume_async(p, {"on": "unobserved"})
        return None

    async def failure(self, ctx: Any) -> None:
        p = self._take(ctx.selected_requirements)
        if p is not None:
            await self.guard.resume_async(p, {"on": "signer-failed"})
        return None

    async def failed(self, wire: str, sent: bool) -> None:
        """The paid request carrying ``wire`` (its payment header) failed in the transport."""
        try:
            key = _key(json.loads(base64.b64decode(wire)).get("payload") or {})
        except (ValueError, AttributeError):
            return
        p = self.sent.pop(key, (0.0, None))[1]
        if p is not None:
            await self.guard.resume_async(p, {"on": "network-error", "sent": sent})

    async def response(self, payload: Any, get_header: Any, status: int) -> None:
        p = self.sent.pop(_key(_dump(payload).get("payload") or {}), (0.0, None))[1]
        if p is not None:
            settlement = get_header(HEADER_V2_RESPONSE) or get_header(HEADER_V1_RESPONSE)
            await self.guard.resume_async(p, {"on": "response", "status": int(status), "settlement": settlement})


#: The hooks of each guard :func:`harden` made (for :class:`CappedTransport`).
_HOOKS: weakref.WeakKeyDictionary[Guard, _Hooks] = weakref.WeakKeyDictionary()


class CappedTransport(httpx.AsyncBaseTransport):
    """Wraps the transport under the official client's ``x402AsyncTransport`` so
    that the client reads a 402 body as the core's limits say (at most
    ``max_challenge_bytes`` + 1 bytes, within ``challenge_read_ms``): a body
    over the cap or cut by the deadline reaches the client cut, and it pays
    nothing (the official client reads the 402 body without a bound). Given
    the guard :func:`harden` returned, the guard learns each 402's method and
    body identity (else a payment is judged as a ``GET`` without a body), and a paid request that fails in the
    transport (a reset connection) is reported to it as it happens
    (``network-error``), not ``unobserved`` after :data:`UNOBSERVED_AFTER_S`::

        guard = harden(http, ...)
        x402AsyncTransport(http, transport=CappedTransport(httpx.AsyncHTTPTransport(), guard))
    """

    def __init__(self, inner: httpx.AsyncBaseTransport, guard: Guard | None = None) -> None:
        self._inner = inner
        self._guard = guard

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            r = await self._inner.handle_async_request(request)
        except Exception as exc:
            hooks = _HOOKS.get(self._guard) if self._guard is not None else None
            wire = request.headers.get("payment-signature") or request.headers.get("x-payment")
            if hooks is not None and wire:
                await hooks.failed(wire, sent=not isinstance(exc, _NOT_SENT))
            raise
        if r.status_code != 402:
            return r
        hooks = _HOOKS.get(self._guard) if self._guard is not None else None
        if hooks is not None:
            hooks.saw_402(request)
        body = await read_challenge(r, raw=True)
        headers = [(k, v) for k,
                   v in r.headers.multi_items() if k.lower() not in ("content-length", "transfer-encoding")]
        return httpx.Response(r.status_code, headers=headers, content=body, extensions=r.extensions, request=request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def _observe(http: Any, hooks: _Hooks) -> None:
    """Wraps ``http.process_payment_result``: the transport reports every paid response there."""
    inner = http.process_payment_result

    async def process_payment_result(payment_payload: Any, get_header: Any, status: int) -> Any:
        try:
            await hooks.response(payment_payload, get_header, status)
        except Exception:
            logger.exception("could not report the paid response to the guard")
        return await inner(payment_payload, get_header, status)

    http.process_payment_result = process_payment_result


def harden(client: Any, *, mpa_signatures: Any = None, policy: Any = None, pii_action: str = "redact",
           pii_entities: Any = None, replay_ttl: int = 300, redis_url: str | None = None, audit_writer: Any = None,
           agent_id: str | None = None, mpa_engine: Any = None, metrics_collector: Any = None,
           trusted_wallets: Any = None, store: Any = None, audit_key: Any = None, replay_key: Any = None,
           replica_id: str | None = None, pii_mode: str = "regex", nlp_analyzer: Any = None,
           sdk_spend_controls: str = "off") -> Guard:
    """Registers the guard's hooks on an official ``x402Client`` or ``x402HTTPClient``.

    ``sdk_spend_controls``: the client's own spend controls (``x402`` ≥ 2.25: $1
    a payment on known stablecoins by default) run while it selects a
    requirement, before any hook, so a payment they refuse never reaches the
    guard's audit log or metrics. ``"off"`` (default) switches the defaults off,
    so the guard's policy is the one in force, and refuses controls the caller
    set (``config-client-spend-controls``: put those limits in the policy);
    ``"keep"`` leaves them (their refusals are then not audited).

    The synchronous clients (``x402ClientSync``, ``x402HTTPClientSync``, used by the
    ``requests`` adapter) are refused (``config-bad-type``, with a message that
    says so), as is anything else: their hooks cannot await the guard's
    approvals and store, and a hook of the wrong kind would fail every payment.
    """
    _check_client(client)
    from x402.http import x402HTTPClient

    http: Any | None = client if isinstance(client, x402HTTPClient) else None
    core_client = client._client if http is not None else client
    _take_over_spend_controls(core_client, sdk_spend_controls)
    config = build_config(policy, pii_entities=pii_entities, pii_action=pii_action, replay_ttl=replay_ttl,
                          agent_id=agent_id, trusted_wallets=trusted_wallets, mpa_engine=mpa_engine,
                          replica_id=replica_id)
    guard = Guard(config, store=store if store is not None else make_store(redis_url),
                  audit=AuditLog(audit_writer or NullAuditWriter(), agent_id=agent_id, key=audit_key),
                  metrics=metrics_collector, mpa_engine=mpa_engine, replay_key=replay_key,
                  nlp_analyzer=(nlp_analyzer if nlp_analyzer is not None else _nlp_analyzer())
                  if pii_mode == "nlp" else None)
    hooks = _Hooks(guard, mpa_signatures, observed=http is not None)
    _HOOKS[guard] = hooks
    if http is not None:
        http.on_payment_required(hooks.on_payment_required)
        _observe(http, hooks)
    core_client.on_before_payment_creation(hooks.before)
    core_client.on_after_payment_creation(hooks.after)
    core_client.on_payment_creation_failure(hooks.failure)
    return guard


def _check_client(client: Any) -> None:
    """Refuses a client :func:`harden` cannot hook (see there), before anything is registered."""
    from x402 import x402Client, x402ClientSync
    from x402.http import x402HTTPClient, x402HTTPClientSync

    from ..x402_policy_schema import PolicyValidationError

    if isinstance(client, (x402Client, x402HTTPClient)):
        return
    if isinstance(client, (x402ClientSync, x402HTTPClientSync)):
        why = (f"harden() takes the asyncio x402Client or x402HTTPClient, not {type(client).__name__}: "
               "the synchronous clients (the requests adapter) are not supported; use x402Client with "
               "x402AsyncTransport (httpx)")
    else:
        why = f"harden() takes an x402Client or x402HTTPClient of the x402 package, not {type(client).__name__}"
    raise PolicyValidationError(why, [f"client: config-bad-type: {why}"], [("client", "config-bad-type")])


def _take_over_spend_controls(client: Any, mode: Any) -> None:
    """Makes the guard's policy the one in force on ``client`` (see :func:`harden`): the core
    decides (``client.spend-controls``) from what the client holds; this only reads the
    field and calls the setter."""
    setter = getattr(client, "set_spend_controls", None)
    held = getattr(client, "_spend_controls", {})
    current = "absent" if setter is None else "off" if held is False else "default" if not held else "custom"
    try:
        action = core().call("client.spend-controls", {"mode": mode, "current": current})["action"]
    except CoreError as e:
        raise error_for(e.code) from None
    if action == "switch-off" and setter is not None:
        setter(False)


__all__ = ["CappedTransport", "harden"]
