"""Vectors for the HMAC-chained audit log (audit.append, audit.verify, audit.verify-report).

Everything here is computed independently of the Rust core, with the Python
standard library only: RFC 8785 canonical JSON (`jcs`), HMAC-SHA256, and the
ISO-8601 timestamp. `gen_mpa.py` imports `jcs` from this file.
"""
import datetime
import hashlib
import hmac

from common import case, write

GENESIS = "0" * 64

# Fixed descriptions of the codes used here (the core's `Code::describe`, trimmed).
DESCRIBE = {
    "policy-per-call-exceeded": "The payment exceeds the per-call limit.",
    "pii-blocked": "Personal data was found and the PII action is `block`.",
    "replay-detected": "The same payment was already made within the replay TTL.",
}


def jstr(s):
    """A JSON string the RFC 8785 way (minimal escaping, everything else literal)."""
    short = {0x08: "\\b", 0x09: "\\t", 0x0A: "\\n", 0x0C: "\\f", 0x0D: "\\r"}
    out = ['"']
    for ch in s:
        c = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif c < 0x20:
            out.append(short.get(c, f"\\u{c:04x}"))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def jcs(v):
    """RFC 8785 canonical JSON for null/bool/safe integers/strings/lists/dicts."""
    if v is None:
        return "null"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, int):
        assert abs(v) <= 2**53 - 1
        return str(v)
    if isinstance(v, str):
        return jstr(v)
    if isinstance(v, list):
        return "[" + ",".join(jcs(x) for x in v) + "]"
    if isinstance(v, dict):
        keys = sorted(v, key=lambda k: k.encode("utf-16-be"))
        return "{" + ",".join(jstr(k) + ":" + jcs(v[k]) for k in keys) + "}"
    raise TypeError(type(v))


def hmac_hex(key, data):
    return hmac.new(key, data.encode("utf-8") if isinstance(data, str) else data, hashlib.sha256).hexdigest()


def timestamp(ms):
    t = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(milliseconds=ms)
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def usd_norm(s):
    if s is None:
        return None
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


def cut(s, limit):
    b = s.encode("utf-8")
    if len(b) <= limit:
        return s
    b = b[: limit - 3]
    while True:
        try:
            return b.decode("utf-8") + "\u2026"
        except UnicodeDecodeError:
            b = b[:-1]


def make_line(key, head, ev, now_ms):
    """The line and new head the core must produce for event `ev`."""
    fp = ev.get("replay_fingerprint")
    code = ev.get("code")
    agent = ev.get("agent_id")
    entry = {
        "v": 1,
        "seq": head["seq"] + 1 if head else 1,
        "timestamp": timestamp(now_ms),
        "event_type": ev["event_type"],
        "outcome": ev["outcome"],
        "resource_url": cut(ev.get("resource_url", ""), 2048),
        "amount_usd": usd_norm(ev.get("amount_usd")),
        "network": ev.get("network"),
        "agent_id": cut(agent, 256) if agent is not None else None,
        "pii_entities_found": ev.get("pii_entities_found", []),
        "policy_limit_usd": usd_norm(ev.get("policy_limit_usd")),
        "replay_fingerprint": fp[:16].lower() if fp else None,
        "code": code,
        "error_message": DESCRIBE[code] if code else None,
        "prev_mac": head["mac"] if head else GENESIS,
    }
    if ev.get("replica") is not None:
        entry["replica"] = ev["replica"]
    entry["mac"] = hmac_hex(key, jcs(entry))
    return jcs(entry), {"seq": entry["seq"], "mac": entry["mac"]}


KEY = bytes(range(32))
KEY_HEX = KEY.hex()
OTHER_KEY = bytes(range(100, 132))
T0 = 1767225600000  # 2026-01-01T00:00:00.000Z
FP = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def event(i):
    e = {
        "event_type": "payment_attempt",
        "outcome": ["allowed", "blocked", "allowed", "blocked", "allowed"][i % 5],
        "resource_url": f"https://api.example.com/weather?city=[REDACTED]&n={i}",
        "amount_usd": ["0.01", "0.25", "1.5", "0.001", "2"][i % 5],
        "network": "eip155:8453",
        "agent_id": "my-agent-v1",
        "pii_entities_found": [["EMAIL_ADDRESS"], [], ["US_SSN", "PERSON"], [], []][i % 5],
        "policy_limit_usd": "0.10" if i % 5 == 1 else None,
        "replay_fingerprint": FP,
    }
    if i % 5 == 1:
        e["code"] = "policy-per-call-exceeded"
    if i % 5 == 3:
        e["code"] = "replay-detected"
    return e


def build_log(n, key=KEY, t0=T0, salt=0, replica=None):
    lines, heads, head = [], [], None
    for i in range(n):
        ev = event(i + salt)
        if replica is not None:
            ev["replica"] = replica
        line, head = make_line(key, head, ev, t0 + 1000 * i)
        lines.append(line)
        heads.append(head)
    return lines, heads


def append_vectors():
    e0 = event(0)
    l1, h1 = make_line(KEY, None, e0, T0)
    e1 = event(1)
    l2, h2 = make_line(KEY, h1, e1, T0 + 1000)
    minimal = {"event_type": "payment_attempt", "outcome": "error"}
    lmin, hmin = make_line(KEY, None, minimal, T0)
    long_url = "https://api.example.com/" + "\u00e9" * 1500
    lurl, _ = make_line(KEY, None, {**minimal, "resource_url": long_url}, T0)
    long_agent = "a" * 300
    lagent, _ = make_line(KEY, None, {**minimal, "agent_id": long_agent}, T0)
    ctl_url = "https://api.example.com/x\u0001y\"z\\\u2028\u00e9/\u007f"
    lctl, _ = make_line(KEY, None, {**minimal, "resource_url": ctl_url}, T0)
    l500, _ = make_line(KEY, None, {**minimal, "amount_usd": "5.00"}, T0)
    lseed, _ = make_line(KEY, None, {**minimal, "event_type": "PAYMENT_ALLOWED", "outcome": "allowed"}, T0)
    lup, _ = make_line(KEY, None, {**minimal, "replay_fingerprint": FP.upper()}, T0)
    lpii, _ = make_line(KEY, None, {**minimal, "outcome": "blocked", "code": "pii-blocked",
                                    "pii_entities_found": ["EMAIL_ADDRESS", "CREDIT_CARD"]}, T0)
    key16 = bytes(range(16))
    l16, h16 = make_line(key16, None, minimal, T0)
    big_head = {"seq": 2**53 - 2, "mac": h1["mac"]}
    lbig, hbig = make_line(KEY, big_head, minimal, T0)

    def inp(ev, now=T0, head=None, key=KEY_HEX):
        d = {"key_hex": key, "event": ev, "now_ms": now}
        if head is not None:
            d["head"] = head
        return d

    valid = [
        case("first line: seq 1, prev_mac 64 zeros", inp(e0), {"line": l1, "head": h1}),
        case("second line chains to the first", inp(e1, T0 + 1000, h1), {"line": l2, "head": h2}),
        case("explicit genesis head equals no head", inp(e0, head={"seq": 0, "mac": GENESIS}),
             {"line": l1, "head": h1}),
        case("minimal event: unknown fields are null or empty", inp(minimal), {"line": lmin, "head": hmin}),
        case("blocked by PII: entity names only, fixed error message", inp(
            {**minimal, "outcome": "blocked", "code": "pii-blocked",
             "pii_entities_found": ["EMAIL_ADDRESS", "CREDIT_CARD"]}), {"line": lpii}),
        case("full fingerprint is cut to a 16-hex prefix", inp(e0), {"line": l1}),
        case("upper-case fingerprint is lower-cased and cut", inp({**minimal, "replay_fingerprint": FP.upper()}),
             {"line": lup}),
        case("amount 5.00 is written as 5", inp({**minimal, "amount_usd": "5.00"}), {"line": l500}),
        case("the seed's upper-case event names (PAYMENT_ALLOWED) are kept as written",
             inp({**minimal, "event_type": "PAYMENT_ALLOWED", "outcome": "allowed"}), {"line": lseed}),
        case("over-long resource_url is cut at 2048 bytes on a char boundary with an ellipsis",
             inp({**minimal, "resource_url": long_url}), {"line": lurl}),
        case("over-long agent_id is cut at 256 bytes", inp({**minimal, "agent_id": long_agent}), {"line": lagent}),
        case("control characters are escaped, other characters literal (JCS)",
             inp({**minimal, "resource_url": ctl_url}), {"line": lctl}),
        case("16-byte key is the minimum", inp(minimal, key=key16.hex()), {"line": l16, "head": h16}),
        case("timestamp at the epoch", inp(minimal, now=0), {"line": make_line(KEY, None, minimal, 0)[0]}),
        case("timestamp on a leap day", inp(minimal, now=951782400123),
             {"line": make_line(KEY, None, minimal, 951782400123)[0]}),
        case("last millisecond of year 9999", inp(minimal, now=253402300799999),
             {"line": make_line(KEY, None, minimal, 253402300799999)[0]}),
        case("largest sequence number", inp(minimal, head=big_head), {"line": lbig, "head": hbig}),
        case("replica id: written between replay_fingerprint and resource_url (JCS order)",
             inp({**e0, "replica": "agent-7.pod-2:a_b-c"}),
             {"line": make_line(KEY, None, {**e0, "replica": "agent-7.pod-2:a_b-c"}, T0)[0]}, ["Replica"]),
        case("replica id of 64 bytes", inp({**minimal, "replica": "r" * 64}),
             {"line": make_line(KEY, None, {**minimal, "replica": "r" * 64}, T0)[0]}, ["Replica"]),
        case("replica null is the same as absent", inp({**minimal, "replica": None}), {"line": lmin, "head": hmin},
             ["Replica"]),
    ]
    invalid = [
        case("15-byte key", inp(minimal, key=bytes(15).hex()), code="key-too-short"),
        case("empty key", inp(minimal, key=""), code="key-too-short"),
        case("key_hex is not hex", inp(minimal, key="zz" * 16), code="invalid-input"),
        case("error_message cannot be supplied (no free-text channel)",
             inp({**minimal, "error_message": "Traceback: secret=hunter2"}), code="invalid-input"),
        case("unknown event field", inp({**minimal, "raw_metadata": "x"}), code="invalid-input"),
        case("unknown code", inp({**minimal, "code": "something-else"}), code="invalid-input"),
        case("PII value instead of an entity name", inp({**minimal, "pii_entities_found": ["john@example.com"]}),
             code="invalid-input"),
        case("too many PII entity names", inp({**minimal, "pii_entities_found": ["PERSON"] * 33}),
             code="invalid-input"),
        case("event_type is free text", inp({**minimal, "event_type": "Payment attempt for john"}),
             code="invalid-input"),
        case("outcome missing", inp({"event_type": "payment_attempt"}), code="invalid-input"),
        case("outcome in upper case (outcomes are lower-case tokens)", inp({**minimal, "outcome": "ALLOWED"}),
             code="invalid-input"),
        case("network with a space", inp({**minimal, "network": "eip155 8453"}), code="invalid-input"),
        case("fingerprint shorter than the prefix", inp({**minimal, "replay_fingerprint": "abcd"}),
             code="invalid-input"),
        case("fingerprint not hex", inp({**minimal, "replay_fingerprint": "g" * 64}), code="invalid-input"),
        case("negative amount", inp({**minimal, "amount_usd": "-1"}), code="usd-malformed"),
        case("head mac not hex", inp(minimal, head={"seq": 1, "mac": "x" * 64}), code="invalid-input"),
        case("head mac upper case", inp(minimal, head={"seq": 1, "mac": h1["mac"].upper()}), code="invalid-input"),
        case("sequence number would leave the safe integer range",
             inp(minimal, head={"seq": 2**53 - 1, "mac": GENESIS}),
             code="invalid-input"),
        case("time past year 9999", inp(minimal, now=253402300800000), code="invalid-input"),
        case("empty replica id", inp({**minimal, "replica": ""}), code="invalid-input", flags=["Replica"]),
        case("replica id of 65 bytes", inp({**minimal, "replica": "r" * 65}), code="invalid-input", flags=["Replica"]),
        case("replica id with a space", inp({**minimal, "replica": "pod 2"}), code="invalid-input", flags=["Replica"]),
        case("replica id with a slash (no path in a file name)", inp({**minimal, "replica": "../x"}),
             code="invalid-input", flags=["Replica"]),
    ]
    write("audit-append.json", "audit.append",
          ["audit.append: chain one event after a head; the line is RFC 8785 JSON with an HMAC-SHA256 mac.",
           "Lines and MACs are computed independently in Python (vectors/gen/gen_audit.py)."],
          [{"type": "AppendValid", "tests": valid}, {"type": "AppendInvalid", "tests": invalid}],
          {"Replica": "The optional replica id (several replicas, one chain each)."})


def mac_of(line):
    i = line.index('"mac":"') + 7
    return line[i:i + 64]


def flip_mac(line):
    m = mac_of(line)
    return line.replace(m, ("0" if m[0] != "0" else "1") + m[1:], 1)


def verify_cases():
    """(comment, input-without-key, expected failure or None, flags). Expected: (line, seq, code) or head."""
    lines, heads = build_log(5)
    head = heads[-1]
    other, _ = build_log(5, t0=T0 + 7, salt=2)  # another log under the same key
    out = []

    def add(comment, ls, fail=None, ok_head=None, flags=(), **extra):
        d = {"key_hex": KEY_HEX, "lines": ls, **extra}
        out.append((comment, d, fail, ok_head, list(flags)))

    def edit(line, old, new):
        assert old in line, (old, line)
        return line.replace(old, new, 1)

    add("intact log", lines, ok_head=head)
    add("intact log with its expected head", lines, ok_head=head, expected_head=head)
    add("empty log", [], ok_head={"seq": 0, "mac": GENESIS})
    add("suffix verified from a start head", lines[2:], ok_head=head, start=heads[1], expected_head=head)
    add("whole log given with a later start head", lines, fail=(1, 1, "audit-seq-gap"), start=heads[1])
    for i in range(5):
        add(f"edit line {i + 1} (outcome) keeps its old mac",
            [*lines[:i], edit(lines[i], '"outcome":"', '"outcome":"x'), *lines[i + 1:]],
            # The first line checked says the key may be wrong (audit-bad-key); any later one was edited.
            fail=(i + 1, i + 1, "audit-bad-key" if i == 0 else "audit-bad-mac"),
            flags=["Edit"] + (["LastLine"] if i == 4 else []))
    add("edit the last line's amount", [*lines[:4], edit(lines[4], '"amount_usd":"2"', '"amount_usd":"0"')],
        fail=(5, 5, "audit-bad-mac"), flags=["Edit", "LastLine"])
    add("flip one hex digit of the last mac", [*lines[:4], flip_mac(lines[4])],
        fail=(5, 5, "audit-bad-mac"), flags=["Edit", "LastLine"])
    ent3 = lines[2]
    add("edited seq is caught by the mac", [*lines[:2], edit(ent3, '"seq":3', '"seq":4'), *lines[3:]],
        fail=(3, 4, "audit-bad-mac"), flags=["Edit"])
    for i in range(4):
        add(f"delete line {i + 1}", lines[:i] + lines[i + 1:], fail=(i + 1, i + 2, "audit-seq-gap"),
            flags=["Delete"])
    add("delete the last line: undetectable without the expected head", lines[:4], ok_head=heads[3],
        flags=["Delete", "LastLine"])
    add("delete the last line: truncation with the expected head", lines[:4], fail=(5, None, "audit-truncated"),
        expected_head=head, flags=["Delete", "LastLine"])
    add("truncate to 3 lines with the expected head", lines[:3], fail=(4, None, "audit-truncated"),
        expected_head=head, flags=["Truncate"])
    add("empty log with an expected head", [], fail=(1, None, "audit-truncated"), expected_head=head,
        flags=["Truncate"])
    add("swap lines 1 and 2", [lines[1], lines[0], *lines[2:]], fail=(1, 2, "audit-seq-gap"), flags=["Reorder"])
    add("swap the last two lines", [*lines[:3], lines[4], lines[3]], fail=(4, 5, "audit-seq-gap"),
        flags=["Reorder", "LastLine"])
    add("move the last line to the front", [lines[4], *lines[:4]], fail=(1, 5, "audit-seq-gap"), flags=["Reorder"])
    add("repeat line 3", [*lines[:3], lines[2], *lines[3:]], fail=(4, 3, "audit-seq-gap"), flags=["Reorder"])
    add("splice line 3 from another log under the same key", [*lines[:2], other[2], *lines[3:]],
        fail=(3, 3, "audit-chain-broken"), flags=["Splice"])
    add("extra line past the expected head", lines, fail=(5, 5, "audit-head-mismatch"), expected_head=heads[3])
    add("expected head with another mac", lines, fail=(5, 5, "audit-head-mismatch"),
        expected_head={"seq": 5, "mac": heads[2]["mac"]})
    add("stored head equal to the log's end", lines, ok_head=head, stored_head=head, flags=["StoredHead"])
    add("stored head behind the log (saved after its line; a crash between): allowed", lines, ok_head=head,
        stored_head=heads[2], flags=["StoredHead"])
    add("cut tail against the stored head: last line removed", lines[:4], fail=(5, None, "audit-truncated"),
        stored_head=head, flags=["StoredHead", "Truncate", "LastLine"])
    add("cut tail against the stored head: last 3 lines removed", lines[:2], fail=(3, None, "audit-truncated"),
        stored_head=head, flags=["StoredHead", "Truncate"])
    add("stored head ahead of the log", lines[:3], fail=(4, None, "audit-truncated"), stored_head=heads[4],
        flags=["StoredHead", "Truncate"])
    add("deleted log (no lines) with a stored head", [], fail=(1, None, "audit-truncated"), stored_head=head,
        flags=["StoredHead", "Truncate"])
    add("stored head with a wrong mac at its seq", lines, fail=(5, 5, "audit-head-mismatch"),
        stored_head={"seq": 5, "mac": heads[3]["mac"]}, flags=["StoredHead"])
    add("stored head with another log's mac below the log's end", lines, fail=(2, 2, "audit-head-mismatch"),
        stored_head={"seq": 2, "mac": build_log(5, t0=T0 + 7, salt=2)[1][1]["mac"]}, flags=["StoredHead", "Splice"])
    add("whitespace after a colon (non-canonical)", [edit(lines[0], '"v":1', '"v": 1'), *lines[1:]],
        fail=(1, 1, "audit-malformed-line"), flags=["NonCanonical"])
    add("pretty-printed line", [lines[0].replace(",", ", "), *lines[1:]], fail=(1, 1, "audit-malformed-line"),
        flags=["NonCanonical"])
    add("trailing space", [*lines[:4], lines[4] + " "], fail=(5, 5, "audit-malformed-line"),
        flags=["NonCanonical", "LastLine"])
    add("carriage return (CRLF log)", [lines[0] + "\r", *lines[1:]], fail=(1, 1, "audit-malformed-line"),
        flags=["NonCanonical"])
    add("escaped letter instead of a literal",
        [edit(lines[0], '"outcome":"allowed"', '"outcome":"\\u0061llowed"'), *lines[1:]],
        fail=(1, 1, "audit-malformed-line"), flags=["NonCanonical"])
    reordered = "{" + lines[0][1:].replace('"agent_id":"my-agent-v1",', "", 1)[:-1] + ',"agent_id":"my-agent-v1"}'
    add("members out of order", [reordered, *lines[1:]], fail=(1, 1, "audit-malformed-line"), flags=["NonCanonical"])
    m = mac_of(lines[0])
    add("upper-case mac", [edit(lines[0], m, m.upper()), *lines[1:]], fail=(1, 1, "audit-malformed-line"))
    add("duplicate member", [lines[0][:-1] + ',"v":1}', *lines[1:]], fail=(1, None, "audit-malformed-line"))
    add("extra member", [edit(lines[0], '"v":1', '"v":1,"x":1'), *lines[1:]], fail=(1, 1, "audit-malformed-line"))
    add("missing member", [edit(lines[0], '"network":"eip155:8453",', ''), *lines[1:]],
        fail=(1, 1, "audit-malformed-line"))
    add("seq as a string", [edit(lines[0], '"seq":1', '"seq":"1"'), *lines[1:]], fail=(1, None, "audit-malformed-line"))
    add("seq 0", [edit(lines[0], '"seq":1', '"seq":0'), *lines[1:]], fail=(1, None, "audit-malformed-line"))
    add("not JSON", ["hello", *lines[1:]], fail=(1, None, "audit-malformed-line"))
    add("empty line in the middle", [*lines[:2], "", *lines[2:]], fail=(3, None, "audit-malformed-line"))
    add("a line over 16 KiB", [*lines[:1], "{" + " " * 16400 + "}", *lines[1:]], fail=(2, None, "audit-line-too-long"),
        flags=["Huge"])
    add("JSON array line", ["[1,2]", *lines[1:]], fail=(1, None, "audit-malformed-line"))
    return out, lines, heads


def mixed_replicas(first="pod-a", second="pod-b"):
    """Three lines, correctly chained, whose third names another replica."""
    lines, head = [], None
    for i, r in enumerate([first, first, second]):
        ev = event(i)
        if r is not None:
            ev["replica"] = r
        line, head = make_line(KEY, head, ev, T0 + 1000 * i)
        lines.append(line)
    return lines, head


def chains_vectors():
    """audit.verify-chains: a log directory of per-replica chains."""
    a, ha = build_log(4, replica="pod-a")
    b, hb = build_log(3, replica="pod-b", salt=2)
    plain, hp = build_log(2)
    ta, tb, tp = ("".join(ln + "\n" for ln in x) for x in (a, b, plain))

    def ok(name, replica, head, stored=None):
        past = None if stored is None else head["seq"] - stored["seq"]
        check = "unchecked" if stored is None else ("equal" if past == 0 else "ahead")
        return {"name": name, "ok": True, "head": head, "line": None, "seq": None, "code": None, "replica": replica,
                "stored_head": stored, "head_check": check, "past_head": past}

    def bad(name, replica, line, seq, code, stored=None):
        return {"name": name, "ok": False, "head": None, "line": line, "seq": seq, "code": code, "replica": replica,
                "stored_head": stored, "head_check": "unchecked", "past_head": None}

    def inp(*chains, key=KEY_HEX, **extra):
        return {"key_hex": key, "chains": [{"name": n, "text": t} for n, t in chains], **extra}

    def out(ok_, *chains, missing=(), checked=False):
        return {"ok": ok_, "chains": list(chains), "missing": list(missing), "truncation_checked": checked}

    def gone(replica, stored):
        return {"replica": replica, "stored_head": stored, "code": "audit-log-missing"}

    tests = [
        case("two replicas, each its own chain", inp(("pod-a.jsonl", ta), ("pod-b.jsonl", tb)),
             out(True, ok("pod-a.jsonl", "pod-a", ha[-1]), ok("pod-b.jsonl", "pod-b", hb[-1]))),
        case("an empty chain verifies and names no replica", inp(("pod-a.jsonl", ta), ("new.jsonl", "")),
             out(True, ok("pod-a.jsonl", "pod-a", ha[-1]), ok("new.jsonl", None, {"seq": 0, "mac": GENESIS}))),
        case("a single-process chain (no replica ids) next to a replica",
             inp(("single.jsonl", tp), ("pod-b.jsonl", tb)),
             out(True, ok("single.jsonl", None, hp[-1]), ok("pod-b.jsonl", "pod-b", hb[-1]))),
        case("two chains of one replica: the later one is refused", inp(("a1.jsonl", ta), ("a2.jsonl", ta)),
             out(False, ok("a1.jsonl", "pod-a", ha[-1]), bad("a2.jsonl", "pod-a", 1, 1, "audit-replica-duplicate")),
             ["Replica", "Splice"]),
        case("two chains without replica ids are ambiguous", inp(("x.jsonl", tp), ("y.jsonl", tp)),
             out(False, ok("x.jsonl", None, hp[-1]), bad("y.jsonl", None, 1, 1, "audit-replica-duplicate")),
             ["Replica"]),
        case("one tampered chain fails alone; the others still verify",
             inp(("pod-a.jsonl", ta.replace('"outcome":"allowed"', '"outcome":"blocked"', 1)), ("pod-b.jsonl", tb)),
             out(False, bad("pod-a.jsonl", None, 1, 1, "audit-bad-key"), ok("pod-b.jsonl", "pod-b", hb[-1])),
             ["Edit"]),
        case("a chain whose tail was torn by a crash", inp(("pod-a.jsonl", ta + a[0][:40])),
             out(False, bad("pod-a.jsonl", None, 5, None, "audit-partial-line")), ["Crash"]),
        case("a line moved from one replica's chain to another's", inp(("pod-a.jsonl", ta[: ta.index("\n") + 1] + tb)),
             out(False, bad("pod-a.jsonl", None, 2, 1, "audit-seq-gap")), ["Splice"]),
        case("no chains", inp(), out(True)),
        case("15-byte key", inp(("pod-a.jsonl", ta), key=KEY_HEX[:30]), code="key-too-short"),
        case("a chain without text", {"key_hex": KEY_HEX, "chains": [{"name": "x"}]}, code="invalid-input"),
        case("chains is not a list", {"key_hex": KEY_HEX, "chains": {"x": ta}}, code="invalid-input"),
    ]
    heads = {"pod-a": ha[-1], "pod-b": hb[-1], "-": hp[-1]}
    a5 = build_log(5, replica="pod-a")[1][-1]  # the same chain one line further
    other_b = build_log(3, replica="pod-b", salt=7)[1]
    tc = "".join(ln + "\n" for ln in a[:3])
    t1 = a[0] + "\n"
    tampered = "".join(ln + "\n" for ln in a[:2]) + a[2].replace('"outcome":"allowed"', '"outcome":"blocked"',
                                                                 1) + "\n" + a[3] + "\n"
    three = (("pod-a.jsonl", ta), ("pod-b.jsonl", tb), ("single.jsonl", tp))
    intact = (ok("pod-a.jsonl", "pod-a", ha[-1], ha[-1]), ok("pod-b.jsonl", "pod-b", hb[-1], hb[-1]),
              ok("single.jsonl", None, hp[-1], hp[-1]))
    with_heads = [
        case("heads equal: every chain ends at its replica's stored head ('-': no replica ids)",
             inp(*three, heads=heads), out(True, *intact, checked=True), ["HeadEqual"]),
        case("deleted replica log: pod-b has a stored head but no chain",
             inp(three[0], three[2], heads=heads), out(False, intact[0], intact[2], missing=[gone("pod-b", hb[-1])],
                                                         checked=True), ["Deleted"]),
        case("emptied replica log: an empty chain names no replica, so pod-b's lines are missing",
             inp(three[0], ("pod-b.jsonl", ""), three[2], heads=heads),
             out(False, intact[0], ok("pod-b.jsonl", None, {"seq": 0, "mac": GENESIS}), intact[2],
                 missing=[gone("pod-b", hb[-1])], checked=True), ["Deleted"]),
        case("every log deleted: each stored head is reported", inp(heads=heads),
             out(False, missing=[gone("-", hp[-1]), gone("pod-a", ha[-1]), gone("pod-b", hb[-1])], checked=True),
             ["Deleted"]),
        case("cut tail: the last line removed", inp(("pod-a.jsonl", tc), three[1], three[2], heads=heads),
             out(False, bad("pod-a.jsonl", "pod-a", 4, None, "audit-truncated", ha[-1]), intact[1], intact[2],
                 checked=True),
             ["Truncate", "LastLine"]),
        case("cut tail: the last 3 lines removed", inp(("pod-a.jsonl", t1), heads=heads),
             out(False, bad("pod-a.jsonl", "pod-a", 2, None, "audit-truncated", ha[-1]),
                 missing=[gone("-", hp[-1]), gone("pod-b", hb[-1])], checked=True), ["Truncate"]),
        case("stored head ahead of the log (a line past the log's end)", inp(("pod-a.jsonl", ta), heads={"pod-a": a5}),
             out(False, bad("pod-a.jsonl", "pod-a", 5, None, "audit-truncated", a5), checked=True), ["Truncate"]),
        case("stored head behind the log (saved after its line; a crash between): allowed, past_head counted",
             inp(("pod-a.jsonl", ta), heads={"pod-a": ha[1]}),
             out(True, ok("pod-a.jsonl", "pod-a", ha[-1], ha[1]), checked=True), ["HeadBehind"]),
        case("wrong head mac at its seq (an edited or forked chain)",
             inp(("pod-a.jsonl", ta), heads={"pod-a": {"seq": 4, "mac": ha[2]["mac"]}}),
             out(False, bad("pod-a.jsonl", "pod-a", 4, 4, "audit-head-mismatch", {"seq": 4, "mac": ha[2]["mac"]}),
                 checked=True), ["WrongHead"]),
        case("a head from another chain of the replica, below the log's end",
             inp(("pod-b.jsonl", tb), heads={"pod-b": other_b[1]}),
             out(False, bad("pod-b.jsonl", "pod-b", 2, 2, "audit-head-mismatch", other_b[1]), checked=True),
             ["WrongHead", "Splice"]),
        case("heads absent (null): truncation not checked", inp(three[0], heads=None),
             out(True, ok("pod-a.jsonl", "pod-a", ha[-1])), ["NoHeads"]),
        case("heads given, one replica without a head: its chain is not checked",
             inp(three[0], three[1], heads={"pod-a": ha[-1]}),
             out(True, intact[0], ok("pod-b.jsonl", "pod-b", hb[-1])), ["NoHeads"]),
        case("a stored head at seq 0 needs no log",
             inp(three[0], heads={"pod-a": ha[-1], "pod-c": {"seq": 0, "mac": GENESIS}}),
             out(True, intact[0], checked=True), ["HeadEqual"]),
        case("a tampered chain is still matched to its replica by the lines before the failure",
             inp(("pod-a.jsonl", tampered), heads=heads),
             out(False, bad("pod-a.jsonl", None, 3, 3, "audit-bad-mac", ha[-1]),
                 missing=[gone("-", hp[-1]), gone("pod-b", hb[-1])], checked=True), ["Edit"]),
        case("a head under a name that is not a replica id", inp(three[0], heads={"pod a": ha[-1]}),
             code="invalid-input"),
        case("a head mac in upper case", inp(three[0], heads={"pod-a": {"seq": 4, "mac": ha[-1]["mac"].upper()}}),
             code="invalid-input"),
        case("a head without its mac", inp(three[0], heads={"pod-a": {"seq": 4}}), code="invalid-input"),
        case("heads is a list", inp(three[0], heads=[ha[-1]]), code="invalid-input"),
    ]
    write("audit-verify-chains.json", "audit.verify-chains",
          ["audit.verify-chains: a log directory of per-replica chains, as {name, text} in input order.",
           "Each chain verifies on its own (from seq 1); two non-empty chains of one replica (or both without",
           "replica ids) are audit-replica-duplicate on the later chain.",
           "replica is the replica the chain's lines name (null when the chain fails on its own or names none).",
           "heads (optional): replica id -> the stored head as the driver saves it ('-' for chains without replica",
           "ids). A chain is then verified against its replica's head: ended before it is audit-truncated, a line at",
           "its seq with another mac is audit-head-mismatch, lines past it are allowed (head_check ahead,",
           "past_head lines). A head with seq > 0 whose replica no chain names is listed in missing[] with",
           "audit-log-missing. truncation_checked is true only when heads were given and every non-empty chain",
           "that verified was compared with one. ok is true when every chain verifies and nothing is missing."],
          [{"tests": tests}, {"type": "StoredHeads", "tests": with_heads}],
          {"Replica": "Several replicas: one chain each, the replica id in every line.",
           "HeadEqual": "Each chain ends at its replica's stored head.",
           "HeadBehind": "The stored head is behind the log (saved after its line): allowed.",
           "Deleted": "A replica's log was deleted or emptied: audit-log-missing in missing[].",
           "Truncate": "Lines cut from a chain's end: audit-truncated against its stored head.",
           "LastLine": "Concerns the last line (THREATS.md: including the last line).",
           "WrongHead": "The line at the stored head's seq has another mac: audit-head-mismatch.",
           "NoHeads": "No stored head to compare with: truncation_checked is false.",
           "Splice": "Lines or chains copied between replicas.", "Edit": "A line's content was changed.",
           "Crash": "An append interrupted mid-write."})


def verify_vectors():
    cases, lines, heads = verify_cases()
    head = heads[-1]
    report, plain = [], []
    for comment, inp, fail, ok_head, flags in cases:
        if fail is None:
            ref = inp.get("stored_head") or inp.get("expected_head")
            past = ok_head["seq"] - ref["seq"] if ref else None
            check = "unchecked" if ref is None else ("equal" if past == 0 else "ahead")
            report.append(case(comment, inp, {"ok": True, "head": ok_head, "line": None, "seq": None, "code": None,
                                              "head_check": check, "past_head": past}, flags=flags))
            plain.append(case(comment, inp, {"head": ok_head}, flags=flags))
        else:
            line, seq, code = fail
            report.append(case(comment, inp, {"ok": False, "head": None, "line": line, "seq": seq, "code": code,
                                              "head_check": "unchecked", "past_head": None}, flags=flags))
            plain.append(case(comment, inp, code=code, flags=flags))
    # Key handling and JSONL text.
    text = "".join(ln + "\n" for ln in lines)
    key_cases = [
        ("wrong key", {"key_hex": OTHER_KEY.hex(), "lines": lines}, (1, 1, "audit-bad-key"), None, ["KeyMismatch"]),
        ("15-byte key", {"key_hex": KEY_HEX[:30], "lines": lines}, (0, None, "key-too-short"), None, []),
        ("text with a final newline", {"key_hex": KEY_HEX, "text": text}, None, head, ["Text"]),
        ("text without a final newline", {"key_hex": KEY_HEX, "text": text[:-1]}, None, head, ["Text"]),
        ("empty text", {"key_hex": KEY_HEX, "text": ""}, None, {"seq": 0, "mac": GENESIS}, ["Text"]),
        ("interrupted append: unterminated partial last line", {"key_hex": KEY_HEX, "text": text + lines[0][:57]},
         (6, None, "audit-partial-line"), None, ["Text", "Crash"]),
        ("torn line followed by more lines", {"key_hex": KEY_HEX, "text": lines[0][:57] + "\n" + text},
         (1, None, "audit-malformed-line"), None, ["Text"]),
        ("blank line at the end", {"key_hex": KEY_HEX, "text": text + "\n"}, (6, None, "audit-malformed-line"), None,
         ["Text"]),
        ("CRLF line endings", {"key_hex": KEY_HEX, "text": text.replace("\n", "\r\n")},
         (1, 1, "audit-malformed-line"), None, ["Text"]),
        ("complete but edited last line without newline", {"key_hex": KEY_HEX,
         "text": text + make_line(KEY, head, event(5), T0 + 9000)[0].replace('"outcome":"', '"outcome":"x', 1)},
         (6, 6, "audit-bad-mac"), None, ["Text", "LastLine"]),
        ("every line names the same replica", {"key_hex": KEY_HEX, "lines": build_log(3, replica="pod-a")[0]}, None,
         build_log(3, replica="pod-a")[1][-1], ["Replica"]),
        ("a line from another replica, chained correctly, is refused",
         {"key_hex": KEY_HEX, "lines": mixed_replicas()[0]}, (3, 3, "audit-replica-mismatch"), None, ["Replica"]),
        ("a line without replica in a replica's chain is refused",
         {"key_hex": KEY_HEX, "lines": mixed_replicas(second=None)[0]}, (3, 3, "audit-replica-mismatch"), None,
         ["Replica"]),
        ("a replica value that is not a replica id is malformed",
         {"key_hex": KEY_HEX, "lines": [make_line(KEY, None, {**event(0), "replica": ""}, T0)[0]]},
         (1, 1, "audit-malformed-line"), None, ["Replica"]),
        ("stored head and expected head together", {"key_hex": KEY_HEX, "lines": lines, "stored_head": head,
         "expected_head": head}, (None, None, "invalid-input"), None, ["StoredHead"]),
        ("stored head and a start head together", {"key_hex": KEY_HEX, "lines": lines[2:], "stored_head": head,
         "start": heads[1]}, (None, None, "invalid-input"), None, ["StoredHead"]),
        ("stored head mac not hex", {"key_hex": KEY_HEX, "lines": lines, "stored_head": {"seq": 5, "mac": "x" * 64}},
         (0, None, "invalid-input"), None, ["StoredHead"]),
        ("text with a cut tail against the stored head", {"key_hex": KEY_HEX,
         "text": "".join(ln + "\n" for ln in lines[:4]), "stored_head": head}, (5, None, "audit-truncated"), None,
         ["Text", "Truncate", "StoredHead"]),
        ("text ahead of the stored head", {"key_hex": KEY_HEX, "text": text, "stored_head": heads[3]}, None, head,
         ["Text", "StoredHead"]),
        ("text truncated against the expected head",
         {"key_hex": KEY_HEX, "text": "".join(ln + "\n" for ln in lines[:4]),
         "expected_head": head}, (5, None, "audit-truncated"), None, ["Text", "Truncate"]),
    ]
    for comment, inp, fail, ok_head, flags in key_cases:
        if fail is None:
            ref = inp.get("stored_head") or inp.get("expected_head")
            past = ok_head["seq"] - ref["seq"] if ref else None
            check = "unchecked" if ref is None else ("equal" if past == 0 else "ahead")
            report.append(case(comment, inp, {"ok": True, "head": ok_head, "code": None, "head_check": check,
                                              "past_head": past}, flags=flags))
            plain.append(case(comment, inp, {"head": ok_head}, flags=flags))
        elif fail[0] is None:
            report.append(case(comment, inp, code=fail[2], flags=flags))
            plain.append(case(comment, inp, code=fail[2], flags=flags))
        else:
            line, seq, code = fail
            report.append(case(comment, inp, {"ok": False, "line": line, "seq": seq, "code": code}, flags=flags))
            plain.append(case(comment, inp, code=code, flags=flags))
    notes = {
        "Edit": "A line's content was changed.", "Delete": "A line was removed.", "Reorder": "Lines were moved.",
        "Truncate": "Lines were cut from the end; detectable given the expected head.",
        "LastLine": "Concerns the last line (THREATS.md: including the last line).",
        "NonCanonical": "The same entry re-serialised differently; lines must be byte-exact RFC 8785.",
        "Splice": "A validly MACed line from another log under the same key.",
        "Huge": "Line size cap (16 KiB).", "KeyMismatch": "Verified with another key.",
        "Text": "JSONL text input (`text` instead of `lines`).", "Crash": "An append interrupted mid-write.",
        "Replica": "Per-replica chains: every line names the chain's replica.",
        "StoredHead": "stored_head: the replica's head as the driver saves it (after its line): the line at its "
                      "seq must carry its mac and the log must reach it; lines past it are allowed (head_check "
                      "ahead, past_head lines).",
    }
    header = ["Verification of an HMAC-chained audit log: input key_hex, lines[] or text, start?, expected_head?,",
              "stored_head? (alone: not with start or expected_head).",
              "line is 1-based (0: not about a line); seq is what the failing line claims, when readable.",
              "verify-report: head_check is equal (the log ends at the expected or stored head), ahead (past_head",
              "lines past the stored head) or unchecked (no head given, or the log failed): truncation unchecked."]
    write("audit-verify-report.json", "audit.verify-report", header, [{"tests": report}], notes)
    write("audit-verify.json", "audit.verify", [*header, "audit.verify gives {head} or the failure code."],
          [{"tests": plain}], notes)


def main():
    append_vectors()
    verify_vectors()
    chains_vectors()


if __name__ == "__main__":
    main()
