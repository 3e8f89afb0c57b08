"""HMAC-chained JSONL audit log: writers, the chain, and its verifier.

The core builds every line (``{seq, prev_mac, event…, mac}`` with
``mac = HMAC-SHA256(key, canonical(line without mac))``) and verifies logs.
This module only writes lines out and keeps the head.

The chain key comes from ``PRESIDIO_X402_CHAIN_KEY`` (hex, ≥ 16 bytes; 32
recommended). Without it a per-process random key is used and a loud warning
is logged: such a log cannot be verified after the process exits.

Verify a log file, or a directory of replica chains (every ``*.jsonl`` in it:
each chain must verify, and no two chains may belong to one replica)::

    PRESIDIO_X402_CHAIN_KEY=… python -m presidio_x402.audit_log verify audit.jsonl \\
        [--expected-seq N --expected-mac HEX]
    PRESIDIO_X402_CHAIN_KEY=… python -m presidio_x402.audit_log verify audit/ \\
        [--store-dir STATE_DIR | --redis-url URL [--tenant T] [--prefix P] | --heads HEADS.json]

A directory is checked against the replicas' stored heads (the file store's
``head-{replica}.json``, Redis ``head:{replica}`` hashes, or a JSON file): a cut
tail, a chain that does not hold its head and a replica whose log is gone are
reported. Without heads a warning says that truncation was not checked.

Exit status 0 when every chain verifies, 1 when one does not (the first bad
line and the reason are printed, per chain), 2 on usage errors.
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import sys
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, Any, Union, cast

from .. import _keys
from .._core import CoreError, core
from .._types import AuditEvent

logger = logging.getLogger("presidio_x402.audit_log")

KeyLike = Union[bytes, bytearray, str, "_keys.SecretKey"]


class NullAuditWriter:
    """Discards every line."""

    def write(self, event: AuditEvent) -> None:
        pass


class StreamAuditWriter:
    """Writes JSONL to a text stream (default ``sys.stdout``)."""

    def __init__(self, stream: IO[str] | None = None) -> None:
        self._stream = stream or sys.stdout
        self._lock = threading.Lock()

    def write(self, event: AuditEvent) -> None:
        with self._lock:
            self._stream.write(str(event) + "\n")
            self._stream.flush()


TAIL_WINDOW_BYTES = 64 * 1024
"""The window a file sink reads at open: the file's last ``min(size, 64 KiB)`` bytes."""


def repair_tail(window: bytes, offset: int) -> dict[str, Any]:
    """The core's decision for a log's tail (``audit.repair-tail``): ``window`` is the
    file's last ``min(size, TAIL_WINDOW_BYTES)`` bytes and ``offset`` where they start.
    Returns ``{"action": "none" | "append-newline" | "truncate", "at", "head"}``;
    raises :class:`CoreError` ``audit-malformed-line`` when the last line is no entry."""
    inp = {"tail_base64": base64.b64encode(window).decode("ascii"), "offset": offset}
    return cast("dict[str, Any]", core().call("audit.repair-tail", inp))


class FileAuditWriter:
    """Appends JSONL to a file, one ``write`` per line, then flush and fsync, so
    a crash loses no committed line. On open (``resume_head``) the tail is
    repaired as the core's ``audit.repair-tail`` decides, as in every host: an
    unterminated last line that is a torn append is cut off and the chain
    resumes from the last complete line; a complete line that lost only its
    newline gets it (the verifier counts that line)."""

    def __init__(self, path: str | os.PathLike[str], *, fsync: bool = True) -> None:
        self._path = os.fspath(path)
        self._fsync = fsync
        self._lock = threading.Lock()

    def resume_head(self) -> dict[str, Any] | None:
        """The head of the existing file, after repairing its tail as the core decides
        (``audit.repair-tail``; this reads only the last 64 KiB and acts)."""
        try:
            with open(self._path, "rb") as fh:
                size = fh.seek(0, os.SEEK_END)
                start = max(0, size - TAIL_WINDOW_BYTES)
                fh.seek(start)
                r = repair_tail(fh.read(size - start), start)
        except FileNotFoundError:
            return None
        if r["action"] != "none":
            with open(self._path, "r+b") as fh:
                if r["action"] == "append-newline":
                    # A complete line that lost only its newline: the verifier counts it.
                    fh.seek(r["at"])
                    fh.write(b"\n")
                else:
                    # A torn append (never reported written): cut it so the log still verifies.
                    fh.truncate(r["at"])
                    logger.warning("audit log %s ended with a partial line; it was removed",
                                   os.path.basename(self._path))
                if self._fsync:
                    fh.flush()
                    os.fsync(fh.fileno())
        return cast("dict[str, Any] | None", r["head"])

    def write(self, event: AuditEvent) -> None:
        data = (str(event) + "\n").encode("utf-8")
        with self._lock:
            created = False
            try:
                fd = os.open(self._path, os.O_WRONLY | os.O_APPEND)
            except FileNotFoundError:
                fd = os.open(self._path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                created = True
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
                if self._fsync:
                    os.fsync(fd)  # durable before write() returns: a reported line survives a crash
            finally:
                os.close(fd)
            if created and self._fsync:  # the new file's directory entry, too
                dfd = os.open(os.path.dirname(os.path.abspath(self._path)), os.O_RDONLY)
                try:
                    os.fsync(dfd)
                except OSError:  # pragma: no cover - filesystems without directory fsync
                    pass
                finally:
                    os.close(dfd)


class AuditLog:
    """The chain: a writer, the key and the head. Lines come from the core.

    ``key`` defaults to ``$PRESIDIO_X402_CHAIN_KEY`` (see the module notes).
    """

    def __init__(self, writer: Any = None, *, agent_id: str | None = None, key: KeyLike | None = None,
                 head: dict[str, Any] | None = None) -> None:
        self.writer = writer if writer is not None else NullAuditWriter()
        self.agent_id = agent_id
        self._key = _keys.coerce_key(key, "audit key") or _keys.chain_key()
        self._lock = threading.Lock()
        if head is None and hasattr(self.writer, "resume_head"):
            head = self.writer.resume_head()
        self.head: dict[str, Any] | None = head

    def __repr__(self) -> str:
        return f"<AuditLog writer={type(self.writer).__name__} head_seq={(self.head or {}).get('seq', 0)}>"

    @property
    def key_bytes(self) -> bytes:
        return self._key.bytes()

    def record(self, line: str, head: dict[str, Any]) -> None:
        """Writes a line the core built (the driver's ``audit`` action), then moves
        the head. A writer that fails raises its error and leaves the head where
        it was; the guard reports ``audit-failed`` and the core decides (the
        payment is refused, the chain goes on from the last line written)."""
        with self._lock:
            try:
                self.writer.write(AuditEvent(line))
            except Exception:
                logger.error("audit writer failed to write line seq=%s", head.get("seq"))
                raise
            self.head = {"seq": head["seq"], "mac": head["mac"]}

    def emit(self, event_type: str, *, resource_url: str, outcome: str, amount_usd: Any = None, network: str = "",
             pii_entities_found: list[Any] | None = None, policy_limit_usd: Any = None,
             replay_fingerprint: str | None = None, error_message: str | None = None,
             agent_id: str | None = None, code: str | None = None, now_ms: int | None = None) -> AuditEvent:
        """Appends one event (seed signature). The core redacts nothing here:
        pass redacted text. ``error_message`` is not recorded (audit lines never
        carry exception text); use ``code``. The seed's upper-case event names
        (``"PAYMENT_ALLOWED"``) are kept as written."""
        from ..stores import now_ms as _now

        ev: dict[str, Any] = {"event_type": event_type, "outcome": outcome, "resource_url": resource_url}
        if amount_usd is not None:
            ev["amount_usd"] = str(amount_usd)
        if network:
            ev["network"] = network
        aid = agent_id or self.agent_id
        if aid:
            ev["agent_id"] = aid
        if pii_entities_found:
            ev["pii_entities_found"] = list(pii_entities_found)
        if policy_limit_usd is not None:
            ev["policy_limit_usd"] = str(policy_limit_usd)
        if replay_fingerprint:
            ev["replay_fingerprint"] = replay_fingerprint
        if code:
            ev["code"] = code
        with self._lock:
            head = self.head
            tag, out = core().fn("audit_append", self.key_bytes, head, json.dumps(ev),
                                 now_ms if now_ms is not None else _now())
            if tag != "ok":
                raise CoreError(out, core().describe(out))
            self.head = out["head"]
        line = AuditEvent(out["line"])
        try:
            self.writer.write(line)
        except Exception:
            logger.error("audit writer failed to write line seq=%s", out["head"]["seq"])
        return line


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of :func:`verify_chain`."""

    ok: bool
    head: dict[str, Any] | None
    """The final head when the chain verifies."""
    line: int | None
    """1-based number of the first bad line (one past the end for truncation; 0 when not about a line)."""
    seq: int | None
    """The ``seq`` the bad line claims, when readable."""
    code: str | None
    """Why it failed (``audit-bad-mac``, ``audit-chain-broken``, ``audit-seq-gap``, ``audit-truncated``…)."""
    reason: str | None
    """A fixed description of ``code``."""

    def __bool__(self) -> bool:
        return self.ok


def _head(h: Any) -> dict[str, Any] | None:
    if h is None:
        return None
    if isinstance(h, dict):
        return {"seq": int(h["seq"]), "mac": str(h["mac"])}
    seq, mac = h
    return {"seq": int(seq), "mac": str(mac)}


def verify_chain(lines: str | bytes | Iterable[str], key: KeyLike, expected_head: Any = None,
                 start: Any = None) -> VerifyResult:
    """Verifies a JSONL audit log under ``key`` (bytes, hex or SecretKey).

    ``lines`` is the log text or its lines. ``expected_head`` (``{"seq", "mac"}``
    or ``(seq, mac)``), when known, must be reached exactly, which detects
    truncation. ``start`` is the head before the first line (for a log that
    continues another).
    """
    k = _keys.coerce_key(key, "audit key")
    if k is None:
        raise _keys.KeyInputError("audit key is required", "invalid-input")
    if isinstance(lines, bytes):
        text = lines.decode("utf-8", errors="replace")
    elif isinstance(lines, str):
        text = lines
    else:
        text = "".join(ln if ln.endswith("\n") else ln + "\n" for ln in lines)
    tag, out = core().fn("audit_verify", k.bytes(), text, _head(start), _head(expected_head))
    if tag == "ok":
        return VerifyResult(True, out, None, None, None, None)
    code = out["code"]
    return VerifyResult(False, None, out["line"], out["seq"], code, core().describe(code))


def verify_audit_log(key: KeyLike, lines: str | bytes | Iterable[str], expected_head: Any = None) -> dict[str, Any]:
    """The throwing form of :func:`verify_chain` (JS ``verifyAuditLog(key, text, expectedHead)``):
    returns the final head, or raises the coded exception of the first failure
    (``X402PaymentError`` with ``.code``: ``audit-bad-key``, ``audit-bad-mac``, ...)."""
    from ..exceptions import error_for

    r = verify_chain(lines, key, expected_head=expected_head)
    if not r.ok or r.head is None:
        raise error_for(r.code)
    return r.head


@dataclass(frozen=True)
class ChainResult:
    """One chain (file) of a log directory, as :func:`verify_dir` reports it."""

    name: str
    """The file name."""
    ok: bool
    replica: str | None
    """The replica its lines name (``None``: no replica ids, an empty chain, or a chain that fails on its own)."""
    head: dict[str, Any] | None
    line: int | None
    seq: int | None
    code: str | None
    reason: str | None
    stored_head: dict[str, Any] | None = None
    """The stored head of its replica, when heads were given and it has one."""
    head_check: str = "unchecked"
    """``equal`` (the chain ends at its stored head), ``ahead`` (``past_head`` lines past it: the head is saved
    after its line) or ``unchecked`` (no stored head, or the chain failed): the core's verdict."""
    past_head: int | None = None

    def __bool__(self) -> bool:
        return self.ok


@dataclass(frozen=True)
class MissingLog:
    """A replica with a stored head whose lines no chain holds (``audit-log-missing``)."""

    replica: str
    stored_head: dict[str, Any]
    code: str
    reason: str


@dataclass(frozen=True)
class DirVerifyResult:
    """The outcome of :func:`verify_dir`: ``ok`` when every chain verifies and no replica's log is missing."""

    ok: bool
    chains: list[ChainResult]
    missing: list[MissingLog] = field(default_factory=list)
    """Replicas with a stored head and no log (deleted or emptied)."""
    truncation_checked: bool = False
    """True only when stored heads were given and every non-empty chain was compared with one: without
    them a cut tail or a deleted log cannot be seen."""

    def __bool__(self) -> bool:
        return self.ok


def verify_dir(path: str | os.PathLike[str], key: KeyLike, *, heads: dict[str, Any] | None = None,
               store: Any = None) -> DirVerifyResult:
    """Verifies every ``*.jsonl`` chain of a log directory under ``key`` with the
    core's ``audit.verify-chains``: each chain on its own (from seq 1), no two
    chains of one replica (``audit-replica-duplicate``), and, given the
    replicas' stored heads, no cut tail (``audit-truncated``), no chain that
    does not hold its head (``audit-head-mismatch``) and no replica whose log
    is gone (``audit-log-missing``, in ``missing``).

    The heads are ``heads`` (replica id → ``{"seq", "mac"}``; ``"-"`` for a
    guard without ``replica_id``) or those of ``store`` (a store of
    :mod:`presidio_x402.stores`: its ``load_heads()``; for an
    ``AsyncRedisStore`` pass ``heads=await store.load_heads()``). Without
    either, ``truncation_checked`` is False. Logs of any size (no 1 MiB cap).
    """
    k = _keys.coerce_key(key, "audit key")
    if k is None:
        raise _keys.KeyInputError("audit key is required", "invalid-input")
    if store is not None:
        if heads is not None:
            raise ValueError("give heads or store, not both")
        loaded = store.load_heads()
        if hasattr(loaded, "__await__"):
            loaded.close()
            raise TypeError("an asyncio store: pass heads=await store.load_heads()")
        heads = loaded
    root = os.fspath(path)
    names = sorted(n for n in os.listdir(root) if n.endswith(".jsonl") and os.path.isfile(os.path.join(root, n)))
    chains = []
    for n in names:
        with open(os.path.join(root, n), "rb") as fh:
            chains.append({"name": n, "text": fh.read().decode("utf-8", errors="replace")})
    inp: dict[str, Any] = {"key_hex": k.bytes().hex(), "chains": chains}
    if heads is not None:
        inp["heads"] = {r: _head(h) for r, h in heads.items()}
    d = core().audit_call("audit.verify-chains", inp)
    res = []
    for c in d["chains"]:
        code = c["code"]
        res.append(ChainResult(c["name"], c["ok"], c["replica"], c["head"], c["line"], c["seq"], code,
                               core().describe(code) if code else None, c["stored_head"], c["head_check"],
                               c["past_head"]))
    missing = [MissingLog(m["replica"], m["stored_head"], m["code"], core().describe(m["code"])) for m in d["missing"]]
    return DirVerifyResult(d["ok"], res, missing, d["truncation_checked"])


def _cli_heads(args: argparse.Namespace) -> dict[str, Any] | None:
    """The stored heads the CLI was pointed at (a file store, Redis or a JSON file), or None."""
    if args.store_dir:
        from ..stores import FileStore

        return FileStore(args.store_dir).load_heads()
    if args.redis_url:
        from ..stores import RedisStore

        rs = RedisStore(args.redis_url, prefix=args.prefix, tenant=args.tenant)
        try:
            return rs.load_heads()
        finally:
            rs.close()
    if args.heads:
        with open(args.heads, "rb") as fh:
            doc = json.loads(fh.read())
        if not isinstance(doc, dict):
            raise ValueError("--heads: a JSON object {replica: {seq, mac}}")
        return doc
    return None


def _main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m presidio_x402.audit_log",
                                 description="Verify an HMAC-chained audit log (key from $PRESIDIO_X402_CHAIN_KEY).")
    sub = ap.add_subparsers(dest="cmd", required=True)
    v = sub.add_parser("verify", help="verify a JSONL audit log file, or a directory of replica chains (*.jsonl)")
    v.add_argument("file", metavar="FILE|DIR")
    v.add_argument("--expected-seq", type=int)
    v.add_argument("--expected-mac")
    v.add_argument("--store-dir",
                   help="for a directory: the file store directory whose head-{replica}.json are the stored heads")
    v.add_argument("--redis-url",
                   help="for a directory: the Redis store holding the stored heads (with --tenant, --prefix)")
    v.add_argument("--tenant", default="default")
    v.add_argument("--prefix", default="presidio_x402")
    v.add_argument("--heads", help="for a directory: a JSON file {replica: {seq, mac}} of stored heads")
    args = ap.parse_args(argv)
    if not os.environ.get(_keys.CHAIN_KEY_ENV):
        print(f"!!! WARNING: {_keys.CHAIN_KEY_ENV} is not set: verifying with a per-process random key, "
              "so no line can verify !!!", file=sys.stderr)
    key = _keys.chain_key()
    if os.path.isdir(args.file):
        if args.expected_seq is not None or args.expected_mac:
            print("--expected-seq and --expected-mac are for one file, not a directory", file=sys.stderr)
            return 2
        if sum(bool(x) for x in (args.store_dir, args.redis_url, args.heads)) > 1:
            print("--store-dir, --redis-url and --heads are alternatives", file=sys.stderr)
            return 2
        d = verify_dir(args.file, key, heads=_cli_heads(args))
        for c in d.chains:
            if c.ok and c.head is not None:
                past = f" ({c.past_head} past the stored head)" if c.head_check == "ahead" else ""
                print(f"OK: {c.name} (replica {c.replica or '-'}): {c.head['seq']} lines, head mac {c.head['mac']}, "
                      f"stored head {c.head_check}{past}")
            else:
                print(f"FAILED: {c.name} (replica {c.replica or '-'}) at line {c.line} (seq {c.seq}): {c.code}: "
                      f"{c.reason}")
        for m in d.missing:
            print(f"FAILED: replica {m.replica}: stored head at seq {m.stored_head['seq']} but no log: {m.code}: "
                  f"{m.reason}")
        if not d.truncation_checked:
            print("WARNING: truncation not checked (no stored head for every chain: give --store-dir, --redis-url "
                  "or --heads): a cut tail or a deleted log would pass", file=sys.stderr)
        print(f"{'OK' if d.ok else 'FAILED'}: {sum(c.ok for c in d.chains)} of {len(d.chains)} chains verify, "
              f"{len(d.missing)} missing")
        return 0 if d.ok else 1
    with open(args.file, "rb") as fh:
        data = fh.read()
    expected = None
    if args.expected_seq is not None or args.expected_mac:
        if args.expected_seq is None or not args.expected_mac:
            print("--expected-seq and --expected-mac go together", file=sys.stderr)
            return 2
        expected = (args.expected_seq, args.expected_mac)
    r = verify_chain(data, key, expected_head=expected)
    if r.ok and r.head is not None:
        print(f"OK: {r.head['seq']} lines, head mac {r.head['mac']}")
        return 0
    print(f"FAILED at line {r.line} (seq {r.seq}): {r.code}: {r.reason}")
    return 1


__all__ = [
    "TAIL_WINDOW_BYTES",
    "AuditEvent",
    "AuditLog",
    "ChainResult",
    "DirVerifyResult",
    "FileAuditWriter",
    "MissingLog",
    "NullAuditWriter",
    "StreamAuditWriter",
    "VerifyResult",
    "repair_tail",
    "verify_audit_log",
    "verify_chain",
    "verify_dir",
]
