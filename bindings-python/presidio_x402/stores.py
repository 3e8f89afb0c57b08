"""State stores: where a host keeps what the core asks it to keep.

A store holds **no rules** (docs/STORES.md). It keeps, in the core's own
formats:

* the **guard state** (spend ledger, open reservations with their lease, payee
  pins) with a **version**, changed only by compare-and-set;
* the **replay set**: fingerprint → expiry, with an atomic check-and-set (the
  TTL is the core's ``replay_ttl_ms``);
* the **audit head** ``{"seq", "mac"}`` of each replica's chain, saved by
  compare-and-set on ``seq`` (on its own, or with the state's compare-and-set:
  ``cas_state(..., head=)`` of the stores with ``cas_head``).

Stores:

* :class:`MemoryStore` — one process (the default; not ``shared``);
* :class:`FileStore` — one directory shared by the processes of one host
  (Node and Python alike): atomic writes, a ``lock`` file with the owner's pid;
* :class:`RedisStore` — one Redis shared by any number of processes (a
  ``tenant`` per budget, a ``prefix`` per application), with the same keys and
  Lua scripts as the JS package;
* :class:`AsyncRedisStore` — the same over ``redis.asyncio`` (every method is
  a coroutine; the guard awaits them).

Every store error (unreachable, timeout, wrong type, unparsable answer) raises
:class:`StoreError`; the guard turns it into the code ``store-unavailable`` and
refuses the payment.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import random
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol, cast

#: Default Redis key prefix (one per application).
DEFAULT_PREFIX = "presidio_x402"
#: Default tenant (one per budget: agent or customer).
DEFAULT_TENANT = "default"
#: The replica of a single process.
SINGLE_REPLICA = "-"

_NAME_OK = re.compile(r"^[^\s:]+$")
_REPLICA_OK = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_DECIMAL = re.compile(r"^(0|[1-9][0-9]{0,18})$")
_MAC = re.compile(r"^[0-9a-f]{64}$")

#: The module attributes ``CAS_LUA``, ``CAS_FP_LUA``, ``REPLAY_LUA``, ``HEAD_LUA`` and
#: ``ADOPT_LUA`` are the core's Lua scripts (``core/src/driver/redis/``, docs/STORES.md),
#: read from the component on first use: every host registers the same texts.
_SCRIPT_NAMES = {"CAS_LUA": "cas", "CAS_FP_LUA": "cas_fp", "REPLAY_LUA": "replay", "HEAD_LUA": "head",
                 "ADOPT_LUA": "adopt"}


def __getattr__(name: str) -> str:
    if name in _SCRIPT_NAMES:
        from ._core import core
        return core().redis_scripts()[_SCRIPT_NAMES[name]]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class StoreError(Exception):
    """A store failed or answered something unusable (maps to ``store-unavailable``)."""

    code = "store-unavailable"


class Store(Protocol):
    """What a guard needs from its storage (docs/STORES.md). Methods may be
    coroutines (the guard awaits them); every error raises."""

    shared: bool
    """True when other processes may change the state: every step runs as a
    compare-and-set transaction."""

    def load_versioned(self) -> tuple[str | None, str]:
        """A consistent ``(state, version)``: ``state`` is ``None`` when empty,
        ``version`` an opaque string (``"0"`` when empty)."""

    def compare_and_set(self, state: str, version: str) -> bool:
        """Stores ``state`` only if the version is still ``version``."""

    # Optional: ``cas_state(state, version, fingerprint=None, ttl_ms=0, now_ms=0, head=None) -> dict``
    # does the compare-and-set and the fingerprint's check-and-set in one atomic step
    # (docs/STORES.md); a store without it is driven through ``replay_check_and_set`` then
    # ``compare_and_set``. ``head`` is the ``save_head`` of the driver's ``cas-state``
    # (``{"replica", "head": {"seq", "mac"}, "prev_seq"}``): it is passed only to a store whose
    # class attribute ``cas_head`` is ``True``, which then also saves that head in the same step,
    # in this order: another version writes nothing (``{"won": False, "state", "version"}``); a
    # stored ``seq`` (0 when absent) other than ``prev_seq`` writes nothing (``{"won": False,
    # "head_saved": False}``); a live fingerprint writes nothing (``{"won": False, "fresh":
    # False}``); else the state, the head and the fingerprint are written together
    # (``{"won": True, "version", "head_saved": True}``, ``"fresh": True`` with a fingerprint).
    # A store without ``cas_head`` never gets a head (the profile says ``cas_head: false``).

    def replay_check_and_set(self, fingerprint: str, ttl_ms: int, now_ms: int) -> bool:
        """True (remembering ``fingerprint`` until ``now_ms + ttl_ms``) when it
        is new or expired; False when live."""

    def replay_forget(self, fingerprint: str) -> None: ...

    def load_head(self, replica: str) -> dict[str, Any] | None: ...

    def save_head(self, replica: str, head: dict[str, Any], prev_seq: int) -> bool:
        """Saves ``head`` only when the stored ``seq`` (0 when absent) is ``prev_seq``."""

    # Optional (the audit directory verifier): ``load_heads() -> {replica: {"seq", "mac"}}``,
    # every stored head (the stores here all have it).

    def close(self) -> None: ...


def _check_name(what: str, v: str) -> str:
    if not isinstance(v, str) or not _NAME_OK.match(v):
        raise ValueError(f"{what} must be a non-empty string without ':' or spaces")
    return v


def _replica(replica: str | None) -> str:
    r = replica or SINGLE_REPLICA
    if not isinstance(r, str) or not _REPLICA_OK.match(r):
        raise ValueError("a replica id is 1-64 characters of [A-Za-z0-9._:-]")
    return r


def _text(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bytes):
        try:
            return v.decode("utf-8")
        except UnicodeDecodeError:
            raise StoreError("the store answered bytes that are not UTF-8") from None
    if isinstance(v, str):
        return v
    raise StoreError(f"the store answered a {type(v).__name__}")


def _version(v: Any) -> str:
    s = _text(v)
    if s is None or not _DECIMAL.match(s):
        raise StoreError("the stored version is not a decimal integer")
    return s


def _head(seq: Any, mac: Any) -> dict[str, Any] | None:
    s, m = _text(seq), _text(mac)
    if s is None and m is None:
        return None
    if s is None or m is None or not _DECIMAL.match(s) or not _MAC.match(m):
        raise StoreError("the stored audit head is not {seq, mac}")
    return {"seq": int(s), "mac": m}


def _flag(v: Any) -> bool:
    if v in (0, 1) and not isinstance(v, bool):
        return bool(v)
    raise StoreError("the store answered something other than 0 or 1")


def _head_args(head: dict[str, Any], prev_seq: int) -> tuple[str, str, str]:
    seq, mac = head["seq"], head["mac"]
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0 or not isinstance(mac, str):
        raise ValueError("a head is {seq: int, mac: hex}")
    return str(int(prev_seq)), str(seq), mac


def _cas_head_args(head: Any) -> tuple[str, str, str, str]:
    """A ``cas-state``'s ``save_head`` (``{"replica", "head": {"seq", "mac"}, "prev_seq"}``) as
    ``(replica, prev_seq, seq, mac)``, checked as ``save_head`` checks its arguments."""
    if not isinstance(head, dict) or not isinstance(head.get("head"), dict):
        raise ValueError('a cas-state head is {"replica", "head": {"seq", "mac"}, "prev_seq"}')
    prev = head.get("prev_seq")
    if not isinstance(prev, int) or isinstance(prev, bool) or prev < 0:
        raise ValueError("a cas-state head's prev_seq is a non-negative int")
    return (_replica(head.get("replica")), *_head_args(head["head"], prev))


# -- memory ----------------------------------------------------------------------------
class MemoryStore:
    """In-process store (the default). Not ``shared``: the guard keeps the state
    in the core and skips the transaction. The replay set is pruned as it grows."""

    shared = False

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: dict[str, int] = {}
        self._state: str | None = None
        self._version = 0
        self._heads: dict[str, dict[str, Any]] = {}
        self._next_prune = 0

    def __repr__(self) -> str:
        return f"<MemoryStore version={self._version}>"

    def load_versioned(self) -> tuple[str | None, str]:
        with self._lock:
            return self._state, str(self._version)

    def compare_and_set(self, state: str, version: str) -> bool:
        with self._lock:
            if str(self._version) != version:
                return False
            self._state = state
            self._version += 1
            return True

    def load_state(self) -> str | None:
        """The stored state (``None`` when empty)."""
        return self._state

    def replay_check_and_set(self, fingerprint: str, ttl_ms: int, now_ms: int) -> bool:
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

    def load_head(self, replica: str | None = None) -> dict[str, Any] | None:
        h = self._heads.get(_replica(replica))
        return dict(h) if h else None

    def save_head(self, replica: str | None, head: dict[str, Any], prev_seq: int) -> bool:
        r = _replica(replica)
        prev, seq, mac = _head_args(head, prev_seq)
        with self._lock:
            cur = self._heads.get(r)
            if str(cur["seq"] if cur else 0) != prev:
                return False
            self._heads[r] = {"seq": int(seq), "mac": mac}
            return True

    def load_heads(self) -> dict[str, dict[str, Any]]:
        """Every stored head: replica id → ``{"seq", "mac"}`` (for the audit verifier)."""
        with self._lock:
            return {r: dict(h) for r, h in self._heads.items()}

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()
            self._state = None
            self._version = 0
            self._heads.clear()

    def close(self) -> None:
        pass


# -- file ------------------------------------------------------------------------------
_PATH_LOCKS: dict[str, threading.Lock] = {}
_PATH_LOCKS_GUARD = threading.Lock()


def _path_lock(path: str) -> threading.Lock:
    with _PATH_LOCKS_GUARD:
        lk = _PATH_LOCKS.get(path)
        if lk is None:
            lk = _PATH_LOCKS[path] = threading.Lock()
        return lk


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    try:  # a killed child that nobody reaped yet is a zombie: dead
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read()
        return stat[stat.rfind(b")") + 2: stat.rfind(b")") + 3] not in (b"Z", b"X")
    except OSError:
        return True


_PID = re.compile(rb"^\s*(\d{1,10})\s*$")


class FileStore:
    """A directory shared by the processes of one host (docs/STORES.md):

    * ``state.json`` — ``{"version": N, "state": "<core state JSON>"}``;
    * ``replay.json`` — ``{"<fingerprint>": expiry_ms, …}`` (expired entries
      swept on write);
    * ``head-{replica}.json`` — ``{"seq", "mac"}``;
    * ``lock`` — held during each change: created with ``O_CREAT|O_EXCL``, it
      holds the owner's pid. A lock whose pid is dead (a killed process) is
      broken; one held longer than ``lock_timeout`` (10 s) is refused.

    ``cas_state`` can save a replica's audit head with the state (``cas_head``).

    Every write goes to a temp file that is fsynced, renamed over the old file,
    and the directory is fsynced: a ``kill -9`` at any instant leaves the old or
    the new file, never a torn one.
    """

    shared = True
    #: ``cas_state`` saves a ``head`` with the state, under the same lock (the profile's ``cas_head``).
    cas_head = True

    def __init__(self, path: str | os.PathLike[str], *, lock_timeout: float = 10.0) -> None:
        self.path = os.path.abspath(os.fspath(path))
        os.makedirs(self.path, mode=0o700, exist_ok=True)
        self.lock_timeout = float(lock_timeout)
        self._lock_path = os.path.join(self.path, "lock")
        self._tlock = _path_lock(os.path.realpath(self.path))
        self._pid = os.getpid()

    def __repr__(self) -> str:
        return f"<FileStore {os.path.basename(self.path)!r}>"

    # -- the lock --------------------------------------------------------------------
    def _try_create_lock(self) -> bool:
        try:
            fd = os.open(self._lock_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return False
        try:
            os.write(fd, str(self._pid).encode("ascii"))
        finally:
            os.close(fd)
        return True

    def _lock_owner(self) -> tuple[bytes | None, float | None]:
        """The lock file's content and age in seconds (``None`` when absent)."""
        try:
            fd = os.open(self._lock_path, os.O_RDONLY)
        except FileNotFoundError:
            return None, None
        try:
            st = os.fstat(fd)
            data = os.read(fd, 64)
        finally:
            os.close(fd)
        return data, max(0.0, time.time() - st.st_mtime)

    def _stale(self, data: bytes, age: float) -> bool:
        m = _PID.match(data)
        if m is None:
            return age > 2.0  # its creator died between create and write
        pid = int(m.group(1))
        if pid == self._pid:
            return True  # not ours (this process holds the thread lock): a dead process with our pid
        return not _pid_alive(pid)

    def _break(self, seen: bytes) -> None:
        """Moves a stale lock aside; puts it back if it changed meanwhile."""
        aside = os.path.join(self.path, f"lock.stale.{self._pid}.{random.getrandbits(48):012x}")
        try:
            os.rename(self._lock_path, aside)
        except FileNotFoundError:
            return
        try:
            with open(aside, "rb") as fh:
                now = fh.read(64)
            if now != seen:  # a live owner's new lock: give it back
                try:
                    os.link(aside, self._lock_path)
                except OSError:
                    pass
        finally:
            try:
                os.unlink(aside)
            except OSError:
                pass

    @contextmanager
    def _locked(self) -> Iterator[None]:
        deadline = time.monotonic() + self.lock_timeout
        if not self._tlock.acquire(timeout=max(0.0, self.lock_timeout)):
            raise StoreError("the file store is locked by this process for too long")
        try:
            delay = 0.0005
            while not self._try_create_lock():
                data, age = self._lock_owner()
                if data is not None and age is not None and self._stale(data, age):
                    self._break(data)
                    continue
                if time.monotonic() > deadline:
                    raise StoreError(f"the file store lock is held for more than {self.lock_timeout:.0f} s")
                time.sleep(delay * (0.5 + random.random()))  # noqa: S311 - back-off jitter, not a secret
                delay = min(delay * 1.5, 0.02)
            try:
                yield
            finally:
                data, _ = self._lock_owner()
                if data is not None and _PID.match(data) and int(_PID.match(data).group(1)) == self._pid:  # type: ignore[union-attr]
                    try:
                        os.unlink(self._lock_path)
                    except FileNotFoundError:
                        pass
        finally:
            self._tlock.release()

    # -- files -----------------------------------------------------------------------
    def _read(self, name: str) -> Any:
        try:
            with open(os.path.join(self.path, name), "rb") as fh:
                data = fh.read()
        except FileNotFoundError:
            return None
        try:
            return json.loads(data)
        except ValueError:
            raise StoreError(f"{name} is not JSON") from None

    def _write(self, name: str, obj: Any) -> None:
        data = json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        tmp = os.path.join(self.path, f".{name}.{self._pid}.{random.getrandbits(48):012x}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            try:
                view = memoryview(data)
                while view:
                    n = os.write(fd, view)
                    view = view[n:]
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, os.path.join(self.path, name))
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        dfd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(dfd)
        except OSError as e:  # pragma: no cover - filesystems without directory fsync
            if e.errno not in (errno.EINVAL, errno.ENOTSUP):
                raise
        finally:
            os.close(dfd)

    def _state_file(self) -> tuple[str | None, int]:
        doc = self._read("state.json")
        if doc is None:
            return None, 0
        if not isinstance(doc, dict):
            raise StoreError("state.json is not {version, state}")
        v, s = doc.get("version"), doc.get("state")
        if not isinstance(v, int) or isinstance(v, bool) or v < 0 or not (s is None or isinstance(s, str)):
            raise StoreError("state.json is not {version, state}")
        return s, v

    def _io(self, fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except StoreError:
            raise
        except OSError as e:
            raise StoreError(f"file store: {type(e).__name__} (errno {e.errno})") from e

    # -- the interface ---------------------------------------------------------------
    def load_versioned(self) -> tuple[str | None, str]:
        s, v = self._io(self._state_file)
        return s, str(v)

    def load_state(self) -> str | None:
        return self.load_versioned()[0]

    def compare_and_set(self, state: str, version: str) -> bool:
        return bool(self.cas_state(state, version)["won"])

    def cas_state(self, state: str, version: str, fingerprint: str | None = None, ttl_ms: int = 0,
                  now_ms: int = 0, head: dict[str, Any] | None = None) -> dict[str, Any]:
        """The compare-and-set with the fingerprint's check-and-set and the head's save, under the
        lock (docs/STORES.md): ``{"won": False, "state", "version"}`` on another version,
        ``{"won": False, "head_saved": False}`` when ``head`` (the driver's ``save_head``) does not
        follow the replica's stored head, ``{"won": False, "fresh": False}`` when the fingerprint is
        live (each writes nothing), else ``{"won": True, "version"}`` with ``"fresh": True`` (a
        fingerprint) and ``"head_saved": True`` (a head)."""
        h = _cas_head_args(head) if head is not None else None

        def run() -> dict[str, Any]:
            with self._locked():
                s, v = self._state_file()
                if str(v) != version:
                    return {"won": False, "state": s, "version": str(v)}
                if h is not None:
                    cur = self._head_file(h[0])
                    if str(cur["seq"] if cur else 0) != h[1]:
                        return {"won": False, "head_saved": False}
                m: dict[str, int] | None = None
                if fingerprint is not None:
                    m = self._replay()
                    exp = m.get(fingerprint)
                    if exp is not None and exp > now_ms:
                        return {"won": False, "fresh": False}
                    m = {k: x for k, x in m.items() if x > now_ms}
                    m[fingerprint] = int(now_ms) + int(ttl_ms)
                # Every check passed: the fingerprint, the state and the head are written together.
                if m is not None:
                    self._write("replay.json", m)
                self._write("state.json", {"version": v + 1, "state": state})
                if h is not None:
                    self._write(f"head-{h[0]}.json", {"seq": int(h[2]), "mac": h[3]})
                out: dict[str, Any] = {"won": True, "version": str(v + 1)}
                if fingerprint is not None:
                    out["fresh"] = True
                if h is not None:
                    out["head_saved"] = True
                return out

        return cast("dict[str, Any]", self._io(run))

    def _replay(self) -> dict[str, int]:
        doc = self._read("replay.json")
        if doc is None:
            return {}
        if not isinstance(doc, dict) or not all(isinstance(x, int) and not isinstance(x, bool) for x in doc.values()):
            raise StoreError("replay.json is not {fingerprint: expiry_ms}")
        return doc

    def replay_check_and_set(self, fingerprint: str, ttl_ms: int, now_ms: int) -> bool:
        def run() -> bool:
            with self._locked():
                m = self._replay()
                exp = m.get(fingerprint)
                if exp is not None and exp > now_ms:
                    return False
                m = {k: x for k, x in m.items() if x > now_ms}
                m[fingerprint] = int(now_ms) + int(ttl_ms)
                self._write("replay.json", m)
                return True

        return cast("bool", self._io(run))

    def replay_forget(self, fingerprint: str) -> None:
        def run() -> None:
            with self._locked():
                m = self._replay()
                if m.pop(fingerprint, None) is not None:
                    self._write("replay.json", m)

        self._io(run)

    def _head_file(self, replica: str) -> dict[str, Any] | None:
        doc = self._read(f"head-{replica}.json")
        if doc is None:
            return None
        if not isinstance(doc, dict):
            raise StoreError("a head file is not {seq, mac}")
        seq, mac = doc.get("seq"), doc.get("mac")
        if (not isinstance(seq, int) or isinstance(seq, bool) or seq < 0
                or not isinstance(mac, str) or not _MAC.match(mac)):
            raise StoreError("a head file is not {seq, mac}")
        return {"seq": seq, "mac": mac}

    def load_head(self, replica: str | None = None) -> dict[str, Any] | None:
        return cast("dict[str, Any] | None", self._io(self._head_file, _replica(replica)))

    def load_heads(self) -> dict[str, dict[str, Any]]:
        """Every stored head (the ``head-{replica}.json`` files): replica id →
        ``{"seq", "mac"}`` (for the audit verifier)."""

        def run() -> dict[str, dict[str, Any]]:
            out: dict[str, dict[str, Any]] = {}
            for n in sorted(os.listdir(self.path)):
                r = n[len("head-"):-len(".json")] if n.startswith("head-") and n.endswith(".json") else ""
                h = self._head_file(r) if _REPLICA_OK.match(r) else None
                if h is not None:
                    out[r] = h
            return out

        heads: dict[str, dict[str, Any]] = self._io(run)
        return heads

    def save_head(self, replica: str | None, head: dict[str, Any], prev_seq: int) -> bool:
        r = _replica(replica)
        prev, seq, mac = _head_args(head, prev_seq)

        def run() -> bool:
            with self._locked():
                cur = self._head_file(r)
                if str(cur["seq"] if cur else 0) != prev:
                    return False
                self._write(f"head-{r}.json", {"seq": int(seq), "mac": mac})
                return True

        return cast("bool", self._io(run))

    def close(self) -> None:
        pass


# -- Redis -----------------------------------------------------------------------------
def _redis_kwargs(timeout: float, connect_timeout: float, asyncio: bool) -> dict[str, Any]:
    from redis.backoff import NoBackoff

    if asyncio:
        from redis.asyncio.retry import Retry
    else:
        from redis.retry import Retry  # type: ignore[assignment]
    # No retries: a command that timed out may have run, and a retried
    # compare-and-set or SET NX would then answer "lost" for our own write.
    return {"socket_timeout": timeout, "socket_connect_timeout": connect_timeout, "retry": Retry(NoBackoff(), 0)}


class _RedisKeys:
    def __init__(self, prefix: str, tenant: str) -> None:
        self.prefix = _check_name("prefix", prefix)
        self.tenant = _check_name("tenant", tenant)
        # The tenant is the Redis Cluster hash tag: every key of a tenant is in one slot.
        base = f"{prefix}:{{{tenant}}}"
        self.state = f"{base}:state"
        self.replay = f"{base}:replay:"
        self.head = f"{base}:head:"
        self.all = f"{base}:*"
        # 0.4.0's names (no hash tag): read for compatibility, never written.
        old = f"{prefix}:{tenant}"
        self.old_state = f"{old}:state"
        self.old_replay = f"{old}:replay:"
        self.old_head = f"{old}:head:"
        self.old_all = f"{old}:*"

    def replica_of(self, key: Any) -> str:
        """The replica of a ``head:{replica}`` key, new or 0.4.0 (a key no store writes raises)."""
        k = _text(key) or ""
        for h in (self.head, self.old_head):
            if k.startswith(h) and _REPLICA_OK.match(k[len(h):]):
                return k[len(h):]
        raise StoreError("a head key does not name a replica")

    @staticmethod
    def versioned(answer: Any) -> tuple[str | None, str]:
        if not isinstance(answer, (list, tuple)) or len(answer) != 2:
            raise StoreError("HMGET answered something other than two values")
        v, s = answer
        if v is None and s is None:
            return None, "0"
        if v is None or s is None:
            raise StoreError("the state hash lacks its version or its state")
        return _text(s), _version(v)


def _redis_error(e: Exception) -> StoreError:
    return StoreError(f"redis: {type(e).__name__}")


def _hmget_head(ans: Any) -> dict[str, Any] | None:
    """A head from ``HMGET head seq mac``."""
    if not isinstance(ans, (list, tuple)) or len(ans) != 2:
        raise StoreError("HMGET answered something other than two values")
    return _head(*ans)


def _script_answer(r: Any, codes: tuple[int, ...] = (0, 1)) -> list[Any]:
    """A script's ``{code, ...}`` answer, ``code`` one of ``codes``."""
    if not isinstance(r, (list, tuple)) or not r or isinstance(r[0], bool) or r[0] not in codes:
        raise StoreError("a store script answered something unexpected")
    return list(r)


def _is_cluster(client: Any) -> bool:
    """True for a redis-py ``RedisCluster`` (sync or asyncio): one slot per command."""
    return type(client).__name__ == "RedisCluster"


class _RedisCommon:
    """What the sync and asyncio Redis stores share: keys, client, scripts, ``repr``."""

    shared = True
    #: ``cas_state`` saves a ``head`` with the state in one script (``cas_head.lua``; the profile's
    #: ``cas_head``).
    cas_head = True

    def __init__(self, redis_url: str | None, client: Any, prefix: str, tenant: str, timeout: float,
                 connect_timeout: float, asynchronous: bool) -> None:
        self._k = _RedisKeys(prefix, tenant)
        name = type(self).__name__
        if client is None:
            if not redis_url:
                raise ValueError(f"{name} needs redis_url or client")
            try:
                if asynchronous:
                    from redis.asyncio import Redis
                else:
                    from redis import Redis  # type: ignore
            except ImportError as exc:  # pragma: no cover - depends on extras
                raise ImportError(f"Redis backend requires the redis package ({name}): "
                                  "pip install 'presidio-hardened-x402[redis]'") from exc
            client = Redis.from_url(redis_url, **_redis_kwargs(timeout, connect_timeout, asynchronous))
            self._own = True
        else:
            self._own = False
        self._r = client
        self._cluster = _is_cluster(client)
        from ._core import core
        lua = core().redis_scripts()
        self._cas = client.register_script(lua["cas"])
        self._cas_fp = client.register_script(lua["cas_fp"])
        self._cas_hd = client.register_script(lua["cas_head"])
        self._head_cas = client.register_script(lua["head"])
        self._replay = client.register_script(lua["replay"])
        self._adopt = client.register_script(lua["adopt"])

    def __repr__(self) -> str:  # the URL may hold a password
        return f"<{type(self).__name__} prefix={self._k.prefix!r} tenant={self._k.tenant!r}>"

    @property
    def prefix(self) -> str:
        return self._k.prefix

    @property
    def tenant(self) -> str:
        return self._k.tenant

    @staticmethod
    def _cas_answer(r: Any, fingerprint: str | None, head: bool = False) -> dict[str, Any]:
        """A compare-and-set script's answer as ``cas_state``'s dict (``head``: the script saved
        a head too, ``cas_head.lua``; ``{2}`` and ``{3}`` only come from a script that checks them)."""
        a = _script_answer(r, (0, 1) + ((2,) if fingerprint is not None else ()) + ((3,) if head else ()))
        if a[0] == 3:
            return {"won": False, "head_saved": False}
        if a[0] == 2:
            return {"won": False, "fresh": False}
        if a[0] == 1:
            v = _text(a[1] if len(a) > 1 else None)
            if v is None or not _DECIMAL.match(v):
                raise StoreError("a store script answered something unexpected")
            return {"won": True, "version": v, **({"fresh": True} if fingerprint is not None else {}),
                    **({"head_saved": True} if head else {})}
        v, s = (_text(a[1]) if len(a) > 1 else None), (_text(a[2]) if len(a) > 2 else None)
        if v is None and s is None:
            return {"won": False, "state": None, "version": "0"}
        if v is None or s is None or not _DECIMAL.match(v):
            raise StoreError("the Redis state hash is malformed")
        return {"won": False, "state": s, "version": v}

    def _cas_call(self, state: str, version: str, fingerprint: str | None, ttl_ms: int,
                  head: dict[str, Any] | None = None) -> tuple[Any, dict[str, Any]]:
        """The script and its arguments for ``cas_state``: ``cas_head.lua`` for every one with a
        head (KEYS: state, the replica's head, then the fingerprint's keys; ARGV: version, state,
        prev_seq, seq, mac, then the TTL), else ``cas_fp.lua`` with a fingerprint, else ``cas.lua``."""
        fp_keys: list[str] = []
        if fingerprint is not None:
            fp_keys.append(self._k.replay + fingerprint)
            if not self._cluster:  # on one Redis, a fingerprint 0.4.0 set still counts
                fp_keys.append(self._k.old_replay + fingerprint)
        ttl = [str(max(1, int(ttl_ms)))] if fingerprint is not None else []
        if head is not None:
            replica, prev, seq, mac = _cas_head_args(head)
            return self._cas_hd, {"keys": [self._k.state, self._k.head + replica, *fp_keys],
                                  "args": [version, state, prev, seq, mac, *ttl]}
        if fingerprint is None:
            return self._cas, {"keys": [self._k.state], "args": [version, state]}
        return self._cas_fp, {"keys": [self._k.state, *fp_keys], "args": [version, state, *ttl]}

    @staticmethod
    def _flag_answer(r: Any) -> bool:
        """A replay or head script's ``{flag, v, s}``."""
        return bool(_script_answer(r)[0] == 1)

    def _replay_keys(self, fingerprint: str) -> list[str]:
        keys = [self._k.replay + fingerprint, self._k.state]
        if not self._cluster:  # on one Redis, a fingerprint 0.4.0 set still counts
            keys.append(self._k.old_replay + fingerprint)
        return keys


class RedisStore(_RedisCommon):
    """Redis store (``pip install 'presidio-hardened-x402[redis]'``), shared by
    every process on one ``tenant`` (docs/STORES.md for the keys and scripts).

    ``RedisStore("redis://…")`` or ``RedisStore(client=redis.Redis(…))`` (or a
    ``redis.cluster.RedisCluster``: every key carries the tenant as its hash tag);
    ``prefix`` separates applications, ``tenant`` budgets (neither may contain
    ``:`` or spaces). A client made from the URL has a ``timeout``-second
    socket timeout, a ``connect_timeout`` and no retries, so an unreachable
    Redis fails fast. ``repr`` never shows the URL (it may hold a password).
    ``cas_state`` stores the state, sets the fingerprint and saves the replica's audit head in one
    script; the store answers exactly what Redis says and keeps nothing (docs/STORES.md).
    """

    def __init__(self, redis_url: str | None = None, *, client: Any = None, prefix: str = DEFAULT_PREFIX,
                 tenant: str = DEFAULT_TENANT, timeout: float = 1.5, connect_timeout: float = 1.0) -> None:
        super().__init__(redis_url, client, prefix, tenant, timeout, connect_timeout, False)

    def _call(self, fn: Any, *args: Any, **kw: Any) -> Any:
        try:
            return fn(*args, **kw)
        except StoreError:
            raise
        except Exception as e:
            raise _redis_error(e) from e

    def load_versioned(self) -> tuple[str | None, str]:
        cur = self._k.versioned(self._call(self._r.hmget, self._k.state, ["v", "s"]))
        if cur[0] is not None:
            return cur
        old = self._k.versioned(self._call(self._r.hmget, self._k.old_state, ["v", "s"]))
        if old[0] is None:
            return cur
        # A 0.4.0 state: copied once under the new key with its version.
        self._call(self._adopt, keys=[self._k.state], args=["v", old[1], "s", old[0]])
        return self._k.versioned(self._call(self._r.hmget, self._k.state, ["v", "s"]))

    def load_state(self) -> str | None:
        return self.load_versioned()[0]

    def compare_and_set(self, state: str, version: str) -> bool:
        return bool(self.cas_state(state, version)["won"])

    def cas_state(self, state: str, version: str, fingerprint: str | None = None, ttl_ms: int = 0,
                  now_ms: int = 0, head: dict[str, Any] | None = None) -> dict[str, Any]:
        """The compare-and-set, with the fingerprint set and the ``head`` (the driver's
        ``save_head``) saved in the same script (docs/STORES.md; the answers of
        :meth:`FileStore.cas_state`)."""
        script, kw = self._cas_call(state, version, fingerprint, ttl_ms, head)
        return self._cas_answer(self._call(script, **kw), fingerprint, head is not None)

    def replay_check_and_set(self, fingerprint: str, ttl_ms: int, now_ms: int) -> bool:
        return self._flag_answer(self._call(self._replay, keys=self._replay_keys(fingerprint),
                                            args=[str(max(1, int(ttl_ms)))]))

    def replay_forget(self, fingerprint: str) -> None:
        self._call(self._r.delete, self._k.replay + fingerprint)

    def load_head(self, replica: str | None = None) -> dict[str, Any] | None:
        r = _replica(replica)
        h = _hmget_head(self._call(self._r.hmget, self._k.head + r, ["seq", "mac"]))
        if h is not None:
            return h
        old = _hmget_head(self._call(self._r.hmget, self._k.old_head + r, ["seq", "mac"]))
        if old is None:
            return None
        self._call(self._adopt, keys=[self._k.head + r], args=["seq", str(old["seq"]), "mac", old["mac"]])
        return _hmget_head(self._call(self._r.hmget, self._k.head + r, ["seq", "mac"]))

    def save_head(self, replica: str | None, head: dict[str, Any], prev_seq: int) -> bool:
        prev, seq, mac = _head_args(head, prev_seq)
        return self._flag_answer(self._call(self._head_cas, keys=[self._k.head + _replica(replica), self._k.state],
                                            args=[prev, seq, mac]))

    def _scan(self, pattern: str) -> list[Any]:
        if self._cluster:
            return cast(list[Any], self._call(lambda: list(self._r.scan_iter(match=pattern, count=256,
                                                                             target_nodes=self._r.PRIMARIES))))
        return cast(list[Any], self._call(lambda: list(self._r.scan_iter(match=pattern, count=256))))

    def load_heads(self) -> dict[str, dict[str, Any]]:
        """Every stored head (the ``head:{replica}`` hashes, 0.4.0's too; the new key wins):
        replica id → ``{"seq", "mac"}`` (for the audit verifier)."""
        out: dict[str, dict[str, Any]] = {}
        for pattern in (self._k.old_head + "*", self._k.head + "*"):
            for k in sorted(set(self._scan(pattern))):
                r = self._k.replica_of(k)
                h = _hmget_head(self._call(self._r.hmget, k, ["seq", "mac"]))
                if h is not None:
                    out[r] = h
        return dict(sorted(out.items()))

    def clear(self) -> None:
        """Deletes this tenant's keys, 0.4.0's too (tests)."""
        for pattern in (self._k.all, self._k.old_all):
            for k in self._scan(pattern):
                self._call(self._r.delete, k)

    def close(self) -> None:
        if self._own:
            with contextlib.suppress(Exception):  # pragma: no cover - best effort
                self._r.close()


class AsyncRedisStore(_RedisCommon):
    """:class:`RedisStore` over ``redis.asyncio``: every method is a coroutine
    (the guard awaits them). Same keys, scripts, timeouts and ``repr``."""

    is_async = True

    def __init__(self, redis_url: str | None = None, *, client: Any = None, prefix: str = DEFAULT_PREFIX,
                 tenant: str = DEFAULT_TENANT, timeout: float = 1.5, connect_timeout: float = 1.0) -> None:
        super().__init__(redis_url, client, prefix, tenant, timeout, connect_timeout, True)

    async def _call(self, fn: Any, *args: Any, **kw: Any) -> Any:
        try:
            return await fn(*args, **kw)
        except StoreError:
            raise
        except Exception as e:
            raise _redis_error(e) from e

    async def load_versioned(self) -> tuple[str | None, str]:
        cur = self._k.versioned(await self._call(self._r.hmget, self._k.state, ["v", "s"]))
        if cur[0] is not None:
            return cur
        old = self._k.versioned(await self._call(self._r.hmget, self._k.old_state, ["v", "s"]))
        if old[0] is None:
            return cur
        await self._call(self._adopt, keys=[self._k.state], args=["v", old[1], "s", old[0]])
        return self._k.versioned(await self._call(self._r.hmget, self._k.state, ["v", "s"]))

    async def load_state(self) -> str | None:
        return (await self.load_versioned())[0]

    async def compare_and_set(self, state: str, version: str) -> bool:
        return bool((await self.cas_state(state, version))["won"])

    async def cas_state(self, state: str, version: str, fingerprint: str | None = None, ttl_ms: int = 0,
                        now_ms: int = 0, head: dict[str, Any] | None = None) -> dict[str, Any]:
        """The compare-and-set, with the fingerprint set and the ``head`` (the driver's
        ``save_head``) saved in the same script (docs/STORES.md; the answers of
        :meth:`FileStore.cas_state`)."""
        script, kw = self._cas_call(state, version, fingerprint, ttl_ms, head)
        return self._cas_answer(await self._call(script, **kw), fingerprint, head is not None)

    async def replay_check_and_set(self, fingerprint: str, ttl_ms: int, now_ms: int) -> bool:
        return self._flag_answer(await self._call(self._replay, keys=self._replay_keys(fingerprint),
                                                  args=[str(max(1, int(ttl_ms)))]))

    async def replay_forget(self, fingerprint: str) -> None:
        await self._call(self._r.delete, self._k.replay + fingerprint)

    async def load_head(self, replica: str | None = None) -> dict[str, Any] | None:
        r = _replica(replica)
        h = _hmget_head(await self._call(self._r.hmget, self._k.head + r, ["seq", "mac"]))
        if h is not None:
            return h
        old = _hmget_head(await self._call(self._r.hmget, self._k.old_head + r, ["seq", "mac"]))
        if old is None:
            return None
        await self._call(self._adopt, keys=[self._k.head + r], args=["seq", str(old["seq"]), "mac", old["mac"]])
        return _hmget_head(await self._call(self._r.hmget, self._k.head + r, ["seq", "mac"]))

    async def save_head(self, replica: str | None, head: dict[str, Any], prev_seq: int) -> bool:
        prev, seq, mac = _head_args(head, prev_seq)
        return self._flag_answer(await self._call(self._head_cas, keys=[self._k.head + _replica(replica),
                                                                        self._k.state], args=[prev, seq, mac]))

    async def _scan(self, pattern: str) -> list[Any]:
        async def keys() -> list[Any]:
            if self._cluster:
                return [k async for k in self._r.scan_iter(match=pattern, count=256,
                                                           target_nodes=self._r.PRIMARIES)]
            return [k async for k in self._r.scan_iter(match=pattern, count=256)]

        return cast(list[Any], await self._call(keys))

    async def load_heads(self) -> dict[str, dict[str, Any]]:
        """Every stored head (the ``head:{replica}`` hashes, 0.4.0's too; the new key wins):
        replica id → ``{"seq", "mac"}`` (for the audit verifier)."""
        out: dict[str, dict[str, Any]] = {}
        for pattern in (self._k.old_head + "*", self._k.head + "*"):
            for k in sorted(set(await self._scan(pattern))):
                r = self._k.replica_of(k)
                h = _hmget_head(await self._call(self._r.hmget, k, ["seq", "mac"]))
                if h is not None:
                    out[r] = h
        return dict(sorted(out.items()))

    async def clear(self) -> None:
        for pattern in (self._k.all, self._k.old_all):
            for k in await self._scan(pattern):
                await self._call(self._r.delete, k)

    async def close(self) -> None:
        if self._own:
            with contextlib.suppress(Exception):  # pragma: no cover - best effort
                await self._r.aclose()


def is_async_store(store: Any) -> bool:
    """True when the store's methods are coroutines."""
    if getattr(store, "is_async", False):
        return True
    import inspect

    return inspect.iscoroutinefunction(getattr(store, "load_versioned", None))


def now_ms() -> int:
    """The host clock, in epoch milliseconds."""
    return time.time_ns() // 1_000_000


def make_store(redis_url: str | None) -> Any:
    return RedisStore(redis_url) if redis_url else MemoryStore()


# The ``*_LUA`` names stay readable attributes (module ``__getattr__``) but are no longer
# exported by ``*``: they are the core's scripts, not this module's.
__all__ = [
    "AsyncRedisStore",
    "FileStore",
    "MemoryStore",
    "RedisStore",
    "Store",
    "StoreError",
    "is_async_store",
    "make_store",
    "now_ms",
]
