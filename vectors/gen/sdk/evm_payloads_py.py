"""Real payment payloads made by the official Python client (PyPI `x402` x402ClientSync with
`register_exact_evm_client` over an eth-account key), for the driver's payload-binding scenarios.
Deterministic: a fixed key, a fixed clock and fixed nonce bytes (eth-account signs
deterministically, RFC 6979). Run by regen.py with the test venv's Python; writes
vectors/fixtures/sdk-payloads-py.json."""
import json
import os
import sys
import time
from importlib.metadata import version

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
COMMON = json.load(open(os.path.join(HERE, "common.json")))

time.time = lambda: float(COMMON["now_s"])
os.urandom = lambda n: b"\x5a" * n
import secrets  # noqa: E402

secrets.token_bytes = lambda n=32: b"\x5a" * n
secrets.token_hex = lambda n=32: "5a" * n

from eth_account import Account  # noqa: E402
from x402 import x402ClientSync  # noqa: E402
from x402.mechanisms.evm.exact import register_exact_evm_client  # noqa: E402
from x402.schemas.helpers import parse_payment_required  # noqa: E402


def dump(m):
    return m.model_dump(by_alias=True, exclude_none=True, mode="json") if hasattr(m, "model_dump") else m


def main():
    account = Account.from_key(COMMON["private_key"])
    client = x402ClientSync()
    register_exact_evm_client(client, account)
    out = {"sdk": f"x402 {version('x402')} + eth-account {version('eth-account')}", "wallet": account.address,
           "now_s": COMMON["now_s"], "cases": []}
    for c in COMMON["cases"]:
        try:
            payload = client.create_payment_payload(parse_payment_required(c["payment_required"]))
        except Exception as e:
            print(f"{c['name']}: not made by this SDK ({type(e).__name__}: {e})", file=sys.stderr)
            continue
        out["cases"].append({"name": c["name"], "payload": dump(payload)})
    path = os.path.join(ROOT, "vectors", "fixtures", "sdk-payloads-py.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(f"sdk-payloads-py.json: {len(out['cases'])} payloads from {out['sdk']}")


if __name__ == "__main__":
    main()
