"""Compliance report over HMAC-chained audit logs (the seed's ``ComplianceReport``).

The core's ``audit.report`` does all of it: it verifies every chain first
(as :func:`presidio_x402.audit_log.verify_dir`) and counts **only the lines
that verified**. A chain that fails is counted up to the line before the
failure, and the report says where (``chain_ok`` False, each chain's
``line``, ``seq`` and ``code`` in ``to_dict()["chains"]``, a warning, and
``unverified_lines``). Without the replicas' stored heads a warning says that
truncation was not checked. The JSON (:meth:`ComplianceReport.to_json`) is
the core's canonical text, byte-identical to the npm package's
``complianceReport(dir, key)``.

Usage::

    from presidio_x402.compliance_report import ComplianceReport

    report = ComplianceReport.from_jsonl("/var/log/x402-audit/")   # a file or a log directory
    print(report.summary())
    report.save_json("/tmp/compliance-2026-04.json")
    entries = report.entries_for_agent("agent-alice")                 # GDPR data-subject lookup

From the shell (key from ``$PRESIDIO_X402_CHAIN_KEY``; exit status 1 when a
chain does not verify)::

    python -m presidio_x402.compliance_report LOGDIR [--format markdown|json|text] [--out FILE]
        [--store-dir STATE_DIR | --redis-url URL [--tenant T] [--prefix P] | --heads HEADS.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Union, cast

from .. import _keys
from .._core import core
from .._types import AuditEvent

KeyLike = Union[bytes, bytearray, str, "_keys.SecretKey"]
PathLike = Union[str, "os.PathLike[str]"]


@dataclass
class AgentSummary:
    """One agent's totals (``total_usd`` as a float for the seed API;
    ``total_usd_exact`` is the exact decimal string)."""

    agent_id: str | None
    total_payments: int = 0
    total_usd: float = 0.0
    blocked_pii: int = 0
    blocked_policy: int = 0
    blocked_replay: int = 0
    pii_redacted: int = 0
    payment_errors: int = 0
    total_usd_exact: str = "0"


def _read_chains(path: PathLike) -> list[dict[str, str]]:
    """``[{name, text}]``: the file, or every ``*.jsonl`` of the directory (sorted)."""
    p = os.fspath(path)
    if os.path.isdir(p):
        names = sorted(n for n in os.listdir(p) if n.endswith(".jsonl") and os.path.isfile(os.path.join(p, n)))
        files = [(n, os.path.join(p, n)) for n in names]
    else:
        files = [(os.path.basename(p), p)]
    out = []
    for name, f in files:
        with open(f, "rb") as fh:
            out.append({"name": name, "text": fh.read().decode("utf-8", errors="replace")})
    return out


def _heads(h: dict[str, Any] | None) -> dict[str, Any] | None:
    if h is None:
        return None
    return {r: {"seq": int(v["seq"]), "mac": str(v["mac"])} if isinstance(v, dict)
            else {"seq": int(v[0]), "mac": str(v[1])} for r, v in h.items()}


class ComplianceReport:
    """A compliance report computed by the core over verified audit lines.

    Build it with :meth:`from_jsonl` (a log file or directory),
    :meth:`from_chains` or :meth:`from_events`. ``key`` defaults to
    ``$PRESIDIO_X402_CHAIN_KEY`` (the key the guard chains with).
    """

    def __init__(self, json_text: str, markdown: str, events: list[AuditEvent]) -> None:
        self._json = json_text
        self._markdown = markdown
        self._data: dict[str, Any] = json.loads(json_text)
        self.events: list[AuditEvent] = events
        """The audit lines that verified (and were counted), in log order."""

    # ---- constructors -------------------------------------------------------------
    @classmethod
    def from_chains(cls, chains: Iterable[dict[str, str]], key: KeyLike | None = None, *,
                    heads: dict[str, Any] | None = None) -> ComplianceReport:
        """The report of chains given as ``{"name", "text"}`` (one per replica),
        with the replicas' stored heads when known (replica → ``{seq, mac}``)."""
        k = _keys.coerce_key(key, "audit key") or _keys.chain_key()
        chains = [{"name": str(c["name"]), "text": str(c["text"])} for c in chains]
        inp: dict[str, Any] = {"key_hex": k.bytes().hex(), "chains": chains}
        if heads is not None:
            inp["heads"] = _heads(heads)
        out = core().audit_call("audit.report", inp)
        data = json.loads(out["json"])
        events: list[AuditEvent] = []
        for c, r in zip(chains, data["chains"], strict=False):
            lines = c["text"].split("\n")
            events.extend(AuditEvent(ln) for ln in lines[: r["counted"]])
        return cls(out["json"], out["markdown"], events)

    @classmethod
    def from_jsonl(cls, path: PathLike, key: KeyLike | None = None, *, heads: dict[str, Any] | None = None,
                   store: Any = None) -> ComplianceReport:
        """The report of a JSONL audit log file, or of a log directory (every
        ``*.jsonl`` in it, one chain per replica). ``heads`` or ``store`` (its
        ``load_heads()``) give the replicas' stored heads, which detect a cut
        tail or a deleted log."""
        if store is not None:
            if heads is not None:
                raise ValueError("give heads or store, not both")
            heads = store.load_heads()
        return cls.from_chains(_read_chains(path), key, heads=heads)

    from_dir = from_jsonl

    @classmethod
    def from_events(cls, events: Iterable[Any], key: KeyLike | None = None) -> ComplianceReport:
        """The report of one chain given as its lines (``AuditEvent`` objects, as
        writers receive them, or line strings), in order from seq 1."""
        lines = []
        for e in events:
            if not isinstance(e, str):
                raise TypeError("from_events takes audit lines (presidio_x402._types.AuditEvent or str)")
            lines.append(str(e))
        return cls.from_chains([{"name": "events", "text": "".join(ln + "\n" for ln in lines)}], key)

    # ---- chain integrity ------------------------------------------------------------
    @property
    def chain_ok(self) -> bool:
        """Every chain verified and no replica's log is missing."""
        return bool(self._data["chain_ok"])

    @property
    def chain_warnings(self) -> list[str]:
        """Where each chain failed, missing logs, and unchecked truncation."""
        return list(self._data["chain_warnings"])

    @property
    def truncation_checked(self) -> bool:
        """True only when every chain was compared with its replica's stored head."""
        return bool(self._data["truncation_checked"])

    # ---- analysis -----------------------------------------------------------------
    def allowed_count(self) -> int:
        """Allowed payment decisions."""
        return int(self._data["allowed"])

    def blocked_count(self) -> int:
        """Blocked payment attempts (any reason)."""
        return int(self._data["blocked"])

    def total_spend_usd(self) -> float:
        """Spend (allowed payments less released ones) as a float; see :meth:`total_spend_usd_exact`."""
        return float(self._data["total_spend_usd"])

    def total_spend_usd_exact(self) -> str:
        """Spend as an exact decimal string."""
        return str(self._data["total_spend_usd"])

    def pii_entity_counts(self) -> dict[str, int]:
        """PII entity type → how many payment decisions found it."""
        return dict(self._data["pii_entity_counts"])

    def blocked_by_code(self) -> dict[str, int]:
        """Refusal code → count."""
        return dict(self._data["blocked_by_code"])

    def agent_summaries(self) -> dict[str | None, AgentSummary]:
        """Per-agent totals (``None``: lines without an agent id)."""
        out: dict[str | None, AgentSummary] = {}
        for a in self._data["agent_summaries"]:
            out[a["agent_id"]] = AgentSummary(
                agent_id=a["agent_id"], total_payments=a["total_payments"], total_usd=float(a["total_usd"]),
                blocked_pii=a["blocked_pii"], blocked_policy=a["blocked_policy"], blocked_replay=a["blocked_replay"],
                pii_redacted=a["pii_redacted"], payment_errors=a["payment_errors"], total_usd_exact=a["total_usd"])
        return out

    def entries_for_agent(self, agent_id: str) -> list[AuditEvent]:
        """The verified lines of ``agent_id`` (GDPR Art. 15/17 data-subject requests)."""
        return [e for e in self.events if json.loads(str(e)).get("agent_id") == agent_id]

    # ---- output -------------------------------------------------------------------
    def summary(self) -> str:
        """A readable summary (the Markdown report)."""
        return self._markdown

    def to_markdown(self) -> str:
        """The report as Markdown (the core renders it)."""
        return self._markdown

    def to_dict(self) -> dict[str, Any]:
        """The report as a dict (amounts are exact decimal strings)."""
        return cast("dict[str, Any]", json.loads(self._json))

    def to_json(self) -> str:
        """The core's canonical JSON text (identical in every host)."""
        return self._json

    def save_json(self, path: PathLike) -> None:
        """Writes :meth:`to_json` and a newline (creating parent directories)."""
        p = os.fspath(path)
        os.makedirs(os.path.dirname(os.path.abspath(p)), exist_ok=True)
        with open(p, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(self._json + "\n")

    def save_markdown(self, path: PathLike) -> None:
        """Writes :meth:`to_markdown`."""
        p = os.fspath(path)
        os.makedirs(os.path.dirname(os.path.abspath(p)), exist_ok=True)
        with open(p, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(self._markdown)

    def __repr__(self) -> str:
        return (f"<ComplianceReport events={len(self.events)} chain_ok={self.chain_ok} "
                f"allowed={self.allowed_count()} blocked={self.blocked_count()}>")


def _main(argv: list[str] | None = None) -> int:
    from ..audit_log import _cli_heads

    ap = argparse.ArgumentParser(prog="python -m presidio_x402.compliance_report",
                                 description="Compliance report of an audit log file or directory "
                                             "(key from $PRESIDIO_X402_CHAIN_KEY); exit 1 when a chain does not "
                                             "verify.")
    ap.add_argument("logdir", metavar="LOGDIR|FILE")
    ap.add_argument("--format", choices=("markdown", "json"), default="markdown")
    ap.add_argument("--out", help="write the report to this file instead of standard output")
    ap.add_argument("--store-dir", help="the file store directory whose head-{replica}.json are the stored heads")
    ap.add_argument("--redis-url", help="the Redis store holding the stored heads (with --tenant, --prefix)")
    ap.add_argument("--tenant", default="default")
    ap.add_argument("--prefix", default="presidio_x402")
    ap.add_argument("--heads", help="a JSON file {replica: {seq, mac}} of stored heads")
    args = ap.parse_args(argv)
    if sum(bool(x) for x in (args.store_dir, args.redis_url, args.heads)) > 1:
        print("--store-dir, --redis-url and --heads are alternatives", file=sys.stderr)
        return 2
    if not os.path.exists(args.logdir):
        print(f"no such file or directory: {args.logdir}", file=sys.stderr)
        return 2
    if not os.environ.get(_keys.CHAIN_KEY_ENV):
        print(f"!!! WARNING: {_keys.CHAIN_KEY_ENV} is not set: verifying with a per-process random key, "
              "so no line can verify !!!", file=sys.stderr)
    r = ComplianceReport.from_jsonl(args.logdir, heads=_cli_heads(args))
    text = r.to_json() + "\n" if args.format == "json" else r.to_markdown()
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0 if r.chain_ok else 1


__all__ = ["AgentSummary", "ComplianceReport"]
