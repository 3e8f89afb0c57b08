"""Hostile x402 server plays, with the verdict every package must give (written once, read by both hosts).

A loopback server (`bindings-python/tests/hostile_server.py`, `bindings-js/test/hostile-server.mjs`)
serves each case at `/case/<name>`: the unpaid request gets `challenge`, a request with a payment
header gets `paid` (a list: one answer per payment, in turn). Each case runs `requests` times (each
request to its own `?n=<i>` URL, so replay protection does not hide what the limit does) under
`config`, against the packages in `packages`:

* `fetch`: Node `createHardenedFetch`; `client`: Python `HardenedX402Client` (the packages' own flows);
* `hooks-js`: `hardenX402Client` under `@x402/fetch`; `hooks-py`: `harden()` under the PyPI `x402`
  httpx transport (the official clients parse the 402 themselves; their transports are wrapped so
  the body is read as the core's limits say).

`expect` is what every listed package must show: `payments` (payment headers the server received),
`outcomes` (the `outcome` of each request's last audit line, in order, `null` when the guard wrote
none), `codes` (each such line's `code`) and, when given, `spent_atomic` (the sum of the amounts of
the payments that left: the daily limit holds to the cent). `expect_hooks` replaces `expect` for the
official clients where they differ (they parse the 402 body themselves).

challenge: `{"version": 1|2, "body": json|bom|not-utf8|endless|trickle, "content_type"}`; the v1
body (or v2 header) offers `amount` atomic USDC on base-sepolia. paid: `{"status", "settlement":
{"b64"|"raw": obj}}` or `{"reset": true}` (the connection is dropped after the request is read).
`redirect`: the unpaid request is redirected (302) to the same case on a second server (another
origin); payment headers must reach that origin only. `hosts` (when given): request `i` spells the
loopback host as `hosts[i % len(hosts)]` and every request asks for the same URL (no `?n=<i>`), so
the verdicts show whether the spellings are one origin to the guard.
"""
import os

from common import OUT, case, write

OK = {"success": True, "transaction": "0x" + "ab" * 32, "network": "eip155:84532"}
LIMIT = {"max_per_call_usd": 0.10, "daily_limit_usd": 0.02}
ALL = ["fetch", "client", "hooks-js", "hooks-py"]
OWN = ["fetch", "client"]


def play(name, comment, challenge, paid, expect, *, packages=ALL, requests=1, config=None, expect_hooks=None,
         redirect=False, hosts=None, flags=("Hostile",)):
    inp = {"name": name, "packages": packages, "requests": requests, "config": config or LIMIT,
           "challenge": {"version": 2, "body": "json", "content_type": "application/json", "amount": "5000",
                         **challenge},
           "paid": paid, "redirect": redirect}
    if hosts is not None:
        inp["hosts"] = hosts
    exp = {"all": expect}
    if expect_hooks is not None:
        exp["hooks"] = expect_hooks
    return case(comment, inp, exp, flags)


def once(outcome, code, payments=1):
    return {"payments": payments, "outcomes": [outcome], "codes": [code]}


bodies = [
    play("body-bom", "a 402 body with a UTF-8 BOM: read (the BOM dropped), paid", {"version": 1, "body": "bom"},
         [{"status": 200, "settlement": {"b64": OK}}], once("settled", None), packages=OWN),
    play("body-latin1", "a 402 body labelled charset=iso-8859-1: refused before signing",
         {"version": 1, "content_type": "application/json; charset=iso-8859-1"},
         [{"status": 200, "settlement": {"b64": OK}}], once("blocked", "challenge-bad-json", 0), packages=OWN),
    play("body-not-utf8", "a 402 body that is not UTF-8: refused before signing", {"version": 1, "body": "not-utf8"},
         [{"status": 200, "settlement": {"b64": OK}}], once("blocked", "challenge-bad-json", 0), packages=OWN),
    play("body-endless", "an endless 402 body: read up to the cap + 1 byte, refused, nothing paid",
         {"version": 1, "body": "endless"}, [{"status": 200, "settlement": {"b64": OK}}],
         once("blocked", "challenge-too-large", 0),
         expect_hooks={"payments": 0, "outcomes": [None], "codes": [None]}),
    play("body-trickle", "a 402 body that never ends (half sent, then silence): cut at the deadline, refused",
         {"version": 1, "body": "trickle"}, [{"status": 200, "settlement": {"b64": OK}}],
         once("blocked", "challenge-bad-json", 0), packages=OWN),
]

settlements = [
    play("settle-string-false", 'a settlement {"success":"false"} (a string): failed after send, the money counted',
         {}, [{"status": 200, "settlement": {"b64": {"success": "false"}}}],
         once("failed-after-send", "settlement-failed")),
    play("settle-raw-json", "a raw-JSON (not base64) settlement header: read, settled",
         {}, [{"status": 200, "settlement": {"raw": OK}}], once("settled", None)),
    play("paid-304", "a 304 to the paid request: failed after send, the money counted",
         {}, [{"status": 304, "settlement": {"b64": OK}}], once("failed-after-send", "settlement-failed")),
]

LOOP = [{"status": 500}, {"status": 402}, {"status": 200, "settlement": {"b64": {"success": False}}}, {"reset": True}]
limits = [
    play("loop-limit", "500 / 402 / success:false / connection reset after payment, 20 times against a daily limit of "
         "$0.02 with $0.005 offers: 4 authorizations leave, never a fifth",
         {}, LOOP, {"payments": 4, "spent_atomic": "20000",
                    "outcomes": ["failed-after-send"] * 4 + ["blocked"] * 16,
                    "codes": ["settlement-failed"] * 4 + ["policy-window-exceeded"] * 16},
         requests=20),
    play("redirect-origin", "the unpaid request is redirected to another origin: that origin is judged and paid, "
         "the payment header never reaches the first", {}, [{"status": 200, "settlement": {"b64": OK}}],
         once("settled", None), redirect=True),
    play("host-spellings", "one purchase asked for under four spellings of the loopback address (dotted, one integer, "
         "hex, shortened): one origin to the guard, paid once, the other spellings are replays",
         {}, [{"status": 200, "settlement": {"b64": OK}}],
         {"payments": 1, "spent_atomic": "5000", "outcomes": ["settled", "blocked", "blocked", "blocked"],
          "codes": [None, "replay-detected", "replay-detected", "replay-detected"]},
         requests=4, hosts=["127.0.0.1", "2130706433", "0x7f.0.0.1", "127.1"]),
]

if __name__ == "__main__":
    os.makedirs(os.path.join(OUT, "hostile"), exist_ok=True)
    write("hostile/cases.json", "hostile.server",
          ["Hostile x402 server plays and the verdict every package gives (see gen_hostile.py).",
           "Read by bindings-python/tests/test_hostile.py and bindings-js/test/hostile.test.mjs."],
          [{"comment": "402 bodies", "tests": bodies},
           {"comment": "answers to the paid request", "tests": settlements},
           {"comment": "limits and origins", "tests": limits}],
          notes={"Hostile": "An attack the guard must stop."})
