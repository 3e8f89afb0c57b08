"""Vectors for the compliance report (audit.report).

The report verifies a log directory (as audit.verify-chains) and counts only the
lines that verified. The expected totals, the canonical JSON text and the
Markdown are computed here independently of the Rust core (standard library
only; the lines and MACs come from gen_audit.py).
"""
from decimal import Decimal

from common import case, write
from gen_audit import GENESIS, KEY, KEY_HEX, T0, jcs, make_line

FP = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


def ev(event_type, outcome, amount=None, agent="agent-a", pii=(), code=None, replica=None,
       url="https://api.example.com/r"):
    e = {"event_type": event_type, "outcome": outcome, "resource_url": url, "amount_usd": amount,
         "network": "eip155:8453", "agent_id": agent, "pii_entities_found": list(pii), "replay_fingerprint": FP}
    if code:
        e["code"] = code
    if replica:
        e["replica"] = replica
    return e


def chain(events, replica=None, t0=T0):
    lines, head = [], None
    for i, e in enumerate(events):
        if replica:
            e = {**e, "replica": replica}
        line, head = make_line(KEY, head, e, t0 + 1000 * i)
        lines.append(line)
    return lines, (head or {"seq": 0, "mac": GENESIS})


# The codes' fixed descriptions needed by make_line for these events.
import gen_audit  # noqa: E402

gen_audit.DESCRIBE.setdefault("signer-failed", "The signer failed to produce a payment.")

# A day of one agent: paid with PII redacted and settled, paid and failed (released), paid unconfirmed,
# blocked by policy, by PII, as a replay; a second agent; a line without an agent id; a seed-style event.
DAY = [
    ev("payment_allowed", "allowed", "0.01", pii=["EMAIL_ADDRESS"]),
    ev("payment_settled", "settled", "0.01", pii=["EMAIL_ADDRESS"]),
    ev("payment_allowed", "allowed", "0.25"),
    ev("payment_failed", "failed", "0.25", code="signer-failed"),
    ev("payment_allowed", "allowed", "0.05", agent="agent-b"),
    ev("payment_unconfirmed", "unknown", "0.05", agent="agent-b"),
    ev("payment_blocked", "blocked", "2", code="policy-per-call-exceeded"),
    ev("payment_blocked", "blocked", "0.01", pii=["US_SSN", "PERSON"], code="pii-blocked"),
    ev("payment_blocked", "blocked", "0.01", code="replay-detected", agent="agent-b"),
    ev("payment_allowed", "allowed", "0.001", agent=None),
    ev("PII_REDACTED", "allowed", None, pii=["PHONE_NUMBER"]),  # the seed's upper-case name
]


def usd(d):
    if d == 0:
        return "0"
    s = format(d, "f")
    return s.rstrip("0").rstrip(".") if "." in s else s


def totals(lines):
    import json

    t = {"total_events": 0, "allowed": 0, "blocked": 0, "settled": 0, "unconfirmed": 0, "failed": 0,
         "spend": Decimal(0), "by_code": {}, "pii": {}, "agents": {}}
    for ln in lines:
        v = json.loads(ln)
        et, oc, code = v["event_type"].lower(), v["outcome"], v["code"] or ""
        amt = Decimal(v["amount_usd"]) if v["amount_usd"] is not None else Decimal(0)
        ents = v["pii_entities_found"]
        t["total_events"] += 1
        a = t["agents"].setdefault(v["agent_id"], {"total_payments": 0, "total_usd": Decimal(0), "pii_redacted": 0,
                                                   "blocked_pii": 0, "blocked_policy": 0, "blocked_replay": 0,
                                                   "payment_errors": 0})
        if oc in ("allowed", "blocked"):
            for e in ents:
                t["pii"][e] = t["pii"].get(e, 0) + 1
        if oc == "allowed":
            t["allowed"] += 1
            if et == "payment_allowed":
                a["total_payments"] += 1
                a["total_usd"] += amt
                t["spend"] += amt
            if ents or et == "pii_redacted":
                a["pii_redacted"] += 1
        elif oc == "blocked":
            t["blocked"] += 1
            k = code or "-"
            t["by_code"][k] = t["by_code"].get(k, 0) + 1
            if code.startswith("pii-") or et == "pii_blocked":
                a["blocked_pii"] += 1
            elif code.startswith("policy-") or et == "policy_blocked":
                a["blocked_policy"] += 1
            elif code == "replay-detected" or et == "replay_blocked":
                a["blocked_replay"] += 1
        if et == "payment_settled":
            t["settled"] += 1
        elif et == "payment_unconfirmed":
            t["unconfirmed"] += 1
        elif et == "payment_failed":
            t["failed"] += 1
            a["payment_errors"] += 1
            if oc == "failed":
                a["total_usd"] = max(Decimal(0), a["total_usd"] - amt)
                t["spend"] = max(Decimal(0), t["spend"] - amt)
        elif et == "payment_error":
            a["payment_errors"] += 1
    return t


def md_escape(x):
    out = []
    for ch in x:
        if ch in "\\|`*_<>[]":
            out.append("\\" + ch)
        elif ch in "\r\n":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def expected(chains, counted, missing=(), checked=False):
    for c, n in zip(chains, counted["per_chain"], strict=False):
        c["counted"] = n
    """chains: [{name, replica, ok, head | (line, seq, code)}]; counted: the verified lines of every chain."""
    t = totals(counted["lines"])
    ok = all(c["ok"] for c in chains) and not missing
    warnings = []
    for c in chains:
        if not c["ok"]:
            seq = "-" if c["seq"] is None else str(c["seq"])
            warnings.append(f"{c['name']}: line {c['line']:d} (seq {seq}): {c['code']}; "
                            "lines from there on are not counted")
    for m in missing:
        warnings.append(f"replica {m['replica']}: stored head at seq {m['stored_head']['seq']:d} "
                        "but no log: audit-log-missing")
    if not checked and t["total_events"] > 0:
        warnings.append("truncation not checked: no stored head for every chain")
    agents = sorted(t["agents"].items(), key=lambda kv: (kv[0] is not None, kv[0] or ""))
    report = {
        "v": 1, "chain_ok": ok, "truncation_checked": checked, "chain_warnings": warnings,
        "chains": [{"name": c["name"], "replica": c["replica"], "ok": c["ok"], "counted": c["counted"],
                    "head": c.get("head"),
                    "line": c.get("line"), "seq": c.get("seq"), "code": c.get("code")} for c in chains],
        "missing": [{"replica": m["replica"], "stored_head": m["stored_head"],
                     "code": "audit-log-missing"} for m in missing],
        "unverified_lines": counted["unverified"],
        "total_events": t["total_events"], "allowed": t["allowed"], "blocked": t["blocked"],
        "settled": t["settled"], "unconfirmed": t["unconfirmed"], "failed": t["failed"],
        "total_spend_usd": usd(t["spend"]), "blocked_by_code": t["by_code"], "pii_entity_counts": t["pii"],
        "agent_summaries": [{"agent_id": k, **{f: (usd(v) if f == "total_usd" else v) for f, v in a.items()}}
                            for k, a in agents],
    }
    md = "# presidio-hardened-x402 Compliance Report\n\n"
    if ok:
        md += f"**Chain integrity: OK** ({len(chains):d} chains verified"
        md += ", truncation checked against the stored heads)\n" if checked else ")\n"
    else:
        md += (f"**Chain integrity: FAILED**: the totals below count only the {t['total_events']:d} lines that "
               f"verified ({counted['unverified']:d} not counted)\n")
    if warnings:
        md += "\n" + "".join(f"- WARNING: {md_escape(w)}\n" for w in warnings)
    md += "\n| | |\n|---|---|\n"
    for k, v in [("Audit lines counted", t["total_events"]), ("Payments allowed", t["allowed"]),
                 ("Payments blocked", t["blocked"]), ("Settled", t["settled"]), ("Unconfirmed", t["unconfirmed"]),
                 ("Failed", t["failed"]), ("Total spend (USD)", usd(t["spend"]))]:
        md += f"| {k} | {v} |\n"

    def table(what, m):
        if not m:
            return "(none)\n"
        return f"| {what} | count |\n|---|---|\n" + "".join(f"| {md_escape(k)} | {m[k]:d} |\n" for k in sorted(m))

    md += "\n## Blocked by code\n\n" + table("code", t["by_code"])
    md += "\n## PII entities detected\n\n" + table("entity", t["pii"])
    md += "\n## Per agent\n\n"
    md += ("| agent | payments | spent (USD) | PII redacted | blocked PII | blocked policy | blocked replay "
           "| payment errors |\n")
    md += "|---|---|---|---|---|---|---|---|\n"
    for k, a in agents:
        name = "(none)" if k is None else md_escape(k)
        md += (f"| {name} | {a['total_payments']:d} | {usd(a['total_usd'])} | {a['pii_redacted']:d} "
               f"| {a['blocked_pii']:d} | {a['blocked_policy']:d} | {a['blocked_replay']:d} "
               f"| {a['payment_errors']:d} |\n")
    return {"json": jcs(report), "markdown": md}


def text(lines):
    return "".join(ln + "\n" for ln in lines)


def inp(*chains, key=KEY_HEX, **extra):
    return {"key_hex": key, "chains": [{"name": n, "text": t} for n, t in chains], **extra}


def ok(name, head, replica=None):
    return {"name": name, "replica": replica, "ok": True, "head": head}


def bad(name, line, seq, code):
    return {"name": name, "replica": None, "ok": False, "line": line, "seq": seq, "code": code}


def main():
    day, hday = chain(DAY)
    pa, hpa = chain(DAY[:6], replica="pod-a")
    pb, hpb = chain(DAY[6:], replica="pod-b")
    tampered = list(day)
    tampered[4] = tampered[4].replace('"0.05"', '"0.5"', 1)
    odd, hodd = chain([ev("payment_allowed", "allowed", "1", agent="ops|team *x*"),
                       ev("payment_blocked", "blocked", "1", agent="ops|team *x*")])
    tests = [
        case("one chain, a day of payments: totals over every line; truncation not checked without heads",
             inp(("audit.jsonl", text(day))),
             expected([ok("audit.jsonl", hday)], {"lines": day, "unverified": 0, "per_chain": [11]}),
             ["Totals", "NoHeads"]),
        case("two replicas with their stored heads: truncation checked, same totals",
             inp(("pod-a.jsonl", text(pa)), ("pod-b.jsonl", text(pb)), heads={"pod-a": hpa, "pod-b": hpb}),
             expected([ok("pod-a.jsonl", hpa, "pod-a"), ok("pod-b.jsonl", hpb, "pod-b")],
                      {"lines": pa + pb, "unverified": 0, "per_chain": [6, 5]}, checked=True), ["Totals", "Replica"]),
        case("an edited amount: the chain fails at that line and only the lines before it are counted",
             inp(("audit.jsonl", text(tampered))),
             expected([bad("audit.jsonl", 5, 5, "audit-bad-mac")],
                      {"lines": day[:4], "unverified": 7, "per_chain": [4]}),
             ["Edit"]),
        case("a cut tail against the stored head: every line present counts, the report says audit-truncated",
             inp(("pod-a.jsonl", text(pa[:4])), heads={"pod-a": hpa}),
             expected([{**bad("pod-a.jsonl", 5, None, "audit-truncated"), "replica": "pod-a"}],
                      {"lines": pa[:4], "unverified": 0, "per_chain": [4]}, checked=True), ["Truncate"]),
        case("a deleted replica log: its stored head is reported missing",
             inp(("pod-a.jsonl", text(pa)), heads={"pod-a": hpa, "pod-b": hpb}),
             expected([ok("pod-a.jsonl", hpa, "pod-a")], {"lines": pa, "unverified": 0, "per_chain": [6]},
                      missing=[{"replica": "pod-b", "stored_head": hpb}], checked=True), ["Deleted"]),
        case("a torn last line (a crash mid-append) is not counted",
             inp(("audit.jsonl", text(day[:3]) + day[3][:40])),
             expected([bad("audit.jsonl", 4, None, "audit-partial-line")],
                      {"lines": day[:3], "unverified": 1, "per_chain": [3]}),
             ["Crash"]),
        case("the same chain twice: the copy is refused and not counted twice",
             inp(("a.jsonl", text(day)), ("b.jsonl", text(day))),
             expected([ok("a.jsonl", hday), bad("b.jsonl", 1, 1, "audit-replica-duplicate")],
                      {"lines": day, "unverified": 11, "per_chain": [11, 0]}), ["Splice"]),
        case("a log under another key: nothing verifies, nothing is counted",
             inp(("audit.jsonl", text(day)), key=bytes(range(100, 132)).hex()),
             expected([bad("audit.jsonl", 1, 1, "audit-bad-key")], {"lines": [], "unverified": 11, "per_chain": [0]}),
             ["Edit"]),
        case("an empty directory", inp(), expected([], {"lines": [], "unverified": 0, "per_chain": []})),
        case("an empty log file", inp(("audit.jsonl", "")),
             expected([ok("audit.jsonl", {"seq": 0, "mac": GENESIS})],
                      {"lines": [], "unverified": 0, "per_chain": [0]})),
        case("Markdown cells escape an agent id's markup", inp(("audit.jsonl", text(odd))),
             expected([ok("audit.jsonl", hodd)], {"lines": odd, "unverified": 0, "per_chain": [2]}), ["Markdown"]),
        case("15-byte key", inp(("audit.jsonl", text(day)), key=KEY_HEX[:30]), code="key-too-short"),
        case("a chain without text", {"key_hex": KEY_HEX, "chains": [{"name": "x"}]}, code="invalid-input"),
    ]
    write("audit-report.json", "audit.report",
          ["audit.report: the compliance report of a log directory ({name, text} chains, optional stored heads).",
           "The chains are verified first (as audit.verify-chains); only lines that verified are counted, and a",
           "failed chain is reported with its line, seq and code (chain_ok false, a warning, unverified_lines).",
           "Spend is exact: payment_allowed amounts less payment_failed (outcome failed) amounts.",
           "json is the canonical (RFC 8785) text of the report object, which every host parses and writes byte for",
           "byte; markdown renders the same facts. Expected values are computed in Python "
           "(vectors/gen/gen_report.py)."],
          [{"tests": tests}],
          {"Totals": "Counts and exact spend over a realistic mix of decisions and settlements.",
           "NoHeads": "No stored heads: the report warns that truncation was not checked.",
           "Replica": "Several replicas, one chain each.",
           "Edit": "A line does not verify: nothing from it on is counted.",
           "Truncate": "Lines cut from a chain's end, seen against its stored head.",
           "Deleted": "A replica's log is gone: listed in missing[].",
           "Crash": "An unterminated last line.",
           "Splice": "A chain copied: counted once.",
           "Markdown": "Untrusted text in table cells is escaped."})


if __name__ == "__main__":
    main()
