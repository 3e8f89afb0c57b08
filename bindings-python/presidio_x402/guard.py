"""The host side of one configured guard: the core's call order, with I/O.

Call order (see ``wit/presidio-x402.wit``):

1. :meth:`Guard.assess` — one component call after a 402, before signing;
2. :meth:`Guard.host_io` — the replay store's check-and-set and, when the core
   asks for it, the approvals (webhooks, countersignatures);
3. :meth:`Guard.finalize` — one component call: the verdict, the audit line,
   metric updates; refusals raise the mapped exception;
4. sign and send (the caller), then :meth:`Guard.settle` — commit or release.

Shared by :class:`presidio_x402.HardenedX402Client` and the official-client
integration (:mod:`presidio_x402.integrations.x402`). No rules here.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import logging
import random
import threading
import time
from typing import Any, Callable, Dict, Generator, List, Optional, Tuple

from . import _keys
from ._core import ConfigErrors, CoreError, core
from ._types import PaymentDetails
from .audit_log import AuditLog, NullAuditWriter
from .exceptions import (
    MPADeniedError,
    MPATimeoutError,
    PIIBlockedError,
    PolicyViolationError,
    ReplayDetectedError,
    StoreUnavailableError,
    X402Error,
    X402PaymentError,
)
from ._nlp import NLP_ENTITIES, metadata_texts
from ._nlp import hints as nlp_hints
from .stores import SINGLE_REPLICA, MemoryStore, StoreError, is_async_store, now_ms

logger = logging.getLogger("presidio_x402")

#: Compare-and-set attempts of one step before it is refused with ``store-unavailable``.
MAX_ATTEMPTS = 64

#: A step's host I/O: yields ``("call", store_method, args)`` or ``("sleep", seconds)``.
Steps = Generator[Tuple[Any, ...], Any, Any]


def _store_error(e: BaseException) -> StoreError:
    err = StoreError(f"store: {type(e).__name__}")
    err.__cause__ = e
    return err


_POLICY_CODES = {"policy-per-call-exceeded", "policy-window-exceeded", "policy-endpoint-exceeded"}


def _f(x: Optional[str]) -> float:
    return float(x) if x is not None else 0.0


class Assessment(dict):
    """The core's assessment record (a dict) with the JSON fields decoded lazily."""

    @property
    def requirements(self) -> Dict[str, Any]:
        if "_req" not in self.__dict__:
            self.__dict__["_req"] = json.loads(self["requirements_json"]) or {}
        return self.__dict__["_req"]

    @property
    def metadata(self) -> Dict[str, Any]:
        if "_meta" not in self.__dict__:
            self.__dict__["_meta"] = json.loads(self["metadata_json"])
        return self.__dict__["_meta"]

    def approval(self) -> Any:
        from .mpa import ApprovalRequest

        c = self.get("approval_request_json")
        return ApprovalRequest.from_canonical(c, self.get("approval_expires_at_ms")) if c else None


class Guard:
    """A configured guard: the core ``guard`` resource plus keys, store, audit and metrics.

    ``assess``, ``finalize`` and ``settle`` return their result directly for a
    synchronous store and a coroutine for an asynchronous one (for example
    :class:`~presidio_x402.stores.AsyncRedisStore`); the ``*_async`` variants
    always return a coroutine. With any store but :class:`MemoryStore`, each
    step runs as the compare-and-set transaction of docs/STORES.md.
    """

    def __init__(self, config: Dict[str, Any], *, store: Any = None, audit: Optional[AuditLog] = None,
                 metrics: Any = None, mpa_engine: Any = None, replay_key: Any = None,
                 nlp_analyzer: Any = None) -> None:
        self._core = core()
        try:
            self._g = self._core.new_guard(json.dumps(config, ensure_ascii=False))
        except ConfigErrors as e:
            from .x402_policy_schema import PolicyValidationError

            lines = [f"{p or '(root)'}: {c}: {self._core.describe(c)}" for p, c in e.errors]
            raise PolicyValidationError("invalid guard configuration:\n" + "\n".join("  - " + l for l in lines),
                                        lines, e.errors) from None
        self.store = store if store is not None else MemoryStore()
        self.audit = audit if audit is not None else AuditLog()
        self.metrics = metrics
        self.mpa = mpa_engine
        #: ``pii_mode="nlp"``: an analyzer whose spans go to the core as hints (see ``_nlp``).
        self.nlp_analyzer = nlp_analyzer
        self._nlp_entities = [e for e in (config.get("pii") or {}).get("entities") or NLP_ENTITIES if e in NLP_ENTITIES]
        #: This process's replica id (config ``replica_id``; ``"-"`` for a single process).
        self.replica: str = str(config.get("replica_id") or SINGLE_REPLICA)
        self._replay_key = (_keys.coerce_key(replay_key, "replay key") or _keys.fingerprint_key()).bytes()
        self._audit_key = self.audit.key_bytes
        self._lock = threading.Lock()
        self._memory = isinstance(self.store, MemoryStore)
        self._async = is_async_store(self.store)
        # The audit head goes to the store when a log is kept (a replica's chain has one writer).
        self._keep_head = not self._memory and not isinstance(self.audit.writer, NullAuditWriter)
        self._ready = self._memory
        self._stored_seq = 0
        self._warned_head = False

    def __repr__(self) -> str:
        return f"<Guard store={type(self.store).__name__} replica={self.replica!r}>"

    def close(self) -> None:
        self._g.close()

    # 1 ---------------------------------------------------------------------------
    def assess(self, method: str, url: str, payment_required: Optional[str], body: Optional[str],
               reason: str = "", now: Optional[int] = None) -> Any:
        """Step 1 (an :class:`Assessment`; a coroutine with an async store)."""
        return self._drive(self._assess_steps(method, url, payment_required, body, reason, now))

    async def assess_async(self, method: str, url: str, payment_required: Optional[str], body: Optional[str],
                           reason: str = "", now: Optional[int] = None) -> Assessment:
        return await self._run_async(self._assess_steps(method, url, payment_required, body, reason, now))

    def _assess_steps(self, method: str, url: str, payment_required: Optional[str], body: Optional[str],
                      reason: str, now: Optional[int]) -> Steps:
        hints: List[Dict[str, Any]] = []
        if self.nlp_analyzer is not None and self._nlp_entities:
            hints = nlp_hints(self.nlp_analyzer, metadata_texts(url, payment_required, body, reason), self._nlp_entities)

        def step() -> Assessment:
            ctx = {"method": method, "request_url": url, "payment_required": payment_required, "body": body,
                   "reason": reason, "now_ms": now if now is not None else now_ms()}
            if hints:
                return Assessment(self._g.assess_with_hints(ctx, hints, self._replay_key))
            return Assessment(self._g.assess(ctx, self._replay_key))

        return (yield from self._transaction(step))

    # 2 ---------------------------------------------------------------------------
    async def host_io(self, a: Assessment, mpa_signatures: Any = None) -> Dict[str, Any]:
        io: Dict[str, Any] = {"replay_fresh": None, "countersignatures": [], "webhook_answers": []}
        if a["blocked"] is not None:
            return io
        try:
            fresh = self.store.replay_check_and_set(a["fingerprint"], a["replay_ttl_ms"], now_ms())
            if inspect.isawaitable(fresh):
                fresh = await fresh
            io["replay_fresh"] = fresh if isinstance(fresh, bool) else None
        except Exception:
            io["replay_fresh"] = None  # unknown: the core refuses (store-unavailable)
        if io["replay_fresh"] and a.get("approval_request_json"):
            req = a.approval()
            if self.mpa is not None:
                io.update(await self.mpa.collect(req, mpa_signatures))
            elif mpa_signatures is not None:
                from .mpa import MPAEngine

                sigs = await MPAEngine._signatures(None, mpa_signatures, req)  # type: ignore[arg-type]
                io["countersignatures"] = sigs
        return io

    # 3 ---------------------------------------------------------------------------
    def finalize(self, a: Assessment, io: Dict[str, Any]) -> Any:
        """Step 3: the decision; raises the mapped exception on a refusal (a
        coroutine with an async store)."""
        return self._drive(self._finalize_steps(a, io))

    async def finalize_async(self, a: Assessment, io: Dict[str, Any]) -> Dict[str, Any]:
        return await self._run_async(self._finalize_steps(a, io))

    def _finalize_steps(self, a: Assessment, io: Dict[str, Any]) -> Steps:
        def step() -> Dict[str, Any]:
            return self._g.finalize(a["id"], io, self._audit_key, self.audit.head, now_ms())

        d = yield from self._transaction(step)
        yield from self._after(a, d)
        if not d["allowed"]:
            raise self.error(a, d["code"], io)
        return d

    # 4 ---------------------------------------------------------------------------
    def settle(self, a: Assessment, failure: Optional[str] = None) -> Any:
        """Step 4: commit (``failure=None``) or release (a coroutine with an async store)."""
        return self._drive(self._settle_steps(a, failure))

    async def settle_async(self, a: Assessment, failure: Optional[str] = None) -> Dict[str, Any]:
        return await self._run_async(self._settle_steps(a, failure))

    def _settle_steps(self, a: Assessment, failure: Optional[str]) -> Steps:
        outcome: Any = "settled" if failure is None else ("failed", failure)

        def step() -> Dict[str, Any]:
            return self._g.settle(a["id"], outcome, self._audit_key, self.audit.head, now_ms())

        d = yield from self._transaction(step)
        yield from self._after(a, d)
        return d

    # the store protocol (docs/STORES.md) ------------------------------------------
    def _prepare(self) -> Steps:
        """Once (and again after a head problem): the replica's stored audit head."""
        if self._ready:
            return None
        if self._keep_head:
            stored = yield ("call", "load_head", (self.replica,))
            local = self.audit.head
            if stored is not None and (not isinstance(stored, dict) or not isinstance(stored.get("seq"), int)):
                raise StoreError("load_head answered something other than {seq, mac}")
            if stored is None:
                self._stored_seq = 0
            elif local is None and not hasattr(self.audit.writer, "resume_head"):
                # A writer that cannot read its own log back: continue the stored chain.
                self.audit.head = {"seq": stored["seq"], "mac": stored["mac"]}
                self._stored_seq = stored["seq"]
            elif local is None:
                self._head_conflict()  # an empty log file, but the store has this replica's head
            elif stored["seq"] < local["seq"] or (stored["seq"] == local["seq"] and stored["mac"] == local["mac"]):
                self._stored_seq = stored["seq"]  # ours (a head save cut short catches up)
            else:
                self._head_conflict()
        self._ready = True
        return None

    def _head_conflict(self) -> None:
        if not self._warned_head:
            self._warned_head = True
            logger.error("the audit head of replica %r in the store is not this process's: another process uses "
                         "the same replica_id (give each process its own), or this log lost lines", self.replica)
        raise StoreError("audit head of this replica advanced by another process")

    def _transaction(self, step: Callable[[], Any]) -> Steps:
        """Runs a core step on the stored state, stored back by compare-and-set."""
        yield from self._prepare()
        if self._memory:
            return step()
        for attempt in range(MAX_ATTEMPTS):
            loaded = yield ("call", "load_versioned", ())
            if not isinstance(loaded, (tuple, list)) or len(loaded) != 2:
                raise StoreError("load_versioned answered something other than (state, version)")
            state, version = loaded
            if not (state is None or isinstance(state, str)) or not isinstance(version, str):
                raise StoreError("load_versioned answered something other than (state, version)")
            try:
                self._g.load_state(state or "")
            except CoreError as e:
                raise X402PaymentError(self._core.describe(e.code), code=e.code) from None
            result = step()
            new = self._g.state()
            if new == state:
                return result  # nothing changed: a read of one consistent snapshot
            try:
                ok = yield ("call", "compare_and_set", (new, version))
                if not isinstance(ok, bool):
                    raise StoreError("compare_and_set answered something other than a bool")
            except BaseException:
                self._g.undo()  # unknown outcome: the step did not happen here
                raise
            if ok:
                return result
            self._g.undo()  # another process stored first: reload and run the step again
            yield ("sleep", random.uniform(0, min(2 ** attempt, 50)) / 1000.0)
        raise StoreError("compare-and-set still contended after %d attempts" % MAX_ATTEMPTS)

    def _after(self, a: Assessment, d: Dict[str, Any]) -> Steps:
        """After the state is stored: the audit line, the head, forget, metrics."""
        self.audit.record(d["audit_line"], d["head"])
        if self.metrics is not None:
            self.metrics.apply(d["metrics_json"], d["code"])
        if self._keep_head:
            try:
                ok = yield ("call", "save_head", (self.replica, d["head"], self._stored_seq))
            except StoreError:
                self._ready = False  # reread the stored head before the next step
                raise
            if ok is not True:
                self._ready = False
                self._head_conflict()
            self._stored_seq = d["head"]["seq"]
        if d["forget_fingerprint"] and a.get("fingerprint"):
            try:
                yield ("call", "replay_forget", (a["fingerprint"],))
            except StoreError:
                logger.warning("could not forget a failed payment's fingerprint: a retry within its TTL is a replay")
        return None

    # drivers: the same steps, synchronous or awaited ---------------------------------
    def _drive(self, gen: Steps) -> Any:
        return self._run_async(gen) if self._async else self._run_sync(gen)

    def _call(self, name: str, args: Tuple[Any, ...]) -> Any:
        return getattr(self.store, name)(*args)

    def _advance(self, gen: Steps, send: Any, exc: Optional[BaseException]) -> Tuple[bool, Any]:
        """Runs the steps to their next request: ``(True, result)`` when they
        ended, else ``(False, request)``; a store failure ends them as
        ``store-unavailable``."""
        try:
            return False, (gen.throw(exc) if exc is not None else gen.send(send))
        except StopIteration as stop:
            return True, stop.value
        except StoreError as e:
            raise self._unavailable() from e

    def _run_sync(self, gen: Steps) -> Any:
        with self._lock:
            try:
                return self._steps(gen)
            finally:
                gen.close()

    def _steps(self, gen: Steps) -> Any:
        send: Any = None
        exc: Optional[BaseException] = None
        while True:
            done, req = self._advance(gen, send, exc)
            if done:
                return req
            send, exc = None, None
            if req[0] == "sleep":
                time.sleep(req[1])
                continue
            try:
                send = self._call(req[1], req[2])
            except StoreError as e:
                exc = e
            except Exception as e:
                exc = _store_error(e)
            else:
                if inspect.isawaitable(send):
                    close = getattr(send, "close", None)
                    if close is not None:
                        close()
                    raise TypeError("this store is asynchronous: await the guard's methods")

    async def _run_async(self, gen: Steps) -> Any:
        delay = 0.0005
        while not self._lock.acquire(blocking=False):  # never block the event loop
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.01)
        try:
            send: Any = None
            exc: Optional[BaseException] = None
            while True:
                done, req = self._advance(gen, send, exc)
                if done:
                    return req
                send, exc = None, None
                if req[0] == "sleep":
                    await asyncio.sleep(req[1])
                    continue
                try:
                    send = self._call(req[1], req[2])
                    if inspect.isawaitable(send):
                        send = await send
                except StoreError as e:
                    exc = e
                except Exception as e:
                    exc = _store_error(e)
                except BaseException as e:  # cancelled: undo in the steps, then propagate
                    exc = e
        finally:
            gen.close()
            self._lock.release()

    def _unavailable(self) -> StoreUnavailableError:
        return StoreUnavailableError(self._core.describe("store-unavailable"), code="store-unavailable")

    def state(self) -> str:
        """The core's serialised state (spend ledger, pins): with a shared store,
        the state of this guard's last step."""
        return self._g.state()

    def load_state(self, blob: str) -> None:
        """Replaces the core's state with a saved one (``state()`` output), for a
        guard on a :class:`MemoryStore` (a shared store is reloaded at every
        step). A state the core cannot read raises ``X402PaymentError``
        (``state-corrupt``)."""
        try:
            self._g.load_state(blob)
        except CoreError as e:
            raise X402PaymentError(self._core.describe(e.code), code=e.code) from None

    # ----------------------------------------------------------------------------
    def details(self, a: Assessment) -> PaymentDetails:
        m = a.metadata
        return PaymentDetails(
            resource_url=m.get("resource_url", ""), pay_to=a["pay_to"] or "", amount=a["amount_usd"] or "",
            currency="USD", network=a["network"] or "", deadline_seconds=int(a["max_timeout_seconds"] or 0),
            description=m.get("description", ""), reason=m.get("reason", ""),
            extra=m.get("extra") if isinstance(m.get("extra"), dict) else {},
            amount_atomic=a["amount"] or "", asset=a["asset"] or "", scheme=a["scheme"] or "exact",
            x402_version=int(a["x402_version"]), requirements=a.requirements,
            resource=m.get("resource_echo"), request_url=m.get("request_url", ""))

    def error(self, a: Assessment, code: str, io: Optional[Dict[str, Any]] = None) -> X402Error:
        """The seed exception for a refusal ``code``."""
        msg = self._core.describe(code)
        if code == "pii-blocked":
            return PIIBlockedError(msg, list(a.get("pii_entities") or []), code=code)
        if code in _POLICY_CODES:
            return PolicyViolationError(msg, amount_usd=_f(a.get("amount_usd")), limit_usd=_f(a.get("limit_usd")), code=code,
                                        amount_usd_exact=a.get("amount_usd"), limit_usd_exact=a.get("limit_usd"),
                                        current_usd_exact=a.get("current_usd"))
        if code == "replay-detected":
            return ReplayDetectedError(msg, fingerprint=a.get("fingerprint") or "", code=code)
        if code.startswith("mpa-"):
            req = a.approval()
            threshold = int(self.mpa.config.threshold) if self.mpa is not None else 0
            got = 0
            if self.mpa is not None and req is not None and io:
                try:
                    got = self.mpa.count_approvals(req, io)
                except Exception:
                    got = 0
            cls = MPATimeoutError if code == "mpa-timeout" else MPADeniedError
            return cls(msg, approvals_received=got, threshold=threshold, code=code,
                       approval_request=req.as_dict() if req is not None else None)
        if code == "store-unavailable":
            return StoreUnavailableError(msg, code=code)
        return X402PaymentError(msg, code=code)


__all__ = ["Guard", "Assessment"]
_ = (CoreError, List)
