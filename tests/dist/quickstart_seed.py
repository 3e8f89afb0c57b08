"""The seed's Quick Start ("After (presidio-hardened-x402)", SEED-API.md),
run from an installed package against the local x402 world.

Only two things differ from the seed's text: ``my_signer`` is filled in (an
eth-account key signing a real EIP-3009 authorization with the PyPI ``x402``
package's exact-EVM schemes, as in ``examples/x402-world/agent_py_seed.py``)
and the URL is the world's PII route instead of api.example.com.

    python quickstart_seed.py '{"serverUrl": ..., "facilitatorUrl": ...}'

Prints one JSON line: the status, the body, the guard's judgement and where
the package was imported from. Run by ``tests/dist/run.py`` in a clean venv.
"""
import asyncio
import json
import shutil
import sys
from urllib.parse import quote

from eth_account import Account
from x402.mechanisms.evm.exact.client import ExactEvmScheme
from x402.mechanisms.evm.exact.v1.client import ExactEvmSchemeV1
from x402.schemas.payments import PaymentRequirements
from x402.schemas.v1 import PaymentRequirementsV1

import presidio_x402
from presidio_x402 import HardenedX402Client

WORLD = json.loads(sys.argv[1])
ACCOUNT = Account.create()


async def my_signer(details):
    # Your existing signing logic (eth-account, solders, CDP SDK, etc.)
    if details.x402_version >= 2:
        inner = ExactEvmScheme(ACCOUNT).create_payment_payload(PaymentRequirements.model_validate(details.requirements))
    else:
        inner = ExactEvmSchemeV1(ACCOUNT).create_payment_payload(PaymentRequirementsV1.model_validate(details.requirements))
    return details.payment_payload(inner)


async def main():
    client = HardenedX402Client(
        payment_signer=my_signer,
        policy={
            "max_per_call_usd": 0.10,
            "daily_limit_usd": 5.0,
            "per_endpoint": {WORLD["serverUrl"]: 1.0},
        },
        pii_action="redact",  # redact | block | warn
        pii_entities=["EMAIL_ADDRESS", "PERSON", "US_SSN", "CREDIT_CARD"],
        replay_ttl=300,  # seconds
    )
    response = await client.get(WORLD["serverUrl"] + "/v2/records?email=" + quote(WORLD["email"]))
    guard = response.extensions.get("presidio_x402", {})
    return {
        "status": response.status_code,
        "body": response.json() if response.status_code == 200 else response.text[:200],
        "settled": guard.get("settled"),
        "outcome": guard.get("outcome"),
        "package_file": presidio_x402.__file__,
        "version": presidio_x402.__version__,
        "cargo": shutil.which("cargo"),
        "rustc": shutil.which("rustc"),
    }


print(json.dumps(asyncio.run(main())))
