"""Quickstart (Python): the hardened client with an eth-account key — one paid request,
one refusal with its code, and the audit log verified.

    pip install "presidio-hardened-x402[x402]"
    X402_SERVER_URL=http://127.0.0.1:4021 python quickstart.py      (any x402 server)

``make test-e2e`` runs this file against the local x402 world (examples/x402-world:
@x402/express and a facilitator that verifies the signature).
"""

import asyncio
import os

from eth_account import Account
from presidio_x402 import GuardConfig, HardenedX402Client, X402Error, verify_chain
from presidio_x402.signers import eth_account_signer

SERVER = os.environ.get("X402_SERVER_URL", "http://127.0.0.1:4021")


class AuditLines:
    """An in-memory audit writer (FileAuditWriter("audit.jsonl") in production)."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def write(self, line: object) -> None:
        self.lines.append(str(line))


async def main() -> None:
    # Every key: docs/CONFIG.md. USD amounts as strings are exact.
    policy: GuardConfig = {"max_per_call_usd": "0.50", "daily_limit_usd": "5"}
    # Keep both keys (a secret store in production): the audit key verifies the log later.
    replay_key, audit_key = os.urandom(32).hex(), os.urandom(32).hex()
    audit = AuditLines()
    account = Account.create()  # your funded key: Account.from_key(...)
    client = HardenedX402Client(payment_signer=eth_account_signer(account), policy=policy, agent_id="quickstart",
                                audit_writer=audit, audit_key=audit_key, replay_key=replay_key)

    # 1. A paid request: the guard checks the offer, the signer signs, the server settles.
    r = await client.get(f"{SERVER}/v2/cheap")
    print(f"paid: HTTP {r.status_code} {r.text}")

    # 2. A refusal: $2.00 is over max_per_call_usd; nothing is signed. Every error has a stable .code.
    try:
        await client.get(f"{SERVER}/v2/expensive")
        print("paid?! (the policy should have refused)")
    except X402Error as e:
        print(f"refused: {e.code}")

    # 3. The audit log: an HMAC chain; any edited, missing or reordered line fails.
    result = verify_chain(audit.lines, audit_key)
    if not result.ok:
        raise SystemExit(f"audit log does not verify: line {result.line}, {result.code}")
    print(f"audit verified: {len(audit.lines)} lines")


if __name__ == "__main__":
    asyncio.run(main())
