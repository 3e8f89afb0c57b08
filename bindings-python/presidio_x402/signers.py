"""Signer helpers for the seed-style clients (``HardenedX402Client``, ``Guard``).

:func:`eth_account_signer` turns an eth-account ``LocalAccount``
(``Account.from_key(...)``) into the ``payment_signer`` of a
:class:`~presidio_x402.HardenedX402Client`: it signs EVM ``exact`` payments
(EIP-3009 ``transferWithAuthorization``) of x402 v2 and v1 with the official
scheme classes of PyPI ``x402`` (``ExactEvmScheme``, ``ExactEvmSchemeV1``), the
bytes the official client would send. The guard still checks every payload
(``payload.check``, docs/CONFIG.md).

Needs the ``x402`` extra (``pip install "presidio-hardened-x402[x402]"``: PyPI
``x402[evm]`` and ``eth-account``); without it :func:`eth_account_signer` raises
an ``ImportError`` naming what to install.

Solana is not offered: ``x402``'s ``svm`` scheme needs ``x402[svm]`` (solders and
a Solana keypair), and the local x402 world these helpers are tested against
settles EVM only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from ._types import PaymentDetails

__all__ = ["SignerError", "eth_account_signer"]


class SignerError(Exception):
    """Why a signer could not sign, in words that hold no key material.

    The helpers here raise it; the client keeps it as the ``__cause__`` of its
    ``signer-failed`` error and appends its message (any other signer exception
    is kept by type name only: its text may hold key material).
    """


def _failure(details: PaymentDetails, exc: BaseException) -> SignerError:
    """Words for a scheme failure: the exception's type, the version and the network, never the key."""
    return SignerError(f"EVM exact v{details.x402_version} on {details.network!r} could not be signed "
                       f"({type(exc).__name__})")


def eth_account_signer(account: Any) -> Callable[[PaymentDetails], Awaitable[dict[str, Any]]]:
    """An async ``payment_signer`` for EVM ``exact`` (x402 v1 and v2) from an eth-account ``LocalAccount``.

    It signs exactly the requirement the guard selected
    (``details.requirements``) and returns the x402 ``PaymentPayload``. A failure
    is a :class:`SignerError` naming the version and network.
    """
    try:
        from x402.mechanisms.evm.exact.client import ExactEvmScheme
        from x402.mechanisms.evm.exact.v1.client import ExactEvmSchemeV1
        from x402.mechanisms.evm.signers import EthAccountSigner
        from x402.schemas.payments import PaymentRequirements
        from x402.schemas.v1 import PaymentRequirementsV1
    except ImportError as e:
        raise ImportError('eth_account_signer needs PyPI x402 with its EVM scheme and eth-account: '
                          'pip install "presidio-hardened-x402[x402]"') from e
    if not (hasattr(account, "address") and hasattr(account, "sign_typed_data")):
        raise SignerError("eth_account_signer needs an eth-account LocalAccount (Account.from_key(...))")
    signer = EthAccountSigner(account)
    v2, v1 = ExactEvmScheme(signer), ExactEvmSchemeV1(signer)

    async def sign(details: PaymentDetails) -> dict[str, Any]:
        if details.x402_version >= 2 and not str(details.network).startswith("eip155:"):
            raise SignerError(f"eth_account_signer signs EVM networks (eip155:*), not {details.network!r}")
        try:
            if details.x402_version >= 2:
                inner = v2.create_payment_payload(PaymentRequirements.model_validate(details.requirements))
            else:
                inner = v1.create_payment_payload(PaymentRequirementsV1.model_validate(details.requirements))
        except Exception as exc:
            raise _failure(details, exc) from None
        return details.payment_payload(dict(inner))

    return sign
