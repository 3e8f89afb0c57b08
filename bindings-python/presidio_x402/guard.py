"""The host side of one configured guard: an executor of the core's driver.

The payment protocol (state transactions and their retry, replay set and
forget, approvals and their deadline, the settlement rule, the audit chain and
its repair, error families, metrics) is the core's sans-I/O driver; its
grammar (events, actions, batches, call order) is the crate doc of
``core/src/driver/mod.rs``. A :class:`Guard` only performs the driver's
actions, in order, and reports what happened:

=================  ==============================================  ====================================
action             performed with                                  answered with
=================  ==============================================  ====================================
``load-state``     ``store.load_versioned()``                      ``state`` (``store-error``)
``cas-state``      ``store.cas_state(state, version, fp, ttl,      ``cas``
                   now, head=save_head)`` (``head`` only when
                   the action carries one), else
                   ``store.compare_and_set(state, version)``
``replay-set``     ``store.replay_check_and_set(fp, ttl, now)``    ``replay``
``replay-forget``  ``store.replay_forget(fp)``, best effort        —
``load-head``      ``store.load_head(replica)``, the log's head    ``head``
``save-head``      ``store.save_head(replica, head, prev_seq)``    ``head-save-failed`` when refused
``audit``          the audit writer                                ``audit-failed`` when it fails
``post-webhook``   :func:`presidio_x402.mpa.post_webhook`          ``webhook`` (all in parallel)
``countersign``    the caller's ``mpa_signatures``                 ``countersignatures``
``ask-human``      :func:`presidio_x402.mpa.ask_human` (the         ``human``
                   engine's ``on_human_approval``)
``sleep``          the clock                                       ``wake``
``alert``          :func:`post_alert` in a thread, not awaited     —
``sign``/``send``  the caller (:meth:`Guard.resume`)               ``signed``/``signer-failed``,
                                                                   ``response``/``network-error``/
                                                                   ``unobserved``
``done``           the verdict: metrics; :meth:`Guard.error`       —
=================  ==============================================  ====================================

:meth:`Guard.begin` starts a payment and :meth:`Guard.resume` feeds the
caller's answer; both run the driver until it asks for ``sign`` or ``send``,
or is ``done`` (:attr:`Payment.action`). They return a :class:`Payment`
directly with a synchronous store and a coroutine with an asynchronous one;
the ``*_async`` variants always return a coroutine. The store and the audit
writer are used under the guard's lock (audit lines reach the writer in the
order the driver chained them); signing, sending, approvals and back-off
sleeps run outside it. Used by :class:`presidio_x402.HardenedX402Client` and
the official-client integration (:mod:`presidio_x402.integrations.x402`).
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import contextlib
import inspect
import json
import logging
import random
import threading
import time
import weakref
from collections.abc import Generator
from typing import Any, cast

from . import _keys
from . import mpa as _mpa
from . import otel as _otel
from ._core import ConfigErrors, CoreError, Driver, core
from ._nlp import NLP_ENTITIES, metadata_texts
from ._nlp import hints as nlp_hints
from ._types import PaymentDetails
from .audit_log import AuditLog, NullAuditWriter
from .config_types import GuardConfig
from .exceptions import X402Error, error_for
from .stores import SINGLE_REPLICA, MemoryStore, StoreError, is_async_store, now_ms

logger = logging.getLogger("presidio_x402")

#: The executor's requests to its runner: ``("call", store_method, args)``,
#: ``("sleep", seconds)`` or ``("approvals", payment, actions)``.
Steps = Generator[tuple[Any, ...], Any, Any]
#: A 402 body: text, or the bytes read (the core decodes them).
Body = str | bytes | bytearray | None

_STOPS = ("sign", "send", "done")
_APPROVALS = ("post-webhook", "countersign", "ask-human")
_ASKS = ("load-state", "cas-state", "replay-set", "load-head")


class Payment:
    """One payment in flight: the driver's task and the action it stopped at
    (``sign``, ``send`` or ``done``, in :attr:`action`)."""

    def __init__(self, begin: dict[str, Any], signatures: Any) -> None:
        self.id = 0
        self.begin = begin
        self._signatures = _keys.Sealed(signatures)
        self.action: dict[str, Any] = {}
        #: The approval request, when the driver asked for approvals.
        self.approval: _mpa.ApprovalRequest | None = None

    def __repr__(self) -> str:
        return f"<Payment {self.id} at {self.action.get('do')!r}>"

    @property
    def signatures(self) -> Any:
        """The caller's ``mpa_signatures`` (countersignatures or pre-approval tokens), kept
        sealed: ``vars()`` of a payment does not show them."""
        return self._signatures.get()

    @property
    def done(self) -> bool:
        return self.action.get("do") == "done"

    @property
    def allowed(self) -> bool:
        return self.done and self.action.get("allowed") is True

    @property
    def code(self) -> str | None:
        return self.action.get("code")


def _without_secrets(config: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``config`` whose MPA approver secrets are ``"***"``."""
    out = dict(config)
    mpa = out.get("mpa")
    if isinstance(mpa, dict) and isinstance(mpa.get("approvers"), list):
        out["mpa"] = dict(mpa, approvers=[dict(a, secret="***")  # noqa: S106 - a mask, not a secret
                                          if isinstance(a, dict) and "secret" in a else a
                                          for a in mpa["approvers"]])
    return out


#: Longest an alert post may take, in seconds.
ALERT_TIMEOUT_S = 10.0


def _send_alert(url: str, body: str, headers: dict[str, str]) -> None:
    import http.client
    from urllib.parse import urlsplit

    u = urlsplit(url)
    conn_type = http.client.HTTPSConnection if u.scheme == "https" else http.client.HTTPConnection
    conn = conn_type(u.hostname or "", u.port, timeout=ALERT_TIMEOUT_S)
    try:
        path = (u.path or "/") + (f"?{u.query}" if u.query else "")
        conn.request("POST", path, body=body.encode(), headers=headers)
        conn.getresponse().read(4096)  # no redirect is followed
    finally:
        conn.close()


def post_alert(a: dict[str, Any]) -> threading.Thread:
    """Performs an ``alert`` action: one POST of the driver's ``body`` with its
    ``headers`` (the signature header is the core's) to ``url``, in a daemon
    thread the payment never waits for; no retry, no redirect, a failure is
    only logged (alerts are best effort, the audit line is the record)."""
    def run() -> None:
        try:
            _send_alert(str(a["url"]), str(a["body"]), {str(k): str(v) for k, v in dict(a["headers"]).items()})
        except Exception as e:
            logger.warning("could not post a budget alert: %s", type(e).__name__)

    t = threading.Thread(target=run, name="presidio-x402-alert", daemon=True)
    t.start()
    return t


class Guard:
    """A configured guard: the core's ``driver`` plus keys, store, audit log, metrics and approvers."""

    def __init__(self, config: GuardConfig | dict[str, Any], *, store: Any = None, audit: AuditLog | None = None,
                 metrics: Any = None, mpa_engine: Any = None, replay_key: Any = None,
                 nlp_analyzer: Any = None, tracer_provider: Any = None) -> None:
        self._core = core()
        cfg: dict[str, Any] = dict(config)
        #: OpenTelemetry: the tracer provider payments' spans go to (``None``: the
        #: global one; nothing without ``opentelemetry-api``, see :mod:`presidio_x402.otel`).
        self.tracer_provider = tracer_provider
        #: The configuration, approver secrets replaced by ``"***"`` (the
        #: driver got them once; no attribute of the guard holds a raw key).
        self.config = _without_secrets(cfg)
        self.store = store if store is not None else MemoryStore()
        self.audit = audit if audit is not None else AuditLog()
        self.metrics = metrics
        self.mpa = mpa_engine
        #: ``pii_mode="nlp"``: an analyzer whose spans go to the core as hints (see ``_nlp``).
        self.nlp_analyzer = nlp_analyzer
        self._nlp_entities = [e for e in (cfg.get("pii") or {}).get("entities") or NLP_ENTITIES if e in NLP_ENTITIES]
        #: This process's replica id (config ``replica_id``; ``"-"`` for a single process).
        self.replica: str = str(cfg.get("replica_id") or SINGLE_REPLICA)
        #: The host clock (epoch milliseconds) every crossing carries.
        self.clock = now_ms
        shared = not isinstance(self.store, MemoryStore)
        writer = self.audit.writer
        # The audit head goes to the store when a log is kept (a replica's chain has one writer).
        self.profile = {"shared": shared, "keep_head": shared and not isinstance(writer, NullAuditWriter),
                        "log_reads_back": hasattr(writer, "resume_head") or self.audit.head is not None,
                        # Without ``cas_state`` the driver sets the fingerprint with its own ``replay-set``.
                        "cas_fingerprint": hasattr(self.store, "cas_state"),
                        # A store whose ``cas_state`` also saves a head: the driver may let a line's
                        # head ride with a ``cas-state`` (``save_head``) instead of a ``save-head``.
                        "cas_head": getattr(self.store, "cas_head", False) is True
                        and hasattr(self.store, "cas_state")}
        replay = (_keys.coerce_key(replay_key, "replay key") or _keys.fingerprint_key()).bytes()
        try:
            self._d = Driver.create(json.dumps(cfg, ensure_ascii=False), json.dumps(self.profile), replay,
                                    self.audit.key_bytes, core=self._core)
        except ConfigErrors as e:
            from .x402_policy_schema import PolicyValidationError

            lines = [f"{p or '(root)'}: {c}: {self._core.describe(c)}" for p, c in e.errors]
            raise PolicyValidationError("invalid guard configuration:\n" + "\n".join("  - " + ln for ln in lines),
                                        lines, e.errors) from None
        self._lock = threading.Lock()
        self._async = is_async_store(self.store)
        self._ready = False
        # An unsaved audit head (a ``done`` with ``unsaved_head_ms``): flushed once quiet.
        self._closed = False
        self._flush_at: float | None = None
        self._flush_cond = threading.Condition()
        self._flush_thread: threading.Thread | None = None
        self._flush_handle: asyncio.TimerHandle | None = None
        self._flush_task: asyncio.Task[Any] | None = None

    def __repr__(self) -> str:
        return f"<Guard store={type(self.store).__name__} replica={self.replica!r}>"

    def close(self) -> None:
        """Saves an audit head the store does not hold yet (the last payment's, when
        heads ride the compare-and-sets; docs/STORES.md "Flushing the head"), then
        releases the driver. With an asynchronous store use :meth:`aclose` (this
        only releases the driver). A head that could not be saved raises its coded
        error once the driver is released. Idempotent."""
        if self._closed:
            return
        done = None
        try:
            self._stop_flushing()
            if not self._async and self._ready:
                done = self._run_sync(self._flush())
        finally:
            self._d.close()
        self._flushed(done)

    async def aclose(self) -> None:
        """:meth:`close`, awaited: with an asynchronous store the head is saved too."""
        if self._closed:
            return
        done = None
        try:
            self._stop_flushing()
            if self._ready:
                done = await self._run_async(self._flush()) if self._async else self._run_sync(self._flush())
        finally:
            self._d.close()
        self._flushed(done)

    @staticmethod
    def _flushed(done: Any) -> None:
        if isinstance(done, dict) and done.get("allowed") is not True:
            raise error_for(done.get("code"), done.get("details"))

    # -- the quiet flush of an unsaved audit head (core ``Driver::flush``) ------------------
    def _arm(self, after_ms: int) -> None:
        """A ``done`` said the head is not saved yet: flush it once ``after_ms`` passed
        with no run holding the guard (the driver saves nothing while a payment is
        in flight; that payment's ``done`` arms again)."""
        if self._closed:
            return
        if self._async:
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:
                return
            if self._flush_handle is not None:
                self._flush_handle.cancel()
            self._flush_handle = loop.call_later(after_ms / 1000, self._flush_later)
            return
        with self._flush_cond:
            idle = self._flush_at is None
            self._flush_at = time.monotonic() + after_ms / 1000
            if self._flush_thread is None:
                self._flush_thread = threading.Thread(target=_flusher, args=(weakref.ref(self), self._flush_cond),
                                                      name="presidio-x402-flush", daemon=True)
                self._flush_thread.start()
            elif idle:
                self._flush_cond.notify()
        _UNSAVED.add(self)

    def _flush_later(self) -> None:
        self._flush_handle = None
        if not self._closed:
            self._flush_task = asyncio.get_running_loop().create_task(self._flush_quiet_async())

    async def _flush_quiet_async(self) -> None:
        try:
            await self._run_async(self._flush())
        except Exception:  # the next payment rereads the head
            logger.debug("could not flush the audit head", exc_info=True)

    def _flush_quiet(self) -> None:
        """The flusher thread's flush (sync stores): under the guard's lock, so every
        batch given out has been performed (the driver's contract)."""
        try:
            self._run_sync(self._flush())
        except Exception:  # the next payment rereads the head
            logger.debug("could not flush the audit head", exc_info=True)

    def _stop_flushing(self) -> None:
        self._closed = True
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        with self._flush_cond:
            self._flush_at = None
            self._flush_cond.notify_all()
        _UNSAVED.discard(self)

    def _flush(self) -> Steps:
        """The driver's flush task (core ``Driver::flush``), run like a control task."""
        if not self._ready:
            return None
        start = json.loads(self._d.flush(self.clock()))
        batch = start["actions"]
        while True:
            kind, out = yield from self._batch(None, batch)
            if kind == "stop":
                return out
            batch = self._cross(start["id"], out)

    # -- the caller's API ---------------------------------------------------------------
    def begin(self, method: str, url: str, payment_required: str | None = None, body: Body = None,
              reason: str = "", *, mpa_signatures: Any = None, content_type: str | None = None,
              request_body_sha256: str | None = None, idempotency_key: str | None = None,
              purchase: str | None = None) -> Any:
        """Starts a payment for a request that got a 402 (``url``: the real request
        URL; the 402's ``PAYMENT-REQUIRED`` header and/or body) and runs it to
        ``sign`` or ``done``. ``body``: text, or the bytes read (at most
        ``limits()["max_challenge_bytes"]`` + 1), which the core decodes with
        ``content_type`` (the 402's ``Content-Type``). ``mpa_signatures``:
        countersignatures or pre-approval tokens (a dict, or a callable given the
        :class:`~presidio_x402.mpa.ApprovalRequest`). ``request_body_sha256``
        (hex SHA-256 of the paid request's body, if it has one) and
        ``idempotency_key`` (its ``Idempotency-Key`` header) are part of what
        names the purchase (see
        :func:`presidio_x402.gateway.request_identity`). ``purchase``: the
        payment id of an earlier attempt of the same purchase (its
        ``done.details.payment_id``) when this is a retry of it: reused, or the
        payment is refused with ``payment-id-mismatch``."""
        p = self._new(method, url, payment_required, body, reason, mpa_signatures, content_type,
                      request_body_sha256, idempotency_key, purchase)
        return self._drive(self._course(p, None))

    async def begin_async(self, method: str, url: str, payment_required: str | None = None,
                          body: Body = None, reason: str = "", *, mpa_signatures: Any = None,
                          content_type: str | None = None, request_body_sha256: str | None = None,
                          idempotency_key: str | None = None, purchase: str | None = None) -> Payment:
        p = self._new(method, url, payment_required, body, reason, mpa_signatures, content_type,
                      request_body_sha256, idempotency_key, purchase)
        return cast("Payment", await self._run_async(self._course(p, None)))

    def resume(self, p: Payment, event: dict[str, Any]) -> Any:
        """Feeds the caller's answer to ``sign`` (``{"on": "signed", "payload"}`` or
        ``{"on": "signer-failed"}``) or ``send`` (``{"on": "response", "status",
        "settlement"}``, ``{"on": "network-error", "sent"}`` or ``{"on":
        "unobserved"}``) and runs the payment to its next stop."""
        return self._drive(self._course(p, [event]))

    async def resume_async(self, p: Payment, event: dict[str, Any]) -> Payment:
        return cast("Payment", await self._run_async(self._course(p, [event])))

    # -- operator controls: the kill switch (README "Operator controls") ------------------
    def halt(self, reason: str = "", *, by: str = "") -> Any:
        """Halts the guard: the flag is stored in the guard's state (every process
        sharing the store sees it) and every payment is refused with
        ``guard-halted`` until :meth:`unhalt`. ``reason`` and ``by`` (each at most
        256 bytes, no control characters) stay in the state; the audit log gets a
        ``guard_halted`` line. (Named ``unhalt``, not ``resume``: :meth:`resume`
        feeds a payment.) With an async store this returns the coroutine of
        :meth:`halt_async`."""
        if self._async:
            return self.halt_async(reason, by=by)
        self._control_done(self._drive(self._control({"halt": True, "by": by, "reason": reason})))

    async def halt_async(self, reason: str = "", *, by: str = "") -> None:
        self._control_done(await self._run_async(self._control({"halt": True, "by": by, "reason": reason})))

    def unhalt(self) -> Any:
        """Clears the kill switch set by :meth:`halt` (audited ``guard_resumed``);
        with an async store, the coroutine of :meth:`unhalt_async`."""
        if self._async:
            return self.unhalt_async()
        self._control_done(self._drive(self._control({"halt": False})))

    async def unhalt_async(self) -> None:
        self._control_done(await self._run_async(self._control({"halt": False})))

    def halted(self) -> dict[str, Any] | None:
        """The kill switch as this guard last saw the state: ``{"by", "reason",
        "at_ms"}``, or ``None`` when not halted."""
        return cast("dict[str, Any] | None", json.loads(self._d.state()).get("halted"))

    def _control(self, control: dict[str, Any]) -> Steps:
        """The driver's control task, run like a payment's crossings."""
        if not self._ready:
            yield from self._open()
        start = json.loads(self._d.control(json.dumps(control), self.clock()))
        batch = start["actions"]
        while True:
            kind, out = yield from self._batch(None, batch)
            if kind == "stop":
                return out
            batch = out if kind == "batch" else self._cross(start["id"], out)

    @staticmethod
    def _control_done(done: Any) -> None:
        if not isinstance(done, dict) or done.get("allowed") is not True:
            d = done if isinstance(done, dict) else {}
            raise error_for(d.get("code"), d.get("details"))

    def details(self, p: Payment) -> PaymentDetails:
        """What the signer gets, from the ``sign`` action (redacted metadata)."""
        a = p.action
        m = a.get("metadata") or {}
        req = a.get("requirements") or {}
        return PaymentDetails(
            resource_url=m.get("resource_url") or "", pay_to=a.get("pay_to") or "", amount=a.get("amount_usd") or "",
            currency="USD", network=a.get("network") or "", deadline_seconds=int(req.get("maxTimeoutSeconds") or 0),
            description=m.get("description") or "", reason=m.get("reason") or "",
            extra=m["extra"] if isinstance(m.get("extra"), dict) else {}, amount_atomic=a.get("amount") or "",
            asset=a.get("asset") or "", scheme=a.get("scheme") or "exact", x402_version=int(a.get("x402_version") or 1),
            requirements=req, resource=a.get("resource"), request_url=m.get("request_url") or "")

    def reload(self, config: dict[str, Any]) -> Any:
        """Replaces the policy of the running guard (a hot reload) with a new
        configuration, given as at construction. The core validates it and decides
        what happens to payments in flight (README, "Hot reload"); the reload is
        audited and counted (``x402_policy_reloads_total``). Returns the policy's
        digest (hex SHA-256 of its RFC 8785 form); a refused policy raises
        ``PolicyValidationError`` listing every problem (``.code`` the first; a
        changed ``replica_id``/``agent_id`` is ``config-identity-changed``), or the
        coded error of the audit failure, and the old policy stays in force.
        A coroutine with an asynchronous store (see :meth:`reload_async`)."""
        return self._drive(self._reload(config))

    async def reload_async(self, config: dict[str, Any]) -> str:
        """:meth:`reload`, awaited."""
        return cast("str", await self._run_async(self._reload(config)))

    def _reload(self, config: dict[str, Any]) -> Steps:
        if not self._ready:
            yield from self._open()
        start = json.loads(self._d.reload(json.dumps(config, ensure_ascii=False), self.clock()))
        batch = start["actions"]
        while True:
            kind, out = yield from self._batch(None, batch)
            if kind == "stop":
                self._done(out)
                details = out.get("details") or {}
                if out.get("allowed") is not True:
                    errors = [(e["path"], e["code"]) for e in details.get("errors") or []]
                    if not errors:
                        raise error_for(out.get("code") or "invalid-input", details)
                    from .x402_policy_schema import PolicyValidationError

                    lines = [f"{p or '(root)'}: {c}: {self._core.describe(c)}" for p, c in errors]
                    raise PolicyValidationError("policy reload refused, the old policy is kept:\n"
                                                + "\n".join("  - " + ln for ln in lines), lines, errors)
                self.config = _without_secrets(config)
                return str(details.get("policy_sha256") or "")
            batch = self._cross(start["id"], out)

    def error(self, p: Payment) -> Exception:
        """The seed exception of a refused payment (its ``done``), from the core's error table."""
        mpa = self.mpa.config.threshold if self.mpa is not None else (self.config.get("mpa") or {}).get("threshold")
        err = error_for(p.code, p.action.get("details"), threshold=int(mpa or 0),
                        approval_request=p.approval.as_dict() if p.approval is not None else None)
        line = p.action.get("audit_line")
        if isinstance(line, str) and isinstance(err, X402Error):
            err.audit_line = line
        return err

    def state(self) -> str:
        """The core's serialised state (spend ledger, pins): with a shared store,
        as of this guard's last step."""
        return self._d.state()

    def load_state(self, blob: str) -> None:
        """Replaces the state with a saved one (``state()`` output), for a guard on
        a :class:`MemoryStore`. A state the core cannot read raises
        ``StoreUnavailableError`` (``state-corrupt``)."""
        try:
            self._d.load_state(blob)
        except CoreError as e:
            raise error_for(e.code) from None

    def _new(self, method: str, url: str, payment_required: str | None, body: Body, reason: str,
             signatures: Any, content_type: str | None = None, request_body_sha256: str | None = None,
             idempotency_key: str | None = None, purchase: str | None = None) -> Payment:
        b: dict[str, Any] = {"method": method, "url": url, "payment_required": payment_required,
                             "reason": reason or "", "seed": random.getrandbits(63),
                             "request_body_sha256": request_body_sha256, "idempotency_key": idempotency_key}
        if purchase is not None:
            b["purchase"] = purchase
        if _otel.tracing(self.tracer_provider):
            b["spans"] = True
        if isinstance(body, (bytes, bytearray)):
            b["body_base64"] = base64.b64encode(bytes(body)).decode("ascii")  # the core decodes the bytes
            b["content_type"] = content_type
            text: str | None = bytes(body).decode("utf-8", "replace")  # for the detector's hints only
        else:
            b["body"] = text = body
        if self.nlp_analyzer is not None and self._nlp_entities:
            b["hints"] = nlp_hints(self.nlp_analyzer, metadata_texts(url, payment_required, text, reason or ""),
                                   self._nlp_entities)
        return Payment(b, signatures)

    # -- the executor: actions to I/O, answers to events ------------------------------------
    def _course(self, p: Payment, events: list[dict[str, Any]] | None) -> Steps:
        """Crossings of ``p`` (begun when ``events`` is None) until it stops."""
        if events is None:
            if not self._ready:
                yield from self._open()
            start = json.loads(self._d.begin(json.dumps(p.begin), self.clock()))
            p.id, batch = start["id"], start["actions"]
        else:
            batch = self._cross(p.id, events)
        while True:
            kind, out = yield from self._batch(p, batch)
            if kind == "stop":
                p.action = out
                if out["do"] == "done":
                    self._done(out)
                return p
            batch = out if kind == "batch" else self._cross(p.id, out)

    def _open(self) -> Steps:
        """The driver's start-up task: the replica's head in the store and in the log."""
        start = json.loads(self._d.open())
        batch = start["actions"]
        while True:
            kind, out = yield from self._batch(None, batch)
            if kind == "stop":
                # Run once: after a refused start-up the driver rereads the head at the next payment.
                self._ready = True
                if out.get("allowed") is not True:
                    logger.error("the guard cannot start (%s): the audit head of replica %r in the store is not this "
                                 "log's (another process with the same replica_id?) or the store failed",
                                 (out.get("details") or {}).get("reason", out.get("code")), self.replica)
                return None
            batch = self._cross(start["id"], out)

    def _cross(self, task: int, events: list[dict[str, Any]], at: int | None = None) -> list[dict[str, Any]]:
        batch = json.loads(self._d.handle(task, self.clock() if at is None else at, json.dumps(events)))
        if not batch and at is None:
            raise RuntimeError("the driver answered an empty batch")
        return cast("list[dict[str, Any]]", batch)

    def _batch(self, p: Payment | None, batch: list[dict[str, Any]]) -> Steps:
        """Performs a batch in order: ``("events", events)`` for the next crossing,
        ``("batch", actions)`` when approvals already crossed, or ``("stop",
        action)`` at ``sign``, ``send`` or ``done``."""
        events: list[dict[str, Any]] = []
        i = 0
        while i < len(batch):
            a, i = batch[i], i + 1
            do = a["do"]
            if do in _STOPS:
                return "stop", a
            if do in _APPROVALS and p is not None and all(x["do"] in _APPROVALS for x in batch[i:]):
                # Every approval answer crosses when it arrived: an early answer is
                # never late because a slower approver ran into the deadline.
                for at, ev in (yield ("approvals", p, batch[i - 1:])):
                    nxt = self._cross(p.id, [ev], at)
                    if nxt:
                        return "batch", nxt
                raise RuntimeError("the approvals ended without a batch")
            if do == "sleep":
                yield ("sleep", max(0, int(a["until_ms"]) - self.clock()) / 1000.0)
                events.append({"on": "wake"})
            elif do == "audit":
                try:
                    self.audit.record(a["line"], a["head"])
                except Exception:
                    return "events", [{"on": "audit-failed"}]
            elif do == "save-head":
                try:
                    ok = yield ("call", "save_head", (a["replica"], a["head"], a["prev_seq"]))
                except Exception:
                    ok = False
                if ok is not True:
                    return "events", [{"on": "head-save-failed"}]
            elif do == "replay-forget":
                try:
                    yield ("call", "replay_forget", (a["fingerprint"],))
                except Exception:
                    logger.warning("could not forget a released payment's fingerprint: a retry within its TTL is a "
                                   "replay")
            elif do == "alert":
                post_alert(a)
            elif do in _ASKS:
                try:
                    events.append((yield from self._ask(a)))
                except Exception:
                    events.append({"on": "store-error"})
            else:
                raise RuntimeError(f"cannot perform the driver's action {do!r} here")
        return "events", events

    def _ask(self, a: dict[str, Any]) -> Steps:
        """A store action that needs an answer, as its event (an unusable answer raises)."""
        do = a["do"]
        if do == "load-state":
            loaded = yield ("call", "load_versioned", ())
            if not isinstance(loaded, (tuple, list)) or len(loaded) != 2 or not isinstance(loaded[1], str) \
                    or not (loaded[0] is None or isinstance(loaded[0], str)):
                raise StoreError("load_versioned answered something other than (state, version)")
            return {"on": "state", "state": loaded[0], "version": loaded[1]}
        if do == "cas-state":
            return _cas_event((yield from self._cas_state(a)))
        if do == "replay-set":
            args = (a["fingerprint"], a["ttl_ms"], self.clock())
            return {"on": "replay", "fresh": _bool((yield ("call", "replay_check_and_set", args)))}
        stored = _head((yield ("call", "load_head", (a["replica"],)))) if a.get("from_store") else None
        return {"on": "head", "stored": stored, "log": self._log_head()}

    def _cas_state(self, a: dict[str, Any]) -> Steps:
        """A ``cas-state``: the store's ``cas_state`` when it has one, else its ``compare_and_set``
        (the driver then never sends a fingerprint: the profile says ``cas_fingerprint: false``;
        one that comes anyway fails closed). A ``save_head`` goes to ``cas_state`` as ``head``
        only for a store with ``cas_head`` (else the profile says ``cas_head: false``; one that
        comes anyway fails closed)."""
        fp = a.get("fingerprint")
        ttl = int(a.get("ttl_ms") or 0)
        head = a.get("save_head")
        if head is not None and not self.profile["cas_head"]:
            raise StoreError("cas-state with a head for a store without cas_head")
        if hasattr(self.store, "cas_state"):
            args = (a["state"], a["version"], fp, ttl, self.clock())
            if head is None:
                return (yield ("call", "cas_state", args))
            return (yield ("call", "cas_state", args, {"head": head}))
        if fp is not None:
            raise StoreError("cas-state with a fingerprint for a store without cas_state")
        return {"won": _bool((yield ("call", "compare_and_set", (a["state"], a["version"]))))}

    def _log_head(self) -> dict[str, Any] | None:
        if not self.profile["log_reads_back"]:
            return None
        w = self.audit.writer
        return _head(w.resume_head() if hasattr(w, "resume_head") else self.audit.head)

    async def _approvals(self, p: Payment, group: list[dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
        """Webhooks and countersignatures, all at once, each bounded by its
        ``deadline_ms``: ``(arrival ms, event)`` in the order they arrived."""
        async def one(a: dict[str, Any]) -> tuple[int, dict[str, Any]]:
            if a["do"] == "countersign":
                p.approval = _mpa.ApprovalRequest.from_canonical(a["request"])
                src = p.signatures if p.signatures is not None else getattr(self.mpa, "countersigner", None)
                ev = await _mpa.countersignatures(a, src)
            elif a["do"] == "ask-human":
                ev = await _mpa.ask_human(a, getattr(self.mpa, "on_human_approval", None))
            elif self.mpa is not None:
                ev = await self.mpa.post_webhook(a)
            else:
                allow_private = bool((self.config.get("mpa") or {}).get("allow_private_webhooks"))
                ev = await _mpa.post_webhook(a, allow_private=allow_private)
            return self.clock(), ev

        return sorted(await asyncio.gather(*(one(a) for a in group)), key=lambda t: t[0])

    def _done(self, d: dict[str, Any]) -> None:
        if self.metrics is not None:
            self.metrics.apply(d.get("metrics") or [])
        if d.get("spans"):
            _otel.emit(d["spans"], self.tracer_provider)
        ms = d.get("unsaved_head_ms")
        if isinstance(ms, int) and not isinstance(ms, bool):
            self._arm(ms)

    # -- runners: the same steps, synchronous or awaited --------------------------------------
    def _drive(self, gen: Steps) -> Any:
        return self._run_async(gen) if self._async else self._run_sync(gen)

    @staticmethod
    def _advance(gen: Steps, out: tuple[Any, BaseException | None]) -> tuple[bool, Any]:
        """Runs the steps to their next request with the last answer (or error):
        ``(True, payment)`` when they stopped, else ``(False, request)``."""
        try:
            return False, (gen.throw(out[1]) if out[1] is not None else gen.send(out[0]))
        except StopIteration as stop:
            return True, stop.value
        except CoreError as e:
            raise error_for(e.code) from None

    def _call(self, req: tuple[Any, ...]) -> tuple[Any, BaseException | None]:
        try:
            return getattr(self.store, req[1])(*req[2], **(req[3] if len(req) > 3 else {})), None
        except Exception as e:
            return None, e

    def _run_sync(self, gen: Steps) -> Any:
        out: tuple[Any, BaseException | None] = (None, None)
        with self._lock:  # released while waiting (back-off, approvals)
            try:
                while True:
                    done, req = self._advance(gen, out)
                    if done:
                        return req
                    if req[0] == "call":
                        out = self._call(req)
                        if inspect.isawaitable(out[0]):
                            getattr(out[0], "close", lambda: None)()
                            raise TypeError("this store is asynchronous: await the guard's methods")
                        continue
                    self._lock.release()
                    try:
                        if req[0] == "sleep":
                            time.sleep(req[1])
                            out = (None, None)
                        else:
                            out = (asyncio.run(self._approvals(*req[1:])), None)
                    finally:
                        self._lock.acquire()
            finally:
                gen.close()

    async def _acquire(self) -> None:
        delay = 0.0005
        while not self._lock.acquire(blocking=False):  # never block the event loop
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.01)

    async def _run_async(self, gen: Steps) -> Any:
        out: tuple[Any, BaseException | None] = (None, None)
        await self._acquire()
        try:
            while True:
                done, req = self._advance(gen, out)
                if done:
                    return req
                if req[0] == "call":
                    out = self._call(req)
                    if inspect.isawaitable(out[0]):
                        try:
                            out = (await out[0], None)
                        except Exception as e:
                            out = (None, e)
                    continue
                self._lock.release()
                try:
                    out = (await (asyncio.sleep(req[1]) if req[0] == "sleep" else self._approvals(*req[1:])), None)
                finally:
                    await self._acquire()
        finally:
            gen.close()
            self._lock.release()


#: Guards on a synchronous store with an unsaved audit head: flushed at interpreter exit.
_UNSAVED: weakref.WeakSet[Guard] = weakref.WeakSet()


def _flusher(ref: weakref.ref[Guard], cond: threading.Condition) -> None:
    """One guard's flusher thread: waits for the quiet deadline, then flushes. Holds
    the guard only while flushing, so an unused guard is still collected."""
    while True:
        with cond:
            g = ref()
            if g is None or g._closed:
                return
            at = g._flush_at
            wait = 1.0 if at is None else at - time.monotonic()
            if wait > 0:
                del g
                cond.wait(min(wait, 1.0))
                continue
            g._flush_at = None
        g._flush_quiet()
        del g


@atexit.register
def _flush_at_exit() -> None:
    for g in list(_UNSAVED):
        if not g._closed and g._flush_at is not None:
            with contextlib.suppress(Exception):
                g._run_sync(g._flush())


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise StoreError("the store answered something other than a bool")
    return v


def _cas_event(r: Any) -> dict[str, Any]:
    """A store's ``cas_state`` answer as the driver's ``cas`` event (a malformed one raises)."""
    if not isinstance(r, dict):
        raise StoreError("cas_state answered something other than a dict")
    ev: dict[str, Any] = {"on": "cas", "won": _bool(r.get("won"))}
    if r.get("fresh") is not None:
        ev["fresh"] = _bool(r["fresh"])
    if "head_saved" in r:  # a head-carrying cas-state's answer: the driver checks it
        ev["head_saved"] = _bool(r["head_saved"])
    v = r.get("version")
    if v is not None:
        st = r.get("state")
        if not isinstance(v, str) or not (st is None or isinstance(st, str)):
            raise StoreError("cas_state answered a malformed state or version")
        # A lost answer is a snapshot only with its state (None: the store is empty); a missing
        # one is not an empty state.
        if ev["won"]:
            ev["version"] = v
        elif "state" in r:
            ev["state"], ev["version"] = st, v
    return ev


def _head(h: Any) -> dict[str, Any] | None:
    if h is None:
        return None
    if not isinstance(h, dict) or not isinstance(h.get("seq"), int) or isinstance(h.get("seq"), bool) \
            or not isinstance(h.get("mac"), str):
        raise StoreError("an audit head is {seq, mac}")
    return {"seq": h["seq"], "mac": h["mac"]}


__all__ = ["Guard", "Payment"]
