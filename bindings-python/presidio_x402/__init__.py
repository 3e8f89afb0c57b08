"""presidio-hardened-x402: security middleware for x402 agent payments.

The seed's ``presidio_x402`` API over one Rust core compiled to a zero-import
WebAssembly component (``presidio_x402.wasm``, run by wasmtime). Every rule
(exact money, policy, PII, replay fingerprints, MPA, the audit chain,
configuration validation) lives in the component; Python does the I/O.

    from presidio_x402 import HardenedX402Client
    client = HardenedX402Client(payment_signer=my_signer, policy={"max_per_call_usd": 0.10})
    response = await client.get("https://api.example.com/resource")
"""

from __future__ import annotations

import logging
from typing import Any

from ._types import PaymentDetails, PaymentResponse, encode_payment
from .audit_log import AuditLog, FileAuditWriter, NullAuditWriter, StreamAuditWriter, verify_audit_log, verify_chain
from .config_types import GuardConfig
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
from .gateway import HardenedX402Client
from .metrics import MetricsCollector
from .mpa import MPAApproverConfig, MPAConfig, MPAEngine
from .pii_filter import EntityResult, PIIFilter
from .policy_engine import PolicyConfig, PolicyEngine
from .replay_guard import ReplayGuard, compute_fingerprint
from .stores import AsyncRedisStore, FileStore, MemoryStore, RedisStore

__version__ = "0.4.0"
logger = logging.getLogger("presidio_x402")


def call(op: str, input: Any) -> Any:
    """Runs a core operation by name on JSON-able input (the golden vectors' entry point)."""
    from ._core import core

    return core().call(op, input)


__all__ = [
    "AsyncRedisStore",
    "AuditLog",
    "EntityResult",
    "FileAuditWriter",
    "FileStore",
    "GuardConfig",
    "HardenedX402Client",
    "MPAApproverConfig",
    "MPAConfig",
    "MPADeniedError",
    "MPAEngine",
    "MPATimeoutError",
    "MemoryStore",
    "MetricsCollector",
    "NullAuditWriter",
    "PIIBlockedError",
    "PIIFilter",
    "PaymentDetails",
    "PaymentResponse",
    "PolicyConfig",
    "PolicyEngine",
    "PolicyViolationError",
    "RedisStore",
    "ReplayDetectedError",
    "ReplayGuard",
    "StoreUnavailableError",
    "StreamAuditWriter",
    "X402Error",
    "X402PaymentError",
    "call",
    "compute_fingerprint",
    "encode_payment",
    "verify_audit_log",
    "verify_chain",
]
