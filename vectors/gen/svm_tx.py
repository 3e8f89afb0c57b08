"""Solana wire transactions for the payload-binding vectors: decode the real `@x402/svm` transaction
(vectors/fixtures/sdk-payloads-svm.json), change one thing, encode it again (signatures are kept
as they are: the core does not verify them, see core/src/payload/svm.rs)."""
import base64
import copy
import hashlib
import json
import os

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
TOKEN = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"  # noqa: S105 (a program id)
TOKEN_2022 = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb"  # noqa: S105 (a program id)
ATA_PROGRAM = "ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL"
SYSTEM = "11111111111111111111111111111111"
MEMO = "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr"


def b58decode(s):
    n = 0
    for c in s:
        n = n * 58 + B58.index(c)
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * (len(s) - len(s.lstrip("1"))) + body


def b58encode(b):
    n = int.from_bytes(b, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    return "1" * (len(b) - len(b.lstrip(b"\0"))) + out


def pda_any_bump(seeds, program, bump):
    h = hashlib.sha256()
    for s in seeds:
        h.update(s)
    h.update(bytes([bump]) + b58decode(program) + b"ProgramDerivedAddress")
    return h.digest()


def _len(b, i):
    v = 0
    for k in range(3):
        c = b[i]
        i += 1
        v |= (c & 0x7F) << (7 * k)
        if not c & 0x80:
            return v, i
    raise ValueError("compact-u16")


def _enc_len(n):
    out = bytearray()
    while True:
        c = n & 0x7F
        n >>= 7
        if n:
            out.append(c | 0x80)
        else:
            out.append(c)
            return bytes(out)


def decode(tx_b64):
    b = base64.b64decode(tx_b64)
    n, i = _len(b, 0)
    sigs = [b[i + 64 * k:i + 64 * (k + 1)] for k in range(n)]
    i += 64 * n
    version = None
    if b[i] & 0x80:
        version = b[i] & 0x7F
        i += 1
    header = list(b[i:i + 3])
    i += 3
    n, i = _len(b, i)
    keys = [b[i + 32 * k:i + 32 * (k + 1)] for k in range(n)]
    i += 32 * n
    blockhash = b[i:i + 32]
    i += 32
    n, i = _len(b, i)
    ixs = []
    for _ in range(n):
        prog = b[i]
        i += 1
        na, i = _len(b, i)
        accts = list(b[i:i + na])
        i += na
        nd, i = _len(b, i)
        ixs.append({"program": prog, "accounts": accts, "data": b[i:i + nd]})
        i += nd
    lookups = []
    if version is not None:
        n, i = _len(b, i)
        assert n == 0
    assert i == len(b)
    return {"sigs": sigs, "version": version, "header": header, "keys": keys, "blockhash": blockhash, "ixs": ixs,
            "lookups": lookups}


def encode(t):
    out = bytearray(_enc_len(len(t["sigs"])))
    for s in t["sigs"]:
        out += s
    if t["version"] is not None:
        out.append(0x80 | t["version"])
    out += bytes(t["header"])
    out += _enc_len(len(t["keys"]))
    for k in t["keys"]:
        out += k
    out += t["blockhash"]
    out += _enc_len(len(t["ixs"]))
    for ix in t["ixs"]:
        out.append(ix["program"])
        out += _enc_len(len(ix["accounts"])) + bytes(ix["accounts"])
        out += _enc_len(len(ix["data"])) + ix["data"]
    if t["version"] is not None:
        out += _enc_len(len(t["lookups"]))
        for key, w, r in t["lookups"]:
            out += key + _enc_len(len(w)) + bytes(w) + _enc_len(len(r)) + bytes(r)
    return base64.b64encode(bytes(out)).decode()


def fixture():
    """The real @x402/svm payload document, or None when it was not generated."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "sdk-payloads-svm.json")
    return json.load(open(path)) if os.path.exists(path) else None


def mutate(tx_b64, f):
    t = copy.deepcopy(decode(tx_b64))
    f(t)
    return encode(t)


def transfer(t):
    """The TransferChecked instruction (the third)."""
    return t["ixs"][2]


def set_account(t, pos, key_bytes):
    """Points the transfer's account `pos` (0 source, 1 mint, 2 destination, 3 authority) at a new key."""
    t["keys"].append(key_bytes)
    transfer(t)["accounts"][pos] = len(t["keys"]) - 1
