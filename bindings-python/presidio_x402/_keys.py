"""Key material from the environment, wrapped so it never prints."""

from __future__ import annotations

import logging
import os
import secrets
import weakref
from typing import Any

logger = logging.getLogger("presidio_x402")

CHAIN_KEY_ENV = "PRESIDIO_X402_CHAIN_KEY"
FINGERPRINT_KEY_ENV = "PRESIDIO_X402_FINGERPRINT_KEY"
MIN_KEY_BYTES = 16


class SecretKey:
    """Raw key bytes behind an opaque holder.

    The bytes are not an attribute of the holder: they live in a private
    table keyed by the holder, so ``vars()``/``__slots__`` walks, ``repr``,
    ``str`` and logs of any object that holds a key never reach them. A holder
    cannot be pickled; ``copy``/``deepcopy`` give the same holder (a key is
    immutable). :meth:`bytes` is the only way to the key.
    """

    __slots__ = ("__weakref__", "_len", "origin")

    def __init__(self, raw: bytes | bytearray | str, origin: str) -> None:
        b = raw.encode("utf-8") if isinstance(raw, str) else bytes(raw)
        _VAULT[self] = b
        self.origin = origin
        self._len = len(b)

    def bytes(self) -> bytes:
        return _VAULT[self]

    def __len__(self) -> int:
        return self._len

    def __repr__(self) -> str:
        return f"<SecretKey {self.origin}, {self._len} bytes>"

    __str__ = __repr__

    def __reduce__(self) -> Any:  # never pickled by accident
        raise TypeError("SecretKey cannot be pickled")

    def __copy__(self) -> SecretKey:
        return self

    def __deepcopy__(self, memo: Any) -> SecretKey:
        return self


_VAULT: weakref.WeakKeyDictionary[SecretKey, bytes] = weakref.WeakKeyDictionary()


class Sealed:
    """Any value (the caller's countersignatures or pre-approval tokens) behind an
    opaque holder, as :class:`SecretKey` keeps bytes: ``vars()``, ``repr`` and
    logs of its owner never show it; :meth:`get` is the only way to it."""

    __slots__ = ("__weakref__",)

    def __init__(self, value: Any) -> None:
        _SEALED[self] = value

    def get(self) -> Any:
        return _SEALED[self]

    def __repr__(self) -> str:
        return "<sealed>"

    def __reduce__(self) -> Any:  # never pickled by accident
        raise TypeError("Sealed cannot be pickled")


_SEALED: weakref.WeakKeyDictionary[Sealed, Any] = weakref.WeakKeyDictionary()


def secret(value: bytes | bytearray | str | SecretKey | None, origin: str) -> SecretKey | None:
    """Wraps a secret of any length (an approver's shared secret) in a holder."""
    if value is None or isinstance(value, SecretKey):
        return value
    return SecretKey(value, origin)


class KeyInputError(ValueError):
    """A key argument the package cannot use; ``.code`` is the core's code
    (``key-too-short``, or ``invalid-input`` for text that is not hex)."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def coerce_key(key: bytes | bytearray | str | SecretKey | None, what: str) -> SecretKey | None:
    """Turns bytes, a hex string or a SecretKey into a SecretKey (``None`` stays ``None``)."""
    if key is None:
        return None
    if isinstance(key, SecretKey):
        return key
    if isinstance(key, str):
        try:
            raw = bytes.fromhex(key)
        except ValueError:
            raise KeyInputError(f"{what} must be hex", "invalid-input") from None
    else:
        raw = bytes(key)
    if len(raw) < MIN_KEY_BYTES:
        raise KeyInputError(f"{what} must be at least {MIN_KEY_BYTES} bytes", "key-too-short")
    return SecretKey(raw, "argument")


_cache: dict[str, SecretKey] = {}


def env_key(env: str, purpose: str, consequence: str) -> SecretKey:
    """The key in ``$env`` (hex), else a per-process random key with a loud warning."""
    if env in _cache:
        return _cache[env]
    text = os.environ.get(env)
    key: SecretKey | None = None
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
        "Replays are NOT detected across processes or restarts, even with a shared store (Redis, file).",
    )
