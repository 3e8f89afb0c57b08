"""Key material from the environment, wrapped so it never prints."""

from __future__ import annotations

import logging
import os
import secrets
from typing import Optional, Union

logger = logging.getLogger("presidio_x402")

CHAIN_KEY_ENV = "PRESIDIO_X402_CHAIN_KEY"
FINGERPRINT_KEY_ENV = "PRESIDIO_X402_FINGERPRINT_KEY"
MIN_KEY_BYTES = 16


class SecretKey:
    """Raw key bytes that never appear in ``repr``/``str``/logs."""

    __slots__ = ("_b", "origin")

    def __init__(self, raw: bytes, origin: str) -> None:
        self._b = bytes(raw)
        self.origin = origin

    def bytes(self) -> bytes:
        return self._b

    def __repr__(self) -> str:
        return f"<SecretKey {self.origin}, {len(self._b)} bytes>"

    __str__ = __repr__

    def __reduce__(self):  # never pickled by accident
        raise TypeError("SecretKey cannot be pickled")


def coerce_key(key: Union[None, bytes, bytearray, str, SecretKey], what: str) -> Optional[SecretKey]:
    """Turns bytes, a hex string or a SecretKey into a SecretKey (``None`` stays ``None``)."""
    if key is None:
        return None
    if isinstance(key, SecretKey):
        return key
    if isinstance(key, str):
        try:
            raw = bytes.fromhex(key)
        except ValueError:
            raise ValueError(f"{what} must be hex") from None
    else:
        raw = bytes(key)
    if len(raw) < MIN_KEY_BYTES:
        raise ValueError(f"{what} must be at least {MIN_KEY_BYTES} bytes")
    return SecretKey(raw, "argument")


_cache: dict = {}


def env_key(env: str, purpose: str, consequence: str) -> SecretKey:
    """The key in ``$env`` (hex), else a per-process random key with a loud warning."""
    if env in _cache:
        return _cache[env]
    text = os.environ.get(env)
    key: Optional[SecretKey] = None
    if text:
        try:
            raw = bytes.fromhex(text.strip())
            if len(raw) >= MIN_KEY_BYTES:
                key = SecretKey(raw, f"${env}")
            else:
                logger.error("%s is shorter than %d bytes: ignored", env, MIN_KEY_BYTES)
        except ValueError:
            logger.error("%s is not valid hex: ignored", env)
    if key is None:
        logger.warning(
            "!!! %s is not set: the %s uses a PER-PROCESS RANDOM key. %s "
            "Set %s to 32 random bytes in hex (python -c 'import secrets; print(secrets.token_hex(32))'). !!!",
            env, purpose, consequence, env,
        )
        key = SecretKey(secrets.token_bytes(32), "per-process random")
    _cache[env] = key
    return key


def chain_key() -> SecretKey:
    return env_key(
        CHAIN_KEY_ENV,
        "audit log chain",
        "The log CANNOT be verified after this process exits.",
    )


def fingerprint_key() -> SecretKey:
    return env_key(
        FINGERPRINT_KEY_ENV,
        "replay guard",
        "Replays are NOT detected across processes or restarts.",
    )
