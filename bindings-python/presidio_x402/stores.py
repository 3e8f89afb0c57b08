"""State stores: where a host keeps what the core asks it to keep.

The core defines the state and its serialised form; a store only holds it:

* the **guard state** blob (spend ledger and payee pins), from ``guard.state``;
* the **replay set**: fingerprint → expiry, with an atomic check-and-set;
* the **audit head** ``{"seq", "mac"}`` of the log.

:class:`MemoryStore` is the default (one process). :class:`RedisStore` shares
the replay set, state blob and audit head across processes (basic: the state
blob is last-writer-wins; issue 8 hardens it with compare-and-set).
"""

from __future__ import annotations

import threading
import time
from typing import Any, Dict, Optional, Protocol


class Store(Protocol):
    """What a guard needs from its storage."""

    shared: bool
    """True when other processes may change the state (reload before each payment)."""

    def replay_check_and_set(self, fingerprint: str, ttl_ms: int, now_ms: int) -> Optional[bool]:
        """Atomically: ``True`` if the fingerprint was absent (and is now stored
        until ``now_ms + ttl_ms``), ``False`` if present; ``None`` if unknown."""

    def replay_forget(self, fingerprint: str) -> None: ...

    def load_state(self) -> Optional[str]: ...

    def save_state(self, blob: str) -> None: ...

    def load_head(self) -> Optional[Dict[str, Any]]: ...

    def save_head(self, head: Dict[str, Any]) -> None: ...

    def clear(self) -> None: ...


class MemoryStore:
    """In-process store (the default). The replay set is pruned as it grows."""

    shared = False

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: Dict[str, int] = {}
        self._state: Optional[str] = None
        self._head: Optional[Dict[str, Any]] = None
        self._next_prune = 0

    def replay_check_and_set(self, fingerprint: str, ttl_ms: int, now_ms: int) -> Optional[bool]:
        with self._lock:
            if len(self._seen) >= self._next_prune:
                self._seen = {k: v for k, v in self._seen.items() if v > now_ms}
                self._next_prune = max(1024, 2 * len(self._seen))
            exp = self._seen.get(fingerprint)
            if exp is not None and exp > now_ms:
                return False
            self._seen[fingerprint] = now_ms + ttl_ms
            return True

    def replay_forget(self, fingerprint: str) -> None:
        with self._lock:
            self._seen.pop(fingerprint, None)

    def load_state(self) -> Optional[str]:
        return self._state

    def save_state(self, blob: str) -> None:
        self._state = blob

    def load_head(self) -> Optional[Dict[str, Any]]:
        return self._head

    def save_head(self, head: Dict[str, Any]) -> None:
        self._head = dict(head)

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()
            self._state = None
            self._head = None


class RedisStore:
    """Redis-backed store (``pip install presidio-hardened-x402[redis]``).

    Replay check-and-set is ``SET key 1 NX PX ttl`` (atomic across processes).
    """

    shared = True

    def __init__(self, redis_url: str, *, prefix: str = "presidio_x402", client: Any = None) -> None:
        if client is None:
            try:
                import redis  # type: ignore
            except ImportError as exc:  # pragma: no cover - depends on extras
                raise ImportError("redis_url needs: pip install 'presidio-hardened-x402[redis]'") from exc
            client = redis.Redis.from_url(redis_url)
        self._r = client
        self._p = prefix

    def __repr__(self) -> str:  # the URL may hold a password
        return f"<RedisStore prefix={self._p!r}>"

    def replay_check_and_set(self, fingerprint: str, ttl_ms: int, now_ms: int) -> Optional[bool]:
        try:
            return bool(self._r.set(f"{self._p}:replay:{fingerprint}", b"1", nx=True, px=max(1, int(ttl_ms))))
        except Exception:
            return None

    def replay_forget(self, fingerprint: str) -> None:
        try:
            self._r.delete(f"{self._p}:replay:{fingerprint}")
        except Exception:
            pass

    def load_state(self) -> Optional[str]:
        v = self._r.get(f"{self._p}:state")
        return v.decode() if isinstance(v, bytes) else v

    def save_state(self, blob: str) -> None:
        self._r.set(f"{self._p}:state", blob.encode())

    def load_head(self) -> Optional[Dict[str, Any]]:
        v = self._r.hgetall(f"{self._p}:head")
        if not v:
            return None
        d = {(k.decode() if isinstance(k, bytes) else k): (x.decode() if isinstance(x, bytes) else x) for k, x in v.items()}
        return {"seq": int(d["seq"]), "mac": d["mac"]}

    def save_head(self, head: Dict[str, Any]) -> None:
        self._r.hset(f"{self._p}:head", mapping={"seq": str(head["seq"]), "mac": head["mac"]})

    def clear(self) -> None:
        for k in self._r.scan_iter(f"{self._p}:*"):
            self._r.delete(k)


def now_ms() -> int:
    """The host clock, in epoch milliseconds."""
    return time.time_ns() // 1_000_000


def make_store(redis_url: Optional[str]) -> Any:
    return RedisStore(redis_url) if redis_url else MemoryStore()


__all__ = ["Store", "MemoryStore", "RedisStore", "make_store", "now_ms"]
