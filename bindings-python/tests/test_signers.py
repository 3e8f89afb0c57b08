"""presidio_x402.signers.eth_account_signer: real EIP-3009 signatures from an eth-account
LocalAccount through PyPI x402's exact-EVM schemes, v1 and v2, accepted by the guard's
payload check; its failures say why (SignerError as the cause of signer-failed).
The settlement against the local x402 world is in examples/x402-world (make test-e2e)."""

import dataclasses
import sys

import pytest
from eth_account import Account
from eth_account.messages import encode_typed_data
from x402mock import Server, unb64

from presidio_x402 import HardenedX402Client, X402PaymentError
from presidio_x402.signers import SignerError, eth_account_signer


class Lines:
    def __init__(self):
        self.lines = []

    def write(self, ev):
        self.lines.append(str(ev))


def client(server, signer):
    return HardenedX402Client(payment_signer=signer, httpx_client=server.client(), audit_writer=Lines(),
                              audit_key="aa" * 32, replay_key="bb" * 32, policy={"max_per_call_usd": "0.10"})


def recovered(payload, chain_id, asset):
    """The address whose key signed the payload's EIP-3009 authorization."""
    a = payload["authorization"]
    data = {"types": {"EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                                       {"name": "chainId", "type": "uint256"},
                                       {"name": "verifyingContract", "type": "address"}],
                      "TransferWithAuthorization": [{"name": "from", "type": "address"},
                                                    {"name": "to", "type": "address"},
                                                    {"name": "value", "type": "uint256"},
                                                    {"name": "validAfter", "type": "uint256"},
                                                    {"name": "validBefore", "type": "uint256"},
                                                    {"name": "nonce", "type": "bytes32"}]},
            "primaryType": "TransferWithAuthorization",
            "domain": {"name": "USDC", "version": "2", "chainId": chain_id, "verifyingContract": asset},
            "message": {"from": a["from"], "to": a["to"], "value": int(a["value"]), "validAfter": int(a["validAfter"]),
                        "validBefore": int(a["validBefore"]), "nonce": bytes.fromhex(a["nonce"][2:])}}
    return Account.recover_message(encode_typed_data(full_message=data), signature=payload["signature"])


@pytest.mark.parametrize("version", [1, 2])
async def test_signs_v1_and_v2_and_the_guard_accepts_the_payload(version):
    account = Account.create()
    s = Server(version=version)
    r = await client(s, eth_account_signer(account)).get("https://api.example.com/premium-data")
    assert r.status_code == 200
    header = s.requests[-1].headers["X-PAYMENT" if version == 1 else "PAYMENT-SIGNATURE"]
    sent = unb64(header)
    assert sent["x402Version"] == version
    inner = sent["payload"]
    assert inner["authorization"]["from"].lower() == account.address.lower()
    asset = "0x036CbD53842c5426634e7929541eC2318f3dCF7e"
    assert recovered(inner, 84532, asset).lower() == account.address.lower()


async def test_a_failure_is_a_signer_error_kept_as_the_cause():
    sign = eth_account_signer(Account.create())

    async def elsewhere(details):
        return await sign(dataclasses.replace(details, network="solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp"))

    with pytest.raises(X402PaymentError) as e:
        await client(Server(version=2), elsewhere).get("https://api.example.com/premium-data")
    assert e.value.code == "signer-failed"
    assert isinstance(e.value.__cause__, SignerError)
    assert "EVM networks" in str(e.value)


def test_not_an_account_is_refused_with_words():
    with pytest.raises(SignerError, match="LocalAccount"):
        eth_account_signer(object())


def test_without_the_x402_extra_the_error_names_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "x402.mechanisms.evm.exact.client", None)  # as if PyPI x402 were absent
    with pytest.raises(ImportError, match=r'pip install "presidio-hardened-x402\[x402\]"'):
        eth_account_signer(Account.create())
