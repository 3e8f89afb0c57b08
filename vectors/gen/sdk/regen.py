"""Regenerates the real-SDK payload fixtures (vectors/fixtures/sdk-payloads-*.json).

The challenges come from fixtures.py (the offers every driver scenario uses); a fixed key, clock
and nonce make each SDK's output deterministic. Run from the repository root:
    python3 vectors/gen/sdk/regen.py [--python .cache/venv-python/bin/python]
It needs bindings-js/test/node_modules (`@x402/core`, `@x402/evm`, viem) and a Python with PyPI
`x402[evm]` and eth-account (the test venv, `make python-venv`), and for the Solana payloads
X402_SVM_DIR (see svm_payloads.mjs). Then run `python3 vectors/gen/all.py`.
"""
import argparse
import copy
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from fixtures import SOL_PAY_TO, SOLANA_DEVNET, SOLANA_DEVNET_USDC, V1_OFFER, V2_OFFER, v2_doc, with_  # noqa: E402

# eth-account's documented example key: a throwaway, never funded.
PRIVATE_KEY = "0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
NOW_S = 1_767_225_600  # gen_driver.T0 in seconds
PERMIT2_OFFER = with_(V2_OFFER, extra={"name": "USDC", "version": "2", "assetTransferMethod": "permit2"})
# The Solana offer: the facilitator's fee payer, and the blockhash and memo the server may pin in
# `extra` (without them @x402/svm asks an RPC for a blockhash and draws a random memo).
SOL_FEE_PAYER = "EwWqGE4ZFKLofuestmU4LDdK7XM1N4ALgdZccwYugwGd"
SVM_OFFER = with_(V2_OFFER, network=SOLANA_DEVNET, asset=SOLANA_DEVNET_USDC, payTo=SOL_PAY_TO, maxTimeoutSeconds=60,
                  extra={"feePayer": SOL_FEE_PAYER, "recentBlockhash": "EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k",
                         "memo": "x402-vectors"})


def common():
    v1 = {"x402Version": 1, "error": "X-PAYMENT header is required", "accepts": [copy.deepcopy(V1_OFFER)]}
    return {"private_key": PRIVATE_KEY, "now_s": NOW_S, "cases": [
        {"name": "v2-eip3009", "payment_required": v2_doc(V2_OFFER)},
        {"name": "v1-eip3009", "payment_required": v1},
        {"name": "v2-permit2", "payment_required": v2_doc(PERMIT2_OFFER)},
    ], "svm_cases": [
        {"name": "v2-svm", "payment_required": v2_doc(SVM_OFFER)},
    ]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--python", default=".cache/venv-python/bin/python")
    args = ap.parse_args()
    with open(os.path.join(HERE, "common.json"), "w") as f:
        json.dump(common(), f, indent=1)
        f.write("\n")
    subprocess.run(["node", os.path.join(HERE, "evm_payloads.mjs")], check=True)
    subprocess.run([args.python, os.path.join(HERE, "evm_payloads_py.py")], check=True)
    if os.environ.get("X402_SVM_DIR"):
        subprocess.run(["node", os.path.join(HERE, "svm_payloads.mjs")], check=True)
    else:
        print("X402_SVM_DIR unset: sdk-payloads-svm.json not regenerated (see svm_payloads.mjs)")


if __name__ == "__main__":
    main()
