"""Vectors for payload binding (`payload.check`): a signed payload against the offer the guard
selects from a challenge, as the driver checks it on `signed` (core/src/payload/mod.rs). The driver
scenarios (gen_driver.py, group "what gets signed is what was approved") run the same payloads
through whole payments; these are the unit form, one per field."""
import json
import os

import svm_tx
from common import case, write
from fixtures import DROP, V1_OFFER, V2_OFFER, v1_body, v2_header, with_
from gen_driver import NOW_S, OTHER, PAYER, T0, URL, evm, full, permit2
from sdk.regen import PERMIT2_OFFER, SVM_OFFER

MIS, MAL, LONG = "payload-mismatch", "payload-malformed", "payload-expiry-too-long"


def inp(payload, offer=V2_OFFER, config=None, now_ms=T0):
    i = {"payload": payload, "now_ms": now_ms}
    if "maxAmountRequired" in offer:
        i["body"] = v1_body(offer)
    else:
        i["payment_required"] = v2_header(offer, url=URL)
    if config is not None:
        i["config"] = config
    return i


def ok(comment, payload, flags=(), **kw):
    return case(comment, inp(payload, **kw), {"allowed": True}, flags)


def no(comment, payload, code, field, flags=("Hostile",), **kw):
    return case(comment, inp(payload, **kw), {"allowed": False, "code": code, "field": field}, flags)


A = "authorization."
eip3009 = [
    ok("the approved authorization", evm()),
    ok("the payee in lower case", evm(to=V2_OFFER["payTo"].lower())),
    ok("validAfter at now + skew", evm(validAfter=str(NOW_S + 30))),
    ok("validBefore at now + maxTimeoutSeconds + skew", evm(validBefore=str(NOW_S + 330))),
    ok("from is the configured wallet", evm(), config={"payload": {"wallet": PAYER}}),
    no("another payee", evm(to=OTHER), MIS, A + "to"),
    no("one unit more", evm(value="1001"), MIS, A + "value"),
    no("one unit less", evm(value="999"), MIS, A + "value"),
    no("a value with an exponent", evm(value="1e3"), MAL, A + "value"),
    no("a value with a leading zero", evm(value="01000"), MAL, A + "value"),
    no("a value as a number", evm(value=1000), MAL, A + "value"),
    no("validAfter past now + skew", evm(validAfter=str(NOW_S + 31)), MIS, A + "validAfter"),
    no("expired", evm(validBefore=str(NOW_S - 30)), MIS, A + "validBefore"),
    no("one second too long", evm(validBefore=str(NOW_S + 331)), LONG, A + "validBefore"),
    no("valid for a year", evm(validBefore=str(NOW_S + 365 * 86400)), LONG, A + "validBefore"),
    no("validBefore beyond u64", evm(validBefore="18446744073709551616"), MAL, A + "validBefore"),
    no("skew 0: one second too long", evm(validBefore=str(NOW_S + 301)), LONG, A + "validBefore",
       config={"payload": {"skew_seconds": 0}}),
    no("from is another wallet", evm(**{"from": OTHER}), MIS, A + "from", config={"payload": {"wallet": PAYER}}),
    no("nonce too short", evm(nonce="0x1"), MAL, A + "nonce"),
    no("signature not hex", evm(sig="0xzz" + "00" * 64), MAL, "signature"),
    no("signature too short", evm(sig="0x" + "ab" * 10), MAL, "signature"),
    no("signature without 0x", evm(sig="ab" * 65), MAL, "signature"),
    no("an unknown authorization member", evm(memo="hi"), MAL, "authorization"),
    *[no(f"{k} missing", evm(**{k: DROP}), MAL, A + k) for k in ["from", "to", "value", "validAfter", "validBefore",
                                                                   "nonce"]],
    no("an unknown payload member", {**evm(), "extra": 1}, MAL, "payload"),
    no("neither authorization nor permit2Authorization", {"signature": "0x" + "ab" * 65}, MAL, "authorization"),
    no("not an object", "0xdeadbeef", MAL, "payload"),
]
envelopes = [
    ok("a full v2 PaymentPayload", full()),
    *[no(f"a full v2 PaymentPayload with another accepted.{k}", full(**{k: v}), MIS, f"accepted.{k}")
      for k, v in [("scheme", "upto"), ("network", "eip155:8453"), ("amount", "1001"), ("asset", OTHER),
                   ("payTo", OTHER)]],
    no("accepted.amount not canonical", full(amount="1e3"), MAL, "accepted.amount"),
    no("accepted not an object", {**full(), "accepted": "exact"}, MAL, "accepted"),
    no("another x402Version", {**full(), "x402Version": 1}, MIS, "x402Version"),
    no("x402Version not a number", {**full(), "x402Version": "2"}, MAL, "x402Version"),
    no("no scheme payload", {"x402Version": 2}, MAL, "payload"),
    ok("v1: the approved authorization", evm(V1_OFFER), offer=V1_OFFER),
    no("v1: value above maxAmountRequired", evm(V1_OFFER, value="10001"), MIS, A + "value", offer=V1_OFFER),
    ok("v1 full PaymentPayload", {"x402Version": 1, "scheme": "exact", "network": "base-sepolia",
                                  "payload": evm(V1_OFFER)}, offer=V1_OFFER),
    no("v1 full PaymentPayload on another network", {"x402Version": 1, "scheme": "exact", "network": "base",
                                                     "payload": evm(V1_OFFER)}, MIS, "network", offer=V1_OFFER),
    no("v1 full PaymentPayload without its scheme", {"x402Version": 1, "network": "base-sepolia",
                                                     "payload": evm(V1_OFFER)}, MAL, "scheme", offer=V1_OFFER),
]
P = "permit2Authorization."
permit = [
    ok("the approved permit", permit2()),
    no("another token", permit2(permitted={"token": OTHER}), MIS, P + "permitted.token"),
    no("another amount", permit2(permitted={"amount": "1001"}), MIS, P + "permitted.amount"),
    no("another payee", permit2(witness={"to": OTHER}), MIS, P + "witness.to"),
    no("another spender", permit2(spender=OTHER), MIS, P + "spender"),
    no("deadline too long", permit2(deadline=str(NOW_S + 331)), LONG, P + "deadline"),
    no("expired", permit2(deadline=str(NOW_S - 31)), MIS, P + "deadline"),
    no("witness.validAfter in the future", permit2(witness={"validAfter": str(NOW_S + 31)}), MIS,
       P + "witness.validAfter"),
    no("a nonce that is not a uint256", permit2(nonce="1" * 79), MAL, P + "nonce"),
    no("an unknown witness member", permit2(witness={"memo": "x"}), MAL, P + "witness"),
]


def solana():
    """Solana exact: the real @x402/svm transaction, then one change at a time (svm_tx.py)."""
    doc = svm_tx.fixture()
    if doc is None:
        return []
    real = doc["cases"][0]["payload"]
    tx = real["payload"]["transaction"]
    W = {"payload": {"wallet": doc["wallet"]}}
    T, S = "transaction.", svm_tx

    def m(f):
        return {"transaction": S.mutate(tx, f)}

    def amount(t, n):
        ix = S.transfer(t)
        ix["data"] = ix["data"][:1] + n.to_bytes(8, "little") + ix["data"][9:]

    def ata(owner, program=S.TOKEN, bump=None):
        seeds = [S.b58decode(owner), S.b58decode(program), S.b58decode(SVM_OFFER["asset"])]
        if bump is None:
            for bump in range(255, -1, -1):
                h = S.pda_any_bump(seeds, S.ATA_PROGRAM, bump)
                # the canonical bump is the first off-curve one; the fixture's destination tells which
                if h in S.decode(tx)["keys"]:
                    return h
        return S.pda_any_bump(seeds, S.ATA_PROGRAM, bump)

    def program(t, key):
        t["keys"].append(S.b58decode(key))
        S.transfer(t)["program"] = len(t["keys"]) - 1

    def legacy(t):
        t["version"] = None

    def v1(t):
        t["version"] = 1

    def lookup(t):
        t["lookups"] = [(b"\1" * 32, [0], [])]

    def extra_ix(t, prog_key, data=b"\2\0\0\0\1" + b"\0" * 7):
        t["keys"].append(S.b58decode(prog_key))
        t["ixs"].append({"program": len(t["keys"]) - 1, "accounts": [], "data": data})

    def swap_budget(t):
        t["ixs"][0], t["ixs"][1] = t["ixs"][1], t["ixs"][0]

    def tag(t, v):
        ix = S.transfer(t)
        ix["data"] = bytes([v]) + ix["data"][1:]

    def drop_memo(t):
        t["ixs"].pop()

    raw = __import__("base64").b64decode(tx)
    b64 = __import__("base64").b64encode
    other_mint = S.b58encode(b"\3" * 32)
    assert ata(SVM_OFFER["payTo"]) is not None
    return [
        ok(f"{doc['sdk']}: the real payload as made, from the configured wallet", real, flags=("Real",),
           offer=SVM_OFFER, config=W),
        ok("the scheme payload alone", {"transaction": tx}, offer=SVM_OFFER),
        ok("as a legacy message", m(legacy), offer=SVM_OFFER),
        ok("without the memo (three instructions)", m(drop_memo), offer=SVM_OFFER),
        ok("a Lighthouse assertion after the memo",
           m(lambda t: extra_ix(t, "L2TExMFKdjpN9kozasaurPirfHy9P8sbXoAN1qA3S95")), offer=SVM_OFFER),
        ok("destination: the payee's token account under a non-canonical bump (only the ATA program could sign "
           "for it, and it creates only the canonical one: not checked, see svm.rs)",
           m(lambda t: S.set_account(t, 2, ata(SVM_OFFER["payTo"], bump=7))), offer=SVM_OFFER),
        no("one unit more", m(lambda t: amount(t, 1001)), MIS, T + "amount", offer=SVM_OFFER),
        no("one unit less", m(lambda t: amount(t, 999)), MIS, T + "amount", offer=SVM_OFFER),
        no("another mint", m(lambda t: S.set_account(t, 1, S.b58decode(other_mint))), MIS, T + "mint", offer=SVM_OFFER),
        no("to another owner's token account", m(lambda t: S.set_account(t, 2, ata(SOL_OTHER))), MIS,
           T + "destination", offer=SVM_OFFER),
        no("to the payee's wallet itself (not its token account)",
           m(lambda t: S.set_account(t, 2, S.b58decode(SVM_OFFER["payTo"]))), MIS, T + "destination", offer=SVM_OFFER),
        no("back to the payer's own token account", m(lambda t: S.transfer(t)["accounts"].__setitem__(
            2, S.transfer(t)["accounts"][0])), MIS, T + "destination", offer=SVM_OFFER),
        no("through Token-2022 (the payee's Token ATA is not its Token-2022 ATA)",
           m(lambda t: program(t, S.TOKEN_2022)),
           MIS, T + "destination", offer=SVM_OFFER),
        no("authority is not the configured wallet", {"transaction": tx}, MIS, T + "authority", offer=SVM_OFFER,
           config={"payload": {"wallet": SOL_OTHER}}),
        no("an EVM wallet configured", {"transaction": tx}, MIS, T + "authority", offer=SVM_OFFER,
           config={"payload": {"wallet": PAYER}}),
        no("a System program transfer instead", m(lambda t: program(t, S.SYSTEM)), MAL, T + "instructions",
           offer=SVM_OFFER),
        no("an unchecked Transfer (tag 3)", m(lambda t: tag(t, 3)), MAL, T + "instructions", offer=SVM_OFFER),
        no("a second transfer appended", m(lambda t: t["ixs"].append(dict(S.transfer(t)))), MAL, T + "instructions",
           offer=SVM_OFFER),
        no("a System instruction appended", m(lambda t: extra_ix(t, S.SYSTEM)), MAL, T + "instructions",
           offer=SVM_OFFER),
        no("the compute-budget instructions swapped", m(swap_budget), MAL, T + "instructions", offer=SVM_OFFER),
        no("an address-table lookup", m(lookup), MAL, T + "addressTableLookups", offer=SVM_OFFER),
        no("message version 1", m(v1), MAL, T + "version", offer=SVM_OFFER),
        no("a trailing byte", {"transaction": b64(raw + b"\0").decode()}, MAL, "transaction", offer=SVM_OFFER),
        no("truncated", {"transaction": b64(raw[:-1]).decode()}, MAL, "transaction", offer=SVM_OFFER),
        no("not base64", {"transaction": "!" + tx[1:]}, MAL, "transaction", offer=SVM_OFFER),
        no("larger than a Solana packet", {"transaction": b64(raw + b"\0" * 1232).decode()}, MAL, "transaction",
           offer=SVM_OFFER),
        no("an unknown payload member", {"transaction": tx, "memo": "x"}, MAL, "payload", offer=SVM_OFFER),
        no("an EVM authorization on a Solana offer", evm(), MAL, "payload", offer=SVM_OFFER),
        no("the full payload claiming another payee", {**real, "accepted": {**real["accepted"], "payTo": SOL_OTHER}},
           MIS, "accepted.payTo", offer=SVM_OFFER),
    ]


SOL_OTHER = "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin"

other = [
    no("another scheme is not decoded", evm(), MAL, "scheme", offer=with_(V2_OFFER, scheme="upto")),
    ok("the opaque opt-out accepts anything", {"token": "x"}, config={"payload": {"check": "opaque"}}),
    case("no payload is invalid input", {"payment_required": v2_header(V2_OFFER, url=URL), "now_ms": T0},
         code="invalid-input"),
]


def real_permit2_mutations(doc, real):
    """The real Permit2 payload with each signed field changed in turn (the configured wallet is its signer)."""
    import copy
    cfg = {"payload": {"wallet": doc["wallet"]}}
    out = []
    for path, value, code in [
        (["permitted", "token"], OTHER, MIS), (["permitted", "amount"], "1001", MIS),
        (["witness", "to"], OTHER, MIS), (["spender"], OTHER, MIS), (["from"], OTHER, MIS),
        (["deadline"], str(NOW_S + 331), LONG), (["deadline"], str(NOW_S - 31), MIS),
        (["witness", "validAfter"], str(NOW_S + 31), MIS), (["nonce"], "0x01", MAL),
    ]:
        q = copy.deepcopy(real)
        o = q["payload"]["permit2Authorization"]
        for k in path[:-1]:
            o = o[k]
        o[path[-1]] = value
        field = P + ".".join(path)
        out.append(no(f"{doc['sdk']}: v2-permit2 with {field} = {value}", q, code, field, flags=("Real", "Hostile"),
                      offer=PERMIT2_OFFER, config=cfg))
    return out


def sdk():
    out = []
    here = os.path.dirname(os.path.abspath(__file__))
    offers = {"v2-eip3009": V2_OFFER, "v1-eip3009": V1_OFFER, "v2-permit2": PERMIT2_OFFER}
    for lang in ["ts", "py"]:
        path = os.path.join(here, "..", "fixtures", f"sdk-payloads-{lang}.json")
        if os.path.exists(path):
            doc = json.load(open(path))
            for c in doc["cases"]:
                out.append(ok(f"{doc['sdk']}: {c['name']} as made, from the configured wallet", c["payload"],
                              flags=("Real",), offer=offers[c["name"]], config={"payload": {"wallet": doc["wallet"]}}))
                if c["name"] == "v2-permit2":
                    out.extend(real_permit2_mutations(doc, c["payload"]))
    return out


groups = [
    {"comment": "EIP-3009 authorization, one field at a time", "tests": eip3009},
    {"comment": "full PaymentPayloads (v2 accepted, v1 scheme and network)", "tests": envelopes},
    {"comment": "Permit2", "tests": permit},
    {"comment": "Solana exact: the real @x402/svm transaction and one change at a time", "tests": solana()},
    {"comment": "other schemes, the opt-out, bad input", "tests": other},
    {"comment": "real payloads from @x402/evm and PyPI x402 + eth-account", "tests": sdk()},
]

if __name__ == "__main__":
    write("payload-check.json", "payload.check",
          ["A signed payload checked against the offer the guard selects (core/src/payload/mod.rs).",
           "Valid results: {allowed: true} or {allowed: false, code, field}."],
          groups, notes={"Hostile": "A payload that must be refused.", "Real": "Made by a real SDK."})
