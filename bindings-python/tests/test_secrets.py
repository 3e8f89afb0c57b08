"""Echoes and secrets: a signer's exception never reaches ours, keys are opaque,
URL credentials and PII never leave in logs or echoes."""

import copy
import json
import pickle
import traceback
import types

import pytest
from x402mock import RecordingSigner, Server, v2_required

from presidio_x402 import HardenedX402Client, PIIBlockedError, X402PaymentError
from presidio_x402._keys import SecretKey
from presidio_x402.mpa import MPAApproverConfig, MPAConfig, MPAEngine

AUDIT_KEY = bytes(range(0x40, 0x60))
REPLAY_KEY = bytes(range(0x80, 0xA0))
CRYPTO_SECRET = "crypto-approver-secret-0123456789"
HOOK_SECRET = b"webhook-hmac-secret-abcdefghijkl"
SIGNER_TEXT = "private key 0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318 rejected"


class Lines:
    def __init__(self):
        self.lines = []

    def write(self, ev):
        self.lines.append(str(ev))


class LeakySigner(RecordingSigner):
    async def sign(self, details):
        self.calls.append(details)
        raise RuntimeError(SIGNER_TEXT)


async def test_a_signer_exception_is_never_chained_nor_copied():
    s = Server(version=2, amount="1000")
    c = HardenedX402Client(payment_signer=LeakySigner(), httpx_client=s.client(), audit_writer=Lines())
    with pytest.raises(X402PaymentError) as e:
        await c.get("http://127.0.0.1:4021/weather")
    err = e.value
    assert err.code == "signer-failed"
    assert err.__cause__ is None and err.__context__ is None and err.__suppress_context__
    assert err.signer_error_type == "RuntimeError"
    text = "".join(traceback.format_exception(type(err), err, err.__traceback__))
    for shown in (str(err), repr(err), text, repr(vars(err))):
        assert SIGNER_TEXT not in shown and "4c0883a6" not in shown
    assert not s.payments  # nothing was sent
    await c.aclose()


def _reachable(root, limit=50_000):
    """Every object reachable from ``root`` through attributes (``vars`` and
    ``__slots__``) and container items; modules, classes and functions are not entered."""
    seen, stack, out = set(), [root], []
    while stack and len(seen) < limit:
        o = stack.pop()
        if id(o) in seen or isinstance(o, (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType)):
            continue
        seen.add(id(o))
        out.append(o)
        if isinstance(o, dict):
            stack.extend(o.keys())
            stack.extend(o.values())
            continue
        if isinstance(o, (list, tuple, set, frozenset)):
            stack.extend(o)
            continue
        if isinstance(o, (str, bytes, bytearray, int, float, bool)) or o is None:
            continue
        if isinstance(o, types.MethodType):
            stack.append(o.__self__)
            continue
        try:
            stack.extend(vars(o).values())
        except TypeError:
            pass
        for cls in type(o).__mro__:
            for name in getattr(cls, "__slots__", ()):
                if isinstance(name, str) and name not in ("__weakref__", "__dict__"):
                    try:
                        stack.append(getattr(o, name))
                    except AttributeError:
                        pass
    return out


def _holds(objs, needles):
    found = []
    for o in objs:
        if isinstance(o, (bytes, bytearray)):
            b = bytes(o)
            found += [n for n in needles if n in b or n.hex().encode() in b]
        elif isinstance(o, str):
            found += [n for n in needles if n.hex() in o or n.decode("latin-1") in o]
    return found


def _client():
    engine = MPAEngine(MPAConfig(threshold=1, min_amount_usd=1, timeout_seconds=5, approvers=[
        MPAApproverConfig("crypto", mode="crypto", shared_secret=CRYPTO_SECRET),
        MPAApproverConfig("hook", mode="webhook", webhook_url="https://approvals.example.com/hook",
                          shared_secret=HOOK_SECRET)]))
    s = Server(version=2, amount="1000")
    return s, HardenedX402Client(payment_signer=RecordingSigner(), httpx_client=s.client(), audit_writer=Lines(),
                                 audit_key=AUDIT_KEY, replay_key=REPLAY_KEY, mpa_engine=engine)


NEEDLES = [AUDIT_KEY, REPLAY_KEY, CRYPTO_SECRET.encode(), HOOK_SECRET]


async def test_no_raw_key_is_reachable_from_the_client_or_its_guard():
    _s, c = _client()
    r = await c.get("http://127.0.0.1:4021/weather")  # a payment ran: nothing cached on the way either
    assert r.status_code == 200
    objs = _reachable(c)
    assert any(isinstance(o, SecretKey) for o in objs)  # the scan does reach the holders
    assert _holds(objs, NEEDLES) == []
    g = c._guard
    for shown in (repr(c), repr(g), repr(vars(g)), repr(g.config), repr(c._mpa.config), repr(g.audit)):
        assert _holds([shown], NEEDLES) == []
    await c.aclose()


def test_the_scan_finds_a_raw_key_when_there_is_one():
    """The scanner is not blind: a key kept as a plain attribute is found."""
    holder = types.SimpleNamespace(inner={"k": [AUDIT_KEY]})
    assert _holds(_reachable(holder), NEEDLES) == [AUDIT_KEY]
    assert _holds(_reachable(types.SimpleNamespace(s="x" + CRYPTO_SECRET)), NEEDLES) == [CRYPTO_SECRET.encode()]


async def test_copies_and_pickles_never_expose_a_key():
    _s, c = _client()
    g = c._guard
    assert _holds(_reachable(copy.copy(g)), NEEDLES) == []
    k = g.audit._key
    assert copy.copy(k) is k and copy.deepcopy(k) is k
    with pytest.raises(TypeError):
        pickle.dumps(k)
    try:
        blob = pickle.dumps(g)
    except Exception:  # the guard holds a key: it cannot be pickled
        blob = b""
    assert _holds([blob], NEEDLES) == []
    appr = c._mpa.config.approvers
    assert all(isinstance(a.shared_secret, SecretKey) for a in appr)
    assert CRYPTO_SECRET not in repr(appr[0])
    await c.aclose()


CRED_URL = "http://agent:hunter2@127.0.0.1:4021/weather?api_key=sk_live_51abc&q=1"


async def test_url_credentials_are_masked_in_audit_lines_and_the_signers_metadata():
    s, signer, w = Server(version=2, amount="1000"), RecordingSigner(), Lines()
    c = HardenedX402Client(payment_signer=signer, httpx_client=s.client(), audit_writer=w)
    r = await c.get(CRED_URL)
    assert r.status_code == 200
    assert str(s.requests[-1].url).endswith("/weather?api_key=sk_live_51abc&q=1")  # sent to the raw URL
    for line in w.lines:
        assert "hunter2" not in line and "sk_live_51abc" not in line
        assert "api_key=***" in json.loads(line)["resource_url"]
    d = signer.calls[0]
    assert "hunter2" not in d.request_url and "sk_live_51abc" not in d.request_url
    assert "sk_live_51abc" not in json.dumps(s.payments[0]["resource"])
    await c.aclose()


def _pii_server():
    doc = v2_required("http://127.0.0.1:4021/weather", description="Lab results of Dana Scully",
                      extra={"name": "USDC", "version": "2", "note": "for jane.doe@example.com",
                             "bob.jones@example.com": "owner"})
    doc["resource"]["carol.white@example.com"] = "contact"
    return Server(version=2, challenge=lambda req: (2, doc))


async def test_pii_in_the_echoes_is_redacted_in_what_is_sent():
    s, signer = _pii_server(), RecordingSigner()
    c = HardenedX402Client(payment_signer=signer, httpx_client=s.client(), audit_writer=Lines())
    await c.get("http://127.0.0.1:4021/weather")
    sent = s.payments[0]
    text = json.dumps(sent) + json.dumps(signer.calls[0].requirements)
    for raw in ("jane.doe@example.com", "bob.jones@example.com", "carol.white@example.com", "Dana Scully"):
        assert raw not in text
    assert sent["accepted"]["extra"] == {"name": "USDC", "version": "2", "note": "for <REDACTED>",
                                         "<REDACTED>": "owner"}
    assert sent["accepted"]["amount"] == "1000" and sent["resource"]["<REDACTED>"] == "contact"
    await c.aclose()


async def test_pii_in_the_echoes_is_refused_under_block():
    s = _pii_server()
    c = HardenedX402Client(payment_signer=RecordingSigner(), httpx_client=s.client(), audit_writer=Lines(),
                           pii_action="block")
    with pytest.raises(PIIBlockedError):
        await c.get("http://127.0.0.1:4021/weather")
    assert not s.payments
    await c.aclose()
